"""Read-only council queries for the pages: scoped lists, what may go on an agenda, the ballots waiting for a member.

Who sees a council: the council roles over its unit (secretariat, approver, council members, HR, admin) and the
people who sit on it, whatever their roles. Anyone else in scope gets 403, anyone out of scope 404.
"""
from __future__ import annotations

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import selectinload

from awards.catalogue.models import Award
from awards.core.errors import NotFound
from awards.councils.models import (AgendaItem, Council, CouncilMember, CouncilSession, RoundState, SessionState,
                                    VoterMark, VotingRound)
from awards.extensions import db
from awards.initiatives.models import Initiative, InitiativeAuthor
from awards.nominations.models import Nomination
from awards.org.models import Person, Role, Unit, User
from awards.org.permissions import subtree_ids, visible_unit_ids

COUNCIL_ROLES = (Role.SECRETARY, Role.APPROVER, Role.COUNCIL_MEMBER, Role.HR, Role.ADMIN)
SECRETARIAT = (Role.SECRETARY, Role.ADMIN)


def _seat_council_ids(user: User) -> Select:
    if user.person_id is None:
        return select(CouncilMember.council_id).where(false())
    return select(CouncilMember.council_id).where(CouncilMember.person_id == user.person_id)


def councils_for(user: User) -> Select:
    """The councils of units the user reaches through a council role, and those the user sits on."""
    units = visible_unit_ids(user, COUNCIL_ROLES)
    clauses = [Council.id.in_(_seat_council_ids(user))]
    if units:
        clauses.append(Council.unit_id.in_(units))
    # The list shows each council's unit, member and session counts: loaded together, not once per row.
    return (select(Council).where(or_(*clauses))
            .options(selectinload(Council.members), selectinload(Council.sessions),
                     selectinload(Council.unit).selectinload(Unit.names))
            .order_by(Council.year.desc(), Council.unit_id, Council.id))


def council_access(user: User, council: Council | None) -> str | None:
    """"view" (allowed), "forbidden" (in scope, no council role and no seat) or None (not visible: 404)."""
    if council is None:
        return None
    from awards.councils.operations import member_of

    if member_of(user, council) is not None:
        return "view"
    if council.unit_id in visible_unit_ids(user, COUNCIL_ROLES):
        return "view"
    if council.unit_id in visible_unit_ids(user):
        return "forbidden"
    return None


def get_council_or_404(council_id: int) -> Council:
    return db.session.get(Council, council_id) or _missing()


def get_session_or_404(session_id: int) -> CouncilSession:
    return db.session.get(CouncilSession, session_id) or _missing()


def _missing():
    raise NotFound()


def secretariat_units(user: User) -> list[Unit]:
    """Units whose council the user may set up (secretariat or admin over them), with a legal personality first."""
    ids = visible_unit_ids(user, SECRETARIAT)
    if not ids:
        return []
    units = db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code))
    return sorted(units, key=lambda u: (not u.legal_personality, u.code))


def subtree_people(unit: Unit) -> list[tuple[Unit, list[Person]]]:
    """People of the unit and every unit below it, grouped by unit (the unit itself first)."""
    ids = set(db.session.scalars(subtree_ids([unit.id])))
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    people = db.session.scalars(select(Person).where(Person.unit_id.in_(ids)).order_by(Person.sort_name,
                                                                                      Person.id))
    grouped: dict[int, list[Person]] = {}
    for person in people:
        grouped.setdefault(person.unit_id, []).append(person)
    order = sorted(grouped, key=lambda uid: (uid != unit.id, units[uid].code))
    return [(units[uid], grouped[uid]) for uid in order]


def waiting_nominations(council: Council) -> list[Nomination]:
    """Nominations waiting for this council (in_council, decided at its unit) and on no other unclosed agenda,
    lowest title first (the order the council votes in)."""
    busy = (select(AgendaItem.nomination_id).join(CouncilSession, AgendaItem.session_id == CouncilSession.id)
            .where(CouncilSession.state != SessionState.CLOSED, AgendaItem.nomination_id.is_not(None)))
    return list(db.session.scalars(
        select(Nomination).join(Award, Nomination.award_id == Award.id)
        .where(Nomination.state == "in_council", Nomination.deciding_unit_id == council.unit_id,
               Nomination.id.not_in(busy))
        .order_by(Award.rank, Award.code, Nomination.id)))


def waiting_initiatives(council: Council) -> list[Initiative]:
    """Initiatives under evaluation in the council unit's subtree and on no other unclosed agenda, by year and code."""
    busy = (select(AgendaItem.initiative_id).join(CouncilSession, AgendaItem.session_id == CouncilSession.id)
            .where(CouncilSession.state != SessionState.CLOSED, AgendaItem.initiative_id.is_not(None)))
    return list(db.session.scalars(
        select(Initiative)
        .where(Initiative.state == "under_evaluation", Initiative.unit_id.in_(subtree_ids([council.unit_id])),
               Initiative.id.not_in(busy))
        .options(selectinload(Initiative.authors).selectinload(InitiativeAuthor.person))
        .order_by(Initiative.year, Initiative.code)))


def open_ballots(user: User) -> list[dict]:
    """Open rounds of the councils the user sits on: [{session, round, member, voted}], for the "open ballot" links."""
    if not getattr(user, "is_authenticated", False) or user.person_id is None:
        return []
    rows = db.session.execute(
        select(CouncilSession, VotingRound, CouncilMember)
        .join(VotingRound, VotingRound.session_id == CouncilSession.id)
        .join(CouncilMember, CouncilMember.council_id == CouncilSession.council_id)
        .where(CouncilSession.state == SessionState.OPEN, VotingRound.state == RoundState.OPEN,
               CouncilMember.person_id == user.person_id)
        .order_by(CouncilSession.held_on, CouncilSession.id)).all()
    found = []
    for session, voting_round, member in rows:
        voted = db.session.get(VoterMark, (session.id, voting_round.number, member.id)) is not None
        found.append({"session": session, "round": voting_round, "member": member, "voted": voted})
    return found


def voter_marks(session: CouncilSession, round_number: int) -> list[VoterMark]:
    """Who has voted in a round, in the council's own member order (never in any order that follows the voting)."""
    marks = db.session.scalars(select(VoterMark).where(VoterMark.session_id == session.id,
                                                       VoterMark.round_number == round_number))
    return sorted(marks, key=lambda m: (m.member.position, m.member_id))
