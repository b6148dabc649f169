"""Nominations, batches (tờ trình), attachments, required attachments, holidays and the transition log.

A nomination's ``state`` is changed only by ``workflows.engine.fire`` (the one choke point); every change
leaves one ``TransitionLog`` row, which nothing may update or delete afterwards (see ``_refuse_audit_edits``
here and the PostgreSQL trigger in migration 0008).
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, and_, event, text)
from sqlalchemy.orm import Mapped, Session, foreign, mapped_column, relationship

from awards.catalogue.models import Award
from awards.core.models import Base, Timestamped, Versioned, string_enum, utcnow
from awards.org.models import Person, Unit, User
from workflows.definitions.batch import State as BatchState
from workflows.definitions.nomination import State as NominationState

# The workflow definitions are the one list of states; the database refuses any other value. Alembic does
# not compare CHECK texts, so a new state needs a migration widening the CHECK by hand: the tests that store
# a record in every state (test_nomination_models) fail until it exists.
NOMINATION_STATES = tuple(s.value for s in NominationState)
BATCH_STATES = tuple(s.value for s in BatchState)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class AttachmentKind(enum.StrEnum):
    ACHIEVEMENT_REPORT = "achievement_report"  # báo cáo thành tích
    MINUTES = "minutes"                        # biên bản họp xét
    INITIATIVE_PROOF = "initiative_proof"      # minh chứng sáng kiến
    OTHER = "other"


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a transition log row: history is written once."""


class Batch(Versioned, Timestamped, Base):
    """A unit's tờ trình for a year: its nominations go to the deciding unit together, all or nothing.

    ``number`` and ``issued_on`` are given when the batch is signed; drafts have neither. ``deciding_unit``
    is the addressee (the unit whose secretariat checks it), which the scope of secretaries is checked against.
    """

    __tablename__ = "batch"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "number"),
        CheckConstraint(_in("state", BATCH_STATES), name="state"),
    )
    workflow_name: ClassVar[str] = "batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    deciding_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    number: Mapped[int | None] = mapped_column(Integer)
    issued_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text, default="")
    # Only workflows.engine.fire assigns this column.
    state: Mapped[str] = mapped_column(String(30), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    deciding_unit: Mapped[Unit] = relationship(foreign_keys=[deciding_unit_id])
    created_by: Mapped[User | None] = relationship()
    nominations: Mapped[list[Nomination]] = relationship(back_populates="batch", order_by="Nomination.id")

    # The names Actor.roles_for reads on every workflow record.
    @property
    def proposing_unit_id(self) -> int:
        return self.unit_id

    @property
    def proposing_unit(self) -> Unit:
        return self.unit


class Nomination(Versioned, Timestamped, Base):
    """A proposal of one nominee (a person or a collective unit) for one award in one year.

    Uniqueness: one nomination per nominee × award × year among ORIGINAL nominations (``referred_from_id``
    empty). ``refer`` creates a second row for the same nominee × award × year at the parent unit's level;
    it is linked to the one referred (``referred_from_id``, itself unique: a nomination is referred at most
    once), so each nominee × award × year has exactly one chain original → referral → referral … and two
    units can never propose the same person for the same award in the same year.
    """

    __tablename__ = "nomination"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_nominee"),
        CheckConstraint(_in("state", NOMINATION_STATES), name="state"),
        CheckConstraint("(posting_start IS NULL) = (posting_end IS NULL)", name="posting_both_or_neither"),
        CheckConstraint("posting_start IS NULL OR posting_start <= posting_end", name="posting_period"),
        CheckConstraint("state <> 'posted' OR posting_start IS NOT NULL", name="posted_has_window"),
        CheckConstraint("referred_from_id IS NULL OR referred_from_id <> id", name="not_referred_from_itself"),
        UniqueConstraint("referred_from_id"),
        Index("uq_nomination_person_award_year", "person_id", "award_id", "year", unique=True,
              sqlite_where=text("person_id IS NOT NULL AND referred_from_id IS NULL"),
              postgresql_where=text("person_id IS NOT NULL AND referred_from_id IS NULL")),
        Index("uq_nomination_unit_award_year", "unit_id", "award_id", "year", unique=True,
              sqlite_where=text("unit_id IS NOT NULL AND referred_from_id IS NULL"),
              postgresql_where=text("unit_id IS NOT NULL AND referred_from_id IS NULL")),
    )
    workflow_name: ClassVar[str] = "nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The nominee: exactly one of person_id / unit_id (a collective nominee is a unit).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    proposing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    # The unit whose secretariat checks it and whose council votes on it.
    deciding_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batch.id", ondelete="SET NULL"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    posting_start: Mapped[date | None] = mapped_column(Date)
    posting_end: Mapped[date | None] = mapped_column(Date)
    referred_from_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id", ondelete="RESTRICT"))
    # The outcome from an authority outside the system (minister, prime minister), recorded by HR.
    decision_no: Mapped[str] = mapped_column(String(80), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    granted: Mapped[bool | None] = mapped_column(Boolean)
    # The eligibility report and the metrics it used, frozen at submission: what the council saw.
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The proposer's explanation when the verdict is needs_information (submission is then allowed).
    proposer_note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])
    award: Mapped[Award] = relationship()
    proposing_unit: Mapped[Unit] = relationship(foreign_keys=[proposing_unit_id])
    deciding_unit: Mapped[Unit] = relationship(foreign_keys=[deciding_unit_id])
    batch: Mapped[Batch | None] = relationship(back_populates="nominations")
    referred_from: Mapped[Nomination | None] = relationship(remote_side=[id], back_populates="referral")
    referral: Mapped[Nomination | None] = relationship(back_populates="referred_from", uselist=False)
    created_by: Mapped[User | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="nomination", cascade="all, delete-orphan",
                                                         order_by="Attachment.id")
    history: Mapped[list[TransitionLog]] = relationship(
        primaryjoin=lambda: and_(TransitionLog.workflow == "nomination",
                                 foreign(TransitionLog.record_id) == Nomination.id),
        viewonly=True, order_by=lambda: (TransitionLog.at, TransitionLog.id))

    @property
    def nominee(self) -> Person | Unit:
        return self.person or self.unit

    def __repr__(self) -> str:
        return f"<Nomination {self.id} {self.state}>"


class Attachment(Base):
    """A typed file of a nomination; stored under a random name, its content checked and hashed at upload."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(string_enum(AttachmentKind, "attachment_kind"))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                       index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    nomination: Mapped[Nomination] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship()


class RequiredAttachment(Base):
    """Catalogue data: the attachment kinds an award's dossier must hold before it can be submitted."""

    __tablename__ = "required_attachment"
    __table_args__ = (UniqueConstraint("award_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(string_enum(AttachmentKind, "attachment_kind"))

    award: Mapped[Award] = relationship()


class Holiday(Base):
    """A public holiday (Tết, 30/4, 2/9 …, with the substitute days the government announces each year)."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")


class TransitionLog(Base):
    """One state change of a workflow record: append-only, written by the engine's storage adapter.

    No foreign key ties ``record_id`` to a table: one log serves every workflow. ``actor_label`` keeps the
    name as it was at the time; ``actor_id`` is empty for the system actor.
    """

    __tablename__ = "transition_log"
    __table_args__ = (Index("ix_transition_log_workflow_record", "workflow", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    # RESTRICT: a user who acted stays (accounts are deactivated, never deleted), so history keeps its actor.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    actor_label: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


@event.listens_for(Session, "before_flush")
def _refuse_audit_edits(session: Session, _flush_context, _instances) -> None:
    """The ORM half of the append-only rule (the PostgreSQL trigger is the other, for raw SQL)."""
    for obj in session.deleted:
        if isinstance(obj, TransitionLog):
            raise AuditTrailIsAppendOnly("transition_log rows cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, TransitionLog) and session.is_modified(obj, include_collections=False):
            raise AuditTrailIsAppendOnly("transition_log rows cannot be changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_audit_bulk_edits(state) -> None:
    """``update(TransitionLog)`` / ``delete(TransitionLog)`` statements skip flush; refuse them here."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is TransitionLog:
        raise AuditTrailIsAppendOnly("transition_log rows cannot be changed or deleted")
