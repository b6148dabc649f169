"""Nomination operations: every guard with its reasons, the refusal mapping, evidence, attachments, batches, bulk,
referral and the history rows."""
from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from awards.core.errors import PermissionDenied, StaleRecord, ValidationFailed
from awards.nominations import operations as ops
from awards.nominations.attachments import add_attachment
from awards.nominations.models import Nomination, TransitionLog
from awards.nominations.queries import nominations_for
from awards.org.models import Role, YearlyRating
from tests.factories import make_person, make_user
from workflows.engine import SYSTEM

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def rated(org, rating="HTTNV", unit=None, years=(2021,)):
    from awards.extensions import db
    person = make_person(unit or org.dt_a)
    for year in years:
        db.session.add(YearlyRating(person=person, year=year, rating=rating))
    db.session.flush()
    return person


def draft(org, award="LDTT", person=None, **kw):
    return ops.create_nomination(actor=org.proposer, nominee=person or rated(org), award_code=award, year=2021, **kw)


def history(db, nomination):
    return db.session.scalars(select(TransitionLog).where(TransitionLog.workflow == "nomination",
                                                          TransitionLog.record_id == nomination.id)
                              .order_by(TransitionLog.id)).all()


def refusal(fn, *args, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        fn(*args, **kwargs)
    return info.value


# --- create / update ------------------------------------------------------------------------------------------

def test_create_sets_the_units_and_refuses_what_it_must(db, org):
    nomination = draft(org)
    assert (nomination.state, nomination.proposing_unit, nomination.deciding_unit) == ("draft", org.dt_a, org.dt)
    collective = ops.create_nomination(actor=org.proposer, nominee=org.dt_a, award_code="TTLDTT", year=2021)
    assert collective.unit is org.dt_a and collective.deciding_unit is org.dt
    with pytest.raises(ValidationFailed, match="Đã có hồ sơ"):
        draft(org, person=nomination.person)
    with pytest.raises(ValidationFailed, match="không xét cho tập thể"):
        ops.create_nomination(actor=org.proposer, nominee=org.dt_a, award_code="LDTT", year=2021)
    with pytest.raises(ValidationFailed, match="không thuộc phạm vi"):
        draft(org, person=make_person(org.th_a))


def test_update_checks_version_role_and_state(db, org):
    nomination = draft(org)
    ops.update_nomination(nomination, actor=org.proposer, version=nomination.version, summary="Hoàn thành tốt")
    assert nomination.summary == "Hoàn thành tốt"
    with pytest.raises(StaleRecord):
        ops.update_nomination(nomination, actor=org.proposer, version=nomination.version - 1, summary="x")
    with pytest.raises(PermissionDenied):
        ops.update_nomination(nomination, actor=org.secretary, version=nomination.version, summary="x")
    ops.transition(nomination, "submit", actor=org.proposer)
    with pytest.raises(ops.NotAllowedNow):
        ops.update_nomination(nomination, actor=org.proposer, version=nomination.version, summary="x")


# --- submit: evidence and guards -------------------------------------------------------------------------------

def test_submit_freezes_the_evidence_and_writes_history_with_actor_and_comment(db, org):
    nomination = draft(org)
    record = ops.transition(nomination, "submit", actor=org.proposer, comment="Đề nghị xét", version=1)
    assert nomination.state == "submitted" and record.to_state == "submitted"
    assert nomination.evidence["eligibility"]["verdict"] == "eligible"
    assert nomination.evidence["eligibility"]["award"] == "LDTT"
    assert {"metrics", "at"} <= set(nomination.evidence)
    [row] = history(db, nomination)
    assert (row.trigger, row.from_state, row.to_state, row.actor_id, row.comment) == (
        "submit", "draft", "submitted", org.proposer.id, "Đề nghị xét")
    assert row.actor_label == "t_proposer" and row.evidence["eligibility"]["verdict"] == "eligible"


def test_submit_names_every_failing_guard(db, org):
    # CSTDCS: no initiative (ineligible), no achievement report, and a quota of 0 (nobody holds LDTT yet).
    nomination = draft(org, award="CSTDCS")
    error = refusal(ops.transition, nomination, "submit", actor=org.proposer)
    text = " ".join(error.details)
    assert "Chưa đủ điều kiện" in text and "sáng kiến" in text.lower()
    assert "Thiếu tệp đính kèm bắt buộc: báo cáo thành tích." in error.details
    assert "Vượt số lượng cho phép: CSTDCS tối đa 0" in text
    assert nomination.state == "draft" and nomination.evidence is None and history(db, nomination) == []


def test_needs_information_passes_only_with_the_proposers_note(db, org):
    nomination = draft(org, person=make_person(org.dt_a))  # no rating: the rating clause is unknown
    error = refusal(ops.transition, nomination, "submit", actor=org.proposer)
    assert "cần ghi chú của người đề nghị" in error.details[0] and "xếp loại" in error.details[0].lower()
    ops.transition(nomination, "submit", actor=org.proposer, comment="Xếp loại đang chờ phê duyệt")
    assert nomination.evidence["eligibility"]["verdict"] == "needs_information"


def test_ineligible_is_refused_with_the_clause(db, org):
    nomination = draft(org, person=rated(org, rating="KHTNV"))
    error = refusal(ops.transition, nomination, "submit", actor=org.proposer, comment="xin xét")
    assert any("KHTNV" in reason for reason in error.details)


def test_a_nominee_out_of_the_proposers_scope_is_refused(db, org):
    nomination = draft(org)
    nomination.person.unit = org.dt_b  # moved to another branch after the draft was made
    db.session.flush()
    error = refusal(ops.transition, nomination, "submit", actor=org.proposer)
    assert error.details == ["Người được đề nghị không thuộc phạm vi đơn vị bạn được đề nghị khen thưởng."]


# --- refusal mapping -------------------------------------------------------------------------------------------

def test_refusals_map_to_403_409_and_422(db, org):
    nomination = draft(org)
    with pytest.raises(PermissionDenied) as denied:
        ops.transition(nomination, "submit", actor=org.secretary)
    assert denied.value.status == 403
    with pytest.raises(ops.NotAllowedNow) as not_now:
        ops.transition(nomination, "start_review", actor=org.secretary)
    assert (not_now.value.status, not_now.value.code) == (409, "not_allowed")
    with pytest.raises(StaleRecord):
        ops.transition(nomination, "submit", actor=org.proposer, version=nomination.version + 1)
    ops.transition(nomination, "submit", actor=org.proposer)
    error = refusal(ops.transition, nomination, "send_back", actor=org.secretary)
    assert error.status == 422 and error.details == ["Cần ghi rõ lý do khi «Trả lại để bổ sung»."]
    assert ops.available_triggers(nomination, org.secretary) == ["start_review", "send_back", "reject"]
    assert ops.available_triggers(nomination, org.proposer) == ["withdraw"]


# --- posting, schedule, council, approve, refer, decide ---------------------------------------------------------

def test_posting_window_and_closing_before_it_ends(db, org):
    nomination = draft(org)
    ops.transition(nomination, "submit", actor=org.proposer)
    ops.transition(nomination, "start_review", actor=org.secretary)
    error = refusal(ops.transition, nomination, "open_posting", actor=org.secretary, start="2022-01-10")
    assert error.details == ["Thiếu số ngày làm việc công khai."]
    start = date.today()
    ops.transition(nomination, "open_posting", actor=org.secretary, start=start.isoformat(), working_days=5)
    assert nomination.state == "posted" and nomination.posting_start == start
    assert nomination.posting_end >= start + timedelta(days=5)
    error = refusal(ops.transition, nomination, "close_posting", actor=org.secretary)
    assert error.details[0].startswith("Chưa hết thời hạn công khai")
    nomination.posting_start, nomination.posting_end = start - timedelta(days=10), start - timedelta(days=1)
    ops.transition(nomination, "close_posting", actor=org.secretary)
    assert nomination.state == "in_council"
    assert history(db, nomination)[2].evidence["data"]["working_days"] == 5


def test_schedule_only_without_posting_and_approve_not_refer_within_authority(db, org):
    ldtt = draft(org)
    ops.transition(ldtt, "submit", actor=org.proposer)
    ops.transition(ldtt, "start_review", actor=org.secretary)
    ops.transition(ldtt, "schedule", actor=org.secretary)
    ops.transition(ldtt, "council_pass", actor=SYSTEM)
    error = refusal(ops.transition, ldtt, "refer", actor=org.approver)
    assert "thẩm quyền của thủ trưởng đơn vị này" in error.details[0]
    ops.transition(ldtt, "approve", actor=org.approver)
    ops.transition(ldtt, "decide", actor=org.hr, decision_no="12/QĐ-CTHADS", decision_date="2022-01-10")
    assert (ldtt.state, ldtt.decision_no, ldtt.decision_date) == ("decided", "12/QĐ-CTHADS", date(2022, 1, 10))
    assert [row.actor_label for row in history(db, ldtt)][3] == "Hệ thống"

    cstdcs = draft(org, award="CSTDCS")
    cstdcs.state = "in_review"  # set up past the submit guards (tested above); only the schedule guard here
    error = refusal(ops.transition, cstdcs, "schedule", actor=org.secretary)
    assert error.details == ["CSTDCS phải được công khai trước khi đưa ra hội đồng."]


def test_refer_creates_the_linked_nomination_at_the_parent_level(db, org):
    person = rated(org, rating="HTXSNV", years=(2020, 2021))
    nomination = draft(org, award="BK_BO", person=person)
    nomination.proposer_note = "Thành tích đột xuất trong năm"
    add_attachment(nomination, actor=org.proposer, kind="achievement_report", filename="bc.pdf", data=PDF)
    ops.transition(nomination, "submit", actor=org.proposer)
    ops.transition(nomination, "start_review", actor=org.secretary)
    ops.transition(nomination, "schedule", actor=org.secretary)
    ops.transition(nomination, "council_pass", actor=SYSTEM)
    ops.transition(nomination, "refer", actor=org.approver, comment="Trình Tổng cục")
    referral = nomination.referral
    assert nomination.state == "referred"
    assert (referral.state, referral.proposing_unit, referral.deciding_unit, referral.referred_from) == (
        "submitted", org.dt, org.root, nomination)
    assert referral.evidence["eligibility"]["award"] == "BK_BO"
    [row] = history(db, referral)
    assert (row.trigger, row.actor_id, row.comment) == ("submit", org.approver.id, "Trình Tổng cục")
    # At the top there is no level above in the system: HR records the minister's outcome on the referral.
    top_secretary = make_user("top_sec", (Role.SECRETARY, org.root))
    top_approver = make_user("top_appr", (Role.APPROVER, org.root))
    top_hr = make_user("top_hr", (Role.HR, org.root))
    ops.transition(referral, "start_review", actor=top_secretary)
    ops.transition(referral, "schedule", actor=top_secretary)
    ops.transition(referral, "council_pass", actor=SYSTEM)
    ops.transition(referral, "refer", actor=top_approver)
    assert referral.state == "referred" and referral.referral is None
    ops.transition(referral, "reject", actor=top_hr, comment="Bộ không khen")
    assert (referral.state, referral.granted) == ("rejected", False)


# --- attachments -----------------------------------------------------------------------------------------------

def docx_bytes(member="word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<w:document/>")
    return buffer.getvalue()


def test_attachments_are_checked_by_content(db, org, tmp_path, app):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    nomination = draft(org)
    pdf = add_attachment(nomination, actor=org.proposer, kind="achievement_report", filename="../../bc.PDF", data=PDF)
    assert (pdf.content_type, pdf.size, pdf.original_name) == ("application/pdf", len(PDF), "bc.PDF")
    assert (tmp_path / "attachments" / pdf.stored_name).read_bytes() == PDF
    docx = add_attachment(nomination, actor=org.proposer, kind="other", filename="a.docx", data=docx_bytes())
    assert docx.content_type.endswith("wordprocessingml.document")
    png = add_attachment(nomination, actor=org.proposer, kind="other", filename="x", data=b"\x89PNG\r\n\x1a\n....")
    assert png.content_type == "image/png" and png.stored_name.endswith(".png")
    for data in (b"plain text named .pdf", docx_bytes("xl/workbook.xml"), b"MZ\x90\x00"):
        with pytest.raises(ValidationFailed, match="PDF, DOCX, PNG hoặc JPEG"):
            add_attachment(nomination, actor=org.proposer, kind="other", filename="fake.pdf", data=data)
    with pytest.raises(ValidationFailed, match="10 MB"):
        add_attachment(nomination, actor=org.proposer, kind="other", filename="big.pdf",
                       data=PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationFailed, match="Loại tệp"):
        add_attachment(nomination, actor=org.proposer, kind="photo", filename="a.pdf", data=PDF)
    with pytest.raises(PermissionDenied):
        add_attachment(nomination, actor=org.viewer, kind="other", filename="a.pdf", data=PDF)


# --- batches and bulk --------------------------------------------------------------------------------------------

def test_batch_submit_is_all_or_nothing(db, org):
    batch = ops.create_batch(actor=org.proposer, unit=org.dt_a, year=2021, title="Tờ trình 2021")
    assert batch.deciding_unit is org.dt
    good = draft(org, batch=batch)
    bad = draft(org, person=rated(org, rating="KHTNV"))
    ops.add_to_batch(batch, bad, actor=org.proposer)
    error = refusal(ops.submit_batch, batch, actor=org.proposer)
    assert any(reason.startswith(bad.person.full_name + ": Chưa đủ điều kiện") for reason in error.details)
    assert (good.state, bad.state, batch.state) == ("draft", "draft", "draft")
    assert history(db, good) == [] and history(db, bad) == []
    bad.batch = None
    db.session.flush()
    records = ops.submit_batch(batch, actor=org.proposer)
    assert [r.trigger for r in records] == ["submit", "submit"] and records[-1].workflow == "batch"
    assert (good.state, batch.state) == ("submitted", "submitted")
    with pytest.raises(ops.NotAllowedNow):
        ops.add_to_batch(batch, bad, actor=org.proposer)


def test_an_empty_batch_cannot_be_submitted(db, org):
    batch = ops.create_batch(actor=org.proposer, unit=org.dt_a, year=2021, title="")
    error = refusal(ops.submit_batch, batch, actor=org.proposer)
    assert error.details == ["Tờ trình chưa có hồ sơ đề nghị nào."]


def test_bulk_transition_is_all_or_nothing(db, org):
    nominations = [draft(org) for _ in range(3)]
    for nomination in nominations[:2]:
        ops.transition(nomination, "submit", actor=org.proposer)
    with pytest.raises(ops.NotAllowedNow):
        ops.bulk_transition(nominations, "start_review", actor=org.secretary)
    assert [n.state for n in nominations] == ["submitted", "submitted", "draft"]
    assert all(len(history(db, n)) == 1 for n in nominations[:2])
    records = ops.bulk_transition(nominations[:2], "start_review", actor=org.secretary, comment="Tiếp nhận")
    assert [r.to_state for r in records] == ["in_review", "in_review"]
    assert all(row.comment == "Tiếp nhận" for n in nominations[:2] for row in history(db, n)[1:])


# --- queries -----------------------------------------------------------------------------------------------------

def test_lists_are_scoped_and_queues_follow_the_roles(db, org):
    mine = draft(org)
    submitted = draft(org)
    ops.transition(submitted, "submit", actor=org.proposer)
    other = ops.create_nomination(actor=make_user("th_prop", (Role.PROPOSER, org.th_a)),
                                  nominee=make_person(org.th_a), award_code="LDTT", year=2021)

    def ids(user, **kw):
        return set(db.session.scalars(nominations_for(user, **kw).with_only_columns(Nomination.id)))

    assert ids(org.proposer) == {mine.id, submitted.id}
    assert ids(org.admin) == {mine.id, submitted.id, other.id}
    assert ids(org.viewer) == {other.id}
    assert ids(org.secretary, queue="secretariat") == {submitted.id}
    assert ids(org.secretary, queue="awaiting") == {submitted.id}
    assert ids(org.proposer, queue="awaiting") == {mine.id}
    assert ids(org.proposer, queue="mine") == {mine.id, submitted.id}
    assert ids(org.admin, q=mine.person.full_name) == {mine.id}
    assert ids(org.admin, state="submitted", award="LDTT", year=2021, unit=org.dt) == {submitted.id}
    assert ids(org.admin, year=2022) == set()


def test_the_list_filter_matches_every_word_without_accents(db, org):
    dang = draft(org, person=rated(org))
    dang.person.full_name = "Đặng Thị Hương"
    nguyen = draft(org, person=rated(org))
    nguyen.person.full_name = "Nguyễn Văn Lợi"
    collective = ops.create_nomination(actor=org.proposer, nominee=org.dt_a, award_code="TTLDTT", year=2021)
    db.session.flush()

    def ids(q):
        return set(db.session.scalars(nominations_for(org.admin, q=q).with_only_columns(Nomination.id)))

    assert ids("Nguyen Van") == {nguyen.id} == ids("loi nguyễn")  # every word, any order, accents ignored
    assert ids("dang huong") == {dang.id} == ids("ĐẶNG")  # "đ" is "d"
    assert ids("Nguyen Huong") == set()  # words of two different people do not add up
    assert ids("lap vo") == {collective.id} and ids(org.dt_a.code) == {collective.id}
