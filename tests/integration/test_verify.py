"""The public verification page behind a certificate's QR code: valid, revoked, unknown; no sign-in; nothing
about the person beyond what the certificate prints; rate-limited."""
from __future__ import annotations

import pytest

from awards.decisions import operations as ops
from awards.decisions.verification import verify
from awards.extensions import limiter
from tests.factories import make_person
from tests.integration.test_decisions import DAY, approved


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture()
def signer(org):
    return make_person(org.dt, full_name="Nguyễn Văn Lợi", position="Cục trưởng")


def issued(org, signer, nominations):
    decision = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=DAY, signer=signer,
                                   nomination_ids=[n.id for n in nominations])
    return ops.issue(decision, actor=org.hr)


def test_a_valid_certificate_shows_what_it_prints_without_sign_in(db, org, signer, client):
    person = make_person(org.dt_a, full_name="Lê Thị Thu", position="Thư ký thi hành án")
    decision = issued(org, signer, [approved(org, nominee=person)])
    # The same person's other award, in another decision: never shown on this certificate's page.
    other = issued(org, signer, [approved(org, "CSTDCS", nominee=person)])
    item = decision.items[0]
    result = verify(item.token)
    assert result == {"valid": True, "revoked": False, "found": True, "award": "Lao động tiên tiến",
                      "awardee": "Lê Thị Thu", "position": "Thư ký thi hành án", "unit": "Chi cục THADS huyện Lấp Vò",
                      "decision_number": "01/QĐ-CTHADS", "date": "10/01/2022",
                      "issuer": "Cục Thi hành án dân sự tỉnh Đồng Tháp", "revoked_by": None, "revoked_on": None,
                      "signature": {"level": "unsigned", "signed": False, "intact": False,
                                    "covers_whole_document": False, "trusted": False, "signer": "",
                                    "signed_at_text": "", "summary_vi": "Không có chữ ký số."}}
    response = client.get(f"/verify/{item.token}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Giấy khen hợp lệ" in body and 'data-valid="true"' in body
    for printed in ("Lao động tiên tiến", "Lê Thị Thu", "Thư ký thi hành án", "01/QĐ-CTHADS", "10/01/2022",
                    "Cục Thi hành án dân sự tỉnh Đồng Tháp"):
        assert printed in body
    assert "Chiến sĩ thi đua cơ sở" not in body and other.number_text not in body
    assert f"/people/{person.id}" not in body and "Đăng xuất" not in body
    assert response.headers["Cache-Control"] == "no-store" and "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_page_says_whether_the_decisions_signature_is_intact(db, org, signer, client):
    from awards.decisions import signing

    signing.make_demo_key(org.dt, actor=org.admin)
    decision = issued(org, signer, [approved(org)])
    token = decision.items[0].token
    assert decision.signed and verify(token)["signature"]["level"] == "valid"
    body = client.get(f"/verify/{token}").get_data(as_text=True)
    assert 'id="v-signature" data-level="valid"' in body and "Chữ ký số hợp lệ, tài liệu không bị thay đổi" in body
    # The stored file altered inside the signed bytes: the page says so (the certificate itself still exists).
    content = bytearray(decision.pdf.content)
    at = content.index(b"/Type /Page") if b"/Type /Page" in content else len(content) // 3
    content[at + 1] ^= 0x01
    decision.pdf.content = bytes(content)
    db.session.flush()
    assert verify(token)["signature"]["level"] == "modified"
    assert 'data-level="modified"' in client.get(f"/verify/{token}").get_data(as_text=True)


def test_a_revoked_certificate_is_not_valid_and_says_so(db, org, signer, client):
    decision = issued(org, signer, [approved(org)])
    item = decision.items[0]
    revocation = ops.revoke(decision, actor=org.hr, decided_on=DAY, reason="Khai man", signer=signer)
    assert verify(item.token)["valid"] is True  # a draft revoking decision revokes nothing yet
    ops.issue(revocation, actor=org.hr)
    result = verify(item.token)
    assert (result["valid"], result["revoked"], result["revoked_by"]) == (False, True, "02/QĐ-CTHADS")
    body = client.get(f"/verify/{item.token}").get_data(as_text=True)
    assert "Giấy khen không hợp lệ" in body and "đã bị thu hồi theo Quyết định số 02/QĐ-CTHADS" in body
    assert 'data-valid="false"' in body


@pytest.mark.parametrize("token", ["AAAAAAAAAAAAAAAAAAAAAA", "1", "x" * 65, "abc%27%20OR%201=1"])
def test_an_unknown_token_is_not_valid(db, org, client, token):
    assert verify(token)["valid"] is False and verify(token)["found"] is False
    response = client.get(f"/verify/{token}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Giấy khen không hợp lệ" in body and "không tồn tại" in body


def test_a_draft_or_a_revocation_item_is_no_certificate(db, org, signer):
    draft = ops.create_decision(actor=org.hr, issuer=org.dt, decided_on=DAY, signer=signer,
                                nomination_ids=[approved(org).id])
    assert verify(draft.items[0].token)["found"] is False
    decision = issued(org, signer, [approved(org)])
    revocation = ops.revoke(decision, actor=org.hr, decided_on=DAY, reason="Sai", signer=signer)
    ops.issue(revocation, actor=org.hr)
    assert verify(revocation.items[0].token)["found"] is False


def test_the_page_is_rate_limited_per_address(db, org, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "3 per minute")
    guesser = {"REMOTE_ADDR": "10.1.2.3"}
    codes = [client.get(f"/verify/AAAAAAAAAAAAAAAAAAAA{n:02d}", environ_base=guesser).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/verify/AAAAAAAAAAAAAAAAAAAA99", environ_base={"REMOTE_ADDR": "10.1.2.4"}).status_code == 200
