"""The demo's council: the 2021 Hội đồng Thi đua - Khen thưởng of Cục THADS Đồng Tháp and two of its sessions.

- The members are the people of the demo users ``member1`` … ``member9``; ``member1`` (the Cục trưởng, also the
  ``approver``'s person) chairs, the deputies are vice-chairs, the head of personnel is the council's secretary.
- ``hold_2021_session`` (called by the nominations demo with every nomination that reaches a council) runs a real
  session on 28/12/2021: eight members present, ``member9`` absent with a written vote, secret ballots or a show of
  hands as the catalogue says, one round; closing it applies the outcomes through the engine and stores the minutes
  and the tally PDFs.
- ``open_2022_session`` puts the proposer's CSTDCS 2021 candidate (and the LDTT still waiting) on the agenda of a
  session on 14/01/2022, opened with all nine present and round 1 open: sign in as ``member1`` … ``member9`` to vote.
Only ``awards.councils.operations`` and ``awards.nominations.operations`` are used: nothing a user could not do.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from awards.councils import operations as ops
from awards.councils.models import Council, CouncilKind, CouncilSession
from awards.extensions import db
from awards.nominations import operations as nominations
from awards.nominations.models import Nomination
from awards.org.models import Person, Unit, User

YEAR = 2021
PLACE = "Hội trường Cục Thi hành án dân sự tỉnh Đồng Tháp"
CLOSED_ON, OPEN_ON = date(2021, 12, 28), date(2022, 1, 14)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
CANDIDATE = "DT-0133"  # has an unused 2021 base initiative (awards/initiatives/demo.py LAPVO_CANDIDATE)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _role(person: Person, index: int) -> str:
    if index == 0:
        return "chair"
    position = (person.position or "").lower()
    if position.startswith("phó cục trưởng"):
        return "vice_chair"
    if person.unit is not None and person.unit.code == "DT-TCCB":
        return "secretary"
    return "member"


def _council() -> Council:
    found = db.session.scalar(select(Council).where(Council.year == YEAR, Council.kind == CouncilKind.AWARDS))
    if found is not None:
        return found
    people = [_user(f"member{n}").person for n in range(1, 10)]
    unit = db.session.scalar(select(Unit).where(Unit.code == "DT"))
    return ops.create_council(actor=_user("secretary"), unit=unit, year=YEAR,
                              members=[(p, _role(p, i)) for i, p in enumerate(people)],
                              name="Hội đồng Thi đua - Khen thưởng Cục Thi hành án dân sự tỉnh Đồng Tháp")


def hold_2021_session(outcomes: dict[Nomination, bool]) -> CouncilSession:
    """Vote every nomination in ``outcomes`` to its intended result (True = passes) and close the session."""
    secretary, council = _user("secretary"), _council()
    members = [_user(f"member{n}") for n in range(1, 10)]
    session = ops.create_session(actor=secretary, council=council, held_on=CLOSED_ON, place=PLACE,
                                 number="01/BB-HĐTĐKT", nomination_ids=[n.id for n in outcomes])
    ops.record_attendance(actor=secretary, session=session, present_person_ids=[m.person_id for m in members[:8]])
    ops.open_session(actor=secretary, session=session, at=datetime(2021, 12, 28, 8, 0, tzinfo=VIETNAM))
    wanted = {str(n.id): passed for n, passed in outcomes.items()}
    secret = [str(i.subject_id) for i in session.items if i.secret]
    # Passing items get every vote; failing ones 3 of 9 by ballot, 4 of 9 by hands (below a majority).
    if secret:  # a show of hands alone needs no ballot papers
        for index, user in enumerate(members[:8]):
            votes = {s: "yes" if wanted[s] or index < 3 else "no" for s in secret}
            ops.cast_ballot(actor=user, session=session, round_number=1, votes=votes)
        ops.record_written_vote(actor=secretary, session=session, person_id=members[8].person_id, round_number=1,
                                votes={s: "yes" if wanted[s] else "no" for s in secret})
    for item in session.items:
        if not item.secret:
            yes = 9 if wanted[str(item.subject_id)] else 4
            ops.record_hands(actor=secretary, session=session, round_number=1, subject_id=item.subject_id,
                             yes=yes, no=9 - yes)
    ops.close_round(actor=secretary, session=session)
    ops.close_session(actor=secretary, session=session, at=datetime(2021, 12, 28, 10, 30, tzinfo=VIETNAM))
    return session


def open_2022_session() -> CouncilSession:
    """The CSTDCS candidate's dossier goes through submit, review and posting; then a session opens on it."""
    proposer, secretary = _user("proposer"), _user("secretary")
    person = db.session.scalar(select(Person).where(Person.code == CANDIDATE))
    nomination = nominations.create_nomination(
        actor=proposer, nominee=person, award_code="CSTDCS", year=YEAR,
        summary=f"Đề nghị Chiến sĩ thi đua cơ sở năm {YEAR} cho {person.full_name}: sáng kiến cấp cơ sở năm {YEAR}.")
    nominations.add_attachment(nomination, actor=proposer, kind="achievement_report",
                               filename=f"bao-cao-thanh-tich-{CANDIDATE}-CSTDCS.pdf", data=PDF)
    nominations.transition(nomination, "submit", actor=proposer)
    nominations.transition(nomination, "start_review", actor=secretary)
    nominations.transition(nomination, "open_posting", actor=secretary, start="2021-12-20", working_days=10)
    nominations.transition(nomination, "close_posting", actor=secretary)
    waiting = db.session.scalars(select(Nomination.id).where(Nomination.state == "in_council",
                                                             Nomination.year == YEAR)).all()
    session = ops.create_session(actor=secretary, council=_council(), held_on=OPEN_ON, place=PLACE,
                                 number="02/BB-HĐTĐKT", nomination_ids=waiting)
    ops.record_attendance(actor=secretary, session=session,
                          present_person_ids=[_user(f"member{n}").person_id for n in range(1, 10)])
    ops.open_session(actor=secretary, session=session, at=datetime(2022, 1, 14, 8, 0, tzinfo=VIETNAM))
    return session


def seed_councils() -> dict[str, int]:
    """After the nominations demo (which already held the 2021 session): the open session to vote in."""
    open_2022_session()
    return {"council_sessions": db.session.query(CouncilSession).count()}
