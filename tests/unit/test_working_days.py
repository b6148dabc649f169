"""Working days skip weekends and public holidays: posting windows and legal deadlines count them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from awards.nominations.calendar import add_working_days, is_working_day, working_days_between

# Tết Nguyên đán 2021 as the government set it: Wednesday 10 to Tuesday 16 February.
TET_2021 = {date(2021, 2, 10) + timedelta(days=i) for i in range(7)}
REUNIFICATION_2021 = {date(2021, 4, 30), date(2021, 5, 1), date(2021, 5, 3)}  # 1/5 on Saturday, moved to Monday


@pytest.mark.parametrize(("start", "n", "holidays", "expected"), [
    pytest.param(date(2021, 3, 1), 0, set(), date(2021, 3, 1), id="zero days: the start itself"),
    pytest.param(date(2021, 3, 1), 4, set(), date(2021, 3, 5), id="Monday + 4: Friday"),
    pytest.param(date(2021, 3, 5), 1, set(), date(2021, 3, 8), id="Friday + 1: Monday, weekend skipped"),
    pytest.param(date(2021, 3, 6), 1, set(), date(2021, 3, 8), id="from a Saturday: Monday"),
    pytest.param(date(2021, 3, 1), 10, set(), date(2021, 3, 15), id="two weeks"),
    pytest.param(date(2021, 2, 9), 1, TET_2021, date(2021, 2, 17), id="day before Tết + 1: after the whole break"),
    pytest.param(date(2021, 2, 8), 5, TET_2021, date(2021, 2, 22), id="a window across Tết"),
    pytest.param(date(2021, 4, 29), 1, REUNIFICATION_2021, date(2021, 5, 4), id="30/4, weekend and substitute day"),
])
def test_add_working_days(start, n, holidays, expected):
    assert add_working_days(start, n, holidays) == expected


def test_holidays_on_a_weekend_are_not_counted_twice():
    saturday = date(2021, 3, 6)
    assert add_working_days(date(2021, 3, 5), 1, {saturday}) == date(2021, 3, 8)


def test_working_days_between_inverts_add_working_days():
    start = date(2021, 2, 1)
    for n in range(0, 30):
        end = add_working_days(start, n, TET_2021)
        assert working_days_between(start, end, TET_2021) == n


def test_is_working_day():
    assert is_working_day(date(2021, 3, 5))
    assert not is_working_day(date(2021, 3, 6))
    assert not is_working_day(date(2021, 2, 11), TET_2021)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2021, 3, 1), -1)
