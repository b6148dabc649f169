"""Eligibility under Luật Thi đua, khen thưởng 2022 + ND 98/2023 (years from 2024) and ND 152/2025 (from 7/2025)."""
from __future__ import annotations

from datetime import date

import pytest

from awards.eligibility.engine import ELIGIBLE as E
from awards.eligibility.engine import INELIGIBLE as X
from awards.eligibility.engine import NEEDS_INFORMATION as Q
from awards.eligibility.engine import evaluate
from awards.eligibility.rules import LAW2022, ND152
from tests.unit.test_eligibility_common import (PARAMS, YEAR_END, Case, M, N, U, confirm, discipline, initiative,
                                                members, metric, person, run, unit)

Y = 2024
OK_LDTT = {"LDTT.rating": M, "LDTT.service": M, "LDTT.discipline": M, "LDTT.pending": M}
OK_CSTDCS = {"CSTDCS.ldtt": M, "CSTDCS.achievement": M, "CSTDCS.pending": M}
CSTDCS_BEFORE = {2022: {"CSTDCS"}, 2023: {"CSTDCS"}}


def excellent(**extra):
    """Rated HTXSNV in 2024: a CSTDCS under the 2022 law even without an initiative."""
    return person(ratings={Y: "HTXSNV"}, **extra)


def case(name, award, facts, verdict, clauses, reasons=None, year=Y):
    return Case(name, award, facts, verdict, clauses, reasons or {}, year)


PERSON_CASES = [
    case("ldtt_completed_well", "LDTT", person(ratings={Y: "HTTNV"}), E, OK_LDTT,
         {"LDTT.rating": "xếp loại 2024: HTTNV (yêu cầu từ HTTNV)"}),
    case("ldtt_not_completed", "LDTT", person(ratings={Y: "KHTNV"}), X, {**OK_LDTT, "LDTT.rating": N}),
    case("ldtt_missing_rating", "LDTT", person(), Q, {**OK_LDTT, "LDTT.rating": U}),
    case("ldtt_ten_months_exactly", "LDTT", person(ratings={Y: "HTTNV"}, hire=date(2023, 12, 1)), E, OK_LDTT),
    case("ldtt_nine_months", "LDTT", person(ratings={Y: "HTTNV"}, hire=date(2024, 1, 1)), X,
         {**OK_LDTT, "LDTT.service": N}, {"LDTT.service": "9 tháng"}),
    case("ldtt_warned_in_the_year", "LDTT",
         person(ratings={Y: "HTTNV"}, disciplines=[discipline("canh_cao", date(2024, 9, 30))]), X,
         {**OK_LDTT, "LDTT.discipline": N}),
    case("ldtt_pending_complaint", "LDTT", person(ratings={Y: "HTTNV"}, complaint=True), X,
         {**OK_LDTT, "LDTT.pending": N}),
    # CSTDCS: HTXSNV OR an initiative under the 2022 law
    case("cstdcs_2024_excellent_without_initiative_is_eligible", "CSTDCS", excellent(), E, OK_CSTDCS,
         {"CSTDCS.achievement": "xếp loại 2024: HTXSNV (cần HTXSNV nếu không có sáng kiến)"}),
    case("cstdcs_completed_well_with_initiative", "CSTDCS",
         person(ratings={Y: "HTTNV"}, initiatives=[initiative("SK-24", Y, "base")]), E, OK_CSTDCS),
    case("cstdcs_completed_well_without_initiative", "CSTDCS", person(ratings={Y: "HTTNV"}), X,
         {**OK_CSTDCS, "CSTDCS.achievement": N}),
    case("cstdcs_completed_well_initiative_already_used", "CSTDCS",
         person(ratings={Y: "HTTNV"}, initiatives=[initiative("SK-24", Y, "base", "BK_BO 2024 (P1)")]), X,
         {**OK_CSTDCS, "CSTDCS.achievement": N}, {"CSTDCS.achievement": "SK-24 đã dùng cho BK_BO 2024 (P1)"}),
    case("cstdcs_missing_rating_without_initiative", "CSTDCS", person(), Q,
         {**OK_CSTDCS, "CSTDCS.ldtt": U, "CSTDCS.achievement": U}),
    case("cstdcs_excellent_but_investigated", "CSTDCS", excellent(investigation=True), X,
         {"CSTDCS.ldtt": N, "CSTDCS.achievement": M, "CSTDCS.pending": N}),
    # CSTD_BO: CSTDCS 2022–2024 (2024 by HTXSNV alone) + a ministry-level initiative
    case("cstd_bo_three_years_and_ministry_initiative", "CSTD_BO",
         excellent(awards=CSTDCS_BEFORE, initiatives=[initiative("SK-B", 2023, "ministry")]), E,
         {"CSTD_BO.chain": M, "CSTD_BO.initiative": M, "CSTD_BO.pending": M}),
    case("cstd_bo_chain_broken_in_the_middle_year", "CSTD_BO",
         excellent(awards={2022: {"CSTDCS"}, 2023: set()}, initiatives=[initiative("SK-B", 2023, "ministry")]), X,
         {"CSTD_BO.chain": N, "CSTD_BO.initiative": M, "CSTD_BO.pending": M}),
    case("cstd_bo_base_initiative_only", "CSTD_BO",
         excellent(awards=CSTDCS_BEFORE, initiatives=[initiative("SK-A", 2023, "base")]), X,
         {"CSTD_BO.chain": M, "CSTD_BO.initiative": N, "CSTD_BO.pending": M}),
    case("cstd_bo_pending_complaint", "CSTD_BO",
         excellent(awards=CSTDCS_BEFORE, complaint=True, initiatives=[initiative("SK-B", 2023, "ministry")]), X,
         {"CSTD_BO.chain": N, "CSTD_BO.initiative": M, "CSTD_BO.pending": N}),
    # CSTD_TQ
    case("cstd_tq_two_ministerial_titles_and_national_initiative", "CSTD_TQ",
         excellent(awards={2021: {"CSTD_BO"}, **CSTDCS_BEFORE},
                   initiatives=[initiative("SK-B", 2023, "ministry"), initiative("SK-Q", 2022, "national")]), E,
         {"CSTD_TQ.chain": M, "CSTD_TQ.initiative": M, "CSTD_TQ.pending": M}),
    case("cstd_tq_no_history_for_the_previous_cycle", "CSTD_TQ",
         excellent(awards=CSTDCS_BEFORE,
                   initiatives=[initiative("SK-B", 2023, "ministry"), initiative("SK-Q", 2022, "national")]), Q,
         {"CSTD_TQ.chain": U, "CSTD_TQ.initiative": M, "CSTD_TQ.pending": M}),
    case("cstd_tq_national_initiative_already_used", "CSTD_TQ",
         excellent(awards={2021: {"CSTD_BO"}, **CSTDCS_BEFORE},
                   initiatives=[initiative("SK-B", 2023, "ministry"),
                                initiative("SK-Q", 2022, "national", "CSTD_BO 2021 (P1)")]), X,
         {"CSTD_TQ.chain": M, "CSTD_TQ.initiative": N, "CSTD_TQ.pending": M}),
    case("cstd_tq_pending_investigation", "CSTD_TQ",
         excellent(awards={2021: {"CSTD_BO"}, **CSTDCS_BEFORE}, investigation=True,
                   initiatives=[initiative("SK-B", 2023, "ministry"), initiative("SK-Q", 2022, "national")]), X,
         {"CSTD_TQ.chain": N, "CSTD_TQ.initiative": M, "CSTD_TQ.pending": N}),
    # BK_BO, GK, BK_TTG (person)
    case("bk_bo_cstdcs_last_year_and_this_year", "BK_BO", excellent(awards={2023: {"CSTDCS"}}), E,
         {"BK_BO.achievement": M, "BK_BO.pending": M}),
    case("bk_bo_other_routes_judged_by_people", "BK_BO", person(ratings={Y: "HTTNV"}), Q,
         {"BK_BO.achievement": U, "BK_BO.pending": M}),
    case("bk_bo_pending_complaint", "BK_BO", excellent(awards={2023: {"CSTDCS"}}, complaint=True), X,
         {"BK_BO.achievement": U, "BK_BO.pending": N}),
    case("gk_person_confirmed", "GK", person(confirmations=confirm(Y, "GK", "GK.achievement")), E,
         {"GK.achievement": M, "GK.pending": M}),
    case("gk_person_refused_and_complaint", "GK",
         person(complaint=True, confirmations=confirm(Y, "GK", "GK.achievement", met=False)), X,
         {"GK.achievement": N, "GK.pending": N}),
    case("bk_ttg_person_unconfirmed", "BK_TTG", person(), Q, {"BK_TTG.achievement": U, "BK_TTG.pending": M}),
    case("bk_ttg_person_refused_while_investigated", "BK_TTG",
         person(investigation=True, confirmations=confirm(Y, "BK_TTG", "BK_TTG.achievement", met=False)), X,
         {"BK_TTG.achievement": N, "BK_TTG.pending": N}),
]

OK_TTLDTT = {"TTLDTT.rating": M, "TTLDTT.ldtt_share": M, "TTLDTT.discipline": M}
OK_TTLDXS = {"TTLDXS.rating": M, "TTLDXS.member_ratings": M, "TTLDXS.ldtt_share": M, "TTLDXS.cstdcs": M,
             "TTLDXS.discipline": M, "THADS.targets": M}
ON_TARGET = {Y: metric("80", "45")}


def unit_with(rated, *, rating="HTTNV", extra=(), **kw):
    return unit(ratings={Y: rating}, members={Y: (*members(Y, rated), *extra)}, **kw)


UNIT_CASES = [
    # TTLDTT: at least 70 % LDTT from 2024
    case("ttldtt_exactly_seventy_percent", "TTLDTT", unit_with({"HTTNV": 7, "HTNV": 3}), E, OK_TTLDTT,
         {"TTLDTT.ldtt_share": "7/10 thành viên = 70% (yêu cầu từ 70%)"}),
    case("ttldtt_sixty_percent_passes_nd91_not_the_2022_law", "TTLDTT", unit_with({"HTTNV": 6, "HTNV": 4}), X,
         {**OK_TTLDTT, "TTLDTT.ldtt_share": N}),
    case("ttldtt_just_below_seventy_percent", "TTLDTT", unit_with({"HTTNV": 69, "HTNV": 31}), X,
         {**OK_TTLDTT, "TTLDTT.ldtt_share": N}, {"TTLDTT.ldtt_share": "69/100 thành viên = 69%"}),
    case("ttldtt_two_thirds_shown_rounded_compared_exactly", "TTLDTT", unit_with({"HTTNV": 2, "HTNV": 1}), X,
         {**OK_TTLDTT, "TTLDTT.ldtt_share": N}, {"TTLDTT.ldtt_share": "2/3 thành viên = 66,67%"}),
    case("ttldtt_unit_rating_missing", "TTLDTT", unit(members={Y: members(Y, {"HTTNV": 3})}), Q,
         {**OK_TTLDTT, "TTLDTT.rating": U}),
    case("ttldtt_member_dismissed_from_post", "TTLDTT",
         unit_with({"HTTNV": 9}, extra=(person("M900", ratings={Y: "HTTNV"}, disciplines=[
             discipline("cach_chuc", date(2023, 10, 1), date(2023, 10, 1))]),)), X,
         {**OK_TTLDTT, "TTLDTT.discipline": N}),
    # TTLDXS (a member rated HTXSNV is a CSTDCS candidate without any initiative)
    case("ttldxs_excellent_unit", "TTLDXS",
         unit_with({"HTXSNV": 1, "HTTNV": 6, "HTNV": 3}, rating="HTXSNV", metrics=ON_TARGET), E, OK_TTLDXS),
    case("ttldxs_unit_rating_missing", "TTLDXS",
         unit(members={Y: members(Y, {"HTXSNV": 1, "HTTNV": 6})}, metrics=ON_TARGET), Q,
         {**OK_TTLDXS, "TTLDXS.rating": U}),
    case("ttldxs_member_below_completed", "TTLDXS",
         unit_with({"HTXSNV": 1, "HTTNV": 8, "KHTNV": 1}, rating="HTXSNV", metrics=ON_TARGET), X,
         {**OK_TTLDXS, "TTLDXS.member_ratings": N}),
    case("ttldxs_sixty_percent", "TTLDXS",
         unit_with({"HTXSNV": 1, "HTTNV": 5, "HTNV": 4}, rating="HTXSNV", metrics=ON_TARGET), X,
         {**OK_TTLDXS, "TTLDXS.ldtt_share": N}),
    case("ttldxs_cstdcs_undecided", "TTLDXS", unit_with({"HTTNV": 9}, rating="HTXSNV", metrics=ON_TARGET, extra=(
         person("M900", ratings={Y: "HTTNV"}, hire=None, initiatives=[initiative("SK-24", Y, "base")]),)), Q,
         {**OK_TTLDXS, "TTLDXS.cstdcs": U}, {"TTLDXS.cstdcs": "0 thành viên"}),
    case("ttldxs_member_warned", "TTLDXS",
         unit_with({"HTXSNV": 1, "HTTNV": 9}, rating="HTXSNV", metrics=ON_TARGET, extra=(person(
             "M900", ratings={Y: "HTNV"}, disciplines=[discipline("canh_cao", date(2024, 2, 1))]),)), X,
         {**OK_TTLDXS, "TTLDXS.discipline": N}),
    case("ttldxs_missed_the_case_target", "TTLDXS",
         unit_with({"HTXSNV": 1, "HTTNV": 9}, rating="HTXSNV", metrics={Y: metric("70", "45")}), X,
         {**OK_TTLDXS, "THADS.targets": N}),
    # BK_BO (collective), CO_BO, CO_CP, GK, BK_TTG
    case("bk_bo_unit_two_excellent_years", "BK_BO", unit(ratings={2023: "HTXSNV", Y: "HTXSNV"}), E,
         {"BK_BO.collective": M}),
    case("bk_bo_unit_this_year_only_good", "BK_BO",
         unit(ratings={2023: "HTXSNV", Y: "HTTNV"}, members={Y: members(Y, {"HTTNV": 3})}), X,
         {"BK_BO.collective": N}),
    case("co_bo_leads_on_target", "CO_BO", unit(cluster_rank={Y: 1}, metrics=ON_TARGET), E,
         {"CO_BO.cluster_lead": M, "CO_BO.targets": M, "THADS.targets": M}),
    case("co_bo_second", "CO_BO", unit(cluster_rank={Y: 2}, metrics={Y: metric("70", "45")}), X,
         {"CO_BO.cluster_lead": N, "CO_BO.targets": N, "THADS.targets": N}),
    case("co_bo_no_ranking_no_figures", "CO_BO", unit(), Q,
         {"CO_BO.cluster_lead": U, "CO_BO.targets": U, "THADS.targets": U}),
    case("co_cp_chosen_flag_holder", "CO_CP",
         unit(awards={Y: {"CO_BO"}}, confirmations=confirm(Y, "CO_CP", "CO_CP.selected")), E,
         {"CO_CP.co_bo": M, "CO_CP.selected": M}),
    case("co_cp_no_flag", "CO_CP", unit(cluster_rank={Y: 2}, metrics=ON_TARGET), X,
         {"CO_CP.co_bo": N, "CO_CP.selected": U}),
    case("gk_unit_confirmed", "GK", unit(confirmations=confirm(Y, "GK", "GK.achievement")), E, {"GK.achievement": M}),
    case("gk_unit_unconfirmed", "GK", unit(), Q, {"GK.achievement": U}),
    case("bk_ttg_unit_confirmed", "BK_TTG", unit(confirmations=confirm(Y, "BK_TTG", "BK_TTG.achievement")), E,
         {"BK_TTG.achievement": M}),
    case("bk_ttg_unit_unconfirmed", "BK_TTG", unit(), Q, {"BK_TTG.achievement": U}),
]

CASES = PERSON_CASES + UNIT_CASES


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_law_2022(case):
    run(case, LAW2022)


def test_case_names_are_unique():
    assert len({c.name for c in CASES}) == len(CASES)


def test_cstdcs_without_initiative_differs_between_a_2021_and_a_2024_nominee():
    """The issue's "Done means": HTXSNV without an initiative is ineligible in 2021, eligible in 2024."""
    nominee = person(ratings={2021: "HTXSNV", 2024: "HTXSNV"})
    r2021 = evaluate(nominee, "CSTDCS", 2021, PARAMS, year_end=YEAR_END[2021])
    r2024 = evaluate(nominee, "CSTDCS", 2024, PARAMS, year_end=YEAR_END[2024])
    assert (r2021.regime, r2021.verdict) == ("ND91_2017", X)
    assert (r2024.regime, r2024.verdict) == ("LTDKT_2022", E)


def test_ttldtt_sixty_percent_is_enough_in_2021_and_not_in_2024():
    team = {year: members(year, {"HTTNV": 6, "HTNV": 4}) for year in (2021, 2024)}
    collective = unit(ratings={2021: "HTTNV", 2024: "HTTNV"}, members=team)
    assert evaluate(collective, "TTLDTT", 2021, PARAMS, year_end=YEAR_END[2021]).verdict == E
    assert evaluate(collective, "TTLDTT", 2024, PARAMS, year_end=YEAR_END[2024]).verdict == X


ND152_CASES = [
    case("nd152_ldtt", "LDTT", person(ratings={2025: "HTTNV"}), E, OK_LDTT, year=2025),
    case("nd152_cstdcs_excellent_without_initiative", "CSTDCS", person(ratings={2025: "HTXSNV"}), E, OK_CSTDCS,
         year=2025),
    case("nd152_ttldtt_exactly_seventy_percent", "TTLDTT",
         unit(ratings={2025: "HTTNV"}, members={2025: members(2025, {"HTTNV": 7, "HTNV": 3})}), E, OK_TTLDTT,
         year=2025),
]


@pytest.mark.parametrize("case", ND152_CASES, ids=lambda c: c.name)
def test_nd152_applies_from_july_2025_with_the_2022_criteria(case):
    report = run(case, ND152)
    before = evaluate(case.facts, case.award, case.year, PARAMS, year_end=date(2025, 6, 30))
    assert before.regime == LAW2022
    assert [(c.code, c.outcome) for c in report.clauses] == [(c.code, c.outcome) for c in before.clauses]
