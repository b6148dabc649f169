"""The decisions API: draft → issue (numbers, money, nominations decided), the 403/404/409/422 bodies, the list's
filters and scope, the detail, the stored PDF byte for byte, the certificates job and the public verification.

Every JSON response is validated against the served OpenAPI document (``call``), as in test_api.py.
"""
from __future__ import annotations

import hashlib
import subprocess
from datetime import date

import pytest
from openapi_spec_validator import validate as validate_spec
from sqlalchemy import select

from awards.decisions import operations as ops
from awards.decisions.models import Decision, DecisionState
from awards.extensions import db as _db
from awards.org.models import Role
from tests.api_checks import NOT_FOUND_BODY, deref, token_for
from tests.factories import make_person, make_unit, make_user
from tests.integration.test_decisions import approved

API = "/api/v1"
PATHS = {f"{API}/decisions", f"{API}/decisions/{{decision_id}}", f"{API}/decisions/{{decision_id}}/issue",
         f"{API}/decisions/{{decision_id}}/pdf", f"{API}/decisions/{{decision_id}}/certificates",
         f"{API}/verify/{{token}}"}
DAY = "2022-01-10"


@pytest.fixture()
def call(call):
    """``call(method, path, token, json=…)``: the shared checking caller, method first."""
    return lambda method, path, token=None, **kwargs: call(path, token=token, method=method, **kwargs)


@pytest.fixture()
def tokens(org):
    return {name: token_for(getattr(org, name))
            for name in ("admin", "hr", "approver", "secretary", "proposer", "viewer", "member")}


@pytest.fixture()
def signer(org):
    return make_person(org.dt, "DT-LOI", full_name="Nguyễn Văn Lợi", position="Cục trưởng")


def body(nominations, **extra) -> dict:
    return {"issuer_code": "DT", "date": DAY, "signer_code": "DT-LOI", "signing_mode": "",
            "nomination_ids": [n.id for n in nominations], **extra}


def create(call, token, nominations, **extra):
    return call("POST", f"{API}/decisions", token, json=body(nominations, **extra))


def created(call, token, nominations, **extra) -> dict:
    response = create(call, token, nominations, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def issued(call, token, decision: dict) -> dict:
    response = call("POST", f"{API}/decisions/{decision['id']}/issue", token, json={"version": decision["version"]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def field_errors(response) -> dict:
    assert response.status_code == 422, response.get_json()
    return response.get_json()["errors"]["json"]


# --- the OpenAPI document ------------------------------------------------------------------------------------

def test_every_route_is_documented_with_its_answers(spec):
    validate_spec(spec)
    assert PATHS <= set(spec["paths"])
    paths = spec["paths"]
    assert {"201", "401", "403", "422"} <= set(paths[f"{API}/decisions"]["post"]["responses"])
    assert {"200", "401", "404", "422"} <= set(paths[f"{API}/decisions"]["get"]["responses"])
    assert {"200", "401", "403", "404", "409", "422"} <= set(
        paths[f"{API}/decisions/{{decision_id}}/issue"]["post"]["responses"])
    assert {"200", "401", "403", "404"} <= set(paths[f"{API}/decisions/{{decision_id}}"]["get"]["responses"])
    pdf = paths[f"{API}/decisions/{{decision_id}}/pdf"]["get"]["responses"]
    assert "application/pdf" in pdf["200"]["content"]
    certificates = paths[f"{API}/decisions/{{decision_id}}/certificates"]["get"]["responses"]
    assert "application/pdf" in certificates["200"]["content"]
    assert {"202", "403", "404", "409"} <= set(certificates)
    verify = paths[f"{API}/verify/{{token}}"]["get"]
    assert verify["security"] == []  # public: no scheme required
    assert "401" not in verify["responses"] and {"200", "404", "429"} <= set(verify["responses"])
    for status in ("403", "404", "409", "422"):
        described = deref(spec, paths[f"{API}/decisions/{{decision_id}}/issue"]["post"]["responses"][status])
        assert described["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ApiError"}
    create_body = deref(spec, paths[f"{API}/decisions"]["post"]["requestBody"]["content"]["application/json"]
                        ["schema"])
    assert {"issuer_code", "date", "signer_code", "nomination_ids"} <= set(create_body["required"])
    assert create_body["properties"]["signing_mode"]["enum"] == ["", "KT.", "TM.", "Q.", "TL.", "TUQ."]


# --- draft and issue -----------------------------------------------------------------------------------------

def test_draft_then_issue_numbers_prices_and_decides(call, db, org, tokens, signer):
    chosen = [approved(org), approved(org), approved(org, "TTLDTT", nominee=org.dt_a)]
    draft = created(call, tokens["hr"], chosen)
    assert (draft["state"], draft["kind"], draft["number"], draft["number_text"]) == ("draft", "award", None, "")
    assert draft["symbol"] == "QĐ-CTHADS" and draft["issuer"] == {"code": "DT", "name": org.dt.name}
    # Base salary 1,490,000 on 10/01/2022: LĐTT 0.3 → 450,000 each; TTLĐTT 0.8 → 1,200,000.
    assert sorted(i["money"] for i in draft["items"]) == [450_000, 450_000, 1_200_000]
    assert draft["total_money"] == 2_100_000 and draft["items_count"] == 3
    assert draft["signer"] == {"code": "DT-LOI", "name": "Nguyễn Văn Lợi", "position": "Cục trưởng"}
    assert draft["pdf_sha256"] is None and draft["signed"] is False
    assert all(n.state == "approved" for n in chosen)

    result = issued(call, tokens["hr"], draft)
    assert (result["number"], result["symbol"], result["number_text"]) == (1, "QĐ-CTHADS", "01/QĐ-CTHADS")
    assert result["state"] == "issued" and result["total_money"] == 2_100_000 and result["date"] == DAY
    assert sorted((i["nomination_id"], i["money"]) for i in result["items"]) == sorted(
        [(chosen[0].id, 450_000), (chosen[1].id, 450_000), (chosen[2].id, 1_200_000)])
    assert [i["position"] for i in result["items"]] == [1, 2, 3]
    for nomination in chosen:
        _db.session.refresh(nomination)
        assert (nomination.state, nomination.decision_no) == ("decided", "01/QĐ-CTHADS")
    stored = _db.session.get(Decision, draft["id"]).pdf
    assert result["pdf_sha256"] == stored.sha256 == hashlib.sha256(stored.content).hexdigest()

    second = issued(call, tokens["hr"], created(call, tokens["admin"], [approved(org)]))
    assert (second["number"], second["number_text"], second["total_money"]) == (2, "02/QĐ-CTHADS", 450_000)


def test_the_detail_has_texts_bases_totals_items_and_the_pdf_digest(call, db, org, tokens, signer):
    chosen = [approved(org), approved(org, "TTLDTT", nominee=org.dt_a)]
    draft = created(call, tokens["hr"], chosen, signing_mode="KT.", recipients=["Như Điều 3;", "Lưu: VT."])
    issued(call, tokens["hr"], draft)
    response = call("GET", f"{API}/decisions/{draft['id']}", tokens["approver"])
    assert response.status_code == 200
    detail = response.get_json()
    assert (detail["state"], detail["number"], detail["number_text"]) == ("issued", 1, "01/QĐ-CTHADS")
    assert (detail["signing_mode"], detail["signer_position"], detail["signer_title"]) == (
        "KT.", "CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG")
    assert detail["authority"] == "CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP"
    assert detail["subject"].startswith("Về việc tặng danh hiệu")
    assert [b["code"] for b in detail["legal_bases"]] == ["LTDKT_2003", "ND91_2017", "ND38_2019", "THADS_TDKT"]
    assert detail["recipients"] == ["Như Điều 3;", "Lưu: VT."]
    assert len(detail["articles"]) == 3 and detail["articles"][0]["list"] == [
        "“Lao động tiên tiến”: 01 cá nhân;", "“Tập thể lao động tiên tiến”: 01 tập thể."]
    assert detail["totals"] == [
        {"award": "LDTT", "name": "Lao động tiên tiến", "persons": 1, "collectives": 0, "money": 450_000},
        {"award": "TTLDTT", "name": "Tập thể lao động tiên tiến", "persons": 0, "collectives": 1,
         "money": 1_200_000}]
    person, unit = sorted(detail["items"], key=lambda i: i["nominee"]["type"])
    assert person["nominee"] == {"type": "person", "code": chosen[0].person.code,
                                 "name": chosen[0].person.full_name}
    assert (person["award"], person["money"], person["multiple"], person["base_salary"]) == (
        "LDTT", 450_000, "0.3", 1_490_000)
    assert person["nominee_unit"] == "Chi cục THADS huyện Lấp Vò" and person["nomination_id"] == chosen[0].id
    assert unit["nominee"] == {"type": "unit", "code": "DT-A", "name": "Chi cục THADS huyện Lấp Vò"}
    assert sorted([person["position"], unit["position"]]) == [1, 2]
    stored = _db.session.get(Decision, draft["id"]).pdf
    assert detail["pdf_sha256"] == stored.sha256 and detail["signed"] is False


# --- refusals ------------------------------------------------------------------------------------------------

def test_bad_bodies_get_422_with_the_field(call, db, org, tokens, signer):
    chosen = [approved(org)]
    hr = tokens["hr"]
    assert "date" in field_errors(create(call, hr, chosen, date="2022-13-40"))
    assert "signing_mode" in field_errors(create(call, hr, chosen, signing_mode="KT"))
    unknown = field_errors(create(call, hr, chosen, nomination_ids=[chosen[0].id, 987654]))
    assert unknown == {"nomination_ids": ["Không có hồ sơ đề nghị số 987654."]}
    assert field_errors(create(call, hr, chosen, signer_code="NOBODY")) == {
        "signer_code": ["Không tìm thấy người ký trong phạm vi của bạn."]}
    make_person(org.dt_a, "DT-A-CCT", position="Chi cục trưởng")
    assert "signer_code" in field_errors(create(call, hr, chosen, signer_code="DT-A-CCT"))  # not of the issuer
    assert "issuer_code" in field_errors(create(call, hr, chosen, issuer_code="TH"))  # outside the scope
    assert "issuer_code" in field_errors(create(call, hr, chosen, issuer_code="NOWHERE"))
    assert "issuer_code" in field_errors(create(call, hr, chosen, issuer_code="DT-A"))  # no legal personality
    assert field_errors(create(call, hr, chosen, legal_basis_ids=[987654])) == {
        "legal_basis_ids": ["Căn cứ pháp lý không có trong danh mục."]}
    assert "date" in field_errors(create(call, hr, chosen, date="1990-01-10"))  # no base salary in the catalogue
    missing = call("POST", f"{API}/decisions", hr, json={"issuer_code": "DT"})
    assert {"date", "signer_code", "nomination_ids"} <= set(field_errors(missing))
    waiting = approved(org)
    waiting.state = "council_passed"
    _db.session.flush()
    assert "chưa ở trạng thái chờ quyết định" in field_errors(create(call, hr, [waiting]))["nomination_ids"][0]
    assert field_errors(create(call, hr, [])) == {"nomination_ids": ["Chọn ít nhất một hồ sơ đề nghị."]}
    assert _db.session.scalar(select(Decision.id)) is None  # nothing was drafted


def test_a_nomination_outside_the_scope_reads_as_unknown(call, db, org, tokens, signer):
    th_person = make_person(org.th_a)
    from awards.nominations import operations as nominations
    elsewhere = nominations.create_nomination(actor=make_user("p_th", (Role.PROPOSER, org.th_a)),
                                              nominee=th_person, award_code="LDTT", year=2021)
    errors = field_errors(create(call, tokens["hr"], [approved(org), elsewhere]))
    assert errors == {"nomination_ids": [f"Không có hồ sơ đề nghị số {elsewhere.id}."]}


def test_who_may_draft_and_issue(call, db, org, tokens, signer):
    chosen = [approved(org)]
    for name in ("approver", "secretary"):
        refused = create(call, tokens[name], chosen)
        assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    # Outside the scope, the issuer's code is as unknown as a code that does not exist.
    assert "issuer_code" in field_errors(create(call, tokens["viewer"], chosen))
    draft = created(call, tokens["hr"], chosen)
    path = f"{API}/decisions/{draft['id']}/issue"
    refused = call("POST", path, tokens["approver"], json={})
    assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    hidden = call("POST", path, tokens["viewer"], json={})
    assert hidden.status_code == 404 and hidden.get_json() == NOT_FOUND_BODY
    hr_th = token_for(make_user("hr_th", (Role.HR, org.th)))
    assert call("POST", path, hr_th, json={}).get_json() == NOT_FOUND_BODY
    unknown = call("POST", f"{API}/decisions/987654/issue", tokens["hr"], json={})
    assert unknown.status_code == 404 and unknown.get_json() == NOT_FOUND_BODY
    assert _db.session.get(Decision, draft["id"]).state == DecisionState.DRAFT


def test_writes_need_a_token_not_a_session(call, db, org, login, signer):
    login(org.hr)
    refused = call("POST", f"{API}/decisions", json=body([approved(org)]))
    assert refused.status_code == 401 and refused.get_json()["code"] == "unauthorized"


def test_a_stale_version_or_an_issued_decision_is_409(call, db, org, tokens, signer):
    draft = created(call, tokens["hr"], [approved(org)])
    path = f"{API}/decisions/{draft['id']}/issue"
    stale = call("POST", path, tokens["hr"], json={"version": draft["version"] - 1})
    assert stale.status_code == 409 and stale.get_json()["code"] == "conflict"
    decision = _db.session.get(Decision, draft["id"])
    assert (decision.state, decision.number) == (DecisionState.DRAFT, None)
    issued(call, tokens["hr"], draft)
    again = call("POST", path, tokens["hr"], json={})
    assert again.status_code == 409 and again.get_json()["code"] == "not_allowed"
    assert _db.session.get(Decision, draft["id"]).number == 1


def test_issuing_without_a_signer_is_422_with_the_reason(call, db, org, tokens):
    draft = created(call, tokens["hr"], [approved(org)], signer_code=None)
    refused = call("POST", f"{API}/decisions/{draft['id']}/issue", tokens["hr"], json={})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"reasons": ["Chọn người ký quyết định."]}
    assert _db.session.get(Decision, draft["id"]).number is None


# --- reading -------------------------------------------------------------------------------------------------

@pytest.fixture()
def three(org, signer):
    """DT: an issued decision of 2022, a draft of 2022, an issued one of 2023; TH: an issued one of 2022."""
    first = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=date(2022, 1, 10),
                                nomination_ids=[approved(org).id], signer=signer)
    ops.issue(first, actor=org.hr)
    draft = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=date(2022, 2, 1),
                                nomination_ids=[approved(org).id], signer=signer)
    later = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=date(2023, 1, 5),
                                nomination_ids=[approved(org).id], signer=signer)
    ops.issue(later, actor=org.hr)
    th_signer = make_person(org.th, full_name="Lê Văn Thanh", position="Cục trưởng")
    th_hr = make_user("hr_th", (Role.HR, org.th))
    th_proposer = make_user("p_th", (Role.PROPOSER, org.th_a))
    from awards.nominations import operations as nominations
    th_nomination = nominations.create_nomination(actor=th_proposer, nominee=make_person(org.th_a),
                                                  award_code="LDTT", year=2021)
    th_nomination.state = "approved"
    _db.session.flush()
    th = ops.create_decision(actor=th_hr, issuer=org.th, decided_on=date(2022, 1, 12),
                             nomination_ids=[th_nomination.id], signer=th_signer)
    ops.issue(th, actor=th_hr)
    _db.session.flush()
    return {"first": first.id, "draft": draft.id, "later": later.id, "th": th.id}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [d["id"] for d in response.get_json()["items"]]


def test_the_list_is_scoped_newest_first_and_filtered(call, db, org, tokens, three):
    assert ids(call("GET", f"{API}/decisions", tokens["hr"])) == [three["later"], three["draft"], three["first"]]
    assert ids(call("GET", f"{API}/decisions", tokens["admin"])) == [
        three["later"], three["draft"], three["th"], three["first"]]
    assert ids(call("GET", f"{API}/decisions?year=2022", tokens["hr"])) == [three["draft"], three["first"]]
    assert ids(call("GET", f"{API}/decisions?year=2023", tokens["hr"])) == [three["later"]]
    assert ids(call("GET", f"{API}/decisions?state=draft", tokens["hr"])) == [three["draft"]]
    assert ids(call("GET", f"{API}/decisions?issuer=TH", tokens["admin"])) == [three["th"]]
    assert ids(call("GET", f"{API}/decisions?issuer=DT&year=2022&state=issued", tokens["admin"])) == [three["first"]]
    # Viewers read issued decisions of their scope only; proposers hold no decision role.
    assert ids(call("GET", f"{API}/decisions", tokens["viewer"])) == [three["th"]]
    assert ids(call("GET", f"{API}/decisions", tokens["proposer"])) == []
    assert ids(call("GET", f"{API}/decisions", tokens["approver"])) == [
        three["later"], three["draft"], three["first"]]
    hidden = call("GET", f"{API}/decisions?issuer=TH", tokens["hr"])
    assert hidden.status_code == 404 and hidden.get_json() == NOT_FOUND_BODY
    bad = call("GET", f"{API}/decisions?year=abc&state=done", tokens["hr"])
    assert bad.status_code == 422 and set(bad.get_json()["errors"]["query"]) == {"year", "state"}


def test_the_list_is_paginated_with_its_summary(call, db, org, tokens, three):
    page = call("GET", f"{API}/decisions?per_page=2&page=2", tokens["hr"]).get_json()
    assert (page["page"], page["per_page"], page["total"], page["pages"]) == (2, 2, 3, 2)
    (first,) = page["items"]
    assert first["id"] == three["first"] and first["number_text"] == "01/QĐ-CTHADS" and first["number"] == 1
    assert (first["total_money"], first["items_count"], first["date"], first["award_year"]) == (
        450_000, 1, "2022-01-10", 2021)


def test_reading_one_decision_follows_the_scope(call, db, org, tokens, three):
    draft = f"{API}/decisions/{three['draft']}"
    assert call("GET", draft, tokens["secretary"]).status_code == 200
    for name in ("viewer", "hr"):  # another province's viewer; DT's HR for TH's decision
        path = draft if name == "viewer" else f"{API}/decisions/{three['th']}"
        hidden = call("GET", path, tokens[name])
        assert hidden.status_code == 404 and hidden.get_json() == NOT_FOUND_BODY
    # In scope (the decision grants a nomination of their branch) without a role that reads decisions.
    refused = call("GET", f"{API}/decisions/{three['first']}", tokens["proposer"])
    assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    viewer_dt = token_for(make_user("viewer_dt", (Role.VIEWER, org.dt)))
    assert call("GET", f"{API}/decisions/{three['first']}", viewer_dt).status_code == 200
    assert call("GET", draft, viewer_dt).status_code == 403  # a draft is HR's working paper
    assert call("GET", f"{API}/decisions/987654", tokens["admin"]).get_json() == NOT_FOUND_BODY


# --- the PDF -------------------------------------------------------------------------------------------------

def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "d.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_pdf_of_an_issued_decision_is_the_stored_file(client, login, db, org, three, tmp_path):
    login(org.approver)
    response = client.get(f"{API}/decisions/{three['first']}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    stored = _db.session.get(Decision, three["first"]).pdf
    assert response.data == stored.content
    assert response.headers["X-Content-SHA256"] == stored.sha256 == hashlib.sha256(response.data).hexdigest()
    assert 'filename="quyet-dinh-01-2022.pdf"' in response.headers["Content-Disposition"]
    assert "Số: 01/QĐ-CTHADS" in _text(response.data, tmp_path)


def test_the_pdf_of_a_draft_is_rendered_without_a_number(client, login, db, org, three, tmp_path):
    login(org.hr)
    response = client.get(f"{API}/decisions/{three['draft']}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "X-Content-SHA256" not in response.headers
    text = _text(response.data, tmp_path)
    assert "/QĐ-CTHADS" in text and "01/QĐ" not in text and "02/QĐ" not in text
    assert _db.session.get(Decision, three["draft"]).pdf is None  # nothing stored


def test_the_pdf_follows_the_scope(call, db, org, tokens, three):
    hidden = call("GET", f"{API}/decisions/{three['th']}/pdf", tokens["hr"])
    assert hidden.status_code == 404 and hidden.get_json() == NOT_FOUND_BODY
    refused = call("GET", f"{API}/decisions/{three['first']}/pdf", tokens["proposer"])
    assert refused.status_code == 403


# --- certificates --------------------------------------------------------------------------------------------

@pytest.fixture()
def documents_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_DIR", str(tmp_path / "documents"))
    return tmp_path / "documents"


def _pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def test_certificates_start_a_job_then_answer_the_pdf(client, call, db, org, tokens, three, documents_dir,
                                                      tmp_path, monkeypatch):
    from awards.decisions import jobs
    from awards.decisions.models import CertificateJob

    path = f"{API}/decisions/{three['first']}/certificates"
    started = []
    run_job = jobs.run_job
    with monkeypatch.context() as patched:
        # JOBS_INLINE runs the worker at once; held back here, as if no worker had picked the job up yet.
        patched.setattr(jobs, "run_job", lambda job_id, **kwargs: started.append(job_id))
        waiting = call("GET", path, tokens["hr"])
        assert waiting.status_code == 202 and waiting.get_json() == {"state": "queued", "done": 0, "total": 1}
        again = call("GET", path, tokens["hr"])
        assert again.status_code == 202 and len(started) == 1  # the same job, not a second one
    run_job(started[0], commit=False)  # the worker runs
    response = client.get(path, headers={"Authorization": f"Bearer {tokens['hr']}"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    job = _db.session.scalar(select(CertificateJob).where(CertificateJob.decision_id == three["first"]))
    assert response.headers["X-Content-SHA256"] == job.sha256 == hashlib.sha256(response.data).hexdigest()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert _pages(response.data, tmp_path) == 1  # one certificate per awardee


def test_certificates_inline_answer_the_pdf_at_once(client, db, org, tokens, signer, documents_dir, tmp_path):
    decision = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=date(2022, 1, 10),
                                   nomination_ids=[approved(org).id, approved(org).id], signer=signer)
    ops.issue(decision, actor=org.hr)
    response = client.get(f"{API}/decisions/{decision.id}/certificates",
                          headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert response.status_code == 200 and _pages(response.data, tmp_path) == 2


def test_certificates_are_for_hr_of_an_issued_award_decision(call, db, org, tokens, three, documents_dir):
    refused = call("GET", f"{API}/decisions/{three['first']}/certificates", tokens["approver"])
    assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    hidden = call("GET", f"{API}/decisions/{three['th']}/certificates", tokens["hr"])
    assert hidden.status_code == 404 and hidden.get_json() == NOT_FOUND_BODY
    draft = call("GET", f"{API}/decisions/{three['draft']}/certificates", tokens["hr"])
    assert draft.status_code == 409 and draft.get_json()["code"] == "not_allowed"


# --- public verification -------------------------------------------------------------------------------------

@pytest.fixture()
def anonymous(spec, app):
    """A client with no session and no token, checking answers against the document."""
    from tests.api_checks import assert_matches_spec

    client = app.test_client()

    def _get(path: str, **kwargs):
        response = client.get(path, **kwargs)
        assert_matches_spec(spec, "GET", path, response)
        return response

    return _get


def test_verification_is_public_and_says_what_the_certificate_prints(anonymous, db, org, three):
    item = _db.session.get(Decision, three["first"]).items[0]
    response = anonymous(f"{API}/verify/{item.token}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "valid": True, "revoked": False, "award": "Lao động tiên tiến", "awardee": item.nominee_name,
        "position": item.nominee_position, "unit": "Chi cục THADS huyện Lấp Vò", "decision_number": "01/QĐ-CTHADS",
        "date": "10/01/2022", "issuer": "Cục Thi hành án dân sự tỉnh Đồng Tháp", "revoked_by": None,
        "revoked_on": None, "signature": {
            "level": "unsigned", "signed": False, "intact": False, "covers_whole_document": False, "trusted": False,
            "signer": "", "signed_at_text": "", "summary_vi": "Không có chữ ký số."}}
    # Credentials change nothing, not even a bad token (the route does not authenticate).
    assert anonymous(f"{API}/verify/{item.token}", headers={"Authorization": "Bearer nonsense"}).status_code == 200


def test_only_the_verification_is_public(app, anonymous, db, org, three):
    public = {name for name, view in app.view_functions.items() if getattr(view, "api_public", False)}
    assert public == {"api_decisions.verify_certificate"}
    for path in (f"{API}/decisions", f"{API}/decisions/{three['first']}", f"{API}/decisions/{three['first']}/pdf",
                 f"{API}/decisions/{three['first']}/certificates"):
        response = anonymous(path)
        assert response.status_code == 401 and response.get_json()["code"] == "unauthorized", path


def test_an_unknown_or_draft_token_is_404_and_a_revoked_one_is_invalid(anonymous, db, org, signer, three):
    unknown = anonymous(f"{API}/verify/AAAAAAAAAAAAAAAAAAAAAA")
    assert unknown.status_code == 404 and unknown.get_json() == NOT_FOUND_BODY
    draft_item = _db.session.get(Decision, three["draft"]).items[0]
    assert anonymous(f"{API}/verify/{draft_item.token}").status_code == 404  # no certificate is printed for it
    decision = _db.session.get(Decision, three["first"])
    item = decision.items[0]
    revocation = ops.revoke(decision, actor=org.hr, decided_on=date(2022, 3, 1), reason="Khai man thành tích",
                            signer=signer)
    assert anonymous(f"{API}/verify/{item.token}").get_json()["valid"] is True  # a draft revokes nothing yet
    ops.issue(revocation, actor=org.hr)
    _db.session.flush()
    response = anonymous(f"{API}/verify/{item.token}")
    assert response.status_code == 200
    answer = response.get_json()
    assert (answer["valid"], answer["revoked"], answer["revoked_by"], answer["revoked_on"]) == (
        False, True, revocation.number_text, "01/03/2022")
    assert anonymous(f"{API}/verify/{revocation.items[0].token}").status_code == 404  # not a certificate's token


def test_verification_is_rate_limited(anonymous, app, db, org, monkeypatch):
    from awards.extensions import limiter

    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        statuses = [anonymous(f"{API}/verify/AAAAAAAAAAAAAAAAAAAAAA").status_code for _ in range(4)]
        assert statuses == [404, 404, 404, 429]
    finally:
        limiter.reset()


# --- statements ----------------------------------------------------------------------------------------------

def _statements(call, path: str, token: str) -> int:
    from tests.api_checks import count_statements

    with count_statements(_db) as seen:
        assert call("GET", path, token).status_code == 200
    return len(seen)


def test_the_list_and_the_detail_take_a_fixed_number_of_statements(call, db, org, tokens, signer):
    # A person and a collective: each kind of row loads its relations once, whatever the number of rows.
    one = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=date(2022, 1, 10),
                              nomination_ids=[approved(org).id, approved(org, "TTLDTT", nominee=org.dt_a).id],
                              signer=signer)
    _db.session.flush()
    list_before = _statements(call, f"{API}/decisions", tokens["hr"])
    detail_before = _statements(call, f"{API}/decisions/{one.id}", tokens["hr"])
    more = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=date(2022, 1, 11),
                               nomination_ids=[approved(org).id, approved(org).id, approved(org, "GK").id,
                                               approved(org, "TTLDTT", nominee=make_unit("DT-A1", parent=org.dt_a)).id],
                               signer=signer)
    for _ in range(3):
        ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=date(2022, 1, 12),
                            nomination_ids=[approved(org).id], signer=signer)
    _db.session.flush()
    assert _statements(call, f"{API}/decisions", tokens["hr"]) == list_before
    assert _statements(call, f"{API}/decisions/{more.id}", tokens["hr"]) == detail_before
