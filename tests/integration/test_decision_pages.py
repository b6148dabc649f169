"""The decision pages: the scoped list and its filters, a new draft from the waiting nominations (errors on the form,
nothing created), edits with a stale version (409), issuing from the page, the PDF, revocation, outcomes from above,
who may see and do what (403 in scope, 404 outside), and a list whose statement count does not grow with its rows."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event, func, select

from awards.core.models import utcnow
from awards.decisions import operations as ops
from awards.catalogue.models import Award, LegalBasis
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionState
from awards.documents.models import StoredDocument
from awards.extensions import db as _db
from awards.nominations import operations as nominations
from awards.org.models import Role, UnitKind
from tests.factories import make_person, make_unit, make_user
from tests.integration.test_decisions import approved

DAY = date(2022, 1, 10)


@pytest.fixture()
def signer(org):
    return make_person(org.dt, full_name="Nguyễn Văn Lợi", position="Cục trưởng")


def _draft(org, signer, chosen=None, **kw):
    chosen = chosen if chosen is not None else [approved(org), approved(org)]
    return ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=kw.pop("decided_on", DAY),
                               nomination_ids=[n.id for n in chosen], signer=signer, **kw)


def _issued(org, signer, chosen=None, **kw):
    decision = _draft(org, signer, chosen, **kw)
    ops.issue(decision, actor=org.hr)
    _db.session.flush()
    return decision


def _row(issuer, *, state=DecisionState.DRAFT, decided_on=DAY, number=None, subject="Về việc khen thưởng",
         kind=DecisionKind.AWARD):
    """A bare decision row for the list tests (no items; an issued one with a stored file, as the database asks)."""
    decision = Decision(kind=kind, state=state, issuer=issuer, year=decided_on.year, award_year=decided_on.year - 1,
                        decided_on=decided_on, symbol="QĐ-CTHADS", subject=subject, number=number,
                        external_issuer="Bộ Tư pháp" if kind == DecisionKind.EXTERNAL else "",
                        external_number="9/QĐ-BTP" if kind == DecisionKind.EXTERNAL else "")
    if state != DecisionState.DRAFT:
        decision.issued_at = utcnow()
        decision.pdf = StoredDocument(kind="decision", filename="x.pdf", content=b"%PDF-1.4\n", sha256="0" * 64)
    _db.session.add(decision)
    _db.session.flush()
    return decision


def _ldtt() -> int:
    return _db.session.scalar(select(Award.id).where(Award.code == "LDTT"))


def _count(model=Decision) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def _ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)}


# --- the list ------------------------------------------------------------------------------------------------

def test_the_list_is_scoped_and_filtered(db, org, client, login):
    draft_2022 = _row(org.dt, subject="Dự thảo Đồng Tháp")
    issued_2022 = _row(org.dt, state=DecisionState.ISSUED, number=1, subject="Đồng Tháp đã ban hành")
    issued_2023 = _row(org.dt, state=DecisionState.ISSUED, number=1, decided_on=date(2023, 2, 1))
    external = _row(org.dt, state=DecisionState.ISSUED, kind=DecisionKind.EXTERNAL)
    th_issued = _row(org.th, state=DecisionState.ISSUED, number=1, subject="Thanh Hóa đã ban hành")
    th_draft = _row(org.th, subject="Dự thảo Thanh Hóa")

    login(org.hr)
    html = client.get("/decisions/").get_data(as_text=True)
    assert _ids(html) == {draft_2022.id, issued_2022.id, issued_2023.id, external.id}  # not Thanh Hóa's
    assert "Tạo quyết định" in html and "Đồng Tháp đã ban hành" in html and "01/QĐ-CTHADS" in html
    assert _ids(client.get("/decisions/?year=2023").get_data(as_text=True)) == {issued_2023.id}
    assert _ids(client.get("/decisions/?state=draft").get_data(as_text=True)) == {draft_2022.id}
    assert _ids(client.get("/decisions/?kind=external").get_data(as_text=True)) == {external.id}
    assert _ids(client.get(f"/decisions/?issuer={org.th.id}").get_data(as_text=True)) == set()
    assert _ids(client.get("/decisions/?state=nonsense").get_data(as_text=True)) == _ids(html)  # ignored
    client.post("/logout")

    login(org.approver)  # reads every decision of its scope, drafts included, but creates none
    html = client.get("/decisions/").get_data(as_text=True)
    assert draft_2022.id in _ids(html) and th_issued.id not in _ids(html)
    assert "Tạo quyết định" not in html
    client.post("/logout")

    login(org.viewer)  # Thanh Hóa's viewer: issued decisions of Thanh Hóa only, never a draft
    assert _ids(client.get("/decisions/").get_data(as_text=True)) == {th_issued.id}
    assert th_draft.id not in _ids(client.get("/decisions/?state=draft").get_data(as_text=True))
    client.post("/logout")

    login(org.admin)  # the root's admin: both provinces
    assert {th_issued.id, th_draft.id, draft_2022.id} <= _ids(client.get("/decisions/").get_data(as_text=True))


def test_the_list_paginates(db, org, client, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    rows = [_row(org.dt, decided_on=date(2022, 1, day)) for day in range(1, 6)]
    login(org.hr)
    first = client.get("/decisions/").get_data(as_text=True)
    last = client.get("/decisions/?page=3").get_data(as_text=True)
    assert _ids(first) == {rows[4].id, rows[3].id}  # newest first
    assert _ids(last) == {rows[0].id}
    assert "5 quyết định" in first


def test_the_list_runs_the_same_statements_for_5_and_30_decisions(db, org, client, login):
    login(org.hr)

    def statements() -> int:
        seen = []

        def count(*_args, **_kwargs):
            seen.append(1)

        # A cold session, as in a real request: nothing the test made is in the identity map to be reused.
        _db.session.flush()
        _db.session.expunge_all()
        engine = _db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/decisions/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    def issuer():
        # A unit of its own per decision: a name loaded row by row would show up as one statement more per row.
        return make_unit(parent=org.dt, kind=UnitKind.PROVINCIAL_DEPARTMENT, legal_personality=True)

    for n in range(5):
        _db.session.add(DecisionItem(decision=_row(issuer(), state=DecisionState.ISSUED, number=n + 1),
                                     person=make_person(org.dt_a), award_id=_ldtt(), money=1))
    few = statements()
    for n in range(25):
        _db.session.add(DecisionItem(decision=_row(issuer(), state=DecisionState.ISSUED, number=100 + n),
                                     person=make_person(org.dt_a), award_id=_ldtt(), money=1))
    many = statements()
    assert few > 0 and few == many


# --- a new draft ---------------------------------------------------------------------------------------------

def test_a_new_draft_from_the_waiting_nominations(db, org, client, login, signer):
    waiting = [approved(org), approved(org, "TTLDTT", nominee=org.dt_a)]
    login(org.hr)
    html = client.get(f"/decisions/new?issuer={org.dt.id}").get_data(as_text=True)
    for n in waiting:  # every waiting nomination is offered and checked
        assert re.search(rf'name="nomination_ids" value="{n.id}" id="n-{n.id}" checked', html)
    assert "Chi cục THADS huyện Lấp Vò" in html
    assert f'<option selected value="{signer.id}">' in html or re.search(
        rf'<option[^>]*value="{signer.id}"[^>]*selected', html)  # the head is proposed as the signer
    response = client.post("/decisions/new", data={
        "issuer_id": org.dt.id, "decided_on": "10/01/2022", "signer_id": signer.id, "signing_mode": "KT.",
        "bases_by_date": "y", "legal_basis_ids": [], "recipients": "Như Điều 3;\n- Lưu: VT, TCCB.",
        "nomination_ids": [n.id for n in waiting]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    decision = _db.session.scalar(select(Decision).order_by(Decision.id.desc()).limit(1))
    assert response.headers["Location"].endswith(f"/decisions/{decision.id}")
    assert (decision.state, decision.signer_id, decision.signer_title) == (DecisionState.DRAFT, signer.id,
                                                                           "PHÓ CỤC TRƯỞNG")
    assert decision.recipients == ["Như Điều 3;", "Lưu: VT, TCCB."]
    assert sorted(i.nomination_id for i in decision.items) == sorted(n.id for n in waiting)
    assert decision.total_money == 450_000 + 1_200_000
    # "By date": the bases in force on 10/01/2022 (ND 91/2017 regime), not those the page pre-checked for today.
    assert [b.legal_basis.code for b in decision.bases] == ["LTDKT_2003", "ND91_2017", "ND38_2019", "THADS_TDKT"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1.650.000" in page and "Dự thảo quyết định" in page and "Ban hành" in page
    # Taken by the draft: no longer offered to a new one.
    assert f'id="n-{waiting[0].id}"' not in client.get("/decisions/new").get_data(as_text=True)


def test_a_new_draft_cites_the_bases_ticked_when_not_chosen_by_date(db, org, client, login, signer):
    waiting = approved(org)
    chosen = _db.session.scalars(select(LegalBasis).where(LegalBasis.code.in_(("ND91_2017", "THADS_TDKT")))).all()
    login(org.hr)
    response = client.post("/decisions/new", data={"issuer_id": org.dt.id, "decided_on": "10/01/2022",
                                                   "signer_id": signer.id, "legal_basis_ids": [b.id for b in chosen],
                                                   "nomination_ids": [waiting.id]})
    assert response.status_code == 302
    decision = _db.session.scalar(select(Decision).order_by(Decision.id.desc()).limit(1))
    assert sorted(b.legal_basis.code for b in decision.bases) == ["ND91_2017", "THADS_TDKT"]


def test_a_new_draft_with_errors_shows_them_and_creates_nothing(db, org, client, login, signer):
    waiting = approved(org)
    login(org.hr)
    before = _count()
    response = client.post("/decisions/new", data={"issuer_id": org.dt.id, "decided_on": "31/02/2022",
                                                   "nomination_ids": [waiting.id]})
    assert response.status_code == 422
    assert "Ngày không hợp lệ (nhập theo dạng dd/mm/yyyy)." in response.get_data(as_text=True)
    response = client.post("/decisions/new", data={"issuer_id": org.dt.id, "decided_on": "10/01/2022"})
    assert response.status_code == 422
    assert "Chọn ít nhất một hồ sơ đề nghị." in response.get_data(as_text=True)
    stranger = make_person(org.dt_b, position="Chi cục trưởng")
    response = client.post("/decisions/new", data={"issuer_id": org.dt.id, "decided_on": "10/01/2022",
                                                   "signer_id": stranger.id, "nomination_ids": [waiting.id]})
    assert response.status_code == 422
    assert "Người ký phải là lãnh đạo của đơn vị ban hành." in response.get_data(as_text=True)
    not_waiting = approved(org)
    not_waiting.state = "council_passed"
    _db.session.flush()
    response = client.post("/decisions/new", data={"issuer_id": org.dt.id, "decided_on": "10/01/2022",
                                                   "nomination_ids": [waiting.id, not_waiting.id]})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "chưa ở trạng thái chờ quyết định" in html
    assert re.search(rf'value="{waiting.id}" id="n-{waiting.id}" checked', html)  # the choice is kept
    # An issuer outside the user's scope is not a choice.
    response = client.post("/decisions/new", data={"issuer_id": org.th.id, "decided_on": "10/01/2022",
                                                   "nomination_ids": [waiting.id]})
    assert response.status_code == 422
    assert _count() == before
    assert waiting.state == "approved"


# --- the draft -----------------------------------------------------------------------------------------------

def _edit_data(decision, **changes):
    data = {"version": decision.version, "action": "save", "decided_on": "10/01/2022",
            "signer_id": decision.signer_id or "", "signing_mode": "", "subject": decision.subject,
            "authority": decision.authority, "considering": decision.considering, "article1": decision.article1,
            "article2": decision.article2, "article3": decision.article3, "fund": decision.fund,
            "recipients": "\n".join(decision.recipients),
            "legal_basis_ids": [b.legal_basis_id for b in decision.bases]}
    data.update(changes)
    return data


def test_editing_a_draft_saves_regenerates_and_refuses_a_stale_form(db, org, client, login, signer):
    decision = _draft(org, signer)
    generated = decision.subject
    login(org.hr)
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert 'id="draft-form"' in page and f'name="version" type="hidden" value="{decision.version}"' in page
    stale = decision.version
    response = client.post(f"/decisions/{decision.id}/edit",
                           data=_edit_data(decision, subject="Về việc tặng danh hiệu LĐTT năm 2021"))
    assert response.status_code == 302
    _db.session.refresh(decision)
    assert decision.subject == "Về việc tặng danh hiệu LĐTT năm 2021"
    assert "Về việc tặng danh hiệu LĐTT năm 2021" in client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    # The form loaded before that save: 409, and nothing changes.
    response = client.post(f"/decisions/{decision.id}/edit", data=_edit_data(decision, version=stale, subject="Cũ"))
    assert response.status_code == 409
    assert "Bản ghi đã được người khác thay đổi" in response.get_data(as_text=True)
    _db.session.refresh(decision)
    assert decision.subject == "Về việc tặng danh hiệu LĐTT năm 2021"
    # Regenerate writes the wording again from the items.
    response = client.post(f"/decisions/{decision.id}/edit", data=_edit_data(decision, action="regenerate"))
    assert response.status_code == 302
    _db.session.refresh(decision)
    assert decision.subject == generated
    # A bad date: 422 on the page, the draft unchanged.
    response = client.post(f"/decisions/{decision.id}/edit", data=_edit_data(decision, decided_on="hôm qua"))
    assert response.status_code == 422 and "Ngày không hợp lệ" in response.get_data(as_text=True)


def test_a_draft_preview_and_deleting_it(db, org, client, login, signer):
    decision = _draft(org, signer)
    login(org.hr)
    preview = client.get(f"/decisions/{decision.id}/pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert preview.data.startswith(b"%PDF")
    assert preview.headers["Content-Disposition"] == f'inline; filename="quyet-dinh-du-thao-{decision.id}-2022.pdf"'
    assert "no-store" in preview.headers["Cache-Control"]
    stale = client.post(f"/decisions/{decision.id}/delete", data={"version": decision.version - 1})
    assert stale.status_code == 409
    response = client.post(f"/decisions/{decision.id}/delete", data={"version": decision.version})
    assert response.status_code == 302 and response.headers["Location"].endswith("/decisions/")
    assert _db.session.get(Decision, decision.id) is None


# --- issuing, the PDF ----------------------------------------------------------------------------------------

def test_issuing_from_the_page_numbers_it_and_decides_the_nominations(db, org, client, login, signer):
    chosen = [approved(org), approved(org)]
    decision = _draft(org, signer, chosen)
    login(org.hr)
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert 'id="issue-form"' in page and "data-confirm" in page
    assert client.post(f"/decisions/{decision.id}/issue", data={"version": decision.version - 1}).status_code == 409
    assert decision.state == DecisionState.DRAFT
    response = client.post(f"/decisions/{decision.id}/issue", data={"version": decision.version})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã ban hành Quyết định số 01/QĐ-CTHADS." in page
    assert 'id="decision-number">01/QĐ-CTHADS<' in page
    _db.session.refresh(decision)
    assert decision.state == DecisionState.ISSUED
    assert decision.pdf.sha256 in page
    assert 'id="draft-form"' not in page and 'id="issue-form"' not in page and 'id="revoke-form"' in page
    for n in chosen:
        _db.session.refresh(n)
        assert (n.state, n.decision_no) == ("decided", "01/QĐ-CTHADS")
    # The nomination page links the decision.
    assert f'href="/decisions/{decision.id}"' in client.get(f"/nominations/{chosen[0].id}").get_data(as_text=True)
    # Issued: no more edits (409 from the operation, shown on the page).
    again = client.post(f"/decisions/{decision.id}/issue", data={"version": decision.version})
    assert again.status_code == 409


def test_issuing_without_a_signer_says_so_on_the_page(db, org, client, login):
    decision = _draft(org, None, [approved(org)])
    login(org.hr)
    response = client.post(f"/decisions/{decision.id}/issue", data={"version": decision.version})
    assert response.status_code == 422 and "Chọn người ký quyết định." in response.get_data(as_text=True)
    assert _db.session.get(Decision, decision.id).number is None


def test_the_pdf_of_an_issued_decision_is_the_stored_file(db, org, client, login, signer):
    decision = _issued(org, signer)
    login(org.approver)  # read-only, but may download
    response = client.get(f"/decisions/{decision.id}/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="quyet-dinh-01-2022.pdf"'
    assert response.headers["X-Content-SHA256"] == decision.pdf.sha256
    assert response.data == decision.pdf.content


# --- revocation ----------------------------------------------------------------------------------------------

def test_revoking_from_the_page(db, org, client, login, signer):
    chosen = [approved(org), approved(org)]
    decision = _issued(org, signer, chosen)
    first = next(i for i in decision.items if i.nomination_id == chosen[0].id)
    login(org.hr)
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert all(re.search(rf'value="{i.id}" id="ri-{i.id}" checked', page) for i in decision.items)
    form = {"version": decision.version, "decided_on": "01/03/2022", "signer_id": signer.id, "signing_mode": "",
            "item_ids": [first.id]}
    response = client.post(f"/decisions/{decision.id}/revoke", data={**form, "reason": " "})
    assert response.status_code == 422 and "Vui lòng nêu lý do thu hồi." in response.get_data(as_text=True)
    assert _count() == 1
    response = client.post(f"/decisions/{decision.id}/revoke", data={**form, "reason": "Khai man thành tích"})
    assert response.status_code == 302
    revocation = _db.session.scalar(select(Decision).where(Decision.revokes_id == decision.id))
    assert response.headers["Location"].endswith(f"/decisions/{revocation.id}")
    page = client.get(f"/decisions/{revocation.id}").get_data(as_text=True)
    assert 'id="revokes"' in page and f'href="/decisions/{decision.id}"' in page and "Khai man thành tích" in page
    assert "Về việc thu hồi khen thưởng tại Quyết định số 01/QĐ-CTHADS" in page
    response = client.post(f"/decisions/{revocation.id}/issue", data={"version": revocation.version})
    assert response.status_code == 302
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert f'href="/decisions/{revocation.id}"' in page and "02/QĐ-CTHADS" in page
    assert len(re.findall(r'class="item table-danger revoked"', page)) == 1
    _db.session.refresh(chosen[0])
    assert chosen[0].state == "revoked"
    # Only the standing item is offered for a second revocation.
    assert f'id="ri-{first.id}"' not in page


# --- outcomes from above -------------------------------------------------------------------------------------

def test_recording_an_outcome_from_above(db, org, client, login):
    person = make_person(org.dt_a, full_name="Lê Thị Bằng Khen")
    referred = nominations.create_nomination(actor=org.proposer, nominee=person, award_code="BK_BO", year=2021)
    referred.state = "referred"  # the path there is the nominations module's (tested there)
    _db.session.flush()
    login(org.hr)
    html = client.get("/decisions/external").get_data(as_text=True)
    assert "Lê Thị Bằng Khen" in html and re.search(rf'value="{referred.id}" id="n-{referred.id}" checked', html)
    before = _count()
    response = client.post("/decisions/external", data={"unit_id": org.dt.id, "external_issuer": "Bộ Tư pháp",
                                                        "external_number": "", "decided_on": "10/01/2022",
                                                        "nomination_ids": [referred.id]})
    assert response.status_code == 422 and "Vui lòng nhập số quyết định." in response.get_data(as_text=True)
    assert _count() == before
    response = client.post("/decisions/external", data={"unit_id": org.dt.id, "external_issuer": "Bộ Tư pháp",
                                                        "external_number": "123/QĐ-BTP", "decided_on": "10/01/2022",
                                                        "nomination_ids": [referred.id]})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "123/QĐ-BTP" in page and "Bộ Tư pháp" in page and "1.490.000" in page
    _db.session.refresh(referred)
    assert (referred.state, referred.decision_no) == ("decided", "123/QĐ-BTP")
    decision = _db.session.scalar(select(Decision).where(Decision.kind == DecisionKind.EXTERNAL))
    assert client.get(f"/decisions/{decision.id}/pdf").status_code == 404  # recorded, not printed here


# --- who may see and do what ---------------------------------------------------------------------------------

def test_roles_in_scope_and_out_of_scope(db, org, client, login, signer):
    draft = _draft(org, signer, [approved(org)])
    issued = _issued(org, signer, [approved(org)])
    dt_viewer = make_user("t_viewer_dt", (Role.VIEWER, org.dt))
    th_hr = make_user("t_hr_th", (Role.HR, org.th))
    reads = {"draft": f"/decisions/{draft.id}", "issued": f"/decisions/{issued.id}",
             "issued_pdf": f"/decisions/{issued.id}/pdf"}
    expected = {  # user → (draft page, issued page, issued PDF, list, new, may act)
        org.hr: (200, 200, 200, 200, 200, True),
        org.admin: (200, 200, 200, 200, 200, True),
        org.approver: (200, 200, 200, 200, 403, False),
        org.secretary: (200, 200, 200, 200, 403, False),
        dt_viewer: (403, 200, 200, 200, 403, False),
        org.member: (403, 403, 403, 403, 403, False),
        org.proposer: (403, 403, 403, 403, 403, False),  # its branch proposed the nominations
        org.viewer: (404, 404, 404, 200, 403, False),    # another province
        th_hr: (404, 404, 404, 200, 200, False),
    }
    problems = []
    for user, (d_page, i_page, i_pdf, listing, new, acts) in expected.items():
        login(user)
        got = (client.get(reads["draft"]).status_code, client.get(reads["issued"]).status_code,
               client.get(reads["issued_pdf"]).status_code, client.get("/decisions/").status_code,
               client.get("/decisions/new").status_code)
        if got != (d_page, i_page, i_pdf, listing, new):
            problems.append((user.username, got))
        # A change: HR/admin get past the access check (422: the empty form); others in scope 403, outside 404.
        for url in (f"/decisions/{draft.id}/edit", f"/decisions/{draft.id}/issue", f"/decisions/{draft.id}/delete",
                    f"/decisions/{issued.id}/revoke"):
            status = client.post(url, data={}).status_code
            want = 422 if acts else (404 if d_page == 404 else 403)
            if status != want:
                problems.append((user.username, url, status))
        page = client.get(reads["issued"]).get_data(as_text=True) if i_page == 200 else ""
        if i_page == 200 and (('id="revoke-form"' in page) != acts):
            problems.append((user.username, "revoke form shown" if not acts else "revoke form missing"))
        client.post("/logout")
    assert problems == []
    assert _db.session.get(Decision, draft.id).state == DecisionState.DRAFT


def test_read_only_users_see_no_forms(db, org, client, login, signer):
    decision = _draft(org, signer, [approved(org)])
    login(org.approver)
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert 'id="draft-form"' not in page and 'id="issue-form"' not in page and 'id="delete-form"' not in page
    assert 'id="preview-pdf"' in page and decision.subject in page


def test_the_navbar_links_the_decisions_for_hr_admin_and_approvers(db, org, client, login):
    for user, shown in ((org.hr, True), (org.admin, True), (org.approver, True), (org.proposer, False),
                        (org.member, False)):
        login(user)
        assert ('id="nav-decisions"' in client.get("/").get_data(as_text=True)) is shown, user.username
        client.post("/logout")


def test_every_form_needs_its_csrf_token(db, org, client, login, app, signer):
    decision = _draft(org, signer, [approved(org)])
    login(org.hr)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in ("/decisions/new", "/decisions/external", f"/decisions/{decision.id}/edit",
                    f"/decisions/{decision.id}/issue", f"/decisions/{decision.id}/delete"):
            assert client.post(url, data={"version": decision.version}).status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _db.session.get(Decision, decision.id).state == DecisionState.DRAFT


def test_the_pages_speak_english_after_the_switch(db, org, client, login, signer):
    decision = _issued(org, signer, [approved(org)])
    login(org.hr)
    assert client.post("/language/en").status_code == 302
    listing = client.get("/decisions/").get_data(as_text=True)
    assert "Award decisions" in listing and "New decision" in listing and "Issued" in listing
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "Decision No. 01/QĐ-CTHADS" in page and "Totals per title or commendation" in page
    assert "Download the decision (PDF)" in page and "Reason for revocation" in page
    assert "Tổng hợp theo danh hiệu" not in page
