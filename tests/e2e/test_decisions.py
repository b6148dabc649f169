"""A decision in the browser: HR opens "Quyết định" from the navbar, drafts a decision from nominations waiting for
the Cục's decision, edits its subject, issues it (the confirmation accepted), downloads the PDF (a PDF carrying the
number) and reads the decision page on a 390 px phone; then runs the certificates job and watches its progress bar,
and the QR code read off a printed certificate opens the public verification page."""
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

    _certificates_and_their_qr_codes(hr, phone, live_server, decision_url, number, waiting, tmp_path)


def _certificates_and_their_qr_codes(hr, phone, live_server, decision_url, number, waiting, tmp_path):
    """HR runs the certificates job (a worker process of its own) and watches the bar fill; the printed QR code of a
    certificate, read off the rendered page, opens the public verification page, signed out, on a phone."""
    hr.goto(decision_url)
    hr.locator("#certificates").click()
    hr.wait_for_url(re.compile(r"/decisions/\d+/certificates$"))
    hr.locator("#start").click()
    # The progress page polls the job's status and reloads itself when the job ends: the download link appears.
    hr.wait_for_selector("#certificate-job[data-state=queued], #certificate-job[data-state=running], #download")
    shot(hr, "certificates-progress")
    hr.wait_for_selector("#download", timeout=90_000)
    assert hr.locator("#job-done").inner_text() == hr.locator("#job-total").inner_text() == "2"
    assert hr.locator(".progress-bar").get_attribute("data-percent") == "100"
    shot(hr, "certificates-done")
    response = hr.request.get(live_server + hr.locator("#download").get_attribute("href"))
    assert response.status == 200 and "attachment" in response.headers["content-disposition"]
    pdf = tmp_path / "certificates.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Quyết định số {number}" in text and "Số sổ vàng: 1" in text and "Số sổ vàng: 2" in text
    for name in waiting["names"]:
        assert name in text

    # The QR code as printed: page 1 rendered to an image at 150 dpi and read by zbar (a phone camera's part).
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    url = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert re.fullmatch(re.escape(live_server) + r"/verify/[A-Za-z0-9_-]{22}", url), url
    visitor = phone.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    try:
        page = visitor.new_page()
        page.goto(url)
        assert page.locator("#verify-result").get_attribute("data-valid") == "true"
        assert page.locator("#v-number").inner_text() == number
        assert page.locator("#v-award").inner_text() == "Lao động tiên tiến"
        assert page.locator("#v-awardee").inner_text() in waiting["names"]
        # The demo's Cục signs with its demo key: the decision's signature is intact.
        assert page.locator("#v-signature").get_attribute("data-level") == "valid"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        shot(page, "verify-phone")
    finally:
        visitor.close()
