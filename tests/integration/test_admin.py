"""Admin CRUD: units, names, clusters, people, ratings, discipline, accounts and roles.

Each record type: the allowed role creates and edits it; a bad form answers in Vietnamese and changes
nothing; a record outside the scope is 404, the wrong role 403, a stale version 409.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from awards.org.models import (
    ApiToken,
    Assignment,
    Cluster,
    ClusterMember,
    ClusterRole,
    Discipline,
    DisciplineLevel,
    Person,
    RatingLevel,
    Role,
    RoleAssignment,
    Unit,
    UnitKind,
    User,
    YearlyRating,
)
from awards.org.operations import record_discipline, save_cluster, set_cluster_member
from tests.factories import PASSWORD, make_person, make_user


@pytest.fixture()
def as_user(app, db):
    """``as_user(user)``: a fresh test client signed in as ``user`` (several can coexist in a test)."""

    def _as(user):
        client = app.test_client()
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return client

    return _as


@pytest.fixture()
def dt_admin(org):
    """An admin of the Đồng Tháp department only (the org fixture's admin holds the whole tree)."""
    return make_user("dt_admin", (Role.ADMIN, org.dt))


def version_in(html: str, name: str = "version") -> str:
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="(\d+)"', html) or \
        re.search(rf'type="hidden" name="{re.escape(name)}" value="(\d+)"', html)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


def text(response) -> str:
    return response.get_data(as_text=True)


def unit_form(unit: Unit, **changes) -> dict:
    data = {"kind": unit.kind.value, "parent_id": str(unit.parent_id or ""),
            "legal_personality": "y" if unit.legal_personality else "", "document_code": unit.document_code or "",
            "place": unit.place or "", "authorised_staff": "", "version": str(unit.version)}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def person_form(person: Person, **changes) -> dict:
    data = {"full_name": person.full_name, "gender": person.gender.value, "birth_date": "",
            "hire_date": person.hire_date.strftime("%d/%m/%Y") if person.hire_date else "",
            "position": person.position or "", "grade": person.grade or "", "version": str(person.version)}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- who may open the admin pages --------------------------------------------------------------------

def test_anonymous_is_sent_to_login(client, org):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["hr", "approver", "secretary", "member", "proposer", "viewer"])
def test_admin_pages_are_403_without_an_admin_role(as_user, org, who):
    client = as_user(getattr(org, who))
    for url in ("/admin/", "/admin/units", "/admin/units/new", "/admin/clusters", "/admin/users",
                "/admin/users/new", "/admin/units/DT/edit"):
        assert client.get(url).status_code == 403, url


def test_admin_home_lists_the_sections(as_user, org):
    response = as_user(org.admin).get("/admin/")
    assert response.status_code == 200
    for link in ("/admin/units", "/admin/clusters", "/admin/users", "/people", "/admin/people/new"):
        assert f'href="{link}"' in text(response)


def test_unit_list_is_scoped(as_user, org, dt_admin):
    page = text(as_user(dt_admin).get("/admin/units"))
    assert "DT-A" in page and "DT-B" in page
    assert "<code>TH-A</code>" not in page and "<code>TC</code>" not in page and "<code>TH</code>" not in page


# --- units -------------------------------------------------------------------------------------------

def test_admin_creates_a_unit_under_a_unit_in_scope(as_user, org, dt_admin, db):
    response = as_user(dt_admin).post("/admin/units/new", data={
        "code": "DT-C", "name": "Chi cục THADS huyện Tháp Mười", "name_valid_from": "01/01/2021",
        "kind": "district_branch", "parent_id": str(org.dt.id), "document_code": "CCTHADS",
        "place": "Tháp Mười", "authorised_staff": "12"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/units/DT-C/edit")
    unit = db.session.scalar(select(Unit).where(Unit.code == "DT-C"))
    assert unit.parent is org.dt and unit.kind is UnitKind.DISTRICT_BRANCH and unit.authorised_staff == 12
    assert [(n.name, n.valid_from) for n in unit.names] == [("Chi cục THADS huyện Tháp Mười", date(2021, 1, 1))]


def test_new_unit_must_hang_under_the_admins_scope(as_user, org, dt_admin, db):
    client = as_user(dt_admin)
    base = {"code": "X1", "name": "Đơn vị X", "name_valid_from": "2021-01-01", "kind": "other"}
    outside = client.post("/admin/units/new", data={**base, "parent_id": str(org.th.id)})
    assert outside.status_code == 422 and "Lựa chọn không hợp lệ" in text(outside)
    none = client.post("/admin/units/new", data={**base, "parent_id": ""})
    assert none.status_code == 422 and "Vui lòng chọn đơn vị cấp trên" in text(none)
    assert db.session.scalar(select(Unit).where(Unit.code == "X1")) is None


def test_new_unit_errors_are_vietnamese_and_create_nothing(as_user, org, db):
    client = as_user(org.admin)
    response = client.post("/admin/units/new", data={"code": "DT-A", "name": "", "name_valid_from": "31/02/2021",
                                                     "kind": "district_branch", "parent_id": str(org.dt.id)})
    assert response.status_code == 422
    page = text(response)
    assert "Vui lòng nhập tên đơn vị" in page and "Ngày không hợp lệ" in page
    duplicate = client.post("/admin/units/new", data={"code": "DT-A", "name": "Trùng mã", "kind": "district_branch",
                                                      "name_valid_from": "01/01/2021", "parent_id": str(org.dt.id)})
    assert duplicate.status_code == 422 and "đã tồn tại" in text(duplicate)
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 6


def test_admin_edits_a_unit(as_user, org, db):
    client = as_user(org.admin)
    version = version_in(text(client.get("/admin/units/DT-A/edit")))
    response = client.post("/admin/units/DT-A/edit", data=unit_form(
        org.dt_a, version=version, legal_personality="y", document_code="CCTHADS", place="Lấp Vò",
        authorised_staff="15", parent_id=str(org.dt.id)))
    assert response.status_code == 302
    db.session.refresh(org.dt_a)
    assert (org.dt_a.legal_personality, org.dt_a.document_code, org.dt_a.place, org.dt_a.authorised_staff) == \
        (True, "CCTHADS", "Lấp Vò", 15)
    assert client.get(response.headers["Location"]).status_code == 200


def test_unit_edit_errors_are_shown_and_change_nothing(as_user, org, db):
    response = as_user(org.admin).post("/admin/units/DT-A/edit", data=unit_form(
        org.dt_a, place="Lấp Vò", authorised_staff="mười"))
    assert response.status_code == 422
    assert "Vui lòng nhập một số nguyên" in text(response)
    db.session.refresh(org.dt_a)
    assert org.dt_a.place is None


def test_a_unit_cannot_become_its_own_ancestor(as_user, org, db):
    client = as_user(org.admin)
    response = client.post("/admin/units/DT/edit", data=unit_form(org.dt, parent_id=str(org.dt_a.id)))
    assert response.status_code == 422
    assert "nằm trong chính đơn vị" in text(response)
    db.session.refresh(org.dt)
    assert org.dt.parent is org.root


def test_unit_edit_from_a_stale_page_is_409(as_user, org, db):
    client = as_user(org.admin)
    version = version_in(text(client.get("/admin/units/DT-A/edit")))
    first = client.post("/admin/units/DT-A/edit", data=unit_form(org.dt_a, version=version, place="Lấp Vò"))
    assert first.status_code == 302
    second = client.post("/admin/units/DT-A/edit", data=unit_form(org.dt_a, version=version, place="Sa Đéc"))
    assert second.status_code == 409
    db.session.refresh(org.dt_a)
    assert org.dt_a.place == "Lấp Vò"


def test_unit_edit_without_a_version_is_refused(as_user, org, db):
    response = as_user(org.admin).post("/admin/units/DT-A/edit", data=unit_form(org.dt_a, version=None,
                                                                               place="Lấp Vò"))
    assert response.status_code == 409
    db.session.refresh(org.dt_a)
    assert org.dt_a.place is None


def test_unit_outside_scope_is_404_and_without_admin_role_403(as_user, org, dt_admin):
    client = as_user(dt_admin)
    assert client.get("/admin/units/TH-A/edit").status_code == 404
    assert client.post("/admin/units/TH-A/edit", data=unit_form(org.th_a)).status_code == 404
    assert client.get("/admin/units/NOPE/edit").status_code == 404
    # An admin elsewhere who may only view Đồng Tháp: the unit is in scope, the role is not.
    mixed = make_user("mixed", (Role.ADMIN, org.th), (Role.VIEWER, org.dt))
    assert as_user(mixed).get("/admin/units/DT-A/edit").status_code == 403


def test_a_provincial_admin_keeps_the_parent_above_their_scope(as_user, org, dt_admin, db):
    client = as_user(dt_admin)
    kept = client.post("/admin/units/DT/edit", data=unit_form(org.dt, parent_id=str(org.root.id), place="Cao Lãnh"))
    assert kept.status_code == 302
    db.session.refresh(org.dt)
    moved = client.post("/admin/units/DT/edit", data=unit_form(org.dt, parent_id=str(org.th.id), place="Sa Đéc"))
    assert moved.status_code == 422 and "Lựa chọn không hợp lệ" in text(moved)
    db.session.refresh(org.dt)
    assert (org.dt.parent, org.dt.place) == (org.root, "Cao Lãnh")


def test_parent_choices_are_the_admins_units(as_user, org, dt_admin):
    page = text(as_user(dt_admin).get("/admin/units/DT-A/edit"))
    options = re.findall(r'<option[^>]*value="(\d*)"', page.split('name="parent_id"')[1].split("</select>")[0])
    assert set(options) == {str(org.dt.id), str(org.dt_b.id)}


def test_rename_keeps_the_old_name_for_its_period(as_user, org, db):
    client = as_user(org.admin)
    version = version_in(text(client.get("/admin/units/DT/edit")), "name-version")
    response = client.post("/admin/units/DT/names", data={
        "name-name": "Thi hành án dân sự tỉnh Đồng Tháp", "name-valid_from": "01/07/2025", "name-version": version})
    assert response.status_code == 302
    db.session.refresh(org.dt)
    old, new = org.dt.names
    assert (old.valid_to, new.valid_from, new.valid_to) == (date(2025, 6, 30), date(2025, 7, 1), None)
    assert org.dt.name_on(date(2021, 5, 1)) == "Cục Thi hành án dân sự tỉnh Đồng Tháp"
    assert org.dt.name_on(date(2025, 7, 1)) == "Thi hành án dân sự tỉnh Đồng Tháp"
    page = text(client.get("/admin/units/DT/edit"))
    assert "30/06/2025" in page and "01/07/2025" in page


def test_rename_with_a_bad_date_changes_nothing(as_user, org, db):
    response = as_user(org.admin).post("/admin/units/DT/names", data={
        "name-name": "Tên mới", "name-valid_from": "1/13/2025", "name-version": str(org.dt.version)})
    assert response.status_code == 422 and "Ngày không hợp lệ" in text(response)
    db.session.refresh(org.dt)
    assert len(org.dt.names) == 1


def test_a_stale_rename_is_409(as_user, org, db):
    client = as_user(org.admin)
    version = str(org.dt.version)
    assert client.post("/admin/units/DT/names", data={"name-name": "Tên A", "name-valid_from": "01/01/2024",
                                                      "name-version": version}).status_code == 302
    assert client.post("/admin/units/DT/names", data={"name-name": "Tên B", "name-valid_from": "01/01/2024",
                                                      "name-version": version}).status_code == 409
    db.session.refresh(org.dt)
    assert org.dt.name_on(date(2024, 6, 1)) == "Tên A"


def test_unit_ratings_by_admin_and_by_hr(as_user, org, db):
    admin = as_user(org.admin)
    response = admin.post("/admin/units/DT/ratings", data={"rating-year": "2021", "rating-rating": "HTXSNV",
                                                           "rating-version": str(org.dt.version)})
    assert response.status_code == 302 and "/admin/units/DT/edit" in response.headers["Location"]
    hr = as_user(org.hr)
    assert hr.get("/admin/units/DT-B/ratings").status_code == 200
    response = hr.post("/admin/units/DT-B/ratings", data={"rating-year": "2021", "rating-rating": "HTTNV",
                                                          "rating-version": str(org.dt_b.version)})
    assert response.status_code == 302 and "/admin/units/DT-B/ratings" in response.headers["Location"]
    rows = db.session.execute(select(YearlyRating.unit_id, YearlyRating.rating).where(YearlyRating.year == 2021))
    assert set(rows) == {(org.dt.id, RatingLevel.HTXSNV), (org.dt_b.id, RatingLevel.HTTNV)}
    assert hr.get("/admin/units/TH/ratings").status_code == 404
    assert as_user(org.approver).get("/admin/units/DT/ratings").status_code == 403


def test_unit_rating_errors_are_vietnamese(as_user, org, db):
    response = as_user(org.hr).post("/admin/units/DT/ratings", data={
        "rating-year": "1800", "rating-rating": "XUAT_SAC", "rating-version": str(org.dt.version)})
    assert response.status_code == 422
    assert "Năm phải từ 1990 đến 2100" in text(response) and "Lựa chọn không hợp lệ" in text(response)
    assert db.session.scalar(select(func.count()).select_from(YearlyRating)) == 0


# --- clusters ----------------------------------------------------------------------------------------

def test_admin_creates_and_edits_a_cluster(as_user, org, db):
    client = as_user(org.admin)
    response = client.post("/admin/clusters/new", data={"code": "CUM3", "name": "Cụm thi đua số 3",
                                                        "organiser_id": str(org.th.id)})
    assert response.status_code == 302
    cluster = db.session.scalar(select(Cluster).where(Cluster.code == "CUM3"))
    assert cluster.organiser is org.th
    response = client.post("/admin/clusters/CUM3/edit", data={"name": "Cụm thi đua số 3 (Thanh Hóa)",
                                                              "organiser_id": str(org.th.id),
                                                              "version": str(cluster.version)})
    assert response.status_code == 302
    db.session.refresh(cluster)
    assert cluster.name == "Cụm thi đua số 3 (Thanh Hóa)"


def test_cluster_errors_are_vietnamese_and_create_nothing(as_user, org, db):
    response = as_user(org.admin).post("/admin/clusters/new", data={"code": "", "name": "", "organiser_id": ""})
    assert response.status_code == 422
    page = text(response)
    assert "Vui lòng nhập mã cụm" in page and "Vui lòng chọn đơn vị tổ chức" in page
    assert db.session.scalar(select(func.count()).select_from(Cluster)) == 0


def test_cluster_members_per_year(as_user, org, db):
    cluster = save_cluster("CUM-DT", name="Cụm Đồng Tháp", organiser=org.dt)
    client = as_user(org.admin)

    def post(url, **data):
        return client.post(url, data={"member-version": str(cluster.version), **data})

    assert post("/admin/clusters/CUM-DT/members", **{"member-year": "2021", "member-unit_id": str(org.dt_a.id),
                                                     "member-role": "leader"}).status_code == 302
    assert post("/admin/clusters/CUM-DT/members", **{"member-year": "2021", "member-unit_id": str(org.dt_b.id),
                                                     "member-role": "member"}).status_code == 302
    # Same unit and year again: the role changes, no second row.
    assert post("/admin/clusters/CUM-DT/members", **{"member-year": "2021", "member-unit_id": str(org.dt_b.id),
                                                     "member-role": "deputy"}).status_code == 302
    db.session.refresh(cluster)
    assert {(m.unit_id, m.role) for m in cluster.members_in(2021)} == {
        (org.dt_a.id, ClusterRole.LEADER), (org.dt_b.id, ClusterRole.DEPUTY)}
    page = text(client.get("/admin/clusters/CUM-DT/edit?year=2021"))
    assert "Chi cục THADS huyện Lai Vung" in page
    member = next(m for m in cluster.members if m.unit_id == org.dt_b.id)
    response = client.post(f"/admin/clusters/CUM-DT/members/{member.id}/remove",
                           data={"version": str(cluster.version)})
    assert response.status_code == 302
    db.session.refresh(cluster)
    assert [m.unit_id for m in cluster.members_in(2021)] == [org.dt_a.id]


def test_cluster_member_outside_scope_is_refused(as_user, org, dt_admin, db):
    cluster = save_cluster("CUM-DT", name="Cụm Đồng Tháp", organiser=org.dt)
    response = as_user(dt_admin).post("/admin/clusters/CUM-DT/members", data={
        "member-year": "2021", "member-unit_id": str(org.th_a.id), "member-role": "member",
        "member-version": str(cluster.version)})
    assert response.status_code == 422 and "Lựa chọn không hợp lệ" in text(response)
    assert db.session.scalar(select(func.count()).select_from(ClusterMember)) == 0


def test_stale_cluster_member_change_is_409(as_user, org, db):
    cluster = save_cluster("CUM-DT", name="Cụm Đồng Tháp", organiser=org.dt)
    set_cluster_member(cluster, 2021, org.dt_a, ClusterRole.MEMBER)
    version = str(cluster.version)
    client = as_user(org.admin)
    data = {"member-year": "2021", "member-unit_id": str(org.dt_a.id), "member-version": version}
    assert client.post("/admin/clusters/CUM-DT/members", data={**data, "member-role": "leader"}).status_code == 302
    assert client.post("/admin/clusters/CUM-DT/members", data={**data, "member-role": "deputy"}).status_code == 409
    db.session.refresh(cluster)
    assert cluster.members_in(2021)[0].role is ClusterRole.LEADER


def test_cluster_outside_scope_404_wrong_role_403(as_user, org, dt_admin):
    save_cluster("CUM-TH", name="Cụm Thanh Hóa", organiser=org.th)
    save_cluster("CUM-DT", name="Cụm Đồng Tháp", organiser=org.dt)
    client = as_user(dt_admin)
    assert client.get("/admin/clusters/CUM-TH/edit").status_code == 404
    assert client.get("/admin/clusters/CUM-DT/edit").status_code == 200
    assert "CUM-TH" not in text(client.get("/admin/clusters"))
    assert as_user(org.hr).get("/admin/clusters/CUM-DT/edit").status_code == 403
    mixed = make_user("mixed", (Role.ADMIN, org.th), (Role.VIEWER, org.dt))
    assert as_user(mixed).get("/admin/clusters/CUM-DT/edit").status_code == 403


# --- people ------------------------------------------------------------------------------------------

def test_hr_creates_a_person_in_scope(as_user, org, db):
    response = as_user(org.hr).post("/admin/people/new", data={
        "code": "CB001", "full_name": "Trần Thị Mai", "gender": "female", "birth_date": "05/03/1985",
        "hire_date": "2010-09-01", "position": "Chấp hành viên sơ cấp", "grade": "Chuyên viên",
        "unit_id": str(org.dt_a.id), "investigation_pending": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/people/CB001/edit")
    person = db.session.scalar(select(Person).where(Person.code == "CB001"))
    assert (person.birth_date, person.hire_date, person.unit) == (date(1985, 3, 5), date(2010, 9, 1), org.dt_a)
    assert person.investigation_pending is True and person.complaint_pending is False
    assert [(a.unit_id, a.valid_from) for a in person.assignments] == [(org.dt_a.id, date(2010, 9, 1))]


def test_person_form_errors_are_vietnamese_and_create_nothing(as_user, org, db):
    response = as_user(org.hr).post("/admin/people/new", data={
        "code": "CB002", "full_name": "", "gender": "female", "birth_date": "32/01/1990",
        "unit_id": str(org.th_a.id)})
    assert response.status_code == 422
    page = text(response)
    assert "Vui lòng nhập họ và tên" in page and "Ngày không hợp lệ" in page and "Lựa chọn không hợp lệ" in page
    assert db.session.scalar(select(Person).where(Person.code == "CB002")) is None


def test_hr_edits_a_person(as_user, org, db):
    person = make_person(org.dt_a, "CB010", full_name="Lê Văn An")
    client = as_user(org.hr)
    version = version_in(text(client.get("/admin/people/CB010/edit")))
    response = client.post("/admin/people/CB010/edit", data=person_form(
        person, version=version, full_name="Lê Văn Ân", birth_date="1980-12-31", grade="Chấp hành viên trung cấp",
        complaint_pending="y"))
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.full_name, person.birth_date, person.grade, person.complaint_pending) == \
        ("Lê Văn Ân", date(1980, 12, 31), "Chấp hành viên trung cấp", True)


def test_admin_may_edit_people_too(as_user, org, db):
    person = make_person(org.dt_a, "CB011")
    response = as_user(org.admin).post("/admin/people/CB011/edit", data=person_form(person, position="Thư ký"))
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.position == "Thư ký"


def test_person_edit_errors_change_nothing(as_user, org, db):
    person = make_person(org.dt_a, "CB012", full_name="Lê Văn An")
    response = as_user(org.hr).post("/admin/people/CB012/edit", data=person_form(
        person, full_name="", birth_date="2000-01-01", hire_date="01/01/1999"))
    assert response.status_code == 422
    assert "Vui lòng nhập họ và tên" in text(response) and "Ngày vào ngành phải sau ngày sinh" in text(response)
    db.session.refresh(person)
    assert person.full_name == "Lê Văn An" and person.birth_date is None


def test_person_edit_from_a_stale_page_is_409(as_user, org, db):
    person = make_person(org.dt_a, "CB013", full_name="Lê Văn An")
    client = as_user(org.hr)
    version = version_in(text(client.get("/admin/people/CB013/edit")))
    assert client.post("/admin/people/CB013/edit",
                       data=person_form(person, version=version, position="Thư ký")).status_code == 302
    assert client.post("/admin/people/CB013/edit",
                       data=person_form(person, version=version, position="Kế toán")).status_code == 409
    db.session.refresh(person)
    assert person.position == "Thư ký"


def test_person_outside_scope_404_wrong_role_403(as_user, org):
    make_person(org.th_a, "CB-TH")
    make_person(org.dt_a, "CB-DT")
    hr = as_user(org.hr)
    assert hr.get("/admin/people/CB-TH/edit").status_code == 404
    assert hr.post("/admin/people/CB-TH/ratings", data={}).status_code == 404
    proposer = as_user(org.proposer)
    assert proposer.get("/admin/people/CB-DT/edit").status_code == 403
    assert proposer.get("/admin/people/new").status_code == 403
    mixed = make_user("mixed", (Role.HR, org.th), (Role.VIEWER, org.dt))
    assert as_user(mixed).get("/admin/people/CB-DT/edit").status_code == 403


def test_move_a_person_from_a_date(as_user, org, db):
    person = make_person(org.dt_a, "CB020", since=date(2015, 1, 1))
    response = as_user(org.hr).post("/admin/people/CB020/assign", data={
        "assign-unit_id": str(org.dt_b.id), "assign-since": "01/03/2022", "assign-version": str(person.version)})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.unit is org.dt_b
    assert [(a.unit_id, a.valid_from, a.valid_to) for a in person.assignments] == [
        (org.dt_a.id, date(2015, 1, 1), date(2022, 2, 28)), (org.dt_b.id, date(2022, 3, 1), None)]


def test_a_move_dated_before_the_current_assignment_is_refused(as_user, org, db):
    person = make_person(org.dt_a, "CB021", since=date(2015, 1, 1))
    client = as_user(org.hr)
    early = client.post("/admin/people/CB021/assign", data={
        "assign-unit_id": str(org.dt_b.id), "assign-since": "01/03/2014", "assign-version": str(person.version)})
    assert early.status_code == 422 and "Ngày chuyển đơn vị phải từ 01/01/2015" in text(early)
    outside = client.post("/admin/people/CB021/assign", data={
        "assign-unit_id": str(org.th_a.id), "assign-since": "01/03/2022", "assign-version": str(person.version)})
    assert outside.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.person_id == person.id)) == 1


def test_person_ratings_add_and_change(as_user, org, db):
    person = make_person(org.dt_a, "CB030")
    client = as_user(org.hr)
    for rating in ("HTTNV", "HTXSNV"):
        response = client.post("/admin/people/CB030/ratings", data={
            "rating-year": "2021", "rating-rating": rating, "rating-version": str(person.version)})
        assert response.status_code == 302
    rows = db.session.execute(select(YearlyRating.year, YearlyRating.rating).where(YearlyRating.person_id == person.id))
    assert list(rows) == [(2021, RatingLevel.HTXSNV)]


def test_a_stale_rating_is_409(as_user, org, db):
    person = make_person(org.dt_a, "CB031")
    version = str(person.version)
    client = as_user(org.hr)
    data = {"rating-year": "2021", "rating-version": version}
    assert client.post("/admin/people/CB031/ratings", data={**data, "rating-rating": "HTTNV"}).status_code == 302
    assert client.post("/admin/people/CB031/ratings", data={**data, "rating-rating": "KHTNV"}).status_code == 409
    assert db.session.scalar(select(YearlyRating.rating).where(YearlyRating.person_id == person.id)) \
        is RatingLevel.HTTNV


def test_discipline_add_edit_delete(as_user, org, db):
    person = make_person(org.dt_a, "CB040")
    client = as_user(org.hr)
    response = client.post("/admin/people/CB040/discipline", data={
        "discipline-level": "khien_trach", "discipline-start_date": "01/02/2021",
        "discipline-end_date": "31/01/2022", "discipline-reason": "Chậm tổ chức thi hành",
        "discipline-version": str(person.version)})
    assert response.status_code == 302
    discipline = db.session.scalar(select(Discipline).where(Discipline.person_id == person.id))
    assert (discipline.level, discipline.start_date, discipline.end_date) == \
        (DisciplineLevel.KHIEN_TRACH, date(2021, 2, 1), date(2022, 1, 31))

    page = text(client.get(f"/admin/discipline/{discipline.id}/edit"))
    assert 'value="01/02/2021"' in page
    response = client.post(f"/admin/discipline/{discipline.id}/edit", data={
        "level": "canh_cao", "start_date": "01/02/2021", "end_date": "", "reason": "Sửa lại",
        "version": version_in(page)})
    assert response.status_code == 302
    db.session.refresh(discipline)
    assert (discipline.level, discipline.end_date, discipline.reason) == (DisciplineLevel.CANH_CAO, None, "Sửa lại")

    response = client.post(f"/admin/discipline/{discipline.id}/delete", data={"version": str(discipline.version)})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Discipline)) == 0


def test_discipline_errors_are_vietnamese_and_change_nothing(as_user, org, db):
    person = make_person(org.dt_a, "CB041")
    response = as_user(org.hr).post("/admin/people/CB041/discipline", data={
        "discipline-level": "khien_trach", "discipline-start_date": "01/02/2021",
        "discipline-end_date": "01/01/2021", "discipline-version": str(person.version)})
    assert response.status_code == 422 and "Ngày kết thúc không được trước ngày bắt đầu" in text(response)
    missing = as_user(org.admin).post("/admin/people/CB041/discipline", data={
        "discipline-level": "khien_trach", "discipline-start_date": "", "discipline-version": str(person.version)})
    assert missing.status_code == 422 and "Vui lòng nhập ngày bắt đầu" in text(missing)
    assert db.session.scalar(select(func.count()).select_from(Discipline)) == 0


def test_stale_discipline_edit_and_delete_are_409(as_user, org, db):
    person = make_person(org.dt_a, "CB042")
    discipline = record_discipline(person, DisciplineLevel.KHIEN_TRACH, date(2021, 2, 1))
    version = str(discipline.version)
    client = as_user(org.hr)
    data = {"level": "khien_trach", "start_date": "01/02/2021", "version": version}
    assert client.post(f"/admin/discipline/{discipline.id}/edit", data={**data, "reason": "A"}).status_code == 302
    assert client.post(f"/admin/discipline/{discipline.id}/edit", data={**data, "reason": "B"}).status_code == 409
    assert client.post(f"/admin/discipline/{discipline.id}/delete", data={"version": version}).status_code == 409
    db.session.refresh(discipline)
    assert discipline.reason == "A"


def test_discipline_outside_scope_404_wrong_role_403(as_user, org):
    outside = record_discipline(make_person(org.th_a), DisciplineLevel.KHIEN_TRACH, date(2021, 2, 1))
    inside = record_discipline(make_person(org.dt_a), DisciplineLevel.KHIEN_TRACH, date(2021, 2, 1))
    assert as_user(org.hr).get(f"/admin/discipline/{outside.id}/edit").status_code == 404
    assert as_user(org.secretary).get(f"/admin/discipline/{inside.id}/edit").status_code == 403
    assert as_user(org.secretary).post(f"/admin/discipline/{inside.id}/delete",
                                       data={"version": str(inside.version)}).status_code == 403


# --- accounts and roles ------------------------------------------------------------------------------

def test_admin_creates_an_account_linked_to_a_person(as_user, org, dt_admin, db):
    make_person(org.dt_a, "CB050")
    client = as_user(dt_admin)
    response = client.post("/admin/users/new", data={
        "username": "hoidong1", "password": "Mat-khau-2024", "password_confirm": "Mat-khau-2024",
        "person_code": "CB050"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "hoidong1"))
    assert user.person.code == "CB050" and user.check_password("Mat-khau-2024") and user.active


def test_account_form_errors_are_vietnamese_and_create_nothing(as_user, org, dt_admin, db):
    make_person(org.th_a, "CB-TH")
    client = as_user(dt_admin)
    weak = client.post("/admin/users/new", data={"username": "u1", "password": "short", "password_confirm": "short"})
    assert weak.status_code == 422 and "Mật khẩu phải có ít nhất 8 ký tự" in text(weak)
    mismatch = client.post("/admin/users/new", data={"username": "u1", "password": "Mat-khau-2024",
                                                     "password_confirm": "Mat-khau-2025"})
    assert mismatch.status_code == 422 and "Hai mật khẩu không khớp" in text(mismatch)
    outside = client.post("/admin/users/new", data={"username": "u1", "password": "Mat-khau-2024",
                                                    "password_confirm": "Mat-khau-2024", "person_code": "CB-TH"})
    assert outside.status_code == 422 and "Không tìm thấy cán bộ có mã" in text(outside)
    taken = client.post("/admin/users/new", data={"username": "t_hr", "password": "Mat-khau-2024",
                                                  "password_confirm": "Mat-khau-2024"})
    assert taken.status_code == 422 and "đã tồn tại" in text(taken)
    assert db.session.scalar(select(User).where(User.username == "u1")) is None


def test_admin_edits_an_account(as_user, org, dt_admin, db):
    target = make_user("cb_dt", (Role.PROPOSER, org.dt_a))
    client = as_user(dt_admin)
    version = version_in(text(client.get(f"/admin/users/{target.id}/edit")))
    response = client.post(f"/admin/users/{target.id}/edit", data={
        "version": version, "active": "", "new_password": "Moi-mat-khau-9", "person_code": ""})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.active is False and target.check_password("Moi-mat-khau-9")


def test_account_edit_from_a_stale_page_is_409(as_user, org, dt_admin, db):
    target = make_user("cb_dt", (Role.PROPOSER, org.dt_a))
    version = str(target.version)
    client = as_user(dt_admin)
    assert client.post(f"/admin/users/{target.id}/edit", data={"version": version, "active": ""}).status_code == 302
    assert client.post(f"/admin/users/{target.id}/edit", data={"version": version, "active": "y"}).status_code == 409
    db.session.refresh(target)
    assert target.active is False


def test_an_admin_cannot_lock_themselves_out(as_user, dt_admin, db):
    response = as_user(dt_admin).post(f"/admin/users/{dt_admin.id}/edit",
                                      data={"version": str(dt_admin.version), "active": ""})
    assert response.status_code == 422 and "Không thể tự khóa" in text(response)
    db.session.refresh(dt_admin)
    assert dt_admin.active is True


def test_accounts_outside_scope_404_partly_outside_403(as_user, org, dt_admin):
    th_only = make_user("th_only", (Role.PROPOSER, org.th_a))
    both = make_user("both", (Role.VIEWER, org.dt), (Role.VIEWER, org.th))
    client = as_user(dt_admin)
    assert client.get(f"/admin/users/{th_only.id}/edit").status_code == 404
    assert client.get("/admin/users/999999/edit").status_code == 404
    # Reset the password of an account that also works elsewhere? Not from a provincial admin.
    assert client.get(f"/admin/users/{both.id}/edit").status_code == 403
    assert client.post(f"/admin/users/{both.id}/edit", data={"version": str(both.version), "active": "y",
                                                             "new_password": "Chiem-quyen-1"}).status_code == 403
    listing = text(client.get("/admin/users"))
    assert "th_only" not in listing and "both" in listing and "t_proposer" in listing
    assert as_user(org.hr).get(f"/admin/users/{th_only.id}/edit").status_code == 403


def test_grant_and_revoke_a_role_in_scope(as_user, org, dt_admin, db):
    target = make_user("cb_dt", (Role.VIEWER, org.dt_a))
    client = as_user(dt_admin)
    response = client.post(f"/admin/users/{target.id}/roles", data={
        "role-role": "proposer", "role-unit_id": str(org.dt_b.id), "role-version": str(target.version)})
    assert response.status_code == 302
    db.session.refresh(target)
    assert {(r.role, r.unit_id) for r in target.roles} == {(Role.VIEWER, org.dt_a.id), (Role.PROPOSER, org.dt_b.id)}
    viewer = next(r for r in target.roles if r.role is Role.VIEWER)
    response = client.post(f"/admin/users/{target.id}/roles/{viewer.id}/remove",
                           data={"version": str(target.version)})
    assert response.status_code == 302
    db.session.refresh(target)
    assert [(r.role, r.unit_id) for r in target.roles] == [(Role.PROPOSER, org.dt_b.id)]


def test_granting_a_scope_outside_ones_own_is_refused(as_user, org, dt_admin, db):
    target = make_user("cb_dt", (Role.VIEWER, org.dt_a))
    client = as_user(dt_admin)
    for unit in (org.th, org.root):
        response = client.post(f"/admin/users/{target.id}/roles", data={
            "role-role": "admin", "role-unit_id": str(unit.id), "role-version": str(target.version)})
        assert response.status_code == 422 and "Lựa chọn không hợp lệ" in text(response)
    assert db.session.scalar(select(func.count()).select_from(RoleAssignment)
                             .where(RoleAssignment.user_id == target.id)) == 1


def test_a_stale_role_grant_is_409(as_user, org, dt_admin, db):
    target = make_user("cb_dt", (Role.VIEWER, org.dt_a))
    version = str(target.version)
    client = as_user(dt_admin)
    data = {"role-unit_id": str(org.dt_b.id), "role-version": version}
    assert client.post(f"/admin/users/{target.id}/roles", data={**data, "role-role": "hr"}).status_code == 302
    assert client.post(f"/admin/users/{target.id}/roles", data={**data, "role-role": "admin"}).status_code == 409
    db.session.refresh(target)
    assert not target.has_role(Role.ADMIN)


def test_api_token_is_shown_once_and_stored_hashed(as_user, org, dt_admin, db):
    target = make_user("api_dt", (Role.VIEWER, org.dt))
    response = as_user(dt_admin).post(f"/admin/users/{target.id}/tokens", data={"version": str(target.version)})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = re.search(r'id="api-token" type="text" readonly value="([^"]+)"', text(response)).group(1)
    found = db.session.scalar(ApiToken.lookup(token))
    assert found is not None and found.user_id == target.id
    assert found.token_hash == ApiToken.digest(token) and token not in found.token_hash
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.token_hash == token)) == 0
    # The account page lists the token without showing it again.
    assert token not in text(as_user(dt_admin).get(f"/admin/users/{target.id}/edit"))


def test_api_token_can_be_revoked(as_user, org, dt_admin, db):
    target = make_user("api_dt", (Role.VIEWER, org.dt))
    client = as_user(dt_admin)
    page = text(client.post(f"/admin/users/{target.id}/tokens", data={"version": str(target.version)}))
    token = re.search(r'readonly value="([^"]+)"', page).group(1)
    row = db.session.scalar(ApiToken.lookup(token))
    db.session.refresh(target)
    response = client.post(f"/admin/users/{target.id}/tokens/{row.id}/revoke", data={"version": str(target.version)})
    assert response.status_code == 302
    assert db.session.scalar(ApiToken.lookup(token)) is None


def test_no_token_for_an_account_outside_scope(as_user, org, dt_admin, db):
    th_only = make_user("th_only", (Role.PROPOSER, org.th_a))
    assert as_user(dt_admin).post(f"/admin/users/{th_only.id}/tokens",
                                  data={"version": str(th_only.version)}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


# --- CSRF --------------------------------------------------------------------------------------------

def test_a_post_without_csrf_token_is_refused_and_writes_nothing(app, as_user, org, db):
    client = as_user(org.admin)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/admin/units/DT-A/edit", data=unit_form(org.dt_a, place="Lấp Vò"))
        assert response.status_code == 400
        response = client.post("/admin/clusters/new", data={"code": "CUM9", "name": "Cụm 9",
                                                            "organiser_id": str(org.dt.id)})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.refresh(org.dt_a)
    assert org.dt_a.place is None
    assert db.session.scalar(select(Cluster).where(Cluster.code == "CUM9")) is None
