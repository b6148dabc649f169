"""The demo's initiatives and award history: deterministic, written as planned, consistent with the facts."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import select

from awards.decisions.models import DecisionItem

from awards.catalogue.models import Award, AwardHolding
from awards.extensions import db as _db
from awards.initiatives import demo as initiatives_demo
from awards.initiatives.models import Initiative, InitiativeScope
from awards.org import demo
from awards.org.models import EmulationYear, Person, RatingLevel, YearlyRating
from tests.integration.test_demo import ROOT, demo_db  # noqa: F401 (the class-scoped seeded database)


def _plan() -> initiatives_demo.InitiativesPlan:
    return initiatives_demo.build_initiatives_plan(demo.build_plan())


def test_the_plan_is_the_same_in_every_process():
    hash_seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    code = ("from awards.org.demo import build_plan; from awards.initiatives.demo import build_initiatives_plan; "
            "print(build_initiatives_plan(build_plan()).digest())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": hash_seed},
                         capture_output=True, text=True, check=True)
    here = _plan().digest()
    assert out.stdout.strip() == here
    # The digest sees the content: another organisation gives other initiatives and holdings.
    assert initiatives_demo.build_initiatives_plan(demo.build_plan(seed=demo.SEED + 1)).digest() != here


@pytest.mark.usefixtures("demo_db")
class TestSeeded:
    def test_the_database_holds_the_plan(self):
        # The demo's decisions (awards/decisions/demo.py) then grant some of the same 2021 awards: their holdings
        # carry the new decision's number. Those subjects are compared apart from the imported plan.
        decided = set()
        for item in _db.session.scalars(select(DecisionItem).where(DecisionItem.revokes_item_id.is_(None))):
            subject = ("person", item.person.code) if item.person_id else ("unit", item.unit.code)
            decided.add("|".join(["holding", *subject, str(item.decision.award_year), item.award.code]))

        def imported(lines):
            return [line for line in lines if "|".join(line.split("|")[:5]) not in decided]

        assert decided and imported(initiatives_demo.database_canonical()) == imported(_plan().canonical())

    def _held(self) -> dict[tuple[str, int], set[str]]:
        held: dict[tuple[str, int], set[str]] = {}
        for code, year, award in _db.session.execute(
                select(Person.code, AwardHolding.year, Award.code)
                .join(Person, Person.id == AwardHolding.person_id).join(Award, Award.id == AwardHolding.award_id)):
            held.setdefault((code, year), set()).add(award)
        return held

    def test_ldtt_goes_to_people_rated_well_and_not_disciplined(self):
        held = self._held()
        ratings = {(p, y): r for p, y, r in _db.session.execute(
            select(Person.code, YearlyRating.year, YearlyRating.rating)
            .join(Person, Person.id == YearlyRating.person_id))}
        ldtt = {key for key, awards in held.items() if "LDTT" in awards}
        assert ldtt and all(ratings[key].rank >= RatingLevel.HTTNV.rank for key in ldtt)
        well_rated = {key for key, rating in ratings.items() if rating.rank >= RatingLevel.HTTNV.rank}
        assert len(ldtt) > 0.9 * len(well_rated)  # most, not all: discipline and complaints hold some back
        for person in _db.session.scalars(select(Person).where(Person.disciplines.any())):
            for d in person.disciplines:
                for year in (2019, 2020, 2021):
                    start, end = EmulationYear.default_bounds(year)
                    if d.start_date <= end and (d.end_date is None or d.end_date >= start):
                        assert (person.code, year) not in ldtt
        complainant = _db.session.scalar(select(Person.code).where(Person.complaint_pending.is_(True)))
        assert (complainant, 2021) not in ldtt

    def test_every_cstdcs_is_backed_by_an_initiative_of_the_year_recorded_as_its_use(self):
        held = self._held()
        cstdcs = sorted(key for key, awards in held.items() if "CSTDCS" in awards)
        assert len(cstdcs) >= 5
        for code, year in cstdcs:
            assert "LDTT" in held[(code, year)]
            backing = [i for i in _db.session.scalars(select(Initiative).where(Initiative.year == year))
                       if i.use is not None and i.use.person.code == code]
            assert len(backing) == 1 and backing[0].use.award.code == "CSTDCS"
            assert backing[0].authors[0].person.code == code and backing[0].scope is InitiativeScope.BASE

    def test_some_base_initiatives_of_2020_and_2021_are_left_unused(self):
        for year in (2020, 2021):
            unused = [i for i in _db.session.scalars(select(Initiative).where(Initiative.year == year))
                      if i.use is None and i.scope is InitiativeScope.BASE]
            assert unused, year

    def test_one_person_is_a_cstd_bo_candidate(self):
        star = _plan().star
        held = self._held()
        assert all("CSTDCS" in held[(star, year)] for year in (2019, 2020, 2021))
        ministry = _db.session.scalars(select(Initiative).where(Initiative.scope == InitiativeScope.MINISTRY)).all()
        assert [(i.year, i.authors[0].person.code, i.use) for i in ministry] == [(2021, star, None)]
        assert ministry[0].decision_date == date(2021, 9, 20)

    def test_some_branches_hold_ttldtt(self):
        units = _db.session.execute(select(AwardHolding.year, AwardHolding.unit_id)
                                    .where(AwardHolding.unit_id.is_not(None))).all()
        assert {year for year, _unit in units} == {2019, 2020, 2021}
        assert len(units) >= 10
