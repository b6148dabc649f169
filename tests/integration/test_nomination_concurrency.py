"""Two secretaries act on the same nomination at once, each on their own connection: exactly one wins.

PostgreSQL only: SQLite serialises writers on the whole file, so there is no race to lose. The rows are
committed for real (two connections cannot share the per-test rollback), so the test runs in a database of
its own, built by the migrations and dropped afterwards: the audit rows cannot be deleted, by design, and
must not leak into the other tests' database.
"""
from __future__ import annotations

import threading
import uuid
import warnings
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SAWarning


from awards.extensions import db
from awards.nominations import operations as ops
from awards.nominations.models import Nomination, TransitionLog
from awards.org.models import Assignment, Gender, Person, Role, RoleAssignment, Unit, UnitKind, UnitName, User, \
    YearlyRating
from tests.own_database import own_postgres_app


@pytest.fixture()
def pg():
    with own_postgres_app("concurrency") as app:
        yield app


def _setup(app) -> tuple[int, int, int]:
    tag = uuid.uuid4().hex[:8]
    with app.app_context():
        unit = Unit(code=f"CC-{tag}", kind=UnitKind.PROVINCIAL_DEPARTMENT, legal_personality=True)
        unit.names.append(UnitName(name=f"Cục {tag}", valid_from=date(2000, 1, 1)))
        person = Person(code=f"CCP-{tag}", full_name="Lê Văn Đua", gender=Gender.MALE, hire_date=date(2015, 1, 1),
                        unit=unit)
        person.assignments.append(Assignment(unit=unit, valid_from=date(2015, 1, 1)))
        users = []
        for name, role in (("prop", Role.PROPOSER), ("sec1", Role.SECRETARY), ("sec2", Role.SECRETARY)):
            user = User(username=f"{name}-{tag}", password_hash="x")
            user.roles.append(RoleAssignment(role=role, unit=unit))
            users.append(user)
        db.session.add_all([unit, person, *users, YearlyRating(person=person, year=2021, rating="HTTNV")])
        db.session.flush()
        nomination = ops.create_nomination(actor=users[0], nominee=person, award_code="LDTT", year=2021)
        ops.transition(nomination, "submit", actor=users[0])
        db.session.commit()
        return nomination.id, users[1].id, users[2].id


def test_two_secretaries_at_once_exactly_one_wins(pg):
    nomination_id, first, second = _setup(pg)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name: str, user_id: int, trigger: str, comment: str | None) -> None:
        with pg.app_context():
            try:
                nomination = db.session.get(Nomination, nomination_id)
                user = db.session.get(User, user_id)
                version = nomination.version
                barrier.wait(timeout=10)  # both have read version 1 before either writes
                ops.transition(nomination, trigger, actor=user, comment=comment, version=version)
                db.session.commit()
                outcomes[name] = "won"
            except Exception as exc:  # noqa: BLE001  (recorded: the assertion below names what the loser got)
                with warnings.catch_warnings():
                    # The storage leaves a record alone after a failed flush (SqlAlchemyStorage.restore), so the
                    # rollback must not warn that a change on the failed transaction is discarded.
                    warnings.simplefilter("error", SAWarning)
                    db.session.rollback()
                outcomes[name] = f"{type(exc).__name__}: {exc}"[:300]
            finally:
                db.session.remove()

    threads = [threading.Thread(target=act, args=("review", first, "start_review", None)),
               threading.Thread(target=act, args=("reject", second, "reject", "Hồ sơ không đạt"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()).count("won") == 1, outcomes
    loser = next(v for v in outcomes.values() if v != "won")
    assert loser.startswith(("StaleDataError", "StaleRecord")), outcomes

    with pg.app_context():
        nomination = db.session.get(Nomination, nomination_id)
        winner = next(k for k, v in outcomes.items() if v == "won")
        assert nomination.state == {"review": "in_review", "reject": "rejected"}[winner]
        assert nomination.version == 3  # created 1, submitted 2, one secretary 3
        rows = db.session.scalars(select(TransitionLog.trigger).where(
            TransitionLog.workflow == "nomination", TransitionLog.record_id == nomination_id)).all()
        assert sorted(rows) == sorted(["submit", {"review": "start_review", "reject": "reject"}[winner]])
