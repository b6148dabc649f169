"""The loader: parameters and facts built from the database, in a number of statements that does not grow."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from awards.catalogue.models import Award, AwardHolding, Parameter
from awards.eligibility import loader
from awards.eligibility.facts import DisciplineFact, InitiativeFact, MetricFact
from awards.eligibility.parameters import Parameters
from awards.initiatives.models import Initiative, InitiativeAuthor, InitiativeScope, InitiativeUse
from awards.metrics.models import MetricReport, MetricTarget
from awards.org import operations as ops
from awards.org.models import DisciplineLevel, RatingLevel
from tests.factories import make_person
from tests.api_checks import count_statements


def award_id(db, code: str) -> int:
    return db.session.scalar(select(Award.id).where(Award.code == code))


def hold(db, subject, code: str, year: int, *, revoked: bool = False) -> AwardHolding:
    from awards.org.models import Person

    by = {"person_id": subject.id} if isinstance(subject, Person) else {"unit_id": subject.id}
    row = AwardHolding(year=year, award_id=award_id(db, code), revoked=revoked, **by)
    db.session.add(row)
    db.session.flush()
    return row


def initiative(db, code: str, unit, year: int, authors=(), *, scope=InitiativeScope.BASE,
               state: str = "recognised") -> Initiative:
    row = Initiative(code=code, title=f"Sáng kiến {code}", unit=unit, year=year, scope=scope, state=state)
    for position, person in enumerate(authors):
        row.authors.append(InitiativeAuthor(person=person, position=position))
    db.session.add(row)
    db.session.flush()
    return row


def use(db, item: Initiative, code: str, year: int, *, person=None, unit=None) -> InitiativeUse:
    row = InitiativeUse(initiative=item, award_id=award_id(db, code), year=year,
                        person_id=person.id if person else None, unit_id=unit.id if unit else None)
    db.session.add(row)
    db.session.flush()
    return row


def report(db, month: int, enforceable: int, completed: int, *, year: int = 2021, **subject) -> None:
    db.session.add(MetricReport(year=year, month=month, **subject, cases_received=enforceable,
                                cases_enforceable=enforceable, cases_completed=completed,
                                money_received=enforceable * 10, money_enforceable=enforceable * 10,
                                money_completed=completed * 5))
    db.session.flush()


# --- parameters and years ---------------------------------------------------------------------------------

def test_parameters_from_the_table_are_the_standard_ones_with_their_citations(db):
    loaded, standard = loader.load_parameters(), Parameters.standard()
    quota = "quota.CSTDCS.share_of_LDTT"
    for key, on in [(quota, date(2021, 9, 30)), (quota, date(2024, 9, 30)), ("base_salary", date(2021, 9, 30)),
                    ("TTLDTT.ldtt_share", date(2024, 9, 30))]:
        assert loaded.entry(key, on) == standard.entry(key, on)
    assert loaded.entry("quota.CSTDCS.share_of_LDTT", date(2021, 9, 30)).citation == "Điều 14 khoản 1, 91/2017/NĐ-CP"


def test_an_edited_parameter_is_what_the_rules_read(db):
    row = db.session.scalar(select(Parameter).where(Parameter.key == "exclusion.min_service_months",
                                                    Parameter.effective_to.is_(None)))
    row.value = 8
    db.session.flush()
    assert loader.load_parameters().at("exclusion.min_service_months", date(2024, 9, 30)) == 8


def test_year_bounds_as_recorded_or_thads_by_default(db):
    ops.ensure_year(2022, date(2022, 1, 1), date(2022, 12, 31))
    bounds = loader.year_bounds([2021, 2022])
    assert bounds[2021] == (date(2020, 10, 1), date(2021, 9, 30))
    assert bounds[2022] == (date(2022, 1, 1), date(2022, 12, 31))
    assert loader.load(2022, person_ids=[]).year_end == date(2022, 12, 31)


# --- person facts -----------------------------------------------------------------------------------------

def test_person_facts_from_the_database(db, org):
    person = make_person(org.dt_a, "P1", full_name="Nguyễn Thị Lan", since=date(2016, 3, 1),
                         complaint_pending=True)
    other = make_person(org.dt_a, "P2")
    ops.set_rating(2020, RatingLevel.HTXSNV, person=person)
    ops.set_rating(2021, RatingLevel.HTTNV, person=person)
    ops.set_rating(2012, RatingLevel.KHTNV, person=person)  # before the window: not read
    hold(db, person, "LDTT", 2020)
    hold(db, person, "CSTDCS", 2020)
    hold(db, person, "LDTT", 2021)
    hold(db, person, "CSTDCS", 2021, revoked=True)   # revoked: not held
    ops.record_discipline(person, DisciplineLevel.KHIEN_TRACH, date(2021, 2, 1), date(2021, 8, 1))
    ops.record_discipline(person, DisciplineLevel.CANH_CAO, date(2010, 1, 1), date(2010, 12, 31))  # long over
    initiative(db, "SK-1", org.dt_a, 2021, [person, other])
    theirs = initiative(db, "SK-2", org.dt_a, 2021, [other, person], scope=InitiativeScope.MINISTRY)
    use(db, theirs, "CSTDCS", 2021, person=other)
    initiative(db, "SK-3", org.dt_a, 2021, [person], state="rejected")
    report(db, 6, 100, 70, person_id=person.id)
    report(db, 9, 200, 170, person_id=person.id)       # September is the last month of the year
    report(db, 12, 50, 10, person_id=person.id)        # December comes before September
    db.session.add(MetricTarget(person_id=person.id, year=2021, case_target_pct=Decimal("80.00"),
                                money_target_pct=Decimal("40.00")))

    batch = loader.load(2021, person_ids=[person.id])
    facts = batch.people[person.id]
    assert (facts.code, facts.full_name, facts.gender, facts.hire_date, facts.unit_code) == (
        "P1", "Nguyễn Thị Lan", "female", date(2016, 3, 1), "DT-A")
    assert facts.ratings == {2020: "HTXSNV", 2021: "HTTNV"}
    assert facts.awards == {2020: frozenset({"LDTT", "CSTDCS"}), 2021: frozenset({"LDTT"})}
    assert facts.disciplines == (DisciplineFact("khien_trach", 1, date(2021, 2, 1), date(2021, 8, 1)),)
    assert (facts.complaint_pending, facts.investigation_pending) == (True, False)
    assert facts.initiatives == (
        InitiativeFact("SK-1", "Sáng kiến SK-1", 2021, "base", None),
        InitiativeFact("SK-2", "Sáng kiến SK-2", 2021, "ministry", "CSTDCS 2021 (P2)"),
        InitiativeFact("SK-3", "Sáng kiến SK-3", 2021, None, None),   # not recognised: no scope
    )
    assert facts.metrics == {2021: MetricFact(Decimal("85"), Decimal("42.5"), Decimal("80.00"),
                                              Decimal("40.00"))}
    assert other.id not in batch.people


def test_an_initiative_used_for_the_award_evaluated_counts_as_available(db, org):
    person = make_person(org.dt_a, "P1")
    item = initiative(db, "SK-1", org.dt_a, 2021, [person])
    use(db, item, "CSTDCS", 2021, person=person)
    batch = loader.load(2021, person_ids=[person.id])
    facts = batch.people[person.id]
    assert facts.initiatives[0].used_for == "CSTDCS 2021 (P1)"
    assert batch.for_award(facts, "CSTDCS").initiatives[0].used_for is None   # the very nomination it supports
    assert batch.for_award(facts, "BK_BO").initiatives[0].used_for == "CSTDCS 2021 (P1)"   # another award
    assert loader.load(2022, person_ids=[person.id]).for_award(
        facts, "CSTDCS").initiatives[0].used_for == "CSTDCS 2021 (P1)"                         # another year


def test_the_unit_of_a_person_is_the_one_at_the_end_of_the_year(db, org):
    person = make_person(org.dt_a, "P1", since=date(2015, 1, 1))
    ops.assign(person, org.dt_b, date(2021, 3, 1))
    ops.assign(person, org.th_a, date(2022, 3, 1))
    assert loader.load(2021, person_ids=[person.id]).people[person.id].unit_code == "DT-B"
    assert loader.load(2023, person_ids=[person.id]).people[person.id].unit_code == "TH-A"


# --- unit facts -------------------------------------------------------------------------------------------

def test_unit_facts_members_by_year_and_rolled_up_figures(db, org):
    make_person(org.dt_a, "P1", since=date(2015, 1, 1))
    leaves = make_person(org.dt_a, "P2", since=date(2015, 1, 1))
    ops.assign(leaves, org.dt_b, date(2021, 3, 1))          # worked in DT-A in 2021, not in 2022
    arrives = make_person(org.dt_b, "P3", since=date(2015, 1, 1))
    ops.assign(arrives, org.dt_a, date(2021, 10, 1))        # first day of emulation year 2022
    ops.set_rating(2021, RatingLevel.HTXSNV, unit=org.dt)
    hold(db, org.dt, "TTLDTT", 2020)
    ops.rename_unit(org.dt, "Thi hành án dân sự tỉnh Đồng Tháp", date(2025, 7, 1))
    report(db, 9, 100, 80, unit_id=org.dt_a.id)
    report(db, 9, 300, 150, unit_id=org.dt_b.id)
    report(db, 8, 1000, 1000, unit_id=org.dt.id)            # the province's own, an earlier month: not summed
    db.session.add(MetricTarget(unit_id=org.dt.id, year=2021, case_target_pct=Decimal("81.50"),
                                money_target_pct=Decimal("40.10")))
    initiative(db, "SK-U", org.dt, 2021)

    batch = loader.load(2022, unit_ids=[org.dt.id, org.dt_a.id])
    dt_a = batch.units[org.dt_a.id]
    assert {p.code for p in dt_a.members[2021]} == {"P1", "P2"}
    assert {p.code for p in dt_a.members[2022]} == {"P1", "P3"}
    assert {p.code for p in batch.people.values()} == {"P1", "P2", "P3"}
    dt = batch.units[org.dt.id]
    assert dt.members == {}                                  # people of the branches are the branches' members
    assert dt.ratings == {2021: "HTXSNV"} and dt.awards == {2020: frozenset({"TTLDTT"})}
    assert dt.name == "Cục Thi hành án dân sự tỉnh Đồng Tháp"   # the name at the end of 2022
    assert dt.metrics[2021] == MetricFact(Decimal("57.50"), Decimal("28.75"), Decimal("81.50"), Decimal("40.10"))
    assert dt.cluster_rank == {}
    assert [i.code for i in dt.initiatives] == ["SK-U"]
    later = loader.load(2026, unit_ids=[org.dt.id]).units[org.dt.id]
    assert later.name == "Thi hành án dân sự tỉnh Đồng Tháp"


# --- statements -------------------------------------------------------------------------------------------

def _populate(db, org, n: int) -> list:
    people = []
    for i in range(n):
        person = make_person(org.dt_a if i % 2 else org.dt_b)
        ops.set_rating(2021, RatingLevel.HTTNV, person=person)
        hold(db, person, "LDTT", 2020)
        ops.record_discipline(person, DisciplineLevel.KHIEN_TRACH, date(2021, 1, 1))
        initiative(db, f"SK-{person.code}", person.unit, 2021, [person])
        report(db, 9, 10, 5, person_id=person.id)
        people.append(person)
    return people


@pytest.mark.parametrize("subjects", ["people", "units"])
def test_statements_do_not_grow_with_the_number_of_subjects(db, org, subjects):
    def statements(n: int) -> int:
        ids = [p.id for p in _populate(db, org, n)]
        db.session.expire_all()
        with count_statements(db) as seen:
            if subjects == "people":
                batch = loader.load(2021, person_ids=ids)
                assert len(batch.people) == len(ids)
            else:
                batch = loader.load(2021, unit_ids=[org.dt_a.id, org.dt_b.id])
                assert sum(len(u.members[2021]) for u in batch.units.values()) >= n
        return len(seen)

    few = statements(3)
    many = statements(30)
    assert few == many
