"""A whole council session in the browser: the secretariat sets up the council (unless the demo has it), puts two
CSTĐCS nominations on the agenda, is refused the opening without quorum, marks attendance and opens; nine members
vote from their own browsers (one on a 390 px phone), one nomination misses 80 % of the membership (7 of 9); the
secretariat follows who has voted (never how), closes the round, reads the results, closes the session and
downloads the minutes."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.e2e.conftest import shot

MEMBERS = [f"member{n}" for n in range(1, 10)]


@pytest.fixture(scope="module")
def waiting(live_server, tmp_path_factory):
    """Two CSTĐCS 2021 nominations waiting for DT's council, and the member accounts' people.

    The demo's nominations in_council are on the agenda of its open session, and its proposer has one CSTĐCS
    candidate only, so these two are created with the app's operations in the served database (their way to the
    council is tested in the nomination tests); everything after that happens in the browser.
    """
    from awards import create_app
    from awards.catalogue.models import Award
    from awards.config import Config
    from awards.extensions import db
    from awards.nominations import operations as nominations
    from awards.nominations.models import Nomination
    from awards.org.models import Person, Unit, User

    db_file = next(tmp_path_factory.getbasetemp().glob("e2e*/e2e.db"))

    class SameDatabase(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_file}"
        RATELIMIT_STORAGE_URI = "memory://"

    app = create_app(SameDatabase)
    with app.app_context():
        proposer = db.session.scalar(select(User).where(User.username == "proposer"))
        unit = db.session.scalar(select(Unit).where(Unit.code == "DT-LAPVO"))
        cstdcs = select(Award.id).where(Award.code == "CSTDCS").scalar_subquery()
        taken = set(db.session.scalars(select(Nomination.person_id).where(Nomination.year == 2021,
                                                                          Nomination.award_id == cstdcs)))
        people = [p for p in db.session.scalars(select(Person).where(Person.unit_id == unit.id).order_by(Person.code))
                  if p.id not in taken][:2]
        assert len(people) == 2, "the demo has no DT-LAPVO person free for a CSTĐCS 2021"
        created = []
        for person in people:
            nomination = nominations.create_nomination(actor=proposer, nominee=person, award_code="CSTDCS", year=2021,
                                                       summary="Đề nghị Chiến sĩ thi đua cơ sở năm 2021.")
            nomination.state = "in_council"
            created.append(nomination)
        db.session.commit()
        accounts = db.session.scalars(select(User).where(User.username.in_(MEMBERS)))
        members = {u.username: u.person.code for u in accounts}
        result = {"ids": [n.id for n in created], "names": [p.full_name for p in people], "members": members}
    return result


def _council_url(page, live_server, waiting) -> str:
    """DT's 2021 council: the demo's if it has one, else set up now through the form."""
    page.goto(f"{live_server}/councils/")
    rows = page.locator("#councils-table tbody tr")
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td")
        if cells.nth(0).inner_text().strip() == "2021" and cells.nth(1).inner_text().strip().endswith(" DT"):
            return live_server + cells.nth(1).locator("a").get_attribute("href")
    page.get_by_role("link", name="Lập Hội đồng").click()
    page.fill("input[name=year]", "2021")
    page.eval_on_selector_all("#council-form details", "els => els.forEach(e => e.open = true)")
    for n, username in enumerate(MEMBERS):
        role = "chair" if n == 0 else "vice_chair" if n == 1 else "member"
        page.select_option(f"li[data-person='{waiting['members'][username]}'] select", role)
    shot(page, "council-new")
    page.get_by_role("button", name="Lập Hội đồng").click()
    page.wait_for_url(re.compile(r"/councils/\d+$"))
    assert "Đã lập Hội đồng với 9 thành viên." in page.content()
    return page.url


def _vote(page, session_url: str, choices: dict[int, str | None], *, phone: bool = False) -> None:
    page.goto(f"{session_url}/ballot")
    for nomination_id, choice in choices.items():
        if choice is not None:
            page.locator(f"label[for='vote_{nomination_id}-{choice}']").click()
    page.get_by_role("button", name="Xem lại phiếu").click()
    page.wait_for_load_state()
    assert page.locator(".ballot-choice").count() == len(choices)
    if phone:
        shot(page, "council-ballot-phone-confirm")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.get_by_role("button", name="Xác nhận và gửi phiếu").click()
    page.wait_for_load_state()
    assert "Bạn đã bỏ phiếu vòng 1" in page.locator("#ballot-status").inner_text()


def test_a_council_session_from_agenda_to_minutes(page_for, live_server, waiting):
    secretary = page_for("secretary")
    council_url = _council_url(secretary, live_server, waiting)
    secretary.goto(council_url)
    shot(secretary, "council-detail")
    secretary.get_by_role("link", name="Lập phiên họp").click()
    secretary.fill("input[name=held_on]", "20/12/2021")
    secretary.fill("input[name=place]", "Hội trường Cục THADS tỉnh Đồng Tháp")
    secretary.fill("input[name=number]", "15/BB-HĐTĐKT")
    for nomination_id in waiting["ids"]:
        secretary.check(f"#n-{nomination_id}")
    shot(secretary, "council-session-new")
    secretary.get_by_role("button", name="Lập phiên họp").click()
    secretary.wait_for_url(re.compile(r"/councils/sessions/\d+$"))
    session_url = secretary.url
    passing, failing = waiting["ids"]

    # Five of nine present: the opening is refused, with the rule's numbers on the page.
    boxes = secretary.locator("#attendance input[name=present]")
    assert boxes.count() == 9
    for i in range(5):
        boxes.nth(i).check()
    secretary.get_by_role("button", name="Lưu điểm danh").click()
    secretary.wait_for_load_state()
    secretary.get_by_role("button", name="Khai mạc").click()
    secretary.wait_for_load_state()
    assert "có mặt 5/9, cần ít nhất 6" in secretary.locator(".action-error").inner_text()
    shot(secretary, "council-quorum-refused")
    for i in range(9):
        secretary.locator("#attendance input[name=present]").nth(i).check()
    secretary.get_by_role("button", name="Lưu điểm danh").click()
    secretary.wait_for_load_state()
    secretary.get_by_role("button", name="Khai mạc").click()
    secretary.wait_for_load_state()
    assert "vòng bỏ phiếu 1 đã mở" in secretary.content()

    # Nine members vote from their own browsers; the ninth on a phone. The failing nomination gets 7 yes:
    # member8 leaves it blank (not yes), member9 says no.
    for n, username in enumerate(MEMBERS, 1):
        phone = n == 9
        member = page_for(username, width=390 if phone else 1280, height=844 if phone else 900)
        if n == 1:
            member.goto(f"{live_server}/councils/")
            assert member.locator(".open-ballot").filter(has_text="Phiếu bầu đang mở").count() >= 1
        choice = "yes" if n <= 7 else None if n == 8 else "no"
        if phone:
            member.goto(f"{session_url}/ballot")
            assert member.locator(".ballot-item").count() == 2
            assert "để trống được tính là không đồng ý" in member.content()
            assert member.evaluate("document.documentElement.scrollWidth") <= 390 + 1
            shot(member, "council-ballot-phone")
        _vote(member, session_url, {passing: "yes", failing: choice}, phone=phone)
        if phone:
            shot(member, "council-ballot-phone-done")
            assert member.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        if n == 3:
            # The secretariat sees who has voted, and how many ballots came in, never how anyone voted.
            secretary.reload()
            assert secretary.locator("#voters li").count() == 3
            assert "Đã nhận 3 phiếu kín" in secretary.locator("#ballot-count").inner_text()
            assert secretary.locator("#results").count() == 0
            shot(secretary, "council-round-open")

    secretary.reload()
    assert secretary.locator("#voters li").count() == 9
    secretary.get_by_role("button", name="Kết thúc vòng").click()
    secretary.wait_for_load_state()
    results = secretary.locator("#results table[data-round='1']")
    passed = results.locator(f"tr[data-subject='{passing}']")
    failed = results.locator(f"tr[data-subject='{failing}']")
    assert passed.get_attribute("data-passed") == "1" and "100,00%" in passed.inner_text()
    assert failed.get_attribute("data-passed") == "0" and "77,78%" in failed.inner_text()
    shot(secretary, "council-round-results")

    secretary.get_by_role("button", name="Bế mạc").click()
    secretary.wait_for_load_state()
    assert "Đã bế mạc" in secretary.locator(".session-state").inner_text()
    agenda = secretary.locator("#agenda")
    assert "Thông qua" in agenda.locator(f"tr[data-subject='{passing}']").inner_text()
    assert "Không thông qua" in agenda.locator(f"tr[data-subject='{failing}']").inner_text()
    shot(secretary, "council-session-closed")
    for link in ("#minutes-pdf", "#tally-pdf"):
        response = secretary.request.get(live_server + secretary.locator(link).get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF-")
        assert "inline" in response.headers["content-disposition"]
