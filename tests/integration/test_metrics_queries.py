"""Reading the figures (awards.metrics.queries): summaries, roll-ups, clusters, a year's months, comparisons."""
from __future__ import annotations

from decimal import Decimal

import pytest

from awards.metrics import queries
from awards.metrics.compute import Counts
from awards.org import operations as ops
from awards.org.models import ClusterRole
from tests.factories import make_person, make_unit
from tests.api_checks import count_statements
from tests.integration.test_api_metrics import report, target

D = Decimal


@pytest.fixture()
def figures(db, org):
    """June and May 2021 for Đồng Tháp (own office), its two branches and a unit below DT-A; Thanh Hóa and an
    officer of DT-A report too."""
    grandchild = make_unit("DT-A-1", parent=org.dt_a)
    officer = make_person(org.dt_a, "CHV-1")
    report(db, org.dt, 6, (100, 90, 45), (1_000, 800, 400))
    report(db, org.dt_a, 6, (1_100, 1_000, 900), (9_000, 8_000, 2_000))
    report(db, org.dt_b, 6, (12, 10, 1), (100, 100, 0))
    report(db, grandchild, 6, (120, 100, 54), (1_100, 1_100, 600))
    report(db, org.th_a, 6, (5_000, 5_000, 5_000))
    report(db, officer, 6, (50, 40, 30), (500, 400, 100))
    report(db, org.dt, 5, (100, 90, 27), (1_000, 800, 80))
    report(db, org.dt_a, 5, (1_000, 900, 720), (9_000, 8_000, 1_600))
    target(db, org.dt, "81.50", "40.10")
    target(db, org.dt_a, "95.00", "10.00")
    return {"grandchild": grandchild, "officer": officer}


# --- summary -----------------------------------------------------------------------------------------------

def test_summary_of_a_units_own_reports(db, org, figures):
    s = queries.summary(queries.unit_filter(org.dt_a), "DT-A", 2021, 6,
                        target=queries.target_of(unit=org.dt_a, year=2021))
    assert (s.subject_code, s.year, s.month) == ("DT-A", 2021, 6)
    assert s.cases == Counts(1_100, 1_000, 900) and s.money == Counts(9_000, 8_000, 2_000)
    assert s.case_rate == D(90) and s.money_rate == D(25)
    assert (s.case_target, s.money_target) == (D("95.00"), D("10.00"))
    assert s.case_excess == D(-5) and s.money_excess == D(15)
    assert s.case_attainment == D(90) * 100 / D(95)
    assert s.previous_cases == Counts(1_000, 900, 720)
    assert s.case_change == D(10) and s.money_change == D(5)  # 80 → 90, 20 → 25


def test_summary_without_target_or_previous_month(db, org, figures):
    s = queries.summary(queries.unit_filter(org.dt_b), "DT-B", 2021, 6)
    assert s.case_target is None and s.case_attainment is None and s.case_excess is None
    assert s.previous_cases is None and s.case_change is None
    assert s.money_rate == 0  # nothing completed out of 100: a rate of 0, not "no rate"


def test_summary_is_none_without_figures(db, org, figures):
    assert queries.summary(queries.unit_filter(org.dt_a), "DT-A", 2021, 7) is None
    assert queries.summary(queries.unit_filter(org.dt_a), "DT-A", 2020) is None
    assert queries.summary(queries.unit_filter(org.th), "TH", 2021) is None  # only the unit below reports


def test_summary_takes_the_latest_month_in_statistical_order(db, org):
    for month in (10, 11, 6, 9):
        report(db, org.dt_a, month, (100, 100, month))
    report(db, org.dt_a, 12, (100, 100, 1), year=2022)
    where = queries.unit_filter(org.dt_a)
    assert queries.months_available(where, 2021) == [10, 11, 6, 9]
    assert queries.latest_month(where, 2021) == 9
    assert queries.summary(where, "DT-A", 2021).month == 9
    assert queries.latest_month(where, 2019) is None


def test_summary_as_json_is_the_api_shape(db, org, figures):
    s = queries.summary(queries.unit_filter(org.dt, rollup=True), "DT", 2021, 6,
                        target=queries.target_of(unit=org.dt, year=2021))
    body = s.as_json()
    assert body["cases"] == {"received": 1_332, "enforceable": 1_200, "completed": 1_000,
                             "rate": 83.33, "enforceable_share": 90.09}
    assert isinstance(body["money"]["completed"], int) and isinstance(body["case_excess"], float)
    assert (body["case_attainment"], body["case_excess"], body["case_change"]) == (102.25, 1.83, 7.88)


# --- roll-ups ----------------------------------------------------------------------------------------------

def test_rollup_covers_every_level_below_and_nothing_else(db, org, figures):
    province = queries.summary(queries.unit_filter(org.dt, rollup=True), "DT", 2021, 6)
    # own 90/45, DT-A 1,000/900, DT-B 10/1, DT-A-1 100/54; not Thanh Hóa, not the officer
    assert province.cases == Counts(1_332, 1_200, 1_000)
    assert province.case_rate == D(1_000) * 100 / D(1_200)
    assert province.case_rate != (D(50) + D(90) + D(10) + D(54)) / 4
    branch = queries.summary(queries.unit_filter(org.dt_a, rollup=True), "DT-A", 2021, 6)
    assert branch.cases == Counts(1_220, 1_100, 954)
    country = queries.summary(queries.unit_filter(org.root, rollup=True), "TC", 2021, 6)
    assert country.cases == Counts(6_332, 6_200, 6_000)


def test_rollup_previous_month_sums_what_reported_then(db, org, figures):
    province = queries.summary(queries.unit_filter(org.dt, rollup=True), "DT", 2021, 6)
    assert province.previous_cases == Counts(1_100, 990, 747)
    assert province.case_change == D(1_000) * 100 / D(1_200) - D(747) * 100 / D(990)


def test_rollup_of_a_leaf_is_its_own_figures(db, org, figures):
    leaf = queries.summary(queries.unit_filter(org.dt_b, rollup=True), "DT-B", 2021, 6)
    own = queries.summary(queries.unit_filter(org.dt_b), "DT-B", 2021, 6)
    assert leaf == own


# --- people, clusters, lists of units ----------------------------------------------------------------------

def test_person_filter_and_target(db, org, figures):
    officer = figures["officer"]
    target(db, officer, "70.00", "20.00")
    s = queries.summary(queries.person_filter(officer), officer.code, 2021,
                        target=queries.target_of(person=officer, year=2021))
    assert s.month == 6 and s.cases == Counts(50, 40, 30) and s.case_excess == D(5)
    assert queries.target_of(person=officer, year=2020) is None
    assert queries.target_of(unit=org.dt_b, year=2021) is None


def test_cluster_unit_ids_are_the_members_of_that_year(db, org, figures):
    cluster = ops.save_cluster("CUM-1", name="Cụm 1", organiser=org.dt)
    ops.set_cluster_member(cluster, 2021, org.dt_a, ClusterRole.LEADER)
    ops.set_cluster_member(cluster, 2021, org.dt_b, ClusterRole.DEPUTY)
    ops.set_cluster_member(cluster, 2022, org.dt_a, ClusterRole.LEADER)
    db.session.flush()
    assert sorted(queries.cluster_unit_ids(cluster, 2021)) == sorted([org.dt_a.id, org.dt_b.id])
    assert queries.cluster_unit_ids(cluster, 2022) == [org.dt_a.id]
    assert queries.cluster_unit_ids(cluster, 2023) == []
    s = queries.summary(queries.units_filter(queries.cluster_unit_ids(cluster, 2021)), "CUM-1", 2021, 6)
    assert s.cases == Counts(1_112, 1_010, 901)  # members' own reports: not DT-A-1 below DT-A
    assert queries.summary(queries.units_filter([]), "CUM-1", 2021) is None


# --- a year's months ---------------------------------------------------------------------------------------

def test_year_series_in_statistical_order_with_changes(db, org):
    report(db, org.dt_a, 1, (100, 100, 40))
    report(db, org.dt_a, 10, (100, 100, 10))
    report(db, org.dt_a, 11, (100, 100, 25))
    report(db, org.dt_a, 12, (100, 100, 20))
    report(db, org.dt_a, 3, (100, 100, 60))   # no February: March has no change
    report(db, org.dt_a, 9, (100, 100, 90), year=2020)
    t = target(db, org.dt_a, "50.00", "40.00")
    series = queries.year_series(queries.unit_filter(org.dt_a), "DT-A", 2021, target=t)
    assert [s.month for s in series] == [10, 11, 12, 1, 3]
    assert [s.case_change for s in series] == [None, D(15), D(-5), D(20), None]
    assert [s.case_excess for s in series] == [D(-40), D(-25), D(-30), D(-10), D(10)]
    assert all(s.year == 2021 and s.subject_code == "DT-A" for s in series)


def test_year_series_agrees_with_summary(db, org, figures):
    where = queries.unit_filter(org.dt, rollup=True)
    t = queries.target_of(unit=org.dt, year=2021)
    series = queries.year_series(where, "DT", 2021, target=t)
    assert series == [queries.summary(where, "DT", 2021, m, target=t) for m in (5, 6)]
    assert queries.year_series(where, "DT", 2019) == []


# --- comparison of units -----------------------------------------------------------------------------------

def test_comparison_gives_each_units_own_figures_and_target(db, org, figures):
    result = queries.comparison([org.dt_b, org.dt, org.th, org.dt_a], 2021, 6)
    assert [unit.code for unit, _ in result] == ["DT-B", "DT", "TH", "DT-A"]  # the order given
    by_code = {unit.code: s for unit, s in result}
    assert by_code["TH"] is None  # no own figures (only the branch below it reports)
    assert by_code["DT"].cases == Counts(100, 90, 45)  # its own office, not the roll-up
    assert by_code["DT"].case_target == D("81.50") and by_code["DT-B"].case_target is None
    assert by_code["DT-A"].case_change == D(10) and by_code["DT-B"].case_change is None
    assert by_code["DT-A"] == queries.summary(queries.unit_filter(org.dt_a), "DT-A", 2021, 6,
                                              target=queries.target_of(unit=org.dt_a, year=2021))


def test_comparison_of_october_has_no_previous_month(db, org):
    report(db, org.dt_a, 10, (10, 10, 5))
    report(db, org.dt_a, 9, (10, 10, 9), year=2020)
    ((_unit, s),) = queries.comparison([org.dt_a], 2021, 10)
    assert s.previous_cases is None and s.case_change is None


def test_comparison_takes_two_statements_whatever_the_number_of_units(db, org, figures):
    def statements(units) -> int:
        # Loaded before counting: the factories' commits expire what the session holds.
        assert all(unit.code for unit in units)
        with count_statements(db) as seen:
            result = queries.comparison(units, 2021, 6)
        assert len(result) == len(units)
        return len(seen)

    few = [org.dt_a, org.dt_b]
    many = [make_unit(f"DT-X{i:02d}", parent=org.dt) for i in range(30)]
    for i, unit in enumerate(many):
        report(db, unit, 6, (100, 100, i))
        report(db, unit, 5, (100, 100, i // 2))
        if i % 3 == 0:
            target(db, unit, "80.00", "40.00")
    assert statements(few) == statements(few + many) == 2
    assert queries.comparison([], 2021, 6) == []
