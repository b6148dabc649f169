"""Initiatives (sáng kiến): recognised improvements that support an award, each for one award only."""
from __future__ import annotations

import enum
from datetime import date
from typing import ClassVar

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.catalogue.models import Award
from awards.core.models import Base, Timestamped, Versioned, string_enum
from awards.org.models import Person, Unit


class InitiativeScope(enum.StrEnum):
    """Where it was recognised, narrowest first; ``rank`` makes "at least ministry level" a comparison."""

    BASE = "base"          # cơ sở
    MINISTRY = "ministry"  # cấp bộ, ngành
    NATIONAL = "national"  # toàn quốc

    @property
    def rank(self) -> int:
        return list(InitiativeScope).index(self) + 1


class Initiative(Versioned, Timestamped, Base):
    __tablename__ = "initiative"
    workflow_name: ClassVar[str] = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    scope: Mapped[InitiativeScope | None] = mapped_column(string_enum(InitiativeScope, "initiative_scope"))
    decision_no: Mapped[str] = mapped_column(String(80), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    # Only workflows.engine.fire changes it once recorded (registered → under evaluation → recognised / not
    # recognised, the last two applied by the initiative council); an imported initiative arrives recognised.
    state: Mapped[str] = mapped_column(String(30), default="recognised")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"),
                                                        index=True)

    unit: Mapped[Unit] = relationship()
    authors: Mapped[list[InitiativeAuthor]] = relationship(back_populates="initiative",
                                                           cascade="all, delete-orphan",
                                                           order_by="InitiativeAuthor.position")
    use: Mapped[InitiativeUse | None] = relationship(back_populates="initiative", cascade="all, delete-orphan",
                                                     uselist=False)

    # The units Actor.roles_for reads: the unit registers it, its secretariat (or one above) evaluates it.
    @property
    def proposing_unit_id(self) -> int:
        return self.unit_id

    @property
    def deciding_unit_id(self) -> int:
        return self.unit_id


class InitiativeAuthor(Base):
    __tablename__ = "initiative_author"
    __table_args__ = (UniqueConstraint("initiative_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    initiative: Mapped[Initiative] = relationship(back_populates="authors")
    person: Mapped[Person] = relationship()


class InitiativeUse(Base):
    """The award an initiative supports. One per initiative (unique): a second use is refused, naming this one.

    Until nominations exist (the workflow issue) a use names the subject, award and year it supports.
    """

    __tablename__ = "initiative_use"
    __table_args__ = (
        UniqueConstraint("initiative_id"),
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"))
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")

    initiative: Mapped[Initiative] = relationship(back_populates="use")
    award: Mapped[Award] = relationship()
    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
