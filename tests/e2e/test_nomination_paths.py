"""The nomination paths besides the straight one (test_nominations.py), each driven through the real pages: posting
(công khai) with its window, return and resubmission, withdrawal, rejection, referral upward and revocation.

The live server's database is shared by the whole browser session, so no test counts on another having run or
not: each picks its nomination from the list pages' filters (the demo has 2021 nominations in every state,
awards/nominations/demo.py) and, where the demo's one may already be used up, makes one from an earlier state.
Posting comments are not covered: the nomination page has no way to comment on a posting yet.
"""
from __future__ import annotations

import re
from datetime import date

from tests.e2e.conftest import shot

YEAR = 2021
REFERRED_AWARDS = ("BK_BO", "CSTD_BO", "TTLDXS", "CO_BO")  # granted by the minister: the approver refers them


# --- finding records ------------------------------------------------------------------------------------------

def _pick(page, live_server, queue: str, state: str, *, award: str | None = None, skip=()) -> str | None:
    """The URL of the first nomination of YEAR in ``state`` on the list ``queue`` ("" for "my unit's"), or None."""
    path = f"/nominations/{queue}" if queue else "/nominations"
    page.goto(f"{live_server}{path}?state={state}&year={YEAR}" + (f"&award={award}" if award else ""))
    links = page.locator("#nominations-table tbody tr td a[href^='/nominations/']")
    for i in range(links.count()):
        url = live_server + links.nth(i).get_attribute("href")
        if url not in skip:
            return url
    return None


def _in_review(secretary, live_server) -> str:
    """An in-review nomination: the demo's, or a submitted one the secretary takes for review now."""
    url = _pick(secretary, live_server, "queue", "in_review")
    if url is None:
        url = _pick(secretary, live_server, "queue", "submitted")
        assert url, "no submitted or in-review nomination left in the demo"
        secretary.goto(url)
        _fire(secretary, "start_review")
        assert _state(secretary) == ("in_review", "Đang thẩm định")
    return url


def _before_council(secretary, live_server) -> str:
    """A nomination the secretariat may still send back or reject (submitted first, so posting keeps its own)."""
    for state in ("submitted", "in_review", "posted"):
        url = _pick(secretary, live_server, "queue", state)
        if url:
            return url
    raise AssertionError("no nomination before the council left in the demo")


# --- reading and acting on the nomination page ----------------------------------------------------------------

def _state(page) -> tuple[str, str]:
    """(state name, its Vietnamese label) from the badge beside the nominee's name."""
    badge = page.locator("main div:has(> h1) .state").first
    return badge.get_attribute("data-state"), badge.inner_text().strip()


def _form(page, trigger: str):
    return page.locator(f"#actions form[data-trigger={trigger}]")


def _fire(page, trigger: str, **fields: str) -> None:
    form = _form(page, trigger)
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _fire_and_check(page, url: str, trigger: str, *, state: tuple[str, str], step: str, user: str,
                    **fields: str) -> dict:
    """Fire ``trigger`` from the nomination page, stay on it, see ``state`` and the history row of ``step`` by
    ``user`` with the comment given (if any); returns that row."""
    _fire(page, trigger, **fields)
    assert page.url == url, page.locator("main").inner_text()
    assert _state(page) == state
    row = _step(page, step)
    assert _by(row["actor"], user) and row["comment"] == fields.get("comment"), row
    return row


def _step(page, label: str) -> dict:
    """The latest history row of the step ``label``: its actor, comment and recorded references."""
    rows = page.locator("#history .history-row")
    found = [rows.nth(i) for i in range(rows.count())
             if rows.nth(i).locator(".fw-semibold").first.inner_text().strip() == label]
    assert found, [rows.nth(i).inner_text() for i in range(rows.count())]
    row = found[-1]
    comment = row.locator(".fst-italic")
    return {"actor": row.locator(".text-muted").nth(1).inner_text().split(" · ")[0].strip(),
            "comment": comment.inner_text().strip("“” ") if comment.count() else None,
            "details": [d.strip() for d in row.locator(".step-detail").all_inner_texts()]}


def _by(actor: str, username: str) -> bool:
    """An audit row names its actor "Full Name (username)", or the username alone for an account without one."""
    return actor == username or actor.endswith(f"({username})")


def _error(page) -> str:
    box = page.locator(".action-error")
    assert box.count() == 1, page.locator("main").inner_text()
    return box.inner_text()


# --- the paths ------------------------------------------------------------------------------------------------

def test_posting_opens_a_window_refuses_an_early_close_and_closes_an_ended_one(page_for, live_server):
    secretary = page_for("secretary")
    url = _in_review(secretary, live_server)
    secretary.goto(url)
    today = date.today()
    note = "Công khai trên cổng thông tin điện tử của Cục"
    _fire_and_check(secretary, url, "open_posting", state=("posted", "Đang công khai"), step="Công khai",
                    user="secretary", start=today.strftime("%d/%m/%Y"), working_days="5", comment=note)
    window = secretary.locator("dt:text-is('Thời gian công khai') + dd").inner_text()
    assert window.startswith(today.strftime("%d/%m/%Y") + " – "), window
    end = window.split(" – ")[1].strip()
    shot(secretary, "posting-opened")

    # The window runs five working days from today: closing now is refused, with the day it ends.
    _fire(secretary, "close_posting")
    assert f"Chưa hết thời hạn công khai (đến hết ngày {end})." in _error(secretary)
    assert _state(secretary) == ("posted", "Đang công khai")
    shot(secretary, "posting-close-refused")

    # A posting whose window has ended (the demo's ran in January 2022) closes and goes before the council.
    ended = None
    skip = {url}
    while ended is None:
        candidate = _pick(secretary, live_server, "queue", "posted", skip=skip)
        if candidate is None:
            break
        secretary.goto(candidate)
        last = secretary.locator("dt:text-is('Thời gian công khai') + dd").inner_text().split(" – ")[1].strip()
        if date(*reversed([int(p) for p in last.split("/")])) < today:
            ended = candidate
        skip.add(candidate)
    if ended is None:  # used up by an earlier run of this test in the session: open one that ended already
        ended = _in_review(secretary, live_server)
        secretary.goto(ended)
        _fire(secretary, "open_posting", start="03/01/2022", working_days="5")
        assert _state(secretary)[0] == "posted"
    secretary.goto(ended)
    _fire(secretary, "close_posting")
    assert secretary.url == ended, secretary.locator("main").inner_text()
    assert _state(secretary) == ("in_council", "Chờ hội đồng")
    assert _by(_step(secretary, "Kết thúc công khai, đưa ra hội đồng")["actor"], "secretary")
    shot(secretary, "posting-closed")


def test_sent_back_with_a_reason_then_edited_and_resubmitted(page_for, live_server):
    secretary = page_for("secretary")
    url = _before_council(secretary, live_server)
    secretary.goto(url)
    before = _state(secretary)

    # The reason is required: the browser will not send the form without it ...
    form = _form(secretary, "send_back")
    form.locator("button[type=submit]").click()
    assert form.locator("textarea[name=comment]").evaluate("e => e.validity.valueMissing")
    assert secretary.url == url and _state(secretary) == before
    # ... and the server refuses it too when the browser's check is bypassed, naming what is missing.
    form.locator("textarea[name=comment]").evaluate("e => e.removeAttribute('required')")
    form.locator("button[type=submit]").click()
    secretary.wait_for_load_state()
    assert "Cần ghi rõ lý do khi «Trả lại để bổ sung»." in _error(secretary)
    assert _state(secretary) == before
    shot(secretary, "send-back-without-reason")

    reason = "Bổ sung số liệu thi hành án tháng 9 vào báo cáo thành tích"
    _fire_and_check(secretary, url, "send_back", state=("returned", "Trả lại"), step="Trả lại để bổ sung",
                    user="secretary", comment=reason)

    # The proposer sees it returned, with the reason in its history, fixes the summary and sends it again.
    proposer = page_for("proposer")
    proposer.goto(f"{live_server}/nominations?state=returned&year={YEAR}")
    proposer.locator(f"#nominations-table a[href='{url.removeprefix(live_server)}']").click()
    proposer.wait_for_url(url)
    assert _state(proposer) == ("returned", "Trả lại")
    assert _step(proposer, "Trả lại để bổ sung")["comment"] == reason
    shot(proposer, "returned-proposer")
    proposer.locator("section", has_text="Tóm tắt thành tích").get_by_role("link", name="Sửa").click()
    summary = f"Đã bổ sung số liệu tháng 9 năm {YEAR}: tỷ lệ thi hành xong về việc vượt chỉ tiêu được giao."
    proposer.fill("textarea[name=summary]", summary)
    proposer.get_by_role("button", name="Lưu", exact=True).click()
    proposer.wait_for_url(url)
    assert summary in proposer.locator("main").inner_text()
    note = "Đã bổ sung theo yêu cầu của thường trực"
    _fire_and_check(proposer, url, "submit", state=("submitted", "Đã gửi"), step="Gửi đề nghị", user="proposer",
                    comment=note)
    shot(proposer, "resubmitted")


def test_the_proposer_withdraws_and_the_secretary_rejects_with_a_reason(page_for, live_server):
    proposer = page_for("proposer")
    url = next(filter(None, (_pick(proposer, live_server, "", state) for state in ("draft", "returned"))), None)
    assert url, "no draft or returned nomination left in the demo"
    proposer.goto(url)
    note = "Đơn vị rút hồ sơ để đề nghị vào đợt sau"
    _fire_and_check(proposer, url, "withdraw", state=("withdrawn", "Đã rút"), step="Rút hồ sơ", user="proposer",
                    comment=note)
    assert proposer.locator("#no-actions").count() == 1  # a withdrawn nomination goes nowhere
    shot(proposer, "withdrawn")

    secretary = page_for("secretary")
    url = _before_council(secretary, live_server)
    secretary.goto(url)
    reason = "Thành tích nêu trong báo cáo không thuộc năm thi đua đề nghị"
    _fire_and_check(secretary, url, "reject", state=("rejected", "Không chấp nhận"), step="Không chấp nhận",
                    user="secretary", comment=reason)
    shot(secretary, "rejected")


def test_the_approver_refers_a_ministers_award_upward(page_for, live_server):
    approver = page_for("approver")
    # A head-of-unit award stays here: "Trình cấp trên" is refused with the guard's reason.
    local = _pick(approver, live_server, "awaiting", "council_passed", award="LDTT")
    if local is not None:
        approver.goto(local)
        _fire(approver, "refer")
        assert "LDTT thuộc thẩm quyền của thủ trưởng đơn vị này: phê duyệt, không trình cấp trên." \
            in _error(approver)
        assert _state(approver)[0] == "council_passed"

    url = next(filter(None, (_pick(approver, live_server, "awaiting", "council_passed", award=code)
                             for code in REFERRED_AWARDS)), None)
    assert url, "no council-passed nomination for a minister's award in the demo"
    approver.goto(url)
    deciding = approver.locator("dt:text-is('Cấp xét') + dd").inner_text()
    note = "Trình Tổng cục đề nghị Bộ trưởng tặng Bằng khen"
    _fire_and_check(approver, url, "refer", state=("referred", "Đã trình cấp trên"), step="Trình cấp trên",
                    user="approver", comment=note)
    shot(approver, "referred")

    # The linked nomination at the level above: submitted there by the approver, linked back to this one.
    link = approver.locator("dt:text-is('Đã trình lên') + dd a")
    assert re.fullmatch(r"#\d+", link.inner_text())
    link.click()
    approver.wait_for_url(re.compile(r"/nominations/\d+$"))
    assert approver.url != url
    assert _state(approver) == ("submitted", "Đã gửi")
    assert approver.locator("dt:text-is('Cấp xét') + dd").inner_text() != deciding
    assert approver.locator("dt:text-is('Đơn vị đề nghị') + dd").inner_text() == deciding
    step = _step(approver, "Gửi đề nghị")
    assert _by(step["actor"], "approver") and step["comment"] == note, step
    assert approver.locator("dt:text-is('Chuyển từ') + dd a").get_attribute("href") == url.removeprefix(live_server)
    shot(approver, "referral-above")


def test_hr_revokes_a_decided_nomination_with_the_revoking_decision(page_for, live_server):
    hr = page_for("hr")
    url = _pick(hr, live_server, "", "decided")
    assert url, "no decided nomination left in the demo"
    hr.goto(url)
    reason = "Phát hiện kê khai không đúng số liệu thi hành án trong năm xét khen thưởng"
    step = _fire_and_check(hr, url, "revoke", state=("revoked", "Đã thu hồi"), step="Thu hồi", user="hr",
                           revoking_decision="52/QĐ-CTHADS", comment=reason)
    assert step["details"] == ["Số quyết định thu hồi: 52/QĐ-CTHADS"], step
    shot(hr, "revoked")
