"""Reading CSV/XLSX into numbered rows, the cell parsers and the framework's checks that need no database."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from awards.imports import parsers
from awards.imports.framework import Column, ImportKind, Problem, validate
from awards.imports.reading import (
    Table,
    UnreadableFile,
    cell_text,
    column_letter,
    detect_format,
    read_bytes,
    read_csv,
    read_path,
    read_xlsx,
)
from awards.org.models import DisciplineLevel, RatingLevel, Role

# --- reading -----------------------------------------------------------------------------------------


def test_csv_rows_are_numbered_as_the_spreadsheet_shows_them():
    data = "code,name\nA,Một\n\nB,\"Hai\ndòng\"\nC,Ba\n".encode()
    table = read_csv(data)
    assert table.header == ["code", "name"]
    # the blank line is row 3; the quoted cell spanning two lines is one record, row 4
    assert table.rows == [(2, ["A", "Một"]), (4, ["B", "Hai\ndòng"]), (5, ["C", "Ba"])]


def test_csv_with_bom_header_is_clean():
    table = read_csv("\ufeffcode,Name \nA,x\n".encode())
    assert table.header == ["code", "name"]


def test_csv_with_semicolons_from_a_vietnamese_locale_export():
    table = read_csv("code;name;note\r\nA;Một, hai;\r\n".encode())
    assert table.header == ["code", "name", "note"]
    assert table.rows == [(2, ["A", "Một, hai"])]  # trailing empty cells are dropped


def test_csv_must_be_utf8():
    with pytest.raises(UnreadableFile, match="UTF-8"):
        read_csv("code,name\nA,Đồng Tháp\n".encode("cp1258", errors="replace") + b"\xff\xfe")


def test_binary_content_is_not_csv():
    with pytest.raises(UnreadableFile, match="nhị phân"):
        read_csv(b"PK\x03\x04\x00\x00binary")


def _xlsx(rows: dict[str, object]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for cell, value in rows.items():
        ws[cell] = value
    extra = wb.create_sheet("Khác")
    extra["A1"] = "ignored"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_xlsx_first_sheet_with_row_numbers_and_typed_cells():
    data = _xlsx({"A1": "Code", "B1": "year", "C1": "birth_date",
                  "A2": "P1", "B2": 2021, "C2": datetime(1990, 5, 17),
                  "A5": 7, "B5": 2021.0, "C5": date(2000, 1, 2)})
    table = read_xlsx(data)
    assert table.header == ["code", "year", "birth_date"]
    assert table.rows == [(2, ["P1", "2021", "1990-05-17"]), (5, ["7", "2021", "2000-01-02"])]


def test_xlsx_header_must_be_row_1():
    table = read_xlsx(_xlsx({"A3": "code", "A4": "X"}))
    assert table.header == []
    assert table.rows == [(3, ["code"]), (4, ["X"])]


def test_xlsx_must_really_be_xlsx():
    with pytest.raises(UnreadableFile, match="XLSX"):
        read_xlsx(b"code,name\nA,B\n")
    with pytest.raises(UnreadableFile, match="XLSX"):
        read_xlsx(_zip_without_workbook())


def _zip_without_workbook() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


def test_format_from_extension_only_csv_and_xlsx():
    assert detect_format("Danh sách.CSV") == "csv"
    assert detect_format("a.xlsx") == "xlsx"
    for name in ("a.xls", "a.txt", "a", ""):
        with pytest.raises(UnreadableFile, match="không được hỗ trợ"):
            detect_format(name)
    with pytest.raises(UnreadableFile):
        read_bytes(b"x", "ods")


def test_read_path_missing_file(tmp_path):
    with pytest.raises(UnreadableFile, match="Không tìm thấy tệp"):
        read_path(tmp_path / "none.csv")


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (True, "true"), (False, "false"), (12, "12"), (12.0, "12"), (12.5, "12.5"),
    (datetime(2021, 9, 30, 0, 0), "2021-09-30"), (date(2021, 9, 30), "2021-09-30"), ("  x \u00a0", "x"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_column_letter():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


# --- parsers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("1", True), ("0", False), ("TRUE", True), ("false", False), ("Yes", True), ("no", False)])
def test_boolean_accepts_the_documented_spellings(text, value):
    assert parsers.boolean(text) is value


def test_boolean_refuses_anything_else():
    with pytest.raises(ValueError, match="“có”"):
        parsers.boolean("có")


def test_choice_is_case_insensitive_and_lists_the_codes():
    parse = parsers.choice(RatingLevel)
    assert parse("htxsnv") is RatingLevel.HTXSNV
    with pytest.raises(ValueError) as err:
        parse("Xuất sắc")
    assert str(err.value) == "giá trị không hợp lệ “Xuất sắc” (dùng một trong: HTXSNV, HTTNV, HTNV, KHTNV)"
    assert parsers.choice(DisciplineLevel)("CANH_CAO") is DisciplineLevel.CANH_CAO


@pytest.mark.parametrize("text", ["DT-A", "P0001", "cuc_dt.2025"])
def test_codes_accepted(text):
    assert parsers.code(text) == text


@pytest.mark.parametrize("text", ["X Y", "a/b", "-A", "Đồng", "A" * 41])
def test_codes_refused(text):
    with pytest.raises(ValueError):
        parsers.code(text)


def test_dates_in_both_formats():
    assert parsers.a_date("05/01/2025") == date(2025, 1, 5)
    assert parsers.a_date("2025-01-05") == date(2025, 1, 5)
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parsers.a_date("2025/01/05")


def test_year_and_text_length():
    assert parsers.year("2021") == 2021
    for bad in ("21", "2021.5", "năm 2021", "3000"):
        with pytest.raises(ValueError, match="năm không hợp lệ"):
            parsers.year(bad)
    assert parsers.text(3)("abc") == "abc"
    with pytest.raises(ValueError, match="dài quá 3 ký tự"):
        parsers.text(3)("abcd")


# --- the framework, with a kind that needs no database -------------------------------------------------


class _Plain(ImportKind):
    name = "plain"
    label = "plain"
    roles = (Role.ADMIN,)
    key_columns = ("code",)
    columns = (Column("code", parsers.code, required=True), Column("year", parsers.year),
               Column("note", parsers.text(10)))

    def check(self, rows, checker):
        for row in rows:
            row.status = "new"


def _lines(table: Table) -> list[str]:
    return [str(p) for p in validate(_Plain(), table).problems]


def test_problem_line_format():
    assert str(Problem(7, "birth_date", "ngày không hợp lệ")) == "row 7, column birth_date: ngày không hợp lệ"


def test_header_problems_are_reported_alone():
    table = Table(header=["code", "yaer", "code"], rows=[(2, ["", "x"])])
    assert _lines(table) == [
        "row 1, column code: cột bị lặp lại",
        "row 1, column year: thiếu cột",
        "row 1, column note: thiếu cột",
        "row 1, column yaer: cột không được hỗ trợ (các cột: code, year, note)",
    ]


def test_every_row_and_cell_is_checked():
    table = Table(header=["note", "code", "year"], rows=[
        (2, ["", "A", "2021"]),
        (3, ["quá dài cho cột", "", "21"]),
        (5, ["", "A", "", "lạc"]),
    ])
    assert _lines(table) == [
        "row 3, column code: bắt buộc, không được để trống",
        "row 3, column year: năm không hợp lệ “21” (dùng 4 chữ số, ví dụ 2021)",
        "row 3, column note: dài quá 10 ký tự",
        "row 5, column code: “A” trùng với dòng 2",
        "row 5, column D: ô có dữ liệu nhưng cột không có tiêu đề",
    ]


def test_a_file_without_data_rows_is_a_problem():
    assert _lines(Table(header=["code", "year", "note"], rows=[])) == [
        "row 2, column code: tệp không có dòng dữ liệu nào"]


def test_clean_result_counts_and_summary():
    result = validate(_Plain(), Table(header=["code", "year", "note"], rows=[(2, ["A"]), (3, ["B", "2020"])]))
    assert result.ok
    assert [r.values for r in result.rows] == [{"code": "A", "year": None, "note": None},
                                               {"code": "B", "year": 2020, "note": None}]
    assert result.summary() == "Đã nhập 2 dòng (2 mới, 0 cập nhật)."
