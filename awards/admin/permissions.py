"""Who may use which admin page, on top of ``awards.org.permissions``.

Order of the checks on every page: the user must hold the page's role somewhere (else 403, the same for
every URL, so nothing leaks); the record must be in the user's scope (else 404); the user must hold the
role over the record's unit (else 403). Org records (units, clusters, accounts) need ``admin``; staff
records (people, assignments, ratings, discipline) need ``admin`` or ``hr``.
"""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select

from awards.core.errors import NotFound
from awards.extensions import db
from awards.org.models import Cluster, Discipline, Person, Role, Unit, User
from awards.org.permissions import (
    STAFF_MANAGERS,
    can_manage_org,
    can_manage_staff,
    get_visible_or_404,
    is_admin_anywhere,
    manages_staff_anywhere,
    require,
    visible_unit_ids,
)


def require_admin() -> None:
    require(is_admin_anywhere(current_user))


def require_staff_manager() -> None:
    require(manages_staff_anywhere(current_user))


def admin_unit_ids() -> set[int]:
    return visible_unit_ids(current_user, (Role.ADMIN,))


def staff_unit_ids() -> set[int]:
    return visible_unit_ids(current_user, STAFF_MANAGERS)


def unit_for_admin(code: str) -> Unit:
    require_admin()
    unit = get_visible_or_404(Unit, code, current_user, unit_of=lambda u: u, by="code")
    require(can_manage_org(current_user, unit))
    return unit


def unit_for_staff(code: str) -> Unit:
    """Unit ratings are staff records: admin or HR over the unit."""
    require_staff_manager()
    unit = get_visible_or_404(Unit, code, current_user, unit_of=lambda u: u, by="code")
    require(can_manage_staff(current_user, unit))
    return unit


def cluster_for_admin(code: str) -> Cluster:
    require_admin()
    cluster = get_visible_or_404(Cluster, code, current_user, unit_of=lambda c: c.organiser, by="code")
    require(can_manage_org(current_user, cluster.organiser))
    return cluster


def person_for_staff(code: str) -> Person:
    require_staff_manager()
    person = get_visible_or_404(Person, code, current_user, by="code")
    require(can_manage_staff(current_user, person.unit))
    return person


def discipline_for_staff(discipline_id: int) -> Discipline:
    require_staff_manager()
    discipline = get_visible_or_404(Discipline, discipline_id, current_user, unit_of=lambda d: d.person.unit)
    require(can_manage_staff(current_user, discipline.person.unit))
    return discipline


# --- accounts ----------------------------------------------------------------------------------------
# An account has no unit of its own: it is anchored where its roles apply and where its linked person works.

def account_anchor_ids(user: User) -> set[int]:
    anchors = {ra.unit_id for ra in user.roles}
    if user.person is not None and user.person.unit_id is not None:
        anchors.add(user.person.unit_id)
    return anchors


def can_see_account(viewer, user: User) -> bool:
    """An account is visible when it touches the viewer's scope; an account with no anchor, to any admin."""
    anchors = account_anchor_ids(user)
    return not anchors or bool(anchors & visible_unit_ids(viewer))


def can_manage_account(viewer, user: User) -> bool:
    """Every anchor inside the viewer's admin scope: a provincial admin cannot reset the password of an
    account that also holds roles elsewhere (that would be a way to act outside their scope)."""
    return account_anchor_ids(user) <= visible_unit_ids(viewer, (Role.ADMIN,))


def account_for_admin(user_id: int) -> User:
    require_admin()
    user = db.session.get(User, user_id)
    if user is None or not can_see_account(current_user, user):
        raise NotFound()
    require(can_manage_account(current_user, user))
    return user


def person_in_admin_scope(code: str) -> Person | None:
    """The person an account may be linked to: one working inside the admin's scope."""
    person = db.session.scalar(select(Person).where(Person.code == code))
    if person is None or person.unit_id not in admin_unit_ids():
        return None
    return person
