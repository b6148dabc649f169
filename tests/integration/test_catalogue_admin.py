"""Catalogue pages: everybody reads the law; only a top-level admin changes it; history is kept, never lost."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from awards.catalogue import operations as cat_ops
from awards.catalogue.models import Award, CatalogueChange, LegalBasis, Parameter
from awards.core.errors import ValidationFailed
from awards.org.models import Role
from tests.factories import make_user


@pytest.fixture()
def system_admin(org):
    return make_user("cat_admin", (Role.ADMIN, org.root))


@pytest.fixture()
def provincial_admin(org):
    return make_user("cat_prov_admin", (Role.ADMIN, org.dt))


def _versions(db, key):
    return db.session.scalars(select(Parameter).where(Parameter.key == key).order_by(Parameter.effective_from)).all()


def _changes(db, table):
    return db.session.scalars(select(CatalogueChange).where(CatalogueChange.table_name == table)
                              .order_by(CatalogueChange.id)).all()


@pytest.mark.parametrize("url", ["/admin/catalogue/", "/admin/catalogue/legal-bases", "/admin/catalogue/parameters"])
def test_every_signed_in_user_reads_the_catalogue(client, login, org, url):
    login(org.viewer)
    response = client.get(url)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "/edit" not in text and "Thêm giá trị mới" not in text  # no edit links for a reader


def test_the_awards_page_shows_the_parameters_in_force_today(client, login, org):
    login(org.viewer)
    text = client.get("/admin/catalogue/").get_data(as_text=True)
    row = text.split('data-code="CSTDCS"')[1].split("</tr>")[0]
    assert "Chiến sĩ thi đua cơ sở" in row and "4/5 (80%)" in row and "Điều 30 khoản 7, 98/2023/NĐ-CP" in row
    assert "Cá nhân: 1,0" in row
    bk = text.split('data-code="BK_BO"')[1].split("</tr>")[0]
    assert "Cá nhân: 1,5" in bk and "Tập thể: 3,0" in bk and "quá bán" in bk


def test_parameters_are_listed_by_key_with_every_dated_version_and_its_tag(client, login, org):
    login(org.viewer)
    text = client.get("/admin/catalogue/parameters").get_data(as_text=True)
    card = text.split('id="key-base_salary"')[1].split('class="card mb-2"')[0]
    for shown in ("1.390.000", "1.490.000", "1.800.000", "2.340.000", "01/07/2018 – 30/06/2019", "73/2024/NĐ-CP"):
        assert shown in card
    bk = text.split('id="key-money_multiple.BK_BO.person"')[1].split('class="card mb-2"')[0]
    assert 'data-reliability="unsure"' in bk and 'data-reliability="law"' in bk


@pytest.mark.parametrize("url", ["/admin/catalogue/awards/LDTT/edit", "/admin/catalogue/legal-bases/new",
                                 "/admin/catalogue/legal-bases/ND98_2023/edit",
                                 "/admin/catalogue/parameters/base_salary/new",
                                 "/admin/catalogue/parameters/base_salary/2024-07-01/edit"])
def test_only_a_top_level_admin_may_change_it(client, login, provincial_admin, db, url):
    login(provincial_admin)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"value": "1", "name_vi": "x", "name_en": "x"}).status_code == 403
    assert db.session.scalar(select(CatalogueChange.id)) is None


def test_the_history_page_is_for_admins(client, login, org, provincial_admin):
    login(org.viewer)
    assert client.get("/admin/catalogue/history").status_code == 403
    client.post("/logout")
    login(provincial_admin)
    assert client.get("/admin/catalogue/history").status_code == 200


def test_a_new_dated_value_closes_the_one_in_force_and_keeps_history(client, login, system_admin, db):
    login(system_admin)
    page = client.get("/admin/catalogue/parameters/base_salary/new").get_data(as_text=True)
    fp = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    basis = db.session.scalar(select(LegalBasis).where(LegalBasis.code == "ND73_2024"))
    response = client.post("/admin/catalogue/parameters/base_salary/new", data={
        "value": "2.530.000", "effective_from": "01/07/2026", "legal_basis_id": str(basis.id),
        "article": "Điều 3", "reliability": "law", "note": "giả định", "fingerprint": fp})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    versions = _versions(db, "base_salary")
    assert [(v.value, v.effective_from, v.effective_to) for v in versions[-2:]] == [
        (2_340_000, date(2024, 7, 1), date(2026, 6, 30)), (2_530_000, date(2026, 7, 1), None)]
    changes = _changes(db, "parameter")
    assert [c.action for c in changes] == ["close", "create"]
    closed, created = changes
    assert closed.before["effective_to"] is None and closed.after["effective_to"] == "2026-06-30"
    assert created.before is None and created.after["value"] == 2_530_000
    assert created.user_id == system_admin.id
    history = client.get("/admin/catalogue/history").get_data(as_text=True)
    assert "base_salary (từ 01/07/2026)" in history and "cat_admin" in history and "Kết thúc hiệu lực" in history


def test_a_value_inserted_between_versions_ends_before_the_next_one(db, org):
    cat_ops.add_parameter_version("base_salary", "1600000", date(2021, 1, 1), legal_basis=None,
                                  reliability="unsure", actor=None)
    versions = _versions(db, "base_salary")
    assert [(v.value, v.effective_from, v.effective_to) for v in versions[1:4]] == [
        (1_490_000, date(2019, 7, 1), date(2020, 12, 31)), (1_600_000, date(2021, 1, 1), date(2023, 6, 30)),
        (1_800_000, date(2023, 7, 1), date(2024, 6, 30))]


@pytest.mark.parametrize("key, typed, message", [
    ("base_salary", "nhiều", "phải là một số nguyên không âm"),
    ("money_multiple.LDTT.person", "ba", "phải là một số thập phân không âm"),
    ("vote_threshold.CSTDCS", "6/5", "phân số không lớn hơn 1"),
    ("LDTT.min_rating", "TOT", "phải là một mức xếp loại"),
    ("exclusion.discipline_level", "phat", "phải là một hình thức kỷ luật"),
    ("CSTD_BO.initiative_scope", "tinh", "phải là một phạm vi sáng kiến"),
    ("TTLDTT.ldtt_share", '{"min": "0.7"}', "có đúng các trường: min, strict"),
    ("thads.target_link_awards", '["TTLDXS", "XYZ"]', "Không có danh hiệu mã XYZ"),
    ("base_salary", "", "Vui lòng nhập giá trị của base_salary"),
])
def test_values_are_checked_against_the_key_in_vietnamese(client, login, system_admin, db, key, typed, message):
    login(system_admin)
    page = client.get(f"/admin/catalogue/parameters/{key}/new").get_data(as_text=True)
    fp = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    before = len(_versions(db, key))
    response = client.post(f"/admin/catalogue/parameters/{key}/new", data={
        "value": typed, "effective_from": "01/01/2030", "legal_basis_id": "", "reliability": "law", "fingerprint": fp})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(_versions(db, key)) == before and _changes(db, "parameter") == []


def test_accepted_shapes_are_stored_as_the_rules_read_them(db, org):
    share = cat_ops.add_parameter_version("TTLDTT.ldtt_share", '{"min": "0,75", "strict": false}', date(2030, 1, 1),
                                          legal_basis=None, reliability="practice", actor=None)
    assert share.value == {"min": "0.75", "strict": False}
    multiple = cat_ops.add_parameter_version("money_multiple.LDTT.person", "0.35", date(2030, 1, 1),
                                             legal_basis=None, reliability="law", actor=None)
    assert multiple.value == "0.35"  # exact decimal text, never a float
    quota = cat_ops.add_parameter_version("quota.CSTDCS.share_of_LDTT", "null", date(2030, 1, 1),
                                          legal_basis=None, reliability="practice", actor=None)
    assert quota.value is None  # the key already allows "no quota"
    with pytest.raises(ValidationFailed, match="đã có một phiên bản từ ngày 01/07/2024"):
        cat_ops.add_parameter_version("base_salary", "1", date(2024, 7, 1), legal_basis=None, reliability="law",
                                      actor=None)


def test_a_date_typed_wrongly_is_refused_in_vietnamese(client, login, system_admin, db):
    login(system_admin)
    page = client.get("/admin/catalogue/parameters/base_salary/new").get_data(as_text=True)
    fp = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    response = client.post("/admin/catalogue/parameters/base_salary/new", data={
        "value": "1", "effective_from": "31/02/2030", "legal_basis_id": "", "reliability": "law", "fingerprint": fp})
    assert response.status_code == 422 and "Ngày không hợp lệ" in response.get_data(as_text=True)


def test_correcting_a_version_keeps_its_period_and_writes_before_and_after(client, login, system_admin, db):
    login(system_admin)
    url = "/admin/catalogue/parameters/money_multiple.BK_BO.person/2017-07-31/edit"
    page = client.get(url).get_data(as_text=True)
    fp = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    response = client.post(url, data={"value": "1.0", "legal_basis_id": "", "article": "Điều 75",
                                      "reliability": "law", "note": "Đã đối chiếu.", "fingerprint": fp})
    assert response.status_code == 302
    db.session.expire_all()
    old = _versions(db, "money_multiple.BK_BO.person")[0]
    assert (old.effective_from, old.effective_to, old.reliability.value) == (date(2017, 7, 31), date(2023, 12, 31),
                                                                            "law")
    [change] = _changes(db, "parameter")
    assert change.action == "update"
    assert change.before["reliability"] == "unsure" and change.after["reliability"] == "law"
    assert change.before["legal_basis_id"] is not None and change.after["legal_basis_id"] is None
    again = client.post(url, data={"value": "2.0", "legal_basis_id": "", "reliability": "law", "fingerprint": fp})
    assert again.status_code == 409  # the page was loaded before the first correction
    db.session.expire_all()
    assert _versions(db, "money_multiple.BK_BO.person")[0].value == "1.0"


def test_a_new_version_from_a_stale_page_is_refused(client, login, system_admin, db):
    login(system_admin)
    page = client.get("/admin/catalogue/parameters/base_salary/new").get_data(as_text=True)
    fp = page.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    cat_ops.add_parameter_version("base_salary", "2400000", date(2025, 7, 1), legal_basis=None, reliability="law",
                                  actor=None)
    db.session.commit()
    response = client.post("/admin/catalogue/parameters/base_salary/new", data={
        "value": "2500000", "effective_from": "01/07/2026", "legal_basis_id": "", "reliability": "law",
        "fingerprint": fp})
    assert response.status_code == 409
    assert [v.value for v in _versions(db, "base_salary")][-1] == 2_400_000


def test_an_award_is_edited_with_history_but_its_code_never_changes(client, login, system_admin, db):
    login(system_admin)
    award = db.session.scalar(select(Award).where(Award.code == "GK"))
    version = award.version
    response = client.post("/admin/catalogue/awards/GK/edit", data={
        "code": "XX", "name_vi": "Giấy khen của Thủ trưởng", "name_en": "Certificate of Merit", "rank": "16",
        "secret_ballot": "y", "active": "y", "version": str(version)})
    assert response.status_code == 302
    db.session.expire_all()
    award = db.session.scalar(select(Award).where(Award.code == "GK"))
    assert (award.name_vi, award.rank, award.secret_ballot) == ("Giấy khen của Thủ trưởng", 16, True)
    [change] = _changes(db, "award")
    assert change.before["name_vi"] == "Giấy khen" and change.after["name_vi"] == "Giấy khen của Thủ trưởng"
    assert change.before["secret_ballot"] is False and change.after["secret_ballot"] is True
    stale = client.post("/admin/catalogue/awards/GK/edit", data={
        "name_vi": "Khác", "name_en": "Other", "rank": "16", "version": str(version)})
    assert stale.status_code == 409
    empty = client.post("/admin/catalogue/awards/GK/edit", data={
        "name_vi": "", "name_en": "x", "rank": "16", "version": str(award.version)})
    assert empty.status_code == 422 and "Vui lòng nhập tên tiếng Việt" in empty.get_data(as_text=True)


def test_legal_bases_are_created_and_edited_with_history(client, login, system_admin, db):
    login(system_admin)
    response = client.post("/admin/catalogue/legal-bases/new", data={
        "code": "QD_THADS_2025", "number": "01/QĐ-TCTHADS", "title": "Quy chế thi đua mới",
        "issued_on": "02/01/2025", "effective_from": "02/01/2025", "citation_line": "Căn cứ Quy chế …;",
        "reliability": "practice"})
    assert response.status_code == 302, response.get_data(as_text=True)
    basis = db.session.scalar(select(LegalBasis).where(LegalBasis.code == "QD_THADS_2025"))
    assert basis.citation_line == "Căn cứ Quy chế …"  # the final ";" is added when printed
    duplicate = client.post("/admin/catalogue/legal-bases/new", data={
        "code": "QD_THADS_2025", "number": "x", "title": "x", "effective_from": "02/01/2025",
        "citation_line": "x", "reliability": "law"})
    assert duplicate.status_code == 422 and "Mã văn bản QD_THADS_2025 đã có" in duplicate.get_data(as_text=True)
    reversed_dates = client.post("/admin/catalogue/legal-bases/QD_THADS_2025/edit", data={
        "number": "01/QĐ-TCTHADS", "title": "Quy chế", "effective_from": "02/01/2025", "effective_to": "01/01/2025",
        "citation_line": "x", "reliability": "law", "version": str(basis.version)})
    assert reversed_dates.status_code == 422
    assert "Ngày hết hiệu lực không được trước ngày có hiệu lực" in reversed_dates.get_data(as_text=True)
    edit = client.post("/admin/catalogue/legal-bases/QD_THADS_2025/edit", data={
        "number": "01/QĐ-TCTHADS", "title": "Quy chế", "effective_from": "02/01/2025", "effective_to": "31/12/2026",
        "citation_line": "Căn cứ Quy chế", "reliability": "law", "version": str(basis.version)})
    assert edit.status_code == 302
    assert [(c.action, (c.before or {}).get("effective_to"), c.after["effective_to"])
            for c in _changes(db, "legal_basis")] == [("create", None, None), ("update", None, "2026-12-31")]
    stale = client.post("/admin/catalogue/legal-bases/QD_THADS_2025/edit", data={
        "number": "x", "title": "x", "effective_from": "02/01/2025", "citation_line": "x", "reliability": "law",
        "version": str(basis.version - 1 if basis.version > 1 else 1)})
    assert stale.status_code == 409
