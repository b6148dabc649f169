"""``flask import metrics|targets|indicators`` and the upload page for them.

Good files import and re-imports replace (recorded as an ImportBatch); every rule of issue 3 refuses the
row with its own message; a bad file changes nothing and names every bad row.
"""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from awards.imports.kinds import KINDS
from awards.imports.models import ImportBatch
from awards.imports.operations import preview_import, run_import
from awards.imports.reading import Table
from awards.metrics import imports as metric_imports
from awards.metrics.compute import Counts
from awards.metrics.models import MetricReport, MetricTarget, UnitIndicator
from awards.org.models import Person, Unit
from tests.factories import make_person

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
METRICS = ("subject_code,subject_type,year,month,cases_received,cases_enforceable,cases_completed,"
           "money_received,money_enforceable,money_completed")
DETAILS = ["carried_over", "new", "delegated", "withdrawn", "not_enforceable", "enforced", "terminated"]
CASE_DETAILS = ",".join(f"cases_{d}" for d in DETAILS)
MONEY_DETAILS = ",".join(f"money_{d}" for d in DETAILS)
FULL = f"{METRICS},{CASE_DETAILS},{MONEY_DETAILS}"
TARGETS = "subject_code,subject_type,year,case_target_pct,money_target_pct"
INDICATORS = "unit_code,year,complaints_received,complaints_resolved,complaints_target_pct,citizen_receptions"

# Consistent figures. Cases: received 1,250 = 1,200 + 50; 1,250 − 10 − 5 = 1,235 = 1,100 + 135; completed
# 1,031 = 1,000 + 31. Money: 21,155,130,000 = 20,000,000,000 + 1,155,130,000; 21,155,130,000 − 100,000,000
# − 55,130,000 = 21,000,000,000 = 9,000,000,000 + 12,000,000,000; 4,100,000,000 = 4,000,000,000 + 100,000,000.
GOOD_CASES = "1250,1100,1031"
GOOD_CASE_DETAILS = "1200,50,10,5,135,1000,31"
GOOD_MONEY = "21.155.130.000,9.000.000.000,4.100.000.000"
GOOD_MONEY_DETAILS = "20.000.000.000,1.155.130.000,100.000.000,55.130.000,12.000.000.000,4.000.000.000,100.000.000"
COUNTED = (MetricReport, MetricTarget, UnitIndicator, ImportBatch)


@pytest.fixture()
def run(app, db):
    runner = app.test_cli_runner()

    def _run(kind: str, path: Path):
        return runner.invoke(args=["import", kind, str(path)])

    return _run


@pytest.fixture()
def officers(db, org):
    """One officer in Đồng Tháp's Lấp Vò branch, one in Thanh Hóa's Quan Sơn branch."""
    return make_person(org.dt_a, "CHV-DT"), make_person(org.th_a, "CHV-TH")


def csv_file(tmp_path: Path, *lines: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(db) -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def report(db, *, unit: Unit | None = None, person: Person | None = None, year: int = 2021,
           month: int = 6) -> MetricReport | None:
    subject = MetricReport.unit_id == unit.id if unit is not None else MetricReport.person_id == person.id
    return db.session.scalar(select(MetricReport).where(subject, MetricReport.year == year,
                                                        MetricReport.month == month))


def batches(db) -> list[ImportBatch]:
    return list(db.session.scalars(select(ImportBatch).order_by(ImportBatch.id)))


def ok(result, summary: str) -> None:
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stdout.strip() == summary
    assert result.stderr == ""


def refused(db, result, before: dict, expected: list[str]) -> None:
    """Exit 1, exactly these problem lines on stderr, and the database as it was."""
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.stderr.splitlines() == expected
    assert result.stdout == ""
    assert counts(db) == before


# --- good files ----------------------------------------------------------------------------------------

def test_metrics_csv_with_only_the_required_columns_and_with_the_breakdown(db, org, officers, run, tmp_path):
    # Only the ten required columns: the breakdown columns may be left out of the header.
    path = csv_file(tmp_path, METRICS,
                    f"DT-A,unit,2021,6,{GOOD_CASES},{GOOD_MONEY}",
                    "CHV-DT,person,2021,6,120,100,82,2100000000,1000000000,400000000")
    ok(run("metrics", path), "Đã nhập 2 dòng (2 mới, 0 cập nhật).")
    unit_report = report(db, unit=org.dt_a)
    assert unit_report.cases == Counts(1250, 1100, 1031)
    assert (unit_report.money_received, unit_report.money_completed) == (21_155_130_000, 4_100_000_000)
    assert unit_report.cases_carried_over is None and unit_report.money_terminated is None
    assert unit_report.person_id is None
    person_report = report(db, person=officers[0])
    assert person_report.unit_id is None and person_report.cases_completed == 82

    # The full header, one row with the breakdown and one without.
    path = csv_file(tmp_path, FULL,
                    f"DT-B,unit,2021,6,{GOOD_CASES},{GOOD_MONEY},{GOOD_CASE_DETAILS},{GOOD_MONEY_DETAILS}",
                    f"TH-A,unit,2021,6,{GOOD_CASES},{GOOD_MONEY}" + "," * 14, name="full.csv")
    ok(run("metrics", path), "Đã nhập 2 dòng (2 mới, 0 cập nhật).")
    detailed = report(db, unit=org.dt_b)
    assert detailed.breakdown("cases").carried_over == 1200 and detailed.cases_terminated == 31
    assert detailed.money_new == 1_155_130_000 and detailed.money_not_enforceable == 12_000_000_000
    assert report(db, unit=org.th_a).cases_new is None

    first, second = batches(db)
    assert (first.kind, first.file_name, first.user_id) == ("metrics", "data.csv", None)
    assert (first.row_count, first.new_count, first.replaced_count) == (2, 2, 0)
    assert unit_report.import_batch_id == first.id and detailed.import_batch_id == second.id


def test_metrics_xlsx_with_number_cells(db, org, run, tmp_path):
    wb = Workbook()
    wb.active.append(METRICS.split(",") + ["cases_carried_over"])  # a partial breakdown header is fine too
    wb.active.append(["DT-A", "unit", 2021, 6, 1250, 1100, 1031, 21155130000, 9000000000.0, "4.100.000.000", None])
    wb.active.append(["DT-B", "UNIT", 2020, 10, 5, 0, 0, 0, 0, 0, None])
    path = tmp_path / "so lieu.xlsx"
    wb.save(path)
    ok(run("metrics", path), "Đã nhập 2 dòng (2 mới, 0 cập nhật).")
    saved = report(db, unit=org.dt_a)
    assert (saved.money_received, saved.money_enforceable, saved.money_completed) == (
        21_155_130_000, 9_000_000_000, 4_100_000_000)
    assert report(db, unit=org.dt_b, year=2020, month=10).cases_received == 5
    assert batches(db)[0].file_name == "so lieu.xlsx"


def test_reimport_replaces_the_same_subject_year_month_and_records_the_batch(db, org, officers, run, tmp_path):
    ok(run("metrics", csv_file(tmp_path, METRICS,
                               "DT-A,unit,2021,5,1000,900,700,10,10,5",
                               "DT-A,unit,2021,6,1100,950,800,20,20,10",
                               "CHV-DT,person,2021,6,50,40,30,0,0,0", name="thang5.csv")),
       "Đã nhập 3 dòng (3 mới, 0 cập nhật).")
    started = datetime.now(UTC)
    ok(run("metrics", csv_file(tmp_path, FULL,
                               f"DT-A,unit,2021,6,{GOOD_CASES},{GOOD_MONEY},{GOOD_CASE_DETAILS},{GOOD_MONEY_DETAILS}",
                               "DT-B,unit,2021,6,10,5,5,0,0,0" + "," * 14,
                               name="thang6-sua.csv")),
       "Đã nhập 2 dòng (1 mới, 1 cập nhật).")
    db.session.expire_all()
    assert counts(db)["MetricReport"] == 4  # replaced, not added
    first, second = batches(db)
    assert (second.file_name, second.user_id) == ("thang6-sua.csv", None)
    assert (second.row_count, second.new_count, second.replaced_count) == (2, 1, 1)
    assert started - timedelta(seconds=5) <= second.created_at.replace(tzinfo=second.created_at.tzinfo or UTC)
    june = report(db, unit=org.dt_a)
    assert (june.cases_received, june.cases_carried_over, june.money_received) == (1250, 1200, 21_155_130_000)
    assert june.import_batch_id == second.id
    # What the second file did not name stays as the first file wrote it.
    assert report(db, unit=org.dt_a, month=5).import_batch_id == first.id
    assert report(db, person=officers[0]).cases_received == 50


def test_the_same_subject_code_as_unit_and_as_person_are_different_subjects(db, org, run, tmp_path):
    make_person(org.dt_a, "DT-B")  # an officer whose code is also a unit's code
    ok(run("metrics", csv_file(tmp_path, METRICS, "DT-B,unit,2021,6,10,5,5,0,0,0",
                               "DT-B,person,2021,6,3,2,1,0,0,0")), "Đã nhập 2 dòng (2 mới, 0 cập nhật).")
    assert report(db, unit=org.dt_b).cases_received == 10


# --- the rules -----------------------------------------------------------------------------------------

def _row(cases: str = GOOD_CASES, money: str = GOOD_MONEY, case_details: str = GOOD_CASE_DETAILS,
         money_details: str = GOOD_MONEY_DETAILS) -> str:
    """A full-header row; an empty breakdown ("") leaves its seven cells empty."""
    return f"DT-A,unit,2021,6,{cases},{money},{case_details or ',' * 6},{money_details or ',' * 6}"


@pytest.mark.parametrize(("row", "expected"), [
    pytest.param(_row(case_details="1200,40,10,5,135,1000,31"),
                 "column cases_received: thụ lý (1.250) ≠ cũ chuyển sang + thụ lý mới (1.200 + 40)",
                 id="received = carried over + new"),
    pytest.param(_row(case_details="1200,50,10,5,100,1000,31"),
                 "column cases_not_enforceable: thụ lý − ủy thác − thu hồi, hủy (1.250 − 10 − 5 = 1.235) "
                 "≠ có điều kiện + chưa có điều kiện (1.100 + 100)",
                 id="to enforce = received - delegated - withdrawn = enforceable + not enforceable"),
    pytest.param(_row(case_details="1200,50,10,5,135,1000,30"),
                 "column cases_completed: thi hành xong (1.031) ≠ xong thực tế + đình chỉ (1.000 + 30)",
                 id="completed = enforced + terminated"),
    pytest.param(_row(case_details="1200,50,,5,135,,31"),
                 "column cases_delegated: thiếu số liệu chi tiết: cases_delegated, cases_enforced "
                 "(đã điền một cột chi tiết thì phải điền đủ cả bảy)",
                 id="a partial breakdown"),
    pytest.param(_row(money_details="20.000.000.000,1.155.130.001,100.000.000,55.130.000,12.000.000.000,"
                                    "4.000.000.000,100.000.000"),
                 "column money_received: thụ lý (21.155.130.000) ≠ cũ chuyển sang + thụ lý mới "
                 "(20.000.000.000 + 1.155.130.001)",
                 id="money: received = carried over + new"),
    pytest.param(_row(cases="1250,1100,1101", case_details=""),
                 "column cases_completed: thi hành xong (1.101) lớn hơn có điều kiện (1.100)",
                 id="completed <= enforceable"),
    pytest.param(_row(cases="1250,1251,1031", case_details=""),
                 "column cases_enforceable: có điều kiện (1.251) lớn hơn thụ lý (1.250)",
                 id="enforceable <= received"),
    pytest.param(_row(money="5.000,6.000,1.000", money_details=""),
                 "column money_enforceable: có điều kiện (6.000) lớn hơn thụ lý (5.000)",
                 id="money: enforceable <= received"),
    pytest.param(_row(money="5.000,4.000,4.001", money_details=""),
                 "column money_completed: thi hành xong (4.001) lớn hơn có điều kiện (4.000)",
                 id="money: completed <= enforceable"),
])
def test_each_rule_refuses_the_row_with_its_message(db, org, run, tmp_path, row, expected):
    assert row.count(",") == FULL.count(",")
    before = counts(db)
    refused(db, run("metrics", csv_file(tmp_path, FULL, row)), before, [f"row 2, {expected}"])


def test_a_consistent_breakdown_passes_every_identity(db, org, run, tmp_path):
    ok(run("metrics", csv_file(tmp_path, FULL, _row())), "Đã nhập 1 dòng (1 mới, 0 cập nhật).")


@pytest.mark.parametrize(("cell", "message"), [
    ("21,155,130,000", "số không hợp lệ “21,155,130,000”"),
    ("1.5", "số không hợp lệ “1.5”"),
    ("0.500", "số không hợp lệ “0.500”"),
    ("-5", "số không hợp lệ “-5”"),
    ("12.50", "số không hợp lệ “12.50”"),
    ("99999999999999999999", "số quá lớn “99999999999999999999”"),
])
def test_money_and_counts_are_whole_numbers_with_optional_thousands_dots(db, org, run, tmp_path, cell, message):
    before = counts(db)
    path = csv_file(tmp_path, METRICS, f'DT-A,unit,2021,6,1250,1100,1031,"{cell}",0,0')
    result = run("metrics", path)
    refused(db, result, before, [
        f"row 2, column money_received: {message} (dùng số nguyên không âm, có thể tách hàng nghìn bằng dấu chấm, "
        "ví dụ 21.155.130.000)" if "quá lớn" not in message else f"row 2, column money_received: {message}"])


def test_bad_header(db, org, run, tmp_path):
    before = counts(db)
    path = csv_file(tmp_path, "subject_code,subject_type,year,month,cases_received,cases_enforceable,"
                              "money_received,money_enforceable,money_completed,cases_new,cases_new,extra",
                    "DT-A,unit,2021,6,1,1,1,1,1,1,1,1")
    result = run("metrics", path)
    expected_columns = ", ".join(metric_imports.MetricsImport().column_names)
    refused(db, result, before, [
        "row 1, column cases_completed: thiếu cột",
        "row 1, column cases_new: cột bị lặp lại",
        f"row 1, column extra: cột không được hỗ trợ (các cột: {expected_columns})",
    ])


def test_unknown_subjects_person_versus_unit_ranges_and_duplicates(db, org, officers, run, tmp_path):
    before = counts(db)
    path = csv_file(
        tmp_path, METRICS,
        "DT-X,unit,2021,6,1,1,1,0,0,0",
        "CHV-XX,person,2021,6,1,1,1,0,0,0",
        "CHV-DT,unit,2021,6,1,1,1,0,0,0",      # an officer's code given as a unit
        "DT-A,person,2021,6,1,1,1,0,0,0",      # a unit's code given as a person
        "DT-A,branch,1999,13,1,1,1,0,0,0",
        "DT-A,unit,2101,0,,1,1,0,0,0",
        "DT-B,unit,2021,6,1,1,1,0,0,0",
        "DT-B,unit,2021,06,2,2,2,0,0,0",       # the same subject, year and month as the row above
    )
    refused(db, run("metrics", path), before, [
        "row 2, column subject_code: không tìm thấy đơn vị “DT-X”",
        "row 3, column subject_code: không tìm thấy cán bộ “CHV-XX”",
        "row 4, column subject_code: không tìm thấy đơn vị “CHV-DT”",
        "row 5, column subject_code: không tìm thấy cán bộ “DT-A”",
        "row 6, column subject_type: giá trị không hợp lệ “branch” (dùng một trong: person, unit)",
        "row 6, column year: năm không hợp lệ “1999” (dùng năm từ 2000 đến 2100)",
        "row 6, column month: tháng không hợp lệ “13” (dùng số từ 1 đến 12)",
        "row 7, column year: năm không hợp lệ “2101” (dùng năm từ 2000 đến 2100)",
        "row 7, column month: tháng không hợp lệ “0” (dùng số từ 1 đến 12)",
        "row 7, column cases_received: bắt buộc, không được để trống",
        "row 9, column subject_code: “DT-B / unit / 2021 / 06” trùng với dòng 8",
    ])


def test_a_bad_file_changes_nothing_and_names_every_bad_row(db, org, run, tmp_path):
    ok(run("metrics", csv_file(tmp_path, METRICS, "DT-A,unit,2021,6,10,5,5,0,0,0", name="first.csv")),
       "Đã nhập 1 dòng (1 mới, 0 cập nhật).")
    before = counts(db)
    lines = [f"DT-A,unit,2021,{m},10,5,5,0,0,0" for m in (10, 11, 12, 1, 2, 3, 4, 5)]
    lines[2] = "DT-A,unit,2021,12,10,5,6,0,0,0"       # row 4: completed > enforceable
    lines[5] = "DT-A,unit,2021,3,10,5,5,1.0,0,0"      # row 7: a decimal
    lines.append("DT-A,unit,2021,6,99,5,5,0,0,0")     # row 10: would replace June, but the file is bad
    lines.append("DT-Z,unit,2021,6,10,5,5,0,0,0")     # row 11
    result = run("metrics", csv_file(tmp_path, METRICS, *lines))
    refused(db, result, before, [
        "row 4, column cases_completed: thi hành xong (6) lớn hơn có điều kiện (5)",
        "row 7, column money_received: số không hợp lệ “1.0” (dùng số nguyên không âm, có thể tách hàng nghìn "
        "bằng dấu chấm, ví dụ 21.155.130.000)",
        "row 11, column subject_code: không tìm thấy đơn vị “DT-Z”",
    ])
    assert report(db, unit=org.dt_a).cases_received == 10


def test_a_failure_while_writing_leaves_nothing_not_even_the_batch(db, org, run, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(metric_imports, "_replace", broken)
    before = counts(db)
    result = run("metrics", csv_file(tmp_path, METRICS, "DT-A,unit,2021,6,10,5,5,0,0,0"))
    refused(db, result, before, ["row 2, column subject_code: không ghi được dòng này: OperationalError"])


def test_a_conflict_found_only_while_writing_is_reported_and_rolled_back(db, org, run, tmp_path, monkeypatch):
    # As if another import had written June between the checks and the write: the insert meets the unique key.
    ok(run("metrics", csv_file(tmp_path, METRICS, "DT-A,unit,2021,6,10,5,5,0,0,0", name="first.csv")),
       "Đã nhập 1 dòng (1 mới, 0 cập nhật).")
    monkeypatch.setattr(metric_imports, "_existing", lambda *args: {})
    before = counts(db)
    result = run("metrics", csv_file(tmp_path, METRICS, "DT-B,unit,2021,6,1,1,1,0,0,0",
                                     "DT-A,unit,2021,6,99,5,5,0,0,0"))
    refused(db, result, before, ["row 2, column subject_code: không ghi được dòng này: IntegrityError"])
    assert report(db, unit=org.dt_a).cases_received == 10 and report(db, unit=org.dt_b) is None


# --- targets -------------------------------------------------------------------------------------------

def test_targets_accept_comma_and_dot_decimals_and_reimport_replaces(db, org, officers, run, tmp_path):
    # Semicolons, as a spreadsheet under a Vietnamese locale saves a CSV (its decimal mark is the comma).
    ok(run("targets", csv_file(tmp_path, TARGETS.replace(",", ";"),
                               "DT-A;unit;2021;82,5;40.1", "CHV-DT;person;2021;81.50;45,50%", "DT-B;unit;2021;100;0")),
       "Đã nhập 3 dòng (3 mới, 0 cập nhật).")
    target = db.session.scalar(select(MetricTarget).filter_by(unit_id=org.dt_a.id, year=2021))
    assert (target.case_target_pct, target.money_target_pct) == (Decimal("82.50"), Decimal("40.10"))
    officer = db.session.scalar(select(MetricTarget).filter_by(person_id=officers[0].id))
    assert (officer.case_target_pct, officer.money_target_pct) == (Decimal("81.50"), Decimal("45.50"))
    first = batches(db)[0]
    assert (first.kind, first.row_count, first.new_count) == ("targets", 3, 3)
    assert target.import_batch_id == first.id

    ok(run("targets", csv_file(tmp_path, TARGETS, 'DT-A,unit,2021,"83,25",41', name="sua.csv")),
       "Đã nhập 1 dòng (0 mới, 1 cập nhật).")
    db.session.expire_all()
    assert counts(db)["MetricTarget"] == 3
    target = db.session.scalar(select(MetricTarget).filter_by(unit_id=org.dt_a.id, year=2021))
    assert target.case_target_pct == Decimal("83.25") and target.import_batch_id == batches(db)[1].id
    assert batches(db)[1].replaced_count == 1


def test_targets_bad_file(db, org, run, tmp_path):
    before = counts(db)
    path = csv_file(tmp_path, TARGETS, 'DT-A,unit,2021,"100,5",40', "DT-B,unit,2021,82.555,-1",
                    "DT-X,unit,2021,80,40", "DT-A,unit,2021,80,40", "TH-A,unit,2021,,abc")
    message = "(dùng số từ 0 đến 100, tối đa 2 chữ số thập phân, ví dụ 82,5 hoặc 82.5)"
    refused(db, run("targets", path), before, [
        f"row 2, column case_target_pct: tỷ lệ không hợp lệ “100,5” {message}",
        f"row 3, column case_target_pct: tỷ lệ không hợp lệ “82.555” {message}",
        f"row 3, column money_target_pct: tỷ lệ không hợp lệ “-1” {message}",
        "row 4, column subject_code: không tìm thấy đơn vị “DT-X”",
        "row 5, column subject_code: “DT-A / unit / 2021” trùng với dòng 2",
        "row 6, column case_target_pct: bắt buộc, không được để trống",
        f"row 6, column money_target_pct: tỷ lệ không hợp lệ “abc” {message}",
    ])


# --- indicators ----------------------------------------------------------------------------------------

def test_indicators_import_and_reimport_replaces(db, org, run, tmp_path):
    ok(run("indicators", csv_file(tmp_path, INDICATORS, 'DT-A,2021,31,31,"97,0",1.250', "DT-B,2021,,,,12")),
       "Đã nhập 2 dòng (2 mới, 0 cập nhật).")
    saved = db.session.scalar(select(UnitIndicator).filter_by(unit_id=org.dt_a.id, year=2021))
    assert (saved.complaints_received, saved.complaints_resolved, saved.citizen_receptions) == (31, 31, 1250)
    assert saved.complaints_target_pct == Decimal("97.00") and saved.complaints_rate == Decimal(100)
    assert saved.import_batch_id == batches(db)[0].id and batches(db)[0].kind == "indicators"

    ok(run("indicators", csv_file(tmp_path, INDICATORS, "DT-A,2021,40,30,97,", name="again.csv")),
       "Đã nhập 1 dòng (0 mới, 1 cập nhật).")
    db.session.expire_all()
    saved = db.session.scalar(select(UnitIndicator).filter_by(unit_id=org.dt_a.id, year=2021))
    assert (saved.complaints_received, saved.citizen_receptions) == (40, None)
    assert counts(db)["UnitIndicator"] == 2


def test_indicators_bad_file(db, org, officers, run, tmp_path):
    before = counts(db)
    path = csv_file(tmp_path, INDICATORS, "DT-A,2021,30,31,97,", "DT-B,2021,,5,,", "CHV-DT,2021,1,1,,",
                    "DT-A,2021,1,1,,", "TH-A,2021,3000000000,1,,")
    refused(db, run("indicators", path), before, [
        "row 2, column complaints_resolved: số đơn đã giải quyết (31) lớn hơn số đã nhận (30)",
        "row 3, column complaints_received: bắt buộc khi có số đơn đã giải quyết (complaints_resolved)",
        "row 4, column unit_code: không tìm thấy đơn vị “CHV-DT”",
        "row 5, column unit_code: “DT-A / 2021” trùng với dòng 2",
        "row 6, column complaints_received: số quá lớn “3000000000”",
    ])


# --- the upload page -----------------------------------------------------------------------------------

@pytest.fixture()
def upload_dir(app, tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(directory))
    return directory


def upload(client, kind: str, content: str, filename: str = "so lieu.csv"):
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(content.encode()), filename)},
                       content_type="multipart/form-data")


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, html
    return match.group(1)


@pytest.mark.parametrize("kind", ["metrics", "targets", "indicators"])
def test_only_admin_and_hr_may_import_figures(client, org, login, upload_dir, kind):
    for user, status in ((org.proposer, 403), (org.viewer, 403), (org.approver, 403), (org.hr, 200),
                         (org.admin, 200)):
        login(user)
        assert client.get(f"/imports/{kind}/template.csv").status_code == status, user.username
        client.post("/logout")


def test_upload_checks_the_scope_row_by_row(client, db, org, officers, login, upload_dir):
    login(org.hr)  # hr of Đồng Tháp: its branches and their officers, not Thanh Hóa's
    before = counts(db)
    response = upload(client, "metrics", "\n".join([
        METRICS,
        "DT-A,unit,2021,6,10,5,5,0,0,0",
        "TH-A,unit,2021,6,10,5,5,0,0,0",
        "CHV-DT,person,2021,6,10,5,5,0,0,0",
        "CHV-TH,person,2021,6,10,5,5,0,0,0",
        "TC,unit,2021,6,10,5,5,0,0,0",
    ]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    problems = re.findall(r"<li>(Dòng [^<]*)</li>", html)
    assert problems == [
        "Dòng 3, cột subject_code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn",
        "Dòng 5, cột subject_code: đơn vị “TH-A” của cán bộ “CHV-TH” nằm ngoài phạm vi quản lý của bạn",
        "Dòng 6, cột subject_code: đơn vị “TC” nằm ngoài phạm vi quản lý của bạn",
    ]
    assert "Xác nhận nhập" not in html
    assert not upload_dir.exists() or not any(upload_dir.iterdir())  # a file with problems is not kept
    assert counts(db) == before


def test_upload_preview_then_confirm_records_the_user_and_the_file_name(client, db, org, officers, login,
                                                                        upload_dir):
    login(org.hr)
    response = upload(client, "metrics", "\n".join([METRICS, "DT-A,unit,2021,6,10,5,5,0,0,0",
                                                    "CHV-DT,person,2021,6,3,2,1,0,0,0"]),
                      filename="Documents/thang 6.csv")
    html = response.get_data(as_text=True)
    assert "Xác nhận nhập" in html and counts(db)["MetricReport"] == 0
    response = client.post("/imports/confirm", data={"kind": "metrics", "upload_id": hidden(html, "upload_id"),
                                                     "file_name": hidden(html, "file_name")})
    assert response.status_code == 302
    (batch,) = batches(db)
    assert (batch.kind, batch.file_name, batch.user_id, batch.row_count) == ("metrics", "thang 6.csv", org.hr.id, 2)
    assert report(db, unit=org.dt_a).import_batch_id == batch.id
    assert report(db, person=officers[0]).cases_received == 3


@pytest.mark.parametrize(("kind", "header", "lines", "expected"), [
    ("targets", TARGETS, ["DT-A,unit,2021,80,40", "TH-A,unit,2021,80,40", "CHV-TH,person,2021,80,40"], [
        "row 3, column subject_code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn",
        "row 4, column subject_code: đơn vị “TH-A” của cán bộ “CHV-TH” nằm ngoài phạm vi quản lý của bạn"]),
    ("indicators", INDICATORS, ["DT-B,2021,1,1,,", "TH-A,2021,1,1,,", "DT,2021,1,1,,"], [
        "row 3, column unit_code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn"]),
])
def test_targets_and_indicators_are_scoped_row_by_row(db, org, officers, kind, header, lines, expected):
    table = Table(header=header.split(","), rows=[(n, line.split(",")) for n, line in enumerate(lines, start=2)])
    result = preview_import(KINDS[kind], table, actor=org.hr)
    assert [str(p) for p in result.problems] == expected
    assert run_import(KINDS[kind], Table(table.header, table.rows[:1]), actor=org.hr).ok  # the row in scope


# --- the documented examples ---------------------------------------------------------------------------

def test_documented_examples_import_cleanly_in_order(db, run):
    for kind in ("units", "people", "metrics", "targets", "indicators"):
        result = run(kind, EXAMPLES / f"{kind}.csv")
        assert result.exit_code == 0, (kind, result.stderr, result.exception)
        assert "(0 mới" not in result.stdout
    before = counts(db)
    for kind in ("metrics", "targets", "indicators"):  # again: every row replaces itself
        result = run(kind, EXAMPLES / f"{kind}.csv")
        assert result.exit_code == 0, (kind, result.stderr, result.exception)
        assert "(0 mới, " in result.stdout
    after = counts(db)
    assert after["ImportBatch"] == before["ImportBatch"] + 3
    assert {k: v for k, v in after.items() if k != "ImportBatch"} == {
        k: v for k, v in before.items() if k != "ImportBatch"}
