"""Timelines: a person's or a unit's years at a glance, and a person's path to the next title.

Pure-ish builders for the person and unit pages (docs/timelines.md). Each reads the database in a fixed number of
statements whatever the number of years (one per kind of record: ratings, holdings, granting decisions,
initiatives, figures, targets, cluster standings) and returns plain dataclasses the templates render.

- A year's **titles and commendations** are its ``AwardHolding`` rows (decided here or imported). A holding links
  to the issued decision that granted it (a ``DecisionItem`` of the same subject, award and emulation year) only
  when the user may read that decision (``decisions.queries.decisions_for``); otherwise its number is plain text.
- A year's **figures** are the cumulative ones of its latest month reported, against that year's targets: the
  officer's own for a person; for a unit, its whole subtree's against its own targets (as the cluster scoring and
  the eligibility rules read them).
- A unit's **cluster rank** counts only when every member's scorecard of that cluster and year is reviewed (as
  on the cluster page); before that the row says the ranking is not final.
- **The path to the next title** (``next_titles``) evaluates CSTD_BO, CSTD_TQ and BK_BO with the eligibility rules
  in force for the year and phrases each clause's outcome briefly: "2/3 năm CSTĐCS liên tiếp; cần sáng kiến cấp
  bộ". The counts come from the same facts the rules read (the loader's batch) and the same parameters.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from awards.catalogue.models import Award, AwardHolding
from awards.clusters.queries import standings
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionState
from awards.decisions.queries import decisions_for
from awards.eligibility import loader, service
from awards.eligibility.engine import Report
from awards.eligibility.rules import MET, NOT_MET, SCOPE_NAMES
from awards.extensions import db
from awards.initiatives.models import Initiative, InitiativeAuthor
from awards.metrics import compute
from awards.metrics.compute import Counts
from awards.metrics.models import MetricReport, MetricTarget
from awards.metrics.queries import Summary
from awards.org.models import Cluster, ClusterMember, Person, RatingLevel, Unit, User, YearlyRating
from awards.org.permissions import subtree_ids, visible_unit_ids
from awards.org.queries import current_year_label

# The titles above CSTĐCS a staff member works towards, lowest first (issue 8: "the path to the next title").
NEXT_AWARDS = ("CSTD_BO", "CSTD_TQ", "BK_BO")
MISSING, UNKNOWN_STEP = "missing", "unknown"
_RATING_ORDER = ("KHTNV", "HTNV", "HTTNV", "HTXSNV")


# --- rows -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionLink:
    id: int
    number_text: str


@dataclass
class Held:
    """One title or commendation held in a year, with the decision that granted it when the user may read it."""

    holding: AwardHolding
    decision: DecisionLink | None = None

    @property
    def award(self) -> Award:
        return self.holding.award


@dataclass
class PersonYear:
    year: int
    rating: RatingLevel | None = None
    awards: list[Held] = field(default_factory=list)
    initiatives: list[tuple[Initiative, bool]] = field(default_factory=list)  # (initiative, link it?)
    figures: Summary | None = None


@dataclass
class PersonTimeline:
    years: list[PersonYear]  # latest first
    path_year: int           # the year the path to the next title is evaluated for


@dataclass(frozen=True)
class ClusterRank:
    cluster: Cluster
    rank: int | None  # None: not every member's card is reviewed yet
    of: int           # members of the cluster that year
    tied: bool = False


@dataclass
class UnitYear:
    year: int
    rating: RatingLevel | None = None
    awards: list[Held] = field(default_factory=list)
    figures: Summary | None = None
    ranks: list[ClusterRank] = field(default_factory=list)


# --- shared readers -------------------------------------------------------------------------------------------

def _ratings(column, subject_id: int) -> dict[int, RatingLevel]:
    return {year: rating for year, rating in db.session.execute(
        select(YearlyRating.year, YearlyRating.rating).where(column == subject_id))}


def _held(user: User, holding_column, item_column, subject_id: int) -> dict[int, list[Held]]:
    """Holdings by year (catalogue order), each with its granting decision if readable: two statements."""
    holdings = list(db.session.scalars(
        select(AwardHolding).join(Award, Award.id == AwardHolding.award_id).where(holding_column == subject_id)
        .options(joinedload(AwardHolding.award)).order_by(AwardHolding.year.desc(), Award.rank, Award.code)))
    if not holdings:
        return {}
    readable = decisions_for(user).with_only_columns(Decision.id).order_by(None)
    granting: dict[tuple[int, int], DecisionLink] = {}
    # Oldest first, items still in force last: the link kept is the latest decision that still grants it.
    for award_id, year, decision_id, kind, number, symbol, external in db.session.execute(
            select(DecisionItem.award_id, Decision.award_year, Decision.id, Decision.kind, Decision.number,
                   Decision.symbol, Decision.external_number)
            .join(Decision, Decision.id == DecisionItem.decision_id)
            .where(item_column == subject_id, DecisionItem.revokes_item_id.is_(None),
                   Decision.kind != DecisionKind.REVOCATION, Decision.state != DecisionState.DRAFT,
                   Decision.id.in_(readable))
            .order_by(DecisionItem.revoked_by_id.is_(None), Decision.decided_on, Decision.id)):
        text = external if kind == DecisionKind.EXTERNAL else f"{number:02d}/{symbol}" if number else ""
        granting[(award_id, year)] = DecisionLink(decision_id, text)
    found: dict[int, list[Held]] = defaultdict(list)
    for h in holdings:
        found[h.year].append(Held(h, granting.get((h.award_id, h.year))))
    return found


_SUMS = [func.sum(getattr(MetricReport, f"{kind}_{name}"))
         for kind in ("cases", "money") for name in ("received", "enforceable", "completed")]


def _figures(where, target_column, subject_id: int, code: str) -> dict[int, Summary]:
    """Each year's figures at its latest month reported, with that year's targets: two statements.

    The reports are cumulative from the start of the statistical year, so the latest month is the year's result.
    """
    by_month: dict[int, dict[int, tuple[Counts, Counts]]] = defaultdict(dict)
    for year, month, *sums in db.session.execute(
            select(MetricReport.year, MetricReport.month, *_SUMS).where(where)
            .group_by(MetricReport.year, MetricReport.month)):
        values = [int(v or 0) for v in sums]
        by_month[year][month] = (Counts(*values[:3]), Counts(*values[3:]))
    if not by_month:
        return {}
    targets = {t.year: t for t in db.session.scalars(select(MetricTarget).where(target_column == subject_id))}
    found = {}
    for year, months in by_month.items():
        month = max(months, key=compute.month_position)
        cases, money = months[month]
        target = targets.get(year)
        found[year] = Summary(code, year, month, cases, money, target.case_target_pct if target else None,
                              target.money_target_pct if target else None)
    return found


def path_year(years: Iterable[int]) -> int:
    """The year the path is read for: the one before the current emulation year when it has records (the year
    being considered for awards) or when nothing has, else the latest year with records (as the eligibility
    section of the same page chooses)."""
    years = set(years)
    previous = current_year_label() - 1
    return previous if previous in years or not years else max(years)


# --- person ---------------------------------------------------------------------------------------------------

def person_timeline(person: Person, user: User) -> PersonTimeline:
    """Per year, latest first: rating, titles and commendations, initiatives, the officer's figures vs targets."""
    ratings = _ratings(YearlyRating.person_id, person.id)
    held = _held(user, AwardHolding.person_id, DecisionItem.person_id, person.id)
    initiatives: dict[int, list[Initiative]] = defaultdict(list)
    authored = (select(Initiative).join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
                .where(InitiativeAuthor.person_id == person.id).order_by(Initiative.code))
    for i in db.session.scalars(authored):
        initiatives[i.year].append(i)
    figures = _figures(MetricReport.person_id == person.id, MetricTarget.person_id, person.id, person.code)
    visible = visible_unit_ids(user) if initiatives else set()
    years = sorted(set(ratings) | set(held) | set(initiatives) | set(figures), reverse=True)
    rows = [PersonYear(y, ratings.get(y), held.get(y, []), [(i, i.unit_id in visible) for i in initiatives[y]],
                       figures.get(y)) for y in years]
    return PersonTimeline(rows, path_year(years))


# --- unit -----------------------------------------------------------------------------------------------------

def _ranks(unit: Unit) -> dict[int, list[ClusterRank]]:
    """The unit's rank in each of its clusters, per year: two statements (memberships, standings)."""
    memberships = list(db.session.scalars(select(ClusterMember).where(ClusterMember.unit_id == unit.id)
                                          .options(joinedload(ClusterMember.cluster))))
    if not memberships:
        return {}
    years = [m.year for m in memberships]
    table = standings(list({m.cluster_id for m in memberships}), min(years), max(years))
    found: dict[int, list[ClusterRank]] = defaultdict(list)
    for m in sorted(memberships, key=lambda m: (m.year, m.cluster.name)):
        entry = table.get((m.cluster_id, m.year))
        size = len(entry.states) if entry else 0
        rank = None
        tied = False
        if entry and entry.complete:
            standing = next(s for s in entry.standings() if s.key == unit.id)
            rank, tied = standing.rank, standing.tied
        found[m.year].append(ClusterRank(m.cluster, rank, size, tied))
    return found


def unit_timeline(unit: Unit, user: User) -> list[UnitYear]:
    """Per year, latest first: the unit's rating, titles, its subtree's figures vs its targets, its cluster rank."""
    ratings = _ratings(YearlyRating.unit_id, unit.id)
    held = _held(user, AwardHolding.unit_id, DecisionItem.unit_id, unit.id)
    figures = _figures(MetricReport.unit_id.in_(subtree_ids([unit.id]).scalar_subquery()), MetricTarget.unit_id,
                       unit.id, unit.code)
    ranks = _ranks(unit)
    years = sorted(set(ratings) | set(held) | set(figures) | set(ranks), reverse=True)
    return [UnitYear(y, ratings.get(y), held.get(y, []), figures.get(y), ranks.get(y, [])) for y in years]


# --- the path to the next title -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    status: str  # met | missing | unknown
    text: str    # short: "2/3 năm CSTĐCS liên tiếp", "cần sáng kiến cấp bộ"
    reason: str  # the clause's own reason, for the detail


@dataclass(frozen=True)
class NextTitle:
    award: str
    year: int
    verdict: str  # the report's: eligible | ineligible | needs_information
    steps: tuple[Step, ...]
    report: Report

    @property
    def summary(self) -> str:
        return "; ".join(step.text for step in self.steps)

    @property
    def met(self) -> list[Step]:
        return [s for s in self.steps if s.status == MET]

    @property
    def missing(self) -> list[Step]:
        return [s for s in self.steps if s.status != MET]


def _streak(years: set[int], year: int, step: int = 1) -> int:
    """How many times in a row, every ``step`` years, ending at ``year`` — or at the time before when ``year``
    is not in (yet): the year being considered may still be open."""
    last = year if year in years else year - step
    n = 0
    while last - n * step in years:
        n += 1
    return n


def _count(done: int, need: int, met: bool) -> int:
    # A chain not met is at most one short, whatever the history before the window.
    return need if met else min(done, need - 1)


def _status(outcome: str) -> str:
    return MET if outcome == MET else MISSING if outcome == NOT_MET else UNKNOWN_STEP


def _locale_index() -> int:
    locale = get_locale()
    return 1 if locale is not None and locale.language == "en" else 0


def _phrase(award: str, report: Report, facts, batch: loader.Batch) -> tuple[Step, ...]:
    """The report's clauses as short steps; a pending-case clause only when it is not met."""
    def p(key: str):
        return batch.params.at(key, batch.year_end)

    def holds(code: str) -> set[int]:
        return {y for y, codes in facts.awards.items() if code in codes}

    en = _locale_index()
    year = report.year
    steps = []
    for clause in report.clauses:
        met = clause.outcome == MET
        reason = clause.reason_en if en else clause.reason
        if clause.code.endswith(".pending"):
            if not met:
                steps.append(Step(_status(clause.outcome), _("cần giải quyết xong vụ việc đang xem xét"), reason))
            continue
        if clause.code == "CSTD_BO.chain":
            n = int(p("CSTD_BO.consecutive_CSTDCS"))
            k = _count(_streak(holds("CSTDCS"), year), n, met)
            text = _("%(done)s/%(need)s năm CSTĐCS liên tiếp", done=k, need=n)
        elif clause.code == "CSTD_TQ.chain":
            n = int(p("CSTD_TQ.consecutive_CSTD_BO"))
            k = _count(_streak(holds("CSTD_BO"), year, int(p("CSTD_BO.consecutive_CSTDCS"))), n, met)
            text = _("%(done)s/%(need)s lần CSTĐ cấp bộ liên tiếp", done=k, need=n)
        elif clause.code in ("CSTD_BO.initiative", "CSTD_TQ.initiative"):
            scope = SCOPE_NAMES[p(f"{award}.initiative_scope")][en]
            text = _("có sáng kiến %(scope)s", scope=scope) if met else _("cần sáng kiến %(scope)s", scope=scope)
        elif clause.code == "BK_BO.achievement":
            text, met = _bk_bo(facts, batch, year, p, holds("CSTDCS"), met)
            steps.append(Step(MET if met else MISSING, text, reason))
            continue
        else:  # a clause a later rule set adds: its own title
            text = clause.text_en if en and clause.text_en else clause.text
        steps.append(Step(_status(clause.outcome), text, reason))
    return tuple(steps)


def _bk_bo(facts, batch: loader.Batch, year: int, p, cstdcs: set[int], met: bool) -> tuple[str, bool]:
    """Either route of BK_BO (person): CSTĐCS years in a row, or HTXSNV years in a row with initiatives.

    Other routes (outstanding achievement) are the council's: the rule then answers "needs information"; the
    path says what the recorded routes still miss.
    """
    n = int(p("BK_BO.consecutive_CSTDCS"))
    m = int(p("BK_BO.consecutive_HTXSNV"))
    rating = p("BK_BO.rating")
    need = int(p("BK_BO.min_initiatives"))
    chain = _streak(cstdcs, year)
    good = {y for y, r in facts.ratings.items() if r in _RATING_ORDER and
            _RATING_ORDER.index(r) >= _RATING_ORDER.index(rating)}
    rated = _streak(good, year)
    window = set(range(year - m + 1, year + 1))
    mine = batch.for_award(facts, "BK_BO").initiatives
    ideas = sum(1 for i in mine if i.year in window and i.scope is not None and i.used_for is None)
    by_rating_met = rated >= m and ideas >= need
    if met and by_rating_met and chain < n:
        return _("%(done)s/%(need)s năm %(rating)s liên tiếp với %(ideas)s/%(min)s sáng kiến", done=m, need=m,
                 rating=rating, ideas=need, min=need), True
    by_chain = _("%(done)s/%(need)s năm CSTĐCS liên tiếp", done=_count(chain, n, met), need=n)
    if met:
        return by_chain, True
    by_rating = _("%(done)s/%(need)s năm %(rating)s liên tiếp với %(ideas)s/%(min)s sáng kiến",
                  done=min(rated, m), need=m, rating=rating, ideas=min(ideas, need), min=need)
    return _("%(first)s, hoặc %(second)s", first=by_chain, second=by_rating), False


def next_titles(person: Person, year: int) -> list[NextTitle]:
    """For CSTD_BO, CSTD_TQ and BK_BO: what is met and what is missing in ``year`` (one batch of facts, so a
    fixed number of statements)."""
    batch = loader.load(year, person_ids=[person.id])
    facts = batch.people.get(person.id)
    if facts is None:
        return []
    reports = service.run_all(batch, facts, list(NEXT_AWARDS))
    return [NextTitle(r.award, year, r.verdict, _phrase(r.award, r, facts, batch), r) for r in reports]

