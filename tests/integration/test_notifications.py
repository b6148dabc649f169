"""/notifications: the changes others made on the nominations a user is concerned with, scoped, highlighted
since the previous visit (the navbar count drops to 0 after a visit), in a fixed number of statements."""
from __future__ import annotations

import re
from contextlib import contextmanager

from flask import render_template_string
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from awards.catalogue.models import Award
from awards.nominations import operations
from awards.nominations.models import Nomination, TransitionLog
from tests.factories import make_person


def _nomination(db, org, *, unit=None, deciding=None, state="submitted", name="Nguyễn Văn Một") -> Nomination:
    award = db.session.scalar(select(Award).where(Award.code == "LDTT"))
    unit = unit or org.dt_a
    n = Nomination(person=make_person(unit, full_name=name), award=award, year=2021, proposing_unit=unit,
                   deciding_unit=deciding or org.dt, state=state)
    db.session.add(n)
    db.session.flush()
    return n


def _log(db, n, trigger, actor, from_state="draft", to_state="submitted", comment=None) -> TransitionLog:
    log = TransitionLog(workflow="nomination", record_id=n.id, trigger=trigger, from_state=from_state,
                        to_state=to_state, actor_id=actor.id, actor_label=actor.username, comment=comment)
    db.session.add(log)
    db.session.flush()
    return log


def _triggers(html: str) -> list[str]:
    return re.findall(r'data-trigger="([a-z_]+)"', html)



def test_a_proposer_sees_the_secretarys_step_not_their_own(db, org, client, login):
    n = _nomination(db, org, name="Trần Thị Hai")
    _log(db, n, "submit", org.proposer)
    operations.transition(n, "start_review", actor=org.secretary, comment="Đã nhận hồ sơ")
    login(org.proposer)
    html = client.get("/notifications").get_data(as_text=True)
    assert _triggers(html) == ["start_review"]
    assert "Trần Thị Hai" in html and "Đã nhận hồ sơ" in html and f"/nominations/{n.id}" in html


def test_a_secretary_sees_a_proposers_submit_at_their_unit(db, org, client, login):
    n = _nomination(db, org)
    _log(db, n, "submit", org.proposer)
    login(org.secretary)
    assert _triggers(client.get("/notifications").get_data(as_text=True)) == ["submit"]


def test_another_provinces_changes_are_not_listed(db, org, client, login):
    other = _nomination(db, org, unit=org.th_a, deciding=org.th, name="Lê Văn Ba")
    _log(db, other, "submit", org.proposer)  # whoever acted, Thanh Hóa is not Đồng Tháp's business
    login(org.secretary)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Lê Văn Ba" not in html and 'id="no-changes"' in html


def test_the_count_drops_to_zero_after_a_visit(app, db, org, client, login):
    n = _nomination(db, org)
    _log(db, n, "submit", org.proposer)
    login(org.secretary)

    def badge() -> int:
        with client.session_transaction() as sess:
            seen = sess.get("last_seen_notifications_at")
        with app.test_request_context():
            from flask import session
            from flask_login import login_user
            login_user(org.secretary)
            if seen:
                session["last_seen_notifications_at"] = seen
            return int(render_template_string("{{ changes_count() }}"))

    assert badge() == 1
    html = client.get("/notifications").get_data(as_text=True)
    assert 'class="change-new' in html  # highlighted on this visit...
    assert badge() == 0
    html = client.get("/notifications").get_data(as_text=True)
    assert 'class="change-new' not in html and _triggers(html) == ["submit"]  # ...listed, no longer new


@contextmanager
def _statements():
    seen: list[str] = []

    def _on(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", _on)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", _on)


def _page_statements(db, org, client, login, rows: int) -> int:
    for i in range(rows):
        n = _nomination(db, org, name=f"Người số {i}")
        _log(db, n, "submit", org.proposer)
    login(org.secretary)
    client.get("/notifications")  # warm caches (user, session) so both runs count the same work
    with _statements() as seen:
        response = client.get("/notifications")
    assert response.status_code == 200 and len(_triggers(response.get_data(as_text=True))) == min(rows, 25)
    return len(seen)


def test_statement_count_does_not_grow_with_rows(db, org, client, login):
    few = _page_statements(db, org, client, login, 5)
    client.post("/logout")
    many = _page_statements(db, org, client, login, 25)  # 30 in all
    assert many == few
