"""The cell parsers the metric imports added, and the framework's optional header columns (no database)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from awards.imports import parsers
from awards.imports.framework import Column, ImportKind, validate
from awards.imports.reading import Table
from awards.imports.uploads import original_name

amount = parsers.whole_number()
small = parsers.whole_number(parsers.INTEGER_MAX)


@pytest.mark.parametrize(("text", "value"), [
    ("0", 0),
    ("1250", 1250),
    ("007", 7),
    ("1.250", 1250),
    ("21.155.130.000", 21_155_130_000),
    ("21155130000", 21_155_130_000),
    ("9.223.372.036.854.775.807", parsers.BIGINT_MAX),
])
def test_whole_numbers_with_or_without_thousands_dots(text, value):
    assert amount(text) == value


@pytest.mark.parametrize("text", [
    "-5", "+5", "1,5", "1.5", "12.50", "1.2345", "0.500", "21,155,130,000", "21 155 130 000", "1_000", "1e6",
    "١٢٣", "²", "1..000", ".500", "500.", "abc",
])
def test_whole_numbers_refuse_signs_decimals_commas_and_other_digits(text):
    with pytest.raises(ValueError, match="số không hợp lệ"):
        amount(text)


def test_whole_numbers_have_a_ceiling_per_column_type():
    assert small("2.147.483.647") == parsers.INTEGER_MAX
    with pytest.raises(ValueError, match="số quá lớn “2147483648”"):
        small("2147483648")
    with pytest.raises(ValueError, match="số quá lớn"):
        amount("9223372036854775808")


@pytest.mark.parametrize(("text", "value"), [
    ("82,5", Decimal("82.5")),
    ("82.5", Decimal("82.5")),
    ("81,50", Decimal("81.50")),
    ("82,50%", Decimal("82.50")),
    ("82.5 %", Decimal("82.5")),
    ("0", Decimal(0)),
    ("100", Decimal(100)),
    ("100,00", Decimal(100)),
    ("07", Decimal(7)),
])
def test_percentages_take_a_comma_or_a_dot(text, value):
    assert parsers.percentage(text) == value


@pytest.mark.parametrize("text", ["100,01", "101", "82,555", "-1", "82,", ",5", "1.000,5", "abc", "8 2", "%"])
def test_percentages_refuse_out_of_range_and_more_than_two_places(text):
    with pytest.raises(ValueError, match="tỷ lệ không hợp lệ"):
        parsers.percentage(text)


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("06", 6), ("12", 12)])
def test_months(text, value):
    assert parsers.month(text) == value


@pytest.mark.parametrize("text", ["0", "13", "-1", "6.0", "june", "٦"])
def test_months_refused(text):
    with pytest.raises(ValueError, match="tháng không hợp lệ"):
        parsers.month(text)


def test_years_between():
    year = parsers.year_between(2000, 2100)
    assert year("2000") == 2000 and year("2100") == 2100
    for text in ("1999", "2101", "21", "20210", "２０２１", "2021.0"):
        with pytest.raises(ValueError, match=r"năm không hợp lệ .* \(dùng năm từ 2000 đến 2100\)"):
            year(text)


@pytest.mark.parametrize(("sent", "kept"), [
    ("so lieu.csv", "so lieu.csv"),
    ("C:\\Users\\hr\\Documents\\thang 6.xlsx", "thang 6.xlsx"),
    ("/home/hr/thang 6.csv", "thang 6.csv"),
    (None, ""),
    ("x" * 300 + ".csv", "x" * 255),
])
def test_the_recorded_file_name_is_the_base_name(sent, kept):
    assert original_name(sent) == kept


# --- optional header columns ------------------------------------------------------------------------------

class Figures(ImportKind):
    name = "figures"
    label = "Figures"
    roles = ()
    key_columns = ("code",)
    columns = (
        Column("code", parsers.code, required=True),
        Column("total", amount, required=True),
        Column("detail", amount, optional_header=True),
    )

    def check(self, rows, checker) -> None:
        pass


def test_an_optional_header_column_may_be_left_out_and_reads_as_empty():
    result = validate(Figures(), Table(header=["total", "code"], rows=[(2, ["1.250", "A"])]))
    assert result.ok
    (row,) = result.rows
    assert row.values == {"code": "A", "total": 1250, "detail": None}
    assert row.cells == {"code": "A", "total": "1.250", "detail": ""}


def test_an_optional_header_column_given_is_parsed_like_any_other():
    table = Table(header=["code", "total", "detail"], rows=[(2, ["A", "5", "x"]), (3, ["B", "5"])])
    result = validate(Figures(), table)
    assert [str(p) for p in result.problems] == [
        "row 2, column detail: số không hợp lệ “x” (dùng số nguyên không âm, có thể tách hàng nghìn bằng dấu chấm, "
        "ví dụ 21.155.130.000)"]
    assert result.rows[1].values["detail"] is None


def test_a_required_header_column_is_still_required():
    result = validate(Figures(), Table(header=["code", "detail", "detail"], rows=[(2, ["A", "1", "1"])]))
    assert [str(p) for p in result.problems] == ["row 1, column total: thiếu cột",
                                                 "row 1, column detail: cột bị lặp lại"]


def test_cells_beyond_the_header_or_under_an_empty_header_cell_are_reported_by_letter():
    result = validate(Figures(), Table(header=["code", "", "total"], rows=[(2, ["A", "x", "1", "", "y"])]))
    assert [str(p) for p in result.problems] == [
        "row 2, column B: ô có dữ liệu nhưng cột không có tiêu đề",
        "row 2, column E: ô có dữ liệu nhưng cột không có tiêu đề",
    ]


def test_a_cell_beyond_the_header_is_never_read_as_a_column_the_header_left_out():
    result = validate(Figures(), Table(header=["code", "total"], rows=[(2, ["A", "1", "7"])]))
    assert [str(p) for p in result.problems] == ["row 2, column C: ô có dữ liệu nhưng cột không có tiêu đề"]
    assert result.rows[0].values["detail"] is None and result.rows[0].cells["detail"] == ""


class OneColumn(ImportKind):
    name = "one"
    label = "One"
    roles = ()
    key_columns = ("code",)
    columns = (Column("code", parsers.code, required=True),)

    def check(self, rows, checker) -> None:
        pass


def test_a_kind_with_a_single_column():
    result = validate(OneColumn(), Table(header=["code"], rows=[(2, ["A"]), (3, ["B", "x"])]))
    assert [r.values for r in result.rows] == [{"code": "A"}, {"code": "B"}]
    assert [str(p) for p in result.problems] == ["row 3, column B: ô có dữ liệu nhưng cột không có tiêu đề"]
