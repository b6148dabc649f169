"""The plain facts the rules read, gathered by the loader for many nominees at once.

Everything is keyed by emulation year label (2021 = 1/10/2020–30/9/2021). A missing entry means the fact
is unknown (the rule answers ``unknown``), not that it is false.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DisciplineFact:
    level: str          # DisciplineLevel value: khien_trach < canh_cao < giang_chuc < cach_chuc < buoc_thoi_viec
    rank: int           # 1 (khiển trách) … 5 (buộc thôi việc)
    start: date
    end: date | None

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and (self.end is None or self.end >= start)


@dataclass(frozen=True)
class InitiativeFact:
    code: str
    title: str
    year: int
    scope: str | None           # base / ministry / national; None: not recognised
    used_for: str | None = None  # "CSTDCS 2021 (P-001)" when already supporting another award, else None


@dataclass(frozen=True)
class MetricFact:
    """A unit's or officer's year-end figures (the latest month of the year) against the year's targets."""

    case_rate: Decimal | None
    money_rate: Decimal | None
    case_target: Decimal | None
    money_target: Decimal | None


@dataclass(frozen=True)
class Confirmation:
    """A person's judgement on a clause the rules cannot decide (e.g. "outstanding achievement")."""

    met: bool
    note: str
    by: str


@dataclass(frozen=True)
class PersonFacts:
    code: str
    full_name: str
    gender: str | None
    hire_date: date | None
    unit_code: str | None
    ratings: dict[int, str] = field(default_factory=dict)            # year → HTXSNV/HTTNV/HTNV/KHTNV
    awards: dict[int, frozenset[str]] = field(default_factory=dict)  # year → award codes held (not revoked)
    disciplines: tuple[DisciplineFact, ...] = ()
    investigation_pending: bool = False
    complaint_pending: bool = False
    initiatives: tuple[InitiativeFact, ...] = ()                     # where the person is an author
    metrics: dict[int, MetricFact] = field(default_factory=dict)     # officers only
    confirmations: dict[tuple[int, str, str], Confirmation] = field(default_factory=dict)  # (year, award, clause)


@dataclass(frozen=True)
class UnitFacts:
    code: str
    name: str
    ratings: dict[int, str] = field(default_factory=dict)
    awards: dict[int, frozenset[str]] = field(default_factory=dict)
    members: dict[int, tuple[PersonFacts, ...]] = field(default_factory=dict)  # year → people assigned that year
    metrics: dict[int, MetricFact] = field(default_factory=dict)
    cluster_rank: dict[int, int] = field(default_factory=dict)   # year → rank in its cluster (1 = leads)
    initiatives: tuple[InitiativeFact, ...] = ()
    confirmations: dict[tuple[int, str, str], Confirmation] = field(default_factory=dict)
