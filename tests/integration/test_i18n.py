"""The English switch: after POST /language/en every page speaks English, and /language/vi brings Vietnamese back.

Each English page is also searched for words with Vietnamese letters that are not data from the database
(unit and person names, places, …): such a word is UI text someone forgot to wrap in ``_()``.
"""
from __future__ import annotations

import io
import os
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import get_domain
from sqlalchemy import select

from awards.org import operations
from awards.org.models import (
    Cluster,
    ClusterRole,
    Discipline,
    DisciplineLevel,
    Person,
    RatingLevel,
    Unit,
    UnitName,
    User,
)
from tests.factories import PASSWORD, make_person

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
# What may stay Vietnamese on an English page: the switch back names its language in that language.
ALLOWED = ("Tiếng Việt",)


def compile_catalogues(directory: Path = TRANSLATIONS) -> None:
    """``pybabel compile`` for catalogues whose .mo is missing or older than the .po (the .mo is not committed)."""
    for po in directory.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        tmp = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            write_mo(f, catalog)
        os.replace(tmp, mo)  # atomic: a `make test` compiling at the same time never sees half a file


@pytest.fixture(scope="module", autouse=True)
def english_catalogue(app):
    compile_catalogues()
    with app.app_context():
        # An English page rendered before the .mo existed left empty translations in Flask-Babel's cache.
        get_domain().cache.clear()


@pytest.fixture()
def data(org, db):
    """Records that fill every section of the pages: a person with a rating and discipline, a cluster."""
    person = make_person(org.dt_a, "NV-EN-1", full_name="Trần Văn Bình", birth_date=date(1985, 3, 4),
                         grade="Chấp hành viên trung cấp", investigation_pending=True)
    operations.set_rating(2021, RatingLevel.HTXSNV, person=person)
    operations.set_rating(2021, RatingLevel.HTTNV, unit=org.dt_a)
    discipline = operations.record_discipline(person, DisciplineLevel.KHIEN_TRACH, date(2020, 5, 1),
                                              date(2021, 5, 1), reason="Chậm báo cáo thống kê.")
    cluster = operations.save_cluster("CUM-EN", name="Cụm thi đua số 1", organiser=org.dt)
    operations.set_cluster_member(cluster, 2021, org.dt_a, ClusterRole.LEADER)
    operations.set_cluster_member(cluster, 2021, org.dt_b, ClusterRole.MEMBER)
    operations.rename_unit(org.dt_b, "Chi cục THADS huyện Lai Vung mới", date(2021, 1, 1))
    db.session.commit()
    return person, discipline, cluster


class _Visible(HTMLParser):
    """The text a user reads or hears: text nodes and the attributes shown or spoken."""

    SPOKEN = {"placeholder", "title", "aria-label", "alt", "data-confirm"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._vietnamese: list[str] = []  # open elements marked lang="vi": Vietnamese on purpose (legal citations)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag != "html" and ("lang", "vi") in attrs:
            self._vietnamese.append(tag)
            self._skip += 1
        self.parts.extend(value for name, value in attrs if name in self.SPOKEN and value)
        if tag == "input" and ("type", "submit") in attrs:
            self.parts.extend(value for name, value in attrs if name == "value" and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if self._vietnamese and self._vietnamese[-1] == tag:
            self._vietnamese.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def data_strings(db) -> list[str]:
    """Every free text the database holds: it may be Vietnamese on an English page."""
    found = set(db.session.scalars(select(UnitName.name)))
    for column in (Person.full_name, Person.position, Person.grade, Cluster.name, Discipline.reason,
                   User.username, Unit.place):
        found.update(db.session.scalars(select(column)))
    return [s for s in found if s]


def untranslated(html: str, db, *extra: str) -> list[str]:
    text = visible_text(html)
    for value in sorted((*data_strings(db), *extra, *ALLOWED), key=len, reverse=True):
        text = text.replace(value, " ")
    return sorted({word for word in re.findall(r"\w+", text) if not word.isascii()})


def sign_in_in_english(client, login, user):
    login(user)
    client.get("/")  # shows (and so consumes) the sign-in message, flashed before the switch
    assert client.post("/language/en").status_code == 302


def english(client, url: str, db, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    html = response.get_data(as_text=True)
    assert 'lang="en"' in html, url
    assert untranslated(html, db) == [], url
    return html


def test_untranslated_finds_vietnamese_ui_text_but_not_data(db, org):
    page = '<p title="Mở menu">Units: Chi cục THADS huyện Lấp Vò</p><script>var x = "Đóng";</script>'
    assert untranslated(page, db) == ["Mở"]


def test_signed_in_pages_in_english_and_back(client, org, login, data, db):
    person, discipline, cluster = data
    login(org.admin)
    assert "Đăng xuất" in client.get("/").get_data(as_text=True)
    assert client.post("/language/en").status_code == 302
    home = english(client, "/", db)
    assert "Sign out" in home and "Staff" in home and "Units" in home and "Hello, t_admin" in home

    people = english(client, "/people", db)
    assert "Staff list" in people and "Trần Văn Bình" in people
    assert "Search by name or code" in people

    unit = english(client, f"/units/{org.dt_a.code}", db)
    assert "General information" in unit and "District branch" in unit
    assert "Good completion of duties" in unit and "Cluster leader" in unit

    person_page = english(client, f"/people/{person.code}", db)
    assert "Excellent completion of duties" in person_page and "Reprimand" in person_page
    assert "Under investigation or review" in person_page

    assert "Unit tree" in english(client, "/units", db)

    client.post("/language/vi")
    back = client.get(f"/units/{org.dt_a.code}").get_data(as_text=True)
    assert 'lang="vi"' in back and "Đăng xuất" in back and "Thông tin chung" in back
    assert "Sign out" not in back and "General information" not in back


def test_admin_and_import_pages_in_english(client, org, login, data, db):
    person, discipline, cluster = data
    sign_in_in_english(client, login, org.admin)
    for url in ("/admin/", "/admin/units", "/admin/units/new", f"/admin/units/{org.dt_b.code}/edit",
                f"/admin/units/{org.dt_a.code}/ratings", "/admin/clusters", "/admin/clusters/new",
                f"/admin/clusters/{cluster.code}/edit", "/admin/people/new", f"/admin/people/{person.code}/edit",
                f"/admin/discipline/{discipline.id}/edit", "/admin/users", "/admin/users/new",
                f"/admin/users/{org.proposer.id}/edit", "/imports/"):
        english(client, url, db)
    assert "Add unit" in english(client, "/admin/units", db)


def test_form_errors_and_flash_messages_in_english(client, org, login, data, db):
    sign_in_in_english(client, login, org.admin)
    refused = client.post("/admin/units/new", data={})
    html = refused.get_data(as_text=True)
    assert refused.status_code in (200, 422)
    assert "Please enter the unit code." in html and "Please choose the unit type." in html
    assert untranslated(html, db) == []

    weak = client.post("/admin/users/new", data={"username": "en_user", "password": "short",
                                                 "password_confirm": "short"})
    assert "The password must have at least 8 characters" in weak.get_data(as_text=True)

    saved = client.post("/admin/clusters/new", data={"code": "CUM-EN-2", "name": "Cụm mới",
                                                     "organiser_id": org.dt.id}, follow_redirects=True)
    assert "Emulation cluster CUM-EN-2 created." in saved.get_data(as_text=True)


def test_import_preview_in_english(client, org, login, db, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    sign_in_in_english(client, login, org.admin)
    bad = ("code,full_name,gender,birth_date,hire_date,unit_code,position,grade\n"
           "NV-X,Lê Thị Hoa,female,32/01/1990,,KHONG-CO,,\n").encode()
    response = client.post("/imports/", data={"kind": "people", "file": (io.BytesIO(bad), "people.csv")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "invalid date “32/01/1990” (use dd/mm/yyyy or yyyy-mm-dd)" in html
    assert "unit “KHONG-CO” not found" in html
    assert untranslated(html, db, "Lê Thị Hoa") == []


def test_sign_in_page_and_errors_in_english(client, org, login, db):
    client.post("/language/en")
    page = english(client, "/login", db)
    assert "Sign in" in page and "Username" in page and "Password" in page

    empty = client.post("/login", data={})
    assert "Please enter your username." in empty.get_data(as_text=True)
    wrong = client.post("/login", data={"username": org.admin.username, "password": "wrong-password-1"})
    assert wrong.status_code == 401 and "Incorrect username or password." in wrong.get_data(as_text=True)

    redirected = client.get("/people", follow_redirects=True)
    assert "Please sign in to continue." in redirected.get_data(as_text=True)

    sign_in_in_english(client, login, org.proposer)
    missing = english(client, f"/units/{org.th_a.code}", db, status=404)  # outside the proposer's scope
    assert "Page not found" in missing and "Back to the home page" in missing
    api = client.get("/api/v1/units/NO-SUCH-UNIT")
    assert api.status_code == 404 and api.get_json()["message"] == "Not found."


def test_the_choice_follows_the_user_to_the_next_sign_in(client, org, login, db):
    login(org.hr)
    client.post("/language/en")
    client.post("/logout")
    login(org.hr)
    assert "Sign out" in client.get("/").get_data(as_text=True)
    assert db.session.get(User, org.hr.id).locale == "en"


def test_compile_catalogues_writes_a_missing_mo(tmp_path):
    po_dir = tmp_path / "en" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "messages.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                                        'msgid "Đăng xuất"\nmsgstr "Sign out"\n', encoding="utf-8")
    compile_catalogues(tmp_path)
    from babel.support import Translations

    assert Translations.load(str(tmp_path), ["en"]).gettext("Đăng xuất") == "Sign out"


def test_english_chosen_on_the_sign_in_page_survives_signing_in(client, org, login, db):
    client.post("/language/en")
    assert "Sign in" in client.get("/login").get_data(as_text=True)
    login(org.viewer)  # no language stored on the account yet
    home = client.get("/").get_data(as_text=True)
    assert "Signed in." in home and "Sign out" in home


def test_the_language_outlives_signing_out_and_is_remembered_on_the_account(client, org, login, db):
    client.post("/language/en")
    login(org.viewer)
    assert org.viewer.locale == "en"
    page = client.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert "Sign in" in page
    fresh = client.application.test_client()  # a new browser: the account's language applies after sign-in
    fresh.post("/login", data={"username": org.viewer.username, "password": PASSWORD})
    assert "Sign out" in fresh.get("/").get_data(as_text=True)
