"""The THADS enforcement formulas (DOMAIN.md §3): pure functions over integers, Decimal results.

Nothing here rounds: rates keep full Decimal precision and are rounded half up to 2 places only for
display (awards.core.formatting) and the API (``round2``). A rate over zero enforceable cases is "no
rate" (None), never 0 and never an error. Roll-ups add the counts first and compute the rate after;
averaging rates would weigh a 3-case branch like a 3,000-case one.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")

# The THADS statistical year runs from October (month 10 of the year before its label) to September.
FIRST_MONTH = 10
MONTHS_IN_ORDER = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)


def month_position(month: int) -> int:
    """0 for October … 11 for September: the order of the months inside a statistical year."""
    return MONTHS_IN_ORDER.index(month)


def previous_month(month: int) -> int | None:
    """The month before ``month`` in the same statistical year; None for its first month."""
    position = month_position(month)
    return MONTHS_IN_ORDER[position - 1] if position else None


def calendar_year(year: int, month: int) -> int:
    """Statistical year 2021, month 11 is November 2020; month 6 is June 2021."""
    return year - 1 if month >= FIRST_MONTH else year


@dataclass(frozen=True)
class Counts:
    """The three figures every report has, for cases or for money (đồng)."""

    received: int = 0
    enforceable: int = 0
    completed: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.received + other.received, self.enforceable + other.enforceable,
                      self.completed + other.completed)

    @property
    def rate(self) -> Decimal | None:
        """completed / enforceable × 100 (tỷ lệ thi hành xong)."""
        return ratio(self.completed, self.enforceable)

    @property
    def enforceable_share(self) -> Decimal | None:
        """enforceable / received × 100 (tỷ lệ có điều kiện thi hành)."""
        return ratio(self.enforceable, self.received)


def total(counts) -> Counts:
    """The roll-up of several reports: the sum of their counts (their rates are recomputed from it)."""
    result = Counts()
    for c in counts:
        result = result + c
    return result


def ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


def attainment(rate: Decimal | None, target: Decimal | None) -> Decimal | None:
    """rate / target × 100: "đạt 92,80% chỉ tiêu"."""
    if rate is None or not target:
        return None
    return rate * HUNDRED / target


def excess(rate: Decimal | None, target: Decimal | None) -> Decimal | None:
    """rate − target in percentage points: "vượt 0,39%" (negative: below target)."""
    if rate is None or target is None:
        return None
    return rate - target


def change(rate: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """rate − the previous month's rate, in points: "tăng 3,92% so với tháng 5"."""
    if rate is None or previous is None:
        return None
    return rate - previous


def round2(value: Decimal | None) -> Decimal | None:
    """Half up to 2 places: what the API and pages show (never used inside a computation)."""
    return None if value is None else value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# --- the breakdown identities -------------------------------------------------------------------------

@dataclass(frozen=True)
class Breakdown:
    """The detailed figures some reports carry; any of them may be missing (None)."""

    received: int
    enforceable: int
    completed: int
    carried_over: int | None = None
    new: int | None = None
    delegated: int | None = None
    withdrawn: int | None = None
    not_enforceable: int | None = None
    enforced: int | None = None
    terminated: int | None = None

    @property
    def has_details(self) -> bool:
        return any(getattr(self, name) is not None for name in DETAIL_FIELDS)


DETAIL_FIELDS = tuple(f.name for f in fields(Breakdown)[3:])


@dataclass(frozen=True)
class Failure:
    """A broken rule: the column to blame, the rule's name and the figures (the caller words the message)."""

    column: str
    rule: str
    figures: dict


def identity_failures(b: Breakdown) -> list[Failure]:
    """The ordering rules always; the §3 identities when details are given (then all of them must be).

    Rules: ``negative``; ``enforceable_le_received``; ``completed_le_enforceable``; ``details_incomplete``;
    ``received_identity`` (received = carried over + new); ``to_enforce_identity`` (received − delegated −
    withdrawn = enforceable + not enforceable); ``completed_identity`` (completed = enforced + terminated).
    """
    failures: list[Failure] = []
    negative = [name for name in ("received", "enforceable", "completed") if getattr(b, name) < 0]
    if negative:
        failures.append(Failure(negative[0], "negative", {}))
    if b.enforceable > b.received:
        failures.append(Failure("enforceable", "enforceable_le_received",
                                {"enforceable": b.enforceable, "received": b.received}))
    if b.completed > b.enforceable:
        failures.append(Failure("completed", "completed_le_enforceable",
                                {"completed": b.completed, "enforceable": b.enforceable}))
    if not b.has_details:
        return failures
    missing = [name for name in DETAIL_FIELDS if getattr(b, name) is None]
    if missing:
        failures.append(Failure(missing[0], "details_incomplete", {"missing": ", ".join(missing)}))
        return failures
    negative = [name for name in DETAIL_FIELDS if getattr(b, name) < 0]
    if negative:
        failures.append(Failure(negative[0], "negative", {}))
    if b.carried_over + b.new != b.received:
        failures.append(Failure("received", "received_identity",
                                {"received": b.received, "carried_over": b.carried_over, "new": b.new}))
    to_enforce = b.received - b.delegated - b.withdrawn
    if b.enforceable + b.not_enforceable != to_enforce:
        failures.append(Failure("not_enforceable", "to_enforce_identity",
                                {"to_enforce": to_enforce, "enforceable": b.enforceable,
                                 "not_enforceable": b.not_enforceable}))
    if b.enforced + b.terminated != b.completed:
        failures.append(Failure("completed", "completed_identity",
                                {"completed": b.completed, "enforced": b.enforced, "terminated": b.terminated}))
    return failures
