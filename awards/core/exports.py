"""Lists as downloads: rows + Vietnamese column headers → an XLSX workbook or a CSV file, one way for every list.

A list view that finds ``?format=xlsx`` or ``?format=csv`` in its query string runs the same filtered statement
it pages through, without the paging, and hands the rows to ``download`` with its columns (see docs/exports.md).

- XLSX (openpyxl): a bold, frozen header row with a filter, column widths from the content, dates as real
  dates shown dd/mm/yyyy, counts and money as numbers (``#,##0``), rates as numbers with two decimals.
- CSV: UTF-8 with a byte-order mark (Excel then reads Vietnamese correctly), comma separated, dates
  dd/mm/yyyy, numbers without grouping and with a decimal point (so any program reads them back).
- Formula injection: a text cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which
  some spreadsheets skip before looking for those) gets a leading apostrophe, in both formats — a name typed
  as ``=HYPERLINK(…)`` is shown as text, never run.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, request, send_file

FORMATS = ("xlsx", "csv")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8"}
KINDS = ("text", "int", "year", "money", "decimal", "date", "datetime")
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_TWO_PLACES = Decimal("0.01")
_XLSX_FORMATS = {"int": "#,##0", "year": "0", "money": "#,##0", "decimal": "0.00", "date": "DD/MM/YYYY",
                 "datetime": "DD/MM/YYYY HH:MM"}
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """One column: its header (a Vietnamese msgid, lazy or not), how to read the value from a row, its kind.

    ``kind``: text, int (a count, grouped in XLSX), year (an int shown without grouping), money (whole đồng),
    decimal (a rate or a percentage, two places), date, datetime.
    """

    header: Any
    value: Callable[[Any], Any]
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


def requested_format() -> str | None:
    """``xlsx`` or ``csv`` when the list was asked for as a download (``?format=…``), else None (the page)."""
    wanted = (request.args.get("format") or "").strip().lower()
    return wanted if wanted in FORMATS else None


def guard(value: Any) -> Any:
    """A text that a spreadsheet would read as a formula gets a leading apostrophe; anything else is returned."""
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def safe_filename(name: str, fmt: str, *, on: date | None = None) -> str:
    """``"Cán bộ"`` → ``can-bo-2025-01-05.xlsx``: ASCII letters, digits and dashes only, dated."""
    folded = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:60] or "danh-sach"
    return f"{slug}-{(on or date.today()).isoformat()}.{fmt}"


def _typed(value: Any, kind: str) -> Any:
    """The value as the column's kind says, for a cell: None stays None (an empty cell)."""
    if value is None or value == "":
        return None
    if kind in ("int", "year", "money"):
        return int(value)
    if kind == "decimal":
        return Decimal(str(value)).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP)
    if kind == "datetime":
        if value.tzinfo is None:  # SQLite hands back naive UTC
            value = value.replace(tzinfo=ZoneInfo("UTC"))
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    if kind == "date":
        return value.date() if isinstance(value, datetime) else value
    return guard(str(value))


def _csv_text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "date":
        return value.strftime("%d/%m/%Y")
    if kind == "datetime":
        return value.strftime("%d/%m/%Y %H:%M")
    if kind == "decimal":
        return f"{value:.2f}"
    return str(value)


def _width(value: Any, kind: str) -> int:
    if value is None:
        return 0
    if kind in ("date", "datetime"):
        return 10 if kind == "date" else 16
    if kind in ("int", "year", "money"):
        return len(f"{value:,}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def table(columns: list[Column], rows: Iterable[Any]) -> list[list[Any]]:
    """The typed (and guarded) cells of every row, in column order."""
    return [[_typed(c.value(row), c.kind) for c in columns] for row in rows]


def to_csv(columns: list[Column], rows: Iterable[Any]) -> bytes:
    """UTF-8 with a BOM; the header row first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([guard(str(c.header)) for c in columns])
    for cells in table(columns, rows):
        writer.writerow([_csv_text(v, c.kind) for v, c in zip(cells, columns, strict=True)])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(columns: list[Column], rows: Iterable[Any], *, title: str = "") -> bytes:
    """One sheet: a bold frozen header with a filter, widths from the content, typed cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    # Excel refuses these characters in a sheet's name, and more than 31 of them.
    sheet.title = re.sub(r"[\s\[\]:*?/\\]+", " ", title or "Sheet").strip()[:31].strip() or "Sheet"
    headers = [guard(str(c.header)) for c in columns]
    sheet.append(headers)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = [len(h) for h in headers]
    last = 1
    for last, cells in enumerate(table(columns, rows), start=2):
        # Cells made one by one: ``sheet.max_row`` after each ``append`` scans the sheet (quadratic).
        for i, (value, column) in enumerate(zip(cells, columns, strict=True), start=1):
            cell = sheet.cell(row=last, column=i, value=value)
            widths[i - 1] = max(widths[i - 1], _width(value, column.kind))
            if value is not None and column.kind in _XLSX_FORMATS:
                cell.number_format = _XLSX_FORMATS[column.kind]
            elif isinstance(value, str):
                # openpyxl would store "=…" as a formula; the guard already prefixed it, this keeps it text.
                cell.data_type = "s"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(fmt: str, name: str, columns: list[Column], rows: Iterable[Any]) -> Response:
    """The rows as an attachment named from ``name`` (a Vietnamese title is fine: it is folded to ASCII)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    data = to_xlsx(columns, rows, title=name) if fmt == "xlsx" else to_csv(columns, rows)
    response = send_file(io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True,
                         download_name=safe_filename(name, fmt), max_age=0)
    response.headers["Cache-Control"] = "no-store"  # a list of people is not for shared caches
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
