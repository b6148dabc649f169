"""Fifty decisions of one issuer issued at the same moment, each on its own connection: fifty consecutive numbers.

PostgreSQL only (SQLite serialises writers on the whole file, so there is no race to lose). The decisions are
committed for real, so the test runs in a database of its own, built by the migrations and dropped afterwards.
Half of the issuers' transactions are made to fail after taking their number in a second round: the numbers
they held come back, and the survivors still get consecutive numbers with no gap.
"""
from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from awards.decisions import operations as ops
from awards.decisions.models import Decision, DecisionSequence, DecisionState
from awards.extensions import db
from awards.nominations import operations as nominations
from awards.org.models import Assignment, Gender, Person, Role, RoleAssignment, Unit, UnitKind, UnitName, User, \
    YearlyRating
from tests.own_database import own_postgres_app

COUNT = 50


@pytest.fixture()
def pg():
    with own_postgres_app("decisions", {"pool_size": COUNT + 5, "max_overflow": 5}) as app:
        yield app


def _setup(app, count: int) -> tuple[int, int, list[int]]:
    """An issuer with ``count`` draft decisions of one approved LĐTT nomination each; (issuer, hr, decision ids)."""
    tag = uuid.uuid4().hex[:8]
    with app.app_context():
        unit = Unit(code=f"DC-{tag}", kind=UnitKind.PROVINCIAL_DEPARTMENT, legal_personality=True,
                    document_code="CTHADS", place="Đồng Tháp")
        unit.names.append(UnitName(name=f"Cục Thi hành án dân sự {tag}", valid_from=date(2000, 1, 1)))
        users = {}
        for name, role in (("prop", Role.PROPOSER), ("appr", Role.APPROVER), ("hr", Role.HR)):
            users[name] = User(username=f"{name}-{tag}", password_hash="x")
            users[name].roles.append(RoleAssignment(role=role, unit=unit))
        signer = Person(code=f"SG-{tag}", full_name="Nguyễn Văn Lợi", gender=Gender.MALE, position="Cục trưởng",
                        unit=unit)
        db.session.add_all([unit, signer, *users.values()])
        decision_ids = []
        for i in range(count):
            person = Person(code=f"P{i}-{tag}", full_name=f"Trần Thị Mai {i}", gender=Gender.FEMALE,
                            hire_date=date(2015, 1, 1), unit=unit)
            person.assignments.append(Assignment(unit=unit, valid_from=date(2015, 1, 1)))
            db.session.add_all([person, YearlyRating(person=person, year=2021, rating="HTTNV")])
            db.session.flush()
            nomination = nominations.create_nomination(actor=users["prop"], nominee=person, award_code="LDTT",
                                                       year=2021)
            nomination.state = "council_passed"  # the path there is the nominations module's (tested there)
            db.session.flush()
            nominations.transition(nomination, "approve", actor=users["appr"])
            decision = ops.create_decision(actor=users["hr"], issuer=unit, decided_on=date(2022, 1, 10),
                                           nomination_ids=[nomination.id], signer=signer)
            decision_ids.append(decision.id)
        db.session.commit()
        return unit.id, users["hr"].id, decision_ids


def _issue_all(app, hr_id: int, decision_ids: list[int], fail: set[int] = frozenset()) -> dict[int, object]:
    barrier = threading.Barrier(len(decision_ids))
    outcomes: dict[int, object] = {}

    def act(decision_id: int) -> None:
        with app.app_context():
            try:
                decision = db.session.get(Decision, decision_id)
                hr = db.session.get(User, hr_id)
                barrier.wait()
                ops.issue(decision, actor=hr)
                if decision_id in fail:
                    raise RuntimeError("the request failed after taking its number")
                db.session.commit()
                outcomes[decision_id] = decision.number
            except Exception as exc:  # noqa: BLE001  (each outcome is checked below)
                db.session.rollback()
                outcomes[decision_id] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=(i,)) for i in decision_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes


def test_fifty_concurrent_issues_get_fifty_consecutive_numbers(pg):
    issuer_id, hr_id, decision_ids = _setup(pg, COUNT)
    outcomes = _issue_all(pg, hr_id, decision_ids)
    assert sorted(outcomes.values()) == list(range(1, COUNT + 1)), outcomes
    with pg.app_context():
        rows = db.session.execute(select(Decision.number, Decision.state).where(Decision.issuer_id == issuer_id)).all()
        assert sorted(n for n, _ in rows) == list(range(1, COUNT + 1))
        assert {s for _, s in rows} == {DecisionState.ISSUED}
        assert db.session.get(DecisionSequence, (issuer_id, 2022)).last_number == COUNT


def test_fifty_concurrent_issue_requests_through_the_api_get_fifty_consecutive_numbers(pg):
    """The same race as the users make it: fifty ``POST /api/v1/decisions/<id>/issue`` at once, one commit each."""
    from tests.api_checks import token_for

    issuer_id, hr_id, decision_ids = _setup(pg, COUNT)
    with pg.app_context():
        token = token_for(db.session.get(User, hr_id))
        db.session.commit()
    barrier = threading.Barrier(COUNT)
    answers: dict[int, tuple[int, dict]] = {}

    def call(decision_id: int) -> None:
        client = pg.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/decisions/{decision_id}/issue", json={},
                               headers={"Authorization": f"Bearer {token}"})
        answers[decision_id] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=call, args=(i,)) for i in decision_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert {status for status, _ in answers.values()} == {200}, answers
    assert sorted(body["number"] for _, body in answers.values()) == list(range(1, COUNT + 1))
    with pg.app_context():
        assert sorted(db.session.scalars(select(Decision.number).where(Decision.issuer_id == issuer_id))) == \
            list(range(1, COUNT + 1))
        assert db.session.get(DecisionSequence, (issuer_id, 2022)).last_number == COUNT


def test_numbers_held_by_failed_issues_come_back_without_a_gap(pg):
    issuer_id, hr_id, decision_ids = _setup(pg, 20)
    failing = set(decision_ids[::2])
    outcomes = _issue_all(pg, hr_id, decision_ids, fail=failing)
    assert all(isinstance(outcomes[i], RuntimeError) for i in failing)
    assert sorted(v for k, v in outcomes.items() if k not in failing) == list(range(1, 11))
    with pg.app_context():
        assert db.session.scalar(select(func.max(Decision.number)).where(Decision.issuer_id == issuer_id)) == 10
        assert db.session.scalar(select(func.count()).select_from(Decision).where(
            Decision.issuer_id == issuer_id, Decision.state == DecisionState.DRAFT)) == 10
        assert db.session.get(DecisionSequence, (issuer_id, 2022)).last_number == 10
