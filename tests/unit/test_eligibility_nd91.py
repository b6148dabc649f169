"""Eligibility under ND 91/2017 (Luật 2003): the emulation year 2021 (1/10/2020–30/9/2021), named cases."""
from __future__ import annotations

from datetime import date

import pytest

from awards.eligibility.engine import ELIGIBLE as E
from awards.eligibility.engine import INELIGIBLE as X
from awards.eligibility.engine import NEEDS_INFORMATION as Q
from awards.eligibility.rules import ND91
from tests.unit.test_eligibility_common import (LONG_AGO, Case, M, N, U, confirm, discipline, initiative, members,
                                                metric, person, run, unit)

OK_LDTT = {"LDTT.rating": M, "LDTT.service": M, "LDTT.discipline": M, "LDTT.pending": M}
BASE_2021 = initiative("SK-21", 2021, "base")
CSTDCS_BEFORE = {2019: {"LDTT", "CSTDCS"}, 2020: {"LDTT", "CSTDCS"}}


def cstdcs_2021(**extra):
    """A 2021 CSTDCS candidate: rated HTTNV with a base-level initiative of 2021."""
    return person(ratings={2021: "HTTNV"}, initiatives=(BASE_2021, *extra.pop("initiatives", ())), **extra)


PERSON_CASES = [
    # LDTT
    Case("ldtt_completed_well", "LDTT", person(ratings={2021: "HTTNV"}), E, OK_LDTT,
         {"LDTT.rating": "xếp loại 2021: HTTNV (yêu cầu từ HTTNV)"}),
    Case("ldtt_rated_completed_only", "LDTT", person(ratings={2021: "HTNV"}), X, {**OK_LDTT, "LDTT.rating": N},
         {"LDTT.rating": "xếp loại 2021: HTNV (yêu cầu từ HTTNV)"}),
    Case("ldtt_missing_rating_needs_information", "LDTT", person(), Q, {**OK_LDTT, "LDTT.rating": U},
         {"LDTT.rating": "chưa có xếp loại năm 2021"}),
    Case("ldtt_ten_months_of_service_exactly", "LDTT", person(ratings={2021: "HTTNV"}, hire=date(2020, 12, 1)), E,
         OK_LDTT, {"LDTT.service": "10 tháng"}),
    Case("ldtt_nine_months_of_service", "LDTT", person(ratings={2021: "HTTNV"}, hire=date(2020, 12, 2)), X,
         {**OK_LDTT, "LDTT.service": N}, {"LDTT.service": "9 tháng, từ 02/12/2020 (yêu cầu từ 10 tháng)"}),
    Case("ldtt_hire_date_unknown", "LDTT", person(ratings={2021: "HTTNV"}, hire=None), Q,
         {**OK_LDTT, "LDTT.service": U}),
    Case("ldtt_reprimanded_in_the_year", "LDTT",
         person(ratings={2021: "HTTNV"}, disciplines=[discipline("khien_trach", date(2021, 3, 1), date(2022, 2, 28))]),
         X, {**OK_LDTT, "LDTT.discipline": N}, {"LDTT.discipline": "khiển trách từ 01/03/2021"}),
    Case("ldtt_discipline_ended_before_the_year", "LDTT",
         person(ratings={2021: "HTTNV"}, disciplines=[discipline("canh_cao", date(2019, 6, 1), date(2020, 9, 30))]),
         E, OK_LDTT),
    Case("ldtt_pending_complaint", "LDTT", person(ratings={2021: "HTXSNV"}, complaint=True), X,
         {**OK_LDTT, "LDTT.pending": N}, {"LDTT.pending": "khiếu nại"}),
    Case("ldtt_under_investigation", "LDTT", person(ratings={2021: "HTXSNV"}, investigation=True), X,
         {**OK_LDTT, "LDTT.pending": N}, {"LDTT.pending": "điều tra"}),
    # CSTDCS: LDTT and an initiative are both required under ND 91
    Case("cstdcs_with_a_base_initiative", "CSTDCS", cstdcs_2021(), E,
         {"CSTDCS.ldtt": M, "CSTDCS.initiative": M, "CSTDCS.pending": M}, {"CSTDCS.initiative": "SK-21"}),
    Case("cstdcs_2021_excellent_without_initiative_is_ineligible", "CSTDCS", person(ratings={2021: "HTXSNV"}), X,
         {"CSTDCS.ldtt": M, "CSTDCS.initiative": N, "CSTDCS.pending": M}),
    Case("cstdcs_initiative_already_used", "CSTDCS",
         person(ratings={2021: "HTTNV"}, initiatives=[initiative("SK-9", 2021, "base", "GK 2021 (P1)")]), X,
         {"CSTDCS.ldtt": M, "CSTDCS.initiative": N, "CSTDCS.pending": M},
         {"CSTDCS.initiative": "SK-9 đã dùng cho GK 2021 (P1)"}),
    Case("cstdcs_initiative_used_for_this_very_nomination", "CSTDCS",
         person(ratings={2021: "HTTNV"}, initiatives=[initiative("SK-9", 2021, "base", "CSTDCS 2021 (P1)")]), E,
         {"CSTDCS.ldtt": M, "CSTDCS.initiative": M, "CSTDCS.pending": M}),
    Case("cstdcs_initiative_of_another_year", "CSTDCS",
         person(ratings={2021: "HTTNV"}, initiatives=[initiative("SK-20", 2020, "base")]), X,
         {"CSTDCS.ldtt": M, "CSTDCS.initiative": N, "CSTDCS.pending": M}),
    Case("cstdcs_initiative_not_recognised", "CSTDCS",
         person(ratings={2021: "HTTNV"}, initiatives=[initiative("SK-0", 2021, None)]), X,
         {"CSTDCS.ldtt": M, "CSTDCS.initiative": N, "CSTDCS.pending": M}),
    Case("cstdcs_ldtt_already_held", "CSTDCS", person(awards={2021: {"LDTT"}}, initiatives=[BASE_2021]), E,
         {"CSTDCS.ldtt": M, "CSTDCS.initiative": M, "CSTDCS.pending": M}, {"CSTDCS.ldtt": "đã đạt Lao động"}),
    Case("cstdcs_missing_rating", "CSTDCS", person(initiatives=[BASE_2021]), Q,
         {"CSTDCS.ldtt": U, "CSTDCS.initiative": M, "CSTDCS.pending": M}),
    Case("cstdcs_pending_complaint", "CSTDCS", cstdcs_2021(complaint=True), X,
         {"CSTDCS.ldtt": N, "CSTDCS.initiative": M, "CSTDCS.pending": N}),
    # CSTD_BO: CSTDCS 2019, 2020 and 2021 + a ministry-level initiative
    Case("cstd_bo_three_years_and_ministry_initiative", "CSTD_BO",
         cstdcs_2021(awards=CSTDCS_BEFORE, initiatives=[initiative("SK-B", 2020, "ministry")]), E,
         {"CSTD_BO.chain": M, "CSTD_BO.initiative": M, "CSTD_BO.pending": M},
         {"CSTD_BO.chain": "2019: có, 2020: có, 2021: đạt/đủ điều kiện"}),
    Case("cstd_bo_chain_broken_in_the_middle_year", "CSTD_BO",
         cstdcs_2021(awards={2019: {"CSTDCS"}, 2020: {"LDTT"}}, initiatives=[initiative("SK-B", 2020, "ministry")]),
         X, {"CSTD_BO.chain": N, "CSTD_BO.initiative": M, "CSTD_BO.pending": M}, {"CSTD_BO.chain": "2020: không"}),
    Case("cstd_bo_history_missing_a_year", "CSTD_BO",
         cstdcs_2021(awards={2019: {"CSTDCS"}}, initiatives=[initiative("SK-B", 2020, "ministry")]), Q,
         {"CSTD_BO.chain": U, "CSTD_BO.initiative": M, "CSTD_BO.pending": M}, {"CSTD_BO.chain": "2020: chưa có"}),
    Case("cstd_bo_ministry_initiative_already_used", "CSTD_BO",
         cstdcs_2021(awards=CSTDCS_BEFORE, initiatives=[initiative("SK-B", 2020, "ministry", "CSTDCS 2020 (P1)")]),
         X, {"CSTD_BO.chain": M, "CSTD_BO.initiative": N, "CSTD_BO.pending": M}),
    Case("cstd_bo_pending_investigation", "CSTD_BO",
         cstdcs_2021(awards=CSTDCS_BEFORE, investigation=True, initiatives=[initiative("SK-B", 2020, "ministry")]),
         X, {"CSTD_BO.chain": N, "CSTD_BO.initiative": M, "CSTD_BO.pending": N}),
    # CSTD_TQ: CSTD_BO in 2018 and 2021 (two cycles in a row) + a national initiative
    Case("cstd_tq_two_ministerial_titles_and_national_initiative", "CSTD_TQ",
         cstdcs_2021(awards={2018: {"CSTD_BO"}, **CSTDCS_BEFORE},
                     initiatives=[initiative("SK-B", 2020, "ministry"), initiative("SK-Q", 2019, "national")]), E,
         {"CSTD_TQ.chain": M, "CSTD_TQ.initiative": M, "CSTD_TQ.pending": M}),
    Case("cstd_tq_previous_cycle_without_ministerial_title", "CSTD_TQ",
         cstdcs_2021(awards={2018: {"CSTDCS"}, **CSTDCS_BEFORE},
                     initiatives=[initiative("SK-B", 2020, "ministry"), initiative("SK-Q", 2019, "national")]), X,
         {"CSTD_TQ.chain": N, "CSTD_TQ.initiative": M, "CSTD_TQ.pending": M}),
    Case("cstd_tq_ministry_initiative_only", "CSTD_TQ",
         cstdcs_2021(awards={2018: {"CSTD_BO"}, **CSTDCS_BEFORE}, initiatives=[initiative("SK-B", 2020, "ministry")]),
         X, {"CSTD_TQ.chain": M, "CSTD_TQ.initiative": N, "CSTD_TQ.pending": M}),
    Case("cstd_tq_pending_complaint", "CSTD_TQ",
         cstdcs_2021(awards={2018: {"CSTD_BO"}, **CSTDCS_BEFORE}, complaint=True,
                     initiatives=[initiative("SK-B", 2020, "ministry"), initiative("SK-Q", 2019, "national")]), X,
         {"CSTD_TQ.chain": N, "CSTD_TQ.initiative": M, "CSTD_TQ.pending": N}),
    # BK_BO (person)
    Case("bk_bo_two_years_cstdcs", "BK_BO", cstdcs_2021(awards={2020: {"CSTDCS"}}), E,
         {"BK_BO.achievement": M, "BK_BO.pending": M}),
    Case("bk_bo_two_years_excellent_with_two_initiatives", "BK_BO",
         person(ratings={2020: "HTXSNV", 2021: "HTXSNV"}, awards={2020: {"LDTT"}},
                initiatives=[initiative("SK-1", 2020, "base", "CSTDCS 2020 (P1)"), initiative("SK-2", 2021, "base"),
                             initiative("SK-3", 2021, "base")]), E,
         {"BK_BO.achievement": M, "BK_BO.pending": M}, {"BK_BO.achievement": "2 sáng kiến được công nhận (cần 2)"}),
    Case("bk_bo_other_routes_judged_by_people", "BK_BO", person(ratings={2020: "HTTNV", 2021: "HTTNV"}), Q,
         {"BK_BO.achievement": U, "BK_BO.pending": M}, {"BK_BO.achievement": "do Hội đồng xét"}),
    Case("bk_bo_other_route_confirmed", "BK_BO",
         person(ratings={2021: "HTTNV"}, confirmations=confirm(2021, "BK_BO", "BK_BO.achievement")), E,
         {"BK_BO.achievement": M, "BK_BO.pending": M},
         {"BK_BO.achievement": "Đạt theo xác nhận của Thư ký Hội đồng: Thành tích đột xuất năm"}),
    Case("bk_bo_other_route_refused", "BK_BO",
         person(ratings={2021: "HTTNV"}, confirmations=confirm(2021, "BK_BO", "BK_BO.achievement", met=False)), X,
         {"BK_BO.achievement": N, "BK_BO.pending": M}),
    Case("bk_bo_pending_complaint", "BK_BO", cstdcs_2021(awards={2020: {"CSTDCS"}}, complaint=True), X,
         {"BK_BO.achievement": U, "BK_BO.pending": N}),
    # GK, BK_TTG (person): judged by people
    Case("gk_person_unconfirmed", "GK", person(ratings={2021: "HTTNV"}), Q,
         {"GK.achievement": U, "GK.pending": M}),
    Case("gk_person_confirmed", "GK", person(confirmations=confirm(2021, "GK", "GK.achievement")), E,
         {"GK.achievement": M, "GK.pending": M}),
    Case("gk_person_pending_complaint", "GK", person(complaint=True), X, {"GK.achievement": U, "GK.pending": N}),
    Case("bk_ttg_person_unconfirmed", "BK_TTG", person(), Q, {"BK_TTG.achievement": U, "BK_TTG.pending": M}),
    Case("bk_ttg_person_confirmed_but_investigated", "BK_TTG",
         person(investigation=True, confirmations=confirm(2021, "BK_TTG", "BK_TTG.achievement")), X,
         {"BK_TTG.achievement": M, "BK_TTG.pending": N}),
    Case("a_confirmation_for_another_year_does_not_count", "GK",
         person(confirmations=confirm(2020, "GK", "GK.achievement")), Q, {"GK.achievement": U, "GK.pending": M}),
]

OK_TTLDTT = {"TTLDTT.rating": M, "TTLDTT.ldtt_share": M, "TTLDTT.discipline": M}
OK_TTLDXS = {"TTLDXS.rating": M, "TTLDXS.member_ratings": M, "TTLDXS.ldtt_share": M, "TTLDXS.cstdcs": M,
             "TTLDXS.discipline": M, "THADS.targets": M}
ON_TARGET = {2021: metric("80", "45")}


def excellent_unit(rated=None, *, extra=(), **kw):
    """Rated HTXSNV, members rated as given plus one CSTDCS (HTTNV with a base initiative), on target."""
    team = (person("C001", ratings={2021: "HTTNV"}, initiatives=[BASE_2021]),
            *members(2021, rated or {"HTTNV": 9}), *extra)
    return unit(ratings=kw.pop("ratings", {2021: "HTXSNV"}), members={2021: team},
                metrics=kw.pop("metrics", ON_TARGET), **kw)


def unit_with(rated, *, rating="HTTNV", extra=()):
    return unit(ratings={2021: rating}, members={2021: (*members(2021, rated), *extra)})


UNIT_CASES = [
    # TTLDTT: more than 50 % LDTT under ND 91
    Case("ttldtt_just_above_half", "TTLDTT", unit_with({"HTTNV": 51, "HTNV": 49}), E, OK_TTLDTT,
         {"TTLDTT.ldtt_share": "51/100 thành viên = 51% (yêu cầu trên 50%)"}),
    Case("ttldtt_exactly_half_is_not_more_than_half", "TTLDTT", unit_with({"HTTNV": 2, "HTNV": 2}), X,
         {**OK_TTLDTT, "TTLDTT.ldtt_share": N}, {"TTLDTT.ldtt_share": "2/4 thành viên = 50%"}),
    Case("ttldtt_undecided_members_may_tip_the_share", "TTLDTT",
         unit_with({"HTTNV": 2, "HTNV": 1}, extra=(person("M900"),)), Q, {**OK_TTLDTT, "TTLDTT.ldtt_share": U},
         {"TTLDTT.ldtt_share": "1 thành viên chưa rõ"}),
    Case("ttldtt_unit_rating_missing", "TTLDTT", unit(members={2021: members(2021, {"HTTNV": 3})}), Q,
         {**OK_TTLDTT, "TTLDTT.rating": U}),
    Case("ttldtt_unit_rated_completed_only", "TTLDTT", unit_with({"HTTNV": 3}, rating="HTNV"), X,
         {**OK_TTLDTT, "TTLDTT.rating": N}),
    Case("ttldtt_member_warned", "TTLDTT",
         unit_with({"HTTNV": 3}, extra=(person("M900", ratings={2021: "HTNV"}, disciplines=[
             discipline("canh_cao", date(2020, 11, 1))]),)), X, {**OK_TTLDTT, "TTLDTT.discipline": N},
         {"TTLDTT.discipline": "Cán bộ M900 (M900) bị kỷ luật cảnh cáo từ 01/11/2020"}),
    Case("ttldtt_member_reprimand_is_below_the_collective_level", "TTLDTT",
         unit_with({"HTTNV": 3}, extra=(person("M900", ratings={2021: "HTTNV"}, disciplines=[
             discipline("khien_trach", date(2020, 11, 1))]),)), E, OK_TTLDTT),
    Case("ttldtt_empty_member_list", "TTLDTT", unit(ratings={2021: "HTTNV"}, members={2021: ()}), Q,
         {"TTLDTT.rating": M, "TTLDTT.ldtt_share": U, "TTLDTT.discipline": U},
         {"TTLDTT.ldtt_share": "không có thành viên"}),
    Case("ttldtt_no_member_list", "TTLDTT", unit(ratings={2021: "HTTNV"}), Q,
         {"TTLDTT.rating": M, "TTLDTT.ldtt_share": U, "TTLDTT.discipline": U}),
    # TTLDXS
    Case("ttldxs_excellent_unit", "TTLDXS", excellent_unit(), E, OK_TTLDXS),
    Case("ttldxs_exactly_seventy_percent", "TTLDXS", excellent_unit({"HTTNV": 6, "HTNV": 3}), E, OK_TTLDXS,
         {"TTLDXS.ldtt_share": "7/10 thành viên = 70% (yêu cầu từ 70%)"}),
    Case("ttldxs_sixty_nine_percent", "TTLDXS", excellent_unit({"HTTNV": 68, "HTNV": 31}), X,
         {**OK_TTLDXS, "TTLDXS.ldtt_share": N}, {"TTLDXS.ldtt_share": "69/100"}),
    Case("ttldxs_unit_not_excellent", "TTLDXS", excellent_unit(ratings={2021: "HTTNV"}), X,
         {**OK_TTLDXS, "TTLDXS.rating": N}),
    Case("ttldxs_a_member_failed", "TTLDXS", excellent_unit(extra=(person("M900", ratings={2021: "KHTNV"}),)), X,
         {**OK_TTLDXS, "TTLDXS.member_ratings": N}, {"TTLDXS.member_ratings": "M900 (KHTNV)"}),
    Case("ttldxs_a_member_not_rated", "TTLDXS", excellent_unit(extra=(person("M900"),)), Q,
         {**OK_TTLDXS, "TTLDXS.member_ratings": U}),
    Case("ttldxs_no_cstdcs", "TTLDXS",
         unit(ratings={2021: "HTXSNV"}, members={2021: members(2021, {"HTTNV": 5})}, metrics=ON_TARGET), X,
         {**OK_TTLDXS, "TTLDXS.cstdcs": N}),
    Case("ttldxs_member_warned", "TTLDXS", excellent_unit(extra=(person("M900", ratings={2021: "HTNV"}, disciplines=[
         discipline("canh_cao", date(2021, 5, 1))]),)), X, {**OK_TTLDXS, "TTLDXS.discipline": N}),
    Case("ttldxs_missed_the_money_target", "TTLDXS", excellent_unit(metrics={2021: metric("80", "39.99")}), X,
         {**OK_TTLDXS, "THADS.targets": N}, {"THADS.targets": "tỷ lệ về tiền 39,99% (chỉ tiêu 40,00%)"}),
    Case("ttldxs_no_metrics", "TTLDXS", excellent_unit(metrics={}), Q, {**OK_TTLDXS, "THADS.targets": U}),
    Case("ttldxs_empty_member_list", "TTLDXS", unit(ratings={2021: "HTXSNV"}, members={2021: ()}, metrics=ON_TARGET),
         Q, {**OK_TTLDXS, "TTLDXS.member_ratings": U, "TTLDXS.ldtt_share": U, "TTLDXS.cstdcs": U,
             "TTLDXS.discipline": U}),
    # BK_BO (collective): two years HTXSNV or TTLDXS
    Case("bk_bo_unit_two_excellent_years", "BK_BO", unit(ratings={2020: "HTXSNV", 2021: "HTXSNV"}), E,
         {"BK_BO.collective": M}),
    Case("bk_bo_unit_ttldxs_last_year", "BK_BO",
         unit(ratings={2020: "HTTNV", 2021: "HTXSNV"}, awards={2020: {"TTLDXS"}}), E, {"BK_BO.collective": M}),
    Case("bk_bo_unit_good_year_without_ttldxs", "BK_BO",
         unit(ratings={2020: "HTTNV", 2021: "HTXSNV"}, awards={2020: {"TTLDTT"}}), X, {"BK_BO.collective": N}),
    Case("bk_bo_unit_no_rating_last_year", "BK_BO", unit(ratings={2021: "HTXSNV"}), Q, {"BK_BO.collective": U}),
    # CO_BO, CO_CP
    Case("co_bo_leads_its_cluster_on_target", "CO_BO", unit(cluster_rank={2021: 1}, metrics=ON_TARGET), E,
         {"CO_BO.cluster_lead": M, "CO_BO.targets": M, "THADS.targets": M}),
    Case("co_bo_second_in_its_cluster", "CO_BO", unit(cluster_rank={2021: 2}, metrics=ON_TARGET), X,
         {"CO_BO.cluster_lead": N, "CO_BO.targets": M, "THADS.targets": M},
         {"CO_BO.cluster_lead": "xếp hạng 2 trong cụm thi đua năm 2021 (yêu cầu hạng 1)"}),
    Case("co_bo_no_ranking", "CO_BO", unit(metrics=ON_TARGET), Q,
         {"CO_BO.cluster_lead": U, "CO_BO.targets": M, "THADS.targets": M}),
    Case("co_bo_no_ranking_but_confirmed_lead", "CO_BO",
         unit(metrics=ON_TARGET, confirmations=confirm(2021, "CO_BO", "CO_BO.cluster_lead")), E,
         {"CO_BO.cluster_lead": M, "CO_BO.targets": M, "THADS.targets": M}),
    Case("co_bo_confirmation_does_not_override_a_known_rank", "CO_BO",
         unit(cluster_rank={2021: 3}, metrics=ON_TARGET, confirmations=confirm(2021, "CO_BO", "CO_BO.cluster_lead")),
         X, {"CO_BO.cluster_lead": N, "CO_BO.targets": M, "THADS.targets": M}),
    Case("co_bo_missed_the_case_target", "CO_BO", unit(cluster_rank={2021: 1}, metrics={2021: metric("74.5", "45")}),
         X, {"CO_BO.cluster_lead": M, "CO_BO.targets": N, "THADS.targets": N}),
    Case("co_bo_no_metrics", "CO_BO", unit(cluster_rank={2021: 1}), Q,
         {"CO_BO.cluster_lead": M, "CO_BO.targets": U, "THADS.targets": U}),
    Case("co_cp_flag_holder_chosen", "CO_CP",
         unit(awards={2021: {"CO_BO"}}, confirmations=confirm(2021, "CO_CP", "CO_CP.selected")), E,
         {"CO_CP.co_bo": M, "CO_CP.selected": M}),
    Case("co_cp_flag_holder_not_yet_chosen", "CO_CP", unit(awards={2021: {"CO_BO"}}), Q,
         {"CO_CP.co_bo": M, "CO_CP.selected": U}),
    Case("co_cp_without_the_ministerial_flag", "CO_CP",
         unit(cluster_rank={2021: 3}, metrics=ON_TARGET, confirmations=confirm(2021, "CO_CP", "CO_CP.selected")), X,
         {"CO_CP.co_bo": N, "CO_CP.selected": M}),
    Case("co_cp_flag_eligible_this_year", "CO_CP", unit(cluster_rank={2021: 1}, metrics=ON_TARGET), Q,
         {"CO_CP.co_bo": M, "CO_CP.selected": U}, {"CO_CP.co_bo": "đủ điều kiện Cờ thi đua cấp bộ"}),
    # GK, BK_TTG (collective)
    Case("gk_unit_unconfirmed", "GK", unit(), Q, {"GK.achievement": U}),
    Case("gk_unit_confirmed", "GK", unit(confirmations=confirm(2021, "GK", "GK.achievement")), E,
         {"GK.achievement": M}),
    Case("bk_ttg_unit_refused", "BK_TTG",
         unit(confirmations=confirm(2021, "BK_TTG", "BK_TTG.achievement", met=False, note="Chưa tiêu biểu")), X,
         {"BK_TTG.achievement": N}, {"BK_TTG.achievement": "Không đạt theo xác nhận của Thư ký Hội đồng: Chưa"}),
    Case("bk_ttg_unit_unconfirmed", "BK_TTG", unit(), Q, {"BK_TTG.achievement": U}),
]

CASES = PERSON_CASES + UNIT_CASES
assert LONG_AGO  # the builders' default hire date: a full year of service


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_nd91(case):
    run(case, ND91)


def test_case_names_are_unique():
    assert len({c.name for c in CASES}) == len(CASES)
