"""Timelines (issue 8): a person's and a unit's years on their pages, with decision links only to decisions the
reader may see, the officer's figures against targets, the cluster rank, and the path to the next title phrased
from the eligibility rules ("2/3 năm CSTĐCS liên tiếp; cần sáng kiến cấp bộ"); a fixed number of statements
whatever the number of years."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from awards.catalogue.models import Award, AwardHolding
from awards.core.models import utcnow
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionState
from awards.documents.models import StoredDocument
from awards.extensions import db as _db
from awards.initiatives.models import Initiative, InitiativeAuthor, InitiativeScope
from awards.metrics.models import MetricReport, MetricTarget
from awards.org.models import RatingLevel, YearlyRating
from awards.reports import timeline
from tests.api_checks import count_statements
from tests.factories import make_person
from tests.integration.test_cluster_scoring import YEAR, all_reviewed, world  # noqa: F401 - the fixture

# --- building records ------------------------------------------------------------------------------------------


def award_id(code: str) -> int:
    return _db.session.scalar(select(Award.id).where(Award.code == code))


def decision(issuer, number: int, *, award_year: int, state=DecisionState.ISSUED, kind=DecisionKind.AWARD,
             decided_on: date | None = None) -> Decision:
    """A bare decision (an issued one with a stored file, as the database asks)."""
    decided_on = decided_on or date(award_year + 1, 1, 10)
    external = kind == DecisionKind.EXTERNAL
    d = Decision(kind=kind, state=state, issuer=issuer, year=decided_on.year, award_year=award_year,
                 decided_on=decided_on, symbol="QĐ-CTHADS",
                 number=number if state != DecisionState.DRAFT and not external else None,
                 external_issuer="Bộ Tư pháp" if external else "", external_number="77/QĐ-BTP" if external else "")
    if state != DecisionState.DRAFT:
        d.issued_at = utcnow()
        d.pdf = StoredDocument(kind="decision", filename="x.pdf", content=b"%PDF-1.4\n", sha256="0" * 64)
    _db.session.add(d)
    _db.session.flush()
    return d


def grant(subject, code: str, year: int, by: Decision | None = None, *, revoked: bool = False) -> AwardHolding:
    """The holding (and, with ``by``, the decision item that granted it)."""
    person = not hasattr(subject, "legal_personality")
    holding = AwardHolding(person_id=subject.id if person else None, unit_id=None if person else subject.id,
                           year=year, award_id=award_id(code), decision_no=by.number_text if by else "12/QĐ-cũ",
                           decision_date=by.decided_on if by else date(year, 12, 1), revoked=revoked)
    _db.session.add(holding)
    if by is not None:
        _db.session.add(DecisionItem(decision=by, person_id=holding.person_id, unit_id=holding.unit_id,
                                     award_id=holding.award_id, money=1_490_000))
    _db.session.flush()
    return holding


def rate(subject, year: int, rating: str) -> None:
    person = not hasattr(subject, "legal_personality")
    _db.session.add(YearlyRating(person_id=subject.id if person else None, unit_id=None if person else subject.id,
                                 year=year, rating=RatingLevel(rating)))
    _db.session.flush()


def initiative(person, code: str, year: int, scope: InitiativeScope | None = InitiativeScope.BASE,
               state: str = "recognised") -> Initiative:
    i = Initiative(code=code, title=f"Sáng kiến {code}", unit_id=person.unit_id, year=year, scope=scope, state=state)
    i.authors.append(InitiativeAuthor(person_id=person.id))
    _db.session.add(i)
    _db.session.flush()
    return i


def officer_figures(person, year: int, month: int, enforceable: int, completed: int) -> None:
    _db.session.add(MetricReport(person_id=person.id, year=year, month=month, cases_received=enforceable,
                                 cases_enforceable=enforceable, cases_completed=completed, money_received=1000,
                                 money_enforceable=1000, money_completed=400))
    _db.session.flush()


def officer_target(person, year: int, cases: str, money: str) -> None:
    _db.session.add(MetricTarget(person_id=person.id, year=year, case_target_pct=Decimal(cases),
                                 money_target_pct=Decimal(money)))
    _db.session.flush()


def row(html: str, year: int) -> str:
    """The timeline row of ``year`` (its HTML)."""
    found = re.search(rf'<tr data-year="{year}">(.*?)</tr>', html, re.S)
    assert found, f"no timeline row for {year}"
    return found.group(1)


def text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


# --- the person's years ----------------------------------------------------------------------------------------

@pytest.fixture()
def officer(org):
    """An officer of DT-A: 2021 rated HTXSNV with LĐTT + CSTĐCS from the Cục's decision, a base initiative and
    figures against targets; 2020 LĐTT from the Tổng cục's decision; 2019 an imported, later revoked LĐTT."""
    p = make_person(org.dt_a, "CHV-01", full_name="Trần Văn Bình")
    rate(p, 2021, "HTXSNV")
    rate(p, 2020, "HTTNV")
    by_dt = decision(org.dt, 7, award_year=2021)
    grant(p, "LDTT", 2021, by_dt)
    grant(p, "CSTDCS", 2021, by_dt)
    grant(p, "LDTT", 2020, decision(org.root, 3, award_year=2020))
    grant(p, "LDTT", 2019, revoked=True)
    decision(org.dt, 0, award_year=2021, state=DecisionState.DRAFT)  # a draft grants nothing
    initiative(p, "SK-21", 2021)
    officer_figures(p, 2021, 12, 100, 30)  # December: early in the statistical year
    officer_figures(p, 2021, 9, 200, 170)  # September: the year's result
    officer_target(p, 2021, "81.50", "38.00")
    return p


def test_each_row_shows_the_years_rating_titles_initiatives_and_figures(db, org, officer, login):
    html = login(org.hr).get(f"/people/{officer.code}").get_data(as_text=True)
    assert [int(y) for y in re.findall(r'<tr data-year="(\d+)">', html)] == [2021, 2020, 2019]
    y2021 = row(html, 2021)
    assert "HTXSNV" in y2021 and "Hoàn thành xuất sắc nhiệm vụ" in y2021
    assert 'data-award="LDTT"' in y2021 and 'data-award="CSTDCS"' in y2021 and "Chiến sĩ thi đua cơ sở" in y2021
    assert "Sáng kiến SK-21" in y2021 and "Cấp cơ sở" in y2021
    figures = text(re.search(r'class="tl-figures">(.*?)</td>', y2021, re.S).group(1))
    # 170/200 = 85,00% (September, not December's 30%) against 81,50%: 3,50 points over.
    assert "Việc: 85,00%" in figures and "81,50%" in figures and "vượt 3,50" in figures
    assert "Tiền: 40,00%" in figures and "38,00%" in figures and "vượt 2,00" in figures
    assert "tháng 9/2021" in figures
    y2020 = row(html, 2020)
    assert "HTTNV" in y2020 and 'data-award="LDTT"' in y2020 and 'data-award="CSTDCS"' not in y2020
    assert text(re.search(r'class="tl-initiatives">(.*?)</td>', y2020, re.S).group(1)) == "—"
    y2019 = row(html, 2019)
    assert "text-decoration-line-through" in y2019 and "đã thu hồi" in y2019 and "12/QĐ-cũ" in y2019


def test_decision_links_go_only_to_decisions_the_reader_may_see(db, org, officer, login):
    by_dt = _db.session.scalar(select(Decision).where(Decision.issuer_id == org.dt.id, Decision.number == 7))
    by_root = _db.session.scalar(select(Decision).where(Decision.issuer_id == org.root.id))
    links = re.compile(r'href="/decisions/(\d+)"')

    def page(user) -> str:
        client = login(user)
        html = client.get(f"/people/{officer.code}").get_data(as_text=True)
        for decision_id in links.findall(html):  # every link found is a page the reader can open
            assert client.get(f"/decisions/{decision_id}").status_code == 200
        client.post("/logout")
        return html

    def linked(user) -> set[int]:
        return {int(i) for i in links.findall(page(user))}

    # HR of the Cục reads its decisions, not the Tổng cục's: the 2020 number stays plain text.
    assert linked(org.hr) == {by_dt.id}
    assert "03/QĐ-CTHADS" in row(page(org.hr), 2020)
    assert linked(org.admin) == {by_dt.id, by_root.id}
    assert linked(org.proposer) == set()  # sees the person, holds no decision role
    assert "07/QĐ-CTHADS" in row(page(org.proposer), 2021)  # the number, as text


def test_an_outcome_recorded_from_above_links_with_its_own_number(db, org, officer, login):
    external = decision(org.dt, 0, award_year=2021, kind=DecisionKind.EXTERNAL)
    grant(officer, "BK_BO", 2021, external)
    y2021 = row(login(org.hr).get(f"/people/{officer.code}").get_data(as_text=True), 2021)
    assert f'href="/decisions/{external.id}">77/QĐ-BTP</a>' in y2021


def _person_with_years(org, n: int):
    p = make_person(org.dt_a)
    for year in range(2021 - n + 1, 2022):
        rate(p, year, "HTTNV")
        grant(p, "LDTT", year, decision(org.dt, 10 * n + 2021 - year + 1, award_year=year))
        initiative(p, f"SK-{n}-{year}", year)
        officer_figures(p, year, 9, 100, 90)
        officer_target(p, year, "80.00", "40.00")
    return p


def test_a_persons_years_cost_the_same_statements_for_one_year_as_for_five(db, org):
    one, five = _person_with_years(org, 1), _person_with_years(org, 5)

    def statements(person) -> tuple[int, int]:
        with count_statements(_db) as seen:
            built = timeline.person_timeline(person, org.hr)
            titles = timeline.next_titles(person, built.path_year)
        assert all(h.decision for y in built.years for h in y.awards)  # every year's link was found
        assert len(titles) == 3
        return len(seen), len(built.years)

    statements(one)  # the first call loads what is cached afterwards (the award catalogue …)
    (small, one_years), (large, five_years) = statements(one), statements(five)
    assert (one_years, five_years) == (1, 5)
    assert small == large


def test_the_person_page_with_five_years_is_no_costlier_than_with_one(db, org, login):
    one, five = _person_with_years(org, 1), _person_with_years(org, 5)
    client = login(org.hr)

    def statements(person) -> int:
        client.get(f"/people/{person.code}")  # warm the per-process caches (parameters, award names)
        with count_statements(_db) as seen:
            assert client.get(f"/people/{person.code}").status_code == 200
        return len(seen)

    assert statements(one) == statements(five)


# --- the path to the next title --------------------------------------------------------------------------------

@pytest.fixture()
def two_of_three(org):
    """CSTĐCS in 2020 and 2021 (2019 only LĐTT), rated HTXSNV both years, a base initiative only."""
    p = make_person(org.dt_a, "CHV-02", full_name="Lê Thị Hoa")
    for year in (2019, 2020, 2021):
        rate(p, year, "HTXSNV" if year > 2019 else "HTTNV")
        grant(p, "LDTT", year)
    grant(p, "CSTDCS", 2020)
    grant(p, "CSTDCS", 2021)
    initiative(p, "SK-CS", 2021)
    return p


def test_the_path_says_what_is_met_and_what_is_missing(db, org, two_of_three):
    titles = {t.award: t for t in timeline.next_titles(two_of_three, 2021)}
    assert list(titles) == ["CSTD_BO", "CSTD_TQ", "BK_BO"]
    cstd_bo = titles["CSTD_BO"]
    assert cstd_bo.summary == "2/3 năm CSTĐCS liên tiếp; cần sáng kiến cấp bộ"
    assert [(s.status, s.text) for s in cstd_bo.steps] == [("missing", "2/3 năm CSTĐCS liên tiếp"),
                                                            ("missing", "cần sáng kiến cấp bộ")]
    assert cstd_bo.verdict == "ineligible"
    assert "2019: không" in cstd_bo.steps[0].reason  # the rule's own reason is kept for the detail
    assert titles["CSTD_TQ"].summary == "0/2 lần CSTĐ cấp bộ liên tiếp; cần sáng kiến phạm vi toàn quốc"
    bk_bo = titles["BK_BO"]
    assert (bk_bo.summary, bk_bo.verdict, bk_bo.met[0].text) == ("2/2 năm CSTĐCS liên tiếp", "eligible",
                                                                 "2/2 năm CSTĐCS liên tiếp")
    assert bk_bo.missing == []


def test_a_ministry_initiative_and_the_third_year_complete_cstd_bo(db, org, two_of_three):
    grant(two_of_three, "CSTDCS", 2019)
    initiative(two_of_three, "SK-BO", 2021, InitiativeScope.MINISTRY)
    cstd_bo = timeline.next_titles(two_of_three, 2021)[0]
    assert cstd_bo.summary == "3/3 năm CSTĐCS liên tiếp; có sáng kiến cấp bộ"
    assert {s.status for s in cstd_bo.steps} == {"met"} and cstd_bo.verdict == "eligible"


def test_a_pending_case_is_named_only_when_it_blocks(db, org, two_of_three):
    assert all("vụ việc" not in t.summary for t in timeline.next_titles(two_of_three, 2021))
    two_of_three.investigation_pending = True
    _db.session.flush()
    cstd_bo = timeline.next_titles(two_of_three, 2021)[0]
    assert cstd_bo.summary == ("2/3 năm CSTĐCS liên tiếp; cần sáng kiến cấp bộ; "
                               "cần giải quyết xong vụ việc đang xem xét")


def test_bk_bo_by_excellent_years_and_initiatives_or_what_each_route_misses(db, org):
    p = make_person(org.dt_a)
    rate(p, 2020, "HTXSNV")
    rate(p, 2021, "HTXSNV")
    grant(p, "CSTDCS", 2021)
    initiative(p, "SK-A", 2020)
    bk_bo = timeline.next_titles(p, 2021)[2]
    assert bk_bo.summary == "1/2 năm CSTĐCS liên tiếp, hoặc 2/2 năm HTXSNV liên tiếp với 1/2 sáng kiến"
    assert bk_bo.missing and bk_bo.verdict == "needs_information"  # other routes are the council's
    initiative(p, "SK-B", 2021)
    bk_bo = timeline.next_titles(p, 2021)[2]
    assert (bk_bo.summary, bk_bo.verdict) == ("2/2 năm HTXSNV liên tiếp với 2/2 sáng kiến", "eligible")


def test_the_person_page_shows_the_path_for_the_latest_year(db, org, two_of_three, login):
    html = login(org.hr).get(f"/people/{two_of_three.code}").get_data(as_text=True)
    card = html[html.index('id="next-titles"'):]
    assert "xét theo năm 2021" in card
    item = re.search(r'<li class="list-group-item" data-award="CSTD_BO">(.*?)</ul>\s*</li>', card, re.S).group(1)
    assert "Chiến sĩ thi đua cấp bộ" in item
    assert text(re.search(r'class="next-summary">(.*?)</div>', item, re.S).group(1)) == (
        "2/3 năm CSTĐCS liên tiếp; cần sáng kiến cấp bộ")
    assert item.count('data-status="missing"') == 2 and "Còn thiếu" in item


# --- the unit's years ------------------------------------------------------------------------------------------

def test_the_unit_timeline_shows_rating_titles_figures_and_cluster_rank(db, world, login):  # noqa: F811
    org = world.org
    # DT-B scores best (I.3 40, II.1 95): first of three; DT-A second.
    all_reviewed(world, {"DT-B": (4000, 9500), "DT-A": (3500, 9000), "DT-C": (3000, 8000)})
    rate(world.a, YEAR, "HTXSNV")
    grant(world.a, "TTLDTT", YEAR, decision(org.dt, 9, award_year=YEAR))
    html = login(org.hr).get(f"/units/{world.a.code}").get_data(as_text=True)
    y = row(html, YEAR)
    assert "HTXSNV" in y and 'data-award="TTLDTT"' in y and "Tập thể lao động tiên tiến" in y
    assert re.search(r'href="/decisions/\d+">09/QĐ-CTHADS</a>', y)
    figures = text(re.search(r'class="tl-figures">(.*?)</td>', y, re.S).group(1))
    assert "Việc: 82,48%" in figures and "81,50%" in figures and "vượt 0,98" in figures  # 1031/1250 (DOMAIN §3)
    rank = text(re.search(r'class="tl-rank">(.*?)</td>', y, re.S).group(1))
    assert rank == "Hạng 2/3 Cụm thi đua số 1"
    html_b = login(org.hr).get(f"/units/{world.b.code}").get_data(as_text=True)
    assert text(re.search(r'class="tl-rank">(.*?)</td>', row(html_b, YEAR), re.S).group(1)).startswith("Hạng 1/3")


def test_a_cluster_rank_waits_for_every_card(db, world, login):  # noqa: F811
    html = login(world.org.hr).get(f"/units/{world.a.code}").get_data(as_text=True)
    rank = text(re.search(r'class="tl-rank">(.*?)</td>', row(html, YEAR), re.S).group(1))
    assert rank == "chưa xếp hạng Cụm thi đua số 1"
    assert timeline.unit_timeline(world.a, world.org.hr)[0].ranks[0].rank is None


def test_a_unit_without_records_says_so(db, org, login):
    html = login(org.hr).get(f"/units/{org.dt_b.code}").get_data(as_text=True)
    assert 'id="unit-timeline"' in html and "Chưa có dữ liệu thi đua, khen thưởng theo năm." in html


def test_the_path_speaks_english_after_the_switch(db, org, two_of_three, login):
    client = login(org.hr)
    assert client.post("/language/en").status_code == 302
    html = client.get(f"/people/{two_of_three.code}").get_data(as_text=True)
    card = html[html.index('id="next-titles"'):]
    assert "Towards the next title" in card and "assessed for 2021" in card
    assert ("2/3 consecutive years Grassroots Emulation Fighter; needs an initiative at ministry level"
            in text(card))
    client.post("/language/vi")
