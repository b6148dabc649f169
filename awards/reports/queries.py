"""The year-end awards report of a unit's subtree, and the metrics per unit for a year, read from the records.

Callers scope (the unit must be visible to the user): these functions read the subtree they are given. Each
report costs a fixed number of statements whatever the size of the subtree.

Definitions (docs/reports.md):

- **decided**: nominations of the year in ``decided`` granted by an issued award decision (kind ``award``) whose
  issuer lies in the subtree, the decision item not revoked;
- **proposed upward**: nominations of the year that a unit of the subtree referred (``refer``) to an authority
  outside the subtree — the level above in the system, or the minister / prime minister from the top — whatever
  the outcome later, except a chain that ended ``revoked``. A referral between two units of the subtree (a
  branch to its Cục, both inside) is not "upward" for that subtree; the Cục's own referral is;
- **money**: the items of the subtree's issued award decisions for the year, revoked items excluded;
- **initiatives recognised**: initiatives of the subtree's units for the year in state ``recognised``;
- **staff**: people whose current unit lies in the subtree, against the sum of the subtree's
  ``Unit.authorised_staff`` (None when no unit has it).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from awards.catalogue.models import Award
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionState
from awards.extensions import db
from awards.initiatives.models import Initiative
from awards.metrics import compute
from awards.metrics import queries as metrics
from awards.metrics.queries import Summary
from awards.nominations.models import Nomination, TransitionLog
from awards.org.models import Person, Unit
from awards.org.permissions import subtree_ids

KINDS = ("collective", "individual")
OUTCOMES = ("decided", "proposed")


@dataclass(frozen=True)
class AwardLabel:
    code: str
    name: str
    rank: int


@dataclass
class YearEndReport:
    """Counts per (kind, outcome) and award code; money per (kind, award code) in đồng."""

    unit: Unit
    year: int
    counts: dict[str, dict[str, dict[str, int]]]
    money: dict[str, dict[str, int]]
    initiatives_recognised: int
    staff_actual: int
    staff_authorised: int | None
    awards: dict[str, AwardLabel] = field(default_factory=dict)

    @property
    def money_total(self) -> int:
        return sum(sum(by_award.values()) for by_award in self.money.values())

    def total(self, kind: str, outcome: str) -> int:
        return sum(self.counts[kind][outcome].values())

    def codes(self, kind: str) -> list[str]:
        """The award codes of one kind of nominee that have a count or money, lowest rank first."""
        used = set(self.money[kind])
        for outcome in OUTCOMES:
            used |= set(self.counts[kind][outcome])
        return sorted(used, key=lambda c: (self.awards[c].rank, c) if c in self.awards else (10**6, c))

    def rows(self, kind: str) -> list[dict]:
        """One table row per award: code, name, decided, proposed, money."""
        return [{"code": c, "name": self.awards[c].name if c in self.awards else c,
                 "decided": self.counts[kind]["decided"].get(c, 0),
                 "proposed": self.counts[kind]["proposed"].get(c, 0),
                 "money": self.money[kind].get(c, 0)} for c in self.codes(kind)]

    def as_json(self) -> dict:
        """The API shape: ``{unit, year, collective:{decided, proposed}, individual:{…}, initiatives_recognised,
        money_total}``, award codes as keys."""
        return {"unit": self.unit.code, "year": self.year,
                **{kind: {outcome: dict(sorted(self.counts[kind][outcome].items())) for outcome in OUTCOMES}
                   for kind in KINDS},
                "initiatives_recognised": self.initiatives_recognised, "money_total": self.money_total}


def _kind(is_collective: bool) -> str:
    return "collective" if is_collective else "individual"


def _granted_items(subtree, year: int):
    """Standing items of the subtree's issued award decisions for the emulation year ``year``."""
    return (DecisionItem.revokes_item_id.is_(None), DecisionItem.revoked_by_id.is_(None),
            Decision.kind == DecisionKind.AWARD, Decision.state == DecisionState.ISSUED,
            Decision.issuer_id.in_(subtree), Decision.award_year == year)


def _decided(subtree, year: int) -> list[tuple[str, bool, int]]:
    return db.session.execute(
        select(Award.code, DecisionItem.unit_id.is_not(None), func.count(func.distinct(Nomination.id)))
        .select_from(DecisionItem).join(Decision, DecisionItem.decision_id == Decision.id)
        .join(Nomination, DecisionItem.nomination_id == Nomination.id).join(Award, DecisionItem.award_id == Award.id)
        .where(*_granted_items(subtree, year), Nomination.state == "decided", Nomination.year == year)
        .group_by(Award.code, DecisionItem.unit_id.is_not(None))).all()


def _money(subtree, year: int) -> list[tuple[str, bool, int]]:
    return db.session.execute(
        select(Award.code, DecisionItem.unit_id.is_not(None), func.sum(DecisionItem.money))
        .select_from(DecisionItem).join(Decision, DecisionItem.decision_id == Decision.id)
        .join(Award, DecisionItem.award_id == Award.id)
        .where(*_granted_items(subtree, year))
        .group_by(Award.code, DecisionItem.unit_id.is_not(None))).all()


def _proposed(subtree_set: set[int], subtree, year: int) -> Counter:
    """Referrals out of the subtree (see the module's docstring), counted by (kind, award code)."""
    referred = exists(select(TransitionLog.id).where(
        TransitionLog.workflow == "nomination", TransitionLog.record_id == Nomination.id,
        TransitionLog.trigger == "refer"))
    candidates = db.session.execute(
        select(Nomination.id, Nomination.unit_id.is_not(None), Award.code, Nomination.state)
        .join(Award, Nomination.award_id == Award.id)
        .where(Nomination.deciding_unit_id.in_(subtree), Nomination.year == year, referred)).all()
    if not candidates:
        return Counter()
    # Every link of the year's chains in one statement: referral id → (its deciding unit, state), by the
    # nomination it was referred from.
    links = {row.referred_from_id: row for row in db.session.execute(
        select(Nomination.id, Nomination.referred_from_id, Nomination.deciding_unit_id, Nomination.state)
        .where(Nomination.year == year, Nomination.referred_from_id.is_not(None)))}
    counts: Counter = Counter()
    for nomination_id, collective, code, state in candidates:
        step = links.get(nomination_id)
        if step is not None and step.deciding_unit_id in subtree_set:
            continue  # referred to a unit of the same subtree: not upward for it
        states = [state]
        seen = {nomination_id}
        while step is not None and step.id not in seen:
            seen.add(step.id)
            states.append(step.state)
            step = links.get(step.id)
        if "revoked" in states:
            continue
        counts[(_kind(collective), code)] += 1
    return counts


def year_end(unit: Unit, year: int) -> YearEndReport:
    """The year-end awards report of ``unit`` and every unit below it for the emulation year ``year``."""
    subtree_set = set(db.session.scalars(subtree_ids([unit.id])))
    subtree = list(subtree_set)
    counts = {kind: {outcome: {} for outcome in OUTCOMES} for kind in KINDS}
    money = {kind: {} for kind in KINDS}
    for code, collective, n in _decided(subtree, year):
        counts[_kind(collective)]["decided"][code] = int(n)
    for (kind, code), n in _proposed(subtree_set, subtree, year).items():
        counts[kind]["proposed"][code] = n
    for code, collective, amount in _money(subtree, year):
        money[_kind(collective)][code] = int(amount or 0)
    initiatives = db.session.scalar(select(func.count(Initiative.id)).where(
        Initiative.unit_id.in_(subtree), Initiative.year == year, Initiative.state == "recognised")) or 0
    staff = db.session.scalar(select(func.count(Person.id)).where(Person.unit_id.in_(subtree))) or 0
    authorised = db.session.scalar(select(func.sum(Unit.authorised_staff)).where(Unit.id.in_(subtree)))
    labels = {code: AwardLabel(code, name, rank) for code, name, rank in
              db.session.execute(select(Award.code, Award.name_vi, Award.rank))}
    return YearEndReport(unit, year, counts, money, int(initiatives), int(staff),
                         None if authorised is None else int(authorised), labels)


def report_years(unit: Unit) -> list[int]:
    """The emulation years with nominations proposed or decided in the subtree, newest first."""
    subtree = subtree_ids([unit.id]).scalar_subquery()
    return sorted(db.session.scalars(select(Nomination.year).where(
        Nomination.deciding_unit_id.in_(subtree) | Nomination.proposing_unit_id.in_(subtree)).distinct()),
        reverse=True)


# --- metrics per unit for a year ------------------------------------------------------------------------------

@dataclass
class MetricsRow:
    code: str
    name: str
    summary: Summary
    case_rank: int | None = None
    money_rank: int | None = None
    own: bool = False    # the unit's own office, beside its sub-units
    total: bool = False  # the whole subtree


@dataclass
class MetricsReport:
    unit: Unit
    year: int
    month: int | None
    rows: list[MetricsRow]
    total: MetricsRow | None


def _ranks(rows: list[MetricsRow], rate, attribute: str) -> None:
    """Rank 1 = the highest rate; equal rates share a rank (1, 2, 2, 4); rows without a rate get none."""
    rated = sorted((r for r in rows if rate(r) is not None), key=lambda r: -rate(r))
    previous, rank = None, 0
    for position, row in enumerate(rated, start=1):
        if rate(row) != previous:
            rank, previous = position, rate(row)
        setattr(row, attribute, rank)


def metrics_per_unit(unit: Unit, year: int) -> MetricsReport:
    """At the year's latest month with figures (September at the end of a statistical year): each unit directly
    below ``unit`` with everything below it, the unit's own office, and the total; ranked by case and money rate.

    Rates, targets and attainment come from ``awards.metrics.queries`` (sums first, rates from the sums).
    """
    where_all = metrics.unit_filter(unit, rollup=True)
    month = metrics.latest_month(where_all, year)
    if month is None:
        return MetricsReport(unit, year, None, [], None)
    on = date(year if month <= 9 else year - 1, month, 1)
    children = list(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id)
                                       .options(selectinload(Unit.names))))
    rows = [MetricsRow(child.code, child.name_on(on), found)
            for child, found in metrics.comparison(children, year, month, rollup=True,
                                                   ids=select(Unit.id).where(Unit.parent_id == unit.id))
            if found is not None]
    target = metrics.target_of(unit=unit, year=year)
    own = metrics.summary(metrics.unit_filter(unit), unit.code, year, month, target)
    if own is not None and children:
        rows.append(MetricsRow(unit.code, unit.name_on(on), own, own=True))
    elif own is not None:
        rows.append(MetricsRow(unit.code, unit.name_on(on), own))
    _ranks(rows, lambda r: r.summary.case_rate, "case_rank")
    _ranks(rows, lambda r: r.summary.money_rate, "money_rank")
    rows.sort(key=lambda r: (r.case_rank is None, r.case_rank or 0, r.name.casefold()))
    total = metrics.summary(where_all, unit.code, year, month, target) if children else None
    return MetricsReport(unit, year, month, rows,
                         MetricsRow(unit.code, unit.name_on(on), total, total=True) if total else None)


def rounded(value: Decimal | None) -> float | None:
    """A percentage for a spreadsheet cell: rounded half up to 2 places (as printed), or None."""
    value = compute.round2(value)
    return None if value is None else float(value)
