"""Who may see and do what: named predicates and the ONE query-scoping helper.

A role applies to its scope unit and every unit below it. Every list and API endpoint narrows its
query with ``scoped``; single records are fetched with ``get_visible_or_404`` so a record outside the
user's scope answers 404 (its existence does not leak), never 403.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_request_context
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from awards.core.errors import NotFound, PermissionDenied
from awards.extensions import db
from awards.org.models import Role, Unit, User

ALL_ROLES = tuple(Role)
STAFF_MANAGERS = (Role.ADMIN, Role.HR)


def subtree_ids(root_ids: Iterable[int]) -> Select:
    """A SELECT of the ids of the given units and all their descendants (recursive CTE, any database)."""
    roots = list(root_ids)
    tree = select(Unit.id).where(Unit.id.in_(roots)).cte("scope_tree", recursive=True)
    child = aliased(Unit)
    tree = tree.union_all(select(child.id).where(child.parent_id == tree.c.id))
    return select(tree.c.id)


def _scope_roots(user: User, roles: Iterable[Role] | None) -> list[int]:
    wanted = set(roles) if roles else set(ALL_ROLES)
    return sorted({ra.unit_id for ra in user.roles if ra.role in wanted})


def visible_unit_ids(user: User, roles: Iterable[Role] | None = None) -> set[int]:
    """Ids of the units the user reaches through ``roles`` (any role by default); cached per request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    key = (user.id, tuple(sorted(r.value for r in roles)) if roles else None)
    cache = g.setdefault("_visible_units", {}) if has_request_context() else {}
    if key not in cache:
        roots = _scope_roots(user, roles)
        cache[key] = set(db.session.scalars(subtree_ids(roots))) if roots else set()
    return cache[key]


def scoped(stmt: Select, unit_column, user: User, roles: Iterable[Role] | None = None) -> Select:
    """Narrow ``stmt`` to rows whose ``unit_column`` lies in the user's scope (for ``roles``)."""
    ids = visible_unit_ids(user, roles)
    return stmt.where(unit_column.in_(ids)) if ids else stmt.where(False)


def can_view_unit(user: User, unit: Unit | None, roles: Iterable[Role] | None = None) -> bool:
    return unit is not None and unit.id in visible_unit_ids(user, roles)


def can_manage_org(user: User, unit: Unit | None) -> bool:
    """Admins edit units, names, clusters and users within their scope."""
    return can_view_unit(user, unit, (Role.ADMIN,))


def can_manage_staff(user: User, unit: Unit | None) -> bool:
    """Admins and HR edit people, assignments, ratings and discipline within their scope."""
    return can_view_unit(user, unit, STAFF_MANAGERS)


def can_view_person(user: User, person) -> bool:
    return person is not None and can_view_unit(user, person.unit)


def is_admin_anywhere(user: User) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.ADMIN))


def is_system_admin(user: User) -> bool:
    """An admin over a top-level unit: the one who may change what every unit shares (emulation years)."""
    return bool(user and user.is_authenticated and any(
        ra.role == Role.ADMIN and ra.unit.parent_id is None for ra in user.roles))


def manages_staff_anywhere(user: User) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*STAFF_MANAGERS))


def get_visible_or_404(model, ident, user: User, unit_of=lambda obj: obj.unit, *, by: str = "id"):
    """Load one record the user may see, or raise NotFound (also when it exists but is out of scope)."""
    obj = db.session.scalar(select(model).where(getattr(model, by) == ident))
    if obj is None or not can_view_unit(user, unit_of(obj)):
        raise NotFound()
    return obj


def require(condition: bool) -> None:
    """For actions on a record the user may see but not change: 403 with the Vietnamese message."""
    if not condition:
        raise PermissionDenied()
