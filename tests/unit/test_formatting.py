from datetime import date
from decimal import Decimal

import pytest

from awards.core import formatting as f


@pytest.mark.parametrize("value, places, expected", [
    (0, 0, "0"),
    (999, 0, "999"),
    (1000, 0, "1.000"),
    (1234567, 0, "1.234.567"),
    (21155130000, 0, "21.155.130.000"),
    (-1234567, 0, "-1.234.567"),
    (Decimal("83.4249"), 2, "83,42"),
    (Decimal("83.425"), 2, "83,43"),   # half up, not banker's rounding
    (Decimal("101.2"), 2, "101,20"),
    (Decimal("1234.5"), 1, "1.234,5"),
])
def test_number(value, places, expected):
    assert f.number(value, places) == expected


def test_percent_and_missing_rate():
    assert f.percent(Decimal("82.48")) == "82,48%"
    assert f.percent(Decimal("0.385")) == "0,39%"
    assert f.percent(None) == "—"


def test_money():
    assert f.money(1120000) == "1.120.000 đồng"
    assert f.money(None) == "—"


@pytest.mark.parametrize("value, short, long", [
    (date(2025, 1, 5), "05/01/2025", "ngày 05 tháng 01 năm 2025"),
    (date(2025, 2, 28), "28/02/2025", "ngày 28 tháng 02 năm 2025"),
    (date(2025, 3, 9), "09/03/2025", "ngày 09 tháng 3 năm 2025"),   # Decree 30: no zero before months 3–9
    (date(2021, 10, 15), "15/10/2021", "ngày 15 tháng 10 năm 2021"),
])
def test_dates(value, short, long):
    assert f.short_date(value) == short
    assert f.long_date(value) == long


@pytest.mark.parametrize("text, expected", [
    ("05/01/2025", date(2025, 1, 5)),
    ("2025-01-05", date(2025, 1, 5)),
    (" 30/09/2021 ", date(2021, 9, 30)),
])
def test_parse_date_accepts_both_formats(text, expected):
    assert f.parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2021", "2021/01/05", "", "5 tháng 1", "01-05-2025"])
def test_parse_date_refuses_with_vietnamese_message(text):
    with pytest.raises(ValueError, match="ngày không hợp lệ"):
        f.parse_date(text)


def test_vietnamese_alphabet_order():
    words = ["Ưu", "Uu", "Trịnh", "Ơn", "Ôn", "On", "Nguyễn", "Ngô", "Đặng", "Dương", "Ân", "Ăn", "An", "Anh"]
    assert sorted(words, key=f.vietnamese_sort_key) == [
        "An", "Anh", "Ăn", "Ân", "Dương", "Đặng", "Ngô", "Nguyễn", "On", "Ôn", "Ơn", "Trịnh", "Uu", "Ưu"]


def test_tones_only_break_ties_in_dictionary_order():
    words = ["má", "mạ", "mà", "ma", "mã", "mả", "mai"]
    assert sorted(words, key=f.vietnamese_sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ", "mai"]


def test_names_sort_by_given_name_then_family_and_middle():
    names = ["Trịnh Văn Khánh", "Đặng Trung Trí", "Nguyễn Thị An", "Lê An", "Phạm An Bình", "Đinh Thị Dung"]
    assert sorted(names, key=f.name_sort_key) == [
        "Lê An", "Nguyễn Thị An", "Phạm An Bình", "Đinh Thị Dung", "Trịnh Văn Khánh", "Đặng Trung Trí"]
