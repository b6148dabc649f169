"""Pure scoring arithmetic: points in hundredths, the automatic rate criteria, and the ranking with its tie-break.

No Flask, no session: plain numbers in, plain numbers out (tested alone in tests/unit).

Automatic criterion (case rate or money rate vs the unit's yearly target, DOMAIN.md §3 figures):
- rate ≥ target → the criterion's full points;
- rate < target → points × rate ÷ target, rounded DOWN to the hundredth (a unit never gains from rounding);
- no figures (nothing enforceable) or no target → 0 points, and the basis says why.
The rate is completed ÷ enforceable × 100 computed exactly (a Fraction), not the rounded rate shown.

Ranking: by total final score (higher first); equal totals are ordered by the points of the professional-work
groups (``CriterionGroup.professional``); still equal → the same rank, marked ``tied`` for people to decide
(DOMAIN.md §5: when tied, prefer women / collectives ≥ 70 % female — a judgment the software does not make).
Ranks are "1, 1, 3" (competition ranking): two units tied at the top both rank 1.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

HUNDRED = 100


def to_hundredths(value: str | Decimal | int) -> int:
    """"12,5" / "12.5" / Decimal("12.5") → 1250; more than two decimals or a negative value is refused."""
    text = str(value).strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.01")):
        raise ValueError(value)
    return int(number * HUNDRED)


def as_points(hundredths: int | None) -> Decimal | None:
    return None if hundredths is None else Decimal(hundredths) / HUNDRED


def points_text(hundredths: int | None) -> str:
    """Vietnamese style: 10950 → "109,5"; 11000 → "110"; None → "—"."""
    if hundredths is None:
        return "—"
    whole, frac = divmod(hundredths, HUNDRED)
    return f"{whole:,}".replace(",", ".") + (f",{frac:02d}".rstrip("0") if frac else "")


def pct_text(value: Decimal | Fraction | None) -> str:
    if value is None:
        return "—"
    rounded = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else value
    return f"{rounded.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}".replace(",", " ").replace(
        ".", ",").replace(" ", ".") + "%"


@dataclass(frozen=True)
class RateScore:
    points: int                 # hundredths of a point
    rate: Fraction | None       # exact percentage
    target: Decimal | None
    reason: str                 # "full", "proportional", "no_figures", "no_target"


def rate_points(completed: int | None, enforceable: int | None, target: Decimal | None, max_points: int) -> RateScore:
    """The automatic criterion's points (see the module docstring for the formula)."""
    if not enforceable or completed is None:
        return RateScore(0, None, target, "no_figures")
    rate = Fraction(completed * HUNDRED, enforceable)
    if target is None:
        return RateScore(0, rate, None, "no_target")
    target_fraction = Fraction(target)
    if target_fraction <= 0 or rate >= target_fraction:
        return RateScore(max_points, rate, target, "full")
    return RateScore(math.floor(max_points * rate / target_fraction), rate, target, "proportional")


@dataclass(frozen=True)
class Standing:
    key: Hashable
    total: int          # hundredths of a point
    professional: int   # hundredths of a point, the tie-break
    rank: int
    tied: bool          # same total and professional points as another unit: people decide


def rank(entries: Iterable[tuple[Hashable, int, int]]) -> list[Standing]:
    """``(key, total, professional)`` → standings best first, with competition ranks and ties marked."""
    ordered = sorted(entries, key=lambda e: (-e[1], -e[2]))
    first_at: dict[tuple[int, int], int] = {}
    counts: dict[tuple[int, int], int] = {}
    for position, (_key, total, professional) in enumerate(ordered, 1):
        first_at.setdefault((total, professional), position)
        counts[(total, professional)] = counts.get((total, professional), 0) + 1
    return [Standing(key, total, professional, first_at[(total, professional)], counts[(total, professional)] > 1)
            for key, total, professional in ordered]
