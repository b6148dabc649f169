"""The THADS formulas (DOMAIN.md §3) as pure functions: rates, targets, changes, rounding, the statistical year's
months and the breakdown identities."""
from __future__ import annotations

from decimal import Decimal

import pytest

from awards.metrics.compute import (
    DETAIL_FIELDS,
    MONTHS_IN_ORDER,
    Breakdown,
    Counts,
    attainment,
    calendar_year,
    change,
    excess,
    identity_failures,
    month_position,
    previous_month,
    ratio,
    round2,
    total,
)

D = Decimal


# --- the worked example --------------------------------------------------------------------------------------

def test_worked_example_of_domain_section_3():
    cases = Counts(received=1_400, enforceable=1_250, completed=1_031)
    assert cases.rate == D("82.48")  # exact, not 82.4799…
    target = D("81.50")
    assert round2(attainment(cases.rate, target)) == D("101.20")
    assert excess(cases.rate, target) == D("0.98")  # exact: no rounding needed
    assert round2(cases.enforceable_share) == D("89.29")


def test_results_are_decimals_never_floats():
    counts = Counts(3, 3, 1)
    for value in (counts.rate, counts.enforceable_share, attainment(counts.rate, D("80")),
                  excess(counts.rate, D("80")), change(counts.rate, D("20"))):
        assert isinstance(value, Decimal)


def test_no_rounding_inside_the_computation():
    third = Counts(3, 3, 1).rate
    assert third == D(100) / D(3)  # 33.333… at full precision
    assert round2(third) == D("33.33")
    # The excess is computed from the unrounded rate: 33.333… − 33.33 is not 0.
    assert excess(third, D("33.33")) > 0 and round2(excess(third, D("33.33"))) == D("0.00")


def test_money_in_whole_dong_is_exact_at_provincial_size():
    money = Counts(received=30_000_000_000, enforceable=21_155_130_000, completed=21_155_130_000)
    assert money.rate == D(100)
    big = Counts(10**15, 10**15, 10**15 - 1)
    assert round2(big.rate) == D("100.00") and big.rate < 100  # the difference survives, as Decimal


@pytest.mark.parametrize("value, expected", [
    (D("12.345"), D("12.35")),    # half-even would give 12.34
    (D("78.125"), D("78.13")),    # half-even would give 78.12
    (D("12.3449999"), D("12.34")),
    (D("0.005"), D("0.01")),
    (D("-0.005"), D("-0.01")),    # a shortfall rounds like an excess of the same size
    (D("-2.345"), D("-2.35")),
    (D("100"), D("100.00")),
])
def test_round2_is_half_up_to_two_places(value, expected):
    rounded = round2(value)
    assert rounded == expected and rounded.as_tuple().exponent == -2


def test_a_rate_of_exactly_x_xx5_rounds_up():
    assert Counts(20_000, 20_000, 2_469).rate == D("12.345")
    assert round2(Counts(20_000, 20_000, 2_469).rate) == D("12.35")


# --- "no rate" and other None cases ------------------------------------------------------------------------

def test_zero_enforceable_is_no_rate_not_zero_nor_an_error():
    counts = Counts(received=5, enforceable=0, completed=0)
    assert counts.rate is None
    assert counts.enforceable_share == 0
    assert Counts().enforceable_share is None and Counts().rate is None
    assert ratio(0, 0) is None and ratio(0, 7) == 0


@pytest.mark.parametrize("rate, target", [(None, D("80")), (D("80"), None), (None, None), (D("80"), D("0"))])
def test_attainment_needs_a_rate_and_a_non_zero_target(rate, target):
    assert attainment(rate, target) is None


def test_excess_and_change_need_both_sides():
    assert excess(None, D("80")) is None and excess(D("80"), None) is None
    assert excess(D("80"), D("0")) == D("80")  # a zero target is exceeded by the whole rate
    assert change(None, D("80")) is None and change(D("80"), None) is None
    assert round2(None) is None


def test_excess_and_change_are_signed_points():
    assert excess(D("79.5"), D("81.50")) == D("-2.00")
    assert change(D("83.42"), D("79.50")) == D("3.92")     # "tăng 3,92% so với tháng 5"
    assert change(D("79.50"), D("83.42")) == D("-3.92")    # a drop
    assert attainment(D("92.80"), D("100")) == D("92.80")  # "đạt 92,80% chỉ tiêu"


# --- roll-ups ----------------------------------------------------------------------------------------------

def test_roll_up_sums_counts_and_never_averages_rates():
    big, small = Counts(1_100, 1_000, 900), Counts(12, 10, 1)  # 90 % and 10 %
    rolled = total([big, small])
    assert rolled == big + small == Counts(1_112, 1_010, 901)
    assert rolled.rate == D(901) * 100 / D(1_010)
    assert round2(rolled.rate) == D("89.21") != (big.rate + small.rate) / 2
    assert total([]) == Counts() and total([]).rate is None


# --- the statistical year: October → September -------------------------------------------------------------

def test_month_order_starts_in_october():
    assert MONTHS_IN_ORDER == (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)
    assert month_position(10) == 0 and month_position(12) == 2 and month_position(1) == 3
    assert month_position(9) == 11
    assert sorted([9, 1, 10, 6, 12], key=month_position) == [10, 12, 1, 6, 9]


def test_previous_month_stays_inside_the_statistical_year():
    assert previous_month(10) is None
    assert previous_month(11) == 10
    assert previous_month(1) == 12   # January 2021 follows December 2020 in year 2021
    assert previous_month(9) == 8


@pytest.mark.parametrize("month", [0, 13, -1])
def test_a_month_outside_1_to_12_is_refused(month):
    with pytest.raises(ValueError):
        month_position(month)


@pytest.mark.parametrize("month, year", [(10, 2020), (11, 2020), (12, 2020), (1, 2021), (6, 2021), (9, 2021)])
def test_calendar_year_of_a_month_of_statistical_year_2021(month, year):
    assert calendar_year(2021, month) == year


# --- the breakdown identities ------------------------------------------------------------------------------

# A consistent breakdown: received 120 = 100 + 20; 120 − 5 − 3 = 112 = 90 + 22; completed 60 = 50 + 10.
GOOD = dict(received=120, enforceable=90, completed=60, carried_over=100, new=20, delegated=5, withdrawn=3,
            not_enforceable=22, enforced=50, terminated=10)


def rules(**changes) -> list[tuple[str, str]]:
    return [(f.column, f.rule) for f in identity_failures(Breakdown(**{**GOOD, **changes}))]


def test_a_consistent_breakdown_passes():
    assert rules() == []
    assert Breakdown(**GOOD).has_details


def test_totals_alone_only_need_the_ordering():
    plain = Breakdown(received=10, enforceable=8, completed=8)
    assert not plain.has_details and identity_failures(plain) == []


@pytest.mark.parametrize("changes, expected", [
    ({"enforceable": 121, "not_enforceable": -9}, [("enforceable", "enforceable_le_received"),
                                                  ("not_enforceable", "negative")]),
    ({"completed": 91, "enforced": 81}, [("completed", "completed_le_enforceable")]),
    ({"new": 21}, [("received", "received_identity")]),
    ({"not_enforceable": 21}, [("not_enforceable", "to_enforce_identity")]),
    ({"withdrawn": 4}, [("not_enforceable", "to_enforce_identity")]),
    ({"terminated": 9}, [("completed", "completed_identity")]),
    ({"new": 21, "terminated": 9}, [("received", "received_identity"), ("completed", "completed_identity")]),
])
def test_each_identity_names_its_rule_and_column(changes, expected):
    assert rules(**changes) == expected


def test_the_figures_of_a_failure_are_given_for_the_message():
    (failure,) = identity_failures(Breakdown(**{**GOOD, "withdrawn": 4}))
    assert failure.figures == {"to_enforce": 111, "enforceable": 90, "not_enforceable": 22}
    (failure,) = identity_failures(Breakdown(**{**GOOD, "completed": 95, "enforced": 85}))
    assert failure.figures == {"completed": 95, "enforceable": 90}


def test_the_ordering_rules_hold_without_details():
    failures = identity_failures(Breakdown(received=10, enforceable=11, completed=12))
    assert [(f.column, f.rule) for f in failures] == [("enforceable", "enforceable_le_received"),
                                                      ("completed", "completed_le_enforceable")]


@pytest.mark.parametrize("column", ["received", "enforceable", "completed"])
def test_a_negative_total_is_blamed_on_its_column(column):
    figures = {"received": 10, "enforceable": 5, "completed": 5, column: -1}
    assert ("negative", column) in {(f.rule, f.column) for f in identity_failures(Breakdown(**figures))}


@pytest.mark.parametrize("column", DETAIL_FIELDS)
def test_a_negative_detail_is_blamed_on_its_column(column):
    assert (column, "negative") in rules(**{column: -1})


def test_one_detail_means_all_seven():
    assert rules(carried_over=None, withdrawn=None) == [("carried_over", "details_incomplete")]
    only_one = Breakdown(received=10, enforceable=5, completed=5, new=10)
    (failure,) = identity_failures(only_one)
    assert (failure.column, failure.rule) == ("carried_over", "details_incomplete")
    assert failure.figures["missing"] == "carried_over, delegated, withdrawn, not_enforceable, enforced, terminated"


def test_zero_details_are_details():
    assert rules(delegated=0, withdrawn=0, not_enforceable=30) == []
