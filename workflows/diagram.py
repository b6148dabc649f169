"""Mermaid diagrams and Markdown pages rendered from the workflow data (deterministic: a test compares them)."""
from __future__ import annotations

from pathlib import Path

from workflows.definitions import WORKFLOWS
from workflows.model import Workflow

ROLE_LABELS = {
    "proposer": ("người đề nghị", "proposer"),
    "secretary": ("thường trực hội đồng", "secretary"),
    "approver": ("người phê duyệt", "approver"),
    "hr": ("tổ chức cán bộ", "HR"),
    "admin": ("quản trị", "admin"),
    "system": ("hệ thống", "system"),
}

GENERATED = ("<!-- Generated from workflows/definitions by `flask --app wsgi workflows docs`; do not edit by hand. "
             "-->")


def _workflow(name: str) -> Workflow:
    try:
        return WORKFLOWS[name]
    except KeyError:
        raise KeyError(f"no workflow named {name!r} (known: {', '.join(WORKFLOWS)})") from None


def mermaid(name: str) -> str:
    """The workflow as a Mermaid ``stateDiagram-v2``: states labelled in Vietnamese, edges by trigger and roles."""
    wf = _workflow(name)
    lines = ["stateDiagram-v2"]
    for state in wf.state_names:
        doc = wf.state_docs.get(state)
        if doc:
            lines.append(f'    state "{doc.label_vi} ({state})" as {state}')
    lines.append(f"    [*] --> {wf.initial}")
    for t in wf.transitions:
        for source in t.sources:
            lines.append(f"    {source} --> {t.dest}: {t.trigger} ({', '.join(t.roles)})")
    outgoing = {str(s) for t in wf.transitions for s in t.sources}
    for state in wf.state_names:
        if state not in outgoing:
            lines.append(f"    {state} --> [*]")
    return "\n".join(lines) + "\n"


def _roles(roles: tuple[str, ...]) -> str:
    return ", ".join(f"{ROLE_LABELS[r][0]} / {ROLE_LABELS[r][1]}" for r in roles)


def workflow_page(name: str) -> str:
    """docs/workflows/<name>.md: the states explained, the diagram and every transition."""
    wf = _workflow(name)
    out = [f"# {wf.title_vi} / {wf.title_en} (`{wf.name}`)", "", GENERATED, "",
           "## Trạng thái / States", "",
           "| Trạng thái | State | Mô tả | Description |", "|---|---|---|---|"]
    for state in wf.state_names:
        doc = wf.state_docs.get(state)
        if doc:
            out.append(f"| {doc.label_vi} | `{state}` | {doc.description_vi} | {doc.description_en} |")
        else:
            out.append(f"| | `{state}` | | |")
    out += ["", f"Trạng thái ban đầu / initial state: `{wf.initial}`.", "",
            "## Sơ đồ / Diagram", "", "```mermaid", mermaid(name).rstrip("\n"), "```", "",
            "## Chuyển trạng thái / Transitions", "",
            "| Thao tác / Trigger | Từ / From | Đến / To | Vai trò / Roles | Điều kiện / Guards "
            "| Bắt buộc lý do / Comment required | Dữ liệu bắt buộc / Data required |",
            "|---|---|---|---|---|---|---|"]
    for t in wf.transitions:
        label = f"{t.label_vi} / {t.label_en}" if t.label_vi else ""
        out.append(
            f"| `{t.trigger}` {label} | {', '.join(f'`{s}`' for s in t.sources)} | `{t.dest}` | {_roles(t.roles)} "
            f"| {', '.join(f'`{g}`' for g in t.guards) or '—'} | {'có / yes' if t.comment_required else '—'} "
            f"| {', '.join(f'`{d}`' for d in t.data_required) or '—'} |")
    return "\n".join(out) + "\n"


INDEX_INTRO = """\
# Quy trình / Workflows

{generated}

Mỗi hồ sơ, tờ trình, sáng kiến và bản đăng ký thi đua đi qua một quy trình: một tập trạng thái và các thao tác
chuyển giữa chúng. Mỗi thao tác chỉ người có vai trò phù hợp mới thực hiện được, có thể bị từ chối kèm lý do
(chưa đủ điều kiện, thiếu tài liệu, vượt tỷ lệ…), và được ghi vào lịch sử của hồ sơ với người thực hiện, thời
điểm và ý kiến. Trang của một hồ sơ chỉ hiện những thao tác bạn được làm lúc đó.

Every nomination, batch, initiative and emulation registration follows a workflow: a set of states and the
actions that move between them. Each action may only be taken by someone with the right role, may be refused
with its reasons (not eligible, a document missing, over the quota…), and is written to the record's history
with who did it, when and their comment. A record's page shows only the actions you may take now.

Vai trò / Roles: người đề nghị (đơn vị lập hồ sơ) / proposer (the proposing unit); thường trực hội đồng /
the council's secretary; người phê duyệt (thủ trưởng có thẩm quyền) / the approver (the head with authority);
tổ chức cán bộ / HR; quản trị / admin; hệ thống (kết quả họp hội đồng, quyết định ban hành) / the system (the
council's outcomes, an issued decision).
"""


def index_page() -> str:
    """docs/workflows.md: every workflow's states for users, in Vietnamese and English, with links."""
    out = [INDEX_INTRO.format(generated=GENERATED).rstrip("\n")]
    for name, wf in WORKFLOWS.items():
        out += ["", f"## {wf.title_vi} / {wf.title_en}", "",
                f"Sơ đồ và mọi thao tác / diagram and every action: [workflows/{name}.md](workflows/{name}.md).", ""]
        for state in wf.state_names:
            doc = wf.state_docs[state]
            out.append(f"- **{doc.label_vi}** / *{doc.label_en}* (`{state}`): {doc.description_vi} "
                       f"— {doc.description_en}")
    return "\n".join(out) + "\n"


def render_docs() -> dict[str, str]:
    """Every generated page by its path relative to the docs directory."""
    pages = {f"workflows/{name}.md": workflow_page(name) for name in WORKFLOWS}
    pages["workflows.md"] = index_page()
    return pages


def write_docs(directory: str | Path) -> list[Path]:
    """Write docs/workflows.md and docs/workflows/<name>.md under ``directory`` (the docs/ folder)."""
    root = Path(directory)
    written = []
    for relative, text in render_docs().items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
