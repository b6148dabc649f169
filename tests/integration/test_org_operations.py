"""The verbs that change org records: dated names, moves between units, ratings, discipline, users."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from awards.core.errors import ValidationFailed
from awards.org import operations as ops
from awards.org.models import (ApiToken, ClusterRole, DisciplineLevel, EmulationYear, Gender, RatingLevel, Role,
                               UnitKind, YearlyRating)


def test_unit_names_are_effective_dated(db):
    unit = ops.save_unit("HN", name="Chi cục THADS thị xã Hồng Ngự", kind=UnitKind.DISTRICT_BRANCH,
                         valid_from=date(2004, 1, 1))
    ops.rename_unit(unit, "Chi cục THADS thành phố Hồng Ngự", date(2020, 7, 1))
    assert unit.name_on(date(2020, 6, 30)) == "Chi cục THADS thị xã Hồng Ngự"
    assert unit.name_on(date(2020, 7, 1)) == "Chi cục THADS thành phố Hồng Ngự"
    assert unit.name == "Chi cục THADS thành phố Hồng Ngự"
    first, second = sorted(unit.names, key=lambda n: n.valid_from)
    assert first.valid_to == date(2020, 6, 30) and second.valid_to is None


def test_a_name_inserted_between_two_periods_closes_on_the_next_one(db):
    unit = ops.save_unit("X", name="A", kind=UnitKind.OTHER, valid_from=date(2000, 1, 1))
    ops.rename_unit(unit, "C", date(2020, 1, 1))
    ops.rename_unit(unit, "B", date(2010, 1, 1))
    assert [unit.name_on(date(y, 6, 1)) for y in (2005, 2015, 2021)] == ["A", "B", "C"]
    b = next(n for n in unit.names if n.name == "B")
    assert b.valid_to == date(2019, 12, 31)


def test_reimporting_a_unit_updates_in_place_and_same_name_adds_no_period(db):
    ops.save_unit("Y", name="Tên", kind=UnitKind.OTHER, place="Huế")
    unit = ops.save_unit("Y", name="Tên", kind=UnitKind.DIVISION, place="Đà Nẵng")
    assert unit.kind == UnitKind.DIVISION and unit.place == "Đà Nẵng" and len(unit.names) == 1


def test_a_unit_cannot_become_its_own_ancestor(db):
    parent = ops.save_unit("P", name="P", kind=UnitKind.OTHER)
    child = ops.save_unit("C", name="C", kind=UnitKind.OTHER, parent=parent)
    with pytest.raises(ValidationFailed, match="nằm trong chính đơn vị"):
        ops.save_unit("P", name="P", kind=UnitKind.OTHER, parent=child)


def test_moving_a_person_closes_the_previous_assignment(db):
    a = ops.save_unit("A", name="A", kind=UnitKind.OTHER)
    b = ops.save_unit("B", name="B", kind=UnitKind.OTHER)
    person = ops.save_person("NV1", full_name="Trần Văn An", gender=Gender.MALE, hire_date=date(2015, 3, 1), unit=a)
    ops.assign(person, b, date(2021, 1, 1))
    assert person.unit is b
    assert person.unit_on(date(2020, 12, 31)) is a and person.unit_on(date(2021, 1, 1)) is b
    first = next(x for x in person.assignments if x.unit is a)
    assert first.valid_from == date(2015, 3, 1) and first.valid_to == date(2020, 12, 31)
    # Saving the person again with the same unit adds no assignment.
    ops.save_person("NV1", full_name="Trần Văn An", gender=Gender.MALE, unit=b)
    assert len(person.assignments) == 2


def test_ratings_belong_to_one_subject_and_update_in_place(db):
    unit = ops.save_unit("R", name="R", kind=UnitKind.OTHER)
    person = ops.save_person("NV2", full_name="Lê Thị Bình", gender=Gender.FEMALE, unit=unit)
    ops.set_rating(2021, RatingLevel.HTTNV, person=person)
    ops.set_rating(2021, RatingLevel.HTXSNV, person=person)
    ops.set_rating(2021, RatingLevel.HTNV, unit=unit)
    rows = db.session.scalars(select(YearlyRating).order_by(YearlyRating.id)).all()
    assert [(r.subject_type.value, r.rating) for r in rows] == [("person", RatingLevel.HTXSNV),
                                                               ("unit", RatingLevel.HTNV)]
    with pytest.raises(ValueError):
        ops.set_rating(2021, RatingLevel.HTNV, person=person, unit=unit)
    assert RatingLevel.HTXSNV.rank > RatingLevel.HTTNV.rank > RatingLevel.HTNV.rank > RatingLevel.KHTNV.rank


def test_discipline_levels_are_ordered_and_dated(db):
    unit = ops.save_unit("D", name="D", kind=UnitKind.OTHER)
    person = ops.save_person("NV3", full_name="Phạm Văn Cường", gender=Gender.MALE, unit=unit)
    d = ops.record_discipline(person, DisciplineLevel.KHIEN_TRACH, date(2021, 3, 1), date(2022, 2, 28), "Vi phạm")
    assert d.in_force_on(date(2021, 6, 1)) and not d.in_force_on(date(2022, 3, 1))
    ops.record_discipline(person, DisciplineLevel.KHIEN_TRACH, date(2021, 3, 1), None, "Sửa lý do")
    assert len(person.disciplines) == 1 and person.disciplines[0].reason == "Sửa lý do"
    ranks = [lvl.rank for lvl in DisciplineLevel]
    assert ranks == sorted(ranks) and DisciplineLevel.CANH_CAO.rank > DisciplineLevel.KHIEN_TRACH.rank


def test_cluster_members_per_year(db):
    org = ops.save_unit("TH", name="Cục THADS tỉnh Thanh Hóa", kind=UnitKind.PROVINCIAL_DEPARTMENT)
    a = ops.save_unit("QS", name="Quan Sơn", kind=UnitKind.DISTRICT_BRANCH, parent=org)
    cluster = ops.save_cluster("CUM3", name="Cụm thi đua số 3", organiser=org)
    ops.set_cluster_member(cluster, 2021, a, ClusterRole.MEMBER)
    ops.set_cluster_member(cluster, 2021, a, ClusterRole.LEADER)
    ops.set_cluster_member(cluster, 2020, a, ClusterRole.DEPUTY)
    assert [(m.year, m.role) for m in cluster.members_in(2021)] == [(2021, ClusterRole.LEADER)]
    assert len(cluster.members) == 2


def test_emulation_year_defaults_to_thads_bounds(db):
    year = ops.ensure_year(2021)
    assert (year.start_date, year.end_date) == (date(2020, 10, 1), date(2021, 9, 30))
    assert EmulationYear.default_bounds(2022) == (date(2021, 10, 1), date(2022, 9, 30))


@pytest.mark.parametrize("password", ["short1", "onlyletters", "12345678", ""])
def test_password_policy(db, password):
    with pytest.raises(ValidationFailed, match="ít nhất 8 ký tự"):
        ops.create_user("weak", password)


def test_users_hash_passwords_and_tokens(db):
    unit = ops.save_unit("U", name="U", kind=UnitKind.OTHER)
    user = ops.create_user("canbo", "Mat-khau-2021", roles=[(Role.HR, unit), (Role.HR, unit)])
    assert user.password_hash != "Mat-khau-2021" and user.check_password("Mat-khau-2021")
    assert len(user.roles) == 1
    token = ops.issue_api_token(user)
    stored = db.session.scalar(select(ApiToken.token_hash))
    assert stored == ApiToken.digest(token) and token not in stored
    assert db.session.scalar(ApiToken.lookup(token)).user is user
    with pytest.raises(ValidationFailed, match="đã tồn tại"):
        ops.create_user("canbo", "Mat-khau-2022")
    assert ops.create_user("demo1", "demo", demo=True).check_password("demo")


def test_a_move_cannot_rewrite_history_and_pending_flags_are_saved(db):
    a = ops.save_unit("MA", name="A", kind=UnitKind.OTHER)
    b = ops.save_unit("MB", name="B", kind=UnitKind.OTHER)
    person = ops.save_person("NV9", full_name="Võ Thị Hoa", gender=Gender.FEMALE, unit=a, since=date(2018, 5, 1),
                             complaint_pending=True)
    assert person.complaint_pending and not person.investigation_pending
    with pytest.raises(ValidationFailed, match="01/05/2018"):
        ops.assign(person, b, date(2017, 1, 1))
    assert person.unit is a and len(person.assignments) == 1
    ops.save_person("NV9", full_name="Võ Thị Hoa", gender=Gender.FEMALE)  # None keeps the flags
    assert person.complaint_pending


def test_authorised_staff_is_kept_unless_given(db):
    unit = ops.save_unit("AS", name="A", kind=UnitKind.OTHER, authorised_staff=12)
    ops.save_unit("AS", name="A", kind=UnitKind.OTHER)
    assert unit.authorised_staff == 12
    ops.save_unit("AS", name="A", kind=UnitKind.OTHER, authorised_staff=None)
    assert unit.authorised_staff is None
