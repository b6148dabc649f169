"""The nominations API: create, list (filters, scope), detail (history, triggers per role, eligibility), files,
transitions along the workflow with their 403/409/422 bodies, batches.

Every response is validated against the served OpenAPI document (``call``), as in test_api.py.
"""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from awards.extensions import db as _db
from awards.nominations.actors import SYSTEM
from awards.nominations.models import Nomination
from awards.org import operations as ops
from awards.org.models import RatingLevel
from tests.factories import make_person
from tests.api_checks import NOT_FOUND_BODY, token_for
from tests.integration.test_eligibility_loader import hold, initiative
from workflows import engine

API = "/api/v1"
PATHS = {f"{API}/nominations", f"{API}/nominations/{{nomination_id}}",
         f"{API}/nominations/{{nomination_id}}/attachments", f"{API}/nominations/{{nomination_id}}/transitions",
         f"{API}/batches", f"{API}/batches/{{batch_id}}/submit"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture()
def call(call):
    """``call(method, path, token, json=… / data=…)``: the shared checking caller, method first."""
    return lambda method, path, token=None, **kwargs: call(path, token=token, method=method, **kwargs)


@pytest.fixture()
def tokens(org):
    return {name: token_for(getattr(org, name))
            for name in ("admin", "hr", "approver", "secretary", "proposer", "viewer")}


@pytest.fixture()
def staff(org):
    """Two people of DT-A rated 'completed excellently' in 2021 (eligible or awaiting a note for LDTT), one
    of TH-A (outside the DT-A proposer's scope)."""
    people = {}
    for code, name, unit in (("P-LAN", "Nguyễn Thị Lan", org.dt_a), ("P-MAI", "Trần Thị Mai", org.dt_a),
                             ("P-TUAN", "Lê Văn Tuấn", org.th_a)):
        people[code] = make_person(unit, code, full_name=name, since=date(2015, 1, 1))
        ops.set_rating(2021, RatingLevel.HTXSNV, person=people[code])
    return people


def create(call, token, code="P-LAN", award="LDTT", **extra):
    body = {"nominee_code": code, "nominee_type": "person", "award": award, "year": 2021,
            "summary": "Hoàn thành xuất sắc chỉ tiêu.", **extra}
    return call("POST", f"{API}/nominations", token, json=body)


def created(call, token, code="P-LAN", award="LDTT", **extra) -> dict:
    response = create(call, token, code, award, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def fire(call, token, nomination_id, trigger, **body):
    return call("POST", f"{API}/nominations/{nomination_id}/transitions", token, json={"trigger": trigger, **body})


def fired(call, token, nomination_id, trigger, **body) -> dict:
    response = fire(call, token, nomination_id, trigger, **body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def detail(call, token, nomination_id) -> dict:
    response = call("GET", f"{API}/nominations/{nomination_id}", token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# Submitting LDTT: the comment is the proposer's note the guard asks for when a clause is still unknown.
NOTE = "Không bị kỷ luật trong năm."


def test_the_document_describes_the_endpoints(spec):
    assert PATHS <= set(spec["paths"])
    transitions = spec["paths"][f"{API}/nominations/{{nomination_id}}/transitions"]["post"]["responses"]
    assert {"200", "403", "404", "409", "422"} <= set(transitions)


def test_create_a_nomination(call, org, staff, tokens):
    body = created(call, tokens["proposer"])
    assert body["state"] == "draft"
    assert body["nominee"] == {"type": "person", "code": "P-LAN", "name": "Nguyễn Thị Lan"}
    assert (body["award"], body["year"], body["summary"]) == ("LDTT", 2021, "Hoàn thành xuất sắc chỉ tiêu.")
    # DT-A has no legal personality: the province's department decides.
    assert body["units"] == {"proposing": "DT-A", "deciding": "DT"}


def test_create_refuses_out_of_scope_like_unknown_and_duplicates(call, staff, tokens):
    outside = create(call, tokens["proposer"], "P-TUAN")
    unknown = create(call, tokens["proposer"], "NO-SUCH")
    assert outside.status_code == unknown.status_code == 422
    assert outside.get_json() == unknown.get_json()
    assert "nominee_code" in outside.get_json()["errors"]["json"]
    created(call, tokens["proposer"])
    assert create(call, tokens["proposer"]).status_code == 422
    missing = call("POST", f"{API}/nominations", tokens["proposer"], json={"nominee_type": "robot"})
    assert missing.status_code == 422
    assert {"nominee_code", "nominee_type", "award", "year"} <= set(missing.get_json()["errors"]["json"])


def test_writes_need_a_token(call, login, org, staff):
    login(org.proposer)
    response = call("POST", f"{API}/nominations", json={"nominee_code": "P-LAN", "nominee_type": "person",
                                                        "award": "LDTT", "year": 2021})
    assert response.status_code == 401


def test_list_filters_and_scope(call, org, staff, tokens):
    lan = created(call, tokens["proposer"])
    mai = created(call, tokens["proposer"], "P-MAI")
    fired(call, tokens["proposer"], mai["id"], "submit", comment=NOTE)

    def ids(token, query=""):
        response = call("GET", f"{API}/nominations{query}", token)
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids(tokens["proposer"]) == [mai["id"], lan["id"]]  # newest first
    assert ids(tokens["proposer"], "?state=draft") == [lan["id"]]
    assert ids(tokens["proposer"], "?year=2021&award=LDTT&unit=DT-A") == [mai["id"], lan["id"]]
    assert ids(tokens["proposer"], "?year=2022") == ids(tokens["proposer"], "?award=CSTDCS") == []
    assert ids(tokens["viewer"]) == []  # Thanh Hóa sees nothing of Đồng Tháp
    page = call("GET", f"{API}/nominations?per_page=1", tokens["admin"]).get_json()
    assert (page["total"], page["pages"], len(page["items"])) == (2, 2, 1)
    outside = call("GET", f"{API}/nominations?unit=TH-A", tokens["proposer"])
    assert outside.status_code == 404


def test_detail_with_triggers_per_role_and_the_live_eligibility(call, org, staff, tokens):
    nomination = created(call, tokens["proposer"])
    body = detail(call, tokens["proposer"], nomination["id"])
    assert body["history"] == [] and body["attachments"] == []
    assert sorted(body["available_triggers"]) == ["submit", "withdraw"]
    assert body["eligibility_frozen"] is False
    assert (body["eligibility"]["subject_code"], body["eligibility"]["award"]) == ("P-LAN", "LDTT")
    assert detail(call, tokens["secretary"], nomination["id"])["available_triggers"] == []
    fired(call, tokens["proposer"], nomination["id"], "submit", comment=NOTE)
    body = detail(call, tokens["secretary"], nomination["id"])
    assert sorted(body["available_triggers"]) == ["reject", "send_back", "start_review"]
    assert body["eligibility_frozen"] is True and body["eligibility"]["subject_code"] == "P-LAN"
    assert detail(call, tokens["proposer"], nomination["id"])["available_triggers"] == ["withdraw"]


def test_out_of_scope_reads_like_unknown(call, org, staff, tokens):
    nomination = created(call, tokens["proposer"])
    outside = call("GET", f"{API}/nominations/{nomination['id']}", tokens["viewer"])
    unknown = call("GET", f"{API}/nominations/999999", tokens["proposer"])
    assert outside.status_code == unknown.status_code == 404
    assert outside.get_json() == unknown.get_json() == NOT_FOUND_BODY
    assert fire(call, tokens["viewer"], nomination["id"], "withdraw").get_json() == NOT_FOUND_BODY


@pytest.fixture()
def cstdcs_ready(db, org, staff):
    """P-LAN can be proposed for CSTDCS 2021: LDTT held, a recognised initiative, and six more LDTT holders in
    the province so that the 15 % quota leaves one place (7 × 15 % = 1)."""
    lan = staff["P-LAN"]
    hold(db, lan, "LDTT", 2021)
    initiative(db, "SK-LAN", org.dt_a, 2021, [lan])
    for i in range(6):
        hold(db, make_person(org.dt_b, f"P-LDTT{i}"), "LDTT", 2021)
    return lan


def test_a_nomination_travels_to_decided_with_its_history(call, db, org, cstdcs_ready, tokens):
    nid = created(call, tokens["proposer"], award="CSTDCS")["id"]
    assert detail(call, tokens["proposer"], nid)["eligibility"]["verdict"] != "ineligible"
    # The achievement report is required for CSTDCS: refused without it, with the reason.
    missing = fire(call, tokens["proposer"], nid, "submit", comment=NOTE)
    assert missing.status_code == 422
    assert any("báo cáo thành tích" in reason for reason in missing.get_json()["errors"]["reasons"])
    upload = call("POST", f"{API}/nominations/{nid}/attachments", tokens["proposer"],
                  data={"kind": "achievement_report", "file": (io.BytesIO(PDF), "bao-cao.pdf")},
                  content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    assert fired(call, tokens["proposer"], nid, "submit", comment=NOTE)["state"] == "submitted"
    assert fired(call, tokens["secretary"], nid, "start_review")["state"] == "in_review"
    # Voted by secret ballot, so posted first: scheduling straight away is refused.
    assert fire(call, tokens["secretary"], nid, "schedule").status_code == 422
    start = date.today() - timedelta(days=30)
    result = fired(call, tokens["secretary"], nid, "open_posting", data={"start": start.isoformat(), "working_days": 5})
    assert result["state"] == "posted"
    body = detail(call, tokens["secretary"], nid)
    assert body["posting_start"] == start.isoformat() and body["posting_end"] > start.isoformat()
    assert fired(call, tokens["secretary"], nid, "close_posting")["state"] == "in_council"
    # The council's outcome is the system's (applied by the council module), never a user's.
    assert fire(call, tokens["secretary"], nid, "council_pass").status_code == 403
    engine.fire(db.session.get(Nomination, nid), "council_pass", actor=SYSTEM)
    _db.session.flush()
    assert fired(call, tokens["approver"], nid, "approve")["state"] == "approved"
    assert fired(call, tokens["hr"], nid, "decide")["state"] == "decided"
    history = detail(call, tokens["admin"], nid)["history"]
    assert [(h["trigger"], h["from"], h["to"]) for h in history] == [
        ("submit", "draft", "submitted"), ("start_review", "submitted", "in_review"),
        ("open_posting", "in_review", "posted"), ("close_posting", "posted", "in_council"),
        ("council_pass", "in_council", "council_passed"), ("approve", "council_passed", "approved"),
        ("decide", "approved", "decided")]
    assert history[0]["comment"] == NOTE and history[0]["actor"] == "t_proposer"
    assert history[1]["actor"] == "t_secretary"


def test_ldtt_needs_no_posting(call, org, staff, tokens):
    nid = created(call, tokens["proposer"])["id"]
    fired(call, tokens["proposer"], nid, "submit", comment=NOTE)
    fired(call, tokens["secretary"], nid, "start_review")
    assert fired(call, tokens["secretary"], nid, "schedule")["state"] == "in_council"


def test_refusals_have_their_status_and_reasons(call, org, staff, tokens):
    nid = created(call, tokens["proposer"])["id"]
    forbidden = fire(call, tokens["secretary"], nid, "submit")
    assert forbidden.status_code == 403 and forbidden.get_json()["code"] == "forbidden"
    version = fired(call, tokens["proposer"], nid, "submit", comment=NOTE)["version"]
    again = fire(call, tokens["proposer"], nid, "submit", comment=NOTE)
    assert again.status_code == 409 and again.get_json()["code"] == "not_allowed"
    stale = fire(call, tokens["secretary"], nid, "start_review", version=version - 1)
    assert stale.status_code == 409 and stale.get_json()["code"] == "conflict"
    assert detail(call, tokens["secretary"], nid)["state"] == "submitted"  # nothing changed
    no_reason = fire(call, tokens["secretary"], nid, "send_back", version=version)
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"]["reasons"]
    fired(call, tokens["secretary"], nid, "start_review", version=version)
    no_data = fire(call, tokens["secretary"], nid, "open_posting")
    assert no_data.status_code == 422 and no_data.get_json()["errors"]["reasons"]
    # A window that has not ended yet: closing is refused with the date.
    fired(call, tokens["secretary"], nid, "open_posting",
          data={"start": date.today().isoformat(), "working_days": 10})
    early = fire(call, tokens["secretary"], nid, "close_posting")
    assert early.status_code == 422 and early.get_json()["errors"]["reasons"]
    back = fired(call, tokens["secretary"], nid, "send_back", comment="Thiếu báo cáo thành tích.")
    assert back["state"] == "returned"


def test_attachments_are_checked_by_content(call, org, staff, tokens):
    nid = created(call, tokens["proposer"])["id"]

    def upload(content: bytes, name: str, kind: str = "achievement_report"):
        return call("POST", f"{API}/nominations/{nid}/attachments", tokens["proposer"],
                    data={"kind": kind, "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")

    good = upload(PDF, "bao-cao.pdf")
    assert good.status_code == 201, good.get_json()
    assert (good.get_json()["kind"], good.get_json()["filename"], good.get_json()["content_type"]) == (
        "achievement_report", "bao-cao.pdf", "application/pdf")
    assert upload(b"just text pretending", "bao-cao.pdf").status_code == 422
    assert upload(PDF, "bao-cao.pdf", kind="selfie").status_code == 422
    assert [a["filename"] for a in detail(call, tokens["proposer"], nid)["attachments"]] == ["bao-cao.pdf"]


def test_a_batch_is_submitted_all_at_once(call, org, staff, tokens):
    response = call("POST", f"{API}/batches", tokens["proposer"], json={"unit": "DT-A", "year": 2021,
                                                                          "title": "Tờ trình LĐTT 2021"})
    assert response.status_code == 201, response.get_json()
    batch = response.get_json()
    assert (batch["unit"], batch["deciding_unit"], batch["state"], batch["nominations"]) == ("DT-A", "DT", "draft",
                                                                                              [])
    first = created(call, tokens["proposer"], batch_id=batch["id"])
    second = created(call, tokens["proposer"], "P-MAI", batch_id=batch["id"])
    assert first["batch_id"] == second["batch_id"] == batch["id"]
    submitted = call("POST", f"{API}/batches/{batch['id']}/submit", tokens["proposer"])
    assert submitted.status_code in (200, 422), submitted.get_json()
    if submitted.status_code == 422:
        # needs_information without a note stops the whole batch: nothing was submitted.
        assert submitted.get_json()["errors"]["reasons"]
        assert {detail(call, tokens["proposer"], n["id"])["state"] for n in (first, second)} == {"draft"}
    else:
        assert {n["state"] for n in submitted.get_json()["nominations"]} == {"submitted"}
    assert call("POST", f"{API}/batches/{batch['id']}/submit", tokens["viewer"]).get_json() == NOT_FOUND_BODY
    outside = call("POST", f"{API}/batches", tokens["proposer"], json={"unit": "TH-A", "year": 2021})
    assert outside.status_code == 422
