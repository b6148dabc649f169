"""The one part of eligibility that reads the database: parameters, and the facts of many subjects at once.

``load(year, person_ids=…, unit_ids=…)`` gathers, for the emulation year evaluated and the years before it
that the rules look back on, everything ``facts.py`` describes, in a fixed number of statements whatever
the number of subjects: one per kind of fact (people, assignments, ratings, holdings, discipline,
initiatives, figures, targets…), each for every subject at once. Ids may be given as a list or, for large
sets, as a SELECT of ids (a unit's members), so no statement carries thousands of parameters.

Only plain columns are read (no ORM entities): building 10,000 people's facts must take milliseconds.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased

from awards.core.formatting import name_sort_key, vietnamese_sort_key
from awards.catalogue.models import Award, AwardHolding, LegalBasis, Parameter
from awards.clusters.queries import cluster_ranks
from awards.eligibility.facts import DisciplineFact, InitiativeFact, MetricFact, PersonFacts, UnitFacts
from awards.eligibility.parameters import DatedValue, Parameters
from awards.core.gc import collector_paused
from awards.extensions import db
from awards.initiatives.models import Initiative, InitiativeAuthor, InitiativeUse
from awards.metrics.compute import Counts
from awards.metrics.models import MetricReport, MetricTarget
from awards.org.models import (Assignment, Discipline, DisciplineLevel, EmulationYear, Person, Unit, UnitName,
                               YearlyRating)
from awards.org.permissions import subtree_ids

# The rules look back at most on chains of held awards (CSTD_BO: CSTDCS in 3 consecutive years; CSTD_TQ:
# CSTD_BO in 2; BK_BO: 2 years), and a held award is a fact, not re-derived: five years back is ample.
HISTORY_YEARS = 5

Ids = Select | Iterable[int]


def _in(column, ids: Ids):
    return column.in_(ids) if isinstance(ids, Select) else column.in_(list(ids))


# Position of a month in the statistical year (October = 0 … September = 11), computed in SQL so the latest
# month of each subject and year is found by the database: (month + 2) mod 12.
def _position(month_column):
    return (month_column + 2) % 12


# --- parameters and years -----------------------------------------------------------------------------

def load_parameters() -> Parameters:
    """Every dated parameter, each cited as "article, number of its legal basis" (as ``Parameters.standard``)."""
    rows = db.session.execute(
        select(Parameter.key, Parameter.value, Parameter.effective_from, Parameter.effective_to,
               Parameter.article, Parameter.reliability, LegalBasis.number)
        .outerjoin(LegalBasis, Parameter.legal_basis_id == LegalBasis.id))
    return Parameters(DatedValue(key, value, start, end, ", ".join(x for x in (article, number or "") if x),
                                 str(reliability))
                      for key, value, start, end, article, reliability, number in rows)


def year_bounds(labels: Iterable[int]) -> dict[int, tuple[date, date]]:
    """Start and end of each emulation year: as recorded, or THADS's 1/10–30/9 when the year is not."""
    labels = sorted(set(labels))
    recorded = {label: (start, end) for label, start, end in db.session.execute(
        select(EmulationYear.label, EmulationYear.start_date, EmulationYear.end_date)
        .where(EmulationYear.label.in_(labels)))}
    return {label: recorded.get(label) or EmulationYear.default_bounds(label) for label in labels}


def members_ids(unit_ids: Ids, start: date, end: date) -> Select:
    """A SELECT of the people assigned to one of the units at some time between ``start`` and ``end``.

    Assignments, not ``Person.unit``: someone who left in March still worked for the unit that year.
    """
    return (select(Assignment.person_id).where(_in(Assignment.unit_id, unit_ids), Assignment.valid_from <= end,
                                               or_(Assignment.valid_to.is_(None), Assignment.valid_to >= start))
            .distinct())


# --- the batch ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UseRef:
    """What an initiative already supports: the award, year and subject of its one use."""

    award: str
    year: int
    subject_code: str

    def label(self) -> str:
        return f"{self.award} {self.year} ({self.subject_code})"


@dataclass
class Batch:
    """The facts of many subjects for one evaluated emulation year, with the parameters the rules read."""

    year: int
    year_end: date
    params: Parameters
    people: dict[int, PersonFacts] = field(default_factory=dict)   # person id → facts
    units: dict[int, UnitFacts] = field(default_factory=dict)      # unit id → facts
    uses: dict[str, UseRef] = field(default_factory=dict)          # initiative code → its use

    def for_award(self, facts: PersonFacts | UnitFacts, award: str) -> PersonFacts | UnitFacts:
        """The facts as the rules must see them when ``award`` is evaluated for this subject and year.

        The loader marks every initiative that has a use as used (``used_for``). The one use that is THIS
        evaluation (same subject, award and year: the nomination it was recorded for) does not make the
        initiative unavailable, so its mark is lifted here; any other use keeps it (one initiative, one award).
        """
        mine = [i for i in facts.initiatives if i.used_for is not None and self._is_this(i.code, facts, award)]
        if not mine:
            return facts
        return replace(facts, initiatives=tuple(replace(i, used_for=None) if i in mine else i
                                                for i in facts.initiatives))

    def _is_this(self, code: str, facts, award: str) -> bool:
        use = self.uses.get(code)
        return use is not None and (use.award, use.year, use.subject_code) == (award, self.year, facts.code)


def load(year: int, *, person_ids: Ids = (), unit_ids: Ids = (), params: Parameters | None = None) -> Batch:
    """The facts of the given people and units for emulation year ``year`` (and the years it looks back on).

    A unit's ``members`` are people assigned to it (not to the units below it) during each year; their
    facts are loaded too (``Batch.people`` holds them, with the people asked for).
    """
    with collector_paused():
        return _load(year, person_ids, unit_ids, params)


def _load(year: int, person_ids: Ids, unit_ids: Ids, params: Parameters | None) -> Batch:
    years = list(range(year - HISTORY_YEARS, year + 1))
    bounds = year_bounds(years)
    batch = Batch(year, bounds[year][1], params if params is not None else load_parameters())
    window = (bounds[years[0]][0], bounds[year][1])
    unit_ids = unit_ids if isinstance(unit_ids, Select) else list(unit_ids)
    has_units = isinstance(unit_ids, Select) or bool(unit_ids)
    person_ids = person_ids if isinstance(person_ids, Select) else list(person_ids)
    has_people = isinstance(person_ids, Select) or bool(person_ids)
    memberships: list[tuple[int, int, date, date | None]] = []
    if has_units:
        memberships = db.session.execute(
            select(Assignment.unit_id, Assignment.person_id, Assignment.valid_from, Assignment.valid_to)
            .where(_in(Assignment.unit_id, unit_ids), Assignment.valid_from <= window[1],
                   or_(Assignment.valid_to.is_(None), Assignment.valid_to >= window[0]))).all()
        member_ids = members_ids(unit_ids, *window)
        people_ids = (select(Person.id).where(or_(_in(Person.id, person_ids), Person.id.in_(member_ids)))
                      if has_people else member_ids)
        _load_people(batch, people_ids, years, bounds)
    elif has_people:
        _load_people(batch, person_ids, years, bounds)
    if has_units:
        _load_units(batch, unit_ids, years, bounds, memberships)
    return batch


@dataclass
class Subtree:
    """A unit's subtree for a year: the batch, the people who worked in it that year, and its units."""

    batch: Batch
    people: list[PersonFacts]
    units: list[UnitFacts]


def load_subtree(unit: Unit, year: int, *, params: Parameters | None = None) -> Subtree:
    """Everyone who worked in the unit or a unit below it during ``year`` (by assignment), and those units,
    each list in Vietnamese alphabetical order (people by given name)."""
    batch = load(year, unit_ids=subtree_ids([unit.id]), params=params)
    people = {id(p): p for u in batch.units.values() for p in u.members.get(year, ())}
    return Subtree(batch, sorted(people.values(), key=lambda p: (name_sort_key(p.full_name), p.code)),
                   sorted(batch.units.values(), key=lambda u: (vietnamese_sort_key(u.name), u.code)))


# --- people -------------------------------------------------------------------------------------------

def _load_people(batch: Batch, ids: Ids, years: list[int], bounds) -> None:
    first, last = years[0], years[-1]
    window_start, year_start, year_end = bounds[first][0], bounds[last][0], bounds[last][1]
    people = db.session.execute(
        select(Person.id, Person.code, Person.full_name, Person.gender, Person.hire_date,
               Person.investigation_pending, Person.complaint_pending, Unit.code)
        .outerjoin(Unit, Person.unit_id == Unit.id).where(_in(Person.id, ids))).all()
    if not people:
        return
    # The unit the person worked in at the end of the evaluated year (the latest assignment of that year).
    unit_at_end: dict[int, tuple[date, str]] = {}
    for person_id, valid_from, code in db.session.execute(
            select(Assignment.person_id, Assignment.valid_from, Unit.code).join(Unit, Assignment.unit_id == Unit.id)
            .where(_in(Assignment.person_id, ids), Assignment.valid_from <= year_end,
                   or_(Assignment.valid_to.is_(None), Assignment.valid_to >= year_start))):
        if person_id not in unit_at_end or valid_from > unit_at_end[person_id][0]:
            unit_at_end[person_id] = (valid_from, code)

    ratings: dict[int, dict[int, str]] = defaultdict(dict)
    for person_id, y, rating in db.session.execute(
            select(YearlyRating.person_id, YearlyRating.year, YearlyRating.rating)
            .where(_in(YearlyRating.person_id, ids), YearlyRating.year.between(first, last))):
        ratings[person_id][y] = rating.value

    awards = _holdings(AwardHolding.person_id, ids, first, last)

    disciplines: dict[int, list[DisciplineFact]] = defaultdict(list)
    for person_id, level, start, end in db.session.execute(
            select(Discipline.person_id, Discipline.level, Discipline.start_date, Discipline.end_date)
            .where(_in(Discipline.person_id, ids), Discipline.start_date <= year_end,
                   or_(Discipline.end_date.is_(None), Discipline.end_date >= window_start))
            .order_by(Discipline.person_id, Discipline.start_date)):
        disciplines[person_id].append(DisciplineFact(level.value, DisciplineLevel(level).rank, start, end))

    initiatives = _initiatives(batch, InitiativeAuthor.person_id, ids, first, last, author=True)
    metrics = _metrics(MetricReport.person_id, MetricTarget.person_id, ids, first, last)

    for pid, code, name, gender, hire_date, investigation, complaint, unit_code in people:
        batch.people[pid] = PersonFacts(
            code=code, full_name=name, gender=gender.value if gender else None, hire_date=hire_date,
            unit_code=unit_at_end[pid][1] if pid in unit_at_end else unit_code,
            ratings=ratings.get(pid, {}), awards=awards.get(pid, {}),
            disciplines=tuple(disciplines.get(pid, ())), investigation_pending=bool(investigation),
            complaint_pending=bool(complaint), initiatives=tuple(initiatives.get(pid, ())),
            metrics=metrics.get(pid, {}))


# --- units --------------------------------------------------------------------------------------------

def _load_units(batch: Batch, ids: Ids, years: list[int], bounds, memberships) -> None:
    first, last = years[0], years[-1]
    units = db.session.execute(select(Unit.id, Unit.code).where(_in(Unit.id, ids))).all()
    if not units:
        return
    names: dict[int, list[tuple[date, date | None, str]]] = defaultdict(list)
    for unit_id, name, valid_from, valid_to in db.session.execute(
            select(UnitName.unit_id, UnitName.name, UnitName.valid_from, UnitName.valid_to)
            .where(_in(UnitName.unit_id, ids)).order_by(UnitName.unit_id, UnitName.valid_from)):
        names[unit_id].append((valid_from, valid_to, name))

    ratings: dict[int, dict[int, str]] = defaultdict(dict)
    for unit_id, y, rating in db.session.execute(
            select(YearlyRating.unit_id, YearlyRating.year, YearlyRating.rating)
            .where(_in(YearlyRating.unit_id, ids), YearlyRating.year.between(first, last))):
        ratings[unit_id][y] = rating.value
    awards = _holdings(AwardHolding.unit_id, ids, first, last)
    initiatives = _initiatives(batch, Initiative.unit_id, ids, first, last, author=False)
    metrics = _unit_metrics(ids, first, last)
    cluster_ranks = _cluster_ranks(ids, first, last)

    members: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for unit_id, person_id, valid_from, valid_to in memberships:
        for y in years:
            start, end = bounds[y]
            if valid_from <= end and (valid_to is None or valid_to >= start):
                if person_id not in members[unit_id][y]:
                    members[unit_id][y].append(person_id)

    year_end = bounds[last][1]
    for unit_id, code in units:
        by_year = members.get(unit_id, {})
        batch.units[unit_id] = UnitFacts(
            code=code, name=_name_on(names.get(unit_id, []), year_end, code),
            ratings=ratings.get(unit_id, {}), awards=awards.get(unit_id, {}),
            members={y: tuple(batch.people[p] for p in people if p in batch.people) for y, people in by_year.items()},
            metrics=metrics.get(unit_id, {}),
            # Only years whose cluster ranking is complete (every member's card reviewed); otherwise unknown.
            cluster_rank=cluster_ranks.get(unit_id, {}),
            initiatives=tuple(initiatives.get(unit_id, ())))


def _cluster_ranks(ids: Ids, first: int, last: int) -> dict[int, dict[int, int]]:
    """Ranks from the reviewed cluster scorecards (DOMAIN.md §7), one statement for all units."""
    return cluster_ranks(ids if isinstance(ids, Select) else list(ids), first, last)


def _name_on(names: list[tuple[date, date | None, str]], on: date, default: str) -> str:
    for valid_from, valid_to, name in reversed(names):
        if valid_from <= on and (valid_to is None or on <= valid_to):
            return name
    return names[0][2] if names else default


# --- shared -------------------------------------------------------------------------------------------

def _holdings(subject_column, ids: Ids, first: int, last: int) -> dict[int, dict[int, frozenset[str]]]:
    found: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for subject_id, y, code in db.session.execute(
            select(subject_column, AwardHolding.year, Award.code).join(Award, AwardHolding.award_id == Award.id)
            .where(_in(subject_column, ids), AwardHolding.year.between(first, last),
                   AwardHolding.revoked.is_(False))):
        found[subject_id][y].add(code)
    return {s: {y: frozenset(codes) for y, codes in by_year.items()} for s, by_year in found.items()}


def _initiatives(batch: Batch, subject_column, ids: Ids, first: int, last: int, *,
                 author: bool) -> dict[int, list[InitiativeFact]]:
    """Initiatives of each subject (as an author, or as the unit it belongs to), each with its use if any."""
    use_award, use_person, use_unit = aliased(Award), aliased(Person), aliased(Unit)
    stmt = select(subject_column, Initiative.code, Initiative.title, Initiative.year, Initiative.scope,
                  Initiative.state, use_award.code, InitiativeUse.year, use_person.code, use_unit.code)
    if author:
        stmt = stmt.select_from(InitiativeAuthor).join(Initiative, InitiativeAuthor.initiative_id == Initiative.id)
    stmt = (stmt.outerjoin(InitiativeUse, InitiativeUse.initiative_id == Initiative.id)
            .outerjoin(use_award, InitiativeUse.award_id == use_award.id)
            .outerjoin(use_person, InitiativeUse.person_id == use_person.id)
            .outerjoin(use_unit, InitiativeUse.unit_id == use_unit.id)
            .where(_in(subject_column, ids), Initiative.year.between(first, last))
            .order_by(subject_column, Initiative.year, Initiative.code))
    found: dict[int, list[InitiativeFact]] = defaultdict(list)
    for subject_id, code, title, y, scope, state, award, use_year, person_code, unit_code in db.session.execute(stmt):
        used_for = None
        if award is not None:
            use = UseRef(award, use_year, person_code or unit_code)
            batch.uses[code] = use
            used_for = use.label()
        # Only a recognised initiative (imported as such, or recognised by the initiative council) counts.
        recognised = scope is not None and state == "recognised"
        found[subject_id].append(InitiativeFact(code, title, y, scope.value if recognised else None, used_for))
    return found


def _fact(counts: tuple | None, target: tuple | None) -> MetricFact:
    cases = Counts(0, counts[0], counts[1]).rate if counts else None
    money = Counts(0, counts[2], counts[3]).rate if counts else None
    return MetricFact(cases, money, Decimal(target[0]) if target else None, Decimal(target[1]) if target else None)


def _metrics(report_column, target_column, ids: Ids, first: int, last: int) -> dict[int, dict[int, MetricFact]]:
    """Each subject's own figures at the latest month of each year, with that year's targets (two statements)."""
    latest = (select(report_column.label("subject"), MetricReport.year.label("year"),
                     func.max(_position(MetricReport.month)).label("position"))
              .where(_in(report_column, ids), MetricReport.year.between(first, last))
              .group_by(report_column, MetricReport.year).subquery("latest"))
    rows = db.session.execute(
        select(report_column, MetricReport.year, MetricReport.cases_enforceable, MetricReport.cases_completed,
               MetricReport.money_enforceable, MetricReport.money_completed)
        .join(latest, and_(report_column == latest.c.subject, MetricReport.year == latest.c.year,
                           _position(MetricReport.month) == latest.c.position)))
    counts = {(s, y): tuple(rest) for s, y, *rest in rows}
    targets = {(s, y): (case, money) for s, y, case, money in db.session.execute(
        select(target_column, MetricTarget.year, MetricTarget.case_target_pct, MetricTarget.money_target_pct)
        .where(_in(target_column, ids), MetricTarget.year.between(first, last)))}
    return _facts_by_subject(counts, targets)


def _facts_by_subject(counts: dict, targets: dict) -> dict[int, dict[int, MetricFact]]:
    found: dict[int, dict[int, MetricFact]] = defaultdict(dict)
    for s, y in counts.keys() | targets.keys():
        found[s][y] = _fact(counts.get((s, y)), targets.get((s, y)))
    return found


def _unit_metrics(ids: Ids, first: int, last: int) -> dict[int, dict[int, MetricFact]]:
    """A unit's figures are its subtree's (a province is all its branches, as ``queries.comparison`` with
    ``rollup``), summed at the latest month any of them reported that year; targets are the unit's own."""
    tree = select(Unit.id.label("top"), Unit.id.label("id")).where(_in(Unit.id, ids)).cte("evaluated_tree",
                                                                                           recursive=True)
    child = aliased(Unit)
    tree = tree.union_all(select(tree.c.top, child.id).where(child.parent_id == tree.c.id))
    in_window = MetricReport.year.between(first, last)
    latest = (select(tree.c.top.label("top"), MetricReport.year.label("year"),
                     func.max(_position(MetricReport.month)).label("position"))
              .join(MetricReport, MetricReport.unit_id == tree.c.id).where(in_window)
              .group_by(tree.c.top, MetricReport.year).subquery("latest"))
    rows = db.session.execute(
        select(tree.c.top, MetricReport.year, func.sum(MetricReport.cases_enforceable),
               func.sum(MetricReport.cases_completed), func.sum(MetricReport.money_enforceable),
               func.sum(MetricReport.money_completed))
        .join(MetricReport, MetricReport.unit_id == tree.c.id)
        .join(latest, and_(latest.c.top == tree.c.top, latest.c.year == MetricReport.year,
                           latest.c.position == _position(MetricReport.month)))
        .where(in_window).group_by(tree.c.top, MetricReport.year))
    counts = {(top, y): tuple(int(v or 0) for v in rest) for top, y, *rest in rows}
    targets = {(s, y): (case, money) for s, y, case, money in db.session.execute(
        select(MetricTarget.unit_id, MetricTarget.year, MetricTarget.case_target_pct, MetricTarget.money_target_pct)
        .where(_in(MetricTarget.unit_id, ids), MetricTarget.year.between(first, last)))}
    return _facts_by_subject(counts, targets)
