"""Councils (hội đồng thi đua – khen thưởng, hội đồng sáng kiến), their sessions, rounds and ballots.

Ballot secrecy is a property of the schema, not of the code that reads it. Two tables hold a vote:

- ``voter_mark`` says that a member took part in a round ("đã bỏ phiếu"): session, round number, member,
  and whether the vote came in writing. It has **no timestamp and no surrogate id**: its key is
  (session, round, member), which says nothing about when it was written.
- ``ballot`` holds what a ballot says: session, round number, the choices. Its key is a **random UUID**
  (no sequence, so no insertion order), it has **no timestamp** and **no column that names a member**.

Nothing joins the two but the round they belong to, which every ballot of the round shares. At the close
of a round every ballot of that round is deleted and written again in random order inside the closing
transaction (``operations.close_round``), so the physical order of rows and PostgreSQL's ``xmin`` (the
transaction that wrote a row) no longer follow the order of voting either. Documented in docs/councils.md.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.catalogue.models import Award
from awards.core.models import Base, Timestamped, Versioned, string_enum
from awards.documents.models import StoredDocument
from awards.initiatives.models import Initiative, InitiativeScope
from awards.nominations.models import Nomination
from awards.org.models import Cluster, Person, Unit


class CouncilKind(enum.StrEnum):
    AWARDS = "awards"            # Hội đồng Thi đua - Khen thưởng: votes on nominations
    INITIATIVES = "initiatives"  # Hội đồng sáng kiến: votes on initiatives, by majority
    CLUSTER = "cluster"          # the representatives of a cluster's member units: votes for the cluster's flag


class MemberRole(enum.StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    SECRETARY = "secretary"
    MEMBER = "member"


class SessionState(enum.StrEnum):
    PLANNED = "planned"  # agenda and attendance are prepared
    OPEN = "open"        # quorum reached, membership frozen, a round may be open
    CLOSED = "closed"    # outcomes applied, minutes and tally stored


class RoundState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Choice(enum.StrEnum):
    YES = "yes"
    NO = "no"


class Council(Versioned, Timestamped, Base):
    """A council of a unit (or, for the flag, of a cluster) for one emulation year."""

    __tablename__ = "council"
    __table_args__ = (
        CheckConstraint("(kind = 'cluster') = (cluster_id IS NOT NULL)", name="cluster_council_has_cluster"),
        UniqueConstraint("unit_id", "year", "kind", "cluster_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unit whose council it is (for a cluster council: the leading unit, whose secretariat runs it).
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[CouncilKind] = mapped_column(string_enum(CouncilKind, "council_kind"), default=CouncilKind.AWARDS)
    name: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit] = relationship()
    cluster: Mapped[Cluster | None] = relationship()
    members: Mapped[list[CouncilMember]] = relationship(back_populates="council", cascade="all, delete-orphan",
                                                        order_by="CouncilMember.position")
    sessions: Mapped[list[CouncilSession]] = relationship(back_populates="council",
                                                          order_by="CouncilSession.held_on")

    # The unit the roles of secretaries and approvers are checked against (as on nominations).
    @property
    def deciding_unit_id(self) -> int:
        return self.unit_id


class CouncilMember(Base):
    __tablename__ = "council_member"
    __table_args__ = (UniqueConstraint("council_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    role: Mapped[MemberRole] = mapped_column(string_enum(MemberRole, "council_member_role"),
                                             default=MemberRole.MEMBER)
    position: Mapped[int] = mapped_column(Integer, default=0)

    council: Mapped[Council] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class CouncilSession(Versioned, Timestamped, Base):
    """One meeting of a council. ``member_count`` is frozen when it opens: thresholds count every member."""

    __tablename__ = "council_session"
    __table_args__ = (
        CheckConstraint("state = 'planned' OR member_count IS NOT NULL", name="open_has_member_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="RESTRICT"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(String(40), default="")  # of the minutes, e.g. "12/BB-HĐTĐKT"
    state: Mapped[SessionState] = mapped_column(string_enum(SessionState, "council_session_state"),
                                                default=SessionState.PLANNED)
    member_count: Mapped[int | None] = mapped_column(Integer)
    present_count: Mapped[int | None] = mapped_column(Integer)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("stored_document.id", ondelete="RESTRICT"))
    tally_id: Mapped[int | None] = mapped_column(ForeignKey("stored_document.id", ondelete="RESTRICT"))
    # The tally applied at close, as the API returns it: {"<subject id>": {yes, no, members, share, …}}.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    council: Mapped[Council] = relationship(back_populates="sessions")
    items: Mapped[list[AgendaItem]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                   order_by="AgendaItem.position")
    attendance: Mapped[list[Attendance]] = relationship(back_populates="session", cascade="all, delete-orphan")
    rounds: Mapped[list[VotingRound]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                     order_by="VotingRound.number")
    quotas: Mapped[list[SessionQuota]] = relationship(back_populates="session", cascade="all, delete-orphan")
    minutes: Mapped[StoredDocument | None] = relationship(foreign_keys=[minutes_id])
    tally: Mapped[StoredDocument | None] = relationship(foreign_keys=[tally_id])


class AgendaItem(Base):
    """One nomination (or, before an initiative council, one initiative) on a session's agenda.

    ``rounds`` lists the rounds it was put to; ``yes``/``no`` are from the last of them. ``passed`` is the
    threshold's verdict, ``selected`` the verdict after quota ranking (only selected items pass the council).
    """

    __tablename__ = "agenda_item"
    __table_args__ = (
        CheckConstraint("(nomination_id IS NULL) <> (initiative_id IS NULL)", name="one_subject"),
        UniqueConstraint("session_id", "nomination_id"),
        UniqueConstraint("session_id", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id", ondelete="RESTRICT"), index=True)
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id", ondelete="RESTRICT"), index=True)
    # The scope an initiative is proposed for recognition at.
    scope: Mapped[InitiativeScope | None] = mapped_column(string_enum(InitiativeScope, "initiative_scope"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    secret: Mapped[bool] = mapped_column(Boolean, default=True)  # secret ballot, or a show of hands
    last_round: Mapped[int] = mapped_column(Integer, default=1)
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    selected: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")  # e.g. the chair's tie-break

    session: Mapped[CouncilSession] = relationship(back_populates="items")
    nomination: Mapped[Nomination | None] = relationship()
    initiative: Mapped[Initiative | None] = relationship()

    @property
    def subject_id(self) -> int:
        return self.nomination_id or self.initiative_id


class SessionQuota(Base):
    """At most ``max_count`` nominations of an award pass in this session (a catalogue quota, one flag per cluster)."""

    __tablename__ = "session_quota"
    __table_args__ = (UniqueConstraint("session_id", "award_id"), CheckConstraint("max_count >= 0", name="max_count"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id", ondelete="RESTRICT"))
    max_count: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    session: Mapped[CouncilSession] = relationship(back_populates="quotas")
    award: Mapped[Award] = relationship()


class Attendance(Base):
    """Whether a member attended; an absent member may vote in writing (the scan is kept, the votes are not here)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_member.id", ondelete="RESTRICT"), index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    scan_name: Mapped[str] = mapped_column(String(255), default="")   # the written vote's scan, original name
    scan_stored: Mapped[str] = mapped_column(String(64), default="")  # its random name under the upload folder

    session: Mapped[CouncilSession] = relationship(back_populates="attendance")
    member: Mapped[CouncilMember] = relationship()


class VotingRound(Base):
    __tablename__ = "voting_round"
    __table_args__ = (UniqueConstraint("session_id", "number"), CheckConstraint("number >= 1", name="number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[RoundState] = mapped_column(string_enum(RoundState, "voting_round_state"), default=RoundState.OPEN)
    # The agenda item ids put to this round (round 2 carries only those the chair put again).
    item_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Show-of-hands counts entered by the secretary: {"<item id>": {"yes": n, "no": n}}.
    hands: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # This round's count, written when it closes: {"<item id>": {"yes": n, "no": n, "passed": bool}}.
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    session: Mapped[CouncilSession] = relationship(back_populates="rounds")


class VoterMark(Base):
    """That a member voted in a round — and nothing about how, or when (see the module docstring)."""

    __tablename__ = "voter_mark"

    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), primary_key=True)
    round_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_member.id", ondelete="RESTRICT"), primary_key=True)
    written: Mapped[bool] = mapped_column(Boolean, default=False)

    member: Mapped[CouncilMember] = relationship()


class Ballot(Base):
    """What one ballot says: {"<agenda item id>": "yes" | "no"}; blank items count as not yes. No voter, no time."""

    __tablename__ = "ballot"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex: random, carries no order
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id", ondelete="CASCADE"), index=True)
    round_number: Mapped[int] = mapped_column(Integer)
    choices: Mapped[dict[str, str]] = mapped_column(JSON)


__all__ = ["AgendaItem", "Attendance", "Ballot", "Choice", "Council", "CouncilKind", "CouncilMember",
           "CouncilSession", "MemberRole", "RoundState", "SessionQuota", "SessionState", "StoredDocument",
           "VoterMark", "VotingRound"]
