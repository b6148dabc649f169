"""Report pages and files: the year-end awards report of a unit's subtree (page with charts, XLSX, PDF) and the
metrics per unit for a year (XLSX). Read-only; a unit outside the user's scope answers 404.
"""
from __future__ import annotations

from datetime import date

import pygal
from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from awards.core.formatting import number
from awards.documents.render import render_pdf
from awards.extensions import db
from awards.metrics import charts
from awards.org.models import Unit
from awards.org.permissions import get_visible_or_404, visible_unit_ids
from awards.reports import queries
from awards.reports.queries import YearEndReport
from awards.reports.xlsx import XLSX_MIMETYPE, metrics_workbook, year_end_workbook

bp = Blueprint("reports", __name__, url_prefix="/reports")

DECIDED_COLOUR = "#1f5f9e"
PROPOSED_COLOUR = "#c25e12"
PDF_STYLESHEET = "year_end.css"


def _unit(code: str) -> Unit:
    return get_visible_or_404(Unit, code, current_user, unit_of=lambda u: u, by="code")


def _year(unit: Unit) -> tuple[int, list[int]]:
    """The year asked, else the latest with nominations in the subtree, else last year."""
    years = queries.report_years(unit)
    asked = request.args.get("year", type=int)
    if asked is not None and 1900 <= asked <= 2999:
        return asked, years
    return (years[0] if years else date.today().year - 1), years


def _file(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _chart(report: YearEndReport, kind: str, title: str) -> Markup | None:
    """Decided and proposed counts per award, side by side (pygal, no script, native hover texts)."""
    rows = report.rows(kind)
    rows = [r for r in rows if r["decided"] or r["proposed"]]
    if not rows:
        return None
    names = [_("Đã quyết định"), _("Đề nghị cấp trên")]
    description = "; ".join(f"{r['code']}: {r['decided']} / {r['proposed']}" for r in rows)
    chart = pygal.Bar(
        width=560, height=280, style=charts._style([DECIDED_COLOUR, PROPOSED_COLOUR], False),
        js=[], disable_xml_declaration=True, explicit_size=False, pretty_print=False,
        x_labels=[r["code"] for r in rows], value_formatter=lambda v: number(v), print_values=True,
        show_legend=False, show_x_guides=False, show_y_guides=True, include_x_axis=True, min_scale=1,
        truncate_label=-1, margin=8, spacing=12, tooltip_fancy_mode=False,
        classes=["pygal-chart", "report-chart", "w-100", "h-auto"])
    chart.add_xml_filter(charts._plain_svg(title, description, {0: names[0], 1: names[1]}))
    # None, not 0: no empty bar and no "0" label beside an award that only one of the two has.
    chart.add(names[0], [r["decided"] or None for r in rows])
    chart.add(names[1], [r["proposed"] or None for r in rows])
    return Markup(chart.render())


@bp.route("/")
@login_required
def index():
    """Pick a unit in scope and a year; the units offered are the user's scope roots and the units below them."""
    code = request.args.get("unit")
    if code:
        unit = _unit(code)
        return redirect(url_for("reports.year_end", code=unit.code, year=request.args.get("year", type=int)))
    ids = visible_unit_ids(current_user)
    roots = [u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code))
             if u.parent_id not in ids] if ids else []
    choices = []
    for root in roots:
        choices.append((root.code, root.name))
        choices += [(c.code, "— " + c.name) for c in sorted(root.children, key=lambda c: c.code)]
    return render_template("reports/index.html", choices=choices, year=date.today().year - 1)


@bp.route("/units/<code>/year-end")
@login_required
def year_end(code: str):
    unit = _unit(code)
    year, years = _year(unit)
    report = queries.year_end(unit, year)
    chart_titles = {"collective": _("Khen thưởng tập thể năm %(year)s", year=year),
                    "individual": _("Khen thưởng cá nhân năm %(year)s", year=year)}
    return render_template("reports/year_end.html", unit=unit, year=year, years=years, report=report,
                           charts={kind: _chart(report, kind, title) for kind, title in chart_titles.items()},
                           decided_colour=DECIDED_COLOUR, proposed_colour=PROPOSED_COLOUR, swatch=charts.swatch)


@bp.route("/units/<code>/year-end.xlsx")
@login_required
def year_end_xlsx(code: str):
    unit = _unit(code)
    year, _years = _year(unit)
    data = year_end_workbook(queries.year_end(unit, year), unit.name)
    return _file(data, XLSX_MIMETYPE, f"tong-ket-khen-thuong-{unit.code}-{year}.xlsx")


def _pdf_context(unit: Unit, report: YearEndReport) -> dict:
    """Plain values for templates/documents/year_end.html (render.py's contract: no record reaches it)."""
    parent = unit.parent
    today = date.today()
    return {"parent_body": parent.name_on(today).upper() if parent else "", "issuer": unit.name_on(today).upper(),
            "place": unit.place_name(), "date": today, "year": report.year,
            "sections": [{"title": title, "rows": report.rows(kind),
                          "decided": report.total(kind, "decided"), "proposed": report.total(kind, "proposed"),
                          "money": sum(report.money[kind].values())}
                         for kind, title in (("collective", "I. TẬP THỂ"), ("individual", "II. CÁ NHÂN"))],
            "initiatives": report.initiatives_recognised, "money_total": report.money_total,
            "staff_actual": report.staff_actual, "staff_authorised": report.staff_authorised}


@bp.route("/units/<code>/year-end.pdf")
@login_required
def year_end_pdf(code: str):
    unit = _unit(code)
    year, _years = _year(unit)
    pdf = render_pdf("year_end.html", _pdf_context(unit, queries.year_end(unit, year)), stylesheet=PDF_STYLESHEET)
    return _file(pdf, "application/pdf", f"tong-ket-khen-thuong-{unit.code}-{year}.pdf")


@bp.route("/units/<code>/metrics.xlsx")
@login_required
def metrics_xlsx(code: str):
    unit = _unit(code)
    year, _years = _year(unit)
    data = metrics_workbook(queries.metrics_per_unit(unit, year), unit.name)
    return _file(data, XLSX_MIMETYPE, f"ket-qua-thi-hanh-an-{unit.code}-{year}.xlsx")
