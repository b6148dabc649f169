"""Decisions: drafts with their money and wording, issuing (number, PDF, nominations decided, holdings — or
nothing at all), revocation, outcomes from above, and who may do what."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from awards.catalogue.models import AwardHolding
from awards.core.errors import PermissionDenied, StaleRecord, ValidationFailed
from awards.decisions import operations as ops
from awards.decisions.models import Decision, DecisionSequence, DecisionState, SigningMode
from awards.documents.models import StoredDocument
from awards.nominations import operations as nominations
from awards.nominations.models import TransitionLog
from awards.org.models import Role, YearlyRating
from tests.factories import make_person, make_user
from workflows.engine import SYSTEM

DAY = date(2022, 1, 10)


def approved(org, award="LDTT", nominee=None, year=2021):
    """A nomination driven through the workflow to ``approved`` at the Cục (council outcome as the system)."""
    from awards.extensions import db
    if nominee is None:
        nominee = make_person(org.dt_a)
        db.session.add(YearlyRating(person=nominee, year=year, rating="HTXSNV"))
        db.session.flush()
    nomination = nominations.create_nomination(actor=org.proposer, nominee=nominee, award_code=award, year=year)
    nomination.state = "council_passed"  # the steps before are the nominations module's (tested there)
    db.session.flush()
    nominations.transition(nomination, "approve", actor=org.approver)
    return nomination


@pytest.fixture()
def signer(org):
    return make_person(org.dt, full_name="Nguyễn Văn Lợi", position="Cục trưởng")


def draft(org, signer, nominees=None, **kw):
    chosen = nominees if nominees is not None else [approved(org), approved(org)]
    return ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=kw.pop("decided_on", DAY),
                               nomination_ids=[n.id for n in chosen], signer=signer, **kw)


# --- drafts --------------------------------------------------------------------------------------------------

def test_a_draft_prices_every_item_at_the_decision_date_and_writes_the_wording(db, org, signer):
    ldtt = [approved(org), approved(org)]
    collective = approved(org, "TTLDTT", nominee=org.dt_a)
    decision = draft(org, signer, ldtt + [collective])
    # Base salary 1,490,000 on 10/01/2022: LĐTT 0.3 → 447,000 → 450,000; TTLĐTT 0.8 → 1,192,000 → 1,200,000.
    assert sorted(i.money for i in decision.items) == [450_000, 450_000, 1_200_000]
    assert decision.total_money == 2_100_000
    assert (decision.state, decision.number, decision.symbol) == (DecisionState.DRAFT, None, "QĐ-CTHADS")
    assert decision.subject == ("Về việc tặng danh hiệu “Lao động tiên tiến” và “Tập thể lao động tiên tiến” "
                                "năm 2021")
    assert decision.article1.splitlines() == [
        "Tặng danh hiệu thi đua năm 2021 cho 01 tập thể và 02 cá nhân thuộc Cục Thi hành án dân sự tỉnh Đồng "
        "Tháp (có danh sách kèm theo), gồm:",
        "- “Lao động tiên tiến”: 02 cá nhân;", "- “Tập thể lao động tiên tiến”: 01 tập thể."]
    assert "tổng số tiền thưởng là 2.100.000 đồng (Bằng chữ: Hai triệu một trăm nghìn đồng), chi từ Quỹ thi đua, " \
           "khen thưởng của Cục Thi hành án dân sự tỉnh Đồng Tháp." in decision.article2
    assert decision.authority == "CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP"
    # ND 91/2017 regime on 10/01/2022: the 2003 law, its decree, the base salary decree, the sector's rules.
    assert [b.legal_basis.code for b in decision.bases] == ["LTDKT_2003", "ND91_2017", "ND38_2019", "THADS_TDKT"]


def test_the_money_follows_the_base_salary_in_force_on_the_decision_date(db, org, signer):
    decision = draft(org, signer, [approved(org)], decided_on=date(2024, 7, 1))
    assert decision.items[0].money == 710_000  # 0.3 × 2,340,000 = 702,000 → 710,000
    ops.update_draft(decision, actor=org.hr, version=decision.version, decided_on=date(2024, 6, 30))
    assert (decision.items[0].money, decision.items[0].base_salary) == (540_000, 1_800_000)  # 0.3 × 1,800,000
    assert decision.total_money == 540_000 and "540.000 đồng" in decision.article2


def test_a_draft_refuses_what_is_not_waiting_for_this_issuer(db, org, signer):
    waiting = approved(org)
    not_yet = approved(org)
    not_yet.state = "council_passed"
    with pytest.raises(ValidationFailed, match="chưa ở trạng thái chờ quyết định"):
        draft(org, signer, [waiting, not_yet])
    with pytest.raises(ValidationFailed, match="Chọn ít nhất một"):
        draft(org, signer, [])
    draft(org, signer, [waiting])
    with pytest.raises(ValidationFailed, match="đã có trong quyết định"):
        draft(org, signer, [waiting])
    with pytest.raises(ValidationFailed, match="không có tư cách pháp nhân"):
        ops.create_decision(actor=org.admin, issuer=org.dt_a, decided_on=DAY, nomination_ids=[waiting.id])
    other_year = approved(org, year=2020)
    with pytest.raises(ValidationFailed, match="cùng năm"):
        draft(org, signer, [approved(org), other_year])


def test_only_hr_or_admin_of_the_issuer_prepare_decisions(db, org, signer):
    chosen = [approved(org)]
    for user in (org.approver, org.secretary, org.proposer, org.viewer, make_user("hr_th", (Role.HR, org.th))):
        with pytest.raises(PermissionDenied):
            ops.create_decision(actor=user, issuer=org.dt, decided_on=DAY, nomination_ids=[n.id for n in chosen])
    assert ops.create_decision(actor=org.admin, issuer=org.dt, decided_on=DAY,
                               nomination_ids=[n.id for n in chosen]).state == DecisionState.DRAFT


def test_editing_a_draft_checks_the_version_and_keeps_hr_texts(db, org, signer):
    decision = draft(org, signer)
    ops.update_draft(decision, actor=org.hr, version=decision.version, subject="Về việc tặng danh hiệu “LĐTT”")
    assert decision.subject == "Về việc tặng danh hiệu “LĐTT”"
    with pytest.raises(StaleRecord):
        ops.update_draft(decision, actor=org.hr, version=decision.version - 1, subject="x")
    ops.update_draft(decision, actor=org.hr, version=decision.version, signing_mode=SigningMode.KT)
    assert (decision.signer_position, decision.signer_title) == ("CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG")


# --- issuing -------------------------------------------------------------------------------------------------

def test_issuing_numbers_stores_the_pdf_decides_every_nomination_and_records_holdings(db, org, signer):
    chosen = [approved(org), approved(org)]
    decision = draft(org, signer, chosen)
    ops.issue(decision, actor=org.hr, version=decision.version)
    assert (decision.state, decision.number, decision.number_text) == (DecisionState.ISSUED, 1, "01/QĐ-CTHADS")
    assert decision.pdf.content.startswith(b"%PDF") and len(decision.pdf.sha256) == 64
    assert sorted(i.position for i in decision.items) == [1, 2]
    for nomination in chosen:
        assert (nomination.state, nomination.decision_no, nomination.decision_date) == ("decided", "01/QĐ-CTHADS",
                                                                                        DAY)
        holding = db.session.scalar(select(AwardHolding).where(AwardHolding.person_id == nomination.person_id))
        assert (holding.year, holding.decision_no, holding.revoked) == (2021, "01/QĐ-CTHADS", False)
        log = db.session.scalars(select(TransitionLog).where(TransitionLog.record_id == nomination.id,
                                                             TransitionLog.trigger == "decide")).one()
        assert log.actor_id == org.hr.id
    second = draft(org, signer, [approved(org)])
    ops.issue(second, actor=org.hr)
    assert second.number == 2
    next_year = draft(org, signer, [approved(org)], decided_on=date(2023, 1, 3))
    ops.issue(next_year, actor=org.hr)
    assert (next_year.number, next_year.number_text) == (1, "01/QĐ-CTHADS")  # numbers restart each year
    with pytest.raises(nominations.NotAllowedNow):
        ops.issue(decision, actor=org.hr)


def test_a_failed_rendering_issues_nothing_and_uses_no_number(db, org, signer, monkeypatch):
    chosen = [approved(org)]
    decision = draft(org, signer, chosen)
    documents_before = db.session.scalar(select(StoredDocument.id).order_by(StoredDocument.id.desc()).limit(1))

    def broken(*_args, **_kwargs):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr("awards.documents.render.render_pdf", broken)
    with pytest.raises(RuntimeError):
        ops.issue(decision, actor=org.hr)
    assert (decision.state, decision.number, decision.pdf_id) == (DecisionState.DRAFT, None, None)
    assert chosen[0].state == "approved"
    assert db.session.scalar(select(StoredDocument.id).order_by(StoredDocument.id.desc()).limit(1)) == \
        documents_before
    sequence = db.session.get(DecisionSequence, (org.dt.id, 2022))
    assert sequence is None or sequence.last_number == 0
    monkeypatch.undo()
    ops.issue(decision, actor=org.hr)
    assert decision.number == 1  # the failed attempt used no number


def test_issuing_needs_a_signer_and_items_still_waiting(db, org, signer):
    chosen = [approved(org)]
    decision = draft(org, None, chosen)
    with pytest.raises(ValidationFailed, match="người ký"):
        ops.issue(decision, actor=org.hr)
    ops.update_draft(decision, actor=org.hr, version=decision.version, signer=signer)
    chosen[0].state = "council_passed"  # moved back since the draft was made (say, an error corrected)
    with pytest.raises(ValidationFailed, match="chưa ở trạng thái chờ quyết định"):
        ops.issue(decision, actor=org.hr)
    assert decision.state == DecisionState.DRAFT and decision.number is None


# --- revocation ----------------------------------------------------------------------------------------------

def test_a_revoking_decision_cites_the_decision_and_revokes_the_chosen_items(db, org, signer):
    chosen = [approved(org), approved(org)]
    decision = draft(org, signer, chosen)
    ops.issue(decision, actor=org.hr)
    first = next(i for i in decision.items if i.nomination is chosen[0])
    with pytest.raises(ValidationFailed, match="lý do"):
        ops.revoke(decision, actor=org.hr, decided_on=date(2022, 3, 1), reason=" ", signer=signer)
    revocation = ops.revoke(decision, actor=org.hr, decided_on=date(2022, 3, 1), reason="Khai man thành tích",
                            signer=signer, item_ids=[first.id])
    assert revocation.subject == "Về việc thu hồi khen thưởng tại Quyết định số 01/QĐ-CTHADS ngày 10/01/2022"
    assert revocation.total_money == first.money
    ops.issue(revocation, actor=org.hr)
    assert revocation.number == 2 and first.revoked_by is revocation
    assert chosen[0].state == "revoked" and chosen[1].state == "decided"
    assert decision.state == DecisionState.ISSUED  # one item still stands
    holding = db.session.scalar(select(AwardHolding).where(AwardHolding.person_id == chosen[0].person_id))
    assert holding.revoked is True
    log = db.session.scalars(select(TransitionLog).where(TransitionLog.record_id == chosen[0].id,
                                                         TransitionLog.trigger == "revoke")).one()
    assert log.evidence["data"]["revoking_decision"] == "02/QĐ-CTHADS" and log.comment == "Khai man thành tích"
    rest = ops.revoke(decision, actor=org.hr, decided_on=date(2022, 3, 2), reason="Sai đối tượng", signer=signer)
    ops.issue(rest, actor=org.hr)
    assert decision.state == DecisionState.REVOKED
    with pytest.raises(nominations.NotAllowedNow):
        ops.revoke(decision, actor=org.hr, decided_on=date(2022, 3, 3), reason="x", signer=signer)


# --- outcomes from above -------------------------------------------------------------------------------------

def test_an_outcome_from_above_decides_referred_nominations_with_its_number(db, org):
    from awards.extensions import db as _db
    person = make_person(org.dt_a)
    nomination = nominations.create_nomination(actor=org.proposer, nominee=person, award_code="BK_BO", year=2021)
    nomination.state = "referred"
    _db.session.flush()
    with pytest.raises(ValidationFailed, match="số quyết định"):
        ops.record_external(actor=org.hr, unit=org.dt, external_issuer="Bộ Tư pháp", external_number="",
                            decided_on=DAY, nomination_ids=[nomination.id])
    decision = ops.record_external(actor=org.hr, unit=org.dt, external_issuer="Bộ Tư pháp",
                                   external_number="123/QĐ-BTP", decided_on=DAY, nomination_ids=[nomination.id])
    assert (decision.state, decision.number_text, decision.items[0].money) == (DecisionState.ISSUED, "123/QĐ-BTP",
                                                                               1_490_000)  # BK_BO 1.0 (ND 91)
    assert (nomination.state, nomination.decision_no) == ("decided", "123/QĐ-BTP")
    assert _db.session.scalar(select(Decision.number).where(Decision.id == decision.id)) is None
    with pytest.raises(PermissionDenied):
        ops.record_external(actor=org.secretary, unit=org.dt, external_issuer="Bộ Tư pháp", external_number="1",
                            decided_on=DAY, nomination_ids=[nomination.id])


def test_the_system_actor_is_not_used_by_decisions(db, org, signer):
    # Decisions are HR's acts: the audit trail names the person who issued them, never "Hệ thống".
    decision = draft(org, signer, [approved(org)])
    ops.issue(decision, actor=org.hr)
    labels = {row.actor_id for row in db.session.scalars(select(TransitionLog).where(
        TransitionLog.trigger == "decide"))}
    assert SYSTEM not in labels and labels == {org.hr.id}


def test_an_admin_over_the_issuer_may_issue_too(db, org, signer):
    # The nominations' "decide" step admits admins as it admits HR (the revocation already did): a draft an admin
    # may prepare is one they may issue.
    chosen = [approved(org)]
    decision = ops.create_decision(actor=org.admin, issuer=org.dt, decided_on=DAY,
                                   nomination_ids=[n.id for n in chosen], signer=signer)
    ops.issue(decision, actor=org.admin)
    assert decision.state == DecisionState.ISSUED and chosen[0].state == "decided"
    log = db.session.scalars(select(TransitionLog).where(TransitionLog.record_id == chosen[0].id,
                                                         TransitionLog.trigger == "decide")).one()
    assert log.actor_id == org.admin.id
