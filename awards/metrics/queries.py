"""Reading the figures: one subject, a unit's subtree, a cluster, a year's months, a comparison of units.

Every roll-up sums the counts in SQL and computes the rates from the sums (compute.py). Callers scope:
these functions read what they are given.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from awards.extensions import db
from awards.metrics import compute
from awards.metrics.compute import Counts
from awards.metrics.models import MetricReport, MetricTarget
from awards.org.models import Cluster, Person, Unit
from awards.org.permissions import subtree_ids

_SUMS = [func.sum(getattr(MetricReport, f"{kind}_{name}"))
         for kind in ("cases", "money") for name in ("received", "enforceable", "completed")]


@dataclass(frozen=True)
class Summary:
    """The figures of a subject (or a roll-up) for a month, with its targets and the month before."""

    subject_code: str
    year: int
    month: int
    cases: Counts
    money: Counts
    case_target: Decimal | None = None
    money_target: Decimal | None = None
    previous_cases: Counts | None = None
    previous_money: Counts | None = None

    @property
    def case_rate(self) -> Decimal | None:
        return self.cases.rate

    @property
    def money_rate(self) -> Decimal | None:
        return self.money.rate

    @property
    def case_attainment(self) -> Decimal | None:
        return compute.attainment(self.cases.rate, self.case_target)

    @property
    def money_attainment(self) -> Decimal | None:
        return compute.attainment(self.money.rate, self.money_target)

    @property
    def case_excess(self) -> Decimal | None:
        return compute.excess(self.cases.rate, self.case_target)

    @property
    def money_excess(self) -> Decimal | None:
        return compute.excess(self.money.rate, self.money_target)

    @property
    def case_change(self) -> Decimal | None:
        return compute.change(self.cases.rate, self.previous_cases and self.previous_cases.rate)

    @property
    def money_change(self) -> Decimal | None:
        return compute.change(self.money.rate, self.previous_money and self.previous_money.rate)

    def as_json(self) -> dict:
        """The API shape: integers for counts and money, percentages rounded half up to 2 places, or null."""

        def pct(value):
            value = compute.round2(value)
            return None if value is None else float(value)

        def block(c: Counts) -> dict:
            return {"received": c.received, "enforceable": c.enforceable, "completed": c.completed,
                    "rate": pct(c.rate), "enforceable_share": pct(c.enforceable_share)}

        return {
            "subject_code": self.subject_code, "year": self.year, "month": self.month,
            "cases": block(self.cases), "money": block(self.money),
            "case_target": pct(self.case_target), "money_target": pct(self.money_target),
            "case_attainment": pct(self.case_attainment), "money_attainment": pct(self.money_attainment),
            "case_excess": pct(self.case_excess), "money_excess": pct(self.money_excess),
            "case_change": pct(self.case_change), "money_change": pct(self.money_change),
        }


# --- which reports ------------------------------------------------------------------------------------

def unit_filter(unit: Unit, rollup: bool = False):
    """Reports of the unit itself, or (roll-up) of the unit and every unit below it."""
    if rollup:
        return MetricReport.unit_id.in_(subtree_ids([unit.id]).scalar_subquery())
    return MetricReport.unit_id == unit.id


def person_filter(person: Person):
    return MetricReport.person_id == person.id


def units_filter(unit_ids: Iterable[int]):
    return MetricReport.unit_id.in_(list(unit_ids))


def cluster_unit_ids(cluster: Cluster, year: int) -> list[int]:
    return [m.unit_id for m in cluster.members_in(year)]


def cluster_filter(cluster: Cluster, year: int):
    """Reports of that year's members, each with every unit below it (a cluster of provinces sums whole
    provinces; a cluster of branches, the branches)."""
    return MetricReport.unit_id.in_(subtree_ids(cluster_unit_ids(cluster, year)).scalar_subquery())


# --- reading ------------------------------------------------------------------------------------------

def months_available(where, year: int) -> list[int]:
    """The months with figures, in the statistical year's order (October first)."""
    months = db.session.scalars(select(MetricReport.month).where(where, MetricReport.year == year).distinct())
    return sorted(months, key=compute.month_position)


def latest_month(where, year: int) -> int | None:
    months = months_available(where, year)
    return months[-1] if months else None


def _counts_by_month(where, year: int, months: Iterable[int] | None = None) -> dict[int, tuple[Counts, Counts]]:
    stmt: Select = select(MetricReport.month, *_SUMS).where(where, MetricReport.year == year)
    if months is not None:
        stmt = stmt.where(MetricReport.month.in_(list(months)))
    result = {}
    for month, *sums in db.session.execute(stmt.group_by(MetricReport.month)):
        values = [int(v or 0) for v in sums]
        result[month] = (Counts(*values[:3]), Counts(*values[3:]))
    return result


def target_of(*, unit: Unit | None = None, person: Person | None = None, year: int) -> MetricTarget | None:
    by = MetricTarget.unit_id == unit.id if unit is not None else MetricTarget.person_id == person.id
    return db.session.scalar(select(MetricTarget).where(by, MetricTarget.year == year))


def summary(where, code: str, year: int, month: int | None = None,
            target: MetricTarget | None = None) -> Summary | None:
    """The summary of the reports matching ``where`` for ``month`` (the latest available if None)."""
    month = month or latest_month(where, year)
    if month is None:
        return None
    previous = compute.previous_month(month)
    counts = _counts_by_month(where, year, [m for m in (month, previous) if m is not None])
    if month not in counts:
        return None
    cases, money = counts[month]
    before = counts.get(previous) if previous is not None else None
    return Summary(code, year, month, cases, money,
                   target.case_target_pct if target else None, target.money_target_pct if target else None,
                   before[0] if before else None, before[1] if before else None)


def year_series(where, code: str, year: int, target: MetricTarget | None = None) -> list[Summary]:
    """Every month of the year with figures, in order, each with its change from the month before."""
    counts = _counts_by_month(where, year)
    series = []
    for month in sorted(counts, key=compute.month_position):
        previous = compute.previous_month(month)
        before = counts.get(previous) if previous is not None else None
        cases, money = counts[month]
        series.append(Summary(code, year, month, cases, money,
                              target.case_target_pct if target else None,
                              target.money_target_pct if target else None,
                              before[0] if before else None, before[1] if before else None))
    return series


def comparison(units: list, year: int, month: int, *, rollup: bool = False,
               ids: Select | None = None) -> list[tuple]:
    """Each unit's figures and own targets for a month, in two statements whatever the number of units.

    With ``rollup`` each unit stands for itself and every unit below it (a province is all its branches;
    a branch just itself): one recursive query groups every report under the unit compared. ``units``:
    anything with ``id`` and ``code``, returned as given, each with its ``Summary`` or None. ``ids``, a
    SELECT of the same units' ids, spares the database hundreds of bound parameters.
    """
    if not units:
        return []
    ids = ids if ids is not None else [u.id for u in units]
    previous = compute.previous_month(month)
    months = [m for m in (month, previous) if m is not None]
    tree = select(Unit.id.label("top"), Unit.id.label("id")).where(Unit.id.in_(ids))
    if rollup:
        tree = tree.cte("compared_tree", recursive=True)
        child = aliased(Unit)
        tree = tree.union_all(select(tree.c.top, child.id).where(child.parent_id == tree.c.id))
    else:
        tree = tree.subquery("compared")
    rows = db.session.execute(
        select(tree.c.top, MetricReport.month, *_SUMS)
        .join(MetricReport, MetricReport.unit_id == tree.c.id)
        .where(MetricReport.year == year, MetricReport.month.in_(months))
        .group_by(tree.c.top, MetricReport.month))
    by_unit: dict[int, dict[int, tuple[Counts, Counts]]] = {}
    for top, m, *sums in rows:
        values = [int(v or 0) for v in sums]
        by_unit.setdefault(top, {})[m] = (Counts(*values[:3]), Counts(*values[3:]))
    # Columns, not entities: hundreds of ORM objects would cost more than the query.
    targets = {unit_id: (case, money) for unit_id, case, money in db.session.execute(
        select(MetricTarget.unit_id, MetricTarget.case_target_pct, MetricTarget.money_target_pct)
        .where(MetricTarget.unit_id.in_(ids), MetricTarget.year == year))}
    result = []
    for unit in units:
        counts = by_unit.get(unit.id, {})
        if month not in counts:
            result.append((unit, None))
            continue
        case_target, money_target = targets.get(unit.id, (None, None))
        before = counts.get(previous)
        result.append((unit, Summary(unit.code, year, month, *counts[month], case_target, money_target,
                                     before[0] if before else None, before[1] if before else None)))
    return result
