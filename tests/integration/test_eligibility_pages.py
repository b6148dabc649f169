"""Eligibility on the person and unit pages: verdict cards and clause colours from the service, scope, the
unit's suggestions and quota meters."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from awards.catalogue.models import Award, AwardHolding
from awards.eligibility import service
from awards.eligibility import views as eligibility_views
from awards.eligibility.engine import ClauseResult, Report
from awards.extensions import db as _db
from awards.org import operations as ops
from awards.org.models import RatingLevel
from awards.org.queries import current_year_label
from tests.factories import make_person

YEAR = 2021  # ND 91/2017: CSTDCS ≤ 15% of the LDTT count


def _hold(subject, code: str, year: int = YEAR) -> None:
    award = _db.session.scalar(select(Award).where(Award.code == code))
    _db.session.add(AwardHolding(person_id=subject.id, year=year, award=award, decision_no="1/QĐ"))


@pytest.fixture()
def branch(org):
    """Seven people of Lấp Vò rated for 2021; all seven hold LDTT, one already holds CSTDCS."""
    people = [make_person(org.dt_a, f"LV-{i}", full_name=f"Trần Văn {chr(65 + i)}", since=date(2010, 1, 1))
              for i in range(7)]
    for i, person in enumerate(people):
        ops.set_rating(YEAR, RatingLevel.HTXSNV if i == 0 else RatingLevel.HTTNV, person=person)
        ops.set_rating(YEAR - 1, RatingLevel.HTTNV, person=person)
        _hold(person, "LDTT")
    _hold(people[0], "CSTDCS")
    ops.set_rating(YEAR, RatingLevel.HTXSNV, unit=org.dt_a)
    _db.session.commit()
    return people


def _cards(html: str) -> dict[str, str]:
    """award code → the card's HTML."""
    parts = html.split('class="card mb-2 report" ')[1:]
    return {re.search(r'data-award="([A-Z_]+)"', p)[1]: p for p in parts}


def test_the_person_section_shows_every_award_verdict_from_the_service(client, login, org, branch):
    person = branch[1]
    login(org.hr)
    html = client.get(f"/people/{person.code}").get_data(as_text=True)
    section = html.split('id="person-eligibility"')[1].split('id="person-metrics"')[0]
    assert f"năm {YEAR}" in section  # the year before the current one is not rated: the latest rated year
    reports = service.person_reports(person, YEAR)
    cards = _cards(section)
    assert set(cards) == {r.award for r in reports}
    for report in reports:
        card = cards[report.award]
        assert f'data-verdict="{report.verdict}"' in card
        for clause in report.clauses:
            assert f'data-clause="{clause.code}" data-outcome="{clause.outcome}"' in card
            assert clause.citation in card
    assert f'/people/{person.code}/eligibility?year={YEAR}' in section


def _stub(subject_code: str, subject_type: str = "person") -> list[Report]:
    clauses = (ClauseResult("rating", "Xếp loại từ HTTNV", "Điều 9, 91/2017/NĐ-CP", "met", "Xếp loại HTTNV.", "Rated"),
               ClauseResult("initiative", "Có sáng kiến", "Điều 14, 91/2017/NĐ-CP", "not_met",
                            "Không có sáng kiến năm 2021.", "No initiative"),
               ClauseResult("achievement", "Thành tích xuất sắc", "Điều 39", "unknown", "Cần người xét.", "Judge"))
    return [Report(subject_code, subject_type, "CSTDCS", YEAR, "ND91_2017", "ineligible", clauses),
            Report(subject_code, subject_type, "LDTT", YEAR, "ND91_2017", "eligible", clauses[:1]),
            Report(subject_code, subject_type, "GK", YEAR, "ND91_2017", "needs_information", clauses[2:])]


def test_verdict_badges_and_clause_colours(client, login, org, branch, monkeypatch):
    person = branch[1]
    monkeypatch.setattr(service, "person_reports", lambda p, year: _stub(p.code))
    login(org.hr)
    html = client.get(f"/people/{person.code}/eligibility?year={YEAR}").get_data(as_text=True)
    cards = _cards(html)
    assert re.search(r'text-bg-danger verdict" data-verdict="ineligible">Không đủ điều kiện', cards["CSTDCS"])
    assert re.search(r'text-bg-success verdict" data-verdict="eligible">Đủ điều kiện', cards["LDTT"])
    assert re.search(r'text-bg-secondary verdict" data-verdict="needs_information">Cần bổ sung thông tin', cards["GK"])
    cstdcs = cards["CSTDCS"]
    for clause, outcome, colour, badge in (("rating", "met", "success", "Đạt"),
                                           ("initiative", "not_met", "danger", "Không đạt"),
                                           ("achievement", "unknown", "secondary", "Chưa rõ")):
        item = cstdcs.split(f'data-clause="{clause}" data-outcome="{outcome}">')[1].split("</li>")[0]
        assert item.lstrip().startswith(f'<span class="bg-{colour} rounded-pill')  # the coloured mark
        assert f'text-bg-{colour} outcome" data-outcome="{outcome}">{badge}</span>' in item
    for text in ("Không có sáng kiến năm 2021.", "Điều 14, 91/2017/NĐ-CP", "Chiến sĩ thi đua cơ sở",
                 "Luật Thi đua, khen thưởng 2003 và Nghị định 91/2017/NĐ-CP"):
        assert text in cstdcs


def test_the_year_is_chosen_from_the_ratings(db, org):
    previous = current_year_label() - 1
    assert eligibility_views.chosen_year([], None) == previous
    assert eligibility_views.chosen_year([YEAR, YEAR - 1], None) == YEAR
    assert eligibility_views.chosen_year([previous, YEAR], None) == previous
    assert eligibility_views.chosen_year([YEAR], 2019) == 2019
    assert eligibility_views.chosen_year([YEAR], 99999) == YEAR  # nonsense is ignored


def test_the_full_pages_follow_the_year_asked_for(client, login, org, branch):
    login(org.hr)
    html = client.get(f"/people/{branch[0].code}/eligibility?year={YEAR - 1}").get_data(as_text=True)
    assert f'<span class="badge text-bg-primary">{YEAR - 1}</span>' in html
    assert f'href="/people/{branch[0].code}/eligibility?year={YEAR}"' in html


@pytest.mark.parametrize("url", ["/people/{th}/eligibility", "/units/TH-A/eligibility", "/units/TH/eligibility"])
def test_out_of_scope_people_and_units_answer_404(client, login, org, url):
    other = make_person(org.th_a, "TH-P1")
    login(org.hr)  # HR of Đồng Tháp
    assert client.get(url.format(th=other.code)).status_code == 404
    assert client.get("/people/NOBODY/eligibility").status_code == 404


def test_the_unit_page_shows_collective_verdicts_quota_meters_and_suggestions(client, login, org, branch):
    login(org.hr)
    html = client.get(f"/units/{org.dt_a.code}").get_data(as_text=True)
    section = html.split('id="unit-eligibility"')[1]
    collective = section.split('id="unit-quotas"')[0]
    assert set(_cards(collective)) == {r.award for r in service.unit_reports(org.dt_a, YEAR)}
    quotas = section.split('id="unit-quotas"')[1].split('id="unit-suggestions"')[0]
    # 7 LDTT × 15% = 1.05 → 1 CSTDCS allowed; one already held.
    assert 'data-award="CSTDCS" data-used="1" data-limit="1"' in quotas
    assert 'class="progress-bar bg-warning" data-percent="100"' in quotas
    assert "15% số cá nhân đạt Lao động tiên tiến (7)" in quotas
    assert '<span class="fst-italic" lang="vi">Điều 14 khoản 1, 91/2017/NĐ-CP</span>' in quotas
    suggestions = section.split('id="unit-suggestions"')[1]
    expected = service.suggestions(org.dt_a, YEAR)
    assert len(expected) > eligibility_views.SUGGESTIONS_SHOWN, "the fixture should suggest more than a page shows"
    shown = re.findall(r'data-subject="([^"]+)" data-award="([^"]+)"', suggestions)
    assert shown == [(s.subject_code, s.award) for s in expected[:eligibility_views.SUGGESTIONS_SHOWN]]
    assert f'href="/units/{org.dt_a.code}/eligibility?year={YEAR}#suggestions"' in suggestions  # "see all"
    full = client.get(f"/units/{org.dt_a.code}/eligibility?year={YEAR}").get_data(as_text=True)
    listed = full.split('id="suggestions"')[1]
    assert re.findall(r'data-subject="([^"]+)" data-award="([^"]+)"', listed) == [
        (s.subject_code, s.award) for s in expected]
    for s in expected:
        if s.subject_type == "person":
            assert f'href="/people/{s.subject_code}/eligibility"' in listed


def test_an_exceeded_quota_is_red(client, login, org, branch):
    _hold(branch[1], "CSTDCS")
    _db.session.commit()
    login(org.hr)
    html = client.get(f"/units/{org.dt.code}/eligibility?year={YEAR}").get_data(as_text=True)
    quotas = html.split('id="unit-quotas"')[1]
    assert 'data-award="CSTDCS" data-used="2" data-limit="1"' in quotas
    assert 'class="progress-bar bg-danger" data-percent="100"' in quotas
    assert 'id="suggestions"' in html


def test_a_proposer_goes_from_a_suggestion_to_the_filled_in_nomination_form(client, login, org, branch):
    login(org.proposer)
    page = client.get(f"/units/{org.dt_a.code}/eligibility?year={YEAR}").get_data(as_text=True)
    listed = page.split('id="suggestions"')[1]
    first = service.suggestions(org.dt_a, YEAR)[0]
    link = (f'/nominations/new?nominee_type={first.subject_type}&amp;nominee_code={first.subject_code}'
            f'&amp;award={first.award}&amp;year={YEAR}')
    assert link in listed
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'value="{first.subject_code}"' in form
    client.post("/logout")
    login(org.hr)  # not a proposer: no such button
    assert "/nominations/new?" not in client.get(f"/units/{org.dt_a.code}/eligibility?year={YEAR}").get_data(
        as_text=True)
