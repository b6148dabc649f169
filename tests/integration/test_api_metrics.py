"""The metrics API: units (own or rolled up), people and clusters; rates, targets, changes, scope and errors.

Every response is validated against the served OpenAPI document (``call``, as in test_api.py), so the
documented nullable numbers and error bodies cannot drift from the answers.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from awards.metrics.models import MetricReport, MetricTarget
from awards.org import operations as ops
from awards.org.models import ClusterRole, Role
from tests.factories import make_person, make_unit, make_user
from tests.api_checks import NOT_FOUND_BODY, assert_matches_spec, count_statements, token_for

API = "/api/v1"
METRIC_PATHS = {f"{API}/units/{{code}}/metrics", f"{API}/people/{{code}}/metrics",
                f"{API}/clusters/{{code}}/metrics"}


# --- a small factory: reports and targets straight into the models ----------------------------------------

def _subject(subject) -> dict:
    from awards.org.models import Person

    return {"person": subject} if isinstance(subject, Person) else {"unit": subject}


def report(db, subject, month: int, cases: tuple[int, int, int], money: tuple[int, int, int] = (0, 0, 0), *,
           year: int = 2021) -> MetricReport:
    """``cases`` and ``money`` are (received, enforceable, completed), cumulative to the end of ``month``."""
    row = MetricReport(year=year, month=month, **_subject(subject),
                       cases_received=cases[0], cases_enforceable=cases[1], cases_completed=cases[2],
                       money_received=money[0], money_enforceable=money[1], money_completed=money[2])
    db.session.add(row)
    db.session.flush()
    return row


def target(db, subject, case_pct: str, money_pct: str, *, year: int = 2021) -> MetricTarget:
    row = MetricTarget(year=year, **_subject(subject), case_target_pct=Decimal(case_pct),
                       money_target_pct=Decimal(money_pct))
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture()
def admin_token(org):
    return token_for(org.admin)


def get_ok(call, path: str, token: str) -> dict:
    response = call(path, token=token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# --- the worked example of DOMAIN.md §3, end to end ---------------------------------------------------------

def test_worked_example_with_target_and_change(call, db, org, admin_token):
    report(db, org.dt_a, 5, (1_300, 1_200, 960), (28_000_000_000, 20_000_000_000, 7_000_000_000))
    report(db, org.dt_a, 6, (1_400, 1_250, 1_031), (30_000_000_000, 21_155_130_000, 8_000_000_000))
    target(db, org.dt_a, "81.50", "38.00")
    body = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=6", admin_token)
    assert body == {
        "subject_code": "DT-A", "year": 2021, "month": 6,
        "cases": {"received": 1_400, "enforceable": 1_250, "completed": 1_031,
                  "rate": 82.48, "enforceable_share": 89.29},
        "money": {"received": 30_000_000_000, "enforceable": 21_155_130_000, "completed": 8_000_000_000,
                  "rate": 37.82, "enforceable_share": 70.52},
        "case_target": 81.5, "money_target": 38.0,
        "case_attainment": 101.2, "money_attainment": 99.52,
        "case_excess": 0.98, "money_excess": -0.18,   # below target: negative points
        "case_change": 2.48, "money_change": 2.82,    # May: 80.00 % and 35.00 %
    }


def test_counts_are_json_integers_and_percentages_json_numbers(call, db, org, admin_token):
    report(db, org.dt_a, 6, (1_400, 1_250, 1_031), (30_000_000_000, 21_155_130_000, 8_000_000_000))
    raw = call(f"{API}/units/DT-A/metrics?year=2021&month=6", token=admin_token).get_data(as_text=True)
    assert '"completed":8000000000' in raw.replace(" ", "")  # not "8000000000.0", not a string
    assert '"rate":82.48' in raw.replace(" ", "")


def test_rates_excess_and_shares_are_rounded_half_up(call, db, org, admin_token):
    # 2,469 / 20,000 = 12.345 % and 1,250 / 1,600 = 78.125 %: half-even ("banker's") rounding would give
    # 12.34 and 78.12. Excess 12.345 − 10 = 2.345 → 2.35; 78.125 − 78.13 = −0.005 → −0.01 (the magnitude
    # rounds half up, so a shortfall shows like an excess of the same size).
    report(db, org.dt_a, 6, (25_000, 20_000, 2_469), (3_200, 1_600, 1_250))
    target(db, org.dt_a, "10.00", "78.13")
    body = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=6", admin_token)
    assert body["cases"]["rate"] == 12.35 and body["money"]["rate"] == 78.13
    assert body["cases"]["enforceable_share"] == 80.0 and body["money"]["enforceable_share"] == 50.0
    assert body["case_excess"] == 2.35 and body["money_excess"] == -0.01
    assert body["case_attainment"] == 123.45 and body["money_attainment"] == 99.99  # 99.9936…


def test_no_enforceable_case_means_no_rate_not_zero(call, db, org, admin_token):
    report(db, org.dt_a, 10, (5, 0, 0), (0, 0, 0))
    report(db, org.dt_a, 11, (8, 0, 0), (1_000, 500, 100))
    target(db, org.dt_a, "81.50", "38.00")
    october = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=10", admin_token)
    assert october["cases"] == {"received": 5, "enforceable": 0, "completed": 0, "rate": None,
                                "enforceable_share": 0.0}
    assert october["money"]["rate"] is None and october["money"]["enforceable_share"] is None  # 0 received
    assert october["case_target"] == 81.5  # the target is there; what it is compared with is not
    assert october["case_attainment"] is october["case_excess"] is october["money_attainment"] is None
    november = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=11", admin_token)
    assert november["money"]["rate"] == 20.0 and november["money_excess"] == -18.0
    assert november["money_change"] is None  # October had no money rate to compare with
    assert november["case_change"] is None


def test_targets_are_null_when_none_is_set(call, db, org, admin_token):
    report(db, org.dt_a, 6, (1_400, 1_250, 1_031))
    target(db, org.dt_a, "81.50", "38.00", year=2020)  # another year's target does not apply
    body = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=6", admin_token)
    assert body["cases"]["rate"] == 82.48
    assert [body[k] for k in ("case_target", "case_attainment", "case_excess", "money_target")] == [None] * 4


# --- change against the previous month ----------------------------------------------------------------------

def test_change_is_null_for_october_and_signed_after(call, db, org, admin_token):
    report(db, org.dt_a, 10, (100, 100, 10), (100, 100, 50))   # 10 %, 50 %
    report(db, org.dt_a, 11, (200, 200, 50), (100, 100, 40))   # 25 % (+15), 40 % (a drop: −10)
    october = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=10", admin_token)
    assert october["case_change"] is None and october["money_change"] is None  # the first month of the year
    november = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=11", admin_token)
    assert november["case_change"] == 15.0 and november["money_change"] == -10.0


def test_change_crosses_the_calendar_year_but_not_the_statistical_year(call, db, org, admin_token):
    report(db, org.dt_a, 12, (100, 100, 30), year=2021)   # December 2020
    report(db, org.dt_a, 1, (100, 100, 25), year=2021)    # January 2021: compared with December 2020
    report(db, org.dt_a, 9, (100, 100, 99), year=2020)    # September 2020 ends the previous year
    report(db, org.dt_a, 10, (100, 100, 5), year=2021)
    january = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=1", admin_token)
    assert january["case_change"] == -5.0
    october = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=10", admin_token)
    assert october["case_change"] is None


def test_change_is_null_when_the_previous_month_is_missing(call, db, org, admin_token):
    report(db, org.dt_a, 4, (100, 100, 40))
    report(db, org.dt_a, 6, (100, 100, 60))  # no May
    assert get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=6", admin_token)["case_change"] is None


# --- the month: given, or the latest of the statistical year -------------------------------------------------

def test_without_month_the_latest_month_of_the_statistical_year(call, db, org, admin_token):
    report(db, org.dt_a, 10, (100, 100, 10))   # October 2020: the first month of 2021
    report(db, org.dt_a, 6, (100, 100, 60))
    report(db, org.dt_a, 9, (100, 100, 90))    # September 2021: the last
    report(db, org.dt_a, 12, (100, 100, 99), year=2022)  # another year
    body = get_ok(call, f"{API}/units/DT-A/metrics?year=2021", admin_token)
    assert (body["month"], body["cases"]["rate"]) == (9, 90.0)
    assert get_ok(call, f"{API}/units/DT-A/metrics?year=2022", admin_token)["month"] == 12


def test_without_month_october_alone_is_the_latest(call, db, org, admin_token):
    report(db, org.dt_a, 10, (100, 100, 10))
    report(db, org.dt_b, 9, (100, 100, 90))  # another unit's later month does not count
    body = get_ok(call, f"{API}/units/DT-A/metrics?year=2021", admin_token)
    assert body["month"] == 10 and body["case_change"] is None


# --- roll-ups ----------------------------------------------------------------------------------------------

@pytest.fixture()
def province(db, org):
    """Đồng Tháp's own office and three units below it of very different sizes, with figures for June.

    own 45/90 = 50 %, DT-A 900/1,000 = 90 %, DT-B 1/10 = 10 %, DT-A-1 (under DT-A) 54/100 = 54 %.
    Thanh Hóa's branch and an officer of DT-A also report: neither belongs to the unit roll-up.
    """
    grandchild = make_unit("DT-A-1", parent=org.dt_a)
    report(db, org.dt, 6, (100, 90, 45), (1_000, 800, 400))
    report(db, org.dt_a, 6, (1_100, 1_000, 900), (9_000, 8_000, 2_000))
    report(db, org.dt_b, 6, (12, 10, 1), (100, 100, 0))
    report(db, grandchild, 6, (120, 100, 54), (1_100, 1_100, 600))
    report(db, org.th_a, 6, (5_000, 5_000, 5_000), (5_000, 5_000, 5_000))
    report(db, make_person(org.dt_a, "OFFICER"), 6, (50, 50, 50), (50, 50, 50))
    report(db, org.dt, 5, (100, 90, 27), (1_000, 800, 80))
    report(db, org.dt_a, 5, (1_000, 900, 720), (9_000, 8_000, 1_600))
    target(db, org.dt, "81.50", "40.10")
    target(db, org.dt_a, "95.00", "10.00")  # a child's target never applies to the roll-up
    return grandchild


def test_rollup_sums_the_counts_of_the_whole_subtree_then_computes(call, db, org, province, admin_token):
    body = get_ok(call, f"{API}/units/DT/metrics?year=2021&month=6&rollup=true", admin_token)
    assert body["cases"] == {"received": 1_332, "enforceable": 1_200, "completed": 1_000,
                             "rate": 83.33, "enforceable_share": 90.09}
    assert body["money"] == {"received": 11_200, "enforceable": 10_000, "completed": 3_000,
                             "rate": 30.0, "enforceable_share": 89.29}
    average_of_rates = (50 + 90 + 10 + 54) / 4
    assert body["cases"]["rate"] != average_of_rates
    assert body["subject_code"] == "DT"
    assert (body["case_target"], body["money_target"]) == (81.5, 40.1)  # the unit's own targets
    assert (body["case_attainment"], body["case_excess"]) == (102.25, 1.83)
    assert (body["money_attainment"], body["money_excess"]) == (74.81, -10.1)
    # May: own 27/90 + DT-A 720/900 = 747/990 = 75.4545… %; money 1,680/8,800 = 19.0909… %
    assert (body["case_change"], body["money_change"]) == (7.88, 10.91)


def test_without_rollup_only_the_units_own_reports(call, db, org, province, admin_token):
    for query in ("", "&rollup=false", "&rollup=0"):
        body = get_ok(call, f"{API}/units/DT/metrics?year=2021&month=6{query}", admin_token)
        assert body["cases"] == {"received": 100, "enforceable": 90, "completed": 45,
                                 "rate": 50.0, "enforceable_share": 90.0}, query


def test_rollup_of_a_branch_takes_the_units_below_it_only(call, db, org, province, admin_token):
    body = get_ok(call, f"{API}/units/DT-A/metrics?year=2021&month=6&rollup=1", admin_token)
    assert (body["cases"]["enforceable"], body["cases"]["completed"], body["cases"]["rate"]) == (1_100, 954, 86.73)
    assert body["case_target"] == 95.0
    leaf = get_ok(call, f"{API}/units/DT-B/metrics?year=2021&month=6&rollup=true", admin_token)
    assert leaf["cases"]["completed"] == 1  # a unit without units below it: its own figures


def test_rollup_without_month_takes_the_latest_month_of_the_subtree(call, db, org, admin_token):
    report(db, org.dt, 5, (10, 10, 5))
    report(db, org.dt_b, 7, (10, 10, 8))  # only a branch has reported July yet
    assert get_ok(call, f"{API}/units/DT/metrics?year=2021&rollup=true", admin_token)["month"] == 7
    assert get_ok(call, f"{API}/units/DT/metrics?year=2021", admin_token)["month"] == 5


def test_rollup_takes_a_fixed_number_of_statements(call, db, org, province, admin_token):
    def statements() -> int:
        db.session.expire_all()
        with count_statements(db) as seen:
            get_ok(call, f"{API}/units/DT/metrics?year=2021&month=6&rollup=true", admin_token)
        return len(seen)

    before = statements()
    for i in range(6):
        report(db, make_unit(f"DT-N{i}", parent=org.dt_b), 6, (10, 10, 5))
    assert statements() == before


# --- people and clusters -----------------------------------------------------------------------------------

def test_person_metrics_with_the_officers_target(call, db, org, admin_token):
    officer = make_person(org.dt_a, "CHV-01")
    report(db, officer, 5, (60, 50, 40), (900, 800, 100))
    report(db, officer, 6, (70, 64, 56), (1_000, 800, 320))
    report(db, org.dt_a, 6, (1_400, 1_250, 1_031))  # the unit's figures are not the officer's
    target(db, officer, "85.00", "45.00")
    target(db, org.dt_a, "50.00", "10.00")
    body = get_ok(call, f"{API}/people/CHV-01/metrics?year=2021&month=6", admin_token)
    assert body == {
        "subject_code": "CHV-01", "year": 2021, "month": 6,
        "cases": {"received": 70, "enforceable": 64, "completed": 56, "rate": 87.5, "enforceable_share": 91.43},
        "money": {"received": 1_000, "enforceable": 800, "completed": 320, "rate": 40.0,
                  "enforceable_share": 80.0},
        "case_target": 85.0, "money_target": 45.0, "case_attainment": 102.94, "money_attainment": 88.89,
        "case_excess": 2.5, "money_excess": -5.0, "case_change": 7.5, "money_change": 27.5,
    }
    assert get_ok(call, f"{API}/people/CHV-01/metrics?year=2021", admin_token)["month"] == 6


@pytest.fixture()
def cluster(db, org):
    """Organised by Đồng Tháp: DT-A and DT-B in 2021, DT-A alone in 2022."""
    c = ops.save_cluster("CUM-1", name="Cụm thi đua số 1", organiser=org.dt)
    ops.set_cluster_member(c, 2021, org.dt_a, ClusterRole.LEADER)
    ops.set_cluster_member(c, 2021, org.dt_b, ClusterRole.MEMBER)
    ops.set_cluster_member(c, 2022, org.dt_a, ClusterRole.LEADER)
    db.session.flush()
    return c


def test_cluster_metrics_sum_each_members_subtree(call, db, org, cluster, admin_token):
    sub = make_unit("DT-A-1", parent=org.dt_a)
    report(db, org.dt_a, 6, (1_100, 1_000, 900), (9_000, 8_000, 2_000))
    report(db, org.dt_b, 6, (12, 10, 1), (100, 100, 0))
    report(db, org.dt_a, 5, (1_000, 900, 450), (9_000, 8_000, 800))
    report(db, org.dt_b, 5, (10, 10, 0), (100, 100, 0))
    report(db, org.dt, 6, (100, 90, 45))           # the organiser is not a member
    report(db, sub, 6, (100, 100, 100))             # a unit below a member counts with it
    report(db, make_person(org.dt_a), 6, (5, 5, 5))  # nor its officers
    target(db, org.dt_a, "81.50", "40.10")
    body = get_ok(call, f"{API}/clusters/CUM-1/metrics?year=2021&month=6", admin_token)
    assert body == {
        "subject_code": "CUM-1", "year": 2021, "month": 6,
        "cases": {"received": 1_212, "enforceable": 1_110, "completed": 1_001, "rate": 90.18,
                  "enforceable_share": 91.58},
        "money": {"received": 9_100, "enforceable": 8_100, "completed": 2_000, "rate": 24.69,
                  "enforceable_share": 89.01},
        "case_target": None, "money_target": None, "case_attainment": None, "money_attainment": None,
        "case_excess": None, "money_excess": None,
        "case_change": 40.73, "money_change": 14.81,  # May: 450/910 = 49.45…, 800/8,100 = 9.87…
    }


def test_cluster_members_are_those_of_the_year_asked(call, db, org, cluster, admin_token):
    report(db, org.dt_a, 3, (100, 100, 70), year=2022)
    report(db, org.dt_b, 3, (100, 100, 10), year=2022)  # DT-B left the cluster for 2022
    body = get_ok(call, f"{API}/clusters/CUM-1/metrics?year=2022", admin_token)
    assert (body["month"], body["cases"]["completed"], body["cases"]["rate"]) == (3, 70, 70.0)


def test_a_cluster_without_members_that_year_has_no_figures(call, db, org, cluster, admin_token):
    report(db, org.dt_a, 6, (100, 100, 70), year=2023)
    response = call(f"{API}/clusters/CUM-1/metrics?year=2023", token=admin_token)
    assert response.status_code == 404 and response.get_json()["code"] == "no_figures"


# --- no figures: a visible subject without reports ---------------------------------------------------------

def test_no_figures_for_the_year_or_the_month(call, db, org, admin_token):
    report(db, org.dt_a, 6, (100, 100, 70))
    make_person(org.dt_a, "CHV-02")
    year = call(f"{API}/units/DT-A/metrics?year=2020", token=admin_token)
    assert year.status_code == 404
    assert year.get_json() == {"code": "no_figures", "status": 404,
                               "message": "Chưa có số liệu của DT-A trong năm thống kê 2020."}
    month = call(f"{API}/units/DT-A/metrics?year=2021&month=7", token=admin_token)
    assert month.get_json() == {"code": "no_figures", "status": 404,
                                "message": "Chưa có số liệu của DT-A cho tháng 7 năm thống kê 2021."}
    person = call(f"{API}/people/CHV-02/metrics?year=2021", token=admin_token)
    assert person.status_code == 404 and person.get_json()["code"] == "no_figures"
    nothing_below = call(f"{API}/units/TH/metrics?year=2021&rollup=true", token=admin_token)
    assert nothing_below.status_code == 404 and nothing_below.get_json()["code"] == "no_figures"


# --- scope -------------------------------------------------------------------------------------------------

@pytest.fixture()
def everywhere(db, org, cluster):
    """Figures for every unit, an officer in each branch and a cluster organised by Thanh Hóa too."""
    for unit in (org.root, org.dt, org.th, org.dt_a, org.dt_b, org.th_a):
        report(db, unit, 6, (100, 100, 50))
    for unit, code in ((org.dt_a, "CHV-A"), (org.dt_b, "CHV-B"), (org.th_a, "CHV-T")):
        report(db, make_person(unit, code), 6, (10, 10, 5))
    th_cluster = ops.save_cluster("CUM-TH", name="Cụm thi đua số 3", organiser=org.th)
    ops.set_cluster_member(th_cluster, 2021, org.th_a, ClusterRole.LEADER)
    db.session.flush()


OUTSIDE_DT_A = [
    "/units/DT-B/metrics?year=2021", "/units/DT/metrics?year=2021", "/units/DT/metrics?year=2021&rollup=true",
    "/units/TH-A/metrics?year=2021&month=6", "/units/TC/metrics?year=2021&rollup=true",
    "/people/CHV-B/metrics?year=2021", "/people/CHV-T/metrics?year=2021",
    "/clusters/CUM-1/metrics?year=2021",   # organised by the province, though DT-A is a member
    "/clusters/CUM-TH/metrics?year=2021",
]


@pytest.mark.parametrize("path", OUTSIDE_DT_A)
def test_proposer_of_a_branch_gets_the_unknown_404_outside_it(call, org, everywhere, path):
    token = token_for(org.proposer)  # proposer at DT-A
    outside = call(API + path, token=token)
    unknown = call(API + path.replace(path.split("/")[2], "NO-SUCH-CODE"), token=token)
    assert outside.status_code == unknown.status_code == 404
    assert outside.get_json() == unknown.get_json() == NOT_FOUND_BODY


def test_proposer_reads_their_own_branch_and_officers(call, org, everywhere):
    token = token_for(org.proposer)
    assert get_ok(call, f"{API}/units/DT-A/metrics?year=2021&rollup=true", token)["cases"]["completed"] == 50
    assert get_ok(call, f"{API}/people/CHV-A/metrics?year=2021", token)["cases"]["completed"] == 5


def test_a_province_scope_may_roll_up_the_province_but_not_the_country(call, org, everywhere):
    token = token_for(org.hr)  # HR at Đồng Tháp
    body = get_ok(call, f"{API}/units/DT/metrics?year=2021&rollup=true", token)
    assert body["cases"]["completed"] == 150  # DT, DT-A, DT-B
    assert get_ok(call, f"{API}/clusters/CUM-1/metrics?year=2021", token)["cases"]["completed"] == 100
    assert get_ok(call, f"{API}/people/CHV-B/metrics?year=2021", token)["cases"]["completed"] == 5
    for path in ("/units/TC/metrics?year=2021&rollup=true", "/units/TH/metrics?year=2021",
                 "/clusters/CUM-TH/metrics?year=2021", "/people/CHV-T/metrics?year=2021"):
        assert call(API + path, token=token).get_json() == NOT_FOUND_BODY, path


def test_the_other_province_sees_its_own_only(call, org, everywhere):
    token = token_for(org.viewer)  # viewer at Thanh Hóa
    assert get_ok(call, f"{API}/clusters/CUM-TH/metrics?year=2021", token)["cases"]["completed"] == 50
    assert call(f"{API}/units/DT-A/metrics?year=2021", token=token).get_json() == NOT_FOUND_BODY


def test_no_figures_is_not_answered_outside_the_scope(call, db, org):
    # DT-B has no figures: outside the scope that still answers the plain 404, not "no_figures".
    response = call(f"{API}/units/DT-B/metrics?year=2021", token=token_for(org.proposer))
    assert response.get_json() == NOT_FOUND_BODY


# --- authentication ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/units/DT-A/metrics?year=2021", "/people/CHV-A/metrics?year=2021",
                                  "/clusters/CUM-1/metrics?year=2021", "/units/DT-A/metrics"])
def test_anonymous_gets_401(call, everywhere, path):
    response = call(API + path)
    assert response.status_code == 401 and response.get_json()["code"] == "unauthorized"


def test_a_token_and_a_session_both_read_with_the_same_scope(call, login, org, everywhere):
    token = token_for(org.proposer)
    by_token = get_ok(call, f"{API}/units/DT-A/metrics?year=2021", token)
    assert call(f"{API}/units/DT-A/metrics?year=2021", token="forged").status_code == 401
    login(org.proposer)
    assert call(f"{API}/units/DT-A/metrics?year=2021").get_json() == by_token
    assert call(f"{API}/units/DT-B/metrics?year=2021").get_json() == NOT_FOUND_BODY
    assert call(f"{API}/people/CHV-A/metrics?year=2021").status_code == 200


def test_a_user_with_roles_in_two_provinces_sees_both(call, db, org, everywhere):
    both = make_user("two_provinces", (Role.VIEWER, org.dt_b), (Role.VIEWER, org.th))
    token = token_for(both)
    assert get_ok(call, f"{API}/units/DT-B/metrics?year=2021", token)["subject_code"] == "DT-B"
    assert get_ok(call, f"{API}/units/TH/metrics?year=2021&rollup=true", token)["cases"]["completed"] == 100
    assert call(f"{API}/units/DT/metrics?year=2021", token=token).get_json() == NOT_FOUND_BODY


# --- arguments ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, field", [
    ("", "year"), ("month=6", "year"), ("year=", "year"), ("year=abc", "year"), ("year=20.5", "year"),
    ("year=0", "year"), ("year=2021&month=0", "month"), ("year=2021&month=13", "month"),
    ("year=2021&month=x", "month"), ("year=2021&month=", "month"), ("year=2021&rollup=maybe", "rollup"),
])
def test_bad_arguments_get_422_with_the_field(call, org, everywhere, query, field):
    response = call(f"{API}/units/DT-A/metrics?{query}", token=token_for(org.proposer))
    assert response.status_code == 422
    body = response.get_json()
    assert (body["code"], body["status"]) == ("validation_error", 422)
    assert list(body["errors"]["query"]) == [field]
    messages = body["errors"]["query"][field]
    assert isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages)


def test_argument_messages_are_vietnamese(call, org):
    token = token_for(org.proposer)
    missing = call(f"{API}/people/X/metrics", token=token).get_json()["errors"]["query"]
    assert missing == {"year": ["Trường này là bắt buộc."]}
    month = call(f"{API}/clusters/X/metrics?year=2021&month=13", token=token).get_json()["errors"]["query"]
    assert month == {"month": ["Phải từ 1 đến 12."]}
    rollup = call(f"{API}/units/X/metrics?year=2021&rollup=yes-please", token=token).get_json()["errors"]["query"]
    assert rollup == {"rollup": ["Phải là true hoặc false."]}


def test_rollup_is_a_unit_argument_only(call, org, cluster, db, admin_token):
    report(db, org.dt_a, 6, (10, 10, 5))
    # Unknown arguments are ignored, as everywhere in the API: a cluster is already a sum.
    assert get_ok(call, f"{API}/clusters/CUM-1/metrics?year=2021&rollup=true", admin_token)["month"] == 6


# --- the OpenAPI document ----------------------------------------------------------------------------------

def test_the_document_describes_the_metrics_endpoints(spec):
    assert METRIC_PATHS <= set(spec["paths"])
    for path in METRIC_PATHS:
        operation = spec["paths"][path]["get"]
        params = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
        assert params["year"]["required"] is True and params["year"]["schema"]["type"] == "integer"
        assert params["month"]["required"] is False
        assert params["month"]["schema"]["minimum"] == 1 and params["month"]["schema"]["maximum"] == 12
        assert ("rollup" in params) == path.startswith(f"{API}/units/")
        assert {"200", "401", "404", "422", "default"} <= set(operation["responses"]), path
        assert "no_figures" in operation["responses"]["404"]["description"]
        assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ApiError"}
    schemas = spec["components"]["schemas"]
    body = schemas["Metrics"]
    assert set(body["required"]) == {
        "subject_code", "year", "month", "cases", "money", "case_target", "money_target", "case_attainment",
        "money_attainment", "case_excess", "money_excess", "case_change", "money_change"}
    assert body["additionalProperties"] is False
    for name in set(body["required"]) - {"subject_code", "year", "month", "cases", "money"}:
        assert body["properties"][name]["type"] == "number" and body["properties"][name]["nullable"] is True
        assert body["properties"][name]["description"], name
    counts = schemas["MetricCounts"]
    assert set(counts["required"]) == {"received", "enforceable", "completed", "rate", "enforceable_share"}
    for name in ("received", "enforceable", "completed"):
        assert counts["properties"][name]["type"] == "integer" and "nullable" not in counts["properties"][name]
    for name in ("rate", "enforceable_share"):
        assert counts["properties"][name]["nullable"] is True


def test_the_document_rejects_a_wrong_body(spec):
    """Guards the guard: the validation used on every answer here does catch a string or a missing field."""
    from jsonschema.exceptions import ValidationError

    class Fake:
        status_code = 200
        is_json = True

        def __init__(self, body):
            self._body = body

        def get_json(self):
            return self._body

    good = {"subject_code": "X", "year": 2021, "month": 6,
            "cases": {"received": 1, "enforceable": 1, "completed": 1, "rate": 100.0, "enforceable_share": None},
            "money": {"received": 0, "enforceable": 0, "completed": 0, "rate": None, "enforceable_share": None},
            **dict.fromkeys(("case_target", "money_target", "case_attainment", "money_attainment",
                             "case_excess", "money_excess", "case_change", "money_change"))}
    assert_matches_spec(spec, "GET", f"{API}/units/X/metrics", Fake(good))
    for bad in ({**good, "case_change": "3.92"}, {k: v for k, v in good.items() if k != "money_excess"},
                {**good, "cases": {**good["cases"], "completed": 1.5}}):
        with pytest.raises(ValidationError):
            assert_matches_spec(spec, "GET", f"{API}/units/X/metrics", Fake(bad))
