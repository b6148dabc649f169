"""The voting law as pure functions: thresholds and quorum in exact integers, ranking over a quota.

Thresholds count ALL members of the council, never only those present (Điều 30 khoản 7, 98/2023/NĐ-CP;
Điều 14, 91/2017/NĐ-CP). They come from the dated parameters ``vote_threshold.<AWARD>`` ("4/5", "9/10",
"majority") and the quorum from ``council.quorum`` ("2/3"); no float is ever compared: 8 of 9 at 4/5 is
8 × 5 = 40 ≥ 4 × 9 = 36.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

MAJORITY = "majority"


@dataclass(frozen=True)
class Threshold:
    """A share of the whole membership a result must reach: ``at_least`` num/den, or a strict majority."""

    num: int
    den: int
    strict: bool = False  # majority: more than half (yes × 2 > members)

    @classmethod
    def parse(cls, value: str | int | float | Fraction) -> Threshold:
        text = str(value).strip()
        if text == MAJORITY:
            return cls(1, 2, strict=True)
        share = Fraction(text)  # "4/5", "0.8" and "80%" are not mixed up: only exact fractions and decimals
        if not 0 < share <= 1:
            raise ValueError(f"a vote threshold must be a share in (0, 1], not {text!r}")
        return cls(share.numerator, share.denominator)

    def reached(self, yes: int, members: int) -> bool:
        if members <= 0:
            return False
        left, right = yes * self.den, self.num * members
        return left > right if self.strict else left >= right

    def required(self, members: int) -> int:
        """The fewest yes votes that reach the threshold (9 members at 4/5 → 8; at majority → 5)."""
        if self.strict:
            return members * self.num // self.den + 1
        return -(-members * self.num // self.den)  # ceiling, in integers

    def label_vi(self) -> str:
        if self.strict:
            return "Quá bán tổng số thành viên"
        percent = Fraction(self.num * 100, self.den)
        shown = str(percent.numerator) if percent.denominator == 1 else f"{float(percent):.2f}".replace(".", ",")
        return f"Từ {shown}% tổng số thành viên trở lên"


def quorum_met(present: int, members: int, rule: str) -> bool:
    """Quorum: at least ``rule`` (e.g. "2/3") of the members physically present; written votes do not count."""
    return Threshold.parse(rule).reached(present, members)


def share_text(yes: int, members: int) -> str:
    """"88,89%": the share of the whole membership, two decimals, Vietnamese comma (for people, not for deciding)."""
    if members <= 0:
        return "0%"
    hundredths = (Fraction(yes * 100, members) * 100).__round__()
    whole, cents = divmod(hundredths, 100)
    return f"{whole},{cents:02d}%"


T = TypeVar("T")


@dataclass(frozen=True)
class Ranking:
    """The outcome of ranking passed items over a quota: who is in, who is out, who ties at the cut-off."""

    selected: list
    excluded: list
    tied: list  # items with the cut-off's yes count, competing for the remaining places; empty when decided
    open_places: int  # how many of ``tied`` the chair must choose


def rank_over_quota(items: Sequence[T], limit: int | None, yes: Callable[[T], int]) -> Ranking:
    """Rank by yes votes; keep ``limit`` items. A tie across the cut-off is left to the chair (never to id order)."""
    ordered = sorted(items, key=yes, reverse=True)
    if limit is None or len(ordered) <= limit:
        return Ranking(list(ordered), [], [], 0)
    cut = yes(ordered[limit - 1]) if limit > 0 else None
    if limit > 0 and yes(ordered[limit]) == cut:
        above = [i for i in ordered if yes(i) > cut]
        tied = [i for i in ordered if yes(i) == cut]
        below = [i for i in ordered if yes(i) < cut]
        return Ranking(above, below, tied, limit - len(above))
    return Ranking(ordered[:limit], ordered[limit:], [], 0)
