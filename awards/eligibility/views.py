"""Eligibility pages: each award's verdict with its clauses for a person or a collective, a unit's suggestions
and quota meters. The sections on the person and unit pages come from the helpers this module gives every
template; the full pages add the year choice. The rules run in ``service`` (loader + pure engine); this
module only picks the year, checks scope and shapes the reports for display.

The only Flask module in ``awards.eligibility``: the rules themselves stay pure.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from awards.catalogue.models import Award
from awards.eligibility import service
from awards.eligibility.engine import Report
from awards.eligibility.rules import REGIME_NAMES
from awards.extensions import db
from awards.org.models import Person, Unit, YearlyRating
from awards.org.permissions import get_visible_or_404, subtree_ids
from awards.org.queries import current_year_label

bp = Blueprint("eligibility", __name__)

YEAR_MIN, YEAR_MAX = 1990, 2100
VERDICTS = {  # label, Bootstrap colour
    "eligible": (_l("Đủ điều kiện"), "success"),
    "ineligible": (_l("Không đủ điều kiện"), "danger"),
    "needs_information": (_l("Cần bổ sung thông tin"), "secondary"),
}
OUTCOMES = {
    "met": (_l("Đạt"), "success"),
    "not_met": (_l("Không đạt"), "danger"),
    "unknown": (_l("Chưa rõ"), "secondary"),
}
SUGGESTIONS_SHOWN = 20  # on the unit page; the full page lists them all


@dataclass(frozen=True)
class Shown:
    """One report with what the page prints beside it: the award's name and the regime's name."""

    report: Report
    award_name: str
    regime_name: str


@dataclass(frozen=True)
class Section:
    year: int
    years: list[int]          # years offered in the chooser, latest first
    reports: list[Shown]


def _locale_index() -> int:
    """0 for Vietnamese texts, 1 for English (reports and regime names carry both)."""
    locale = get_locale()
    return 1 if locale is not None and locale.language == "en" else 0


def _award_names() -> dict[str, str]:
    en = _locale_index() == 1
    return {a.code: (a.name_en if en else a.name_vi) for a in db.session.scalars(select(Award))}


def _shown(reports: list[Report]) -> list[Shown]:
    names, i = _award_names(), _locale_index()
    return [Shown(r, names.get(r.award, r.award), REGIME_NAMES.get(r.regime, (r.regime, r.regime))[i])
            for r in reports]


def _rated_years(where) -> list[int]:
    return list(db.session.scalars(select(YearlyRating.year).where(where).distinct()
                                   .order_by(YearlyRating.year.desc())))


def _person_years(person: Person) -> list[int]:
    return _rated_years(YearlyRating.person_id == person.id)


def _unit_years(unit: Unit) -> list[int]:
    """Years in which the unit, or anyone now working in it or below it, was rated."""
    people = select(Person.id).where(Person.unit_id.in_(subtree_ids([unit.id])))
    return _rated_years(or_(YearlyRating.unit_id == unit.id, YearlyRating.person_id.in_(people)))


def chosen_year(rated: list[int], asked: int | None = None) -> int:
    """The year asked for; else the year before the current emulation year if it has ratings (the year being
    considered for awards), else the latest year with ratings, else the year before the current one."""
    if asked is not None and YEAR_MIN <= asked <= YEAR_MAX:
        return asked
    previous = current_year_label() - 1
    if previous in rated or not rated:
        return previous
    return rated[0]


def _years_offered(rated: list[int], year: int) -> list[int]:
    previous = current_year_label() - 1
    return sorted(set(rated) | {year, previous}, reverse=True)


def person_section(person: Person, asked: int | None = None) -> Section:
    rated = _person_years(person)
    year = chosen_year(rated, asked)
    return Section(year, _years_offered(rated, year), _shown(service.person_reports(person, year)))


def unit_section(unit: Unit, asked: int | None = None) -> Section:
    rated = _unit_years(unit)
    year = chosen_year(rated, asked)
    return Section(year, _years_offered(rated, year), _shown(service.unit_reports(unit, year)))


def _asked_year() -> int | None:
    return request.args.get("year", type=int)


@bp.app_context_processor
def _eligibility_helpers() -> dict:
    # App-wide: the person and unit pages (org blueprint) include templates/eligibility/_*.html.
    return {"person_eligibility": person_section, "unit_eligibility": unit_section,
            "eligibility_suggestions": service.suggestions, "eligibility_quotas": service.quotas,
            "verdict_labels": VERDICTS, "outcome_labels": OUTCOMES, "suggestions_shown": SUGGESTIONS_SHOWN,
            "award_names": _award_names}


@bp.route("/people/<code>/eligibility")
@login_required
def person_page(code: str):
    person = get_visible_or_404(Person, code, current_user, by="code")
    section = person_section(person, _asked_year())
    return render_template("eligibility/person.html", person=person, section=section)


@bp.route("/units/<code>/eligibility")
@login_required
def unit_page(code: str):
    unit = get_visible_or_404(Unit, code, current_user, unit_of=lambda u: u, by="code")
    section = unit_section(unit, _asked_year())
    return render_template("eligibility/unit.html", unit=unit, section=section,
                           suggestions=service.suggestions(unit, section.year),
                           quotas=service.quotas(unit, section.year))
