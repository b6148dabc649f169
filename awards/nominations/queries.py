"""Scoped nomination lists: the one query pages and the API filter and paginate.

``nominations_for`` returns a ``Select`` (not rows), so callers add their order, counts and pages.
"""
from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from awards.catalogue.models import Award
from awards.nominations.actors import ROLE_UNITS
from awards.nominations.models import Nomination
from awards.org.models import Person, Role, Unit, UnitName, User
from awards.org.permissions import subtree_ids, visible_unit_ids
from awards.org.queries import contains_folded, search_terms
from workflows.definitions.nomination import DEFINITION

QUEUES = (None, "mine", "secretariat", "awaiting")
SECRETARIAT_STATES = ("submitted", "in_review", "posted")
# Optional actions nobody waits for: a proposer may withdraw a submitted nomination, HR may revoke a decided one.
NOT_AWAITED = ("withdraw", "revoke")


def _awaited_states(role: str) -> set[str]:
    """States where a transition of the workflow waits for ``role`` (from the definition, not a hand list)."""
    return {str(s) for t in DEFINITION.transitions if role in t.roles and t.trigger not in NOT_AWAITED
            for s in t.sources}


def _in_scope(user: User, role: Role, states: tuple[str, ...] | set[str] | None = None):
    """Nominations whose unit for ``role`` (proposing or deciding) lies in the user's scope for that role."""
    ids = visible_unit_ids(user, (role,))
    if not ids:
        return false()
    columns = [getattr(Nomination, attribute) for attribute in ROLE_UNITS.get(role, ())]
    clause = or_(*(column.in_(ids) for column in columns))
    return clause & Nomination.state.in_(sorted(states)) if states is not None else clause


def nominations_for(user: User, *, year: int | None = None, state: str | None = None, unit: Unit | int | None = None,
                    award: str | None = None, q: str | None = None, queue: str | None = None) -> Select:
    """The nominations ``user`` may see (proposing or deciding unit in their scope), filtered.

    ``queue``: None (everything visible), "mine" (what my roles concern: proposed by my units for a proposer,
    decided at my units for the secretariat, council, approver and HR, either for an admin), "secretariat"
    (submitted, in review or posted at units where I am secretary), "awaiting" (states where one of my roles has
    a trigger to fire: an approximation of ``available_triggers`` in SQL, guards not run).
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    visible = visible_unit_ids(user)
    stmt = select(Nomination)
    if not visible:
        return stmt.where(false())
    stmt = stmt.where(or_(Nomination.proposing_unit_id.in_(visible), Nomination.deciding_unit_id.in_(visible)))
    if queue == "mine":
        # Not only the proposer's: HR and admins act on decided nominations (revoke), which no queue awaits,
        # so without this they would find them in no list at all.
        # A draft is the proposing unit's own until it is submitted (see the state's description).
        held = {Role(ra.role) for ra in user.roles if Role(ra.role) in ROLE_UNITS}
        sent = set(DEFINITION.state_names) - {"draft"}
        stmt = stmt.where(or_(false(), *(_in_scope(user, role, None if role in (Role.PROPOSER, Role.ADMIN) else sent)
                                         for role in sorted(held))))
    elif queue == "secretariat":
        stmt = stmt.where(_in_scope(user, Role.SECRETARY, SECRETARIAT_STATES))
    elif queue == "awaiting":
        held = {ra.role for ra in user.roles}
        stmt = stmt.where(or_(false(), *(_in_scope(user, Role(role), _awaited_states(str(role)))
                                         for role in held if _awaited_states(str(role)))))
    if year is not None:
        stmt = stmt.where(Nomination.year == int(year))
    if state:
        stmt = stmt.where(Nomination.state == state)
    if unit is not None:
        unit_id = unit.id if isinstance(unit, Unit) else int(unit)
        stmt = stmt.where(Nomination.proposing_unit_id.in_(subtree_ids([unit_id])))
    if award:
        stmt = stmt.where(Nomination.award_id.in_(select(Award.id).where(Award.code == award)))
    # Every word in the nominee's name or code, ignoring case and accents ("Nguyen Van" finds "Nguyễn Văn"), as the
    # people and initiatives lists and the search box match.
    for word in search_terms(q):
        people = select(Person.id).where(or_(contains_folded(Person.full_name, word),
                                             contains_folded(Person.code, word)))
        units = select(UnitName.unit_id).where(contains_folded(UnitName.name, word))
        codes = select(Unit.id).where(contains_folded(Unit.code, word))
        stmt = stmt.where(or_(Nomination.person_id.in_(people), Nomination.unit_id.in_(units),
                              Nomination.unit_id.in_(codes)))
    return stmt
