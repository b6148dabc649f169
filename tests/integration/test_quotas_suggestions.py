"""Quotas per unit subtree and year (rounded down, dated, cited) and suggestions (what may be nominated)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from awards.catalogue.models import Parameter
from awards.eligibility.quotas import Quota, limit_of, quotas
from awards.org import operations as ops
from tests.factories import make_person
from tests.integration.test_eligibility_loader import hold


def _staff(unit, n: int, prefix: str) -> list:
    return [make_person(unit, f"{prefix}{i:02d}", since=date(2015, 1, 1)) for i in range(n)]


@pytest.mark.parametrize("share, count, limit", [("0.15", 20, 3), ("0.15", 19, 2), ("0.15", 6, 0),
                                                 ("0.15", 100, 15), (None, 20, None)])
def test_limit_is_rounded_down(share, count, limit):
    assert limit_of(share, count) == limit


def test_cstdcs_quota_in_2021_is_15_percent_of_the_ldtt_count_rounded_down(db, org):
    people = _staff(org.dt_a, 12, "A") + _staff(org.dt_b, 8, "B") + _staff(org.th_a, 5, "T")
    for person in people:
        hold(db, person, "LDTT", 2021)
    hold(db, people[0], "CSTDCS", 2021)
    hold(db, people[13], "CSTDCS", 2021)
    hold(db, people[1], "CSTDCS", 2021, revoked=True)   # revoked: not used
    hold(db, people[2], "CSTDCS", 2020)                 # another year
    hold(db, people[21], "CSTDCS", 2021)                # another province

    (quota,) = quotas(org.dt, 2021)
    assert quota == Quota("CSTDCS", 3, 2, "15% số cá nhân đạt Lao động tiên tiến (20) theo Điều 14 khoản 1, "
                                          "91/2017/NĐ-CP", "LDTT", 20)
    # A branch's own subtree: 12 LDTT → 1.
    (branch,) = quotas(org.dt_a, 2021)
    assert (branch.limit, branch.used, branch.base_count) == (1, 1, 12)


def test_under_the_2022_law_there_is_no_limit_but_the_use_is_counted(db, org):
    people = _staff(org.dt_a, 20, "A")
    for person in people:
        hold(db, person, "LDTT", 2024)
    for person in people[:5]:
        hold(db, person, "CSTDCS", 2024)
    (quota,) = quotas(org.dt, 2024)
    assert (quota.award, quota.limit, quota.used, quota.exceeded) == ("CSTDCS", None, 5, False)
    assert quota.basis == "Không giới hạn số lượng theo 98/2023/NĐ-CP"


def test_a_unit_that_sets_a_share_after_2024_gets_its_limit_and_an_exceeded_quota_shows(db, org):
    row = db.session.scalar(select(Parameter).where(Parameter.key == "quota.CSTDCS.share_of_LDTT",
                                                    Parameter.effective_to.is_(None)))
    row.value = "0.125"
    db.session.flush()
    people = _staff(org.dt_a, 16, "A")
    for person in people:
        hold(db, person, "LDTT", 2024)
    for person in people[:3]:
        hold(db, person, "CSTDCS", 2024)
    (quota,) = quotas(org.dt, 2024)
    assert (quota.limit, quota.used, quota.exceeded) == (2, 3, True)
    assert quota.basis.startswith("12,50% số cá nhân đạt Lao động tiên tiến (16)")


def test_the_ldtt_count_follows_who_worked_in_the_subtree_that_year(db, org):
    moved = make_person(org.th_a, "M1", since=date(2015, 1, 1))
    ops.assign(moved, org.dt_a, date(2021, 6, 1))     # in Đồng Tháp for part of 2021
    later = make_person(org.th_a, "M2", since=date(2015, 1, 1))
    ops.assign(later, org.dt_a, date(2021, 10, 1))    # only from emulation year 2022
    hold(db, moved, "LDTT", 2021)
    hold(db, later, "LDTT", 2021)
    (quota,) = quotas(org.dt, 2021)
    assert quota.base_count == 1


def test_no_quota_before_any_is_in_force(db, org):
    assert quotas(org.dt, 2010) == []
