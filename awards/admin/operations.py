"""The admin pages' own verbs: version checks and the edits ``awards.org.operations`` does not offer yet.

They flush, never commit. Where an org operation exists it is called, so its rules (dated names, closed
assignments) still live in one place.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm.attributes import flag_modified

from awards.core.errors import StaleRecord, ValidationFailed
from awards.extensions import db
from awards.org.models import (
    ApiToken,
    ClusterMember,
    Discipline,
    DisciplineLevel,
    Gender,
    Person,
    RoleAssignment,
    Unit,
    UnitKind,
    User,
)
from awards.org.operations import check_password_policy, save_person, save_unit


def check_version(record, submitted: str | int | None) -> None:
    """Refuse a change made from a page loaded before someone else's save (StaleRecord, 409).

    A missing or garbled version is refused too: a change is never applied blind.
    """
    if str(submitted or "").strip() != str(record.version):
        raise StaleRecord()


def bump_version(record) -> None:
    """Count a change to a record's rows (names, ratings, members, roles, tokens) as a change to the record.

    Those rows carry no version of their own, so without this two people editing the same unit's rating
    from the same page would silently overwrite each other; bumping the parent makes the second one stale.
    """
    key = "username" if isinstance(record, User) else "code"
    getattr(record, key)  # flag_modified needs the attribute loaded
    flag_modified(record, key)
    db.session.flush()


def update_unit(unit: Unit, *, kind: UnitKind, parent: Unit | None, legal_personality: bool,
                document_code: str | None, place: str | None, authorised_staff: int | None) -> Unit:
    """Change a unit's attributes (not its name: names are dated, see ``rename_unit``).

    ``save_unit`` refuses a parent inside the unit (ValidationFailed); an empty staff number clears it.
    """
    save_unit(unit.code, kind=kind, parent=parent, legal_personality=legal_personality,
              document_code=document_code, place=place, authorised_staff=authorised_staff)
    unit.authorised_staff = authorised_staff
    db.session.flush()
    return unit


def save_person_record(code: str, *, full_name: str, gender: Gender, birth_date: date | None,
                       hire_date: date | None, position: str | None, grade: str | None,
                       investigation_pending: bool, complaint_pending: bool, unit: Unit | None = None,
                       since: date | None = None) -> Person:
    """``save_person`` plus the pending investigation/complaint flags, which block awards while set."""
    person = save_person(code, full_name=full_name, gender=gender, birth_date=birth_date, hire_date=hire_date,
                         position=position, grade=grade, unit=unit, since=since)
    person.investigation_pending = investigation_pending
    person.complaint_pending = complaint_pending
    db.session.flush()
    return person


def update_discipline(discipline: Discipline, *, level: DisciplineLevel, start_date: date,
                      end_date: date | None, reason: str) -> Discipline:
    """Correct a discipline record in place (``record_discipline`` keys on level and start date)."""
    if end_date is not None and end_date < start_date:
        raise ValidationFailed("Ngày kết thúc không được trước ngày bắt đầu.")
    discipline.level = level
    discipline.start_date = start_date
    discipline.end_date = end_date
    discipline.reason = reason or ""
    db.session.flush()
    return discipline


def delete_discipline(discipline: Discipline) -> None:
    """Remove a discipline recorded by mistake (a lifted one keeps its record with an end date instead)."""
    person = discipline.person
    person.disciplines.remove(discipline)
    db.session.flush()


def remove_cluster_member(member: ClusterMember) -> None:
    """Take a unit out of a cluster for that year only; other years keep their membership."""
    member.cluster.members.remove(member)
    db.session.flush()


def revoke_role(assignment: RoleAssignment) -> None:
    """Withdraw one role × scope from a user; the user's other roles stay."""
    assignment.user.roles.remove(assignment)
    db.session.flush()


def update_user(user: User, *, active: bool, person: Person | None, new_password: str | None = None) -> User:
    """Activate or deactivate an account, link it to a person, and optionally reset its password."""
    user.active = active
    user.person = person
    if new_password:
        check_password_policy(new_password)
        user.set_password(new_password)
    db.session.flush()
    return user


def revoke_api_token(token: ApiToken) -> None:
    """Stop a token from authenticating; the row stays so the account's history shows it."""
    token.revoked = True
    db.session.flush()
