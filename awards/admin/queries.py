"""The admin lists and the choices offered in admin forms, always narrowed to the user's scope."""
from __future__ import annotations

from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from awards.extensions import db
from awards.org.models import Cluster, Person, RoleAssignment, Unit, UnitName, User, YearlyRating


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def units_list(unit_ids: set[int], q: str = "") -> Select:
    stmt = (select(Unit).where(Unit.id.in_(unit_ids) if unit_ids else false())
            .options(selectinload(Unit.names), selectinload(Unit.parent).selectinload(Unit.names))
            .order_by(Unit.code))
    q = q.strip()
    if q:
        pattern = _like(q.lower())
        named = exists().where(UnitName.unit_id == Unit.id, func.lower(UnitName.name).like(pattern, escape="\\"))
        stmt = stmt.where(or_(func.lower(Unit.code).like(pattern, escape="\\"), named))
    return stmt


def units_by_ids(unit_ids: set[int]) -> list[Unit]:
    """Units for a select box, in code order (codes follow the hierarchy in practice)."""
    if not unit_ids:
        return []
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))
                                   .options(selectinload(Unit.names)).order_by(Unit.code)))


def clusters_list(unit_ids: set[int], q: str = "") -> Select:
    stmt = (select(Cluster).where(Cluster.organiser_id.in_(unit_ids) if unit_ids else false())
            .options(selectinload(Cluster.organiser).selectinload(Unit.names), selectinload(Cluster.members))
            .order_by(Cluster.code))
    q = q.strip()
    if q:
        pattern = _like(q.lower())
        stmt = stmt.where(or_(func.lower(Cluster.code).like(pattern, escape="\\"),
                              func.lower(Cluster.name).like(pattern, escape="\\")))
    return stmt


def accounts_list(unit_ids: set[int], q: str = "") -> Select:
    """Accounts with a role or a linked person inside ``unit_ids``, plus accounts anchored nowhere."""
    has_role_here = exists().where(RoleAssignment.user_id == User.id, RoleAssignment.unit_id.in_(unit_ids))
    has_role = exists().where(RoleAssignment.user_id == User.id)
    person_here = exists().where(Person.id == User.person_id, Person.unit_id.in_(unit_ids))
    unanchored = ~has_role & or_(User.person_id.is_(None),
                                 ~exists().where(Person.id == User.person_id, Person.unit_id.is_not(None)))
    stmt = (select(User).where(or_(has_role_here, person_here, unanchored) if unit_ids else unanchored)
            .options(selectinload(User.roles).selectinload(RoleAssignment.unit).selectinload(Unit.names),
                     selectinload(User.person))
            .order_by(User.username))
    q = q.strip()
    if q:
        stmt = stmt.where(func.lower(User.username).like(_like(q.lower()), escape="\\"))
    return stmt


def ratings_of(*, person: Person | None = None, unit: Unit | None = None) -> list[YearlyRating]:
    column, subject = (YearlyRating.person_id, person) if person is not None else (YearlyRating.unit_id, unit)
    return list(db.session.scalars(select(YearlyRating).where(column == subject.id)
                                   .order_by(YearlyRating.year.desc())))
