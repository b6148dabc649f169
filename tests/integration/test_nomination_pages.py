"""The nomination pages: scoped lists, only the actions the user may take now, actions through the page (state,
history, stale versions) and the secretariat's bulk actions with their confirmation step."""
from __future__ import annotations

import re

from sqlalchemy import select

from awards.catalogue.models import Award
from awards.nominations.models import Nomination, TransitionLog
from tests.factories import make_person


def _nomination(db, org, state: str = "submitted", name: str = "Nguyễn Văn Một") -> Nomination:
    award = db.session.scalar(select(Award).where(Award.code == "LDTT"))
    n = Nomination(person=make_person(org.dt_a, full_name=name), award=award, year=2021,
                   proposing_unit=org.dt_a, deciding_unit=org.dt, state=state)
    db.session.add(n)
    db.session.flush()
    return n


def _triggers(html: str) -> set[str]:
    return set(re.findall(r'class="mb-3 action" data-trigger="([a-z_]+)"', html))


def test_lists_are_scoped(db, org, client, login):
    n = _nomination(db, org, name="Trần Thị Hai")
    login(org.proposer)
    assert "Trần Thị Hai" in client.get("/nominations").get_data(as_text=True)
    client.post("/logout")
    login(org.secretary)
    assert "Trần Thị Hai" in client.get("/nominations/queue").get_data(as_text=True)
    client.post("/logout")
    login(org.viewer)  # another province: neither the list nor the page
    assert "Trần Thị Hai" not in client.get("/nominations").get_data(as_text=True)
    assert client.get(f"/nominations/{n.id}").status_code == 404


def test_the_page_shows_only_the_actions_the_user_may_take(db, org, client, login):
    n = _nomination(db, org)
    login(org.secretary)
    assert _triggers(client.get(f"/nominations/{n.id}").get_data(as_text=True)) == {"start_review", "send_back",
                                                                                   "reject"}
    client.post("/logout")
    login(org.proposer)
    assert _triggers(client.get(f"/nominations/{n.id}").get_data(as_text=True)) == {"withdraw"}
    client.post("/logout")
    login(org.approver)
    html = client.get(f"/nominations/{n.id}").get_data(as_text=True)
    assert _triggers(html) == set() and 'id="no-actions"' in html


def test_an_action_changes_the_state_and_writes_history(db, org, client, login):
    n = _nomination(db, org)
    login(org.secretary)
    response = client.post(f"/nominations/{n.id}/transition", data={"trigger": "send_back", "version": n.version,
                                                                     "comment": "Thiếu báo cáo thành tích"})
    assert response.status_code == 302
    db.session.refresh(n)
    assert n.state == "returned"
    log = db.session.scalar(select(TransitionLog).where(TransitionLog.record_id == n.id))
    assert (log.trigger, log.comment, log.actor_id) == ("send_back", "Thiếu báo cáo thành tích", org.secretary.id)
    html = client.get(f"/nominations/{n.id}").get_data(as_text=True)
    assert "Thiếu báo cáo thành tích" in html and "Trả lại để bổ sung" in html


def test_a_missing_reason_is_refused_with_422_and_the_reason(db, org, client, login):
    n = _nomination(db, org)
    login(org.secretary)
    response = client.post(f"/nominations/{n.id}/transition", data={"trigger": "reject", "version": n.version})
    assert response.status_code == 422
    assert "action-error" in response.get_data(as_text=True)
    db.session.refresh(n)
    assert n.state == "submitted"


def test_a_stale_version_gets_409(db, org, client, login):
    n = _nomination(db, org)
    login(org.secretary)
    response = client.post(f"/nominations/{n.id}/transition", data={"trigger": "start_review",
                                                                     "version": n.version - 1})
    assert response.status_code == 409
    assert "action-error" in response.get_data(as_text=True)
    db.session.refresh(n)
    assert n.state == "submitted"


def test_bulk_action_confirms_then_applies(db, org, client, login):
    a, b = _nomination(db, org, name="Lê Văn Ba"), _nomination(db, org, name="Phạm Thị Bốn")
    login(org.secretary)
    confirm = client.post("/nominations/bulk", data={"ids": [a.id, b.id], "trigger": "start_review"})
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Lê Văn Ba" in html and "Phạm Thị Bốn" in html
    assert "2 hồ sơ" in html
    db.session.refresh(a)
    assert a.state == "submitted"  # nothing happens before the confirmation
    done = client.post("/nominations/bulk", data={"ids": [a.id, b.id], "trigger": "start_review", "confirmed": "1"})
    assert done.status_code == 302
    db.session.refresh(a)
    db.session.refresh(b)
    assert (a.state, b.state) == ("in_review", "in_review")


def test_bulk_actions_are_for_the_secretariat(db, org, client, login):
    a = _nomination(db, org)
    login(org.proposer)
    assert client.post("/nominations/bulk", data={"ids": [a.id], "trigger": "start_review",
                                                  "confirmed": "1"}).status_code == 403
