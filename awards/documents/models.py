"""Generated documents kept in the database: the PDF bytes with their SHA-256, written in the same transaction
as the record they belong to (a session's minutes and tally, an issued decision)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from awards.core.models import Base, utcnow


class StoredDocument(Base):
    """A generated PDF kept in the database with its SHA-256: written in the same transaction as what it records."""

    __tablename__ = "stored_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
