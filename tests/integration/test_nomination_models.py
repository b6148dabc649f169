"""What the database itself enforces for nominations, and the append-only audit trail."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from awards.catalogue.models import Award
from awards.nominations.actors import SYSTEM, UserActor
from awards.nominations.calendar import add_working_days
from awards.nominations.models import (BATCH_STATES, NOMINATION_STATES, AttachmentKind, AuditTrailIsAppendOnly,
                                       Batch, Holiday, Nomination, RequiredAttachment, TransitionLog)
from awards.nominations.storage import SqlAlchemyStorage
from awards.org.models import Role
from tests.factories import make_person, make_user
from workflows import engine
from workflows.engine import TransitionRecord


def award(db, code: str) -> Award:
    return db.session.scalar(select(Award).where(Award.code == code))


def nomination(db, org, **fields) -> Nomination:
    values = dict(award=award(db, "LDTT"), year=2021, proposing_unit=org.dt_a, deciding_unit=org.dt)
    values.update(fields)
    if "person" not in values and "unit" not in values:
        values["person"] = make_person(org.dt_a)
    return Nomination(**values)


def refused(db, obj) -> None:
    """The flush of ``obj`` is refused by the database; the test's transaction carries on."""
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(obj)


def accepted(db, obj):
    db.session.add(obj)
    db.session.flush()
    return obj


# --- one nominee ----------------------------------------------------------------------------------------------

def test_a_nomination_names_exactly_one_nominee(db, org):
    person = make_person(org.dt_a)
    refused(db, nomination(db, org, person=person, unit=org.dt_a))
    refused(db, nomination(db, org, person=None, unit=None))
    assert accepted(db, nomination(db, org, person=person)).nominee is person
    assert accepted(db, nomination(db, org, unit=org.dt_a, award=award(db, "TTLDTT"))).nominee is org.dt_a


# --- one nomination per nominee × award × year, referrals linked -----------------------------------------------

def test_one_nomination_per_person_award_and_year(db, org):
    person = make_person(org.dt_a)
    accepted(db, nomination(db, org, person=person))
    refused(db, nomination(db, org, person=person))
    # Not even another unit proposing the same person to another council.
    refused(db, nomination(db, org, person=person, proposing_unit=org.th_a, deciding_unit=org.th))
    accepted(db, nomination(db, org, person=person, year=2022))
    accepted(db, nomination(db, org, person=person, award=award(db, "CSTDCS")))


def test_one_nomination_per_collective_award_and_year(db, org):
    accepted(db, nomination(db, org, unit=org.dt_a, award=award(db, "TTLDTT")))
    refused(db, nomination(db, org, unit=org.dt_a, award=award(db, "TTLDTT")))
    accepted(db, nomination(db, org, unit=org.dt_b, award=award(db, "TTLDTT")))


def test_a_referral_is_the_linked_second_nomination_and_only_one(db, org):
    person = make_person(org.dt_a)
    original = accepted(db, nomination(db, org, person=person, award=award(db, "CSTD_BO"), state="referred"))
    referral = accepted(db, nomination(db, org, person=person, award=award(db, "CSTD_BO"), proposing_unit=org.dt,
                                       deciding_unit=org.root, referred_from=original))
    assert original.referral is referral
    # A nomination is referred once: a second copy at the parent level is refused.
    refused(db, nomination(db, org, person=person, award=award(db, "CSTD_BO"), proposing_unit=org.dt,
                           deciding_unit=org.root, referred_from_id=original.id))
    # And an unlinked second one is still a duplicate.
    refused(db, nomination(db, org, person=person, award=award(db, "CSTD_BO"), proposing_unit=org.dt,
                           deciding_unit=org.root))


# --- posting window, states -----------------------------------------------------------------------------------

def test_posting_dates_are_both_given_or_neither(db, org):
    refused(db, nomination(db, org, posting_start=date(2021, 10, 4)))
    refused(db, nomination(db, org, posting_end=date(2021, 10, 8)))
    refused(db, nomination(db, org, posting_start=date(2021, 10, 8), posting_end=date(2021, 10, 4)))
    accepted(db, nomination(db, org, posting_start=date(2021, 10, 4), posting_end=date(2021, 10, 8)))


def test_a_posted_nomination_has_its_window(db, org):
    refused(db, nomination(db, org, state="posted"))
    accepted(db, nomination(db, org, state="posted", posting_start=date(2021, 10, 4), posting_end=date(2021, 10, 8)))


def test_the_state_is_one_of_the_workflow_states(db, org):
    refused(db, nomination(db, org, state="approved_by_mistake"))
    for state in NOMINATION_STATES:
        if state != "posted":
            accepted(db, nomination(db, org, state=state))


def test_a_batch_state_is_one_of_its_workflow_states(db, org):
    refused(db, Batch(unit=org.dt_a, deciding_unit=org.dt, year=2021, state="approved"))
    for state in BATCH_STATES:
        accepted(db, Batch(unit=org.dt_a, deciding_unit=org.dt, year=2021, state=state))


def test_a_stale_nomination_is_not_overwritten(db, org):
    n = accepted(db, nomination(db, org))
    db.session.execute(text("UPDATE nomination SET version = version + 1 WHERE id = :id"), {"id": n.id})
    n.summary = "Thành tích xuất sắc"
    with pytest.raises(StaleDataError):
        with db.session.begin_nested():
            db.session.flush()


def test_batch_numbers_are_unique_per_unit_and_year(db, org):
    accepted(db, Batch(unit=org.dt_a, deciding_unit=org.dt, year=2021, number=1, issued_on=date(2021, 10, 1)))
    refused(db, Batch(unit=org.dt_a, deciding_unit=org.dt, year=2021, number=1))
    accepted(db, Batch(unit=org.dt_b, deciding_unit=org.dt, year=2021, number=1))
    accepted(db, Batch(unit=org.dt_a, deciding_unit=org.dt, year=2022, number=1))
    # Drafts have no number yet, however many.
    accepted(db, Batch(unit=org.dt_a, deciding_unit=org.dt, year=2021))
    accepted(db, Batch(unit=org.dt_a, deciding_unit=org.dt, year=2021))


# --- required attachments (catalogue data loaded by migration 0008) --------------------------------------------

def test_default_required_attachments(db):
    rows = db.session.execute(select(Award.code, RequiredAttachment.kind).join(RequiredAttachment.award)).all()
    required = {code for code, kind in rows if kind == AttachmentKind.ACHIEVEMENT_REPORT}
    assert not {"LDTT", "TTLDTT", "GK"} & required
    assert {"CSTDCS", "CSTD_BO", "CSTD_TQ", "BK_BO", "BK_TTG", "CO_BO", "CO_CP"} <= required


# --- the append-only transition log ----------------------------------------------------------------------------

def log_row(db, org, **fields) -> TransitionLog:
    values = dict(workflow="nomination", record_id=1, trigger="submit", from_state="draft", to_state="submitted",
                  actor_id=org.proposer.id, actor_label="t_proposer", comment=None, evidence={"verdict": "eligible"})
    values.update(fields)
    return accepted(db, TransitionLog(**values))


def test_the_orm_cannot_change_a_transition_row(db, org):
    row = log_row(db, org)
    row.to_state = "decided"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_the_orm_cannot_delete_a_transition_row(db, org):
    row = log_row(db, org)
    db.session.delete(row)
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_orm_bulk_statements_cannot_touch_the_log(db, org):
    row = log_row(db, org)
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.execute(update(TransitionLog).where(TransitionLog.id == row.id).values(comment="sửa"))
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.execute(delete(TransitionLog))
    assert db.session.get(TransitionLog, row.id).comment is None


def test_reading_and_adding_log_rows_is_fine(db, org):
    log_row(db, org)
    log_row(db, org, trigger="start_review", from_state="submitted", to_state="in_review")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(TransitionLog)) == 2


@pytest.mark.parametrize("statement", [
    "UPDATE transition_log SET to_state = 'decided' WHERE id = :id",
    "DELETE FROM transition_log WHERE id = :id",
])
def test_postgresql_refuses_sql_that_rewrites_the_log(db, org, statement):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; SQLite relies on the ORM guard")
    row = log_row(db, org)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(text(statement), {"id": row.id})
    assert db.session.scalar(select(TransitionLog.to_state).where(TransitionLog.id == row.id)) == "submitted"


# --- the storage adapter ---------------------------------------------------------------------------------------

def transition(record, trigger, from_state, to_state, actor, comment=None, evidence=None):
    return TransitionRecord(workflow=record.workflow_name, record_id=record.id, trigger=trigger,
                            from_state=from_state, to_state=to_state, actor_id=actor.id, actor_label=actor.label,
                            at=datetime(2021, 10, 4, 8, 30, tzinfo=UTC), comment=comment, evidence=evidence or {})


def test_create_app_installs_the_sqlalchemy_storage(app):
    installed = engine.configure(storage=None)
    engine.configure(storage=installed)
    assert isinstance(installed, SqlAlchemyStorage)


def test_firing_through_the_engine_leaves_one_row_per_transition(db, org):
    n = accepted(db, nomination(db, org, state="submitted"))
    secretary = UserActor(org.secretary)
    engine.fire(n, "start_review", actor=secretary)
    engine.fire(n, "send_back", actor=secretary, comment="Thiếu biên bản họp xét")
    with pytest.raises(engine.Refused):
        engine.fire(n, "start_review", actor=secretary)  # refused: nothing written
    db.session.expire_all()
    stored = db.session.get(Nomination, n.id)
    assert stored.state == "returned" and stored.version == 3
    assert [(h.trigger, h.to_state, h.actor_label, h.comment) for h in stored.history] == [
        ("start_review", "in_review", "t_secretary", None),
        ("send_back", "returned", "t_secretary", "Thiếu biên bản họp xét"),
    ]


def test_the_storage_adapter_writes_one_row_per_transition(db, org):
    n = accepted(db, nomination(db, org))
    storage, proposer, secretary = SqlAlchemyStorage(), UserActor(org.proposer), UserActor(org.secretary)
    n.state = "submitted"
    storage.save(n, transition(n, "submit", "draft", "submitted", proposer, evidence={"verdict": "eligible"}))
    n.state = "returned"
    storage.save(n, transition(n, "send_back", "submitted", "returned", secretary, comment="Thiếu báo cáo"))
    db.session.expire_all()
    history = db.session.get(Nomination, n.id).history
    assert [(h.trigger, h.from_state, h.to_state, h.actor_id, h.comment) for h in history] == [
        ("submit", "draft", "submitted", org.proposer.id, None),
        ("send_back", "submitted", "returned", org.secretary.id, "Thiếu báo cáo"),
    ]
    assert history[0].evidence == {"verdict": "eligible"}
    assert db.session.get(Nomination, n.id).state == "returned"  # flushed with the row, version checked


def test_the_storage_adapter_gives_a_new_record_its_id_and_records_the_system(db, org):
    n = nomination(db, org, state="in_council")
    storage = SqlAlchemyStorage()
    storage.save(n, transition(n, "council_pass", "in_council", "council_passed", SYSTEM))
    row = db.session.scalar(select(TransitionLog).where(TransitionLog.record_id == n.id))
    assert n.id is not None and row.actor_id is None and row.actor_label == SYSTEM.label


# --- actors and scope ------------------------------------------------------------------------------------------

def test_a_proposer_acts_only_for_nominations_of_their_own_units(db, org):
    ours = nomination(db, org, proposing_unit=org.dt_a)
    theirs = nomination(db, org, proposing_unit=org.dt_b)
    assert UserActor(org.proposer).roles_for(ours) == {"proposer"}
    assert UserActor(org.proposer).roles_for(theirs) == set()


def test_the_secretariat_and_approver_act_for_their_councils(db, org):
    at_dt = nomination(db, org, deciding_unit=org.dt)
    at_th = nomination(db, org, proposing_unit=org.th_a, deciding_unit=org.th)
    assert UserActor(org.secretary).roles_for(at_dt) == {"secretary"}
    assert UserActor(org.secretary).roles_for(at_th) == set()
    assert UserActor(org.approver).roles_for(at_dt) == {"approver"}
    assert UserActor(org.hr).roles_for(at_dt) == {"hr"}
    # The deciding unit's secretariat does not propose for the branches below it.
    assert "proposer" not in UserActor(org.secretary).roles_for(at_dt)
    # A role held higher up covers the units below: the top-level admin reaches both provinces.
    assert UserActor(org.admin).roles_for(at_th) == {"admin"}
    assert UserActor(org.viewer).roles_for(at_th) == set()


def test_roles_are_combined_and_batches_use_their_unit(db, org):
    both = make_user("t_both", (Role.PROPOSER, org.dt), (Role.SECRETARY, org.dt))
    record = nomination(db, org, proposing_unit=org.dt_b, deciding_unit=org.dt)
    assert UserActor(both).roles_for(record) == {"proposer", "secretary"}
    batch = Batch(unit=org.dt_a, deciding_unit=org.dt, year=2021)
    db.session.add(batch)
    db.session.flush()
    assert UserActor(org.proposer).roles_for(batch) == {"proposer"}
    assert UserActor(org.secretary).roles_for(batch) == {"secretary"}


def test_actor_labels(db, org):
    person = make_person(org.dt, full_name="Lê Văn Tám")
    user = make_user("t_tam", (Role.SECRETARY, org.dt), person=person)
    assert UserActor(user).label == "Lê Văn Tám (t_tam)"
    assert UserActor(org.proposer).label == "t_proposer"
    assert UserActor(org.proposer).id == org.proposer.id
    assert SYSTEM.id is None and SYSTEM.roles_for(None) == {"system"}


# --- holidays ---------------------------------------------------------------------------------------------------

def test_a_posting_window_skips_weekends_and_the_holidays_table(db):
    db.session.add_all([Holiday(day=date(2021, 9, 2), name="Quốc khánh"),
                        Holiday(day=date(2021, 9, 3), name="Nghỉ bù Quốc khánh")])
    db.session.flush()
    refused(db, Holiday(day=date(2021, 9, 2), name="Trùng"))
    holidays = set(db.session.scalars(select(Holiday.day)))
    # Opened Wednesday 1/9 for 5 working days: 2–3/9 holidays, 4–5/9 weekend → 6, 7, 8, 9, 10 September.
    assert add_working_days(date(2021, 9, 1), 5, holidays) == date(2021, 9, 10)
