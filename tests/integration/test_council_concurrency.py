"""Members cast ballots at the same moment, each on their own connection: nothing is lost, nothing counts twice,
and a round closed in the middle of the voting counts exactly the ballots it accepted.

PostgreSQL only: SQLite serialises writers on the whole file, so there is no race to lose. The rows are
committed for real (threads cannot share the per-test rollback), so the tests run in a database of their own,
built by the migrations and dropped afterwards (as test_nomination_concurrency.py does).
"""
from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from awards.catalogue.models import Award
from awards.councils import operations as ops
from awards.councils.models import AgendaItem, Ballot, CouncilSession, VoterMark, VotingRound
from awards.extensions import db
from awards.nominations.models import Nomination
from awards.org.models import Assignment, Gender, Person, Role, RoleAssignment, Unit, UnitName, UnitKind, User
from tests.own_database import own_postgres_app

MEMBERS = 100
# Fewer connections than threads: the server is shared (max_connections 100) and a pool is what a real
# deployment has; the threads still race for the same rows, queueing only for a connection.
POOL = 20


@pytest.fixture(scope="module")
def pg():
    with own_postgres_app("council_concurrency", {"pool_size": POOL, "max_overflow": 0, "pool_timeout": 120}) as app:
        yield app


class Setup:
    session_id: int
    nomination_id: int
    secretary_id: int
    member_ids: list[int]  # user ids, in council order


def _setup(app, members: int = MEMBERS) -> Setup:
    """A council of ``members`` people (each with an account), an open session on one CSTDCS nomination."""
    tag = uuid.uuid4().hex[:8]
    with app.app_context():
        unit = Unit(code=f"CC-{tag}", kind=UnitKind.PROVINCIAL_DEPARTMENT, legal_personality=True)
        unit.names.append(UnitName(name=f"Cục {tag}", valid_from=date(2000, 1, 1)))
        secretary = User(username=f"sec-{tag}", password_hash="x")
        secretary.roles.append(RoleAssignment(role=Role.SECRETARY, unit=unit))
        people, users = [], []
        for i in range(members + 1):
            person = Person(code=f"{tag}-{i:03d}", full_name=f"Thành viên {i}", sort_name=f"{i:03d}",
                            gender=Gender.FEMALE, hire_date=date(2015, 1, 1), unit=unit)
            person.assignments.append(Assignment(unit=unit, valid_from=date(2015, 1, 1)))
            people.append(person)
        for person in people[:members]:
            user = User(username=f"m-{person.code}", password_hash="x", person=person)
            user.roles.append(RoleAssignment(role=Role.COUNCIL_MEMBER, unit=unit))
            users.append(user)
        db.session.add_all([unit, secretary, *people, *users])
        db.session.flush()
        award = db.session.scalar(select(Award).where(Award.code == "CSTDCS"))
        nomination = Nomination(person_id=people[-1].id, award_id=award.id, year=2021, proposing_unit_id=unit.id,
                                deciding_unit_id=unit.id, state="in_council", summary="")
        db.session.add(nomination)
        db.session.flush()
        roles = ["chair"] + ["member"] * (members - 1)
        council = ops.create_council(actor=secretary, unit=unit, year=2021, members=zip(people[:members], roles,
                                                                                         strict=True))
        session = ops.create_session(actor=secretary, council=council, held_on=date(2021, 12, 20),
                                     nomination_ids=[nomination.id])
        ops.record_attendance(actor=secretary, session=session, present_person_ids=[p.id for p in people[:members]])
        ops.open_session(actor=secretary, session=session)
        db.session.commit()
        s = Setup()
        s.session_id, s.nomination_id, s.secretary_id = session.id, nomination.id, secretary.id
        s.member_ids = [u.id for u in users]
        return s


def _cast(app, setup: Setup, user_id: int, choice: str, start: threading.Barrier, outcomes: list,
          jitter: float = 0.0) -> None:
    """One member's request: own app context, own session and connection, commit as the request cycle does."""
    with app.app_context():
        try:
            start.wait(timeout=60)
            if jitter:
                time.sleep(random.uniform(0, jitter))
            session = db.session.get(CouncilSession, setup.session_id)
            user = db.session.get(User, user_id)
            ops.cast_ballot(actor=user, session=session, round_number=1, votes={str(setup.nomination_id): choice})
            db.session.commit()
            outcomes.append((user_id, "accepted"))
        except Exception as exc:  # noqa: BLE001  (recorded: the assertions name what each thread got)
            db.session.rollback()
            outcomes.append((user_id, type(exc).__name__))
        finally:
            db.session.remove()


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not [t for t in threads if t.is_alive()], "a voter never finished"


def _stored(app, setup: Setup) -> tuple[Counter, Counter]:
    """(marks per member id, ballot choices) of round 1, read afresh."""
    with app.app_context():
        marks = Counter(db.session.scalars(select(VoterMark.member_id).where(
            VoterMark.session_id == setup.session_id, VoterMark.round_number == 1)))
        choices = Counter(b.choices.get(str(setup.nomination_id), "blank") for b in db.session.scalars(
            select(Ballot).where(Ballot.session_id == setup.session_id, Ballot.round_number == 1)))
        db.session.remove()
        return marks, choices


def _close_round(app, setup: Setup) -> AgendaItem:
    with app.app_context():
        session = db.session.get(CouncilSession, setup.session_id)
        ops.close_round(actor=db.session.get(User, setup.secretary_id), session=session)
        db.session.commit()
        item = session.items[0]
        db.session.expunge_all()
        db.session.remove()
        return item


def test_a_hundred_members_at_once_lose_nothing_and_count_once(pg):
    setup = _setup(pg)
    start = threading.Barrier(MEMBERS)
    outcomes: list = []
    # The first 83 say yes: 83 of 100 reaches 4/5, and any lost or doubled ballot changes the count.
    threads = [threading.Thread(target=_cast, args=(pg, setup, uid, "yes" if i < 83 else "no", start, outcomes))
               for i, uid in enumerate(setup.member_ids)]
    _run(threads)
    assert Counter(result for _uid, result in outcomes) == {"accepted": MEMBERS}, outcomes
    marks, choices = _stored(pg, setup)
    assert len(marks) == MEMBERS and set(marks.values()) == {1}
    assert choices == {"yes": 83, "no": 17}
    item = _close_round(pg, setup)
    assert (item.yes, item.no, item.passed) == (83, 17, True)


def test_the_same_member_twice_at_once_leaves_one_ballot(pg):
    setup = _setup(pg, members=10)
    start = threading.Barrier(20)
    outcomes: list = []
    threads = [threading.Thread(target=_cast, args=(pg, setup, uid, choice, start, outcomes))
               for uid in setup.member_ids for choice in ("yes", "no")]
    _run(threads)
    per_member = Counter(uid for uid, result in outcomes if result == "accepted")
    assert per_member == dict.fromkeys(setup.member_ids, 1), outcomes
    assert Counter(result for _uid, result in outcomes) == {"accepted": 10, "AlreadyVoted": 10}, outcomes
    marks, choices = _stored(pg, setup)
    assert len(marks) == 10 and sum(choices.values()) == 10


def test_a_round_closed_during_the_voting_counts_exactly_what_it_accepted(pg):
    setup = _setup(pg, members=60)
    start = threading.Barrier(61)
    outcomes: list = []
    closed: dict = {}

    def close() -> None:
        with pg.app_context():
            try:
                start.wait(timeout=60)
                time.sleep(0.5)  # early in the casts, which are spread over 3 s
                session = db.session.get(CouncilSession, setup.session_id)
                ops.close_round(actor=db.session.get(User, setup.secretary_id), session=session)
                db.session.commit()
                closed["ok"] = True
            except Exception as exc:  # noqa: BLE001
                db.session.rollback()
                closed["error"] = repr(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=_cast, args=(pg, setup, uid, "yes", start, outcomes, 3.0))
               for uid in setup.member_ids]
    threads.append(threading.Thread(target=close))
    _run(threads)
    assert closed == {"ok": True}
    results = Counter(result for _uid, result in outcomes)
    # Both sides of the race happened: ballots before the close were taken, ballots after it refused.
    assert set(results) == {"accepted", "RoundClosed"}, outcomes
    accepted = {uid for uid, result in outcomes if result == "accepted"}
    marks, choices = _stored(pg, setup)
    with pg.app_context():
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.session_id == setup.session_id))
        counts = db.session.scalar(select(VotingRound.counts).where(VotingRound.session_id == setup.session_id))
        members = {m.member_id: m for m in db.session.scalars(select(VoterMark).where(
            VoterMark.session_id == setup.session_id))}
        voted_users = set(db.session.scalars(select(User.id).join(Person, User.person_id == Person.id).where(
            Person.id.in_([m.member.person_id for m in members.values()]))))
        late = db.session.scalar(select(func.count()).select_from(Ballot).where(
            Ballot.session_id == setup.session_id))
        db.session.remove()
    # Every accepted ballot is marked and counted; no refused one is.
    assert voted_users == accepted
    assert len(marks) == sum(choices.values()) == late == len(accepted) == item.yes
    assert counts[str(item.id)]["yes"] == len(accepted)


def test_a_ballot_whose_round_was_read_before_the_close_is_refused(pg):
    """The ballot page reads the current round, then casts: if the round closes in between, the cast must see it
    closed (a stale copy of the round in the request's session would take a ballot the count never sees)."""
    setup = _setup(pg, members=3)
    read, closed = threading.Event(), threading.Event()
    outcome: dict = {}

    def member() -> None:
        with pg.app_context():
            try:
                session = db.session.get(CouncilSession, setup.session_id)
                assert ops.current_round(session).state == "open"  # what the page shows and checks
                read.set()
                closed.wait(timeout=30)
                user = db.session.get(User, setup.member_ids[0])
                ops.cast_ballot(actor=user, session=session, round_number=1, votes={str(setup.nomination_id): "yes"})
                db.session.commit()
                outcome["result"] = "accepted"
            except Exception as exc:  # noqa: BLE001
                db.session.rollback()
                outcome["result"] = type(exc).__name__
            finally:
                db.session.remove()

    thread = threading.Thread(target=member)
    thread.start()
    assert read.wait(timeout=30)
    item = _close_round(pg, setup)
    closed.set()
    thread.join(timeout=60)
    assert outcome == {"result": "RoundClosed"}
    marks, choices = _stored(pg, setup)
    assert (len(marks), sum(choices.values()), item.yes) == (0, 0, 0)
