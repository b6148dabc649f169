"""The award catalogue, the legal bases it cites, and the dated parameters every rule and amount reads.

Parameters are the one place for thresholds, quotas, exclusions, money multiples and the base salary:
each value has an effective period and a citation, and the value in force on the relevant date applies
(OpenFisca's dated parameters, in a table). Rule code never holds such a number as a literal.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.core.models import Base, Timestamped, Versioned, in_force, string_enum, utcnow
from awards.org.models import User


class AwardKind(enum.StrEnum):
    TITLE = "title"                # danh hiệu thi đua
    COMMENDATION = "commendation"  # hình thức khen thưởng


class NomineeType(enum.StrEnum):
    PERSON = "person"
    COLLECTIVE = "collective"
    BOTH = "both"


class Authority(enum.StrEnum):
    HEAD_OF_UNIT = "head_of_unit"    # head of a unit with legal personality (Cục trưởng, Chi cục trưởng …)
    MINISTER = "minister"
    PRIME_MINISTER = "prime_minister"


class Reliability(enum.StrEnum):
    """DOMAIN.md's tags: stated in a legal text, common practice (configurable), or not confirmed."""

    LAW = "law"
    PRACTICE = "practice"
    UNSURE = "unsure"


class LegalBasis(Versioned, Base):
    """A legal text the rules cite and decisions print ("Căn cứ …;")."""

    __tablename__ = "legal_basis"
    __table_args__ = (CheckConstraint("effective_to IS NULL OR effective_from <= effective_to", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    number: Mapped[str] = mapped_column(String(80))          # "91/2017/NĐ-CP"
    title: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date | None] = mapped_column(Date)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    citation_line: Mapped[str] = mapped_column(Text)         # printed in decisions, without the final ";"
    reliability: Mapped[Reliability] = mapped_column(string_enum(Reliability, "reliability"), default=Reliability.LAW)
    note: Mapped[str] = mapped_column(Text, default="")

    def in_force_on(self, on: date) -> bool:
        return in_force(self.effective_from, self.effective_to, on)


class Award(Versioned, Timestamped, Base):
    """A title or commendation. Codes are an interface: LDTT, CSTDCS, CSTD_BO, CSTD_TQ, TTLDTT, TTLDXS,
    CO_BO, CO_CP, GK, BK_BO, BK_TTG. Thresholds and money multiples are dated parameters, not columns."""

    __tablename__ = "award"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_vi: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(255))
    kind: Mapped[AwardKind] = mapped_column(string_enum(AwardKind, "award_kind"))
    nominee_type: Mapped[NomineeType] = mapped_column(string_enum(NomineeType, "nominee_type"))
    authority: Mapped[Authority] = mapped_column(string_enum(Authority, "authority"))
    secret_ballot: Mapped[bool] = mapped_column(Boolean, default=False)
    rank: Mapped[int] = mapped_column(Integer, default=0)  # the order a council votes in: lowest first
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str = "vi") -> str:
        return self.name_en if locale == "en" else self.name_vi


class Parameter(Base):
    """One dated value: ``key`` in force from ``effective_from`` to ``effective_to`` (open: still in force)."""

    __tablename__ = "parameter"
    __table_args__ = (
        UniqueConstraint("key", "effective_from"),
        CheckConstraint("effective_to IS NULL OR effective_from <= effective_to", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    value: Mapped[Any] = mapped_column(JSON)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    legal_basis_id: Mapped[int | None] = mapped_column(ForeignKey("legal_basis.id", ondelete="RESTRICT"), index=True)
    article: Mapped[str] = mapped_column(String(120), default="")  # "Điều 30 khoản 7"
    reliability: Mapped[Reliability] = mapped_column(string_enum(Reliability, "reliability"), default=Reliability.LAW)
    note: Mapped[str] = mapped_column(Text, default="")

    legal_basis: Mapped[LegalBasis | None] = relationship()

    @property
    def citation(self) -> str:
        parts = [self.article, self.legal_basis.number if self.legal_basis else ""]
        return ", ".join(p for p in parts if p)


class CatalogueChange(Base):
    """History of admin edits to awards, legal bases and parameters: what was, who changed it, when."""

    __tablename__ = "catalogue_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # create / update / close
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User | None] = relationship()


class AwardHolding(Base):
    """An award a person or a unit holds for a year: decided in this system or imported for past years."""

    __tablename__ = "award_holding"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
        UniqueConstraint("person_id", "year", "award_id"),
        UniqueConstraint("unit_id", "year", "award_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id", ondelete="RESTRICT"), index=True)
    decision_no: Mapped[str] = mapped_column(String(80), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(255), default="")
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"),
                                                        index=True)

    award: Mapped[Award] = relationship()
