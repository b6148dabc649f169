"""Quotas per unit subtree and year (rounded down, dated, cited) and suggestions (what may be nominated)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from awards.catalogue.models import Award, Parameter
from awards.eligibility.service import suggestions
from awards.eligibility.quotas import Quota, limit_of, quotas
from awards.org import operations as ops
from awards.org.models import DisciplineLevel, RatingLevel
from tests.factories import make_person
from tests.integration.test_eligibility_loader import hold, initiative


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
    assert quota == Quota("CSTDCS", 3, 2, "15% số cá nhân đạt Lao động tiên tiến (20)",
                          "Điều 14 khoản 1, 91/2017/NĐ-CP", "LDTT", 20)
    assert quota.basis == "15% số cá nhân đạt Lao động tiên tiến (20) theo Điều 14 khoản 1, 91/2017/NĐ-CP"
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


# --- suggestions ------------------------------------------------------------------------------------------

def _pairs(found) -> set[tuple[str, str]]:
    return {(s.subject_code, s.award) for s in found}


@pytest.fixture()
def year_2021(db, org):
    """Lan: LDTT held, CSTDCS eligible (an initiative); Bình: disciplined (nothing for him); Cường: no rating."""
    lan = make_person(org.dt_a, "P-LAN", full_name="Nguyễn Thị Lan", since=date(2015, 1, 1))
    ops.set_rating(2021, RatingLevel.HTXSNV, person=lan)
    hold(db, lan, "LDTT", 2021)
    initiative(db, "SK-LAN", org.dt_a, 2021, [lan])
    binh = make_person(org.dt_b, "P-BINH", full_name="Trần Văn Bình", since=date(2015, 1, 1))
    ops.set_rating(2021, RatingLevel.HTTNV, person=binh)
    ops.record_discipline(binh, DisciplineLevel.CANH_CAO, date(2021, 2, 1))
    cuong = make_person(org.dt_b, "P-CUONG", full_name="Lê Văn Cường", since=date(2015, 1, 1))
    return lan, binh, cuong


def test_suggestions_leave_out_held_awards_and_ineligible_verdicts(db, org, year_2021):
    found = suggestions(org.dt, 2021)
    pairs = _pairs(found)
    assert ("P-LAN", "LDTT") not in pairs                      # held
    assert ("P-LAN", "CSTDCS") in pairs                        # eligible: LDTT + a base initiative
    assert ("P-CUONG", "LDTT") in pairs                        # no rating: needs information
    assert not {award for code, award in pairs if code == "P-BINH"} & {"LDTT", "CSTDCS"}   # disciplined
    assert {s.verdict for s in found} <= {"eligible", "needs_information"}
    lan_cstdcs = next(s for s in found if (s.subject_code, s.award) == ("P-LAN", "CSTDCS"))
    assert (lan_cstdcs.subject_type, lan_cstdcs.subject_name, lan_cstdcs.verdict) == (
        "person", "Nguyễn Thị Lan", "eligible")
    assert {"DT", "DT-A", "DT-B"} <= {s.subject_code for s in found if s.subject_type == "unit"}
    assert "TH-A" not in {s.subject_code for s in found}      # another province
    hold(db, org.dt_a, "TTLDTT", 2021)
    assert ("DT-A", "TTLDTT") not in _pairs(suggestions(org.dt, 2021))


def test_suggestions_are_ordered_award_by_award_eligible_first_people_first(db, org, year_2021):
    found = suggestions(org.dt, 2021)
    rank = dict(db.session.execute(select(Award.code, Award.rank)).all())
    keys = [(rank[s.award], s.award, ["eligible", "needs_information"].index(s.verdict),
             ["person", "unit"].index(s.subject_type)) for s in found]
    assert keys == sorted(keys)
    ldtt_people = [s.subject_code for s in found if s.award == "LDTT"]
    assert ldtt_people == ["P-CUONG"]


def test_suggestions_follow_who_worked_in_the_subtree_that_year(db, org):
    moved = make_person(org.th_a, "P-MOVED", since=date(2015, 1, 1))
    ops.assign(moved, org.dt_a, date(2021, 10, 1))            # in Đồng Tháp from emulation year 2022

    assert "P-MOVED" not in {s.subject_code for s in suggestions(org.dt, 2021)}
    assert "P-MOVED" in {s.subject_code for s in suggestions(org.dt, 2022)}
    assert "P-MOVED" in {s.subject_code for s in suggestions(org.th, 2021)}
