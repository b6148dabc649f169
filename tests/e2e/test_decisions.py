"""A decision in the browser: HR opens "Quyết định" from the navbar, drafts a decision from nominations waiting for
the Cục's decision, edits its subject, issues it (the confirmation accepted), downloads the PDF (a PDF carrying the
number) and reads the decision page on a 390 px phone."""
from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select

from tests.e2e.conftest import shot

YEAR = 2022
SUBJECT = f"Về việc tặng danh hiệu “Lao động tiên tiến” năm {YEAR} (kiểm thử trình duyệt)"


@pytest.fixture(scope="module")
def waiting(live_server, tmp_path_factory):
    """Two LĐTT 2022 nominations approved by the Cục trưởng and waiting for DT's decision.

    The demo has one (DT-0135, 2021), which another browser test or a rerun may already have put in a decision, and
    no DT-LAPVO person left free for an LĐTT 2021 (the demo nominates them all), so two 2022 nominations of our own
    are made with the app's operations in the served database: the way to ``approved`` (review, posting,
    council, approval) is the nominations' and councils' tests' business; everything after it happens in the browser.
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
        users = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(("proposer",
                                                                                               "approver"))))}
        unit = db.session.scalar(select(Unit).where(Unit.code == "DT-LAPVO"))
        ldtt = select(Award.id).where(Award.code == "LDTT").scalar_subquery()
        taken = set(db.session.scalars(select(Nomination.person_id).where(Nomination.year == YEAR,
                                                                          Nomination.award_id == ldtt)))
        people = [p for p in db.session.scalars(select(Person).where(Person.unit_id == unit.id).order_by(Person.code))
                  if p.id not in taken][:2]
        assert len(people) == 2, f"the demo has no two DT-LAPVO people free for an LĐTT {YEAR}"
        created = []
        for person in people:
            nomination = nominations.create_nomination(actor=users["proposer"], nominee=person, award_code="LDTT",
                                                       year=YEAR, summary=f"Hoàn thành tốt nhiệm vụ năm {YEAR}.")
            nomination.state = "council_passed"
            db.session.flush()
            nominations.transition(nomination, "approve", actor=users["approver"])
            created.append(nomination)
        db.session.commit()
        return {"ids": [n.id for n in created], "names": [p.full_name for p in people]}


def test_hr_drafts_edits_issues_and_downloads_a_decision(page_for, live_server, waiting, tmp_path):
    hr = page_for("hr")
    hr.on("dialog", lambda dialog: dialog.accept())  # "Ban hành quyết định?" — yes
    hr.get_by_role("link", name="Quyết định", exact=True).click()
    hr.wait_for_url(f"{live_server}/decisions/")
    hr.get_by_role("link", name="Tạo quyết định", exact=True).click()
    hr.wait_for_url(re.compile(r"/decisions/new"))
    for nomination_id in waiting["ids"]:
        assert hr.is_checked(f"#n-{nomination_id}")  # every waiting nomination is offered, checked
    # Only ours: others waiting (the demo's, a rerun's) may be of another year or meant for another decision.
    boxes = hr.locator("input[name=nomination_ids]")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    for nomination_id in waiting["ids"]:
        hr.check(f"#n-{nomination_id}")
    hr.fill("input[name=decided_on]", "15/11/2022")
    assert hr.locator("select[name=signer_id]").input_value() != ""  # the Cục trưởng is proposed as the signer
    shot(hr, "decision-new")
    hr.get_by_role("button", name="Tạo dự thảo").click()
    hr.wait_for_url(re.compile(r"/decisions/\d+$"))
    decision_url = hr.url
    assert "Đã tạo dự thảo quyết định với 2 người/tập thể." in hr.content()
    for name in waiting["names"]:
        assert name in hr.locator("#items").inner_text()
    assert "900.000" in hr.locator("#total-money").inner_text()  # 2 × 0.3 × 1.490.000 rounded up: 2 × 450.000

    hr.fill("textarea[name=subject]", SUBJECT)
    hr.get_by_role("button", name="Lưu dự thảo").click()
    hr.wait_for_url(decision_url)
    assert "Đã lưu dự thảo." in hr.content()
    assert hr.locator("#decision-subject").inner_text() == SUBJECT
    shot(hr, "decision-draft")

    hr.get_by_role("button", name="Ban hành").click()
    hr.wait_for_url(decision_url)
    number = hr.locator("#decision-number").inner_text().strip()
    assert re.fullmatch(r"\d{2,}/QĐ-CTHADS", number), number
    assert f"Đã ban hành Quyết định số {number}." in hr.content()
    assert hr.locator("#revoke-form").count() == 1 and hr.locator("#draft-form").count() == 0
    shot(hr, "decision-issued")

    pdf_url = hr.locator("#download-pdf").get_attribute("href")
    response = hr.request.get(live_server + pdf_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    path = tmp_path / "decision.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"Số: {number}" in text and "Lao động tiên tiến" in text
    # Cited by date (the default): on 15/11/2022 the 2003 law and Decree 91/2017 apply, not the 2022 law's decree.
    assert "91/2017/NĐ-CP" in text and "98/2023/NĐ-CP" not in text
    assert hr.locator("#pdf-sha256").inner_text().strip() == response.headers.get("x-content-sha256")

    phone = page_for("hr", width=390, height=844)
    phone.goto(decision_url)
    assert phone.locator("#decision-number").inner_text().strip() == number
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # nothing wider than the phone
    shot(phone, "decision-phone")
