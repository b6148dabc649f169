"""Evaluate a subject for an award: the regime in force, each clause's outcome and reason, the verdict.

Pure: plain facts and parameters in, a ``Report`` out. The verdict is ``ineligible`` when any clause is
not met, else ``needs_information`` when any is unknown, else ``eligible``. The rules themselves are data
in ``awards.eligibility.rules``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from awards.eligibility.facts import PersonFacts, UnitFacts
from awards.eligibility.parameters import MissingParameter, Parameters
from awards.eligibility.rules import (LAW2022, MET, ND91, ND152, NOT_MET, UNKNOWN, Clause, Context, Outcome,
                                      award_codes, params_on)

ELIGIBLE, INELIGIBLE, NEEDS_INFORMATION = "eligible", "ineligible", "needs_information"

# The rule set in force for an emulation year is the one in force on its last day (the contract of issue 4):
# Luật 06/2022 + NĐ 98/2023 from 1/1/2024, NĐ 152/2025 from 1/7/2025, NĐ 91/2017 before.
REGIME_STARTS = ((ND152, date(2025, 7, 1)), (LAW2022, date(2024, 1, 1)))


@dataclass(frozen=True)
class ClauseResult:
    code: str
    text: str
    citation: str
    outcome: str  # met | not_met | unknown
    reason: str   # Vietnamese
    reason_en: str
    text_en: str = ""


@dataclass(frozen=True)
class Report:
    subject_code: str
    subject_type: str  # person | unit
    award: str
    year: int
    regime: str
    verdict: str       # eligible | ineligible | needs_information
    clauses: tuple[ClauseResult, ...]


def regime_for(year_end: date) -> str:
    for regime, start in REGIME_STARTS:
        if year_end >= start:
            return regime
    return ND91


def applicable_awards(subject_type: str) -> list[str]:
    """Award codes a person (``person``) or a collective (``unit`` / ``collective``) can be evaluated for."""
    return award_codes(subject_type)


def verdict_of(outcomes: Iterable[str]) -> str:
    outcomes = list(outcomes)
    if NOT_MET in outcomes:
        return INELIGIBLE
    if UNKNOWN in outcomes:
        return NEEDS_INFORMATION
    return ELIGIBLE


def default_year_start(year_end: date) -> date:
    """The day after the same date a year earlier: 30/9/2021 → 1/10/2020."""
    try:
        return year_end.replace(year=year_end.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        return year_end.replace(year=year_end.year - 1, day=28) + timedelta(days=1)


def evaluate(facts: PersonFacts | UnitFacts, award: str, year: int, params: Parameters, *, year_end: date,
             year_start: date | None = None) -> Report:
    """The report of one subject for one award in one emulation year (``year_end``: its last day)."""
    return _Evaluator(year, params, year_start or default_year_start(year_end), year_end).report(facts, award)


def evaluate_many(facts: PersonFacts | UnitFacts, awards: Iterable[str], year: int, params: Parameters, *,
                  year_end: date, year_start: date | None = None) -> list[Report]:
    """Several awards for one subject, sharing the awards they depend on (CSTD_BO reads CSTDCS reads LDTT)."""
    evaluator = _Evaluator(year, params, year_start or default_year_start(year_end), year_end)
    return [evaluator.report(facts, award) for award in awards]


class _Evaluator:
    """One year's evaluation; remembers each (subject, award) report so dependent awards are computed once."""

    def __init__(self, year: int, params: Parameters, year_start: date, year_end: date) -> None:
        self.year, self.params, self.year_start, self.year_end = year, params, year_start, year_end
        self.regime = regime_for(year_end)
        self.values = params_on(params, year_end)
        self._done: dict[tuple[int, str], tuple[object, Report]] = {}

    def report(self, facts: PersonFacts | UnitFacts, award: str) -> Report:
        key = (id(facts), award)
        if key in self._done and self._done[key][0] is facts:
            return self._done[key][1]
        subject_type = "person" if isinstance(facts, PersonFacts) else "unit"
        try:
            clauses = self.values.clauses(self.regime, subject_type, award)
        except KeyError:
            raise ValueError(f"{award} is not an award for a {subject_type}") from None
        ctx = Context(facts, award, self.year, self.regime, self.params, self.year_start, self.year_end,
                      self._verdict, self.values)
        results = tuple(self._run(clause, ctx) for clause in clauses)
        report = Report(facts.code, subject_type, award, self.year, self.regime,
                        verdict_of(r.outcome for r in results), results)
        self._done[key] = (facts, report)
        return report

    def _verdict(self, facts: PersonFacts | UnitFacts, award: str) -> str:
        return self.report(facts, award).verdict

    def _run(self, clause: Clause, ctx: Context) -> ClauseResult:
        try:
            outcome = clause.check(ctx)
        except MissingParameter as missing:
            outcome = Outcome(UNKNOWN, f"thiếu tham số {missing} trong danh mục",
                              f"parameter {missing} missing from the catalogue")
        if outcome.outcome == UNKNOWN and clause.confirmable:
            confirmation = ctx.facts.confirmations.get((ctx.year, ctx.award, clause.code))
            if confirmation is not None:
                outcome = replace(
                    outcome, outcome=MET if confirmation.met else NOT_MET,
                    reason=f"{'Đạt' if confirmation.met else 'Không đạt'} theo xác nhận của {confirmation.by}: "
                           f"{confirmation.note}",
                    reason_en=f"{'Met' if confirmation.met else 'Not met'} as confirmed by {confirmation.by}: "
                              f"{confirmation.note}")
        return ClauseResult(clause.code, clause.text, self.values.citation(clause),
                            outcome.outcome, outcome.reason, outcome.reason_en, clause.text_en)
