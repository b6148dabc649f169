"""Pages of the enforcement figures: a unit's or an officer's months, units compared for a month, and the
officer section of the person page. Read-only; scoped like the organisation pages (404 outside scope).

The figures come from ``awards.metrics.queries`` (sums in SQL, rates from the sums); this module picks
the year and month asked (or the latest with figures), loads, and hands plain data to the templates and
to ``awards.metrics.charts``.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, exists, func, select

from awards.core import exports
from awards.core.models import in_force
from awards.extensions import db
from awards.metrics import charts, compute, queries
from awards.metrics.models import MetricReport, MetricTarget
from awards.metrics.queries import Summary
from awards.org import labels
from awards.org.models import Cluster, ClusterMember, Person, Unit, UnitKind, UnitName
from awards.org.permissions import get_visible_or_404, subtree_ids, visible_unit_ids

bp = Blueprint("metrics", __name__)

MEASURES = ("cases", "money")


@bp.context_processor
def _metrics_template_helpers() -> dict:
    return {"labels": labels, "label": labels.label}


@bp.app_context_processor
def _wording() -> dict:
    # App-wide: the person page (org blueprint) includes metrics/_person_section.html.
    return {"metric_words": charts, "officer_figures": person_section}


# --- choosing the year and the month -------------------------------------------------------------------

def _years(where) -> list[int]:
    """Statistical years with figures, latest first."""
    return list(db.session.scalars(select(MetricReport.year).where(where).distinct()
                                   .order_by(MetricReport.year.desc())))


def _chosen_year(years: list[int]) -> int | None:
    """The year asked for (even one without figures: the page says so), else the latest with figures."""
    asked = request.args.get("year", type=int)
    if asked is not None and 1900 <= asked <= 2999:
        return asked
    return years[0] if years else None


def _chosen_month(months: list[int]) -> int | None:
    asked = request.args.get("month", type=int)
    if asked is not None and 1 <= asked <= 12:
        return asked
    return months[-1] if months else None


def _measure() -> str:
    asked = request.args.get("sort")
    return asked if asked in MEASURES else "cases"


def cutoff(year: int, month: int) -> date:
    """The last day the figures of ``month`` of the statistical ``year`` count to."""
    calendar_year = compute.calendar_year(year, month)
    return date(calendar_year, month, calendar.monthrange(calendar_year, month)[1])


# --- the months of a year: a unit or an officer ----------------------------------------------------------

@dataclass
class MonthsPage:
    years: list[int]  # with figures, latest first
    year: int | None  # shown
    series: list[Summary]  # its months with figures, October first, each against the year's targets

    @property
    def latest(self) -> Summary | None:
        return self.series[-1] if self.series else None

    def charts(self, title: str) -> tuple:
        """The wide chart and the phone one (the page shows one of them by screen width)."""
        if not self.series:
            return None, None
        return (charts.month_chart(self.series, self.year, title=title),
                charts.month_chart(self.series, self.year, title=title, compact=True))


def _months_page(where, code: str, *, unit: Unit | None = None, person: Person | None = None) -> MonthsPage:
    years = _years(where)
    year = _chosen_year(years)
    if year is None:
        return MonthsPage(years, None, [])
    target = queries.target_of(unit=unit, person=person, year=year)
    return MonthsPage(years, year, queries.year_series(where, code, year, target))


@bp.route("/units/<code>/metrics")
@login_required
def unit_metrics(code: str):
    unit = get_visible_or_404(Unit, code, current_user, unit_of=lambda u: u, by="code")
    has_children = db.session.scalar(select(exists().where(Unit.parent_id == unit.id)))
    rollup = has_children and request.args.get("rollup") in ("1", "true")
    page = _months_page(queries.unit_filter(unit, rollup), unit.code, unit=unit)
    if fmt := exports.requested_format():
        columns = [exports.Column(_("Tháng"), lambda s: charts.month_label(s.year, s.month)),
                   *_figure_columns(lambda s: s, months=True)]
        return exports.download(fmt, f"{_('Kết quả thi hành án')} {unit.code} {page.year or ''}", columns,
                                page.series)
    title = _("Tỷ lệ thi hành xong theo tháng – %(name)s", name=unit.name)
    wide, compact = page.charts(title)
    return render_template("metrics/unit.html", unit=unit, page=page, rollup=rollup, has_children=has_children,
                           chart=wide, chart_compact=compact)


@bp.route("/people/<code>/metrics")
@login_required
def person_metrics(code: str):
    person = get_visible_or_404(Person, code, current_user, by="code")
    page = _months_page(queries.person_filter(person), person.code, person=person)
    wide, compact = page.charts(_("Tỷ lệ thi hành xong theo tháng – %(name)s", name=person.full_name))
    return render_template("metrics/person.html", person=person, page=page, chart=wide, chart_compact=compact)


@dataclass
class PersonSection:
    year: int
    latest: Summary


def person_section(person: Person) -> PersonSection | None:
    """The officer's latest month of the latest year with figures, for the person page (4 statements)."""
    where = queries.person_filter(person)
    year = db.session.scalar(select(func.max(MetricReport.year)).where(where))
    if year is None:
        return None
    latest = queries.summary(where, person.code, year, target=queries.target_of(person=person, year=year))
    return PersonSection(year, latest) if latest else None


# --- units side by side for a month ----------------------------------------------------------------------

@dataclass(frozen=True)
class UnitRef:
    """What a comparison row needs of a unit, read as plain columns: a province's hundreds of units as ORM
    objects (with their dated names) would cost more than the whole page may take."""

    id: int
    code: str
    kind: UnitKind


def names_on(ids: list[int] | Select, on: date) -> dict[int, str]:
    """Each unit's name in force on ``on`` (one statement), by the rule of ``Unit.name_on``: the latest name
    in force that day, else the earliest one recorded."""
    names: dict[int, str] = {}
    earliest: dict[int, str] = {}
    for unit_id, name, valid_from, valid_to in db.session.execute(
            select(UnitName.unit_id, UnitName.name, UnitName.valid_from, UnitName.valid_to)
            .where(UnitName.unit_id.in_(ids)).order_by(UnitName.unit_id, UnitName.valid_from)):
        earliest.setdefault(unit_id, name)
        if in_force(valid_from, valid_to, on):
            names[unit_id] = name
    return {**earliest, **names}


@dataclass
class Row:
    unit: UnitRef | Unit | None  # None for the total
    name: str  # the unit's name at the cut-off date
    summary: Summary
    role: object = None  # the cluster role, on a cluster's page
    own: bool = False  # the parent's own office, beside its sub-units

    def __post_init__(self) -> None:
        # Written out once: the table and the chart print the same texts, hundreds of rows on a province.
        self.cases = charts.Cells.of(self.summary, "cases")
        self.money = charts.Cells.of(self.summary, "money")


@dataclass
class ComparisonPage:
    years: list[int]
    year: int | None
    months: list[int]
    month: int | None
    measure: str
    rows: list[Row] = field(default_factory=list)  # sorted by the measure's rate, best first
    missing: list[tuple[UnitRef, str]] = field(default_factory=list)  # compared units without figures that month
    total: Row | None = None
    chart: object = None

    @property
    def common_target(self):
        """The target shared by every row, if they all have the same one (then the chart draws one line)."""
        values = {getattr(r, self.measure).target for r in self.rows}
        return values.pop() if len(values) == 1 else None


def _sorted_rows(rows: list[Row], measure: str) -> list[Row]:
    def key(row: Row):
        rate = row.summary.case_rate if measure == "cases" else row.summary.money_rate
        return rate is None, -(rate or 0), row.name.casefold(), row.unit.code

    return sorted(rows, key=key)


def _comparison_page(years: list[int], where_all, compared: list[UnitRef], compared_ids: Select, *,
                     year: int | None, title: str,
                     own: Unit | None = None, roles: dict[int, object] | None = None,
                     total_target: MetricTarget | None = None) -> ComparisonPage:
    measure = _measure()
    if year is None:
        return ComparisonPage(years, None, [], None, measure)
    months = queries.months_available(where_all, year)
    month = _chosen_month(months)
    page = ComparisonPage(years, year, months, month, measure)
    if month is None or month not in months:
        return page
    on = cutoff(year, month)
    names = names_on(compared_ids, on)
    for unit, summary in queries.comparison(compared, year, month, rollup=True, ids=compared_ids):
        if summary is None:
            page.missing.append((unit, names.get(unit.id, unit.code)))
        else:
            page.rows.append(Row(unit, names.get(unit.id, unit.code), summary, role=(roles or {}).get(unit.id)))
    # Units of a kind that never reports (a Cục's divisions) are not "missing"; a branch that is, is.
    reporting = {row.unit.kind for row in page.rows}
    page.missing = [(unit, name) for unit, name in page.missing if unit.kind in reporting]
    if own is not None:
        mine = queries.summary(queries.unit_filter(own), own.code, year, month, total_target)
        if mine is not None:
            suffix = _("cấp tỉnh") if own.kind == UnitKind.PROVINCIAL_DEPARTMENT else _("riêng đơn vị")
            page.rows.append(Row(own, f"{own.name_on(on)} ({suffix})", mine, own=True))
    page.rows = _sorted_rows(page.rows, measure)
    total = queries.summary(where_all, "", year, month, total_target)
    page.total = Row(None, "", total) if total and page.rows else None
    if page.rows:
        page.chart = charts.comparison_chart([charts.Bar(r.name, getattr(r, measure)) for r in page.rows],
                                             measure=measure, title=title, common_target=page.common_target)
    return page


# --- the tables as downloads (?format=xlsx|csv) -----------------------------------------------------------

def _figure_columns(summary_of, *, months: bool = False) -> list[exports.Column]:
    """Counts, rate, target, attainment and excess (and the change on the month before, for a months table)
    of both measures; ``summary_of`` reads the Summary from a row. Rates in percent, excess in points."""
    words = {
        "cases": (_("Thụ lý (việc)"), _("Có điều kiện (việc)"), _("Thi hành xong (việc)"), _("Tỷ lệ về việc (%)"),
                  _("Chỉ tiêu về việc (%)"), _("Đạt chỉ tiêu về việc (%)"), _("Chênh lệch về việc (điểm %)"),
                  _("Về việc so với tháng trước (điểm %)"), "int"),
        "money": (_("Thụ lý (đồng)"), _("Có điều kiện (đồng)"), _("Thi hành xong (đồng)"), _("Tỷ lệ về tiền (%)"),
                  _("Chỉ tiêu về tiền (%)"), _("Đạt chỉ tiêu về tiền (%)"), _("Chênh lệch về tiền (điểm %)"),
                  _("Về tiền so với tháng trước (điểm %)"), "money"),
    }
    columns = []
    for measure, (received, enforceable, completed, rate, target, attained, excess, change, kind) in words.items():
        prefix = "case" if measure == "cases" else "money"

        def counts(row, m=measure):
            return getattr(summary_of(row), m)

        def figure(name, p=prefix):
            return lambda row: getattr(summary_of(row), f"{p}_{name}")

        columns += [
            exports.Column(received, lambda row, c=counts: c(row).received, kind),
            exports.Column(enforceable, lambda row, c=counts: c(row).enforceable, kind),
            exports.Column(completed, lambda row, c=counts: c(row).completed, kind),
            exports.Column(rate, figure("rate"), "decimal"),
            exports.Column(target, figure("target"), "decimal"),
            exports.Column(attained, figure("attainment"), "decimal"),
            exports.Column(excess, figure("excess"), "decimal"),
        ]
        if months:
            columns.append(exports.Column(change, figure("change"), "decimal"))
    return columns


def _comparison_download(fmt: str, page: ComparisonPage, name: str, total_label: str):
    """The comparison table as shown (same rows, same order, the total last)."""
    rows = [(i, row) for i, row in enumerate(page.rows, start=1)]
    if page.total:
        rows.append((None, page.total))
    columns = [exports.Column("#", lambda r: r[0], "int"),
               exports.Column(_("Mã đơn vị"), lambda r: r[1].unit.code if r[1].unit else None),
               exports.Column(_("Đơn vị"), lambda r: r[1].name if r[1].unit else total_label)]
    if any(row.role for row in page.rows):  # a cluster's page: leader, deputy, member
        columns.append(exports.Column(_("Vai trò trong cụm"),
                                      lambda r: labels.label(labels.CLUSTER_ROLE_LABELS, r[1].role) if r[1].role
                                      else None))
    columns += _figure_columns(lambda r: r[1].summary)
    period = f"{page.year}-{page.month}" if page.month else str(page.year or "")
    return exports.download(fmt, f"{_('So sánh')} {name} {period}", columns, rows)


def _month_choices(page: ComparisonPage) -> list[tuple[int, str]]:
    return [(m, _("T%(month)s", month=m)) for m in page.months]


@bp.route("/units/<code>/metrics/compare")
@login_required
def unit_compare(code: str):
    unit = get_visible_or_404(Unit, code, current_user, unit_of=lambda u: u, by="code")
    children = [UnitRef(*row) for row in db.session.execute(
        select(Unit.id, Unit.code, Unit.kind).where(Unit.parent_id == unit.id))]
    compared_ids = select(Unit.id).where(Unit.parent_id == unit.id)
    kinds = sorted({c.kind for c in children}, key=lambda k: list(UnitKind).index(k))
    kind = request.args.get("kind")
    if kind in {k.value for k in kinds}:
        children = [c for c in children if c.kind == kind]
        compared_ids = compared_ids.where(Unit.kind == kind)
    else:
        kind = None
    where_all = queries.unit_filter(unit, rollup=True)
    years = _years(where_all)
    year = _chosen_year(years)
    title = _("So sánh tỷ lệ thi hành xong – %(name)s", name=unit.name)
    page = _comparison_page(years, where_all, children, compared_ids, year=year, title=title,
                            own=None if kind else unit,
                            total_target=queries.target_of(unit=unit, year=year) if year else None)
    kind_choices = [(None, _("Tất cả"))] + [(k.value, labels.label(labels.UNIT_KIND_LABELS, k)) for k in kinds]
    total = {UnitKind.GENERAL_DEPARTMENT: _("Toàn quốc"),
             UnitKind.PROVINCIAL_DEPARTMENT: _("Toàn tỉnh")}.get(unit.kind) or _("Toàn đơn vị")
    if fmt := exports.requested_format():
        return _comparison_download(fmt, page, unit.code, total)
    # A scope is a whole subtree: every unit below a visible unit is visible.
    return render_template("metrics/compare.html", unit=unit, cluster=None, page=page, kind=kind,
                           kind_choices=kind_choices if len(kinds) > 1 else [], month_choices=_month_choices(page),
                           total_label=total, has_children=bool(children), visible_ids=None)


@bp.route("/clusters/<code>/metrics")
@login_required
def cluster_metrics(code: str):
    cluster = get_visible_or_404(Cluster, code, current_user, unit_of=lambda c: c.organiser, by="code")
    members = db.session.execute(
        select(ClusterMember.year, ClusterMember.role, Unit.id, Unit.code, Unit.kind)
        .join(Unit, ClusterMember.unit_id == Unit.id).where(ClusterMember.cluster_id == cluster.id)).all()
    everyone = MetricReport.unit_id.in_(subtree_ids({m.id for m in members}).scalar_subquery())
    years = [y for y in _years(everyone) if y in {m.year for m in members}] if members else []
    year = _chosen_year(years)
    those = [m for m in members if m.year == year]
    where_all = MetricReport.unit_id.in_(subtree_ids([m.id for m in those]).scalar_subquery())  # a few ids
    title = _("So sánh tỷ lệ thi hành xong – %(name)s", name=cluster.name)
    compared_ids = select(ClusterMember.unit_id).where(ClusterMember.cluster_id == cluster.id,
                                                       ClusterMember.year == year)
    page = _comparison_page(years, where_all, [UnitRef(m.id, m.code, m.kind) for m in those], compared_ids,
                            year=year, title=title, roles={m.id: m.role for m in those})
    if fmt := exports.requested_format():
        return _comparison_download(fmt, page, cluster.code, _("Toàn cụm"))
    return render_template("metrics/compare.html", unit=None, cluster=cluster, page=page, kind=None,
                           kind_choices=[], month_choices=_month_choices(page), total_label=_("Toàn cụm"),
                           has_children=bool(those), visible_ids=visible_unit_ids(current_user))
