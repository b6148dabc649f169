"""``flask import <kind> FILE``: good files import and re-import in place; bad files change nothing.

The CLI runs in the test's app context, so it uses the test's ``db.session``: its commit only releases a
savepoint and everything is rolled back after the test.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from awards.core.errors import ValidationFailed
from awards.org import operations
from awards.org.models import (
    Assignment,
    Cluster,
    ClusterMember,
    ClusterRole,
    Discipline,
    DisciplineLevel,
    EmulationYear,
    Gender,
    Person,
    RatingLevel,
    Unit,
    UnitKind,
    UnitName,
    YearlyRating,
)
from tests.factories import make_person, make_unit

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
COUNTED = (Unit, UnitName, Person, Assignment, YearlyRating, EmulationYear, Discipline, Cluster, ClusterMember)

UNITS = "code,name,parent_code,kind,legal_personality,document_code,place,valid_from"
PEOPLE = "code,full_name,gender,birth_date,hire_date,unit_code,position,grade"
RATINGS = "subject_code,subject_type,year,rating"
DISCIPLINE = "person_code,level,start_date,end_date,reason"
CLUSTERS = "cluster_code,cluster_name,organiser_code,year,unit_code,role"


@pytest.fixture()
def run(app, db):
    runner = app.test_cli_runner()

    def _run(kind: str, path: Path):
        return runner.invoke(args=["import", kind, str(path)])

    return _run


def counts(db) -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def csv_file(tmp_path: Path, *lines: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def xlsx_file(tmp_path: Path, rows: list[list], name: str = "data.xlsx") -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def unit(db, code: str) -> Unit:
    return db.session.scalar(select(Unit).filter_by(code=code))


def person(db, code: str) -> Person:
    return db.session.scalar(select(Person).filter_by(code=code))


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


# --- units -------------------------------------------------------------------------------------------

def test_units_csv_children_before_parents_then_reimport_updates_in_place(db, run, tmp_path):
    path = csv_file(
        tmp_path, UNITS,
        "DT-LV,Chi cục Thi hành án dân sự huyện Lấp Vò,DT,district_branch,0,,Lấp Vò,",
        "DT,Cục Thi hành án dân sự tỉnh Đồng Tháp,TC,provincial_department,1,CTHADS,Đồng Tháp,01/01/2015",
        "TC,Tổng cục Thi hành án dân sự,,general_department,yes,TCTHADS,Hà Nội,",
    )
    ok(run("units", path), "Đã nhập 3 dòng (3 mới, 0 cập nhật).")
    dt, lv, tc = unit(db, "DT"), unit(db, "DT-LV"), unit(db, "TC")
    assert (lv.parent, dt.parent, tc.parent) == (dt, tc, None)
    assert (dt.kind, dt.legal_personality, dt.document_code, dt.place) == (
        UnitKind.PROVINCIAL_DEPARTMENT, True, "CTHADS", "Đồng Tháp")
    assert (lv.legal_personality, lv.document_code, tc.legal_personality) == (False, None, True)
    assert [(n.name, n.valid_from) for n in dt.names] == [("Cục Thi hành án dân sự tỉnh Đồng Tháp", date(2015, 1, 1))]
    assert tc.names[0].valid_from == date(2000, 1, 1)  # an empty valid_from means 01/01/2000
    ids = {u.code: u.id for u in (dt, lv, tc)}
    before = counts(db)

    # The 2025 reorganisation renames DT from 1/7/2025; the 2021 name stays for 2021 documents.
    path = csv_file(
        tmp_path, UNITS,
        "TC,Tổng cục Thi hành án dân sự,,general_department,yes,TCTHADS,Hà Nội,",
        "DT,Thi hành án dân sự tỉnh Đồng Tháp,TC,provincial_department,true,THADS,Đồng Tháp,2025-07-01",
        "DT-LV,Phòng Thi hành án dân sự khu vực 3,DT,regional_office,no,,Lấp Vò,2025-07-01",
    )
    ok(run("units", path), "Đã nhập 3 dòng (0 mới, 3 cập nhật).")
    dt = unit(db, "DT")
    assert {u.code: u.id for u in (dt, unit(db, "DT-LV"), unit(db, "TC"))} == ids
    assert dt.name_on(date(2021, 12, 31)) == "Cục Thi hành án dân sự tỉnh Đồng Tháp"
    assert dt.name_on(date(2025, 8, 1)) == "Thi hành án dân sự tỉnh Đồng Tháp"
    assert dt.document_code == "THADS"
    assert unit(db, "DT-LV").kind == UnitKind.REGIONAL_OFFICE
    after = counts(db)
    assert after["Unit"] == before["Unit"] and after["UnitName"] == before["UnitName"] + 2


def test_units_xlsx_with_typed_cells(db, org, run, tmp_path):
    path = xlsx_file(tmp_path, [
        UNITS.split(","),
        ["DT-P1", "Phòng Nghiệp vụ và Tổ chức thi hành án", "DT", "division", True, None, "Đồng Tháp",
         datetime(2019, 1, 1)],
        ["DT-C", "Chi cục THADS huyện Cao Lãnh", "DT", "district_branch", 0, None, None, None],
    ])
    ok(run("units", path), "Đã nhập 2 dòng (2 mới, 0 cập nhật).")
    p1 = unit(db, "DT-P1")
    assert (p1.parent, p1.kind, p1.legal_personality) == (org.dt, UnitKind.DIVISION, True)
    assert p1.names[0].valid_from == date(2019, 1, 1)
    assert unit(db, "DT-C").legal_personality is False


def test_units_csv_with_bom_and_semicolons(db, org, run, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeff" .encode() + (UNITS.replace(",", ";") + "\r\nDT-C;Chi cục C;DT;district_branch;;;;\r\n")
                     .encode())
    ok(run("units", path), "Đã nhập 1 dòng (1 mới, 0 cập nhật).")
    assert unit(db, "DT-C").parent == org.dt


def test_units_bad_file_reports_every_problem_and_changes_nothing(db, org, run, tmp_path):
    before = counts(db)
    path = csv_file(
        tmp_path, UNITS,
        "DT-C,Chi cục C,DT-X,district_branch,0,,,",
        "DT-D,,DT,district,maybe,,,32/01/2020",
        "DT-C,Chi cục C bis,DT,district_branch,,,,",
        "DT,Cục THADS tỉnh Đồng Tháp,DT-A,provincial_department,1,,,",
        "X Y,Tên,,other,,,,",
        "TH-B,Chi cục B,TH-B,district_branch,,,,",
        "DT-E,Chi cục E,DT,district_branch,,,,",
    )
    refused(db, run("units", path), before, [
        "row 2, column parent_code: không tìm thấy đơn vị cấp trên “DT-X” (trong cơ sở dữ liệu và trong tệp)",
        "row 3, column name: bắt buộc, không được để trống",
        "row 3, column kind: giá trị không hợp lệ “district” (dùng một trong: general_department, "
        "provincial_department, district_branch, division, regional_office, other)",
        "row 3, column legal_personality: giá trị không hợp lệ “maybe” (dùng 1/0, true/false hoặc yes/no)",
        "row 3, column valid_from: ngày không hợp lệ “32/01/2020” (dùng dd/mm/yyyy hoặc yyyy-mm-dd)",
        "row 4, column code: “DT-C” trùng với dòng 2",
        "row 5, column parent_code: đơn vị cấp trên “DT-A” nằm bên dưới “DT”: cây đơn vị sẽ thành vòng lặp",
        "row 6, column code: mã không hợp lệ “X Y” (chỉ gồm chữ không dấu, số, dấu . _ -)",
        "row 7, column parent_code: đơn vị không thể là cấp trên của chính nó",
    ])
    assert unit(db, "DT-E") is None  # the good row 8 was not written either
    assert org.dt.parent == org.root


def test_units_cycle_inside_the_file(db, run, tmp_path):
    before = counts(db)
    path = csv_file(tmp_path, UNITS, "A,Đơn vị A,B,other,,,,", "B,Đơn vị B,A,other,,,,")
    refused(db, run("units", path), before, [
        "row 2, column parent_code: đơn vị cấp trên “B” nằm bên dưới “A”: cây đơn vị sẽ thành vòng lặp",
        "row 3, column parent_code: đơn vị cấp trên “A” nằm bên dưới “B”: cây đơn vị sẽ thành vòng lặp",
    ])


def test_units_bad_header(db, run, tmp_path):
    before = counts(db)
    path = csv_file(tmp_path, UNITS.replace("parent_code", "parent") + ",xyz", "A,Đơn vị A,,other,,,,,")
    columns = UNITS.replace(",", ", ")
    refused(db, run("units", path), before, [
        "row 1, column parent_code: thiếu cột",
        f"row 1, column parent: cột không được hỗ trợ (các cột: {columns})",
        f"row 1, column xyz: cột không được hỗ trợ (các cột: {columns})",
    ])


# --- people ------------------------------------------------------------------------------------------

def test_people_csv_then_reimport_moves_and_updates_in_place(db, org, run, tmp_path):
    path = csv_file(
        tmp_path, PEOPLE,
        "P001,Nguyễn Thị Lan,female,17/05/1985,2010-09-01,DT-A,Chấp hành viên sơ cấp,",
        "P002,Trần Văn Minh,MALE,,,DT-B,Thư ký,Cán sự",
    )
    ok(run("people", path), "Đã nhập 2 dòng (2 mới, 0 cập nhật).")
    lan = person(db, "P001")
    assert (lan.full_name, lan.gender, lan.birth_date, lan.hire_date, lan.unit, lan.position, lan.grade) == (
        "Nguyễn Thị Lan", Gender.FEMALE, date(1985, 5, 17), date(2010, 9, 1), org.dt_a, "Chấp hành viên sơ cấp",
        None)
    assert [(a.unit, a.valid_from, a.valid_to) for a in lan.assignments] == [(org.dt_a, date(2010, 9, 1), None)]
    assert person(db, "P002").gender == Gender.MALE
    before = counts(db)

    path = csv_file(
        tmp_path, PEOPLE,
        "P001,Nguyễn Thị Lan,female,17/05/1985,2010-09-01,DT-B,Chấp hành viên trung cấp,",
        "P002,Trần Văn Minh,male,,,DT-B,Thư ký,Cán sự",
    )
    ok(run("people", path), "Đã nhập 2 dòng (0 mới, 2 cập nhật).")
    lan = person(db, "P001")
    today = date.today()
    assert (lan.unit, lan.position) == (org.dt_b, "Chấp hành viên trung cấp")
    # A move starts today; the time in DT-A stays in the history.
    assert [(a.unit, a.valid_from, a.valid_to) for a in lan.assignments] == [
        (org.dt_a, date(2010, 9, 1), today - timedelta(days=1)), (org.dt_b, today, None)]
    after = counts(db)
    assert after["Person"] == before["Person"] and after["Assignment"] == before["Assignment"] + 1


def test_people_xlsx(db, org, run, tmp_path):
    path = xlsx_file(tmp_path, [
        PEOPLE.split(","),
        ["P010", "Lê Thị Hoa", "female", datetime(1990, 2, 3), datetime(2015, 1, 5), "TH-A", "Thẩm tra viên", "A1"],
    ])
    ok(run("people", path), "Đã nhập 1 dòng (1 mới, 0 cập nhật).")
    hoa = person(db, "P010")
    assert (hoa.birth_date, hoa.hire_date, hoa.unit, hoa.grade) == (date(1990, 2, 3), date(2015, 1, 5), org.th_a, "A1")


def test_people_bad_file(db, org, run, tmp_path):
    before = counts(db)
    path = csv_file(
        tmp_path, PEOPLE,
        "P001,Nguyễn Văn A,nam,1985-13-01,,DT-A,,",
        "P002,,female,,,DT-Z,,",
        "P001,Nguyễn Văn B,male,,,DT-A,,",
        "P003,Lê Thị C,female,01/01/2000,01/01/1999,,,",
        "P004,Lê Thị D,female,01/01/2100,,DT-A,,",
    )
    refused(db, run("people", path), before, [
        "row 2, column gender: giá trị không hợp lệ “nam” (dùng một trong: male, female)",
        "row 2, column birth_date: ngày không hợp lệ “1985-13-01” (dùng dd/mm/yyyy hoặc yyyy-mm-dd)",
        "row 3, column full_name: bắt buộc, không được để trống",
        "row 3, column unit_code: không tìm thấy đơn vị “DT-Z”",
        "row 4, column code: “P001” trùng với dòng 2",
        "row 5, column hire_date: ngày vào làm trước ngày sinh",
        "row 5, column unit_code: bắt buộc, không được để trống",
        "row 6, column birth_date: ngày sinh ở tương lai",
    ])


def test_a_failure_while_writing_rolls_back_every_row(db, org, run, tmp_path, monkeypatch):
    original = operations.save_person

    def fail_on_second(code, **fields):
        if code == "P002":
            raise ValidationFailed("lỗi giả lập khi ghi")
        return original(code, **fields)

    monkeypatch.setattr(operations, "save_person", fail_on_second)
    before = counts(db)
    path = csv_file(tmp_path, PEOPLE, "P001,Nguyễn Thị Lan,female,,,DT-A,,", "P002,Trần Văn Minh,male,,,DT-B,,")
    refused(db, run("people", path), before, ["row 3, column code: lỗi giả lập khi ghi"])
    assert person(db, "P001") is None  # row 2 had been written, and was rolled back


# --- ratings -----------------------------------------------------------------------------------------

def test_ratings_create_years_and_reimport_updates_in_place(db, org, run, tmp_path):
    lan = make_person(org.dt_a, "P001")
    path = csv_file(tmp_path, RATINGS, "P001,person,2021,HTXSNV", "DT-A,unit,2021,httnv", "P001,person,2020,HTNV")
    ok(run("ratings", path), "Đã nhập 3 dòng (3 mới, 0 cập nhật).")
    ratings = {(r.person_id, r.unit_id, r.year): r.rating for r in db.session.scalars(select(YearlyRating))}
    assert ratings == {(lan.id, None, 2021): RatingLevel.HTXSNV, (None, org.dt_a.id, 2021): RatingLevel.HTTNV,
                       (lan.id, None, 2020): RatingLevel.HTNV}
    years = {y.label: (y.start_date, y.end_date) for y in db.session.scalars(select(EmulationYear))}
    assert years == {2021: (date(2020, 10, 1), date(2021, 9, 30)), 2020: (date(2019, 10, 1), date(2020, 9, 30))}
    before = counts(db)

    path = xlsx_file(tmp_path, [RATINGS.split(","), ["P001", "person", 2021, "HTTNV"], ["DT-B", "unit", 2021, "HTNV"]])
    ok(run("ratings", path), "Đã nhập 2 dòng (1 mới, 1 cập nhật).")
    rating = db.session.scalar(select(YearlyRating).filter_by(person_id=lan.id, year=2021))
    assert rating.rating == RatingLevel.HTTNV
    assert counts(db)["YearlyRating"] == before["YearlyRating"] + 1
    assert counts(db)["EmulationYear"] == before["EmulationYear"]


def test_ratings_bad_file(db, org, run, tmp_path):
    make_person(org.dt_a, "P001")
    before = counts(db)
    path = csv_file(
        tmp_path, RATINGS,
        "P001,person,2021,XUATSAC",
        "P999,person,2021,HTNV",
        "DT-A,unit,21,HTNV",
        "DT-A,team,2021,HTNV",
        "P001,person,2021,HTNV",
        "ZZ,unit,2021,",
    )
    refused(db, run("ratings", path), before, [
        "row 2, column rating: giá trị không hợp lệ “XUATSAC” (dùng một trong: HTXSNV, HTTNV, HTNV, KHTNV)",
        "row 3, column subject_code: không tìm thấy cán bộ “P999”",
        "row 4, column year: năm không hợp lệ “21” (dùng 4 chữ số, ví dụ 2021)",
        "row 5, column subject_type: giá trị không hợp lệ “team” (dùng một trong: person, unit)",
        "row 6, column subject_code: “P001 / person / 2021” trùng với dòng 2",
        "row 7, column subject_code: không tìm thấy đơn vị “ZZ”",
        "row 7, column rating: bắt buộc, không được để trống",
    ])


# --- discipline --------------------------------------------------------------------------------------

def test_discipline_then_reimport_updates_in_place(db, org, run, tmp_path):
    lan = make_person(org.dt_a, "P001")
    path = csv_file(tmp_path, DISCIPLINE, "P001,khien_trach,01/03/2021,28/02/2022,Chậm trễ trong tác nghiệp",
                    "P001,canh_cao,2022-06-01,,")
    ok(run("discipline", path), "Đã nhập 2 dòng (2 mới, 0 cập nhật).")
    assert [(d.level, d.start_date, d.end_date, d.reason) for d in lan.disciplines] == [
        (DisciplineLevel.KHIEN_TRACH, date(2021, 3, 1), date(2022, 2, 28), "Chậm trễ trong tác nghiệp"),
        (DisciplineLevel.CANH_CAO, date(2022, 6, 1), None, "")]
    before = counts(db)

    path = xlsx_file(tmp_path, [DISCIPLINE.split(","),
                                ["P001", "KHIEN_TRACH", datetime(2021, 3, 1), datetime(2021, 12, 31), "Đã khắc phục"]])
    ok(run("discipline", path), "Đã nhập 1 dòng (0 mới, 1 cập nhật).")
    db.session.refresh(lan)
    assert (lan.disciplines[0].end_date, lan.disciplines[0].reason) == (date(2021, 12, 31), "Đã khắc phục")
    assert counts(db) == before


def test_discipline_bad_file(db, org, run, tmp_path):
    make_person(org.dt_a, "P001")
    before = counts(db)
    path = csv_file(
        tmp_path, DISCIPLINE,
        "P001,phe_binh,01/03/2021,,",
        "P001,canh_cao,01/03/2021,01/02/2021,",
        "P999,khien_trach,01/01/2021,,",
        "P001,khien_trach,,,",
        "P001,canh_cao,2021-03-01,,",
    )
    refused(db, run("discipline", path), before, [
        "row 2, column level: giá trị không hợp lệ “phe_binh” (dùng một trong: khien_trach, canh_cao, giang_chuc, "
        "cach_chuc, buoc_thoi_viec)",
        "row 3, column end_date: ngày kết thúc trước ngày bắt đầu",
        "row 4, column person_code: không tìm thấy cán bộ “P999”",
        "row 5, column start_date: bắt buộc, không được để trống",
        "row 6, column person_code: “P001 / canh_cao / 2021-03-01” trùng với dòng 3",
    ])


# --- clusters ----------------------------------------------------------------------------------------

@pytest.fixture()
def branches(org):
    return make_unit("TH-B", name="Chi cục THADS huyện Thường Xuân", parent=org.th), \
        make_unit("TH-C", name="Chi cục THADS huyện Bá Thước", parent=org.th)


def test_clusters_then_reimport_rotates_roles_in_place(db, org, branches, run, tmp_path):
    th_b, th_c = branches
    path = csv_file(
        tmp_path, CLUSTERS,
        "TH-3,Cụm thi đua số 3,TH,2021,TH-A,leader",
        "TH-3,,,2021,TH-B,deputy",
        "TH-3,Cụm thi đua số 3,,2021,TH-C,",
    )
    ok(run("clusters", path), "Đã nhập 3 dòng (3 mới, 0 cập nhật).")
    cluster = db.session.scalar(select(Cluster).filter_by(code="TH-3"))
    assert (cluster.name, cluster.organiser) == ("Cụm thi đua số 3", org.th)
    assert {(m.unit, m.role) for m in cluster.members_in(2021)} == {
        (org.th_a, ClusterRole.LEADER), (th_b, ClusterRole.DEPUTY), (th_c, ClusterRole.MEMBER)}

    path = xlsx_file(tmp_path, [
        CLUSTERS.split(","),
        ["TH-3", "Cụm thi đua số 3 (Thanh Hóa)", "TH", 2021, "TH-A", "member"],
        ["TH-3", None, None, 2021, "TH-B", "leader"],
        ["TH-3", None, None, 2022, "TH-C", "leader"],
    ])
    ok(run("clusters", path), "Đã nhập 3 dòng (1 mới, 2 cập nhật).")
    db.session.refresh(cluster)
    assert cluster.name == "Cụm thi đua số 3 (Thanh Hóa)"
    assert {(m.unit, m.role) for m in cluster.members_in(2021)} == {
        (org.th_a, ClusterRole.MEMBER), (th_b, ClusterRole.LEADER), (th_c, ClusterRole.MEMBER)}
    assert [(m.unit, m.role) for m in cluster.members_in(2022)] == [(th_c, ClusterRole.LEADER)]
    assert counts(db)["Cluster"] == 1 and counts(db)["ClusterMember"] == 4


def test_clusters_bad_file(db, org, branches, run, tmp_path):
    before = counts(db)
    path = csv_file(
        tmp_path, CLUSTERS,
        "C1,,TH,2021,TH-A,leader",
        "C1,,TH,2021,TH-B,leader",
        "C1,,TC,2021,TH-C,chief",
        "C2,Cụm 2,,2021,TH-A,member",
        "C2,Cụm 2,,2021,ZZ,member",
        "C1,,TH,2021,TH-A,member",
        "C3,Cụm 3,ZZ,2021,TH-A,",
        "C3,Cụm ba,,,TH-B,",
    )
    refused(db, run("clusters", path), before, [
        "row 2, column cluster_name: bắt buộc với cụm mới “C1”",
        "row 3, column role: cụm “C1” năm 2021 đã có trưởng cụm ở dòng 2",
        "row 4, column organiser_code: khác với dòng 2 (“TH”)",
        "row 4, column role: giá trị không hợp lệ “chief” (dùng một trong: leader, deputy, member)",
        "row 5, column organiser_code: bắt buộc với cụm mới “C2”",
        "row 6, column unit_code: không tìm thấy đơn vị “ZZ”",
        "row 7, column cluster_code: “C1 / 2021 / TH-A” trùng với dòng 2",
        "row 8, column organiser_code: không tìm thấy đơn vị “ZZ”",
        "row 9, column cluster_name: khác với dòng 8 (“Cụm 3”)",
        "row 9, column year: bắt buộc, không được để trống",
    ])


def test_clusters_one_leader_per_year_counting_the_database(db, org, branches, run, tmp_path):
    th_b, _ = branches
    cluster = operations.save_cluster("TH-3", name="Cụm thi đua số 3", organiser=org.th)
    operations.set_cluster_member(cluster, 2021, org.th_a, ClusterRole.LEADER)
    before = counts(db)
    refused(db, run("clusters", csv_file(tmp_path, CLUSTERS, "TH-3,,,2021,TH-B,leader")), before, [
        "row 2, column role: cụm “TH-3” năm 2021 đã có trưởng cụm “TH-A”"])
    # Restating the former leader as a member in the same file is a rotation, which is fine.
    path = csv_file(tmp_path, CLUSTERS, "TH-3,,,2021,TH-B,leader", "TH-3,,,2021,TH-A,member")
    ok(run("clusters", path), "Đã nhập 2 dòng (1 mới, 1 cập nhật).")


# --- unreadable files --------------------------------------------------------------------------------

def test_unreadable_files_exit_1_with_a_message(db, run, tmp_path):
    before = counts(db)
    not_xlsx = tmp_path / "units.xlsx"
    not_xlsx.write_text(UNITS + "\n")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes((UNITS + "\nA,Đơn vị,,other,,,,\n").encode("utf-16"))
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes((UNITS + "\nA,Đơn vị,,other,,,,\n").encode("cp1258", errors="replace"))
    other = csv_file(tmp_path, UNITS, name="units.txt")
    cases = {
        tmp_path / "missing.csv": f"Không tìm thấy tệp “{tmp_path / 'missing.csv'}”.",
        other: "Định dạng tệp không được hỗ trợ “.txt” (chỉ nhận .csv hoặc .xlsx).",
        not_xlsx: "Tệp không phải là tệp XLSX hợp lệ.",
        utf16: "Tệp không phải là tệp CSV (có dữ liệu nhị phân).",
        legacy: "Tệp CSV phải được lưu với mã hóa UTF-8.",
    }
    for path, message in cases.items():
        refused(db, run("units", path), before, [message])


def test_empty_file_and_header_only_file(db, run, tmp_path):
    before = counts(db)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    refused(db, run("discipline", empty), before, [f"row 1, column {c}: thiếu cột" for c in DISCIPLINE.split(",")])
    refused(db, run("discipline", csv_file(tmp_path, DISCIPLINE)), before, [
        "row 2, column person_code: tệp không có dòng dữ liệu nào"])


# --- the documented examples ---------------------------------------------------------------------------

def test_documented_examples_import_cleanly_in_order(db, run):
    kinds = ("units", "people", "ratings", "discipline", "clusters")
    for kind in kinds:
        result = run(kind, EXAMPLES / f"{kind}.csv")
        assert result.exit_code == 0, (kind, result.stderr, result.exception)
        assert "(0 mới" not in result.stdout
    before = counts(db)
    for kind in kinds:  # a second time: everything is an update, nothing is added
        result = run(kind, EXAMPLES / f"{kind}.csv")
        assert result.exit_code == 0, (kind, result.stderr, result.exception)
        assert "(0 mới, " in result.stdout
    assert counts(db) == before
    assert unit(db, "DT-LV").parent.code == "DT"
    assert person(db, "DT0001").unit.code == "DT-LV"
