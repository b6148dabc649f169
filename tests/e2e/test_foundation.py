"""The foundation as users meet it: Vietnamese pages, sign-in for each role, scope, phone-sized screens."""
from __future__ import annotations

import re

from tests.e2e.conftest import shot


def test_login_page_is_vietnamese_and_refuses_a_wrong_password(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.fill("input[name=username]", "proposer")
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("button[type=submit]")
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page.content()
    shot(page, "login-failed")
    context.close()


def test_every_demo_role_signs_in(page_for):
    for username in ("admin", "hr", "approver", "secretary", "proposer", "member1", "viewer"):
        page = page_for(username)
        assert page.locator("nav").get_by_text("Đăng xuất").is_visible()
        assert username in page.locator("nav").inner_text()


def test_proposer_sees_only_their_branch(page_for, live_server):
    page = page_for("proposer")
    shot(page, "dashboard-proposer")
    page.goto(f"{live_server}/people")
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    units = {rows.nth(i).locator("td").nth(4).inner_text().strip() for i in range(rows.count())}
    assert len(units) == 1 and "Lấp Vò" in units.pop()
    shot(page, "people-proposer")
    response = page.goto(f"{live_server}/units/DT")
    assert response.status == 404
    assert "Không tìm thấy" in page.content()


def test_hr_browses_the_unit_tree_and_a_person_on_a_phone(page_for, live_server):
    page = page_for("hr", width=390, height=844)
    page.goto(f"{live_server}/units")
    assert "Chi cục" in page.content()
    shot(page, "unit-tree-phone")
    page.goto(f"{live_server}/people")
    page.locator("table tbody tr a").first.click()
    assert re.search(r"/people/[^/]+$", page.url)
    shot(page, "person-phone")
    # Nothing wider than the phone: no horizontal scrolling of the page itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_english_switch(page_for, live_server):
    page = page_for("admin")
    page.locator("nav").get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("nav").get_by_role("button", name="Tiếng Việt").click()
    assert page.locator("html").get_attribute("lang") == "vi"
