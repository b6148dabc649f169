"""Scoped decision lists and who may do what with one decision (the pages and the API use the same rules).

Reading a decision:
- HR and admins over the issuer manage it (draft, edit, issue, revoke);
- approvers and the secretariat over the issuer read every decision, drafts included (read-only);
- viewers over the issuer read issued (and revoked) decisions, never drafts: a draft is HR's working paper;
- proposers and council members hold no decision role: 403 when the decision concerns their scope (its issuer,
  or a unit that proposed one of its nominations), 404 otherwise — as for every record outside scope.
"""
from __future__ import annotations

from sqlalchemy import Select, case, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from awards.catalogue.models import LegalBasis
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionLegalBasis, DecisionState
from awards.extensions import db
from awards.nominations.models import Nomination
from awards.org.models import Person, Role, Unit, User
from awards.org.permissions import visible_unit_ids

MANAGERS = (Role.HR, Role.ADMIN)
READERS = (Role.HR, Role.ADMIN, Role.APPROVER, Role.SECRETARY)  # every decision of the scope, drafts included
VIEWERS = (Role.VIEWER,)                                          # issued and revoked ones only

MANAGE, VIEW, FORBIDDEN = "manage", "view", "forbidden"


def reads_decisions(user: User) -> bool:
    """Whether the user holds any role that reads decisions (the list page; the navbar link)."""
    return bool(user and user.is_authenticated and user.has_role(*READERS, *VIEWERS))


def _readable(user: User):
    """The WHERE clause of the decisions ``user`` may read (see the module's docstring)."""
    full = visible_unit_ids(user, READERS)
    issued_only = visible_unit_ids(user, VIEWERS) - full
    clauses = []
    if full:
        clauses.append(Decision.issuer_id.in_(full))
    if issued_only:
        clauses.append(Decision.issuer_id.in_(issued_only) & (Decision.state != DecisionState.DRAFT))
    return or_(*clauses) if clauses else false()


def decisions_for(user: User, *, year: int | None = None, issuer: int | None = None, state: str | None = None,
                  kind: str | None = None) -> Select:
    """The decisions ``user`` may read, newest first, with their issuer's names loaded (no query per row)."""
    stmt = (select(Decision).where(_readable(user))
            .options(selectinload(Decision.issuer).selectinload(Unit.names))
            .order_by(Decision.decided_on.desc(), Decision.id.desc()))
    if year is not None:
        stmt = stmt.where(Decision.year == int(year))
    if issuer is not None:
        stmt = stmt.where(Decision.issuer_id == int(issuer))
    if state in {s.value for s in DecisionState}:
        stmt = stmt.where(Decision.state == state)
    if kind in {k.value for k in DecisionKind}:
        stmt = stmt.where(Decision.kind == kind)
    return stmt


def item_counts(decision_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(persons, collectives) per decision, for a page of the list in one grouped query."""
    if not decision_ids:
        return {}
    rows = db.session.execute(
        select(DecisionItem.decision_id,
               func.sum(case((DecisionItem.person_id.is_not(None), 1), else_=0)),
               func.sum(case((DecisionItem.unit_id.is_not(None), 1), else_=0)))
        .where(DecisionItem.decision_id.in_(decision_ids)).group_by(DecisionItem.decision_id))
    return {decision_id: (int(persons or 0), int(collectives or 0)) for decision_id, persons, collectives in rows}


def access(user: User, decision: Decision) -> str | None:
    """MANAGE, VIEW, FORBIDDEN (in scope, no reading role: 403) or None (outside scope: 404)."""
    if decision.issuer_id in visible_unit_ids(user, MANAGERS):
        return MANAGE
    if decision.issuer_id in visible_unit_ids(user, READERS):
        return VIEW
    if decision.issuer_id in visible_unit_ids(user, VIEWERS) and decision.state != DecisionState.DRAFT:
        return VIEW
    scope = visible_unit_ids(user)
    if not scope:
        return None
    if decision.issuer_id in scope:
        return FORBIDDEN
    proposed_here = db.session.scalar(select(exists().where(
        DecisionItem.decision_id == decision.id, DecisionItem.nomination_id == Nomination.id,
        Nomination.proposing_unit_id.in_(scope))))
    return FORBIDDEN if proposed_here else None


def issuer_units(user: User) -> list[Unit]:
    """Units with legal personality whose decisions the user prepares (HR or admin over them)."""
    ids = visible_unit_ids(user, MANAGERS)
    if not ids:
        return []
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids), Unit.legal_personality)
                                   .options(selectinload(Unit.names)).order_by(Unit.code)))


def filter_issuers(user: User) -> list[Unit]:
    """Units the list may be filtered by: those in the user's reading scope that have a decision."""
    ids = visible_unit_ids(user, READERS) | visible_unit_ids(user, VIEWERS)
    if not ids:
        return []
    having = select(Decision.issuer_id).where(Decision.issuer_id.in_(ids)).distinct()
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(having)).options(selectinload(Unit.names))
                                   .order_by(Unit.code)))


def signers(issuer: Unit) -> list[Person]:
    """Staff of the issuer with a position (the head, the deputies …): who may sign its decisions."""
    return list(db.session.scalars(select(Person).where(Person.unit_id == issuer.id, Person.position.is_not(None),
                                                        Person.position != "").order_by(Person.sort_name)))


def legal_bases() -> list[LegalBasis]:
    """The catalogue's legal bases in the order a decision cites them (the form posts them in this order): those a
    new decision cites by default in their print order (law, decree, base salary, the sector's rules), then the
    others, oldest first."""
    from awards.decisions.operations import DEFAULT_BASIS_CODES

    order = {code: i for i, code in enumerate(DEFAULT_BASIS_CODES)}
    found = db.session.scalars(select(LegalBasis).order_by(LegalBasis.effective_from, LegalBasis.code))
    return sorted(found, key=lambda b: order.get(b.code, len(order)))


def revocations_of(decision: Decision) -> list[Decision]:
    """The revoking decisions (drafts included) that cite ``decision``."""
    return list(db.session.scalars(select(Decision).where(Decision.revokes_id == decision.id)
                                   .order_by(Decision.decided_on, Decision.id)))


def detail_options():
    """What the decision page reads for every item, loaded up front."""
    return (selectinload(Decision.items).selectinload(DecisionItem.award),
            selectinload(Decision.items).selectinload(DecisionItem.person),
            selectinload(Decision.items).selectinload(DecisionItem.unit).selectinload(Unit.names),
            selectinload(Decision.items).selectinload(DecisionItem.revoked_by),
            selectinload(Decision.bases).selectinload(DecisionLegalBasis.legal_basis),
            selectinload(Decision.issuer).selectinload(Unit.names))
