"""Reading a CSV or XLSX file into rows of text numbered as a spreadsheet shows them (the header is row 1).

Pure: no application, no database. Every cell comes out as stripped text, so one set of parsers serves
both formats (an XLSX date becomes ``yyyy-mm-dd``, the whole number 2021.0 becomes ``2021``).
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from flask_babel import gettext as _

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (missing, wrong format, not UTF-8, corrupt)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Table:
    """The header (row 1) and the non-empty data rows, each as (row number, cells)."""

    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0 → ``A``, 26 → ``AA``: how a spreadsheet names the column of a cell that has no header."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def detect_format(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise UnreadableFile(_("Định dạng tệp không được hỗ trợ “%(suffix)s” (chỉ nhận .csv hoặc .xlsx).",
                               suffix=suffix or "—"))
    return FORMATS[suffix]


def cell_text(value) -> str:
    """One cell as text: numbers without a spurious ``.0``, dates as ``yyyy-mm-dd``, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    return str(value).strip()


def _table(numbered_rows, cell=cell_text) -> Table:
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, raw in numbered_rows:
        cells = list(map(cell, raw))
        while cells and not cells[-1]:
            cells.pop()
        if number == 1:
            header = [c.lower() for c in cells]
        elif cells:
            rows.append((number, cells))
    return Table(header=header or [], rows=rows)


def read_csv(data: bytes) -> Table:
    if b"\x00" in data:
        raise UnreadableFile(_("Tệp không phải là tệp CSV (có dữ liệu nhị phân)."))
    try:
        text = data.decode("utf-8-sig")  # also strips the BOM that spreadsheet programs write
    except UnicodeDecodeError:
        raise UnreadableFile(_("Tệp CSV phải được lưu với mã hóa UTF-8.")) from None
    first_line = text.split("\n", 1)[0]
    # A spreadsheet's CSV export under a Vietnamese locale separates with ";" (the decimal mark is ",").
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        # Each record is one spreadsheet row, even when a quoted cell spans several lines.
        # CSV cells are already text: stripping is all cell_text would do, at a fraction of the cost.
        return _table(enumerate(reader, start=1), cell=str.strip)
    except csv.Error as exc:
        raise UnreadableFile(_("Tệp CSV không hợp lệ (dòng %(line)s): %(error)s",
                               line=reader.line_num, error=str(exc))) from None


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableFile(_("Tệp không phải là tệp XLSX hợp lệ."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged or foreign zip
        raise UnreadableFile(_("Tệp không phải là tệp XLSX hợp lệ.")) from None
    try:
        if not workbook.worksheets:
            raise UnreadableFile(_("Tệp XLSX không có trang tính nào."))
        sheet = workbook.worksheets[0]
        # min_row=1: row numbers must match the sheet even when its first rows are empty.
        return _table(enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1))
    finally:
        workbook.close()


def read_bytes(data: bytes, fmt: str) -> Table:
    if fmt == "csv":
        return read_csv(data)
    if fmt == "xlsx":
        return read_xlsx(data)
    raise UnreadableFile(_("Định dạng tệp không được hỗ trợ “%(suffix)s” (chỉ nhận .csv hoặc .xlsx).", suffix=fmt))


def read_path(path: str | Path) -> Table:
    """Read the file at ``path``; the format comes from its extension."""
    path = Path(path)
    fmt = detect_format(path.name)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile(_("Không tìm thấy tệp “%(path)s”.", path=str(path))) from None
    except OSError as exc:
        raise UnreadableFile(_("Không đọc được tệp “%(path)s”: %(error)s", path=str(path),
                               error=exc.strerror or str(exc))) from None
    return read_bytes(data, fmt)
