"""The declarative base every model shares, with a constraint naming convention."""
from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import DateTime, Enum, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Alembic autogenerate and PostgreSQL both need stable constraint names; this keeps migrations readable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def string_enum(cls: type[enum.Enum], name: str) -> Enum:
    """Enums stored as their value in a VARCHAR with a CHECK: readable in SQL, portable to SQLite."""
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=32,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Versioned:
    """Optimistic locking: an UPDATE whose version no longer matches raises StaleDataError (→ 409)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                 nullable=False)


def in_force(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    """Whether an effective-dated row [valid_from, valid_to] covers ``on`` (open ends allowed)."""
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)
