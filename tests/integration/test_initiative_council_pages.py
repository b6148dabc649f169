"""The initiative workflow on the pages: registration for evaluation, the secretariat putting it to evaluation,
an initiative council set up and run from the council pages (agenda with scopes, members' ballots, close), the
outcome shown on the initiative page, and the eligibility rules counting the recognised initiative."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from awards.councils import operations as councils
from awards.councils.models import Council, CouncilKind, CouncilSession
from awards.eligibility import service
from awards.extensions import db
from awards.initiatives import operations as ops
from awards.initiatives.models import Initiative, InitiativeScope
from awards.org.models import Role
from tests.factories import make_person, make_user

HELD_ON = date(2021, 12, 20)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture()
def as_user(client, login):
    """Sign the one test client in as ``user`` (signing out whoever was in)."""

    def _as(user):
        client.post("/logout")
        return login(user)

    return _as


@pytest.fixture()
def author(db, org):
    return make_person(org.dt_a, "DT-A9", full_name="Võ Thị Sáng")


def registered(org, author, code="SK-DG-1", title="Số hóa sổ thụ lý", unit=None, registrar=None) -> Initiative:
    initiative = ops.register_initiative(code, actor=registrar or org.proposer, title=title, authors=[author],
                                         unit=unit or org.dt_a, year=2021)
    db.session.commit()
    return initiative


def under_evaluation(org, author, code, title, unit=None, secretary=None) -> Initiative:
    initiative = registered(org, author, code, title, unit, registrar=org.admin if unit is not None else None)
    ops.transition(initiative, "start_evaluation", actor=secretary or org.secretary)
    db.session.commit()
    return initiative


# --- registration and evaluation -------------------------------------------------------------------------------

def test_a_proposer_registers_an_initiative_for_evaluation_without_scope_or_decision(db, org, author, as_user):
    client = as_user(org.proposer)
    form = text(client.get("/initiatives/register"))
    assert 'name="scope"' not in form and 'name="decision_no"' not in form
    assert "Đăng ký sáng kiến để đánh giá" in text(client.get("/initiatives"))
    # Only the units the proposer registers for are offered: Lai Vung (another branch) is refused.
    refused = client.post("/initiatives/register", data={"code": "SK-DG-1", "title": "Số hóa sổ thụ lý",
                                                         "author_codes": author.code, "unit_id": org.dt_b.id,
                                                         "year": 2021})
    assert refused.status_code == 422
    response = client.post("/initiatives/register", data={"code": "SK-DG-1", "title": "Số hóa sổ thụ lý",
                                                          "author_codes": author.code, "unit_id": org.dt_a.id,
                                                          "year": 2021})
    assert response.status_code == 302 and response.headers["Location"].endswith("/initiatives/SK-DG-1")
    initiative = db.session.scalar(select(Initiative).where(Initiative.code == "SK-DG-1"))
    assert (initiative.state, initiative.scope, initiative.decision_no, initiative.decision_date) == (
        "registered", None, "", None)
    assert [a.person for a in initiative.authors] == [author]
    page = text(client.get("/initiatives/SK-DG-1"))
    assert 'data-state="registered"' in page and "Đã đăng ký" in page
    assert 'data-trigger="start_evaluation"' not in page  # the proposer does not evaluate
    # A viewer has no unit to register for; recording an already recognised one is still HR's form.
    assert as_user(org.viewer).get("/initiatives/register").status_code == 403
    assert as_user(org.hr).get("/initiatives/new").status_code == 200


def test_the_secretariat_starts_the_evaluation_and_the_step_is_in_the_history(db, org, author, as_user):
    initiative = registered(org, author)
    url = f"/initiatives/{initiative.code}/transition"
    step = {"trigger": "start_evaluation", "version": initiative.version}
    assert as_user(org.proposer).post(url, data=step).status_code == 403
    assert as_user(org.hr).post(url, data=step).status_code == 403
    th_secretary = make_user("th_secretary", (Role.SECRETARY, org.th))
    assert as_user(th_secretary).post(url, data=step).status_code == 404
    assert as_user(th_secretary).get(f"/initiatives/{initiative.code}").status_code == 404
    db.session.refresh(initiative)
    assert initiative.state == "registered"

    client = as_user(org.secretary)
    page = text(client.get(f"/initiatives/{initiative.code}"))
    assert 'data-trigger="start_evaluation"' in page and "Đưa ra đánh giá" in page
    assert client.post(url, data={**step, "version": initiative.version - 1}).status_code == 409
    response = client.post(url, data=step)
    assert response.status_code == 302
    db.session.refresh(initiative)
    assert initiative.state == "under_evaluation"
    page = text(client.get(f"/initiatives/{initiative.code}"))
    assert 'data-state="under_evaluation"' in page
    assert 'data-to="under_evaluation"' in page and "t_secretary" in page
    assert 'data-trigger="start_evaluation"' not in page
    # The same step again (a page loaded before): refused by the state, 409.
    assert client.post(url, data={**step, "version": initiative.version}).status_code == 409


def test_scope_and_decision_cannot_be_written_by_hand_while_in_evaluation(db, org, author, as_user):
    initiative = registered(org, author)
    client = as_user(org.hr)
    assert 'name="scope"' not in text(client.get(f"/initiatives/{initiative.code}/edit"))
    response = client.post(f"/initiatives/{initiative.code}/edit", data={
        "version": initiative.version, "title": "Tên mới", "author_codes": author.code, "unit_id": org.dt_a.id,
        "year": 2021, "scope": "national", "decision_no": "1/QĐ"})
    assert response.status_code == 302
    db.session.refresh(initiative)
    assert (initiative.title, initiative.scope, initiative.decision_no, initiative.state) == (
        "Tên mới", None, "", "registered")


# --- the initiative council --------------------------------------------------------------------------------------

def test_an_initiative_council_recognises_by_majority_from_the_pages(db, org, author, as_user):
    people = [make_person(org.dt, full_name=f"Ủy viên HĐSK {i}") for i in range(1, 6)]
    users = [make_user(f"sk{i}", (Role.COUNCIL_MEMBER, org.dt), person=p) for i, p in enumerate(people, 1)]
    good = under_evaluation(org, author, "SK-DG-1", "Số hóa sổ thụ lý")
    weak = under_evaluation(org, author, "SK-DG-2", "Sổ tay chấp hành viên")
    waiting = registered(org, author, "SK-DG-3", "Chưa đưa ra đánh giá")
    th_secretary = make_user("th_secretary", (Role.SECRETARY, org.th))
    elsewhere = under_evaluation(org, make_person(org.th_a), "SK-TH-1", "Sáng kiến Thanh Hóa", unit=org.th_a,
                                 secretary=th_secretary)
    clause = next(c for c in service.person_report(author, "CSTDCS", 2021).clauses if c.code == "CSTDCS.initiative")
    assert clause.outcome == "not_met"  # under evaluation: not yet an initiative the rules count

    client = as_user(org.secretary)
    form = text(client.get(f"/councils/new?unit={org.dt.id}"))
    assert 'name="kind"' in form and "Hội đồng sáng kiến" in form
    response = client.post("/councils/new", data={
        "unit_id": org.dt.id, "year": 2021, "kind": "initiatives",
        **{f"role-{p.id}": ("chair" if i == 0 else "member") for i, p in enumerate(people)}})
    assert response.status_code == 302
    council = db.session.get(Council, int(response.headers["Location"].rsplit("/", 1)[-1]))
    assert council.kind == CouncilKind.INITIATIVES and len(council.members) == 5
    assert "Lập phiên họp" in text(client.get(f"/councils/{council.id}"))

    agenda = text(client.get(f"/councils/{council.id}/sessions/new"))
    assert "Số hóa sổ thụ lý" in agenda and "Sổ tay chấp hành viên" in agenda and author.full_name in agenda
    assert waiting.title not in agenda and elsewhere.title not in agenda
    assert f'name="scope-{good.id}"' in agenda
    response = client.post(f"/councils/{council.id}/sessions/new", data={
        "held_on": "20/12/2021", "place": "Hội trường", "number": "3/BB-HĐSK",
        "initiative_ids": [good.id, weak.id], f"scope-{good.id}": "ministry"})
    assert response.status_code == 302
    session = db.session.get(CouncilSession, int(response.headers["Location"].rsplit("/", 1)[-1]))
    assert {i.initiative: i.scope for i in session.items} == {good: InitiativeScope.MINISTRY,
                                                              weak: InitiativeScope.BASE}
    # On an unclosed agenda, an initiative is not offered to a second session.
    assert "Số hóa sổ thụ lý" not in text(client.get(f"/councils/{council.id}/sessions/new"))
    page = text(client.get(f"/councils/sessions/{session.id}"))
    assert "Số hóa sổ thụ lý" in page and author.full_name in page and "cấp bộ, ngành" in page

    councils.record_attendance(actor=org.secretary, session=session, present_person_ids=[p.id for p in people])
    councils.open_session(actor=org.secretary, session=session)
    db.session.commit()
    # The chair votes on the ballot page (review, then confirm); the others through the operation.
    client = as_user(users[0])
    ballot = text(client.get(f"/councils/sessions/{session.id}/ballot"))
    assert "Số hóa sổ thụ lý" in ballot and author.full_name in ballot and "Cấp bộ, ngành" in ballot
    choices = {"round_number": 1, f"vote_{good.id}": "yes", f"vote_{weak.id}": "yes"}
    assert client.post(f"/councils/sessions/{session.id}/ballot", data=choices).status_code == 200
    assert client.post(f"/councils/sessions/{session.id}/ballot",
                       data={**choices, "confirmed": "1"}).status_code == 302
    for index, user in enumerate(users[1:], 1):
        councils.cast_ballot(actor=user, session=session, round_number=1,
                             votes={str(good.id): "yes" if index < 3 else "no", str(weak.id): "no"})
    db.session.commit()

    client = as_user(org.secretary)
    db.session.refresh(session)
    assert client.post(f"/councils/sessions/{session.id}/close-round",
                       data={"version": session.version}).status_code == 302
    db.session.refresh(session)
    assert client.post(f"/councils/sessions/{session.id}/close", data={"version": session.version}).status_code == 302
    db.session.refresh(good)
    db.session.refresh(weak)
    assert (good.state, good.scope, good.decision_no, good.decision_date) == (
        "recognised", InitiativeScope.MINISTRY, "3/BB-HĐSK", HELD_ON)
    assert (weak.state, weak.scope) == ("not_recognised", None)

    page = text(as_user(org.proposer).get(f"/initiatives/{good.code}"))
    assert 'data-state="recognised"' in page and "Cấp bộ, ngành" in page
    assert "Số 3/BB-HĐSK ngày 20/12/2021" in page
    assert 'data-to="recognised"' in page and f"/councils/sessions/{session.id}" in page
    assert "3/5 thành viên đồng ý" in page
    page = text(as_user(org.proposer).get(f"/initiatives/{weak.code}"))
    assert 'data-state="not_recognised"' in page and "1/5" in page

    # The rules read the council's decision: the author's CSTDCS (ND 91/2017) now has its initiative.
    clause = next(c for c in service.person_report(author, "CSTDCS", 2021).clauses if c.code == "CSTDCS.initiative")
    assert clause.outcome == "met" and good.code in clause.reason and weak.code not in clause.reason


def test_a_head_recognises_outside_a_session_only_with_a_scope(db, org, author, as_user):
    initiative = under_evaluation(org, author, "SK-DG-1", "Số hóa sổ thụ lý")
    url = f"/initiatives/{initiative.code}/transition"
    client = as_user(org.approver)
    page = text(client.get(f"/initiatives/{initiative.code}"))
    assert 'data-trigger="recognise"' in page and 'data-trigger="reject"' in page
    assert 'data-trigger="start_evaluation"' not in page
    refused = client.post(url, data={"trigger": "recognise", "version": initiative.version})
    assert refused.status_code == 422 and "phạm vi" in text(refused)
    refused = client.post(url, data={"trigger": "reject", "version": initiative.version})
    assert refused.status_code == 422 and "lý do" in text(refused)
    db.session.refresh(initiative)
    assert (initiative.state, initiative.scope) == ("under_evaluation", None)
    assert client.post(url, data={"trigger": "recognise", "version": initiative.version, "scope": "base",
                                  "decision_no": "12/QĐ-CTHADS", "decision_date": "05/01/2022"}).status_code == 302
    db.session.refresh(initiative)
    assert (initiative.state, initiative.scope, initiative.decision_no, initiative.decision_date) == (
        "recognised", InitiativeScope.BASE, "12/QĐ-CTHADS", date(2022, 1, 5))
