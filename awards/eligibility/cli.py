"""``flask --app wsgi awards …``: the eligibility commands (rules-doc here; evaluate is added by the service)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "rules.md"

awards_cli = AppGroup("awards", help="Danh hiệu, khen thưởng: điều kiện và quy tắc xét.")


VERDICT_LABELS = {"eligible": "đủ điều kiện", "ineligible": "không đủ điều kiện",
                  "needs_information": "cần bổ sung thông tin"}
OUTCOME_LABELS = {"not_met": "không đạt", "unknown": "chưa rõ"}


@awards_cli.command("evaluate")
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị: đơn vị và mọi đơn vị trực thuộc.")
@click.option("--year", type=int, required=True, help="Năm thi đua, ví dụ 2021 (01/10/2020–30/9/2021).")
@click.option("--award", default=None, help="Chỉ xét một danh hiệu (mã, ví dụ CSTDCS).")
def evaluate_command(unit_code: str, year: int, award: str | None) -> None:
    """Xét điều kiện của mọi cá nhân và tập thể thuộc đơn vị trong năm: bảng kết quả và lý do."""
    # Imported here, not above: this file's top belongs to the group shared by the eligibility commands.
    from sqlalchemy import select

    from awards.eligibility.engine import applicable_awards
    from awards.eligibility.service import subtree_reports
    from awards.extensions import db
    from awards.org.models import Unit

    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise click.BadParameter(f"không có đơn vị mã {unit_code}.", param_hint="--unit")
    if award is not None and award not in set(applicable_awards("person")) | set(applicable_awards("unit")):
        raise click.BadParameter(f"không có danh hiệu mã {award}.", param_hint="--award")
    rows = subtree_reports(unit, year, award)
    width = max([len(f"{r.subject_code} {name}") for name, r in rows] + [10])
    click.echo(f"{'Đối tượng':{width}}  {'Danh hiệu':10}  {'Kết quả':22}  Điều kiện không đạt / chưa rõ")
    counts = dict.fromkeys(VERDICT_LABELS, 0)
    lines = []
    for name, report in rows:
        counts[report.verdict] += 1
        open_clauses = "; ".join(f"{c.code} ({OUTCOME_LABELS[c.outcome]}): {c.reason}"
                                 for c in report.clauses if c.outcome in OUTCOME_LABELS)
        lines.append(f"{report.subject_code + ' ' + name:{width}}  {report.award:10}  "
                     f"{VERDICT_LABELS[report.verdict]:22}  {open_clauses or '—'}")
    click.echo("\n".join(lines))
    regime = rows[0][1].regime if rows else "—"
    click.echo(f"{len(rows)} kết quả năm {year} (quy định {regime}): "
               + ", ".join(f"{n} {VERDICT_LABELS[v]}" for v, n in counts.items()) + ".")


@awards_cli.command("rules-doc")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_OUTPUT, show_default=True,
              help="Tệp Markdown cần ghi.")
def rules_doc_command(output: Path) -> None:
    """Ghi docs/rules.md: mọi quy tắc, điều kiện, căn cứ và tham số, sinh từ dữ liệu quy tắc."""
    from awards.eligibility.docs import render

    output.write_text(render(), encoding="utf-8")
    click.echo(f"Đã ghi {output}.")
