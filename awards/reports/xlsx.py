"""The reports as Excel workbooks (openpyxl): bold headers, set widths, Vietnamese labels, numbers as numbers.

Cells hold numbers (counts, whole đồng, percentages rounded to 2 places), never formatted text, so a reader can
add them up; the number formats make Excel show them with its own grouping ("1.234.567" in a Vietnamese Excel).
"""
from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from awards.reports.queries import MetricsReport, YearEndReport, rounded

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INTEGER = "#,##0"
PERCENT = "0.00"
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def _title(sheet: Worksheet, title: str, subtitle: str) -> None:
    sheet["A1"] = title
    sheet["A1"].font = TITLE
    sheet["A2"] = subtitle


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _put(sheet: Worksheet, row: int, values: list, formats: dict[int, str] | None = None, *,
         bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        if formats and column in formats and value is not None:
            cell.number_format = formats[column]
        if bold:
            cell.font = BOLD


def _bytes(book: Workbook) -> bytes:
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def year_end_workbook(report: YearEndReport, unit_name: str) -> bytes:
    """One sheet: the collectives' table, the individuals' table, then initiatives, money and staff."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Tổng kết năm %(year)s", year=report.year)
    _title(sheet, _("Báo cáo tổng kết công tác thi đua, khen thưởng năm %(year)s", year=report.year), unit_name)
    _widths(sheet, [8, 14, 46, 16, 18, 20])
    header = [_("STT"), _("Mã"), _("Danh hiệu, hình thức khen thưởng"), _("Đã quyết định"),
              _("Đề nghị cấp trên"), _("Tiền thưởng (đồng)")]
    formats = {4: INTEGER, 5: INTEGER, 6: INTEGER}
    row = 4
    for kind, label in (("collective", _("I. Tập thể")), ("individual", _("II. Cá nhân"))):
        sheet.cell(row=row, column=1, value=label).font = BOLD
        row += 1
        _header(sheet, row, header)
        row += 1
        for number, line in enumerate(report.rows(kind), start=1):
            _put(sheet, row, [number, line["code"], line["name"], line["decided"], line["proposed"], line["money"]],
                 formats)
            row += 1
        _put(sheet, row, [None, None, _("Cộng"), report.total(kind, "decided"), report.total(kind, "proposed"),
                          sum(report.money[kind].values())], formats, bold=True)
        row += 2
    sheet.cell(row=row, column=1, value=_("III. Tổng hợp")).font = BOLD
    row += 1
    staff = report.staff_actual if report.staff_authorised is None else \
        f"{report.staff_actual}/{report.staff_authorised}"
    for label, value, fmt in ((_("Sáng kiến được công nhận"), report.initiatives_recognised, INTEGER),
                              (_("Tổng tiền thưởng (đồng)"), report.money_total, INTEGER),
                              (_("Số biên chế hiện có"), report.staff_actual, INTEGER),
                              (_("Biên chế được giao"), report.staff_authorised, INTEGER),
                              (_("Hiện có / được giao"), staff, None)):
        sheet.cell(row=row, column=3, value=label).font = BOLD
        cell = sheet.cell(row=row, column=4, value=value if value is not None else "—")
        if fmt and value is not None:
            cell.number_format = fmt
        row += 1
    sheet.freeze_panes = "A4"
    return _bytes(book)


def _metrics_line(row, rank) -> list:
    s = row.summary
    return [rank, row.code, row.name, s.cases.enforceable, s.cases.completed, rounded(s.case_rate),
            rounded(s.case_target), rounded(s.case_attainment), s.money.enforceable, s.money.completed,
            rounded(s.money_rate), rounded(s.money_target), rounded(s.money_attainment), row.money_rank]


def metrics_workbook(report: MetricsReport, unit_name: str) -> bytes:
    """One row per unit below (rolled up), the unit's own office and the total: rates, targets, attainment and
    the ranks by case rate (first column) and by money rate (last)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Kết quả THA %(year)s", year=report.year)
    month = _("tháng %(month)s", month=report.month) if report.month else _("chưa có số liệu")
    _title(sheet, _("Kết quả thi hành án dân sự năm thống kê %(year)s (%(month)s)", year=report.year, month=month),
           unit_name)
    _widths(sheet, [10, 16, 42, 14, 14, 12, 12, 14, 20, 20, 12, 12, 14, 12])
    _header(sheet, 4, [_("Xếp hạng (việc)"), _("Mã"), _("Đơn vị"), _("Việc có điều kiện"), _("Việc xong"),
                       _("Tỷ lệ việc (%)"), _("Chỉ tiêu việc (%)"), _("Đạt chỉ tiêu việc (%)"),
                       _("Tiền có điều kiện (đồng)"), _("Tiền xong (đồng)"), _("Tỷ lệ tiền (%)"),
                       _("Chỉ tiêu tiền (%)"), _("Đạt chỉ tiêu tiền (%)"), _("Xếp hạng (tiền)")])
    sheet.row_dimensions[4].height = 45
    formats = {4: INTEGER, 5: INTEGER, 6: PERCENT, 7: PERCENT, 8: PERCENT, 9: INTEGER, 10: INTEGER, 11: PERCENT,
               12: PERCENT, 13: PERCENT}
    row = 5
    for line in report.rows:
        values = _metrics_line(line, line.case_rank)
        if line.own:
            values[2] = _("%(name)s (riêng đơn vị)", name=line.name)
        _put(sheet, row, values, formats)
        row += 1
    if report.total is not None:
        values = _metrics_line(report.total, None)
        values[2] = _("Toàn đơn vị: %(name)s", name=report.total.name)
        _put(sheet, row, values, formats, bold=True)
    sheet.freeze_panes = "D5"
    return _bytes(book)
