"""Vietnamese display conventions: ``1.234.567``, ``83,42%``, ``05/01/2025``, ``ngày 05 tháng 01 năm 2025``.

Pure functions, registered as Jinja filters in ``create_app``; documents and pages use the same ones.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext


def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def number(value: int | Decimal | float | None, places: int = 0) -> str:
    """``1234567`` → ``1.234.567``; ``Decimal('83.4249')``, 2 → ``83,42`` (round half up)."""
    if value is None:
        return "—"
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    text = sign + _group(whole)
    return f"{text},{frac}" if places else text


def percent(value: Decimal | float | None, places: int = 2) -> str:
    """``Decimal('83.4249')`` → ``83,42%``; None (no rate) → ``—``."""
    return "—" if value is None else f"{number(value, places)}%"


def money(value: int | None) -> str:
    """Whole đồng: ``21155130000`` → ``21.155.130.000 đồng``."""
    return "—" if value is None else f"{number(value)} đồng"


def short_date(value: date | datetime | None) -> str:
    """``date(2025, 1, 5)`` → ``05/01/2025``."""
    return "" if value is None else value.strftime("%d/%m/%Y")


def long_date(value: date | datetime | None) -> str:
    """The document date line: ``ngày 05 tháng 01 năm 2025``, ``ngày 15 tháng 3 năm 2025``.

    Decree 30/2020 (Annex I): a zero before days below 10 and before months 1 and 2 only.
    """
    if value is None:
        return ""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def parse_date(text: str) -> date:
    """Accept ``dd/mm/yyyy`` or ``yyyy-mm-dd``; raise ValueError with a Vietnamese message otherwise."""
    text = (text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(gettext("ngày không hợp lệ “%(value)s” (dùng dd/mm/yyyy hoặc yyyy-mm-dd)", value=text))



_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _three(n: int, full: bool) -> list[str]:
    """Words of 0–999; ``full`` reads an empty hundreds place ("không trăm") inside a larger number."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    out: list[str] = []
    if full or hundreds:
        out += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and out:
            out.append("lẻ")
    elif tens == 1:
        out.append("mười")
    else:
        out += [_DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        out.append("mốt")
    elif units == 5 and tens:
        out.append("lăm")
    elif units:
        out.append(_DIGITS[units])
    return out


def amount_in_words(value: int) -> str:
    """Whole đồng in Vietnamese words, as a decision writes them after "Bằng chữ:".

    ``41520000`` → ``Bốn mươi mốt triệu năm trăm hai mươi nghìn đồng``; ``1010000`` → ``Một triệu không trăm
    mười nghìn đồng`` (an empty hundreds place inside the number is read, so the figure cannot be misread).
    """
    if value < 0:
        raise ValueError("amount_in_words: a negative amount")

    def words(n: int, full: bool) -> list[str]:
        if n >= 1_000_000_000:
            high, low = divmod(n, 1_000_000_000)
            return words(high, full) + ["tỷ"] + (words(low, True) if low else [])
        groups = [(n // 1_000_000, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, "")]
        out: list[str] = []
        for amount, scale in groups:
            if amount == 0:
                continue
            out += _three(amount, full or bool(out)) + ([scale] if scale else [])
        return out

    text = " ".join(words(value, False)) if value else "không"
    return f"{text[0].upper()}{text[1:]} đồng"

FILTERS = {
    "number": number,
    "percent": percent,
    "money": money,
    "short_date": short_date,
    "long_date": long_date,
}


# --- Vietnamese collation -------------------------------------------------------------------------------
# Databases sort "Đặng" after "Trịnh" and "Ngô" after "Nguyễn" (code-point order). Vietnamese lists are
# ordered by the alphabet a ă â b c d đ e ê … o ô ơ … u ư …, tones only breaking ties, and staff lists
# by given name first. ``name_sort_key`` turns a name into an ASCII string whose byte order is that
# order, stored beside the name (``Person.sort_name``) so SQL can sort and paginate with it.

_VARIANTS = {"\u0306": "1", "\u0302": "2", "\u031b": "3"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}  # huyền hỏi ngã sắc nặng


def vietnamese_sort_key(text: str) -> str:
    """Letters become two characters (base + variant digit); tones follow the letters, after a space."""
    letters: list[str] = []
    tones: list[str] = []
    for word in (text or "").lower().split():
        if letters:
            letters.append("-")  # sorts before any letter: "An Bình" before "Anh"
        tone = "0"
        for ch in unicodedata.normalize("NFD", word):
            if ch in _VARIANTS and letters and letters[-1][-1] == "0":
                letters[-1] = letters[-1][0] + _VARIANTS[ch]
            elif ch in _TONES:
                tone = _TONES[ch]
            elif ch == "đ":
                letters.append("d1")
            elif ch.isalnum():
                letters.append(ch + "0")
        tones.append(tone)
    # The space sorts before "-" and every letter: a name that is a prefix of another comes first.
    return "".join(letters) + " " + "".join(tones)


def name_sort_key(full_name: str) -> str:
    """Given name first, then family and middle names: "Nguyễn Thị Thanh Ngân" sorts under N for Ngân."""
    words = (full_name or "").split()
    return vietnamese_sort_key(" ".join(words[-1:] + words[:-1]))
