"""Award money (tiền thưởng): multiple × base salary in force on the decision date, rounded UP to the next
10,000 đồng (ND 91/2017 Art. 68(2), kept by ND 98/2023 Art. 70). Pure: the dated values come from ``Parameters``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from awards.eligibility.parameters import MissingParameter, Parameters


@dataclass(frozen=True)
class Amount:
    money: int           # whole đồng
    multiple: Decimal    # the award's multiple of the base salary
    base_salary: int     # lương cơ sở in force on the decision date
    citation: str        # where the multiple comes from


class NoMoneyRule(LookupError):
    """The catalogue has no multiple (or no base salary) in force for this award, nominee type and date."""


def round_up(amount: Decimal, step: int) -> int:
    """The next multiple of ``step`` at or above ``amount`` (1,112,000 → 1,120,000 for a step of 10,000)."""
    # Not -(-a // b): Decimal's // truncates toward zero, so that trick would round DOWN.
    return int((amount / step).to_integral_value(rounding=ROUND_CEILING)) * step


def award_money(params: Parameters, award_code: str, nominee_type: str, on: date) -> Amount:
    """The money of one award to one nominee (``nominee_type``: "person" or "collective") decided on ``on``."""
    key = f"money_multiple.{award_code}.{nominee_type}"
    try:
        entry = params.entry(key, on)
        base = int(params.at("base_salary", on))
        step = int(params.at("money.rounding", on))
    except MissingParameter as exc:
        raise NoMoneyRule(str(exc)) from None
    multiple = Decimal(str(entry.value))
    return Amount(round_up(multiple * base, step), multiple, base, entry.citation)
