"""Eligibility engine: what holds across regimes (regime choice, verdict, purity, citations, coverage).

The builders here are shared by the per-regime tables (test_eligibility_nd91.py, test_eligibility_2022.py).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from awards.eligibility.engine import (ELIGIBLE, INELIGIBLE, NEEDS_INFORMATION, Report, applicable_awards, evaluate,
                                       regime_for, verdict_of)
from awards.eligibility.facts import (Confirmation, DisciplineFact, InitiativeFact, MetricFact, PersonFacts,
                                      UnitFacts)
from awards.eligibility.parameters import Parameters
from awards.eligibility.rules import LAW2022, ND91, ND152, RULES, TARGET_LINK, service_months

M, N, U = "met", "not_met", "unknown"
PARAMS = Parameters.standard()
YEAR_END = {2020: date(2020, 9, 30), 2021: date(2021, 9, 30), 2023: date(2023, 9, 30), 2024: date(2024, 9, 30),
            2025: date(2025, 9, 30)}
LONG_AGO = date(2010, 1, 1)
_RANKS = {"khien_trach": 1, "canh_cao": 2, "giang_chuc": 3, "cach_chuc": 4, "buoc_thoi_viec": 5}


def discipline(level: str, start: date, end: date | None = None) -> DisciplineFact:
    return DisciplineFact(level, _RANKS[level], start, end)


def initiative(code: str, year: int, scope: str | None, used_for: str | None = None) -> InitiativeFact:
    return InitiativeFact(code, f"Sáng kiến {code}", year, scope, used_for)


def person(code: str = "P1", *, hire: date | None = LONG_AGO, ratings=None, awards=None, disciplines=(),
           investigation=False, complaint=False, initiatives=(), confirmations=None) -> PersonFacts:
    return PersonFacts(code, f"Cán bộ {code}", None, hire, "U1", ratings=ratings or {},
                       awards={y: frozenset(a) for y, a in (awards or {}).items()}, disciplines=tuple(disciplines),
                       investigation_pending=investigation, complaint_pending=complaint,
                       initiatives=tuple(initiatives), confirmations=confirmations or {})


def members(year: int, rated: dict[str, int], start: int = 1, **extra) -> tuple[PersonFacts, ...]:
    """``{"HTTNV": 7, "HTNV": 3}`` → ten members rated so (HTTNV and above are LDTT-eligible)."""
    out, n = [], start
    for rating, count in rated.items():
        for _ in range(count):
            out.append(person(f"M{n:03d}", ratings={year: rating}, **extra))
            n += 1
    return tuple(out)


def metric(case: str, money: str, case_target: str = "75", money_target: str = "40") -> MetricFact:
    return MetricFact(Decimal(case), Decimal(money), Decimal(case_target), Decimal(money_target))


def unit(code: str = "U1", *, ratings=None, awards=None, members=None, metrics=None, cluster_rank=None,
         confirmations=None) -> UnitFacts:
    return UnitFacts(code, f"Đơn vị {code}", ratings=ratings or {},
                     awards={y: frozenset(a) for y, a in (awards or {}).items()}, members=members or {},
                     metrics=metrics or {}, cluster_rank=cluster_rank or {}, confirmations=confirmations or {})


def confirm(year: int, award: str, clause: str, met: bool = True, note: str = "Thành tích đột xuất năm") -> dict:
    return {(year, award, clause): Confirmation(met, note, "Thư ký Hội đồng")}


@dataclass(frozen=True)
class Case:
    name: str
    award: str
    facts: PersonFacts | UnitFacts
    verdict: str
    clauses: dict[str, str]                       # every clause's outcome, in order
    reasons: dict[str, str] = field(default_factory=dict)  # clause → text its reason must contain
    year: int = 2021


def run(case: Case, regime: str, params: Parameters = PARAMS) -> Report:
    report = evaluate(case.facts, case.award, case.year, params, year_end=YEAR_END[case.year])
    assert report.regime == regime
    assert [(c.code, c.outcome) for c in report.clauses] == list(case.clauses.items()), \
        [(c.code, c.outcome, c.reason) for c in report.clauses]
    assert report.verdict == case.verdict
    for code, text in case.reasons.items():
        reason = next(c.reason for c in report.clauses if c.code == code)
        assert text in reason, reason
    assert all(c.citation for c in report.clauses)
    return report


# --- the tests of this module -----------------------------------------------------------------------------

@pytest.mark.parametrize(("year_end", "regime"), [
    (date(2021, 9, 30), ND91), (date(2023, 12, 31), ND91), (date(2024, 1, 1), LAW2022),
    (date(2025, 6, 30), LAW2022), (date(2025, 7, 1), ND152), (date(2026, 9, 30), ND152)])
def test_the_regime_is_the_one_in_force_on_the_last_day_of_the_year(year_end, regime):
    assert regime_for(year_end) == regime


def test_verdict_not_met_beats_unknown_beats_met():
    assert verdict_of([M, U, N]) == INELIGIBLE
    assert verdict_of([M, U]) == NEEDS_INFORMATION
    assert verdict_of([M, M]) == ELIGIBLE


def test_applicable_awards_per_subject_type():
    assert applicable_awards("person") == ["LDTT", "GK", "CSTDCS", "BK_BO", "CSTD_BO", "BK_TTG", "CSTD_TQ"]
    assert applicable_awards("unit") == ["TTLDTT", "GK", "TTLDXS", "BK_BO", "CO_BO", "BK_TTG", "CO_CP"]
    assert applicable_awards("collective") == applicable_awards("unit")


def test_an_award_for_the_other_subject_type_is_refused():
    with pytest.raises(ValueError):
        evaluate(person(), "TTLDTT", 2021, PARAMS, year_end=YEAR_END[2021])


@pytest.mark.parametrize(("hire", "months"), [
    (date(2010, 1, 1), 12), (date(2020, 10, 1), 12), (date(2020, 12, 1), 10), (date(2020, 12, 2), 9),
    (date(2021, 9, 30), 0), (date(2021, 12, 1), 0)])
def test_service_months_are_whole_months_in_the_emulation_year(hire, months):
    assert service_months(hire, date(2020, 10, 1), date(2021, 9, 30)) == months


def test_the_year_start_can_be_given_for_a_year_that_is_not_october_to_september():
    hired = person(ratings={2021: "HTTNV"}, hire=date(2021, 3, 1))
    thads = evaluate(hired, "LDTT", 2021, PARAMS, year_end=date(2021, 9, 30))
    calendar = evaluate(hired, "LDTT", 2021, PARAMS, year_end=date(2021, 12, 31), year_start=date(2021, 1, 1))
    assert [c.outcome for c in thads.clauses if c.code == "LDTT.service"] == [N]    # 7 months
    assert [c.outcome for c in calendar.clauses if c.code == "LDTT.service"] == [M]  # 10 months


def _without(key: str) -> Parameters:
    return Parameters(v for k, vs in PARAMS._by_key.items() if k != key for v in vs)


def _with(key: str, value) -> Parameters:
    return Parameters(replace(v, value=value) if k == key else v for k, vs in PARAMS._by_key.items() for v in vs)


def test_a_missing_parameter_is_unknown_never_a_guess():
    report = evaluate(person(ratings={2021: "HTTNV"}), "LDTT", 2021, _without("exclusion.min_service_months"),
                      year_end=YEAR_END[2021])
    service = next(c for c in report.clauses if c.code == "LDTT.service")
    assert (service.outcome, report.verdict) == (U, NEEDS_INFORMATION)
    assert "exclusion.min_service_months" in service.reason


def test_the_thads_target_link_follows_its_parameter():
    missed = unit(ratings={2021: "HTTNV"}, members={2021: members(2021, {"HTTNV": 2})},
                  metrics={2021: metric("70", "50")})
    linked = evaluate(missed, "TTLDTT", 2021, _with("thads.target_link_awards", ["TTLDTT"]), year_end=YEAR_END[2021])
    assert (linked.clauses[-1].code, linked.clauses[-1].outcome, linked.verdict) == ("THADS.targets", N, INELIGIBLE)
    assert "tỷ lệ về việc 70,00% (chỉ tiêu 75,00%)" in linked.clauses[-1].reason
    plain = evaluate(missed, "TTLDXS", 2021, _with("thads.target_link_awards", []), year_end=YEAR_END[2021])
    assert "THADS.targets" not in [c.code for c in plain.clauses]


def _module_imports(module: str) -> set[str]:
    """Modules imported at the top level of ``module`` and, recursively, of the awards modules it imports."""
    seen, todo, found = set(), [module], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = Path(__file__).resolve().parents[2] / (name.replace(".", "/") + ".py")
        for node in ast.parse(path.read_text()).body:
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for imported in names:
                found.add(imported)
                if imported.startswith("awards."):
                    todo.append(imported)
    return found


@pytest.mark.parametrize("module", ["awards.eligibility.engine", "awards.eligibility.docs"])
def test_the_engine_imports_neither_flask_nor_the_database(module):
    imported = _module_imports(module)
    assert "awards.eligibility.rules" in imported
    assert not {m for m in imported if m.split(".")[0] in ("flask", "flask_babel", "sqlalchemy", "werkzeug")}


REGIME_DATES = {ND91: date(2021, 9, 30), LAW2022: date(2024, 9, 30), ND152: date(2025, 9, 30)}


def test_every_clause_of_every_rule_cites_its_source():
    for regime, on in REGIME_DATES.items():
        for awards in RULES[regime].values():
            for award, clauses in awards.items():
                for clause in (*clauses, TARGET_LINK):
                    assert clause.citation(PARAMS, on), (regime, award, clause.code)
                    assert clause.text and clause.text_en and clause.check.__doc__, clause.code
                    assert clause.code.split(".")[0] in (award, "THADS"), clause.code


def test_nd152_keeps_the_2022_law_criteria():
    assert RULES[ND152] == RULES[LAW2022]


def test_every_clause_of_every_rule_is_exercised_by_a_named_case():
    from tests.unit.test_eligibility_2022 import CASES as CASES_2022
    from tests.unit.test_eligibility_nd91 import CASES as CASES_ND91

    for regime, cases in ((ND91, CASES_ND91), (LAW2022, CASES_2022)):
        exercised: dict[tuple[str, str], set[str]] = {}
        for case in cases:
            kind = "person" if isinstance(case.facts, PersonFacts) else "unit"
            exercised.setdefault((kind, case.award), set()).update(case.clauses)
        for kind, awards in RULES[regime].items():
            for award, clauses in awards.items():
                assert {c.code for c in clauses} <= exercised.get((kind, award), set()), (regime, kind, award)
        # Each clause is seen both passing and failing (or undecided) somewhere in the table.
        outcomes: dict[str, set[str]] = {}
        for case in cases:
            for code, outcome in case.clauses.items():
                outcomes.setdefault(code, set()).add(outcome)
        assert {code for code, seen in outcomes.items() if len(seen) < 2} == set(), regime
