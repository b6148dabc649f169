"""The committed diagrams and workflow pages are what the data produces, and workflows/ stays pure Python."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from workflows import diagram, engine
from workflows.definitions import WORKFLOWS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
REGENERATE = "out of date: run `flask --app wsgi workflows docs` and commit docs/workflows*"


@pytest.mark.parametrize("relative", sorted(diagram.render_docs()))
def test_committed_docs_are_current(relative):
    path = DOCS / relative
    assert path.is_file(), f"docs/{relative} is missing: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == diagram.render_docs()[relative], f"docs/{relative} {REGENERATE}"


def test_write_docs_writes_every_page(tmp_path):
    written = diagram.write_docs(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "workflows.md", "workflows/batch.md", "workflows/initiative.md", "workflows/nomination.md",
        "workflows/registration.md"]
    for relative, text in diagram.render_docs().items():
        assert (tmp_path / relative).read_text(encoding="utf-8") == text


@pytest.mark.parametrize("name", list(WORKFLOWS))
def test_the_diagram_draws_every_transition_once_per_source(name):
    text = engine.mermaid(name)
    assert text.startswith("stateDiagram-v2\n")
    wf = WORKFLOWS[name]
    for t in wf.transitions:
        for source in t.sources:
            assert f"    {source} --> {t.dest}: {t.trigger} ({', '.join(t.roles)})\n" in text
    assert f"    [*] --> {wf.initial}\n" in text
    assert engine.mermaid(name) == text  # deterministic
    page = diagram.workflow_page(name)
    assert f"```mermaid\n{text}```" in page


def test_the_index_explains_every_state_in_both_languages():
    page = diagram.index_page()
    for wf in WORKFLOWS.values():
        for state, doc in wf.state_docs.items():
            assert f"**{doc.label_vi}** / *{doc.label_en}* (`{state}`)" in page
    assert "Mỗi hồ sơ" in page and "Every nomination" in page


def test_an_unknown_workflow_has_no_diagram():
    with pytest.raises(KeyError, match="no workflow named 'payment'"):
        engine.mermaid("payment")


FORBIDDEN = ("flask", "flask_", "sqlalchemy", "werkzeug", "awards", "alembic", "blinker")


def test_workflows_imports_no_flask_no_sqlalchemy_no_application_code():
    files = sorted((ROOT / "workflows").rglob("*.py"))
    assert len(files) >= 8
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert not any(top == f or (f.endswith("_") and top.startswith(f)) for f in FORBIDDEN), \
                    f"{path.relative_to(ROOT)} imports {module}"
