"""Eligibility for pages, the API and the CLI: load the facts (``loader``), run the pure rules (``engine``).

Every function takes ORM objects and reads the database only through the loader, so a whole unit's
reports cost the same number of statements as one person's.
"""
from __future__ import annotations

from flask_babel import gettext as _

from awards.core.errors import ValidationFailed
from awards.core.gc import collector_paused
from awards.eligibility import loader
from awards.eligibility.engine import Report, applicable_awards, evaluate, evaluate_many
from awards.eligibility.quotas import Quota
from awards.eligibility.quotas import quotas as _quotas
from awards.eligibility.suggestions import Suggestion
from awards.eligibility.suggestions import suggestions as _suggestions
from awards.org.models import Person, Unit

__all__ = ["Quota", "Report", "Suggestion", "check_award", "person_report", "person_reports", "quotas",
           "subtree_reports", "suggestions", "unit_report", "unit_reports"]

PERSON, UNIT = "person", "unit"


def check_award(award: str, subject_type: str) -> None:
    """Refuse (422) an award code the rules do not know, or one that a subject of this type cannot receive."""
    if award in applicable_awards(subject_type):
        return
    if award not in set(applicable_awards(PERSON)) | set(applicable_awards(UNIT)):
        raise ValidationFailed(_("Không có danh hiệu, hình thức khen thưởng mã %(code)s.", code=award))
    if subject_type == PERSON:
        raise ValidationFailed(_("%(code)s không xét cho cá nhân.", code=award))
    raise ValidationFailed(_("%(code)s không xét cho tập thể.", code=award))


def run(batch: loader.Batch, facts, award: str) -> Report:
    """One evaluation from a loaded batch (the facts as the rules must see them for this award)."""
    return evaluate(batch.for_award(facts, award), award, batch.year, batch.params, year_end=batch.year_end)


def run_all(batch: loader.Batch, facts, awards: list[str]) -> list[Report]:
    """Several awards for one subject, in the order given.

    ``evaluate_many`` shares what awards depend on (CSTD_BO reads CSTDCS, which reads LDTT); an award for
    which the subject's facts read differently (an initiative recorded for that very award) runs alone.
    """
    shared = [award for award in awards if batch.for_award(facts, award) is facts]
    found = dict(zip(shared, evaluate_many(facts, shared, batch.year, batch.params, year_end=batch.year_end),
                     strict=True))
    found.update((award, run(batch, facts, award)) for award in awards if award not in found)
    return [found[award] for award in awards]


def person_report(person: Person, award: str, year: int) -> Report:
    check_award(award, PERSON)
    batch = loader.load(year, person_ids=[person.id])
    return run(batch, batch.people[person.id], award)


def unit_report(unit: Unit, award: str, year: int) -> Report:
    check_award(award, UNIT)
    batch = loader.load(year, unit_ids=[unit.id])
    return run(batch, batch.units[unit.id], award)


def person_reports(person: Person, year: int) -> list[Report]:
    """Every award a person can be evaluated for, in catalogue order."""
    batch = loader.load(year, person_ids=[person.id])
    return run_all(batch, batch.people[person.id], applicable_awards(PERSON))


def unit_reports(unit: Unit, year: int) -> list[Report]:
    """Every award a collective can be evaluated for, in catalogue order."""
    batch = loader.load(year, unit_ids=[unit.id])
    return run_all(batch, batch.units[unit.id], applicable_awards(UNIT))


def subtree_reports(unit: Unit, year: int, award: str | None = None) -> list[tuple[str, Report]]:
    """(subject name, report) for everyone who worked in the unit's subtree during the year and for its units.

    People first, then collectives, each by name; one award (where it applies) or every applicable one.
    """
    subtree = loader.load_subtree(unit, year)
    reports = []
    with collector_paused():  # thousands of plain reports: see collector_paused
        for subject_type, subjects in ((PERSON, subtree.people), (UNIT, subtree.units)):
            awards = applicable_awards(subject_type)
            if award is not None:
                awards = [award] if award in awards else []
            for facts in subjects:
                name = facts.full_name if subject_type == PERSON else facts.name
                reports += [(name, report) for report in run_all(subtree.batch, facts, awards)]
    return reports


def suggestions(unit: Unit, year: int) -> list[Suggestion]:
    return _suggestions(unit, year, reports_of=run_all)


def quotas(unit: Unit, year: int) -> list[Quota]:
    return _quotas(unit, year)
