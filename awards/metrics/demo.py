"""The demo's enforcement figures: monthly reports, yearly targets and indicators, built as a plan, then bulk-written.

Like the organisation demo (``awards.org.demo``), the figures are a *plan* of plain frozen data built from
the organisation plan with a seeded generator: the same in every process, checkable against the database
(``database_canonical``), and free of the clock. docs/demo-data.md describes the content.

Who has figures, for the statistical years 2020 and 2021, every month October → September (cumulative):
- every enforcement officer (a person whose position contains "Chấp hành viên");
- every unit that enforces: the district branches and the Cục themselves (a Cục's own office enforces the
  cases its own court level sends; its officers sit in the enforcement division, whose cases it reports).

A unit's figures are the sum of the officers it holds on 30 September of the year plus a small "remainder"
(the cases its leaders and other staff handle), each generated as one subject. The identities of
DOMAIN.md §3 are linear, so a sum of consistent subjects is consistent, and a unit is never below its
officers. Each officer (and remainder) carries its backlog over: its 2021 "carried over" is its 2020
"carried forward" (to enforce − completed at September).

Rates are aimed, not left to chance: each unit-year gets its targets around the nation-wide ones, then a
September rate a few points below its target (about 30 % of units, chosen by sample) or above it; its
subjects scatter around that rate, shifted so that their weighted mean is the aim again. Curves rise through
the year; money is generated in thousands of đồng, so every amount is a whole number of thousands.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import astuple, dataclass, field, fields
from datetime import date
from decimal import Decimal

from sqlalchemy import insert, select

from awards.extensions import db
from awards.metrics.compute import MONTHS_IN_ORDER, Breakdown, identity_failures
from awards.metrics.models import DETAILS, MetricReport, MetricTarget, UnitIndicator
from awards.org.demo import DemoPlan, PersonPlan, UnitPlan
from awards.org.models import Person, SubjectType, Unit, UnitKind

METRICS_SEED = 20211001  # apart from the organisation's seed: changing one does not reshuffle the other
YEARS = (2020, 2021)
ENFORCING_KINDS = (UnitKind.PROVINCIAL_DEPARTMENT, UnitKind.DISTRICT_BRANCH)
OFFICER_POSITION = "Chấp hành viên"
# Nation-wide targets (DOMAIN.md §3) in hundredths of a percent: (cases, money).
NATIONAL_TARGETS = {2020: (8000, 3800), 2021: (8150, 4010)}
COMPLAINTS_TARGET = Decimal("97.00")
MISSING_SHARE = 0.3  # of the units, per year and per kind (cases, money), aim below their target
THOUSAND = 1000
# Cases arrive unevenly: fewer around Tết (January, February). October first.
MONTH_WEIGHTS = (1.0, 1.0, 1.05, 0.85, 0.75, 1.0, 1.0, 1.05, 1.05, 1.0, 1.05, 1.1)

# Case rates stay in this band at September, money rates in the next; an officer can be far from the mean.
CASE_RATE_BOUNDS = (58.0, 94.0)
MONEY_RATE_BOUNDS = (18.0, 54.0)


# --- the plan: plain data ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportPlan:
    """Figures from 1 October to the end of ``month``; money in đồng. Without details the breakdown is None."""

    subject_type: SubjectType
    code: str
    year: int
    month: int
    cases: Breakdown
    money: Breakdown


@dataclass(frozen=True)
class TargetPlan:
    subject_type: SubjectType
    code: str
    year: int
    case_target: Decimal
    money_target: Decimal


@dataclass(frozen=True)
class IndicatorPlan:
    code: str
    year: int
    complaints_received: int
    complaints_resolved: int
    complaints_target: Decimal
    citizen_receptions: int


@dataclass(frozen=True)
class MetricsPlan:
    reports: tuple[ReportPlan, ...]
    targets: tuple[TargetPlan, ...]
    indicators: tuple[IndicatorPlan, ...]

    def canonical(self) -> list[str]:
        """One line per record, in the shape ``database_canonical`` reads back."""
        lines = [_report_line(r.subject_type, r.code, r.year, r.month, astuple(r.cases), astuple(r.money))
                 for r in self.reports]
        lines += [_target_line(t.subject_type, t.code, t.year, t.case_target, t.money_target) for t in self.targets]
        lines += [_indicator_line(i.code, i.year, i.complaints_received, i.complaints_resolved,
                                  i.complaints_target, i.citizen_receptions) for i in self.indicators]
        return sorted(lines)

    def digest(self) -> str:
        return hashlib.sha256("\n".join(self.canonical()).encode()).hexdigest()

    def failures(self) -> list[tuple[ReportPlan, str, list]]:
        """Every report whose cases or money break an ordering rule or a §3 identity (none, if the builder is right)."""
        found = []
        for r in self.reports:
            for kind, figures in (("cases", r.cases), ("money", r.money)):
                broken = identity_failures(figures)
                if broken:
                    found.append((r, kind, broken))
        return found


def _v(value) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def _report_line(subject_type, code, year, month, cases, money) -> str:
    return "|".join(["report", _v(subject_type), code, str(year), str(month),
                     ",".join(_v(x) for x in cases), ",".join(_v(x) for x in money)])


def _target_line(subject_type, code, year, case_target, money_target) -> str:
    return "|".join(["target", _v(subject_type), code, str(year), f"{case_target:.2f}", f"{money_target:.2f}"])


def _indicator_line(code, year, received, resolved, target, receptions) -> str:
    return "|".join(["indicator", code, str(year), _v(received), _v(resolved),
                     "" if target is None else f"{target:.2f}", _v(receptions)])


# --- one subject's year ------------------------------------------------------------------------------

@dataclass
class _Subject:
    """An officer or a unit's remainder: its habits (drawn once) and its backlog from the year before."""

    new_cases: int  # a year's new cases
    money_per_case: int  # thousands of đồng
    case_shares: tuple[float, float, float]  # delegated, withdrawn, enforceable (of to enforce)
    money_shares: tuple[float, float, float]
    case_curve: tuple[float, float, float]  # October's share of the final rate, power of the rise, terminated share
    money_curve: tuple[float, float, float]
    carried: tuple[int, int] | None = None  # (cases, thousands of đồng) carried over into the next year


@dataclass
class _Flow:
    """One subject × year × kind (cases, or money in thousands): cumulative month by month, October first."""

    carried: int
    new: list[int]
    delegated: list[int]
    withdrawn: list[int]
    enforceable: list[int]
    completed: list[int] = field(default_factory=list)
    terminated: list[int] = field(default_factory=list)

    def to_enforce(self, pos: int) -> int:
        return self.carried + self.new[pos] - self.delegated[pos] - self.withdrawn[pos]

    def breakdown(self, pos: int, scale: int = 1) -> Breakdown:
        received = self.carried + self.new[pos]
        return Breakdown(
            received * scale, self.enforceable[pos] * scale, self.completed[pos] * scale,
            carried_over=self.carried * scale, new=self.new[pos] * scale, delegated=self.delegated[pos] * scale,
            withdrawn=self.withdrawn[pos] * scale,
            not_enforceable=(self.to_enforce(pos) - self.enforceable[pos]) * scale,
            enforced=(self.completed[pos] - self.terminated[pos]) * scale, terminated=self.terminated[pos] * scale)

    def carried_forward(self) -> int:
        return self.to_enforce(11) - self.completed[11]


def _flow(rng: random.Random, carried: int, new_total: int, shares: tuple[float, float, float]) -> _Flow:
    """Arrivals through the year and what can be enforced; completion comes later (``_complete``)."""
    delegated_share, withdrawn_share, enforceable_share = shares
    running, cumulative = 0.0, []
    for weight in MONTH_WEIGHTS:
        running += weight * rng.uniform(0.85, 1.15)
        cumulative.append(running)
    new = [round(new_total * c / running) for c in cumulative]
    received = carried + new_total
    delegated = [round(received * delegated_share * (pos + 1) / 12) for pos in range(12)]
    withdrawn = [round(received * withdrawn_share * (pos + 1) / 12) for pos in range(12)]
    flow = _Flow(carried, new, delegated, withdrawn, [])
    previous = 0
    for pos in range(12):
        to_enforce = flow.to_enforce(pos)
        wanted = round(to_enforce * enforceable_share * rng.uniform(0.98, 1.02))
        previous = min(to_enforce, max(previous, wanted))
        flow.enforceable.append(previous)
    return flow


def _complete(rng: random.Random, flow: _Flow, final_rate: float, curve: tuple[float, float, float]) -> None:
    """Completed cases (or money) month by month, the rate rising from a small share to ``final_rate``."""
    start, power, terminated_share = curve
    previous = 0
    for pos in range(12):
        share = start + (1 - start) * (pos / 11) ** power
        if pos < 11:
            share *= rng.uniform(0.97, 1.03)
        wanted = round(flow.enforceable[pos] * final_rate * share / 100)
        previous = min(flow.enforceable[pos], max(previous, wanted))
        flow.completed.append(previous)
    flow.terminated = [round(c * terminated_share) for c in flow.completed]


def _aimed_rates(rng: random.Random, aim: float, weights: list[int], spread: float,
                 bounds: tuple[float, float]) -> list[float]:
    """Rates scattered around ``aim`` whose mean weighted by ``weights`` is ``aim`` again (then bounded)."""
    noise = [rng.uniform(-spread, spread) for _ in weights]
    total = sum(weights)
    shift = sum(w * n for w, n in zip(weights, noise, strict=True)) / total if total else 0.0
    low, high = bounds
    return [min(high, max(low, aim + n - shift)) for n in noise]


def _add(a: Breakdown, b: Breakdown) -> Breakdown:
    return Breakdown(*(x + y for x, y in zip(astuple(a), astuple(b), strict=True)))


def _summary(b: Breakdown) -> Breakdown:
    return Breakdown(b.received, b.enforceable, b.completed)


# --- who has figures ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _UnitHabits:
    cases_per_officer: float
    money_per_case: float  # thousands of đồng
    remainder_share: float
    target_offset: tuple[int, int]  # hundredths of a point, cases and money
    detailed: bool


def _posted_on(person: PersonPlan, day: date) -> str:
    return [unit for unit, since in person.postings if since <= day][-1]


def _enforcing_unit(code: str, units: dict[str, UnitPlan]) -> str | None:
    """The unit whose figures include the cases handled in ``code`` (itself, or its nearest enforcing parent)."""
    while code is not None:
        if units[code].kind in ENFORCING_KINDS:
            return code
        code = units[code].parent
    return None


def enforcing_units(org: DemoPlan) -> list[str]:
    return [u.code for u in org.units if u.kind in ENFORCING_KINDS]


def officers_by_unit(org: DemoPlan, year: int) -> dict[str, list[str]]:
    """The officers whose figures a unit's figures include in ``year``: those it holds on 30 September."""
    units = {u.code: u for u in org.units}
    result: dict[str, list[str]] = {code: [] for code in enforcing_units(org)}
    for p in org.people:
        if OFFICER_POSITION in p.position:
            unit = _enforcing_unit(_posted_on(p, date(year, 9, 30)), units)
            if unit is not None:
                result[unit].append(p.code)
    return result


def _habits(rng: random.Random, unit: UnitPlan, detailed: bool) -> _UnitHabits:
    if unit.kind is UnitKind.PROVINCIAL_DEPARTMENT:
        # Fewer cases than a busy district, far larger sums (the province's own court level).
        cases, money, remainder = rng.uniform(60, 110), rng.uniform(120_000, 300_000), rng.uniform(0.08, 0.15)
    elif unit.code.startswith("TH-"):  # mountain districts: few cases, small sums
        cases, money, remainder = rng.uniform(120, 260), rng.uniform(4_000, 10_000), rng.uniform(0.10, 0.20)
    else:
        cases, money, remainder = rng.uniform(170, 320), rng.uniform(10_000, 22_000), rng.uniform(0.06, 0.14)
    offset = (rng.randint(-15, 15) * 10, rng.randint(-15, 15) * 10)
    return _UnitHabits(cases, money, remainder, offset, detailed)


def _subject(rng: random.Random, new_cases: float, money_per_case: float) -> _Subject:
    return _Subject(
        new_cases=max(12, round(new_cases)),
        money_per_case=round(money_per_case * rng.uniform(0.7, 1.4)),
        case_shares=(rng.uniform(0.005, 0.02), rng.uniform(0.003, 0.012), rng.uniform(0.62, 0.80)),
        money_shares=(rng.uniform(0.003, 0.015), rng.uniform(0.002, 0.01), rng.uniform(0.45, 0.65)),
        case_curve=(rng.uniform(0.10, 0.16), rng.uniform(1.05, 1.3), rng.uniform(0.05, 0.12)),
        money_curve=(rng.uniform(0.08, 0.14), rng.uniform(1.3, 1.7), rng.uniform(0.02, 0.08)),
    )


def _target(national: int, offset: int, jitter: int) -> Decimal:
    return Decimal(national + offset + jitter).scaleb(-2)


# --- building ----------------------------------------------------------------------------------------

def build_metrics_plan(org: DemoPlan, seed: int = METRICS_SEED) -> MetricsPlan:
    """The demo's figures for ``org`` (the organisation plan); the same ``seed`` gives the same plan everywhere."""
    rng = random.Random(seed)
    units = {u.code: u for u in org.units}
    people = {p.code: p for p in org.people}
    enforcing = enforcing_units(org)
    detailed = set(rng.sample(enforcing, len(enforcing) // 2))  # membership only, never iterated
    habits = {code: _habits(rng, units[code], code in detailed) for code in enforcing}
    subjects: dict[str, _Subject] = {}
    reports: list[ReportPlan] = []
    targets: list[TargetPlan] = []
    indicators: list[IndicatorPlan] = []

    for year in YEARS:
        held = officers_by_unit(org, year)
        missing_cases = set(rng.sample(enforcing, round(len(enforcing) * MISSING_SHARE)))
        missing_money = set(rng.sample(enforcing, round(len(enforcing) * MISSING_SHARE)))
        national_cases, national_money = NATIONAL_TARGETS[year]
        for code in enforcing:
            h = habits[code]
            case_target = _target(national_cases, h.target_offset[0], rng.randint(-5, 5) * 10)
            money_target = _target(national_money, h.target_offset[1], rng.randint(-5, 5) * 10)
            case_aim = float(case_target) + (-rng.uniform(1.0, 6.0) if code in missing_cases
                                             else rng.uniform(0.8, 8.0))
            money_aim = float(money_target) + (-rng.uniform(1.0, 8.0) if code in missing_money
                                               else rng.uniform(0.8, 8.0))
            keys = [*held[code], f"rest:{code}"]
            for key in keys:
                if key not in subjects:
                    subjects[key] = _first_year_subject(rng, key, h, people, held[code], subjects)
            flows = [_year_flows(rng, subjects[key]) for key in keys]
            case_rates = _aimed_rates(rng, case_aim, [f[0].enforceable[11] for f in flows], 5.0, CASE_RATE_BOUNDS)
            money_rates = _aimed_rates(rng, money_aim, [f[1].enforceable[11] for f in flows], 6.0,
                                       MONEY_RATE_BOUNDS)
            unit_months: list[tuple[Breakdown, Breakdown]] | None = None
            for key, (cases, money), case_rate, money_rate in zip(keys, flows, case_rates, money_rates, strict=True):
                subject = subjects[key]
                _complete(rng, cases, case_rate, subject.case_curve)
                _complete(rng, money, money_rate, subject.money_curve)
                subject.carried = (cases.carried_forward(), money.carried_forward())
                months = [(cases.breakdown(pos), money.breakdown(pos, THOUSAND)) for pos in range(12)]
                if not key.startswith("rest:"):
                    reports += _reports(SubjectType.PERSON, key, year, months, h.detailed)
                    targets.append(TargetPlan(SubjectType.PERSON, key, year, case_target, money_target))
                unit_months = months if unit_months is None else [
                    (_add(uc, c), _add(um, m)) for (uc, um), (c, m) in zip(unit_months, months, strict=True)]
            reports += _reports(SubjectType.UNIT, code, year, unit_months, h.detailed)
            targets.append(TargetPlan(SubjectType.UNIT, code, year, case_target, money_target))
            indicators.append(_indicator(rng, units[code], year))
    return MetricsPlan(tuple(reports), tuple(targets), tuple(indicators))


def _first_year_subject(rng: random.Random, key: str, h: _UnitHabits, people: dict[str, PersonPlan],
                        officers_here: list[str], subjects: dict[str, _Subject]) -> _Subject:
    if key.startswith("rest:"):
        handled = sum(subjects[o].new_cases for o in officers_here)
        # A unit without officers (the Thanh Hóa Cục in the demo) is all "remainder": its leaders enforce.
        new_cases = handled * h.remainder_share if handled else h.cases_per_officer * rng.uniform(1.5, 2.5)
        return _subject(rng, new_cases, h.money_per_case)
    senior = 1.2 if "trung cấp" in people[key].position else 1.0  # a senior officer takes the larger cases
    return _subject(rng, h.cases_per_officer * senior * rng.uniform(0.8, 1.2), h.money_per_case * senior)


def _year_flows(rng: random.Random, s: _Subject) -> tuple[_Flow, _Flow]:
    if s.carried is None:  # the first year: a backlog of the usual size
        new_cases = s.new_cases
        carried_share, money_carried_share = rng.uniform(0.33, 0.45), rng.uniform(0.55, 0.70)
        carried = (round(new_cases * carried_share / (1 - carried_share)),
                   round(new_cases * s.money_per_case * money_carried_share / (1 - money_carried_share)))
    else:
        new_cases = round(s.new_cases * rng.uniform(0.92, 1.12))
        carried = s.carried
    new_money = round(new_cases * s.money_per_case * rng.uniform(0.9, 1.1))
    return (_flow(rng, carried[0], new_cases, s.case_shares), _flow(rng, carried[1], new_money, s.money_shares))


def _reports(subject_type: SubjectType, code: str, year: int, months: list[tuple[Breakdown, Breakdown]],
             detailed: bool) -> list[ReportPlan]:
    return [ReportPlan(subject_type, code, year, month, *(pair if detailed else map(_summary, pair)))
            for month, pair in zip(MONTHS_IN_ORDER, months, strict=True)]


def _indicator(rng: random.Random, unit: UnitPlan, year: int) -> IndicatorPlan:
    if unit.kind is UnitKind.PROVINCIAL_DEPARTMENT:
        received, receptions = rng.randint(20, 60), rng.randint(90, 200)
    elif unit.code.startswith("TH-"):
        received, receptions = rng.randint(1, 12), rng.randint(12, 48)
    else:
        received, receptions = rng.randint(3, 30), rng.randint(24, 96)
    # Most units resolve every complaint; a few leave one or two open at the year's end.
    resolved = received if rng.random() < 0.8 else max(0, received - rng.randint(1, 2))
    return IndicatorPlan(unit.code, year, received, resolved, COMPLAINTS_TARGET, receptions)


# --- writing -----------------------------------------------------------------------------------------

def _report_row(r: ReportPlan, subject_id: int) -> dict:
    row = {"unit_id": subject_id if r.subject_type is SubjectType.UNIT else None,
           "person_id": subject_id if r.subject_type is SubjectType.PERSON else None,
           "year": r.year, "month": r.month}
    for kind, figures in (("cases", r.cases), ("money", r.money)):
        row |= {f"{kind}_{f.name}": getattr(figures, f.name) for f in fields(figures)}
    return row


def write_plan(plan: MetricsPlan) -> dict[str, int]:
    """Bulk-insert ``plan`` (flushes only; the caller commits). Returns counts by kind.

    The plan is checked first: a report breaking an identity is a bug in the builder and is never written.
    """
    broken = plan.failures()
    if broken:
        report, kind, failures = broken[0]
        raise ValueError(f"demo metrics: {report.code} {report.year}/{report.month} {kind}: "
                         f"{[f.rule for f in failures]} ({len(broken)} in all)")
    session = db.session
    ids = {SubjectType.UNIT: dict(session.execute(select(Unit.code, Unit.id)).all()),
           SubjectType.PERSON: dict(session.execute(select(Person.code, Person.id)).all())}
    session.execute(insert(MetricReport), [_report_row(r, ids[r.subject_type][r.code]) for r in plan.reports])
    session.execute(insert(MetricTarget), [
        {"unit_id": ids[SubjectType.UNIT][t.code] if t.subject_type is SubjectType.UNIT else None,
         "person_id": ids[SubjectType.PERSON][t.code] if t.subject_type is SubjectType.PERSON else None,
         "year": t.year, "case_target_pct": t.case_target, "money_target_pct": t.money_target}
        for t in plan.targets])
    session.execute(insert(UnitIndicator), [
        {"unit_id": ids[SubjectType.UNIT][i.code], "year": i.year, "complaints_received": i.complaints_received,
         "complaints_resolved": i.complaints_resolved, "complaints_target_pct": i.complaints_target,
         "citizen_receptions": i.citizen_receptions} for i in plan.indicators])
    return {"metric_reports": len(plan.reports), "metric_targets": len(plan.targets),
            "unit_indicators": len(plan.indicators)}


def seed_metrics(org: DemoPlan, seed: int = METRICS_SEED) -> dict[str, int]:
    """Build and write the figures of the demo organisation ``org`` (already written; the caller commits)."""
    return write_plan(build_metrics_plan(org, seed))


# --- reading it back -----------------------------------------------------------------------------------

_FIGURES = [f"{kind}_{name}" for kind in ("cases", "money") for name in ("received", "enforceable", "completed",
                                                                          *DETAILS)]


def database_canonical() -> list[str]:
    """The figures, targets and indicators in the database, in the shape of ``MetricsPlan.canonical``."""
    session = db.session
    lines = []
    columns = [getattr(MetricReport, name) for name in _FIGURES]
    for subject_type, model, key in ((SubjectType.UNIT, Unit, MetricReport.unit_id),
                                     (SubjectType.PERSON, Person, MetricReport.person_id)):
        for code, year, month, *values in session.execute(
                select(model.code, MetricReport.year, MetricReport.month, *columns).join(model, key == model.id)):
            lines.append(_report_line(subject_type, code, year, month, values[:10], values[10:]))
        target_key = MetricTarget.unit_id if model is Unit else MetricTarget.person_id
        for code, year, case_target, money_target in session.execute(
                select(model.code, MetricTarget.year, MetricTarget.case_target_pct, MetricTarget.money_target_pct)
                .join(model, target_key == model.id)):
            lines.append(_target_line(subject_type, code, year, case_target, money_target))
    for row in session.execute(select(Unit.code, UnitIndicator.year, UnitIndicator.complaints_received,
                                      UnitIndicator.complaints_resolved, UnitIndicator.complaints_target_pct,
                                      UnitIndicator.citizen_receptions).join(Unit, UnitIndicator.unit_id == Unit.id)):
        lines.append(_indicator_line(*row))
    return sorted(lines)


def database_digest() -> str:
    return hashlib.sha256("\n".join(database_canonical()).encode()).hexdigest()
