"""Enforcement figures (monthly, cumulative), yearly targets and other yearly indicators.

A report, a target or an indicator belongs to a unit or to a person (an enforcement officer), exactly
one of the two, as the database checks. Money is whole đồng (BIGINT: provinces count tens of billions).
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from awards.core.models import Base
from awards.metrics.compute import Breakdown, Counts
from awards.imports.models import ImportBatch
from awards.org.models import Person, Unit

ONE_SUBJECT = "(person_id IS NULL) <> (unit_id IS NULL)"
DETAILS = ("carried_over", "new", "delegated", "withdrawn", "not_enforceable", "enforced", "terminated")


def _amount(nullable: bool = False) -> Mapped:
    return mapped_column(BigInteger, nullable=nullable)


class MetricReport(Base):
    """Figures from the start of the statistical year to the end of ``month`` (cumulative)."""

    __tablename__ = "metric_report"
    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="one_subject"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("0 <= cases_completed AND cases_completed <= cases_enforceable "
                        "AND cases_enforceable <= cases_received", name="cases_order"),
        CheckConstraint("0 <= money_completed AND money_completed <= money_enforceable "
                        "AND money_enforceable <= money_received", name="money_order"),
        UniqueConstraint("unit_id", "year", "month"),
        UniqueConstraint("person_id", "year", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)

    cases_received: Mapped[int] = _amount()
    cases_enforceable: Mapped[int] = _amount()
    cases_completed: Mapped[int] = _amount()
    cases_carried_over: Mapped[int | None] = _amount(True)
    cases_new: Mapped[int | None] = _amount(True)
    cases_delegated: Mapped[int | None] = _amount(True)
    cases_withdrawn: Mapped[int | None] = _amount(True)
    cases_not_enforceable: Mapped[int | None] = _amount(True)
    cases_enforced: Mapped[int | None] = _amount(True)
    cases_terminated: Mapped[int | None] = _amount(True)

    money_received: Mapped[int] = _amount()
    money_enforceable: Mapped[int] = _amount()
    money_completed: Mapped[int] = _amount()
    money_carried_over: Mapped[int | None] = _amount(True)
    money_new: Mapped[int | None] = _amount(True)
    money_delegated: Mapped[int | None] = _amount(True)
    money_withdrawn: Mapped[int | None] = _amount(True)
    money_not_enforceable: Mapped[int | None] = _amount(True)
    money_enforced: Mapped[int | None] = _amount(True)
    money_terminated: Mapped[int | None] = _amount(True)

    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"),
                                                        index=True)

    unit: Mapped[Unit | None] = relationship()
    person: Mapped[Person | None] = relationship()
    import_batch: Mapped[ImportBatch | None] = relationship()

    @property
    def cases(self) -> Counts:
        return Counts(self.cases_received, self.cases_enforceable, self.cases_completed)

    @property
    def money(self) -> Counts:
        return Counts(self.money_received, self.money_enforceable, self.money_completed)

    def breakdown(self, prefix: str) -> Breakdown:
        """``prefix`` is "cases" or "money"."""
        return Breakdown(*(getattr(self, f"{prefix}_{name}") for name in ("received", "enforceable", "completed")),
                         **{name: getattr(self, f"{prefix}_{name}") for name in DETAILS})


class MetricTarget(Base):
    """The yearly targets (chỉ tiêu) of a unit or an officer, in percent with two places."""

    __tablename__ = "metric_target"
    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="one_subject"),
        CheckConstraint("case_target_pct BETWEEN 0 AND 100 AND money_target_pct BETWEEN 0 AND 100",
                        name="percentages"),
        UniqueConstraint("unit_id", "year"),
        UniqueConstraint("person_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    case_target_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    money_target_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"),
                                                        index=True)

    unit: Mapped[Unit | None] = relationship()
    person: Mapped[Person | None] = relationship()


class UnitIndicator(Base):
    """Other yearly indicators a unit reports: complaints resolved against their target, receptions."""

    __tablename__ = "unit_indicator"
    __table_args__ = (
        UniqueConstraint("unit_id", "year"),
        CheckConstraint("complaints_resolved <= complaints_received", name="complaints_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    complaints_received: Mapped[int | None] = mapped_column(Integer)
    complaints_resolved: Mapped[int | None] = mapped_column(Integer)
    complaints_target_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    citizen_receptions: Mapped[int | None] = mapped_column(Integer)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"),
                                                        index=True)

    unit: Mapped[Unit] = relationship()

    @property
    def complaints_rate(self) -> Decimal | None:
        from awards.metrics.compute import ratio

        if self.complaints_received is None or self.complaints_resolved is None:
            return None
        return ratio(self.complaints_resolved, self.complaints_received)
