"""A nomination's journey in the browser: the proposer creates and submits it, the secretariat reviews it and puts
it before the council, the proposer sees the new state, a phone shows it without sideways scrolling, and a viewer
outside the province cannot reach it."""
from __future__ import annotations

import re

from tests.e2e.conftest import shot

# All ten DT-LAPVO people (DT-0128…DT-0137) already have an LDTT 2021 nomination in the demo
# (awards/nominations/demo.py), so the free combination is LDTT for 2020, the demo's other year with figures.
YEAR = "2020"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _free_nominee(page, live_server) -> str:
    """A DT-LAPVO person with no LDTT nomination for YEAR yet, whatever other tests of this session created."""
    page.goto(f"{live_server}/nominations?year={YEAR}&award=LDTT")
    taken = page.locator("main").inner_text()
    page.goto(f"{live_server}/people?unit=DT-LAPVO")
    links = page.locator("table tbody tr a[href*='/people/']")
    for i in range(links.count()):
        code = links.nth(i).get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
        name = links.nth(i).inner_text().strip()
        if code.startswith("DT-") and name not in taken:
            return code
    raise AssertionError(f"no DT-LAPVO person free for LDTT {YEAR} in the demo")


def _state(page) -> str:
    """The state badge beside the nominee's name (the navbar has badges of its own)."""
    return page.locator("main div:has(> h1)").first.inner_text()


def _act(page, label: str) -> None:
    page.locator("#actions").get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_nomination_journey_from_proposer_to_council(page_for, live_server):
    proposer = page_for("proposer")
    code = _free_nominee(proposer, live_server)

    # The proposer starts from the list's "Đề nghị mới" button and fills the real form.
    proposer.goto(f"{live_server}/nominations")
    proposer.get_by_role("link", name="Đề nghị mới").first.click()
    assert proposer.url.endswith("/nominations/new")
    proposer.select_option("select[name=nominee_type]", "person")
    proposer.fill("input[name=nominee_code]", code)
    proposer.select_option("select[name=award]", "LDTT")
    proposer.fill("input[name=year]", YEAR)
    proposer.fill("textarea[name=summary]", f"Hoàn thành xuất sắc nhiệm vụ thi hành án năm {YEAR}.")
    shot(proposer, "nomination-new")
    proposer.get_by_role("button", name="Tạo hồ sơ").click()
    proposer.wait_for_url(re.compile(r"/nominations/\d+$"))
    url = proposer.url
    assert "Đã tạo hồ sơ đề nghị." in proposer.content()

    # LDTT asks for an achievement report: uploaded through the page's own form.
    proposer.select_option("select[name=kind]", "achievement_report")
    proposer.set_input_files("input[name=file]", files=[{"name": "bao-cao-thanh-tich.pdf",
                                                         "mimeType": "application/pdf", "buffer": PDF}])
    proposer.locator("#attachments").get_by_role("button", name="Tải lên").click()
    proposer.wait_for_load_state()
    assert "bao-cao-thanh-tich.pdf" in proposer.locator("#attachments").inner_text()
    shot(proposer, "nomination-draft")

    submit = proposer.locator("#actions form[data-trigger=submit]")
    if submit.locator("textarea[name=comment]").count():
        submit.locator("textarea[name=comment]").fill(f"Đề nghị xét Lao động tiên tiến năm {YEAR}.")
    _act(proposer, "Gửi đề nghị")
    assert proposer.url.split("#")[0] == url, proposer.locator("main").inner_text()
    assert "Đã gửi" in _state(proposer), proposer.locator("main").inner_text()
    shot(proposer, "nomination-submitted")

    # The secretariat finds it in its queue and moves it on from the nomination page.
    secretary = page_for("secretary")
    secretary.goto(f"{live_server}/nominations")
    secretary.get_by_role("link", name="Hàng chờ thường trực").first.click()
    nomination_path = url.removeprefix(live_server)
    secretary.locator(f"a[href='{nomination_path}']").first.click()
    secretary.wait_for_url(url)
    shot(secretary, "nomination-queue-open")
    _act(secretary, "Tiếp nhận, thẩm định")
    assert secretary.locator("#history").get_by_text("Tiếp nhận, thẩm định").count() == 1
    _act(secretary, "Đưa ra hội đồng")
    assert secretary.locator("#history").get_by_text("Đưa ra hội đồng").count() == 1, \
        secretary.locator("main").inner_text()
    rows = secretary.locator("#history .history-row")
    history = [rows.nth(i).inner_text() for i in range(rows.count())]
    steps = {label: row for row in history for label in ("Gửi đề nghị", "Tiếp nhận, thẩm định", "Đưa ra hội đồng")
             if row.startswith(label)}
    assert set(steps) == {"Gửi đề nghị", "Tiếp nhận, thẩm định", "Đưa ra hội đồng"}, history
    # Each row names who acted ("actor · from → to"): the secretary for both steps, the proposer for the submit.
    actors = {label: next(line for line in row.splitlines() if " · " in line).split(" · ")[0].strip()
              for label, row in steps.items()}
    assert actors["Tiếp nhận, thẩm định"] == actors["Đưa ra hội đồng"] != actors["Gửi đề nghị"], actors
    assert all(a and a not in ("None", "system") for a in actors.values()), actors
    state = secretary.locator("main div:has(> h1) .badge").first.inner_text().strip()
    shot(secretary, "nomination-in-council")

    # The proposer's list shows the new state on that row.
    proposer.goto(f"{live_server}/nominations?year={YEAR}&award=LDTT")
    row = proposer.locator("table tbody tr", has=proposer.locator(f"a[href='{nomination_path}']"))
    assert row.count() == 1
    assert state in row.inner_text()
    shot(proposer, "nomination-list-proposer")

    # On a phone: the whole page fits, nothing scrolls sideways.
    phone = page_for("proposer", width=390, height=844)
    phone.goto(url)
    shot(phone, "nomination-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    # A viewer whose scope is Thanh Hóa does not learn the nomination exists.
    viewer = page_for("viewer")
    response = viewer.goto(url)
    assert response.status == 404
    assert "Không tìm thấy" in viewer.content()
    shot(viewer, "nomination-viewer-404")
