"""Suggestions: who in a unit's subtree could be nominated for what this year.

Every person who worked in the subtree during the year and every unit of it, for every award that applies
to them, where the verdict is eligible or needs information and they do not already hold the award for the
year. Sorted as a council works: award by award in voting order (lowest first), the eligible before those
that need information, people before collectives, then by name.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from awards.catalogue.models import Award
from awards.core.gc import collector_paused
from awards.eligibility import loader
from awards.eligibility.engine import Report, applicable_awards
from awards.extensions import db
from awards.org.models import Unit

SUGGESTED = ("eligible", "needs_information")


@dataclass(frozen=True)
class Suggestion:
    subject_code: str
    subject_type: str       # person | unit
    subject_name: str
    award: str
    verdict: str            # eligible | needs_information


def suggestions(unit: Unit, year: int, *, reports_of: Callable[..., list[Report]]) -> list[Suggestion]:
    """``reports_of(batch, facts, awards)``: the reports of one subject (``service.run_all``)."""
    subtree = loader.load_subtree(unit, year)
    rank = dict(db.session.execute(select(Award.code, Award.rank)).all())
    found: list[tuple[tuple, Suggestion]] = []
    with collector_paused():  # thousands of plain reports: see collector_paused
        _collect(subtree, year, rank, reports_of, found)
    return [s for _key, s in sorted(found, key=lambda item: item[0])]


def _collect(subtree: loader.Subtree, year: int, rank: dict, reports_of, found: list) -> None:
    batch = subtree.batch
    for position, (subject_type, subjects) in enumerate((("person", subtree.people), ("unit", subtree.units))):
        awards = applicable_awards(subject_type)
        for order, facts in enumerate(subjects):
            # NOMINATIONS HOOK (workflow issue): also leave out an award for which a nomination of this subject
            # and year exists and is not withdrawn or rejected.
            held = facts.awards.get(year, frozenset())
            pending = [award for award in awards if award not in held]
            name = facts.full_name if subject_type == "person" else facts.name
            for report in reports_of(batch, facts, pending):
                if report.verdict in SUGGESTED:
                    key = (rank.get(report.award, 0), report.award, SUGGESTED.index(report.verdict), position, order)
                    found.append((key, Suggestion(facts.code, subject_type, name, report.award, report.verdict)))
