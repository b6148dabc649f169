"""The upload page: preview writes nothing, confirm writes; roles and the user's scope apply row by row."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from awards.imports.framework import ImportRejected
from awards.imports.kinds import KINDS
from awards.imports.operations import preview_import, run_import
from awards.core.errors import NotFound, PermissionDenied
from awards.imports.reading import Table
from awards.imports.uploads import load_upload
from awards.org import operations
from awards.org.models import Cluster, Person, Role, Unit, YearlyRating
from tests.factories import make_person, make_user

UNITS = "code,name,parent_code,kind,legal_personality,document_code,place,valid_from"
PEOPLE = "code,full_name,gender,birth_date,hire_date,unit_code,position,grade"


@pytest.fixture()
def upload_dir(app, tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(directory))
    return directory


def upload(client, kind: str, content: bytes, filename: str = "danh sach.csv"):
    return client.post("/imports/", data={"kind": kind, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def upload_id(html: str) -> str:
    match = re.search(r'name="upload_id" type="hidden" value="([0-9a-f]{32})"', html) or \
        re.search(r'id="upload_id" name="upload_id" type="hidden" value="([0-9a-f]{32})"', html)
    assert match, html
    return match.group(1)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def table(*lines: str) -> Table:
    header, *rows = [line.split(",") for line in lines]
    return Table(header=header, rows=[(n, r) for n, r in enumerate(rows, start=2)])


# --- roles -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["proposer", "approver", "secretary", "member", "viewer"])
def test_roles_without_import_rights_get_403(client, org, login, upload_dir, who):
    login(getattr(org, who))
    assert client.get("/imports/").status_code == 403
    assert upload(client, "people", csv_bytes(PEOPLE, "P1,A,male,,,DT-A,,")).status_code == 403
    assert client.post("/imports/confirm", data={"kind": "people", "upload_id": "0" * 32}).status_code == 403
    assert client.get("/imports/people/template.csv").status_code == 403
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


def test_hr_imports_staff_data_but_not_units_or_clusters(client, db, org, login, upload_dir):
    login(org.hr)
    page = client.get("/imports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="people"' in html and 'value="ratings"' in html and 'value="discipline"' in html
    assert 'value="units"' not in html and 'value="clusters"' not in html
    assert upload(client, "units", csv_bytes(UNITS, "DT-C,Chi cục C,DT,district_branch,,,,")).status_code == 403
    assert upload(client, "clusters", csv_bytes("cluster_code")).status_code == 403
    assert client.get("/imports/units/template.csv").status_code == 403
    template = client.get("/imports/people/template.csv")
    assert template.status_code == 200
    assert template.get_data(as_text=True) == "\ufeff" + PEOPLE + "\r\n"
    assert count(db, Unit) == 6


def test_unknown_kind_is_404(client, org, login, upload_dir):
    login(org.admin)
    assert upload(client, "no-such-kind", csv_bytes("x")).status_code == 404


# --- preview, then confirm -----------------------------------------------------------------------------

def test_preview_writes_nothing_and_confirm_writes(client, db, org, login, upload_dir):
    login(org.admin)
    response = upload(client, "units", csv_bytes(
        UNITS,
        "DT-C,Chi cục THADS huyện Cao Lãnh,DT,district_branch,0,,Cao Lãnh,",
        "DT-A,Chi cục THADS huyện Lấp Vò,DT,district_branch,0,,Lấp Vò,",
    ))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Xác nhận nhập" in html
    assert "Chi cục THADS huyện Cao Lãnh" in html
    assert "1 mới" in html and "1 cập nhật" in html
    assert count(db, Unit) == 6 and db.session.scalar(select(Unit).filter_by(code="DT-C")) is None

    kept = list(upload_dir.iterdir())
    token = upload_id(html)
    assert len(kept) == 1 and kept[0].name == f"{org.admin.id}-units-{token}.csv"  # never the user's file name

    response = client.post("/imports/confirm", data={"kind": "units", "upload_id": token})
    assert response.status_code == 302
    assert db.session.scalar(select(Unit).filter_by(code="DT-C")).parent == org.dt
    assert count(db, Unit) == 7
    assert not any(upload_dir.iterdir())  # the kept file is deleted once applied
    assert "Đã nhập 2 dòng (1 mới, 1 cập nhật)." in client.get("/imports/").get_data(as_text=True)

    # The same id cannot be confirmed twice.
    assert client.post("/imports/confirm", data={"kind": "units", "upload_id": token}).status_code == 404


def test_preview_of_xlsx_people(client, db, org, login, upload_dir):
    wb = Workbook()
    wb.active.append(PEOPLE.split(","))
    wb.active.append(["P100", "Đỗ Thị Hạnh", "female", None, None, "DT-A", "Thư ký", None])
    buffer = io.BytesIO()
    wb.save(buffer)
    login(org.hr)
    response = upload(client, "people", buffer.getvalue(), "nhan su.xlsx")
    assert response.status_code == 200 and "Xác nhận nhập" in response.get_data(as_text=True)
    token = upload_id(response.get_data(as_text=True))
    assert (upload_dir / f"{org.hr.id}-people-{token}.xlsx").is_file()
    assert client.post("/imports/confirm", data={"kind": "people", "upload_id": token}).status_code == 302
    assert db.session.scalar(select(Person).filter_by(code="P100")).unit == org.dt_a


def test_preview_with_problems_cannot_be_confirmed_and_keeps_no_file(client, db, org, login, upload_dir):
    login(org.admin)
    response = upload(client, "units", csv_bytes(UNITS, "DT-C,Chi cục C,DT-X,district_branch,,,,"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Dòng 2, cột parent_code: không tìm thấy đơn vị cấp trên “DT-X”" in html
    assert "Xác nhận nhập" not in html
    assert not upload_dir.exists() or not any(upload_dir.iterdir())
    assert count(db, Unit) == 6


def test_upload_must_really_be_csv_or_xlsx(client, db, org, login, upload_dir):
    login(org.admin)
    fake = upload(client, "units", csv_bytes(UNITS, "A,B,,other,,,,"), "units.xlsx")
    assert fake.status_code == 200
    assert "Tệp không phải là tệp XLSX hợp lệ." in fake.get_data(as_text=True)
    other = upload(client, "units", b"hello", "units.txt")
    assert "Chỉ nhận tệp .csv hoặc .xlsx." in other.get_data(as_text=True)
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


def test_an_upload_belongs_to_its_user_and_kind(client, db, org, login, upload_dir):
    login(org.admin)
    token = upload_id(upload(client, "people", csv_bytes(PEOPLE, "P1,A,male,,,DT-A,,")).get_data(as_text=True))
    assert client.post("/imports/confirm", data={"kind": "ratings", "upload_id": token}).status_code == 404
    assert client.post("/imports/confirm", data={"kind": "people", "upload_id": "../../x"}).status_code == 422
    # Another user cannot load it. (Checked below the view: in tests every request of a test shares one
    # app context, hence one ``g`` and one signed-in user, so a second client would not be a second user.)
    with pytest.raises(NotFound):
        load_upload(token, owner_id=org.hr.id, kind="people")
    assert load_upload(token, owner_id=org.admin.id, kind="people").table.header == PEOPLE.split(",")
    assert count(db, Person) == 0


def test_confirm_checks_again_and_writes_nothing_if_the_data_changed(client, db, org, login, upload_dir):
    make_person(org.dt_a, "P1")
    make_person(org.dt_a, "P2")
    login(org.hr)
    html = upload(client, "ratings", csv_bytes("subject_code,subject_type,year,rating",
                                               "P2,person,2021,HTTNV", "P1,person,2021,HTTNV")).get_data(as_text=True)
    # Between preview and confirm someone removes P1.
    db.session.delete(db.session.scalar(select(Person).filter_by(code="P1")))
    db.session.flush()
    response = client.post("/imports/confirm", data={"kind": "ratings", "upload_id": upload_id(html)})
    assert response.status_code == 422
    assert "Dòng 3, cột subject_code: không tìm thấy cán bộ “P1”" in response.get_data(as_text=True)
    assert "Xác nhận nhập" not in response.get_data(as_text=True)
    assert count(db, YearlyRating) == 0
    assert not any(upload_dir.iterdir())


def test_confirm_needs_a_csrf_token(app, client, db, org, login, upload_dir, monkeypatch):
    login(org.admin)
    token = upload_id(upload(client, "people", csv_bytes(PEOPLE, "P1,A,male,,,DT-A,,")).get_data(as_text=True))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/imports/confirm", data={"kind": "people", "upload_id": token}).status_code == 400
    assert upload(client, "people", csv_bytes(PEOPLE, "P2,B,male,,,DT-A,,")).status_code == 400
    page = client.get("/imports/").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    assert count(db, Person) == 0


# --- scope, row by row ---------------------------------------------------------------------------------

def _lines(kind: str, actor, *lines: str) -> list[str]:
    return [str(p) for p in preview_import(KINDS[kind], table(*lines), actor=actor).problems]


def test_people_scope_on_the_page(client, db, org, login, upload_dir):
    make_person(org.th_a, "P-TH")
    login(org.hr)  # hr of Đồng Tháp
    response = upload(client, "people", csv_bytes(
        PEOPLE,
        "P1,Nguyễn An,male,,,DT-A,,",
        "P2,Trần Bình,male,,,TH-A,,",
        "P-TH,Lê Chi,female,,,DT-B,,",
    ))
    html = response.get_data(as_text=True)
    assert "Dòng 3, cột unit_code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn" in html
    assert "Dòng 4, cột code: đơn vị “TH-A” của cán bộ “P-TH” nằm ngoài phạm vi quản lý của bạn" in html
    assert "Dòng 2" not in html
    assert "Xác nhận nhập" not in html


def test_units_scope(db, org):
    dt_admin = make_user("dt_admin", (Role.ADMIN, org.dt))
    assert _lines(
        "units", dt_admin, UNITS,
        "DT-C,Chi cục C,DT,district_branch,,,,",            # new under DT: fine
        "DT-C1,Tổ 1,DT-C2,other,,,,",                      # new under a new unit of this file: fine
        "DT-C2,Tổ 2,DT-C,other,,,,",
        "DT,Cục THADS tỉnh Đồng Tháp,TC,provincial_department,1,CTHADS,Đồng Tháp,",  # unchanged parent: fine
        "TH-X,Chi cục X,TH,district_branch,,,,",
        "TH-A,Chi cục Quan Sơn,TH,district_branch,,,,",
        "DT-B,Chi cục Lai Vung,TH,district_branch,,,,",
        "NEW,Đơn vị gốc,,other,,,,",
        "TH-Y,Tổ Y,TH-X,other,,,,",
    ) == [
        "row 6, column parent_code: đơn vị “TH” nằm ngoài phạm vi quản lý của bạn",
        "row 7, column code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn",
        "row 8, column parent_code: đơn vị “TH” nằm ngoài phạm vi quản lý của bạn",
        "row 9, column parent_code: đơn vị gốc (không có cấp trên) nằm ngoài phạm vi quản lý của bạn",
        "row 10, column parent_code: đơn vị “TH-X” nằm ngoài phạm vi quản lý của bạn",
    ]
    assert _lines("units", org.admin, UNITS, "TH-X,Chi cục X,TH,district_branch,,,,") == []
    assert _lines("units", None, UNITS, "NEW,Đơn vị gốc,,other,,,,") == []  # the CLI has no scope


def test_ratings_and_discipline_scope(db, org):
    make_person(org.th_a, "P-TH")
    make_person(org.dt_a, "P-DT")
    assert _lines("ratings", org.hr, "subject_code,subject_type,year,rating",
                  "P-DT,person,2021,HTTNV", "DT-A,unit,2021,HTTNV", "P-TH,person,2021,HTTNV",
                  "TH-A,unit,2021,HTTNV") == [
        "row 4, column subject_code: đơn vị “TH-A” của cán bộ “P-TH” nằm ngoài phạm vi quản lý của bạn",
        "row 5, column subject_code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn",
    ]
    assert _lines("discipline", org.hr, "person_code,level,start_date,end_date,reason",
                  "P-DT,khien_trach,01/01/2021,,", "P-TH,khien_trach,01/01/2021,,") == [
        "row 3, column person_code: đơn vị “TH-A” của cán bộ “P-TH” nằm ngoài phạm vi quản lý của bạn"]


def test_clusters_scope(db, org):
    dt_admin = make_user("dt_admin", (Role.ADMIN, org.dt))
    th_cluster = operations.save_cluster("TH-3", name="Cụm 3", organiser=org.th)
    operations.set_cluster_member(th_cluster, 2021, org.th_a, operations.ClusterRole.LEADER)
    header = "cluster_code,cluster_name,organiser_code,year,unit_code,role"
    assert _lines("clusters", dt_admin, header,
                  "DT-1,Cụm 1,DT,2021,DT-A,leader",
                  "DT-2,Cụm 2,TH,2021,DT-B,leader",
                  "DT-1,,,2021,TH-A,member",
                  "TH-3,,,2021,DT-B,member") == [
        "row 3, column organiser_code: đơn vị “TH” nằm ngoài phạm vi quản lý của bạn",
        "row 4, column unit_code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn",
        "row 5, column cluster_code: đơn vị “TH” nằm ngoài phạm vi quản lý của bạn",
    ]


def test_run_import_as_a_user_refuses_out_of_scope_rows_and_writes_nothing(db, org):
    with pytest.raises(ImportRejected) as rejected:
        run_import(KINDS["people"], table(PEOPLE, "P1,An,male,,,DT-A,,", "P2,Bình,male,,,TH-A,,"), actor=org.hr)
    assert [str(p) for p in rejected.value.result.problems] == [
        "row 3, column unit_code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn"]
    assert count(db, Person) == 0
    assert count(db, YearlyRating) == 0 and count(db, Cluster) == 0


def test_the_operations_refuse_an_actor_without_the_role(db, org):
    units = table(UNITS, "DT-C,Chi cục C,DT,district_branch,,,,")
    with pytest.raises(PermissionDenied):
        preview_import(KINDS["units"], units, actor=org.hr)
    with pytest.raises(PermissionDenied):
        run_import(KINDS["people"], table(PEOPLE, "P1,An,male,,,DT-A,,"), actor=org.proposer)
    assert count(db, Person) == 0 and count(db, Unit) == 6


def test_a_large_preview_shows_its_first_rows_and_every_problem(client, org, login, db):
    login(org.admin)
    header = "code,name,parent_code,kind,legal_personality,document_code,place,valid_from"
    rows = [f"BIG{i:04d},Đơn vị {i},DT,division,0,,," for i in range(600)]
    rows.append("BAD 1,Sai,DT,division,0,,,")  # row 602: a code with a space
    response = upload(client, "units", csv_bytes(header, *rows))
    page = response.get_data(as_text=True)
    assert "Chỉ hiển thị 500 dòng đầu; tệp còn 101 dòng nữa" in page
    assert "BIG0499" in page and "BIG0550" not in page
    assert "Dòng 602, cột code:" in page  # the bad row beyond the first 500 is still named
