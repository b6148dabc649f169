"""Who fires a transition: the engine's actor protocol (``id``, ``label``, ``roles_for(record)``) for a User.

Roles are scoped: a role held over a unit covers that unit and every unit below it, and which unit of the
record a role must cover depends on the role — the proposer acts for the proposing unit, the secretariat,
council and approver for the deciding unit (the one whose council handles the record).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from awards.extensions import db
from awards.org.models import Role, Unit, User
from workflows.engine import SYSTEM  # noqa: F401  (re-exported: the actor for the council's outcomes)

# Which unit of the record each role's scope must reach; records name them ``proposing_unit_id`` and
# ``deciding_unit_id`` (a batch's proposing unit is its own unit).
ROLE_UNITS: dict[Role, tuple[str, ...]] = {
    Role.PROPOSER: ("proposing_unit_id",),
    Role.SECRETARY: ("deciding_unit_id",),
    Role.COUNCIL_MEMBER: ("deciding_unit_id",),
    Role.APPROVER: ("deciding_unit_id",),
    Role.HR: ("deciding_unit_id",),  # HR records the decision the deciding unit's head signs
    Role.ADMIN: ("proposing_unit_id", "deciding_unit_id"),
}


def _ancestry(unit_id: int | None) -> set[int]:
    """The unit and every unit above it (identity map: at most one lookup per unit per session)."""
    found: set[int] = set()
    while unit_id is not None and unit_id not in found:
        found.add(unit_id)
        unit = db.session.get(Unit, unit_id)
        unit_id = unit.parent_id if unit is not None else None
    return found


def _unit_id(record, attribute: str) -> int | None:
    """``record.<attribute>``, or the id of the related unit when the record is not flushed yet."""
    value = getattr(record, attribute, None)
    if value is None:
        unit = getattr(record, attribute.removesuffix("_id"), None)
        value = getattr(unit, "id", None)
    return value


@dataclass
class UserActor:
    """A signed-in user acting on workflow records."""

    user: User
    _ancestries: dict[int | None, set[int]] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def label(self) -> str:
        """Stored in the audit row as it is today: "Full Name (username)", or the username alone."""
        person = self.user.person
        return f"{person.full_name} ({self.user.username})" if person is not None else self.user.username

    def _covers(self, scope_unit_id: int, unit_id: int | None) -> bool:
        if unit_id not in self._ancestries:
            self._ancestries[unit_id] = _ancestry(unit_id)
        return scope_unit_id in self._ancestries[unit_id]

    def roles_for(self, record) -> set[str]:
        """The user's roles whose scope covers the record's unit for that role (see ``ROLE_UNITS``)."""
        roles: set[str] = set()
        for assignment in self.user.roles:
            role = Role(assignment.role)
            for attribute in ROLE_UNITS.get(role, ()):
                if self._covers(assignment.unit_id, _unit_id(record, attribute)):
                    roles.add(role.value)
                    break
        return roles


def actor_for(user: User) -> UserActor:
    """The engine's actor for ``user``; ``SYSTEM`` (from the engine) acts for the application itself."""
    return UserActor(user)
