"""Plain factory functions: each makes one valid record with overridable fields, and commits it.

In tests the commit only releases a SAVEPOINT (see conftest.db), so the record survives a request that
rolls back after an error, and is still gone after the test.
"""
from __future__ import annotations

import itertools
from datetime import date

from werkzeug.security import generate_password_hash

from awards.extensions import db
from awards.org.models import Assignment, Gender, Person, Role, RoleAssignment, Unit, UnitKind, UnitName, User

_seq = itertools.count(1)
PASSWORD = "Test-pass-123"
# Hashing with scrypt costs ~60 ms; the fixtures make many users, so they share one cheap hash.
# check_password still verifies it through werkzeug like any other.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def make_unit(code: str | None = None, *, name: str | None = None, parent: Unit | None = None,
              kind: UnitKind = UnitKind.DISTRICT_BRANCH, legal_personality: bool = False,
              document_code: str | None = None, place: str | None = None,
              valid_from: date = date(2000, 1, 1)) -> Unit:
    code = code or f"U{next(_seq):04d}"
    unit = Unit(code=code, kind=kind, parent=parent, legal_personality=legal_personality,
                document_code=document_code, place=place)
    unit.names.append(UnitName(name=name or f"Đơn vị {code}", valid_from=valid_from))
    db.session.add(unit)
    db.session.commit()
    return unit


def make_person(unit: Unit, code: str | None = None, *, full_name: str | None = None,
                gender: Gender = Gender.FEMALE, position: str = "Chấp hành viên",
                since: date = date(2015, 1, 1), **fields) -> Person:
    code = code or f"P{next(_seq):05d}"
    person = Person(code=code, full_name=full_name or f"Nguyễn Thị {code}", gender=gender, position=position,
                    hire_date=since, unit=unit, **fields)
    person.assignments.append(Assignment(unit=unit, valid_from=since))
    db.session.add(person)
    db.session.commit()
    return person


def make_user(username: str | None = None, *roles: tuple[Role | str, Unit], password: str = PASSWORD,
              person: Person | None = None, active: bool = True) -> User:
    user = User(username=username or f"user{next(_seq)}", person=person, active=active)
    if password == PASSWORD:
        user.password_hash = _PASSWORD_HASH
    else:
        user.set_password(password)
    for role, unit in roles:
        user.roles.append(RoleAssignment(role=Role(role), unit=unit))
    db.session.add(user)
    db.session.commit()
    return user
