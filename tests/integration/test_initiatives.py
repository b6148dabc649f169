"""Initiatives: the operations, the one-use rule and its message, the pages, their permissions and scope."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, insert, select

from awards.catalogue.models import Award, AwardHolding
from awards.core.errors import ValidationFailed
from awards.initiatives import operations as ops
from awards.initiatives.models import Initiative, InitiativeScope, InitiativeUse
from tests.factories import make_person


def award(db, code: str) -> Award:
    return db.session.scalar(select(Award).where(Award.code == code))


@pytest.fixture()
def people(db, org):
    """Two authors in Đồng Tháp's Lấp Vò branch, one outsider there, one officer in Thanh Hóa."""
    class People:
        a = make_person(org.dt_a, "DT-A1", full_name="Nguyễn Văn An")
        b = make_person(org.dt_a, "DT-A2", full_name="Trần Thị Bình")
        c = make_person(org.dt_a, "DT-A3", full_name="Lê Văn Cường")
        t = make_person(org.th_a, "TH-A1", full_name="Phạm Văn Thanh")
    return People


@pytest.fixture()
def initiative(db, org, people) -> Initiative:
    found = ops.save_initiative("SK-1", title="Xác minh qua ngân hàng", authors=[people.a, people.b], unit=org.dt_a,
                                year=2021, scope=InitiativeScope.BASE, decision_no="45/QĐ-CTHADS",
                                decision_date=date(2021, 9, 15))
    db.session.commit()
    return found


@pytest.fixture()
def th_initiative(db, org, people) -> Initiative:
    found = ops.save_initiative("SK-TH", title="Sáng kiến Quan Sơn", authors=[people.t], unit=org.th_a, year=2020,
                                scope=InitiativeScope.MINISTRY)
    db.session.commit()
    return found


def uses(db) -> int:
    return db.session.scalar(select(func.count()).select_from(InitiativeUse))


# --- operations --------------------------------------------------------------------------------------

def test_save_creates_then_updates_in_place_replacing_the_authors(db, org, people, initiative):
    assert [a.person.code for a in initiative.authors] == ["DT-A1", "DT-A2"]
    again = ops.save_initiative("SK-1", title="Tên mới", authors=[people.b, people.c], unit=org.dt_b, year=2020,
                                scope=InitiativeScope.MINISTRY)
    assert again.id == initiative.id
    assert (again.title, again.unit, again.year, again.scope) == ("Tên mới", org.dt_b, 2020, InitiativeScope.MINISTRY)
    assert [a.person.code for a in again.authors] == ["DT-A2", "DT-A3"]
    # The same people in another order: the first is the main author.
    ops.save_initiative("SK-1", title="Tên mới", authors=[people.c, people.b], unit=org.dt_b, year=2020,
                        scope=InitiativeScope.MINISTRY)
    assert [a.person.code for a in again.authors] == ["DT-A3", "DT-A2"]


def test_an_initiative_needs_an_author(db, org):
    with pytest.raises(ValidationFailed, match="ít nhất một tác giả"):
        ops.save_initiative("SK-0", title="x", authors=[], unit=org.dt_a, year=2021, scope=None)


def test_a_second_use_is_refused_naming_the_first(db, people, initiative):
    ops.record_use(initiative, award=award(db, "CSTDCS"), year=2021, person=people.a)
    with pytest.raises(ValidationFailed) as refused:
        ops.record_use(initiative, award=award(db, "BK_BO"), year=2021, person=people.b)
    assert refused.value.message == (
        "Sáng kiến “SK-1 – Xác minh qua ngân hàng” đã được dùng để đề nghị Chiến sĩ thi đua cơ sở năm 2021 cho "
        "Nguyễn Văn An; mỗi sáng kiến chỉ được dùng cho một lần khen thưởng.")
    # The same award for another year, or for the other author, is another use too.
    for other in ({"year": 2022, "person": people.a}, {"year": 2021, "person": people.b}):
        with pytest.raises(ValidationFailed, match="đã được dùng"):
            ops.record_use(initiative, award=award(db, "CSTDCS"), **other)
    assert uses(db) == 1


def test_recording_the_same_use_again_changes_nothing(db, people, initiative):
    first = ops.record_use(initiative, award=award(db, "CSTDCS"), year=2021, person=people.a, note="lần đầu")
    again = ops.record_use(initiative, award=award(db, "CSTDCS"), year=2021, person=people.a, note="lần hai")
    assert again.id == first.id and again.note == "lần đầu"
    assert uses(db) == 1


def test_release_frees_the_initiative_for_another_use(db, org, people, initiative):
    ops.record_use(initiative, award=award(db, "CSTDCS"), year=2021, person=people.a)
    ops.release_use(initiative)
    assert initiative.use is None and uses(db) == 0
    ops.release_use(initiative)  # nothing to release: no change, no error
    use = ops.record_use(initiative, award=award(db, "TTLDXS"), year=2021, unit=org.dt_a)
    assert (use.unit_id, use.person_id) == (org.dt_a.id, None)


def test_a_use_bumps_the_version_so_an_open_page_is_stale(db, people, initiative):
    before = initiative.version
    ops.record_use(initiative, award=award(db, "CSTDCS"), year=2021, person=people.a)
    assert initiative.version == before + 1
    ops.release_use(initiative)
    assert initiative.version == before + 2


@pytest.mark.parametrize(("case", "subject", "award_code", "message"), [
    ("not an author", "c", "CSTDCS", "không phải tác giả"),
    ("collective award for a person", "a", "TTLDTT", "chỉ dành cho tập thể"),
    ("person award for a unit", "unit", "CSTDCS", "chỉ dành cho cá nhân"),
])
def test_a_use_must_suit_the_initiative_and_the_award(db, org, people, initiative, case, subject, award_code, message):
    who = {"unit": org.dt_a} if subject == "unit" else {"person": getattr(people, subject)}
    with pytest.raises(ValidationFailed, match=message):
        ops.record_use(initiative, award=award(db, award_code), year=2021, **who)
    assert uses(db) == 0


def test_an_unrecognised_initiative_supports_no_award(db, org, people):
    pending = ops.save_initiative("SK-P", title="Chưa công nhận", authors=[people.a], unit=org.dt_a, year=2021,
                                  scope=None)
    with pytest.raises(ValidationFailed, match="chưa được công nhận"):
        ops.record_use(pending, award=award(db, "CSTDCS"), year=2021, person=people.a)


def test_a_use_recorded_meanwhile_by_another_request_is_named_not_a_server_error(db, people, initiative):
    assert initiative.use is None  # this request read it unused …
    # … then another request recorded a use, behind this session's back.
    db.session.execute(insert(InitiativeUse).values(initiative_id=initiative.id, award_id=award(db, "CSTDCS").id,
                                                    year=2021, person_id=people.b.id, note=""))
    with pytest.raises(ValidationFailed, match="cho Trần Thị Bình"):
        ops.record_use(initiative, award=award(db, "BK_BO"), year=2021, person=people.a)
    # The session is still usable and holds the one use.
    assert uses(db) == 1


def test_award_holdings_update_in_place_and_suit_the_subject(db, org, people):
    first = ops.save_holding(award(db, "LDTT"), 2021, person=people.a, decision_no="1/QĐ")
    again = ops.save_holding(award(db, "LDTT"), 2021, person=people.a, decision_no="2/QĐ", issuer="Cục trưởng")
    assert again.id == first.id and (again.decision_no, again.issuer) == ("2/QĐ", "Cục trưởng")
    with pytest.raises(ValidationFailed, match="chỉ dành cho tập thể"):
        ops.save_holding(award(db, "TTLDTT"), 2021, person=people.a)
    with pytest.raises(ValidationFailed, match="chỉ dành cho cá nhân"):
        ops.save_holding(award(db, "CSTDCS"), 2021, unit=org.dt_a)
    both = ops.save_holding(award(db, "GK"), 2021, unit=org.dt_a)  # GK is for persons and collectives
    assert both.unit_id == org.dt_a.id


# --- pages -------------------------------------------------------------------------------------------

def test_the_list_shows_only_initiatives_in_scope_with_filters(client, login, org, initiative, th_initiative):
    login(org.hr)
    page = client.get("/initiatives").get_data(as_text=True)
    assert "SK-1" in page and "SK-TH" not in page
    client.post("/logout")
    login(org.viewer)  # Thanh Hóa
    page = client.get("/initiatives").get_data(as_text=True)
    assert "SK-TH" in page and "SK-1" not in page
    client.post("/logout")
    login(org.admin)  # the root: both
    assert "SK-1" in client.get("/initiatives").get_data(as_text=True)
    assert "SK-1" not in client.get("/initiatives?year=2020").get_data(as_text=True)
    assert "SK-TH" in client.get("/initiatives?year=2020").get_data(as_text=True)
    by_scope = client.get("/initiatives?scope=ministry").get_data(as_text=True)
    assert "SK-TH" in by_scope and "SK-1" not in by_scope
    # Search ignores accents and finds authors too.
    by_author = client.get("/initiatives?q=binh").get_data(as_text=True)
    assert "SK-1" in by_author and "SK-TH" not in by_author
    assert "SK-TH" in client.get("/initiatives?q=quan son").get_data(as_text=True)


def test_the_detail_page_shows_authors_recognition_and_use(db, client, login, org, people, initiative):
    login(org.proposer)  # the proposer's scope is the Lấp Vò branch itself
    page = client.get("/initiatives/SK-1").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Trần Thị Bình" in page
    assert "Cấp cơ sở" in page and "45/QĐ-CTHADS" in page and "15/09/2021" in page
    assert "chưa sử dụng" in page
    assert "use-form" not in page and "/initiatives/SK-1/edit" not in page  # a proposer changes nothing
    ops.record_use(initiative, award=award(db, "CSTDCS"), year=2021, person=people.a)
    page = client.get("/initiatives/SK-1").get_data(as_text=True)
    assert "Đã dùng để đề nghị Chiến sĩ thi đua cơ sở năm 2021 cho Nguyễn Văn An." in page


def test_an_initiative_outside_the_scope_is_not_found(client, login, org, initiative, th_initiative):
    login(org.hr)
    assert client.get("/initiatives/SK-TH").status_code == 404
    assert client.get("/initiatives/SK-TH/edit").status_code == 404
    assert client.post("/initiatives/SK-TH/use", data={}).status_code == 404
    assert client.post("/initiatives/SK-TH/release", data={}).status_code == 404
    assert client.get("/initiatives/NOPE").status_code == 404


def test_only_admin_or_hr_change_initiatives(client, login, org, initiative):
    login(org.approver)  # sees Đồng Tháp, manages no staff
    assert client.get("/initiatives/SK-1").status_code == 200
    for method, url in (("get", "/initiatives/new"), ("post", "/initiatives/new"), ("get", "/initiatives/SK-1/edit"),
                        ("post", "/initiatives/SK-1/edit"), ("post", "/initiatives/SK-1/use"),
                        ("post", "/initiatives/SK-1/release")):
        assert getattr(client, method)(url, data={}).status_code == 403, url


def _form(org, people, **over) -> dict:
    data = {"code": "SK-NEW", "title": "Số hóa hồ sơ thi hành án", "author_codes": "DT-A2; DT-A1",
            "unit_id": str(org.dt_a.id), "year": "2021", "scope": "base", "decision_no": "50/QĐ",
            "decision_date": "20/09/2021"}
    return data | over


def test_hr_creates_an_initiative(db, client, login, org, people):
    login(org.hr)
    assert client.get("/initiatives/new").status_code == 200
    response = client.post("/initiatives/new", data=_form(org, people))
    assert response.status_code == 302 and response.headers["Location"].endswith("/initiatives/SK-NEW")
    created = db.session.scalar(select(Initiative).where(Initiative.code == "SK-NEW"))
    assert [a.person.code for a in created.authors] == ["DT-A2", "DT-A1"]
    assert (created.scope, created.decision_date) == (InitiativeScope.BASE, date(2021, 9, 20))


@pytest.mark.parametrize(("over", "message"), [
    ({"author_codes": "DT-A1; NOBODY"}, "Không tìm thấy cán bộ: NOBODY."),
    ({"author_codes": "DT-A1; TH-A1"}, "Không tìm thấy cán bộ: TH-A1."),  # outside the scope reads as unknown
    ({"author_codes": "DT-A1; DT-A1"}, "Một tác giả được nêu hai lần."),
    ({"title": ""}, "Vui lòng nhập tên sáng kiến."),
    ({"code": "có dấu"}, "mã không hợp lệ"),
    ({"decision_date": "31/02/2021"}, "Ngày không hợp lệ"),
    ({"year": "1800"}, "Năm phải từ 1990 đến 2100."),
])
def test_a_bad_form_is_refused_with_a_vietnamese_message(db, client, login, org, people, over, message):
    login(org.hr)
    response = client.post("/initiatives/new", data=_form(org, people, **over))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Initiative).where(Initiative.code == "SK-NEW")) is None


def test_a_taken_code_is_refused(client, login, org, people, initiative):
    login(org.hr)
    response = client.post("/initiatives/new", data=_form(org, people, code="SK-1"))
    assert response.status_code == 422 and "Mã sáng kiến “SK-1” đã tồn tại." in response.get_data(as_text=True)


def test_hr_edits_and_a_stale_edit_is_a_conflict(db, client, login, org, people, initiative):
    login(org.hr)
    page = client.get("/initiatives/SK-1/edit").get_data(as_text=True)
    assert "DT-A1; DT-A2" in page
    version = str(initiative.version)
    data = _form(org, people, title="Tên đã sửa", author_codes="DT-A3", version=version)
    assert client.post("/initiatives/SK-1/edit", data=data).status_code == 302
    db.session.refresh(initiative)
    assert initiative.title == "Tên đã sửa" and [a.person.code for a in initiative.authors] == ["DT-A3"]
    # The same page submitted again carries the old version: someone else saved since.
    stale = client.post("/initiatives/SK-1/edit", data=data | {"title": "Ghi đè"})
    assert stale.status_code == 409
    db.session.refresh(initiative)
    assert initiative.title == "Tên đã sửa"


def _use(initiative, subject: str, award_id: int, **over) -> dict:
    return {"use-version": str(initiative.version), "use-subject": subject, "use-award_id": str(award_id),
            "use-year": "2021", "use-note": ""} | over


def test_recording_and_releasing_the_use_from_the_page(db, client, login, org, people, initiative):
    login(org.hr)
    cstdcs = award(db, "CSTDCS")
    response = client.post("/initiatives/SK-1/use", data=_use(initiative, f"person:{people.a.id}", cstdcs.id))
    assert response.status_code == 302
    db.session.refresh(initiative)
    assert (initiative.use.person_id, initiative.use.award_id) == (people.a.id, cstdcs.id)
    response = client.post("/initiatives/SK-1/release", data={"release-version": str(initiative.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert uses(db) == 0


def test_a_second_use_from_the_page_shows_the_refusal_as_a_form_error(db, client, login, org, people, initiative):
    ops.record_use(initiative, award=award(db, "CSTDCS"), year=2021, person=people.a)
    db.session.commit()
    login(org.hr)
    # A page loaded now shows the use and no form; a form posted anyway (current version) is refused by the rule.
    response = client.post("/initiatives/SK-1/use",
                           data=_use(initiative, f"person:{people.b.id}", award(db, "BK_BO").id))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "đã được dùng để đề nghị Chiến sĩ thi đua cơ sở năm 2021 cho Nguyễn Văn An" in page
    assert uses(db) == 1


def test_a_use_posted_from_a_stale_page_is_a_conflict(db, client, login, org, people, initiative):
    login(org.hr)
    data = _use(initiative, f"person:{people.a.id}", award(db, "CSTDCS").id)
    ops.record_use(initiative, award=award(db, "CSTDCS"), year=2021, person=people.b)  # bumps the version
    db.session.commit()
    assert client.post("/initiatives/SK-1/use", data=data).status_code == 409


def test_the_use_form_offers_the_authors_and_the_unit_only(db, client, login, org, people, initiative):
    login(org.hr)
    response = client.post("/initiatives/SK-1/use", data=_use(initiative, f"person:{people.c.id}",
                                                              award(db, "CSTDCS").id))
    assert response.status_code == 422 and "Lựa chọn không hợp lệ." in response.get_data(as_text=True)
    assert uses(db) == 0


# --- person and unit pages ---------------------------------------------------------------------------

def test_the_person_page_lists_their_initiatives_and_awards(db, client, login, org, people, initiative):
    ops.save_holding(award(db, "CSTDCS"), 2020, person=people.a, decision_no="211/QĐ-CTHADS",
                     decision_date=date(2020, 9, 25), issuer="Cục trưởng Cục THADS tỉnh Đồng Tháp")
    ops.save_holding(award(db, "LDTT"), 2021, person=people.a, decision_no="198/QĐ-CTHADS")
    db.session.commit()
    login(org.hr)
    page = client.get(f"/people/{people.a.code}").get_data(as_text=True)
    assert 'href="/initiatives/SK-1"' in page and "chưa sử dụng" in page
    history = page[page.index('id="award-history"'):]
    assert history.index("Lao động tiên tiến") < history.index("Chiến sĩ thi đua cơ sở")  # newest year first
    assert "211/QĐ-CTHADS" in history and "25/09/2020" in history and "Cục trưởng Cục THADS tỉnh Đồng Tháp" in history
    other = client.get(f"/people/{people.c.code}").get_data(as_text=True)
    assert "Chưa có sáng kiến." in other and "Chưa có danh hiệu, hình thức khen thưởng nào." in other


def test_the_unit_page_lists_its_awards(db, client, login, org):
    ops.save_holding(award(db, "TTLDTT"), 2021, unit=org.dt_a, decision_no="199/QĐ-CTHADS",
                     decision_date=date(2021, 9, 28), issuer="Cục trưởng")
    db.session.commit()
    login(org.hr)
    page = client.get(f"/units/{org.dt_a.code}").get_data(as_text=True)
    assert "Tập thể lao động tiên tiến" in page and "199/QĐ-CTHADS" in page and "28/09/2021" in page
    assert db.session.scalar(select(func.count()).select_from(AwardHolding)) == 1
