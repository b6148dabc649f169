"""The read-only organisation pages: what each shows, who sees what, search, pagination, query counts."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from awards.extensions import db as _db
from awards.org import operations as ops
from awards.org.models import ClusterRole, DisciplineLevel, Gender, RatingLevel, Role, UnitKind
from awards.org.queries import current_year_label, fold_text, glob_pattern
from tests.factories import PASSWORD, make_person, make_unit, make_user

PAGES = ["/", "/units", "/units/DT", "/people", "/people/P-DT-A-1"]


def body(client, url: str, status: int = 200) -> str:
    _db.session.expire_all()  # nothing loaded by the test or an earlier request spares the page a query
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


@pytest.fixture()
def as_user(app):
    """A fresh signed-in client per user, so one test can compare what two users see."""

    def _as(user):
        c = app.test_client()
        response = c.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        return c

    return _as


@pytest.fixture()
def staff(org):
    """People in two sibling branches (A and B of Đồng Tháp) and one in the provincial department."""
    a1 = make_person(org.dt_a, "P-DT-A-1", full_name="Nguyễn Văn An", gender=Gender.MALE,
                     birth_date=date(1980, 3, 5), position="Chấp hành viên trung cấp")
    a2 = make_person(org.dt_a, "P-DT-A-2", full_name="Trần Thị Bích", birth_date=date(1990, 12, 31))
    b1 = make_person(org.dt_b, "P-DT-B-1", full_name="Lê Hoàng Cường", gender=Gender.MALE)
    d1 = make_person(org.dt, "P-DT-1", full_name="Phạm Thu Dung")
    return {"a1": a1, "a2": a2, "b1": b1, "d1": d1}


# --- access -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", PAGES + ["/people?q=an&unit=DT-A&page=2"])
def test_anonymous_users_are_sent_to_login(client, org, staff, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_proposer_of_branch_a_cannot_reach_branch_b(as_user, org, staff):
    c = as_user(org.proposer)  # proposer of DT-A
    body(c, "/units/DT-B", 404)
    body(c, "/people/P-DT-B-1", 404)
    body(c, "/people?unit=DT-B", 404)
    body(c, "/units/DT", 404)  # the parent province is outside the scope too
    body(c, "/people?unit=DT", 404)
    body(c, "/people/P-DT-1", 404)
    body(c, "/people?unit=NO-SUCH-UNIT", 404)  # unknown and out of scope answer alike

    listed = body(c, "/people")
    assert "Nguyễn Văn An" in listed and "Trần Thị Bích" in listed
    assert "Lê Hoàng Cường" not in listed and "Phạm Thu Dung" not in listed
    # Not even through a search that matches only B's person.
    assert "Lê Hoàng Cường" not in body(c, "/people?q=Cuong")
    assert "P-DT-B-1" not in body(c, "/people?q=P-DT-B")

    tree = body(c, "/units")
    assert "Chi cục THADS huyện Lấp Vò" in tree
    assert "Chi cục THADS huyện Lai Vung" not in tree
    assert "Cục Thi hành án dân sự tỉnh Đồng Tháp" not in tree


def test_viewer_of_another_province_sees_only_it(as_user, org, staff):
    c = as_user(org.viewer)  # viewer of Thanh Hóa
    body(c, "/units/DT-A", 404)
    body(c, "/people/P-DT-A-1", 404)
    assert body(c, "/units/TH-A")
    assert "Nguyễn Văn An" not in body(c, "/people")


def test_every_page_renders_for_a_user_in_scope(as_user, org, staff):
    c = as_user(org.hr)  # HR of Đồng Tháp
    for url in PAGES:
        body(c, url)


# --- dashboard ----------------------------------------------------------------------------------------------

def test_dashboard_lists_roles_with_their_scope_units(as_user, org, staff):
    user = make_user("two_roles", (Role.SECRETARY, org.dt), (Role.VIEWER, org.th))
    page = body(as_user(user), "/")
    assert "Xin chào, two_roles" in page
    assert "Thường trực Hội đồng" in page and "Người xem" in page
    assert "Cục Thi hành án dân sự tỉnh Đồng Tháp" in page and "Cục Thi hành án dân sự tỉnh Thanh Hóa" in page
    assert "4 cán bộ" in page  # Đồng Tháp and its branches


def test_dashboard_greets_the_linked_person(as_user, org, staff):
    user = make_user("linked", (Role.PROPOSER, org.dt_a), person=staff["a1"])
    assert "Xin chào, Nguyễn Văn An" in body(as_user(user), "/")


def test_dashboard_for_hr_shows_managed_people_and_import_link(as_user, org, staff):
    page = body(as_user(org.hr), "/")
    assert "Tổ chức cán bộ" in page
    assert "Cán bộ bạn quản lý" in page
    assert 'href="/imports/"' in page
    assert 'href="/admin/"' not in page.split("Vai trò của bạn")[1]  # HR is not an administrator


def test_dashboard_for_admin_links_administration(as_user, org, staff):
    page = body(as_user(org.admin), "/")
    assert "Quản trị hệ thống" in page
    assert 'href="/admin/"' in page.split("Vai trò của bạn")[1]


def test_dashboard_for_proposer_lists_their_people_only(as_user, org, staff):
    page = body(as_user(org.proposer), "/")
    assert "Đơn vị đề nghị" in page
    assert "Chi cục THADS huyện Lấp Vò" in page
    assert "Nguyễn Văn An" in page and "Trần Thị Bích" in page
    assert "Lê Hoàng Cường" not in page
    assert "Cán bộ bạn quản lý" not in page
    assert 'href="/imports/"' not in page


def test_dashboard_without_roles_says_so(as_user, db):
    page = body(as_user(make_user("no_roles")), "/")
    assert "chưa được phân quyền" in page


# --- unit tree ----------------------------------------------------------------------------------------------

def test_unit_tree_shows_names_in_force_today_kinds_and_legal_personality(as_user, org, staff):
    renamed_on = date.today() - timedelta(days=30)
    ops.rename_unit(org.dt_a, "Phòng Thi hành án dân sự khu vực 1", renamed_on)
    page = body(as_user(org.admin), "/units")
    assert "Phòng Thi hành án dân sự khu vực 1" in page
    assert "Chi cục THADS huyện Lấp Vò" not in page  # the old name is history, not the tree
    assert "Tổng cục" in page and "Cục (cấp tỉnh)" in page and "Chi cục (cấp huyện)" in page
    assert page.count("Pháp nhân") >= 3  # root and both provinces
    # The tree nests: branch A's entry lies inside Đồng Tháp's entry.
    dt_start = page.index('data-unit="DT"')
    assert dt_start < page.index('data-unit="DT-A"') < page.index('data-unit="TH"')


def test_unit_tree_shows_visible_clusters_with_current_year_roles(as_user, org, staff):
    year = current_year_label()
    cluster = ops.save_cluster("TH-C3", name="Cụm thi đua số 3", organiser=org.th)
    th_b = make_unit("TH-B", name="Chi cục THADS huyện Thường Xuân", parent=org.th)
    th_c = make_unit("TH-C", name="Chi cục THADS huyện Bá Thước", parent=org.th)
    ops.set_cluster_member(cluster, year - 1, org.th_a, ClusterRole.MEMBER)
    ops.set_cluster_member(cluster, year, org.th_a, ClusterRole.LEADER)
    ops.set_cluster_member(cluster, year, th_b, ClusterRole.DEPUTY)
    ops.set_cluster_member(cluster, year, th_c, ClusterRole.MEMBER)

    page = body(as_user(org.viewer), "/units")
    card = page[page.index('data-cluster="TH-C3"'):]
    assert "Cụm thi đua số 3" in card and f"Năm {year}" in card
    leader = card.index("Chi cục THADS huyện Quan Sơn")
    assert "Trưởng cụm" in card[leader:card.index("Chi cục THADS huyện Thường Xuân")]
    assert "Phó cụm" in card and "Thành viên" in card
    assert card.index("Trưởng cụm") < card.index("Phó cụm") < card.index("Thành viên")

    # A cluster organised outside the scope is not shown.
    assert "Cụm thi đua số 3" not in body(as_user(org.proposer), "/units")


def test_cluster_without_members_this_year_shows_its_latest_year(as_user, org, staff):
    year = current_year_label()
    cluster = ops.save_cluster("DT-C1", name="Cụm thi đua Đồng Tháp", organiser=org.dt)
    ops.set_cluster_member(cluster, year - 2, org.dt_a, ClusterRole.LEADER)
    ops.set_cluster_member(cluster, year - 1, org.dt_b, ClusterRole.LEADER)
    page = body(as_user(org.hr), "/units")
    card = page[page.index('data-cluster="DT-C1"'):]
    assert f"Năm {year - 1}" in card and "Chi cục THADS huyện Lai Vung" in card
    assert "Chi cục THADS huyện Lấp Vò" not in card


# --- unit page ----------------------------------------------------------------------------------------------

def test_unit_page_shows_dated_names_and_details(as_user, org, staff):
    ops.rename_unit(org.dt, "Thi hành án dân sự tỉnh Đồng Tháp", date(2025, 7, 1))
    ops.set_rating(2021, RatingLevel.HTXSNV, unit=org.dt)
    ops.set_rating(2020, RatingLevel.HTTNV, unit=org.dt)
    cluster = ops.save_cluster("TC-C1", name="Khối thi đua các Cục", organiser=org.root)
    ops.set_cluster_member(cluster, 2021, org.dt, ClusterRole.DEPUTY)

    page = body(as_user(org.hr), "/units/DT")
    assert "<h1" in page and "Thi hành án dân sự tỉnh Đồng Tháp</h1>" in page
    names = page[page.index('id="unit-names"'):]
    names = names[:names.index("</table>")]
    assert "Thi hành án dân sự tỉnh Đồng Tháp" in names and "Cục Thi hành án dân sự tỉnh Đồng Tháp" in names
    assert "01/07/2025" in names and "30/06/2025" in names and "01/01/2000" in names
    assert "hiện hành" in names
    assert "Cục (cấp tỉnh)" in page and "CTHADS" in page and "Đồng Tháp" in page
    assert "Có (được ký quyết định khen thưởng)" in page
    # parent (out of HR's scope: shown, not linked) and children (linked)
    assert "Tổng cục Thi hành án dân sự" in page and 'href="/units/TC"' not in page
    assert 'href="/units/DT-A"' in page and 'href="/units/DT-B"' in page
    # people: one here, four with the branches, and the link to the filtered list
    assert re.search(r'id="people-here">\s*1\s*<', page)
    assert "Kể cả đơn vị trực thuộc: 4 cán bộ" in page
    assert 'href="/people?unit=DT"' in page
    ratings = page[page.index('id="unit-ratings"'):]
    assert "Hoàn thành xuất sắc nhiệm vụ" in ratings and "Hoàn thành tốt nhiệm vụ" in ratings
    assert ratings.index("2021") < ratings.index("2020")
    clusters = page[page.index('id="unit-clusters"'):]
    assert "Khối thi đua các Cục" in clusters and "Phó cụm" in clusters and "2021" in clusters


def test_unit_page_lists_the_clusters_it_organises(as_user, org, staff):
    ops.save_cluster("DT-C9", name="Cụm thi đua số 9", organiser=org.dt)
    page = body(as_user(org.hr), "/units/DT")
    assert "Cụm thi đua số 9" in page[page.index('id="unit-organised"'):]


def test_unit_edit_link_only_for_organisation_managers(app, as_user, org, staff):
    edit, ratings = "/admin/units/DT/edit", "/admin/units/DT/ratings"
    admin_page = body(as_user(org.admin), "/units/DT")
    assert f'href="{edit}"' in admin_page
    hr_page = body(as_user(org.hr), "/units/DT")
    assert f'href="{edit}"' not in hr_page  # HR manages staff, not units…
    assert f'href="{ratings}"' in hr_page  # …but records the unit's yearly ratings
    proposer_page = body(as_user(org.proposer), "/units/DT-A")
    assert "/admin/units/" not in proposer_page


def test_person_edit_link_only_for_staff_managers(app, as_user, org, staff):
    edit = "/admin/people/P-DT-A-1/edit"
    assert f'href="{edit}"' in body(as_user(org.hr), "/people/P-DT-A-1")
    assert f'href="{edit}"' not in body(as_user(org.proposer), "/people/P-DT-A-1")


def test_add_person_link_only_for_staff_managers(as_user, org, staff):
    assert 'href="/admin/people/new"' in body(as_user(org.hr), "/people")
    assert 'href="/admin/people/new"' not in body(as_user(org.proposer), "/people")


# --- people list --------------------------------------------------------------------------------------------

def test_people_list_columns(as_user, org, staff):
    ops.rename_unit(org.dt_a, "Phòng Thi hành án dân sự khu vực 1", date.today() - timedelta(days=1))
    page = body(as_user(org.hr), "/people")
    row = page[page.index("P-DT-A-1"):]
    row = row[:row.index("</tr>")]
    assert "Nguyễn Văn An" in row and "Nam" in row and "Chấp hành viên trung cấp" in row
    assert "Phòng Thi hành án dân sự khu vực 1" in row and "05/03/1980" in row
    assert 'href="/people/P-DT-A-1"' in row
    assert "Nữ" in page and "31/12/1990" in page
    assert "4 cán bộ" in page


def test_people_filter_by_unit_includes_its_subtree(as_user, org, staff):
    c = as_user(org.hr)
    page = body(c, "/people?unit=DT-A")
    assert "Nguyễn Văn An" in page and "Trần Thị Bích" in page
    assert "Lê Hoàng Cường" not in page and "Phạm Thu Dung" not in page
    whole = body(c, "/people?unit=DT")
    assert all(name in whole for name in ("Nguyễn Văn An", "Lê Hoàng Cường", "Phạm Thu Dung"))
    # The select offers only visible units.
    assert 'value="DT-A"' in whole and 'value="TH"' not in whole and 'value="TC"' not in whole


@pytest.mark.parametrize("q, found", [
    ("nguyễn văn", True),
    ("nguyen van", True),  # without accents
    ("NGUYỄN", True),  # Vietnamese upper case
    ("NGUYEN AN", True),  # every word, anywhere in the name
    ("p-dt-a-1", True),  # by code, any case
    ("DT-A-1", True),
    ("nguyen bich", False),  # both words must match
    ("%", False),  # wildcards are literal
    ("_", False),
    ("*", False),
])
def test_people_search(as_user, org, staff, q, found):
    page = body(as_user(org.hr), "/people?" + urlencode({"q": q}))
    assert ("Nguyễn Văn An" in page) is found
    if found:
        assert "Lê Hoàng Cường" not in page


def test_people_pagination_keeps_filters(as_user, org):
    for i in range(30):
        make_person(org.dt_a, f"PG{i:03d}", full_name=f"Nguyễn Văn Trang {i:03d}")
    make_person(org.dt_b, "PG-B", full_name="Nguyễn Văn Trang Ngoài")
    c = as_user(org.hr)
    first = body(c, "/people?q=trang&unit=DT-A")
    assert first.count('href="/people/PG') == 25
    assert "30 cán bộ" in first and "Trang 1 / 2" in first
    assert re.search(r'href="/people\?(?=[^"]*page=2)(?=[^"]*q=trang)(?=[^"]*unit=DT-A)[^"]*"', first)
    second = body(c, "/people?q=trang&unit=DT-A&page=2")
    assert second.count('href="/people/PG') == 5
    shown = set(re.findall(r'href="/people/(PG\d+)"', first)) | set(re.findall(r'href="/people/(PG\d+)"', second))
    assert shown == {f"PG{i:03d}" for i in range(30)}
    assert "Ngoài" not in first + second
    # Past the last page: an empty page, not an error.
    assert "Không có cán bộ nào phù hợp." in body(c, "/people?q=trang&unit=DT-A&page=9")


# --- person page --------------------------------------------------------------------------------------------

def test_person_page_shows_identity_history_ratings_and_discipline(as_user, org, staff):
    person = staff["b1"]
    person.birth_date = date(1975, 1, 9)
    person.grade = "Chuyên viên chính"
    person.complaint_pending = True
    ops.assign(person, org.dt_a, date(2020, 3, 1))
    ops.rename_unit(org.dt_a, "Phòng Thi hành án dân sự khu vực 1", date(2025, 7, 1))
    ops.set_rating(2021, RatingLevel.HTTNV, person=person)
    ops.set_rating(2020, RatingLevel.KHTNV, person=person)
    ops.record_discipline(person, DisciplineLevel.KHIEN_TRACH, date(2020, 5, 4), date(2021, 5, 3), "Chậm thi hành")
    ops.record_discipline(person, DisciplineLevel.GIANG_CHUC, date(2022, 1, 10), None, "Vi phạm quy trình")

    page = body(as_user(org.hr), "/people/P-DT-B-1")
    assert "Lê Hoàng Cường</h1>" in page
    assert "09/01/1975" in page and "Chuyên viên chính" in page and "01/01/2015" in page  # hire date
    assert "Nam" in page and "Chấp hành viên" in page
    history = page[page.index('id="assignments"'):]
    history = history[:history.index("</table>")]
    # Each period shows the unit's name at the time, and today's name when it changed.
    assert "Chi cục THADS huyện Lấp Vò" in history and "nay là: Phòng Thi hành án dân sự khu vực 1" in history
    assert "Chi cục THADS huyện Lai Vung" in history
    assert "01/03/2020" in history and "01/01/2015 – 29/02/2020" in history
    assert history.index("Lấp Vò") < history.index("Lai Vung")  # latest first
    ratings = page[page.index('id="ratings"'):]
    assert "Hoàn thành tốt nhiệm vụ" in ratings and "Không hoàn thành nhiệm vụ" in ratings
    discipline = page[page.index('id="disciplines"'):]
    assert "Khiển trách" in discipline and "Giáng chức" in discipline
    assert "04/05/2020 – 03/05/2021" in discipline and "Chậm thi hành" in discipline
    assert "còn hiệu lực" in discipline  # the open-ended one
    flags = page[page.index('id="pending-flags"'):]
    assert "Đang có khiếu nại, tố cáo" in flags and "Đang bị điều tra" not in flags


def test_person_page_without_pending_matters_has_no_flags(as_user, org, staff):
    page = body(as_user(org.proposer), "/people/P-DT-A-1")
    assert 'id="pending-flags"' not in page
    assert "Không có kỷ luật." in page


def test_discipline_labels_cover_every_level(as_user, org, staff):
    person = staff["a2"]
    for i, level in enumerate(DisciplineLevel):
        ops.record_discipline(person, level, date(2010 + i, 1, 1), date(2010 + i, 12, 31))
    page = body(as_user(org.hr), "/people/P-DT-A-2")
    for text in ("Khiển trách", "Cảnh cáo", "Giáng chức", "Cách chức", "Buộc thôi việc"):
        assert text in page


# --- statement counts ---------------------------------------------------------------------------------------

@contextmanager
def count_statements():
    statements: list[str] = []

    def _count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", _count)


def _grow(org, people: int, units: int) -> None:
    """Add branches under Đồng Tháp, people spread over them, and a cluster of those branches."""
    branches = [make_unit(name=f"Chi cục THADS số {i}", parent=org.dt) for i in range(units)]
    cluster = ops.save_cluster(f"C-{units}", name=f"Cụm {units}", organiser=org.dt)
    for i, branch in enumerate(branches):
        ops.rename_unit(branch, f"Phòng THADS khu vực {i}", date(2025, 7, 1))
        ops.set_cluster_member(cluster, current_year_label(), branch,
                               ClusterRole.LEADER if i == 0 else ClusterRole.MEMBER)
    for i in range(people):
        make_person(branches[i % units], full_name=f"Cán bộ {i:03d}")


@pytest.mark.parametrize("url", ["/people", "/people?unit=DT&q=can", "/units", "/"])
def test_statement_count_does_not_grow_with_rows(app, as_user, org, url):
    counts = []
    for people, units in ((5, 2), (40, 12)):
        _grow(org, people, units)
        c = as_user(org.hr)
        with count_statements() as statements:
            body(c, url)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


# --- folding ------------------------------------------------------------------------------------------------

def test_fold_text_strips_vietnamese_accents_and_case():
    assert fold_text("NGUYỄN Thị ĐOAN Trường") == "nguyen thi doan truong"


def test_glob_pattern_lists_every_form_of_each_letter():
    pattern = glob_pattern("Đa*")
    assert pattern.startswith("*[dDđĐ]")
    assert "ậ" in pattern and "Ầ" in pattern and pattern.endswith("[*]*")


def test_unit_kind_labels_exist_for_every_kind():
    from awards.org.labels import UNIT_KIND_LABELS

    assert set(UNIT_KIND_LABELS) == set(UnitKind)
