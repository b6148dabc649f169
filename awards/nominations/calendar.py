"""Working days: posting windows and legal deadlines count them, skipping weekends and public holidays.

Pure functions: the caller passes the holidays (``Holiday`` rows' dates), so these are tested alone.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

SATURDAY = 5  # date.weekday(): Monday is 0


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, n: int, holidays: Collection[date] = ()) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted; ``n == 0`` gives ``start``).

    A window opened on Friday for 1 working day ends on Monday; one opened the day before a week of Tết
    ends after it. ``n`` must not be negative: deadlines only run forward.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    holidays = frozenset(holidays)
    day = start
    while n:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            n -= 1
    return day


def working_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """How many working days lie in (start, end]: the inverse of ``add_working_days`` for working ``end``."""
    holidays = frozenset(holidays)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count
