"""Reminders: what is due or overdue per role and scope (fixed dates), the idempotent daily run, the outbox without
SMTP, a real SMTP send through a local stub, e-mail turned off, the CLI, and the pages."""
from __future__ import annotations

import logging
import socketserver
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from awards.catalogue.models import Award
from awards.councils.models import Council, CouncilSession, SessionState
from awards.extensions import db
from awards.nominations.models import Nomination
from awards.reminders import operations
from awards.reminders.models import Deadline, DeadlineKind, Notification, OutboxMessage
from tests.factories import make_person, make_user

TODAY = date(2021, 12, 1)


def _award(code: str) -> Award:
    return db.session.scalar(select(Award).where(Award.code == code))


def _nomination(org, colleague, *, deciding, state, posting_end=None, proposing=None) -> Nomination:
    person = make_person(colleague.unit)  # one nominee per nomination (one nominee × award × year)
    n = Nomination(person_id=person.id, award_id=_award("LDTT").id, year=2021,
                   proposing_unit_id=(proposing or org.dt_a).id, deciding_unit_id=deciding.id, state=state,
                   summary="")
    if posting_end is not None:
        n.posting_start, n.posting_end = posting_end - timedelta(days=5), posting_end
    db.session.add(n)
    db.session.flush()
    return n


def _session(unit, held_on, state=SessionState.PLANNED) -> CouncilSession:
    council = db.session.scalar(select(Council).where(Council.unit_id == unit.id, Council.year == 2021))
    if council is None:
        council = Council(unit_id=unit.id, year=2021, name=f"Hội đồng TĐKT {unit.code}")
        db.session.add(council)
    extra = {"member_count": 5, "present_count": 5} if state != SessionState.PLANNED else {}
    s = CouncilSession(council=council, held_on=held_on, state=state, **extra)
    db.session.add(s)
    db.session.flush()
    return s


def _deadline(kind, unit, due_on, label="", award=None) -> Deadline:
    d = Deadline(kind=kind, unit=unit, due_on=due_on, label=label, award=award)
    db.session.add(d)
    db.session.flush()
    return d


def _keys(user, days=7, today=TODAY) -> set[str]:
    return {i.key for i in operations.due_items(user, today, days)}


@pytest.fixture()
def people(org):
    return make_person(org.dt_a, "RM-1"), make_person(org.th_a, "RM-2")


# --- due and overdue per role and scope ----------------------------------------------------------------------

def test_secretary_is_reminded_of_postings_ending_and_planned_sessions_in_scope(org, people):
    here, there = people
    _nomination(org, here, deciding=org.dt, state="posted", posting_end=date(2021, 12, 5))
    _nomination(org, here, deciding=org.dt, state="posted", posting_end=date(2021, 12, 5))
    _nomination(org, here, deciding=org.dt, state="posted", posting_end=date(2021, 12, 20))   # beyond 7 days
    _nomination(org, here, deciding=org.dt, state="posted", posting_end=date(2021, 11, 28))   # ended, still open
    _nomination(org, here, deciding=org.dt, state="in_council", posting_end=date(2021, 12, 3))  # closed already
    _nomination(org, there, deciding=org.th, state="posted", posting_end=date(2021, 12, 4),
                proposing=org.th_a)                                                             # other province
    soon = _session(org.dt, date(2021, 12, 3))
    late = _session(org.dt, date(2021, 11, 30))
    _session(org.dt, date(2021, 12, 2), SessionState.CLOSED)
    _session(org.th, date(2021, 12, 2))

    items = operations.due_items(org.secretary, TODAY, 7)
    assert {i.key for i in items} == {
        f"posting:{org.dt.id}:2021-12-05:due", f"posting:{org.dt.id}:2021-11-28:overdue",
        f"session:{soon.id}:2021-12-03:due", f"session:{late.id}:2021-11-30:overdue"}
    due_posting = next(i for i in items if i.key.endswith("2021-12-05:due"))
    assert "2 hồ sơ" in due_posting.text and "05/12/2021" in due_posting.text and "còn 4 ngày" in due_posting.text
    assert next(i for i in items if i.key.startswith("posting") and i.overdue).text.count("đã quá 3 ngày") == 1
    # The horizon widens with --days: the posting ending on 20/12 appears at 19 days.
    assert f"posting:{org.dt.id}:2021-12-20:due" in _keys(org.secretary, days=19)
    # Other roles of the same province are not reminded of postings.
    assert not any(k.startswith("posting") for k in _keys(org.hr) | _keys(org.proposer) | _keys(org.approver))


def test_council_members_hear_of_coming_sessions_not_overdue_ones(org):
    soon = _session(org.dt, date(2021, 12, 3))
    _session(org.dt, date(2021, 11, 30))
    assert _keys(org.member) == {f"session:{soon.id}:2021-12-03:due"}
    assert _keys(org.viewer) == set()  # Thanh Hóa viewer: nothing


def test_proposers_get_the_filing_deadlines_that_cover_their_unit(org):
    at_province = _deadline(DeadlineKind.FILING, org.dt, date(2021, 12, 6), "Nộp hồ sơ khen thưởng năm 2021")
    at_root = _deadline(DeadlineKind.FILING, org.root, date(2021, 12, 8), award=_award("CSTD_BO"))
    passed = _deadline(DeadlineKind.FILING, org.dt_a, date(2021, 11, 28))
    _deadline(DeadlineKind.FILING, org.dt_a, date(2021, 10, 1))         # more than 30 days ago: dropped
    _deadline(DeadlineKind.FILING, org.dt_b, date(2021, 12, 6))         # a sibling branch
    _deadline(DeadlineKind.FILING, org.th, date(2021, 12, 6))           # another province
    _deadline(DeadlineKind.FILING, org.dt, date(2021, 12, 15))          # beyond 7 days
    decision = _deadline(DeadlineKind.DECISION, org.dt, date(2021, 12, 7))  # HR's, not the proposer's

    items = {i.key: i for i in operations.due_items(org.proposer, TODAY, 7)}
    assert set(items) == {f"deadline:{at_province.id}:2021-12-06:due", f"deadline:{at_root.id}:2021-12-08:due",
                          f"deadline:{passed.id}:2021-11-28:overdue"}
    assert "(CSTD_BO)" in items[f"deadline:{at_root.id}:2021-12-08:due"].text
    assert items[f"deadline:{passed.id}:2021-11-28:overdue"].overdue
    assert f"deadline:{decision.id}:2021-12-07:due" in _keys(org.hr)
    assert _keys(org.secretary) == set()


def test_hr_and_approvers_are_told_what_waits_for_them(org, people):
    here, there = people
    for _ in range(3):
        _nomination(org, here, deciding=org.dt, state="approved")
    last = _nomination(org, here, deciding=org.dt, state="council_passed")
    _nomination(org, there, deciding=org.th, state="approved", proposing=org.th_a)
    hr = operations.due_items(org.hr, TODAY)
    assert [i.text for i in hr] == ["3 hồ sơ đã phê duyệt, chờ quyết định khen thưởng tại "
                                    "Cục Thi hành án dân sự tỉnh Đồng Tháp."]
    assert [i.key for i in operations.due_items(org.approver, TODAY)] == [f"council_passed:{org.dt.id}:1:{last.id}"]


# --- the daily run: idempotent, outbox, e-mail off -----------------------------------------------------------

@pytest.fixture()
def due_world(org, people):
    here, _ = people
    _nomination(org, here, deciding=org.dt, state="posted", posting_end=date(2021, 12, 5))
    _session(org.dt, date(2021, 12, 3))
    _deadline(DeadlineKind.FILING, org.dt, date(2021, 12, 6))
    org.secretary.email = "thuky@example.vn"
    org.proposer.email = "dexuat@example.vn"
    org.member.email = "uyvien@example.vn"
    org.member.email_notifications = False          # turned e-mail off
    db.session.commit()
    return org


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.scalar(stmt)


def test_running_twice_the_same_day_creates_nothing_new(due_world):
    org = due_world
    first = operations.send_due(TODAY, 7)
    assert first.per_user == {"t_secretary": 2, "t_proposer": 1, "t_member": 1}
    assert first.emails == 2  # the member turned e-mail off
    second = operations.send_due(TODAY, 7)
    assert (second.created, second.emails) == (0, 0)
    assert _count(Notification) == 4 and _count(OutboxMessage) == 2
    # The next day the same items are not repeated; once the posting's end has passed it comes back as overdue.
    assert operations.send_due(TODAY + timedelta(days=1), 7).created == 0
    later = operations.send_due(date(2021, 12, 6), 7)
    assert later.per_user == {"t_secretary": 2}  # the posting and the session, both overdue now
    assert _count(Notification, user_id=org.secretary.id, overdue=True) == 2


def test_e_mail_off_or_no_address_means_no_message(due_world):
    org = due_world
    operations.send_due(TODAY, 7)
    recipients = set(db.session.scalars(select(OutboxMessage.to)))
    assert recipients == {"thuky@example.vn", "dexuat@example.vn"}
    assert _count(Notification, user_id=org.member.id) == 1  # still reminded in the app
    assert _count(OutboxMessage, user_id=org.member.id) == 0
    org.secretary.email = None
    assert operations.digest(org.secretary, [Notification(text="x", link="", key="k")], TODAY) is None


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["notify", "send-due", "--today", "2021-12-01", *args])


def test_cli_without_smtp_keeps_messages_in_the_outbox_and_the_log(app, due_world, caplog):
    caplog.set_level(logging.INFO, logger="awards.mail")
    result = _run(app, "--days", "7")
    assert result.exit_code == 0, result.output
    assert "Ngày 01/12/2021, 7 ngày tới:" in result.output and "4 thông báo mới, 2 thư." in result.output
    assert "Chưa cấu hình MAIL_SERVER" in result.output
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.to)).all()
    assert [m.sent_at for m in messages] == [None, None]
    body = next(m.body for m in messages if m.to == "thuky@example.vn")
    assert "Công khai 1 hồ sơ" in body and "http://127.0.0.1:5000/nominations/queue?state=posted" in body
    assert "/account/settings" in body  # how to turn it off
    assert "thuky@example.vn" in caplog.text and "MAIL_SERVER is not set" in caplog.text
    again = _run(app)
    assert again.exit_code == 0 and "0 thông báo mới, 0 thư." in again.output


def test_cli_rejects_a_negative_number_of_days(app, db):
    result = _run(app, "--days", "-1")
    assert result.exit_code == 2 and "--days" in result.output


# --- a real SMTP conversation with a local stub --------------------------------------------------------------

class _SMTPHandler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._say("220 stub ESMTP")
        envelope: dict = {"rcpt": []}
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode().strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250-stub\r\n250 8BITMIME" if verb == "EHLO" else "250 stub")
            elif verb == "MAIL":
                envelope = {"from": command[10:].strip(), "rcpt": []}
                self._say("250 OK")
            elif verb == "RCPT":
                if self.server.refuse and self.server.refuse in command:
                    self._say("550 no such user")
                    continue
                envelope["rcpt"].append(command[8:].strip())
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 go ahead")
                data = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                envelope["data"] = bytes(data)
                self.server.received.append(envelope)
                self._say("250 queued")
            elif verb == "RSET":
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 not implemented")


@pytest.fixture()
def smtp_stub():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.received, server.refuse = [], None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_cli_sends_the_digests_over_smtp(app, due_world, smtp_stub, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_stub.server_address[1])
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "tdkt@thads.example.vn")
    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "Đã gửi 2 thư, 0 thư lỗi." in result.output
    assert sorted(e["rcpt"][0] for e in smtp_stub.received) == ["<dexuat@example.vn>", "<thuky@example.vn>"]
    import email
    from email import policy

    parsed = [email.message_from_bytes(e["data"], policy=policy.default) for e in smtp_stub.received]
    to_secretary = next(m for m in parsed if m["To"] == "thuky@example.vn")
    assert to_secretary["From"] == "tdkt@thads.example.vn"
    assert to_secretary["Subject"] == "Nhắc việc thi đua – khen thưởng: 2 việc (01/12/2021)"
    assert "Phiên họp Hội đồng TĐKT DT" in to_secretary.get_content()
    assert all(m.sent_at is not None and m.attempts == 1 for m in db.session.scalars(select(OutboxMessage)))
    # Nothing is sent twice.
    assert _run(app).exit_code == 0 and len(smtp_stub.received) == 2


def test_a_refused_recipient_is_recorded_and_the_exit_code_says_so(app, due_world, smtp_stub, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_stub.server_address[1])
    smtp_stub.refuse = "dexuat@"
    result = _run(app)
    assert result.exit_code == 1 and "Đã gửi 1 thư, 1 thư lỗi." in result.output
    refused = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == "dexuat@example.vn"))
    assert refused.sent_at is None and "550" in refused.error and refused.attempts == 1


def test_an_unreachable_server_leaves_everything_in_the_outbox(app, due_world, monkeypatch):
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as probe:
        port = probe.server_address[1]  # closed once the block ends: nothing listens there
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    result = _run(app)
    assert result.exit_code == 1
    assert _count(Notification) == 4  # the reminders were committed before the send
    assert all(m.sent_at is None and m.error for m in db.session.scalars(select(OutboxMessage)))


# --- pages ---------------------------------------------------------------------------------------------------

def test_reminders_page_lists_and_marks_read(client, login, due_world):
    org = due_world
    operations.send_due(TODAY, 7)
    db.session.commit()
    other = db.session.scalar(select(Notification).where(Notification.user_id == org.proposer.id))
    login(org.secretary)
    page = client.get("/reminders").get_data(as_text=True)
    assert 'id="reminders-count">2<' in page and "Công khai 1 hồ sơ" in page
    mine = db.session.scalars(select(Notification).where(Notification.user_id == org.secretary.id)).all()
    assert client.post("/reminders/read", data={"id": mine[0].id}).status_code == 302
    assert 'id="reminders-count">1<' in client.get("/reminders").get_data(as_text=True)
    assert client.post("/reminders/read", data={"id": other.id}).status_code == 404  # someone else's
    assert client.post("/reminders/read", data={}).status_code == 302
    assert 'id="reminders-count"' not in client.get("/reminders").get_data(as_text=True)
    assert db.session.get(Notification, other.id).read_at is None


def test_account_settings_turn_e_mail_off(client, login, org):
    login(org.proposer)
    assert "Nhận thư điện tử" in client.get("/account/settings").get_data(as_text=True)
    response = client.post("/account/settings", data={"email": "a@example.vn"})  # checkbox left unticked
    assert response.status_code == 302
    db.session.refresh(org.proposer)
    assert (org.proposer.email, org.proposer.email_notifications) == ("a@example.vn", False)
    assert client.post("/account/settings", data={"email": "not an address"}).status_code == 422
    client.post("/account/settings", data={"email": "", "email_notifications": "y"})
    db.session.refresh(org.proposer)
    assert (org.proposer.email, org.proposer.email_notifications) == (None, True)


def test_hr_manages_deadlines_in_scope(client, login, org):
    login(org.hr)
    response = client.post("/deadlines", data={"kind": "filing", "due_on": "06/12/2021", "unit_code": "dt-a",
                                               "award": "CSTDCS", "year": 2021, "label": "Nộp hồ sơ"})
    assert response.status_code == 302
    deadline = db.session.scalar(select(Deadline))
    assert (deadline.unit_id, deadline.due_on, deadline.award.code) == (org.dt_a.id, date(2021, 12, 6), "CSTDCS")
    assert client.post("/deadlines", data={"kind": "filing", "due_on": "06/12/2021",
                                           "unit_code": "TH"}).status_code == 422  # another province
    page = client.get(f"/deadlines?edit={deadline.id}").get_data(as_text=True)
    assert 'value="06/12/2021"' in page
    assert client.post("/deadlines", data={"id": deadline.id, "kind": "decision", "due_on": "10/12/2021",
                                           "unit_code": "DT", "award": ""}).status_code == 302
    db.session.refresh(deadline)
    assert (deadline.kind, deadline.unit_id, deadline.award_id) == (DeadlineKind.DECISION, org.dt.id, None)
    foreign = _deadline(DeadlineKind.FILING, org.th, date(2021, 12, 6))
    db.session.commit()
    assert client.get(f"/deadlines?edit={foreign.id}").status_code == 404
    assert client.post("/deadlines/delete", data={"id": foreign.id}).status_code == 404
    assert client.post("/deadlines/delete", data={"id": deadline.id}).status_code == 302
    assert db.session.get(Deadline, deadline.id) is None and db.session.get(Deadline, foreign.id) is not None
    client.post("/logout")
    login(org.proposer)
    assert client.get("/deadlines").status_code == 403


def _statements(client, url: str) -> int:
    engine = db.session.get_bind()
    seen = []
    handler = lambda *args: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", handler)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", handler)
    return len(seen)


def test_pages_do_not_query_per_row(client, login, org):
    login(org.hr)
    _deadline(DeadlineKind.FILING, org.dt_a, date(2021, 12, 6), award=_award("LDTT"))
    db.session.commit()
    small = (_statements(client, "/deadlines"), _statements(client, "/reminders"))
    for i in range(15):
        _deadline(DeadlineKind.FILING, org.dt_b if i % 2 else org.dt_a, date(2021, 12, 7), award=_award("GK"))
        db.session.add(Notification(user_id=org.hr.id, key=f"k{i}", text=f"Việc {i}", link="/reminders"))
    db.session.commit()
    assert (_statements(client, "/deadlines"), _statements(client, "/reminders")) == small


def test_inactive_users_are_skipped(org):
    make_user("rm_gone", ("secretary", org.dt), active=False)
    _session(org.dt, date(2021, 12, 3))
    summary = operations.send_due(TODAY, 7)
    assert "rm_gone" not in summary.per_user and "t_secretary" in summary.per_user
