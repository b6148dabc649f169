"""The printable tờ trình of a batch: the route answers a PDF to those who see the batch and 404 to the others,
and the document prints the batch's unit, nominees and awards with the names in force on its date."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from awards.catalogue.models import Award
from awards.nominations.documents import batch_context
from awards.nominations.models import Batch, Nomination
from awards.org.models import UnitName
from tests.factories import make_person
from tests.unit.documents_samples import flat, fonts


def _batch(db, org, *, names=("Lê Thị Thu Trữ", "Phạm Văn Dương"), **fields) -> Batch:
    award = db.session.scalar(select(Award).where(Award.code == "LDTT"))
    batch = Batch(unit_id=org.dt_a.id, deciding_unit_id=org.dt.id, year=2021, title="Tờ trình đề nghị khen thưởng "
                  "năm 2021", **fields)
    db.session.add(batch)
    for name in names:
        db.session.add(Nomination(person=make_person(org.dt_a, full_name=name, position="Chấp hành viên sơ cấp"),
                                  award=award, year=2021, proposing_unit=org.dt_a, deciding_unit=org.dt, batch=batch,
                                  summary="Hoàn thành xuất sắc nhiệm vụ được giao."))
    db.session.commit()
    return batch


def test_the_batch_pdf_is_served_inline_to_its_unit(db, org, client, login):
    batch = _batch(db, org)
    login(org.proposer)
    response = client.get(f"/batches/{batch.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="to-trinh-{batch.id}.pdf"'
    assert response.data.startswith(b"%PDF-")
    body = flat(response.data)
    for expected in ("CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP", "CHI CỤC THADS HUYỆN LẤP VÒ", "TỜ TRÌNH",
                     "Về việc đề nghị khen thưởng năm 2021", "Lê Thị Thu Trữ", "Phạm Văn Dương",
                     "Kính gửi: Hội đồng Thi đua - Khen thưởng Cục Thi hành án dân sự tỉnh Đồng Tháp",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Nơi nhận:"):
        assert expected in body, expected
    assert {name.split("+", 1)[1].split("-Bold")[0].split("-Italic")[0] for name, _ in fonts(response.data)} == {
        "Liberation-Serif-v2"}


def test_the_deciding_units_secretary_may_print_it_and_the_batch_page_links_it(db, org, client, login):
    batch = _batch(db, org)
    login(org.secretary)
    assert client.get(f"/batches/{batch.id}/pdf").status_code == 200
    html = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert f'href="/batches/{batch.id}/pdf"' in html and "In tờ trình (PDF)" in html


def test_out_of_scope_users_get_404(db, org, client, login):
    batch = _batch(db, org)
    login(org.viewer)  # another province
    assert client.get(f"/batches/{batch.id}/pdf").status_code == 404
    assert client.get("/batches/999999/pdf").status_code == 404


def test_anonymous_users_are_sent_to_login(db, org, client):
    batch = _batch(db, org)
    response = client.get(f"/batches/{batch.id}/pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_context_uses_the_names_in_force_on_the_issue_date(db, org):
    # The branch was renamed in 2025; a tờ trình issued in 2021 keeps the 2021 name.
    old = org.dt_a.names[0]
    old.valid_to = date(2024, 12, 31)
    org.dt_a.names.append(UnitName(name="Phòng THADS khu vực 3 - Đồng Tháp", valid_from=date(2025, 1, 1)))
    org.dt_a.document_code = "CCTHADS"
    make_person(org.dt_a, full_name="Trương Văn Mười", position="Chi cục trưởng")
    batch = _batch(db, org, number=7, issued_on=date(2021, 11, 3))
    context = batch_context(batch)
    assert context["issuer"] == "CHI CỤC THADS HUYỆN LẤP VÒ"
    assert context["parent_body"] == "CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP"
    assert context["number"] == "07/TTr-CCTHADS"
    assert (context["place"], context["date"]) == ("Đồng Tháp", date(2021, 11, 3))  # the branch has no place
    assert context["signer"] == {"mode": "", "position": "CHI CỤC TRƯỞNG", "name": "Trương Văn Mười"}
    assert [r["nominee"] for r in context["rows"]] == ["Lê Thị Thu Trữ", "Phạm Văn Dương"]
    assert context["rows"][0] | {"summary": ""} == {"nominee": "Lê Thị Thu Trữ", "position": "Chấp hành viên sơ cấp",
                                                     "unit": "Chi cục THADS huyện Lấp Vò",
                                                     "award": "Lao động tiên tiến", "summary": ""}
    assert batch_context(batch, today=date(2026, 1, 1))["date"] == date(2021, 11, 3)


def test_a_draft_is_dated_today_with_room_for_its_number(db, org):
    batch = _batch(db, org, names=())
    context = batch_context(batch, today=date(2025, 2, 4))
    assert context["date"] == date(2025, 2, 4)
    assert context["number"].strip("\u00a0") == "/TTr"
    assert context["rows"] == [] and context["signer"]["name"] == ""
