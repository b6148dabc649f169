"""The eligibility rules as data: per regime, subject type and award, an ordered tuple of clauses.

Each clause carries its stable code, its text (vi/en), where its citation comes from (the first parameter
it reads, or the legal basis article written here when it reads none) and its check: a small pure function
of the facts returning met / not_met / unknown with the figures in the reason. Missing data is ``unknown``,
never ``not_met``; clauses people must judge stay ``unknown`` until a confirmation decides them (the engine
applies confirmations to ``confirmable`` clauses). Thresholds are read from ``Parameters`` by key, never
written here: the only constants are the orderings of the domain's vocabularies (ratings, discipline
levels, initiative scopes).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from awards.catalogue.standard import AWARDS, LEGAL_BASES
from awards.eligibility.facts import DisciplineFact, InitiativeFact, PersonFacts, UnitFacts
from awards.eligibility.parameters import MissingParameter, Parameters

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
YES, NO = "yes", "no"

ND91, LAW2022, ND152 = "ND91_2017", "LTDKT_2022", "ND152_2025"
REGIME_NAMES = {
    ND91: ("Luật Thi đua, khen thưởng 2003 và Nghị định 91/2017/NĐ-CP",
           "Emulation and Commendation Law 2003 and Decree 91/2017/ND-CP"),
    LAW2022: ("Luật Thi đua, khen thưởng 2022 và Nghị định 98/2023/NĐ-CP",
              "Emulation and Commendation Law 2022 and Decree 98/2023/ND-CP"),
    ND152: ("Luật Thi đua, khen thưởng 2022 và Nghị định 152/2025/NĐ-CP",
            "Emulation and Commendation Law 2022 and Decree 152/2025/ND-CP"),
}

# Vocabularies, best or gravest last where an order matters (RatingLevel / DisciplineLevel in org.models).
RATING_RANK = {"KHTNV": 1, "HTNV": 2, "HTTNV": 3, "HTXSNV": 4}
DISCIPLINE_ORDER = ("khien_trach", "canh_cao", "giang_chuc", "cach_chuc", "buoc_thoi_viec")
DISCIPLINE_NAMES = {"khien_trach": ("khiển trách", "reprimand"), "canh_cao": ("cảnh cáo", "warning"),
                    "giang_chuc": ("giáng chức", "demotion"), "cach_chuc": ("cách chức", "removal from post"),
                    "buoc_thoi_viec": ("buộc thôi việc", "dismissal")}
SCOPE_ORDER = ("base", "ministry", "national")
SCOPE_NAMES = {"base": ("cấp cơ sở", "base level"), "ministry": ("cấp bộ", "ministry level"),
               "national": ("phạm vi toàn quốc", "national level")}
AWARD_NAMES = {code: (vi, en) for code, vi, en, *_ in AWARDS}
_LEGAL_NUMBERS = {b["code"]: b["number"] for b in LEGAL_BASES}


@dataclass(frozen=True)
class Outcome:
    outcome: str    # met | not_met | unknown
    reason: str     # Vietnamese, with the figures
    reason_en: str


@dataclass(frozen=True)
class Context:
    """What a check may read: the subject's facts, the year, the regime and the parameters in force."""

    facts: PersonFacts | UnitFacts
    award: str
    year: int
    regime: str
    params: Parameters
    year_start: date
    year_end: date
    # Verdict of another award for a subject this same year ("LĐTT in the year" = held or eligible now).
    verdict_of: Callable[[PersonFacts | UnitFacts, str], str]
    values: ParamsOn | None = None

    def p(self, key: str):
        """The parameter in force at the end of the emulation year."""
        if self.values is not None:
            return self.values.value(key)
        return self.params.at(key, self.year_end)


class ParamsOn:
    """The parameters in force on one date, each looked up once (a batch asks the same keys for every subject)."""

    def __init__(self, params: Parameters, on: date) -> None:
        self.params, self.on = params, on
        self._values: dict[str, object] = {}
        self._citations: dict[int, str] = {}
        self._clauses: dict[tuple[str, str, str], tuple[Clause, ...]] = {}

    def value(self, key: str):
        try:
            return self._values[key]
        except KeyError:
            value = self._values[key] = self.params.at(key, self.on)  # MissingParameter is not remembered
            return value

    def citation(self, clause: Clause) -> str:
        try:
            return self._citations[id(clause)]
        except KeyError:
            citation = self._citations[id(clause)] = clause.citation(self.params, self.on)
            return citation

    def clauses(self, regime: str, subject_type: str, award: str) -> tuple[Clause, ...]:
        key = (regime, subject_type, award)
        if key not in self._clauses:
            self._clauses[key] = clauses_for(regime, subject_type, award, self.params, self.on)
        return self._clauses[key]


@lru_cache(maxsize=32)
def params_on(params: Parameters, on: date) -> ParamsOn:
    """Shared by every evaluation of a batch (Parameters hash by identity, so a new catalogue load is a new key)."""
    return ParamsOn(params, on)


@dataclass(frozen=True)
class Basis:
    """The legal article a clause cites when it reads no parameter."""

    legal_basis: str        # LegalBasis.code
    article: str
    reliability: str = "law"

    @property
    def citation(self) -> str:
        return ", ".join(x for x in (self.article, _LEGAL_NUMBERS.get(self.legal_basis, self.legal_basis)) if x)


@dataclass(frozen=True)
class Clause:
    code: str
    text: str
    text_en: str
    check: Callable[[Context], Outcome]
    params: tuple[str, ...] = ()     # the parameter keys it reads; the first gives the citation
    basis: Basis | None = None       # the citation when it reads no parameter
    confirmable: bool = False        # a person's confirmation decides it when the check says unknown

    def citation(self, params: Parameters, on: date) -> str:
        if self.params:
            try:
                return params.entry(self.params[0], on).citation
            except MissingParameter:
                return ""
        return self.basis.citation if self.basis else ""


# --- small helpers: figures in reasons ------------------------------------------------------------------

def _d(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _pct(share: Fraction) -> tuple[str, str]:
    """An exact share as "66,67%" / "66.67%" (rounded for display only; comparisons use the Fraction)."""
    d = (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(Decimal("0.01"))
    text = f"{d:f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%", text + "%"


def _rate(value: Decimal) -> tuple[str, str]:
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.replace(".", ",") + "%", text + "%"


def _fraction(value) -> Fraction:
    return Fraction(Decimal(str(value)))


def _rank(rating: str) -> int:
    return RATING_RANK.get(rating, 0)


def _discipline_rank(level: str) -> int:
    return DISCIPLINE_ORDER.index(level) + 1


def _join(parts: Iterable[str]) -> str:
    return "; ".join(parts)


def met(vi: str, en: str) -> Outcome:
    return Outcome(MET, vi, en)


def not_met(vi: str, en: str) -> Outcome:
    return Outcome(NOT_MET, vi, en)


def unknown(vi: str, en: str) -> Outcome:
    return Outcome(UNKNOWN, vi, en)


def _combine(states: Sequence[str]) -> str:
    return NO if NO in states else UNKNOWN if UNKNOWN in states else YES


_STATE_OUTCOME = {YES: MET, NO: NOT_MET, UNKNOWN: UNKNOWN}


# --- facts read by several clauses -----------------------------------------------------------------------

def service_months(hire_date: date, year_start: date, year_end: date) -> int:
    """Whole months served in the emulation year: hired on 1/12/2020, the year ending 30/9/2021 → 10."""
    start = max(hire_date, year_start)
    after = year_end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month - (after.day < start.day)
    return max(months, 0)


def disciplines_at_least(person: PersonFacts, level: str, start: date, end: date) -> list[DisciplineFact]:
    return [d for d in person.disciplines if d.rank >= _discipline_rank(level) and d.overlaps(start, end)]


def held(facts: PersonFacts | UnitFacts, award: str, year: int) -> str:
    """Whether the award history shows the award in that year: unknown when the year is not in the history."""
    awards = facts.awards.get(year)
    return UNKNOWN if awards is None else YES if award in awards else NO


def held_or_qualifies(ctx: Context, facts: PersonFacts | UnitFacts, award: str) -> tuple[str, str, str]:
    """This year's award: held already, or eligible now (the titles of one year are weighed together)."""
    name_vi, name_en = AWARD_NAMES[award]
    if held(facts, award, ctx.year) == YES:
        return YES, f"đã đạt {name_vi} năm {ctx.year}", f"holds {name_en} {ctx.year}"
    verdict = ctx.verdict_of(facts, award)
    if verdict == "eligible":
        return YES, f"đủ điều kiện {name_vi} năm {ctx.year}", f"eligible for {name_en} {ctx.year}"
    if verdict == "ineligible":
        return NO, f"không đủ điều kiện {name_vi} năm {ctx.year}", f"not eligible for {name_en} {ctx.year}"
    return (UNKNOWN, f"chưa đủ thông tin để xét {name_vi} năm {ctx.year}",
            f"not enough information to decide {name_en} {ctx.year}")


def _free(initiative: InitiativeFact, ctx: Context) -> bool:
    """Not yet supporting another award (a use for this very award and year is this nomination's own)."""
    return initiative.used_for is None or initiative.used_for.split(" (")[0] == f"{ctx.award} {ctx.year}"


def _initiatives(ctx: Context, facts, min_scope: str, years: Iterable[int]):
    wanted = set(years)
    low = SCOPE_ORDER.index(min_scope)
    recognised = [i for i in facts.initiatives
                  if i.year in wanted and i.scope in SCOPE_ORDER and SCOPE_ORDER.index(i.scope) >= low]
    free = [i for i in recognised if _free(i, ctx)]
    return free, [i for i in recognised if not _free(i, ctx)]


def _named(initiatives: Sequence[InitiativeFact]) -> str:
    return ", ".join(f"{i.code} ({SCOPE_NAMES[i.scope][0]}, {i.year})" for i in initiatives)


def _named_en(initiatives: Sequence[InitiativeFact]) -> str:
    return ", ".join(f"{i.code} ({SCOPE_NAMES[i.scope][1]}, {i.year})" for i in initiatives)


def _used(initiatives: Sequence[InitiativeFact]) -> tuple[str, str]:
    return (", ".join(f"{i.code} đã dùng cho {i.used_for}" for i in initiatives),
            ", ".join(f"{i.code} already used for {i.used_for}" for i in initiatives))


def _years_text(years: Sequence[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def _rating_outcome(year: int, have: str | None, need: str, subject_vi: str = "", subject_en: str = "") -> Outcome:
    if have is None:
        return unknown(f"chưa có xếp loại {subject_vi}năm {year} (yêu cầu từ {need})",
                       f"no {subject_en}rating for {year} (required: {need} or better)")
    vi = f"xếp loại {subject_vi}{year}: {have} (yêu cầu từ {need})"
    en = f"{subject_en}rating {year}: {have} (required: {need} or better)"
    return met(vi, en) if _rank(have) >= _rank(need) else not_met(vi, en)


def _share(yes: int, pending: int, total: int, rule: dict, what_vi: str, what_en: str) -> Outcome:
    """yes/total against {min, strict}; members whose status is unknown may tip it either way."""
    minimum, strict = _fraction(rule["min"]), bool(rule["strict"])

    def passes(n: int) -> bool:
        share = Fraction(n, total)
        return share > minimum if strict else share >= minimum

    need_vi, need_en = _pct(minimum)
    have_vi, have_en = _pct(Fraction(yes, total))
    vi = (f"{what_vi}: {yes}/{total} thành viên = {have_vi} "
          f"(yêu cầu {'trên' if strict else 'từ'} {need_vi})")
    en = f"{what_en}: {yes}/{total} members = {have_en} (required: {'over' if strict else 'at least'} {need_en})"
    if pending:
        vi += f"; {pending} thành viên chưa rõ"
        en += f"; {pending} members undecided"
    if passes(yes):
        return met(vi, en)
    if not passes(yes + pending):
        return not_met(vi, en)
    return unknown(vi, en)


def _members(ctx: Context) -> tuple[PersonFacts, ...] | Outcome:
    members = ctx.facts.members.get(ctx.year)
    if members is None:
        return unknown(f"chưa có danh sách thành viên năm {ctx.year}", f"no member list for {ctx.year}")
    if not members:
        return unknown(f"đơn vị không có thành viên năm {ctx.year}", f"the unit has no members in {ctx.year}")
    return members


# --- person checks ---------------------------------------------------------------------------------------

def check_ldtt_rating(ctx: Context) -> Outcome:
    """The year's rating is at least LDTT.min_rating."""
    return _rating_outcome(ctx.year, ctx.facts.ratings.get(ctx.year), ctx.p("LDTT.min_rating"))


def check_service(ctx: Context) -> Outcome:
    """At least exclusion.min_service_months months of service in the year (maternity leave counts)."""
    need = int(ctx.p("exclusion.min_service_months"))
    hire = ctx.facts.hire_date
    if hire is None:
        return unknown(f"chưa có ngày vào làm (yêu cầu từ {need} tháng công tác trong năm)",
                       f"hire date unknown (required: {need} months of service in the year)")
    months = service_months(hire, ctx.year_start, ctx.year_end)
    vi = f"công tác năm {ctx.year}: {months} tháng, từ {_d(max(hire, ctx.year_start))} (yêu cầu từ {need} tháng)"
    en = f"service in {ctx.year}: {months} months from {_d(max(hire, ctx.year_start))} (required: {need} months)"
    return met(vi, en) if months >= need else not_met(vi, en)


def check_person_discipline(ctx: Context) -> Outcome:
    """No discipline at exclusion.discipline_level or above overlapping the year."""
    level = ctx.p("exclusion.discipline_level")
    lvl_vi, lvl_en = DISCIPLINE_NAMES[level]
    hits = disciplines_at_least(ctx.facts, level, ctx.year_start, ctx.year_end)
    if hits:
        return not_met(_join(f"bị kỷ luật {DISCIPLINE_NAMES[d.level][0]} từ {_d(d.start)}" for d in hits)
                       + f" (loại trừ từ mức {lvl_vi})",
                       _join(f"disciplined ({DISCIPLINE_NAMES[d.level][1]}) from {_d(d.start)}" for d in hits)
                       + f" (excluded from {lvl_en} up)")
    return met(f"không bị kỷ luật từ mức {lvl_vi} trở lên trong năm {ctx.year}",
               f"no discipline of {lvl_en} or above in {ctx.year}")


def check_pending(ctx: Context) -> Outcome:
    """No investigation or complaint pending (nobody is awarded while one is)."""
    f = ctx.facts
    vi, en = [], []
    if f.investigation_pending:
        vi.append("đang bị điều tra, xem xét kỷ luật")
        en.append("under investigation or disciplinary review")
    if f.complaint_pending:
        vi.append("có khiếu nại, tố cáo chưa được giải quyết")
        en.append("a complaint or denunciation is pending")
    if vi:
        return not_met(_join(vi), _join(en))
    return met("không có điều tra, khiếu nại, tố cáo đang chờ giải quyết", "no investigation or complaint pending")


def check_holds(award: str) -> Callable[[Context], Outcome]:
    def check(ctx: Context) -> Outcome:
        state, vi, en = held_or_qualifies(ctx, ctx.facts, award)
        return Outcome(_STATE_OUTCOME[state], vi, en)
    check.__doc__ = f"Holds {award} this year, or is eligible for it now."
    return check


def check_cstdcs_initiative(ctx: Context) -> Outcome:
    """ND 91: an initiative recognised this year at CSTDCS.initiative_scope or above, supporting no other award."""
    scope = ctx.p("CSTDCS.initiative_scope")
    free, used = _initiatives(ctx, ctx.facts, scope, [ctx.year])
    if free:
        return met(f"sáng kiến {_named(free)}", f"initiative {_named_en(free)}")
    vi = f"không có sáng kiến được công nhận từ {SCOPE_NAMES[scope][0]} năm {ctx.year} chưa dùng cho khen thưởng khác"
    en = f"no initiative recognised at {SCOPE_NAMES[scope][1]} or above in {ctx.year} that is not already used"
    if used:
        u_vi, u_en = _used(used)
        vi, en = f"{vi} ({u_vi})", f"{en} ({u_en})"
    return not_met(vi, en)


def check_cstdcs_achievement(ctx: Context) -> Outcome:
    """Luật 2022: rating at CSTDCS.alt_rating, OR an initiative recognised this year and not used elsewhere."""
    alt = ctx.p("CSTDCS.alt_rating")
    scope = ctx.p("CSTDCS.initiative_scope")
    free, used = _initiatives(ctx, ctx.facts, scope, [ctx.year])
    rating = ctx.facts.ratings.get(ctx.year)
    if free:
        return met(f"sáng kiến {_named(free)}", f"initiative {_named_en(free)}")
    no_vi = f"không có sáng kiến được công nhận năm {ctx.year} chưa dùng cho khen thưởng khác"
    no_en = f"no unused initiative recognised in {ctx.year}"
    if used:
        u_vi, u_en = _used(used)
        no_vi, no_en = f"{no_vi} ({u_vi})", f"{no_en} ({u_en})"
    if alt is None:
        return not_met(no_vi, no_en)
    if rating is None:
        return unknown(f"chưa có xếp loại năm {ctx.year} (cần {alt}); {no_vi}",
                       f"no rating for {ctx.year} ({alt} needed); {no_en}")
    vi = f"xếp loại {ctx.year}: {rating} (cần {alt} nếu không có sáng kiến)"
    en = f"rating {ctx.year}: {rating} ({alt} needed without an initiative)"
    if _rank(rating) >= _rank(alt):
        return met(vi, en)
    return not_met(f"{vi}; {no_vi}", f"{en}; {no_en}")


def _chain(ctx: Context, award: str, years: Sequence[int]) -> tuple[str, str, str]:
    """The award in each of ``years`` (the last being this year: held or eligible now, earlier: held)."""
    states, vi, en = [], [], []
    for y in years:
        if y == ctx.year:
            state, _, _ = held_or_qualifies(ctx, ctx.facts, award)
            label = {YES: ("đạt/đủ điều kiện", "held/eligible"), NO: ("không đủ điều kiện", "not eligible"),
                     UNKNOWN: ("chưa rõ", "undecided")}[state]
        else:
            state = held(ctx.facts, award, y)
            label = {YES: ("có", "held"), NO: ("không", "not held"), UNKNOWN: ("chưa có dữ liệu", "no history")}[state]
        states.append(state)
        vi.append(f"{y}: {label[0]}")
        en.append(f"{y}: {label[1]}")
    name_vi, name_en = AWARD_NAMES[award]
    return (_combine(states), f"{name_vi} {', '.join(vi)} (yêu cầu các năm {', '.join(map(str, years))})",
            f"{name_en} {', '.join(en)} (required in {', '.join(map(str, years))})")


def check_cstd_bo_chain(ctx: Context) -> Outcome:
    """CSTDCS in each of the CSTD_BO.consecutive_CSTDCS consecutive years ending this year."""
    n = int(ctx.p("CSTD_BO.consecutive_CSTDCS"))
    state, vi, en = _chain(ctx, "CSTDCS", range(ctx.year - n + 1, ctx.year + 1))
    return Outcome(_STATE_OUTCOME[state], vi, en)


def _cstd_tq_years(ctx: Context) -> list[int]:
    """CSTD_BO in consecutive cycles: this year and every CSTD_BO.consecutive_CSTDCS years before."""
    times = int(ctx.p("CSTD_TQ.consecutive_CSTD_BO"))
    cycle = int(ctx.p("CSTD_BO.consecutive_CSTDCS"))
    return [ctx.year - k * cycle for k in reversed(range(times))]


def check_cstd_tq_chain(ctx: Context) -> Outcome:
    """CSTD_BO CSTD_TQ.consecutive_CSTD_BO times in a row (consecutive cycles ending this year)."""
    state, vi, en = _chain(ctx, "CSTD_BO", _cstd_tq_years(ctx))
    return Outcome(_STATE_OUTCOME[state], vi, en)


def _initiative_in_period(ctx: Context, scope_key: str, years: Sequence[int]) -> Outcome:
    scope = ctx.p(scope_key)
    free, used = _initiatives(ctx, ctx.facts, scope, years)
    if free:
        return met(f"sáng kiến {_named(free)}", f"initiative {_named_en(free)}")
    vi = (f"không có sáng kiến được công nhận từ {SCOPE_NAMES[scope][0]} trong các năm {_years_text(years)} "
          "chưa dùng cho khen thưởng khác")
    en = f"no unused initiative recognised at {SCOPE_NAMES[scope][1]} or above in {_years_text(years)}"
    if used:
        u_vi, u_en = _used(used)
        vi, en = f"{vi} ({u_vi})", f"{en} ({u_en})"
    return not_met(vi, en)


def check_cstd_bo_initiative(ctx: Context) -> Outcome:
    """An initiative recognised at CSTD_BO.initiative_scope or above during the chain's years."""
    n = int(ctx.p("CSTD_BO.consecutive_CSTDCS"))
    return _initiative_in_period(ctx, "CSTD_BO.initiative_scope", list(range(ctx.year - n + 1, ctx.year + 1)))


def check_cstd_tq_initiative(ctx: Context) -> Outcome:
    """An initiative of CSTD_TQ.initiative_scope during the two cycles."""
    years = _cstd_tq_years(ctx)
    cycle = int(ctx.p("CSTD_BO.consecutive_CSTDCS"))
    return _initiative_in_period(ctx, "CSTD_TQ.initiative_scope", list(range(years[0] - cycle + 1, ctx.year + 1)))


def check_bk_bo_person(ctx: Context) -> Outcome:
    """BK_BO.consecutive_CSTDCS years of CSTDCS, OR BK_BO.consecutive_HTXSNV years rated BK_BO.rating with
    BK_BO.min_initiatives initiatives; otherwise other routes (outstanding achievement) are judged by people."""
    n = int(ctx.p("BK_BO.consecutive_CSTDCS"))
    chain, chain_vi, chain_en = _chain(ctx, "CSTDCS", range(ctx.year - n + 1, ctx.year + 1))
    if chain == YES:
        return met(chain_vi, chain_en)
    m = int(ctx.p("BK_BO.consecutive_HTXSNV"))
    rating = ctx.p("BK_BO.rating")
    need = int(ctx.p("BK_BO.min_initiatives"))
    years = list(range(ctx.year - m + 1, ctx.year + 1))
    ratings = [ctx.facts.ratings.get(y) for y in years]
    free, _ = _initiatives(ctx, ctx.facts, SCOPE_ORDER[0], years)
    shown = ", ".join(f"{y}: {r or '—'}" for y, r in zip(years, ratings, strict=True))
    route_vi = f"xếp loại {shown} (cần {rating} {m} năm liền) và {len(free)} sáng kiến được công nhận (cần {need})"
    route_en = f"ratings {shown} ({rating} needed {m} years running) and {len(free)} recognised initiatives " \
               f"(need {need})"
    if all(r is not None and _rank(r) >= _rank(rating) for r in ratings) and len(free) >= need:
        return met(route_vi, route_en)
    return unknown(f"{chain_vi}; {route_vi}; các trường hợp khác (thành tích đột xuất, xuất sắc) do Hội đồng xét",
                   f"{chain_en}; {route_en}; other routes (outstanding achievement) are judged by the council")


def check_judged(ctx: Context) -> Outcome:
    """The achievement is judged by people: unknown until someone confirms it with a note."""
    return unknown("thành tích do Hội đồng thi đua – khen thưởng đánh giá; cần xác nhận",
                   "the achievement is judged by the council; a confirmation is needed")


# --- unit checks -----------------------------------------------------------------------------------------

def _unit_rating(key: str) -> Callable[[Context], Outcome]:
    def check(ctx: Context) -> Outcome:
        return _rating_outcome(ctx.year, ctx.facts.ratings.get(ctx.year), ctx.p(key), "đơn vị ", "unit ")
    check.__doc__ = f"The unit's rating for the year is at least {key}."
    return check


def _ldtt_share(key: str) -> Callable[[Context], Outcome]:
    def check(ctx: Context) -> Outcome:
        members = _members(ctx)
        if isinstance(members, Outcome):
            return members
        states = [held_or_qualifies(ctx, m, "LDTT")[0] for m in members]
        return _share(states.count(YES), states.count(UNKNOWN), len(members), ctx.p(key),
                      f"Lao động tiên tiến năm {ctx.year}", f"Advanced Workers {ctx.year}")
    check.__doc__ = f"The share of the year's members holding (or eligible for) LDTT meets {key}."
    return check


def check_member_discipline(ctx: Context) -> Outcome:
    """No member disciplined at collective.discipline_level or above in the year."""
    members = _members(ctx)
    if isinstance(members, Outcome):
        return members
    level = ctx.p("collective.discipline_level")
    lvl_vi, lvl_en = DISCIPLINE_NAMES[level]
    hits = [(m, d) for m in members for d in disciplines_at_least(m, level, ctx.year_start, ctx.year_end)]
    if hits:
        return not_met(_join(f"{m.full_name} ({m.code}) bị kỷ luật {DISCIPLINE_NAMES[d.level][0]} từ {_d(d.start)}"
                             for m, d in hits) + f" (loại trừ từ mức {lvl_vi})",
                       _join(f"{m.code} disciplined ({DISCIPLINE_NAMES[d.level][1]}) from {_d(d.start)}"
                             for m, d in hits) + f" (excluded from {lvl_en} up)")
    return met(f"không thành viên nào bị kỷ luật từ mức {lvl_vi} trở lên năm {ctx.year}",
               f"no member disciplined at {lvl_en} or above in {ctx.year}")


def check_member_ratings(ctx: Context) -> Outcome:
    """Every member rated at least TTLDXS.min_member_rating."""
    members = _members(ctx)
    if isinstance(members, Outcome):
        return members
    need = ctx.p("TTLDXS.min_member_rating")
    below = [m for m in members if m.ratings.get(ctx.year) is not None and _rank(m.ratings[ctx.year]) < _rank(need)]
    missing = [m for m in members if m.ratings.get(ctx.year) is None]
    ok = len(members) - len(below) - len(missing)
    vi = f"{ok}/{len(members)} thành viên xếp loại từ {need} năm {ctx.year} (yêu cầu tất cả)"
    en = f"{ok}/{len(members)} members rated {need} or better in {ctx.year} (required: all)"
    if below:
        return not_met(vi + "; dưới mức: " + ", ".join(f"{m.code} ({m.ratings[ctx.year]})" for m in below),
                       en + "; below: " + ", ".join(f"{m.code} ({m.ratings[ctx.year]})" for m in below))
    if missing:
        return unknown(vi + "; chưa xếp loại: " + ", ".join(m.code for m in missing),
                       en + "; not rated: " + ", ".join(m.code for m in missing))
    return met(vi, en)


def check_member_cstdcs(ctx: Context) -> Outcome:
    """At least TTLDXS.min_CSTDCS members hold (or are eligible for) CSTDCS this year."""
    members = _members(ctx)
    if isinstance(members, Outcome):
        return members
    need = int(ctx.p("TTLDXS.min_CSTDCS"))
    states = [held_or_qualifies(ctx, m, "CSTDCS")[0] for m in members]
    yes, pending = states.count(YES), states.count(UNKNOWN)
    vi = f"{yes} thành viên đạt/đủ điều kiện Chiến sĩ thi đua cơ sở năm {ctx.year} (yêu cầu từ {need})"
    en = f"{yes} members hold or qualify for Grassroots Emulation Fighter {ctx.year} (required: {need})"
    if pending:
        vi += f"; {pending} thành viên chưa rõ"
        en += f"; {pending} members undecided"
    return met(vi, en) if yes >= need else not_met(vi, en) if yes + pending < need else unknown(vi, en)


def check_targets(ctx: Context) -> Outcome:
    """The year's case and money rates reach their targets (the unit's metrics at year end)."""
    m = ctx.facts.metrics.get(ctx.year)
    if m is None:
        return unknown(f"chưa có số liệu và chỉ tiêu năm {ctx.year}", f"no figures or targets for {ctx.year}")
    states, vi, en = [], [], []
    for what_vi, what_en, rate, target in (("về việc", "cases", m.case_rate, m.case_target),
                                           ("về tiền", "money", m.money_rate, m.money_target)):
        if rate is None or target is None:
            states.append(UNKNOWN)
            vi.append(f"tỷ lệ {what_vi}: chưa có số liệu hoặc chỉ tiêu")
            en.append(f"{what_en} rate: no figure or target")
            continue
        states.append(YES if rate >= target else NO)
        vi.append(f"tỷ lệ {what_vi} {_rate(rate)[0]} (chỉ tiêu {_rate(target)[0]})")
        en.append(f"{what_en} rate {_rate(rate)[1]} (target {_rate(target)[1]})")
    return Outcome(_STATE_OUTCOME[_combine(states)], _join(vi), _join(en))


def check_cluster_lead(ctx: Context) -> Outcome:
    """Ranked within CO_BO.cluster_rank (1 = leads) in its emulation cluster this year."""
    need = int(ctx.p("CO_BO.cluster_rank"))
    rank = ctx.facts.cluster_rank.get(ctx.year)
    if rank is None:
        return unknown(f"chưa có xếp hạng cụm thi đua năm {ctx.year} (yêu cầu hạng {need})",
                       f"no cluster ranking for {ctx.year} (required: rank {need})")
    vi = f"xếp hạng {rank} trong cụm thi đua năm {ctx.year} (yêu cầu hạng {need})"
    en = f"ranked {rank} in its cluster in {ctx.year} (required: rank {need})"
    return met(vi, en) if rank <= need else not_met(vi, en)


def check_bk_bo_unit(ctx: Context) -> Outcome:
    """Each of BK_BO.collective_consecutive_years years ending this year: rated BK_BO.collective_rating or TTLDXS."""
    n = int(ctx.p("BK_BO.collective_consecutive_years"))
    need = ctx.p("BK_BO.collective_rating")
    states, vi, en = [], [], []
    for y in range(ctx.year - n + 1, ctx.year + 1):
        rating = ctx.facts.ratings.get(y)
        if rating is not None and _rank(rating) >= _rank(need):
            state = YES
        elif y == ctx.year:
            state = held_or_qualifies(ctx, ctx.facts, "TTLDXS")[0]
        else:
            state = held(ctx.facts, "TTLDXS", y)
        if state == NO and rating is None:
            state = UNKNOWN
        states.append(state)
        mark_vi = {YES: "đạt", NO: "không đạt", UNKNOWN: "chưa rõ"}[state]
        mark_en = {YES: "met", NO: "not met", UNKNOWN: "undecided"}[state]
        vi.append(f"{y}: {rating or '—'}, {mark_vi}")
        en.append(f"{y}: {rating or '—'}, {mark_en}")
    return Outcome(_STATE_OUTCOME[_combine(states)],
                   f"{_join(vi)} (yêu cầu {n} năm liền {need} hoặc Tập thể lao động xuất sắc)",
                   f"{_join(en)} (required: {n} years running {need} or Excellent Labour Collective)")


# --- the rule sets ---------------------------------------------------------------------------------------

TARGET_LINK = Clause(
    "THADS.targets", "Hoàn thành chỉ tiêu về việc và về tiền của năm (ngành THADS)",
    "Met the year's case and money targets (THADS)", check_targets, params=("thads.target_link_awards",))


def _person_rules(law: str) -> dict[str, tuple[Clause, ...]]:
    new = law == "LTDKT_2022"
    old = not new
    pending_basis = Basis(law, "Điều 5" if new else "Điều 6", "unsure")

    def pending(award: str) -> Clause:
        return Clause(f"{award}.pending", "Không đang bị điều tra, xem xét kỷ luật, khiếu nại, tố cáo",
                      "No pending investigation, disciplinary review or complaint", check_pending, basis=pending_basis)

    def judged(award: str, article: str) -> Clause:
        return Clause(f"{award}.achievement", "Thành tích được Hội đồng đánh giá đạt", "Achievement judged sufficient "
                      "by the council", check_judged, basis=Basis(law, article, "unsure"), confirmable=True)

    cstdcs_ldtt = Clause("CSTDCS.ldtt", "Đạt danh hiệu Lao động tiên tiến trong năm", "Advanced Worker in the year",
                         check_holds("LDTT"), basis=Basis(law, "Điều 23"))
    return {
        "LDTT": (
            Clause("LDTT.rating", "Xếp loại từ Hoàn thành tốt nhiệm vụ trở lên", "Rated at least 'completed well'",
                   check_ldtt_rating, params=("LDTT.min_rating",)),
            Clause("LDTT.service", "Đủ thời gian công tác tối thiểu trong năm", "Minimum months of service in the year",
                   check_service, params=("exclusion.min_service_months",)),
            Clause("LDTT.discipline", "Không bị kỷ luật từ mức loại trừ trở lên trong năm",
                   "No discipline at the excluding level or above in the year", check_person_discipline,
                   params=("exclusion.discipline_level",)),
            pending("LDTT"),
        ),
        "CSTDCS": (
            cstdcs_ldtt,
            Clause("CSTDCS.initiative", "Có sáng kiến được công nhận từ cấp cơ sở trong năm, chưa dùng cho khen "
                   "thưởng khác", "An initiative recognised at base level or above in the year, not used for "
                   "another award", check_cstdcs_initiative, params=("CSTDCS.initiative_scope",))
            if old else
            Clause("CSTDCS.achievement", "Hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến được công nhận trong năm",
                   "Rated 'completed excellently' or an initiative recognised in the year", check_cstdcs_achievement,
                   params=("CSTDCS.alt_rating", "CSTDCS.initiative_scope")),
            pending("CSTDCS"),
        ),
        "CSTD_BO": (
            Clause("CSTD_BO.chain", "Đạt Chiến sĩ thi đua cơ sở các năm liên tục đến năm xét",
                   "Grassroots Emulation Fighter in consecutive years up to this one", check_cstd_bo_chain,
                   params=("CSTD_BO.consecutive_CSTDCS",)),
            Clause("CSTD_BO.initiative", "Có sáng kiến được công nhận từ cấp bộ trong thời gian đó",
                   "An initiative recognised at ministry level or above in that period", check_cstd_bo_initiative,
                   params=("CSTD_BO.initiative_scope", "CSTD_BO.consecutive_CSTDCS")),
            pending("CSTD_BO"),
        ),
        "CSTD_TQ": (
            Clause("CSTD_TQ.chain", "Hai lần liên tục đạt Chiến sĩ thi đua cấp bộ",
                   "Ministerial Emulation Fighter twice in a row", check_cstd_tq_chain,
                   params=("CSTD_TQ.consecutive_CSTD_BO", "CSTD_BO.consecutive_CSTDCS")),
            Clause("CSTD_TQ.initiative", "Có sáng kiến được công nhận phạm vi toàn quốc", "An initiative of national "
                   "scope", check_cstd_tq_initiative, params=("CSTD_TQ.initiative_scope",)),
            pending("CSTD_TQ"),
        ),
        "GK": (judged("GK", "Điều 74" if new else "Điều 75"), pending("GK")),
        "BK_BO": (
            Clause("BK_BO.achievement", "Hai năm liền Chiến sĩ thi đua cơ sở, hoặc hai năm liền Hoàn thành xuất sắc "
                   "nhiệm vụ với hai sáng kiến; trường hợp khác do Hội đồng xét",
                   "Two years running Grassroots Emulation Fighter, or two years running 'completed excellently' "
                   "with two initiatives; other routes judged by the council", check_bk_bo_person,
                   params=("BK_BO.consecutive_CSTDCS", "BK_BO.consecutive_HTXSNV", "BK_BO.rating",
                           "BK_BO.min_initiatives"), confirmable=True),
            pending("BK_BO"),
        ),
        "BK_TTG": (judged("BK_TTG", "Điều 71"), pending("BK_TTG")),
    }


def _unit_rules(law: str) -> dict[str, tuple[Clause, ...]]:
    new = law == "LTDKT_2022"
    def member_discipline(award: str) -> Clause:
        return Clause(f"{award}.discipline", "Không có thành viên bị kỷ luật từ mức loại trừ trở lên trong năm",
                      "No member disciplined at the excluding level or above in the year", check_member_discipline,
                      params=("collective.discipline_level",))

    flag_basis = Basis(law, "Điều 26", "unsure")
    gov_basis = Basis(law, "Điều 25", "unsure")
    return {
        "TTLDTT": (
            Clause("TTLDTT.rating", "Đơn vị xếp loại từ Hoàn thành tốt nhiệm vụ trở lên",
                   "Unit rated at least 'completed well'", _unit_rating("TTLDTT.min_unit_rating"),
                   params=("TTLDTT.min_unit_rating",)),
            Clause("TTLDTT.ldtt_share", "Tỷ lệ thành viên đạt Lao động tiên tiến đủ mức quy định",
                   "Enough members are Advanced Workers", _ldtt_share("TTLDTT.ldtt_share"),
                   params=("TTLDTT.ldtt_share",)),
            member_discipline("TTLDTT"),
        ),
        "TTLDXS": (
            Clause("TTLDXS.rating", "Đơn vị xếp loại Hoàn thành xuất sắc nhiệm vụ", "Unit rated 'completed "
                   "excellently'", _unit_rating("TTLDXS.unit_rating"), params=("TTLDXS.unit_rating",)),
            Clause("TTLDXS.member_ratings", "Mọi thành viên xếp loại từ mức quy định trở lên", "Every member rated at "
                   "least the required level", check_member_ratings, params=("TTLDXS.min_member_rating",)),
            Clause("TTLDXS.ldtt_share", "Tỷ lệ thành viên đạt Lao động tiên tiến đủ mức quy định",
                   "Enough members are Advanced Workers", _ldtt_share("TTLDXS.ldtt_share"),
                   params=("TTLDXS.ldtt_share",)),
            Clause("TTLDXS.cstdcs", "Có thành viên đạt Chiến sĩ thi đua cơ sở", "A member is a Grassroots Emulation "
                   "Fighter", check_member_cstdcs, params=("TTLDXS.min_CSTDCS",)),
            member_discipline("TTLDXS"),
        ),
        "CO_BO": (
            Clause("CO_BO.cluster_lead", "Dẫn đầu cụm thi đua trong năm", "Leads its emulation cluster in the year",
                   check_cluster_lead, params=("CO_BO.cluster_rank",), confirmable=True),
            Clause("CO_BO.targets", "Hoàn thành vượt mức chỉ tiêu về việc và về tiền", "Exceeded its case and money "
                   "targets", check_targets, basis=flag_basis),
        ),
        "CO_CP": (
            Clause("CO_CP.co_bo", "Đạt Cờ thi đua cấp bộ trong năm", "Holds the Ministerial Emulation Flag this year",
                   check_holds("CO_BO"), basis=gov_basis),
            Clause("CO_CP.selected", "Được lựa chọn trong số đơn vị đạt Cờ thi đua cấp bộ", "Chosen among the holders "
                   "of the Ministerial Emulation Flag", check_judged, basis=gov_basis, confirmable=True),
        ),
        "GK": (Clause("GK.achievement", "Thành tích được Hội đồng đánh giá đạt", "Achievement judged sufficient by "
                      "the council", check_judged, basis=Basis(law, "Điều 74" if new else "Điều 75", "unsure"),
                      confirmable=True),),
        "BK_BO": (
            Clause("BK_BO.collective", "Hai năm liền Hoàn thành xuất sắc nhiệm vụ hoặc Tập thể lao động xuất sắc",
                   "Two years running 'completed excellently' or Excellent Labour Collective", check_bk_bo_unit,
                   params=("BK_BO.collective_consecutive_years", "BK_BO.collective_rating")),
        ),
        "BK_TTG": (Clause("BK_TTG.achievement", "Thành tích được Hội đồng đánh giá đạt", "Achievement judged "
                          "sufficient by the council", check_judged, basis=Basis(law, "Điều 71", "unsure"),
                          confirmable=True),),
    }


_OLD, _NEW = _person_rules("LTDKT_2003"), _person_rules("LTDKT_2022")
_OLD_UNIT, _NEW_UNIT = _unit_rules("LTDKT_2003"), _unit_rules("LTDKT_2022")
# ND 152/2025 devolves procedures and keeps the 2022 law's criteria (DOMAIN.md §5): the same clauses, its own
# regime code; citations follow the parameters in force.
RULES: dict[str, dict[str, dict[str, tuple[Clause, ...]]]] = {
    ND91: {"person": _OLD, "unit": _OLD_UNIT},
    LAW2022: {"person": _NEW, "unit": _NEW_UNIT},
    ND152: {"person": _NEW, "unit": _NEW_UNIT},
}

_AWARD_ORDER = [code for code, *_ in AWARDS]


def award_codes(subject_type: str) -> list[str]:
    """Award codes with rules for a subject type (person | unit), in catalogue order."""
    kind = "unit" if subject_type in ("unit", "collective") else subject_type
    codes = set().union(*(rules[kind] for rules in RULES.values()))
    return [c for c in _AWARD_ORDER if c in codes]


def clauses_for(regime: str, subject_type: str, award: str, params: Parameters, on: date) -> tuple[Clause, ...]:
    """The clauses of an award in a regime, with the THADS target link when thads.target_link_awards names it."""
    clauses = RULES[regime][subject_type][award]
    if subject_type == "unit" and award in (params.get("thads.target_link_awards", on) or ()):
        clauses = (*clauses, TARGET_LINK)
    return clauses
