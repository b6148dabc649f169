"""More nomination pages: the batches (tờ trình: list, page, new, adding nominations, submitting all at once), an
attachment's download, and a referral made from the page without a comment."""
from __future__ import annotations

from sqlalchemy import select

from awards.nominations import operations as ops
from awards.nominations.attachments import add_attachment
from awards.nominations.models import Batch, Nomination
from tests.integration.test_nomination_operations import PDF, draft, rated
from workflows.engine import SYSTEM


def _batch(org, title="Tờ trình khen thưởng năm 2021") -> Batch:
    return ops.create_batch(actor=org.proposer, unit=org.dt_a, year=2021, title=title)


# --- batches ---------------------------------------------------------------------------------------------------

def test_the_batch_list_and_page_are_scoped(db, org, client, login):
    batch = _batch(org, "Tờ trình đợt một")
    nomination = draft(org, batch=batch)
    login(org.secretary)  # the addressee's secretariat sees it too
    assert "Tờ trình đợt một" in client.get("/batches").get_data(as_text=True)
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert nomination.person.full_name in page
    assert "Gửi tờ trình" not in page  # only the proposing unit submits it
    client.post("/logout")
    login(org.viewer)  # another province
    assert "Tờ trình đợt một" not in client.get("/batches").get_data(as_text=True)
    assert client.get(f"/batches/{batch.id}").status_code == 404


def test_a_proposer_creates_a_batch_from_the_form(db, org, client, login):
    login(org.proposer)
    assert "Lập tờ trình" in client.get("/batches").get_data(as_text=True)
    response = client.post("/batches/new", data={"unit_id": org.dt_a.id, "year": 2021, "title": "Tờ trình mới"})
    assert response.status_code == 302
    batch = db.session.scalar(select(Batch).where(Batch.title == "Tờ trình mới"))
    assert response.headers["Location"].endswith(f"/batches/{batch.id}")
    assert (batch.unit, batch.deciding_unit, batch.year, batch.state) == (org.dt_a, org.dt, 2021, "draft")
    missing = client.post("/batches/new", data={"unit_id": org.dt_a.id, "title": "Thiếu năm"})
    assert missing.status_code == 422 and "Vui lòng nhập năm." in missing.get_data(as_text=True)


def test_only_proposers_create_batches(db, org, client, login):
    login(org.secretary)
    assert client.get("/batches/new").status_code == 403
    assert client.post("/batches/new", data={"unit_id": org.dt_a.id, "year": 2021}).status_code == 403
    assert db.session.scalar(select(Batch.id)) is None


def test_nominations_are_added_from_the_batch_page(db, org, client, login):
    batch = _batch(org)
    nomination = draft(org)
    login(org.proposer)
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert f'name="nomination_ids" value="{nomination.id}"' in page  # offered: same unit and year, no batch
    response = client.post(f"/batches/{batch.id}/add", data={"nomination_ids": [nomination.id]})
    assert response.status_code == 302
    db.session.refresh(nomination)
    assert nomination.batch_id == batch.id
    assert f'name="nomination_ids" value="{nomination.id}"' not in client.get(f"/batches/{batch.id}").get_data(
        as_text=True)


def test_someone_else_in_scope_cannot_add_to_a_batch(db, org, client, login):
    batch = _batch(org)
    nomination = draft(org)
    login(org.secretary)
    assert client.post(f"/batches/{batch.id}/add", data={"nomination_ids": [nomination.id]}).status_code == 403
    db.session.refresh(nomination)
    assert nomination.batch_id is None


def test_a_batch_is_submitted_with_all_its_nominations(db, org, client, login):
    batch = _batch(org)
    first, second = draft(org, batch=batch), draft(org, batch=batch)
    login(org.proposer)
    response = client.post(f"/batches/{batch.id}/submit")
    assert response.status_code == 302
    for record in (batch, first, second):
        db.session.refresh(record)
    assert (batch.state, first.state, second.state) == ("submitted", "submitted", "submitted")
    assert "Đã gửi tờ trình và 2 hồ sơ." in client.get(f"/batches/{batch.id}").get_data(as_text=True)


def test_a_batch_with_one_ineligible_nominee_is_refused_whole(db, org, client, login):
    batch = _batch(org)
    good = draft(org, batch=batch)
    bad = draft(org, person=rated(org, rating="KHTNV"), batch=batch)
    login(org.proposer)
    response = client.post(f"/batches/{batch.id}/submit")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "action-error" in html
    assert f"{bad.person.full_name}: Chưa đủ điều kiện" in html
    for record in (batch, good, bad):
        db.session.refresh(record)
    assert (batch.state, good.state, bad.state) == ("draft", "draft", "draft")


def test_an_empty_batch_is_refused_with_the_reason(db, org, client, login):
    batch = _batch(org)
    login(org.proposer)
    response = client.post(f"/batches/{batch.id}/submit")
    assert response.status_code == 422
    assert "Tờ trình chưa có hồ sơ đề nghị nào." in response.get_data(as_text=True)
    db.session.refresh(batch)
    assert batch.state == "draft"


# --- attachments -----------------------------------------------------------------------------------------------

def test_an_attachment_is_served_as_a_download_in_scope_only(db, org, client, login):
    nomination = draft(org)
    attachment = add_attachment(nomination, actor=org.proposer, kind="achievement_report",
                                filename="bao-cao-thanh-tich.pdf", data=PDF)
    url = f"/nominations/{nomination.id}/attachments/{attachment.id}"
    login(org.secretary)
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "bao-cao-thanh-tich.pdf" in response.headers["Content-Disposition"]
    # The attachment under another nomination's address is not found either.
    other = draft(org)
    assert client.get(f"/nominations/{other.id}/attachments/{attachment.id}").status_code == 404
    client.post("/logout")
    login(org.viewer)
    assert client.get(url).status_code == 404


# --- referral ----------------------------------------------------------------------------------------------------

def test_a_referral_from_the_page_carries_the_note_the_nomination_was_submitted_with(db, org, client, login):
    """BK_BO is needs-information: the proposer's note let it through at submit, and it must let the referral
    through at the level above too, when the approver refers it without a comment of their own."""
    nomination = draft(org, award="BK_BO", person=rated(org, rating="HTXSNV", years=(2020, 2021)))
    add_attachment(nomination, actor=org.proposer, kind="achievement_report", filename="bc.pdf", data=PDF)
    note = "Thành tích đột xuất trong đợt cao điểm năm 2021"
    ops.transition(nomination, "submit", actor=org.proposer, comment=note)
    for trigger, actor in (("start_review", org.secretary), ("schedule", org.secretary), ("council_pass", SYSTEM)):
        ops.transition(nomination, trigger, actor=actor)
    login(org.approver)
    response = client.post(f"/nominations/{nomination.id}/transition",
                           data={"trigger": "refer", "version": nomination.version})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(nomination)
    referral = db.session.scalar(select(Nomination).where(Nomination.referred_from_id == nomination.id))
    assert (nomination.state, referral.state, referral.deciding_unit) == ("referred", "submitted", org.root)
    assert referral.proposer_note == note
    page = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert f'href="/nominations/{referral.id}">#{referral.id}</a>' in page


# --- "my unit's nominations" for the deciding side ----------------------------------------------------------------

def test_hr_finds_decided_nominations_in_its_units_list_but_not_drafts(db, org, client, login):
    """Revoking is nobody's pending work, so the "awaiting" queue never lists a decided nomination: HR finds it in
    the list of its unit's nominations (those decided there), where a proposer's draft does not show."""
    decided, still_draft = draft(org), draft(org)
    ops.transition(decided, "submit", actor=org.proposer)
    for trigger, actor in (("start_review", org.secretary), ("schedule", org.secretary), ("council_pass", SYSTEM),
                           ("approve", org.approver), ("decide", org.hr)):
        ops.transition(decided, trigger, actor=actor)
    login(org.hr)
    html = client.get("/nominations?state=decided&year=2021").get_data(as_text=True)
    assert f'href="/nominations/{decided.id}"' in html
    assert f'href="/nominations/{still_draft.id}"' not in client.get("/nominations?year=2021").get_data(as_text=True)
    assert f'href="/nominations/{decided.id}"' not in client.get("/nominations/awaiting").get_data(as_text=True)
