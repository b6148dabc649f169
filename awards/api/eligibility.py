"""Eligibility of a person or a collective for an award, a unit's suggestions and its quota meters (read-only).

Everything comes from ``awards.eligibility.service`` (loader + pure rules): the API computes nothing itself.
Subjects are scoped like every record: 404 outside the caller's scope. An award code the rules do not know,
or one that does not apply to the subject (a collective award for a person), answers 422.
"""
from __future__ import annotations

from flask_login import current_user

from awards.api.auth import ApiBlueprint
from awards.api.schemas import (EligibilityArgsSchema, EligibilitySchema, EligibilityYearArgsSchema,
                                QuotaSchema, SuggestionSchema)
from awards.core.errors import ValidationFailed
from awards.eligibility import service
from awards.org.models import Person, Unit
from awards.org.permissions import get_visible_or_404

blp = ApiBlueprint("api_eligibility", __name__,
                   description="Eligibility verdicts with their clauses and citations, suggestions and quotas "
                               "(read-only).")

_NOT_FOUND = "Unknown code, or a subject outside the caller's scope (the same body for both)."
_INVALID = ("A missing or malformed argument, an unknown award code, or an award that does not apply to the "
            "subject (`errors.query.award` says which).")


def _checked(award: str, subject_type: str) -> str:
    try:
        service.check_award(award, subject_type)
    except ValidationFailed as refused:
        raise ValidationFailed(refused.message, details={"query": {"award": [refused.message]}}) from None
    return award


def _report(report) -> dict:
    return {"subject_code": report.subject_code, "subject_type": report.subject_type, "award": report.award,
            "year": report.year, "regime": report.regime, "verdict": report.verdict,
            "clauses": [{"code": c.code, "text": c.text, "citation": c.citation, "outcome": c.outcome,
                         "reason": c.reason, "reason_en": c.reason_en} for c in report.clauses]}


def _unit(code: str) -> Unit:
    # A scope is a whole subtree, so a unit the caller may see has every unit and member below it in scope.
    return get_visible_or_404(Unit, code, current_user, unit_of=lambda u: u, by="code")


@blp.route("/people/<code>/eligibility")
@blp.arguments(EligibilityArgsSchema, location="query", as_kwargs=True)
@blp.response(200, EligibilitySchema)
@blp.errors(not_found=_NOT_FOUND, invalid=_INVALID)
def person_eligibility(code: str, year: int, award: str):
    """A person's eligibility for an award

    The verdict for the emulation year under the rules in force on its last day, with every clause: its
    citation, outcome (`met`, `not_met`, `unknown`) and reason. Missing data gives `unknown` and the verdict
    `needs_information`, never `ineligible`. A person is visible when their current unit is.
    """
    person = get_visible_or_404(Person, code, current_user, by="code")
    return _report(service.person_report(person, _checked(award, service.PERSON), year))


@blp.route("/units/<code>/eligibility")
@blp.arguments(EligibilityArgsSchema, location="query", as_kwargs=True)
@blp.response(200, EligibilitySchema)
@blp.errors(not_found=_NOT_FOUND, invalid=_INVALID)
def unit_eligibility(code: str, year: int, award: str):
    """A collective's eligibility for an award

    As for a person; the collective's members are the people assigned to the unit during the year.
    """
    unit = _unit(code)
    return _report(service.unit_report(unit, _checked(award, service.UNIT), year))


@blp.route("/units/<code>/suggestions")
@blp.arguments(EligibilityYearArgsSchema, location="query", as_kwargs=True)
@blp.response(200, SuggestionSchema(many=True))
@blp.errors(not_found=_NOT_FOUND, invalid="A missing or malformed year.")
def unit_suggestions(code: str, year: int):
    """Who in a unit's subtree could be nominated for what

    Every person who worked in the unit or below it during the year, and every unit of the subtree, for
    each award that applies, where the verdict is `eligible` or `needs_information` and the award is not
    already held for that year. Award by award in voting order, the eligible first, people before collectives,
    then by name.
    """
    return service.suggestions(_unit(code), year)


@blp.route("/units/<code>/quotas")
@blp.arguments(EligibilityYearArgsSchema, location="query", as_kwargs=True)
@blp.response(200, QuotaSchema(many=True))
@blp.errors(not_found=_NOT_FOUND, invalid="A missing or malformed year.")
def unit_quotas(code: str, year: int):
    """A unit's quotas for a year

    Each quota in force on the year's last day over the unit's subtree, e.g. CSTDCS ≤ 15 % of the people
    holding LDTT under NĐ 91/2017, the limit rounded down (20 → 3); `limit` is null where the law in force
    sets none (the 2022 law). `used` counts the award held that year.
    """
    return service.quotas(_unit(code), year)
