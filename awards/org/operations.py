"""Verbs that change the organisation's records. They flush, never commit (the request or command commits).

Imports, admin forms, the demo seed and the CLI all go through these, so each rule lives once:
effective-dated names close the previous period, an assignment keeps ``Person.unit`` current, and
re-importing a code updates in place.
"""
from __future__ import annotations

import secrets
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from awards.core.errors import ValidationFailed
from awards.extensions import db
from awards.org.models import (
    ApiToken,
    Assignment,
    Cluster,
    ClusterMember,
    ClusterRole,
    Discipline,
    DisciplineLevel,
    EmulationYear,
    Gender,
    Person,
    RatingLevel,
    Role,
    RoleAssignment,
    Unit,
    UnitKind,
    UnitName,
    User,
    YearlyRating,
)


def _one(model, **by):
    return db.session.scalar(select(model).filter_by(**by))


# --- units -------------------------------------------------------------------------------------------

def would_create_cycle(unit: Unit, parent: Unit | None) -> bool:
    node = parent
    while node is not None:
        if node is unit or (node.id is not None and node.id == unit.id):
            return True
        node = node.parent
    return False


KEEP = object()  # "leave this attribute as it is" where None is a value the caller may set


def save_unit(code: str, *, name: str | None = None, kind: UnitKind, parent: Unit | None = None,
              legal_personality: bool = False, document_code: str | None = None, place: str | None = None,
              valid_from: date | None = None, authorised_staff: int | None | object = KEEP) -> Unit:
    """Create the unit ``code`` or update it in place; a new ``name`` opens a name period at ``valid_from``."""
    unit = _one(Unit, code=code)
    if unit is None:
        unit = Unit(code=code, kind=kind)
        db.session.add(unit)
    if would_create_cycle(unit, parent):
        raise ValidationFailed(_("Đơn vị cấp trên “%(parent)s” nằm trong chính đơn vị “%(code)s”.",
                                 parent=parent.code, code=code))
    unit.kind = kind
    unit.parent = parent
    unit.legal_personality = legal_personality
    unit.document_code = document_code or None
    unit.place = place or None
    if authorised_staff is not KEEP:
        unit.authorised_staff = authorised_staff
    if name:
        rename_unit(unit, name, valid_from or date(2000, 1, 1))
    db.session.flush()
    return unit


def rename_unit(unit: Unit, name: str, valid_from: date) -> UnitName:
    """Record ``name`` from ``valid_from``; the period before it keeps the old name (documents print it).

    Re-recording the same name is a no-op; a name starting on an existing start date replaces it.
    """
    names = sorted(unit.names, key=lambda n: n.valid_from)
    current = next((n for n in reversed(names) if n.valid_from <= valid_from), None)
    if current is not None and current.name == name:
        return current
    same_day = next((n for n in names if n.valid_from == valid_from), None)
    if same_day is not None:
        same_day.name = name
        return same_day
    later = next((n for n in names if n.valid_from > valid_from), None)
    new = UnitName(name=name, valid_from=valid_from,
                   valid_to=later.valid_from - timedelta(days=1) if later else None)
    if current is not None and (current.valid_to is None or current.valid_to >= valid_from):
        current.valid_to = valid_from - timedelta(days=1)
    unit.names.append(new)
    return new


# --- people ------------------------------------------------------------------------------------------

def save_person(code: str, *, full_name: str, gender: Gender, birth_date: date | None = None,
                hire_date: date | None = None, position: str | None = None, grade: str | None = None,
                unit: Unit | None = None, since: date | None = None, investigation_pending: bool | None = None,
                complaint_pending: bool | None = None) -> Person:
    """Create or update the person ``code``; a different ``unit`` starts a new assignment at ``since``.

    The pending flags (investigation, complaint) block any award while set; None leaves them as they are.
    """
    person = _one(Person, code=code)
    if person is None:
        person = Person(code=code, full_name=full_name, gender=gender)
        db.session.add(person)
    person.full_name = full_name
    person.gender = gender
    person.birth_date = birth_date
    person.hire_date = hire_date
    person.position = position or None
    person.grade = grade or None
    if investigation_pending is not None:
        person.investigation_pending = investigation_pending
    if complaint_pending is not None:
        person.complaint_pending = complaint_pending
    if unit is not None and person.unit is not unit:
        assign(person, unit, since or hire_date or date.today())
    db.session.flush()
    return person


def assign(person: Person, unit: Unit, since: date) -> Assignment:
    """Move ``person`` to ``unit`` from ``since``: the open assignment ends the day before.

    ``since`` may not fall before the latest assignment's start: history is not rewritten by a move
    (the same start date corrects that assignment's unit).
    """
    latest = max(person.assignments, key=lambda a: a.valid_from, default=None)
    if latest is not None and since < latest.valid_from:
        raise ValidationFailed(_("Ngày chuyển đơn vị phải từ %(date)s trở đi "
                                 "(ngày bắt đầu công tác ở đơn vị hiện tại).", date=f"{latest.valid_from:%d/%m/%Y}"))
    for a in person.assignments:
        if a.valid_to is None and a.valid_from < since:
            a.valid_to = since - timedelta(days=1)
    existing = next((a for a in person.assignments if a.valid_from == since), None)
    if existing is not None:
        existing.unit = unit
        existing.valid_to = None
        assignment = existing
    else:
        assignment = Assignment(unit=unit, valid_from=since)
        person.assignments.append(assignment)
    # Person.unit mirrors the latest assignment: lists and scoping filter on it without a dated join.
    latest = max(person.assignments, key=lambda a: a.valid_from)
    person.unit = latest.unit
    return assignment


def set_rating(year: int, rating: RatingLevel, *, person: Person | None = None,
               unit: Unit | None = None) -> YearlyRating:
    if (person is None) == (unit is None):
        raise ValueError("a rating belongs to exactly one person or one unit")
    by = {"person_id": person.id} if person is not None else {"unit_id": unit.id}
    row = _one(YearlyRating, year=year, **by)
    if row is None:
        row = YearlyRating(year=year, person=person, unit=unit, rating=rating)
        db.session.add(row)
    row.rating = rating
    db.session.flush()
    return row


def update_discipline(discipline: Discipline, *, level: DisciplineLevel, start_date: date,
                      end_date: date | None, reason: str) -> Discipline:
    """Correct a discipline record in place (``record_discipline`` keys on level and start date)."""
    if end_date is not None and end_date < start_date:
        raise ValidationFailed(_("Ngày kết thúc không được trước ngày bắt đầu."))
    discipline.level = level
    discipline.start_date = start_date
    discipline.end_date = end_date
    discipline.reason = reason or ""
    db.session.flush()
    return discipline


def delete_discipline(discipline: Discipline) -> None:
    """Remove a discipline recorded by mistake (a lifted one keeps its record with an end date instead)."""
    discipline.person.disciplines.remove(discipline)
    db.session.flush()


def record_discipline(person: Person, level: DisciplineLevel, start_date: date, end_date: date | None = None,
                      reason: str = "") -> Discipline:
    """Record a discipline; the same person, level and start date updates the existing record."""
    row = next((d for d in person.disciplines if d.level == level and d.start_date == start_date), None)
    if row is None:
        row = Discipline(level=level, start_date=start_date)
        person.disciplines.append(row)
    row.end_date = end_date
    row.reason = reason or ""
    db.session.flush()
    return row


# --- clusters ----------------------------------------------------------------------------------------

def save_cluster(code: str, *, name: str, organiser: Unit) -> Cluster:
    cluster = _one(Cluster, code=code)
    if cluster is None:
        cluster = Cluster(code=code, name=name, organiser=organiser)
        db.session.add(cluster)
    cluster.name = name
    cluster.organiser = organiser
    db.session.flush()
    return cluster


def set_cluster_member(cluster: Cluster, year: int, unit: Unit, role: ClusterRole) -> ClusterMember:
    row = next((m for m in cluster.members if m.year == year and (m.unit is unit or m.unit_id == unit.id)), None)
    if row is None:
        row = ClusterMember(year=year, unit=unit, role=role)
        cluster.members.append(row)
    row.role = role
    db.session.flush()
    return row


def remove_cluster_member(member: ClusterMember) -> None:
    """Take a unit out of a cluster for that year only; other years keep their membership."""
    member.cluster.members.remove(member)
    db.session.flush()


# --- years -------------------------------------------------------------------------------------------

def ensure_year(label: int, start: date | None = None, end: date | None = None) -> EmulationYear:
    """The emulation year ``label``, created with the THADS bounds (1/10 to 30/9) unless given."""
    year = _one(EmulationYear, label=label)
    default_start, default_end = EmulationYear.default_bounds(label)
    if year is None:
        year = EmulationYear(label=label, start_date=start or default_start, end_date=end or default_end)
        db.session.add(year)
    else:
        year.start_date = start or year.start_date
        year.end_date = end or year.end_date
    db.session.flush()
    return year


def save_year(label: int, start: date, end: date) -> EmulationYear:
    """Create or change the emulation year ``label``; years may not overlap (a date belongs to one year)."""
    if start >= end:
        raise ValidationFailed(_("Ngày bắt đầu phải trước ngày kết thúc."))
    clash = db.session.scalar(select(EmulationYear).where(
        EmulationYear.label != label, EmulationYear.start_date <= end, EmulationYear.end_date >= start))
    if clash is not None:
        raise ValidationFailed(_("Thời gian trùng với năm thi đua %(label)s (%(start)s – %(end)s).",
                                 label=clash.label, start=f"{clash.start_date:%d/%m/%Y}",
                                 end=f"{clash.end_date:%d/%m/%Y}"))
    year = _one(EmulationYear, label=label)
    if year is None:
        year = EmulationYear(label=label, start_date=start, end_date=end)
        db.session.add(year)
    year.start_date, year.end_date = start, end
    db.session.flush()
    return year


# --- users -------------------------------------------------------------------------------------------

MIN_PASSWORD_LENGTH = 8
DEMO_PASSWORD = "demo"


def check_password_policy(password: str, *, demo: bool = False) -> None:
    """At least 8 characters with a letter and a digit; the demo seed alone may use ``demo``."""
    if demo and password == DEMO_PASSWORD:
        return
    if len(password) < MIN_PASSWORD_LENGTH or not any(c.isalpha() for c in password) \
            or not any(c.isdigit() for c in password):
        raise ValidationFailed(_("Mật khẩu phải có ít nhất 8 ký tự, gồm cả chữ và số."))


def create_user(username: str, password: str, *, roles: list[tuple[Role, Unit]] = (),
                person: Person | None = None, demo: bool = False) -> User:
    if _one(User, username=username) is not None:
        raise ValidationFailed(_("Tên đăng nhập “%(name)s” đã tồn tại.", name=username))
    check_password_policy(password, demo=demo)
    user = User(username=username, person=person, active=True)
    user.set_password(password)
    for role, unit in roles:
        grant_role(user, role, unit)
    db.session.add(user)
    db.session.flush()
    return user


def grant_role(user: User, role: Role, unit: Unit) -> RoleAssignment:
    existing = next((r for r in user.roles if r.role == role and (r.unit is unit or r.unit_id == unit.id)), None)
    if existing is not None:
        return existing
    assignment = RoleAssignment(role=role, unit=unit)
    user.roles.append(assignment)
    return assignment


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


def issue_api_token(user: User) -> str:
    """Create a token and return it; only its hash is stored, so it cannot be shown again."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=ApiToken.digest(token)))
    db.session.flush()
    return token
