"""Cell parsers: text in, a value out, or ValueError carrying the Vietnamese message shown for that cell.

Pure (no application, no database), shared by every import kind.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from awards.core.formatting import parse_date

Parser = Callable[[str], object]

# Codes end up in URLs (/api/v1/units/<code>) and in decision symbols: no spaces, no slashes.
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no"}


def text(max_length: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(_("dài quá %(max)s ký tự", max=max_length))
        return value

    return parse


def code(value: str) -> str:
    """A stable code: letters, digits, ``.``, ``_``, ``-``; at most 40 characters."""
    if len(value) > 40:
        raise ValueError(_("mã dài quá %(max)s ký tự", max=40))
    if not _CODE.match(value):
        raise ValueError(_("mã không hợp lệ “%(value)s” (chỉ gồm chữ không dấu, số, dấu . _ -)", value=value))
    return value


def choice(enum_cls: type[enum.Enum]) -> Parser:
    """One of the enum's values, case-insensitive; the message lists the accepted codes."""
    by_value = {m.value.lower(): m for m in enum_cls}

    def parse(value: str):
        member = by_value.get(value.lower())
        if member is None:
            allowed = ", ".join(m.value for m in enum_cls)
            raise ValueError(_("giá trị không hợp lệ “%(value)s” (dùng một trong: %(allowed)s)",
                               value=value, allowed=allowed))
        return member

    return parse


def boolean(value: str) -> bool:
    """``1/0``, ``true/false``, ``yes/no``, case-insensitive."""
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(_("giá trị không hợp lệ “%(value)s” (dùng 1/0, true/false hoặc yes/no)", value=value))


def a_date(value: str) -> date:
    """``dd/mm/yyyy`` or ``yyyy-mm-dd`` (``awards.core.formatting.parse_date``)."""
    return parse_date(value)


def year(value: str) -> int:
    """An emulation year label such as ``2021``."""
    if not re.fullmatch(r"\d{4}", value):
        raise ValueError(_("năm không hợp lệ “%(value)s” (dùng 4 chữ số, ví dụ 2021)", value=value))
    number = int(value)
    if not 1900 <= number <= 2100:
        raise ValueError(_("năm không hợp lệ “%(value)s” (dùng 4 chữ số, ví dụ 2021)", value=value))
    return number


# --- numbers -----------------------------------------------------------------------------------------

# Vietnamese style groups thousands with dots (21.155.130.000); a group may not start a number with 0,
# so "0.500" (a decimal written the English way) is refused rather than read as 500.
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_PERCENT = re.compile(r"(\d{1,3})(?:[.,](\d{1,2}))?\s*%?")
INTEGER_MAX = 2_147_483_647  # INTEGER columns
BIGINT_MAX = 9_223_372_036_854_775_807  # BIGINT columns (money in đồng)


def whole_number(maximum: int = BIGINT_MAX) -> Parser:
    """A count or an amount of đồng: ``1250``, ``21155130000`` or ``21.155.130.000``; never negative.

    Decimals and commas are refused: figures are whole numbers, and ``1,5`` or ``1.5`` would be a guess.
    """

    def parse(value: str) -> int:
        if value.isascii() and value.isdigit():  # the common case first: plain digits
            number = int(value)
        elif _GROUPED.fullmatch(value):
            number = int(value.replace(".", ""))
        else:
            raise ValueError(_("số không hợp lệ “%(value)s” (dùng số nguyên không âm, có thể tách hàng nghìn "
                               "bằng dấu chấm, ví dụ 21.155.130.000)", value=value))
        if number > maximum:
            raise ValueError(_("số quá lớn “%(value)s”", value=value))
        return number

    return parse


def percentage(value: str) -> Decimal:
    """A percentage from 0 to 100 with at most 2 places: ``82,5``, ``82.5``, ``82,50%`` → ``Decimal('82.5')``."""
    match = _PERCENT.fullmatch(value)
    if match is None or Decimal(f"{match[1]}.{match[2] or 0}") > 100:
        raise ValueError(_("tỷ lệ không hợp lệ “%(value)s” (dùng số từ 0 đến 100, tối đa 2 chữ số thập phân, "
                           "ví dụ 82,5 hoặc 82.5)", value=value))
    return Decimal(f"{match[1]}.{match[2] or 0}")


def month(value: str) -> int:
    """A calendar month, ``1`` to ``12`` (``06`` too)."""
    if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 12):
        raise ValueError(_("tháng không hợp lệ “%(value)s” (dùng số từ 1 đến 12)", value=value))
    return int(value)


def year_between(first: int, last: int) -> Parser:
    """A year label of 4 digits from ``first`` to ``last``."""

    def parse(value: str) -> int:
        if not (len(value) == 4 and value.isascii() and value.isdigit() and first <= int(value) <= last):
            raise ValueError(_("năm không hợp lệ “%(value)s” (dùng năm từ %(first)s đến %(last)s)",
                               value=value, first=first, last=last))
        return int(value)

    return parse
