"""Deadlines (stored), in-app notifications and the e-mail outbox.

Posting ends and council session dates are *derived* from the records that hold them (``Nomination.posting_end``
of posted nominations, ``CouncilSession.held_on`` of planned sessions), so they never drift from the workflow; a
``Deadline`` row holds what no record knows: a filing deadline per award and level, or an extra date a unit sets
(see docs/reminders.md).
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.catalogue.models import Award
from awards.core.models import Base, Timestamped, Versioned, string_enum, utcnow
from awards.org.models import Unit, User


class DeadlineKind(enum.StrEnum):
    FILING = "filing"              # units file their nominations (tờ trình) by this date: proposers
    POSTING_END = "posting_end"    # a posting window ends (beyond the nominations' own windows): secretaries
    SESSION = "session_date"       # a council session is planned (beyond the recorded sessions): secretaries, members
    DECISION = "decision"          # decisions are to be issued by this date: HR


class Deadline(Versioned, Timestamped, Base):
    """A date that concerns the units of ``unit``'s subtree, optionally for one award and one emulation year."""

    __tablename__ = "deadline"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DeadlineKind] = mapped_column(string_enum(DeadlineKind, "deadline_kind"))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("award.id", ondelete="SET NULL"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                      index=True)

    unit: Mapped[Unit] = relationship()
    award: Mapped[Award | None] = relationship()


class Notification(Base):
    """One reminder shown in the app. ``key`` names what it is about and when ("posting:12:2021-12-05:due"), so
    the same reminder is never created twice for a user (the unique constraint makes re-runs idempotent)."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(160))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(255), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class OutboxMessage(Base):
    """An e-mail: written here first, then sent by SMTP when MAIL_SERVER is set (``sent_at``), else kept here and
    in the log. A failed attempt records ``error``; delivery is retried up to ``MAX_ATTEMPTS`` times."""

    __tablename__ = "outbox_message"
    __table_args__ = (CheckConstraint("attempts >= 0", name="attempts_not_negative"),)

    MAX_ATTEMPTS = 3

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    to: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
