"""The demo council: DT's 2021 council of member1…member9 (chaired by the approver's person), a closed session
whose close applied every council outcome of the demo nominations and stored its PDFs, and an open one to vote in."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from awards.councils.models import Council, CouncilSession, MemberRole, RoundState, SessionState
from awards.extensions import db as _db
from awards.nominations.models import Nomination, TransitionLog
from awards.org.models import User
from tests.integration.test_demo import demo_db  # noqa: F401 (the class-scoped seeded database)


def _user(name: str) -> User:
    return _db.session.scalar(select(User).where(User.username == name))


@pytest.mark.usefixtures("demo_db")
class TestDemoCouncil:
    def test_the_council_is_the_nine_member_accounts_chaired_by_the_approver(self):
        council = _db.session.scalar(select(Council).where(Council.year == 2021))
        assert council.unit.code == "DT"
        assert {m.person_id for m in council.members} == {_user(f"member{n}").person_id for n in range(1, 10)}
        chair = next(m for m in council.members if m.role == MemberRole.CHAIR)
        assert chair.person_id == _user("approver").person_id

    def test_the_closed_session_applied_every_outcome_and_kept_its_documents(self):
        closed = _db.session.scalar(select(CouncilSession).where(CouncilSession.state == SessionState.CLOSED))
        assert (closed.member_count, closed.present_count) == (9, 8)
        for item in closed.items:
            log = _db.session.scalar(select(TransitionLog).where(
                TransitionLog.workflow == "nomination", TransitionLog.record_id == item.nomination_id,
                TransitionLog.trigger.in_(("council_pass", "council_fail"))))
            assert log.evidence["council_session"] == closed.id and log.actor_id is None
            assert log.trigger == ("council_pass" if item.selected else "council_fail")
        assert sum(1 for i in closed.items if not i.selected) == 1
        for document in (closed.minutes, closed.tally):
            assert document.content.startswith(b"%PDF-")
            assert hashlib.sha256(document.content).hexdigest() == document.sha256

    def test_the_open_session_waits_for_the_members_ballots(self):
        session = _db.session.scalar(select(CouncilSession).where(CouncilSession.state == SessionState.OPEN))
        assert [r.state for r in session.rounds] == [RoundState.OPEN]
        awards = {i.nomination.award.code for i in session.items}
        assert "CSTDCS" in awards and all(i.nomination.state == "in_council" for i in session.items)
        assert any(i.secret for i in session.items)
        # No nomination is left in_council outside a session: the demo's secretariat scheduled them all.
        waiting = _db.session.scalars(select(Nomination.id).where(Nomination.state == "in_council")).all()
        assert sorted(waiting) == sorted(i.nomination_id for i in session.items)
