"""Cluster scoring (bảng chấm điểm thi đua, DOMAIN.md §7): templates, criteria, each member unit's scorecard.

Points are stored as integers in **hundredths of a point** (``max_points = 11000`` is 110 points): totals are
sums of integers and every comparison (ranking, ties) is exact. ``awards.clusters.scoring`` converts them.

A template belongs to the cluster's organiser for one year; it serves one cluster (``cluster_id``) or, when
``cluster_id`` is empty, every cluster that organiser runs that year. A unit's scorecard goes
draft → submitted → reviewed (``operations``); a reviewed card may be returned to draft by a reviewer.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.core.models import Base, Timestamped, Versioned, string_enum
from awards.nominations.models import Nomination
from awards.org.models import Cluster, Unit, User


class Source(enum.StrEnum):
    """Who scores a criterion: people, or the unit's yearly figures against its target (DOMAIN.md §3)."""

    MANUAL = "manual"
    CASE_RATE = "case_rate"
    MONEY_RATE = "money_rate"


class CardState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


class ScoringTemplate(Versioned, Timestamped, Base):
    """The scoring table of a year: groups of criteria, each with its maximum (hundredths of a point)."""

    __tablename__ = "scoring_template"
    __table_args__ = (
        UniqueConstraint("organiser_id", "year", "cluster_id"),
        CheckConstraint("max_total > 0", name="max_total_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    # Empty: shared by every cluster the organiser runs that year.
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(Text)
    max_total: Mapped[int] = mapped_column(Integer)  # hundredths of a point

    organiser: Mapped[Unit] = relationship()
    cluster: Mapped[Cluster | None] = relationship()
    groups: Mapped[list[CriterionGroup]] = relationship(back_populates="template", cascade="all, delete-orphan",
                                                        order_by="CriterionGroup.position")

    @property
    def criteria(self) -> list[Criterion]:
        return [c for g in self.groups for c in g.criteria]


class CriterionGroup(Base):
    """A group of criteria (e.g. "Công tác chuyên môn, nghiệp vụ"); ``professional`` groups break ties."""

    __tablename__ = "criterion_group"
    __table_args__ = (UniqueConstraint("template_id", "code"), CheckConstraint("max_points > 0", name="max_points"))

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("scoring_template.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    max_points: Mapped[int] = mapped_column(Integer)  # hundredths of a point
    position: Mapped[int] = mapped_column(Integer, default=0)
    professional: Mapped[bool] = mapped_column(Boolean, default=False)

    template: Mapped[ScoringTemplate] = relationship(back_populates="groups")
    criteria: Mapped[list[Criterion]] = relationship(back_populates="group", cascade="all, delete-orphan",
                                                     order_by="Criterion.position")


class Criterion(Base):
    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("group_id", "code"), CheckConstraint("max_points > 0", name="max_points"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("criterion_group.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    max_points: Mapped[int] = mapped_column(Integer)  # hundredths of a point
    source: Mapped[Source] = mapped_column(string_enum(Source, "criterion_source"), default=Source.MANUAL)
    position: Mapped[int] = mapped_column(Integer, default=0)

    group: Mapped[CriterionGroup] = relationship(back_populates="criteria")

    @property
    def label(self) -> str:
        """"I.3": the group's code and the criterion's, as the table prints them."""
        return f"{self.group.code}.{self.code}"

    @property
    def automatic(self) -> bool:
        return self.source != Source.MANUAL


class UnitScorecard(Versioned, Timestamped, Base):
    """One member unit's scores in one cluster and year. The database checks what each state implies."""

    __tablename__ = "unit_scorecard"
    __table_args__ = (
        UniqueConstraint("cluster_id", "year", "unit_id"),
        CheckConstraint("(state = 'draft') OR submitted_at IS NOT NULL", name="submitted_has_time"),
        CheckConstraint("(state = 'reviewed') = (reviewed_at IS NOT NULL)", name="reviewed_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("scoring_template.id", ondelete="RESTRICT"), index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("cluster.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    state: Mapped[CardState] = mapped_column(string_enum(CardState, "scorecard_state"), default=CardState.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    return_note: Mapped[str] = mapped_column(Text, default="")

    template: Mapped[ScoringTemplate] = relationship()
    cluster: Mapped[Cluster] = relationship()
    unit: Mapped[Unit] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    lines: Mapped[list[ScoreLine]] = relationship(back_populates="scorecard", cascade="all, delete-orphan",
                                                  order_by="ScoreLine.id")

    def line_for(self, criterion: Criterion) -> ScoreLine | None:
        return next((line for line in self.lines if line.criterion_id == criterion.id), None)


class ScoreLine(Base):
    """One criterion of a scorecard: the unit's self-score and note, the reviewers' final score and note.

    For an automatic criterion ``basis`` freezes the figures used (month, counts, rate, target, formula), as
    computed at the last submission; both scores are then that computed value.
    """

    __tablename__ = "score_line"
    __table_args__ = (
        UniqueConstraint("scorecard_id", "criterion_id"),
        CheckConstraint("self_score IS NULL OR self_score >= 0", name="self_score"),
        CheckConstraint("final_score IS NULL OR final_score >= 0", name="final_score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("unit_scorecard.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="RESTRICT"), index=True)
    self_score: Mapped[int | None] = mapped_column(Integer)   # hundredths of a point
    self_note: Mapped[str] = mapped_column(Text, default="")
    final_score: Mapped[int | None] = mapped_column(Integer)  # hundredths of a point
    review_note: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    scorecard: Mapped[UnitScorecard] = relationship(back_populates="lines")
    criterion: Mapped[Criterion] = relationship()


class FlagCandidate(Base):
    """The cluster's candidate for the Cờ thi đua of a year: the top unit's CO_BO nomination."""

    __tablename__ = "cluster_flag_candidate"
    __table_args__ = (UniqueConstraint("cluster_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("cluster.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="RESTRICT"), index=True)
    total: Mapped[int] = mapped_column(Integer)  # hundredths of a point, at the time of the proposal
    note: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    cluster: Mapped[Cluster] = relationship()
    unit: Mapped[Unit] = relationship()
    nomination: Mapped[Nomination] = relationship()
