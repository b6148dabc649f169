"""Decisions (quyết định khen thưởng), their items (one awardee each), the number sequence, certificate jobs,
print calibration and the issuers' signing keys.

A decision moves draft → issued → revoked. Issuing assigns the number (per issuer per calendar year, gap-free:
``decision_sequence`` is incremented inside the issuing transaction, so a rollback gives the number back), stores
the rendered PDF with its SHA-256 and moves every nomination to ``decided`` — all in one transaction. The database
enforces what each state implies (an issued decision has its number and its PDF; a revoking decision cites the
decision it revokes) and that a number is used once per issuer and year.
"""
from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        LargeBinary, Numeric, String, Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.catalogue.models import Award, LegalBasis
from awards.core.models import Base, Timestamped, Versioned, string_enum, utcnow
from awards.documents.models import StoredDocument
from awards.nominations.models import Nomination
from awards.org.models import Person, Unit, User


class DecisionState(enum.StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    REVOKED = "revoked"


class DecisionKind(enum.StrEnum):
    AWARD = "award"            # grants the awards of its items (tặng danh hiệu, Giấy khen …)
    REVOCATION = "revocation"  # revokes items of an issued award decision (quyết định thu hồi)
    EXTERNAL = "external"      # an outcome from a higher authority (minister, prime minister), recorded by HR


class SigningMode(enum.StrEnum):
    """Decree 30: who signs. ``NONE``: the head signs in person."""

    NONE = ""
    KT = "KT."    # ký thay: a deputy on behalf of the head
    TM = "TM."    # thay mặt: on behalf of a collective body
    Q = "Q."      # quyền: acting head
    TL = "TL."    # thừa lệnh: by delegation
    TUQ = "TUQ."  # thừa ủy quyền: by authorisation


def new_token() -> str:
    """A certificate's verification token: 128 random bits, URL-safe, unrelated to any id."""
    return secrets.token_urlsafe(16)


class DecisionSequence(Base):
    """The last number an issuer used in a calendar year. Incremented with ``UPDATE … RETURNING`` inside the
    issuing transaction: the row lock serialises concurrent issuers and a rollback returns the number."""

    __tablename__ = "decision_sequence"

    issuer_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class DecisionLegalBasis(Base):
    """A legal basis printed in a decision ("Căn cứ …;"), in order."""

    __tablename__ = "decision_legal_basis"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True)
    legal_basis_id: Mapped[int] = mapped_column(ForeignKey("legal_basis.id", ondelete="RESTRICT"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    legal_basis: Mapped[LegalBasis] = relationship()


class Decision(Versioned, Timestamped, Base):
    """A numbered decision of an issuer (a unit with legal personality), or an outcome recorded from above.

    ``number`` is given at issue (None in a draft); the printed symbol is ``f"{number:02d}/{symbol}"``. The texts
    (subject, articles, recipients …) are generated from the items when the draft is made and may be edited
    until it is issued; ``content`` then freezes what was printed.
    """

    __tablename__ = "decision"
    __table_args__ = (
        UniqueConstraint("issuer_id", "year", "number"),
        CheckConstraint("kind = 'external' OR state = 'draft' OR (number IS NOT NULL AND pdf_id IS NOT NULL "
                        "AND issued_at IS NOT NULL)", name="issued_has_number_and_pdf"),
        CheckConstraint("kind <> 'external' OR external_number <> ''", name="external_has_number"),
        CheckConstraint("(kind = 'revocation') = (revokes_id IS NOT NULL)", name="revocation_cites_decision"),
        CheckConstraint("number IS NULL OR number >= 1", name="number_positive"),
        CheckConstraint("total_money >= 0", name="total_money_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DecisionKind] = mapped_column(string_enum(DecisionKind, "decision_kind"), default=DecisionKind.AWARD)
    state: Mapped[DecisionState] = mapped_column(string_enum(DecisionState, "decision_state"),
                                                 default=DecisionState.DRAFT, index=True)
    # The issuing unit; for an external outcome, the unit whose HR recorded it (its scope).
    issuer_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)       # calendar year of decided_on: the numbering year
    award_year: Mapped[int] = mapped_column(Integer, index=True)  # the emulation year the awards are for
    number: Mapped[int | None] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(40), default="QĐ")  # "QĐ-CTHADS"
    external_issuer: Mapped[str] = mapped_column(String(255), default="")  # "Bộ Tư pháp"
    external_number: Mapped[str] = mapped_column(String(80), default="")   # "1234/QĐ-BTP"
    decided_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(120), default="")
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    signing_mode: Mapped[SigningMode] = mapped_column(string_enum(SigningMode, "signing_mode"),
                                                      default=SigningMode.NONE)
    signer_position: Mapped[str] = mapped_column(String(160), default="")  # "CỤC TRƯỞNG" (after the mode)
    signer_title: Mapped[str] = mapped_column(String(160), default="")     # "PHÓ CỤC TRƯỞNG" (under KT.)
    authority: Mapped[str] = mapped_column(Text, default="")    # "CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH …"
    subject: Mapped[str] = mapped_column(Text, default="")      # "Về việc tặng danh hiệu …"
    considering: Mapped[str] = mapped_column(Text, default="")  # "Xét đề nghị của …" (the last basis line)
    article1: Mapped[str] = mapped_column(Text, default="")
    article2: Mapped[str] = mapped_column(Text, default="")
    article3: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    fund: Mapped[str] = mapped_column(Text, default="")  # "Quỹ thi đua, khen thưởng của …"
    # Whole đồng; 64-bit: a ministry's decision can pass 2,147,483,647 đồng (PostgreSQL's integer).
    total_money: Mapped[int] = mapped_column(BigInteger, default=0)
    revokes_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id", ondelete="RESTRICT"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # a revocation's reason
    pdf_id: Mapped[int | None] = mapped_column(ForeignKey("stored_document.id", ondelete="RESTRICT"))
    # The printed values as rendered at issue (the PDF's context), kept as evidence beside the file.
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)  # the stored PDF carries a PAdES signature
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    issuer: Mapped[Unit] = relationship()
    signer: Mapped[Person | None] = relationship()
    pdf: Mapped[StoredDocument | None] = relationship()
    revokes: Mapped[Decision | None] = relationship(remote_side=[id], foreign_keys=[revokes_id])
    items: Mapped[list[DecisionItem]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", foreign_keys="DecisionItem.decision_id",
        order_by="(DecisionItem.position, DecisionItem.id)")
    bases: Mapped[list[DecisionLegalBasis]] = relationship(cascade="all, delete-orphan",
                                                           order_by="DecisionLegalBasis.position")
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def number_text(self) -> str:
        """``343/QĐ-CTHADS`` (leading zero below 10); an external outcome's own number; "" for a draft."""
        if self.kind == DecisionKind.EXTERNAL:
            return self.external_number
        return f"{self.number:02d}/{self.symbol}" if self.number else ""

    @property
    def issuer_label(self) -> str:
        return self.external_issuer if self.kind == DecisionKind.EXTERNAL else self.issuer.name_on(self.decided_on)

    def __repr__(self) -> str:
        return f"<Decision {self.id} {self.state} {self.number_text}>"


class DecisionItem(Base):
    """One awardee of a decision: a nomination (or, in a revocation, the item it revokes) with its money.

    ``position`` is the row in the annex, assigned at issue: the certificate's "Số sổ vàng". The printed values
    (name, position, unit, award) are frozen at issue so a reprint says what the original said. ``token`` is the
    certificate's verification token (random; never derived from an id).
    """

    __tablename__ = "decision_item"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_nominee"),
        CheckConstraint("money >= 0", name="money_not_negative"),
        # A nomination is granted by one decision at most (drafts included: a draft holds its nominations).
        Index("uq_decision_item_granting_nomination", "nomination_id", unique=True,
              sqlite_where=text("revokes_item_id IS NULL AND nomination_id IS NOT NULL"),
              postgresql_where=text("revokes_item_id IS NULL AND nomination_id IS NOT NULL")),
        UniqueConstraint("decision_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    position: Mapped[int | None] = mapped_column(Integer)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("award.id", ondelete="RESTRICT"), index=True)
    money: Mapped[int] = mapped_column(BigInteger, default=0)
    multiple: Mapped[str] = mapped_column(String(20), default="")  # "0.3": the evidence of the amount
    base_salary: Mapped[int] = mapped_column(Integer, default=0)
    nominee_name: Mapped[str] = mapped_column(String(255), default="")
    nominee_position: Mapped[str] = mapped_column(String(160), default="")
    nominee_unit: Mapped[str] = mapped_column(String(255), default="")
    token: Mapped[str] = mapped_column(String(43), unique=True, default=new_token)
    revokes_item_id: Mapped[int | None] = mapped_column(ForeignKey("decision_item.id", ondelete="RESTRICT"),
                                                        index=True)
    # Set on a granting item when a revocation decision revoking it is issued.
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id", ondelete="RESTRICT"), index=True)

    decision: Mapped[Decision] = relationship(back_populates="items", foreign_keys=[decision_id])
    nomination: Mapped[Nomination | None] = relationship()
    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    award: Mapped[Award] = relationship()
    revokes_item: Mapped[DecisionItem | None] = relationship(remote_side=[id])
    revoked_by: Mapped[Decision | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def is_collective(self) -> bool:
        return self.unit_id is not None


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CertificateJob(Versioned, Base):
    """The certificates of one decision as one PDF, made by a background job.

    One job per decision (idempotent: asking again returns the stored file). The file is written under a
    temporary name and renamed into place before the job is marked done, so ``done`` always means a whole file.
    """

    __tablename__ = "certificate_job"
    __table_args__ = (
        UniqueConstraint("decision_id"),
        CheckConstraint("state <> 'done' OR (path <> '' AND sha256 <> '')", name="done_has_file"),
        CheckConstraint("done_count >= 0 AND done_count <= total", name="progress_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"))
    state: Mapped[JobState] = mapped_column(string_enum(JobState, "job_state"), default=JobState.QUEUED)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done_count: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str] = mapped_column(String(255), default="")  # relative to CERTIFICATE_DIR
    sha256: Mapped[str] = mapped_column(String(64), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                        index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    decision: Mapped[Decision] = relationship()


class PrintCalibration(Versioned, Base):
    """Offsets for printing certificates on pre-printed blanks, per certificate template (an award code, or
    "default"): the whole page content moves by (offset_x_mm, offset_y_mm); ``preprinted`` leaves out what the
    blank already carries (border, national motto)."""

    __tablename__ = "print_calibration"

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(40), unique=True)
    offset_x_mm: Mapped[Any] = mapped_column(Numeric(5, 1), default=0)
    offset_y_mm: Mapped[Any] = mapped_column(Numeric(5, 1), default=0)
    preprinted: Mapped[bool] = mapped_column(Boolean, default=False)


class SigningKey(Versioned, Base):
    """An issuer's PKCS#12 key for PAdES signatures, configured by an admin. The passphrase is kept encrypted
    with a key derived from SECRET_KEY (``awards.decisions.signing``)."""

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), unique=True)
    pkcs12: Mapped[bytes] = mapped_column(LargeBinary)
    passphrase: Mapped[str] = mapped_column(Text, default="")  # encrypted (Fernet token)
    subject: Mapped[str] = mapped_column(String(255), default="")
    not_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    unit: Mapped[Unit] = relationship()
