"""Cell parsers: text in, a value out, or ValueError carrying the Vietnamese message shown for that cell.

Pure (no application, no database), shared by every import kind.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import date

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
