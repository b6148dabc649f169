"""PAdES signatures of issued decisions: signing with the issuer's PKCS#12 key, the status a page shows (intact,
whole document, the issuer's certificate), the passphrase at rest, the `keys` commands and the admin page."""
from __future__ import annotations

import io
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from awards.core.errors import PermissionDenied, ValidationFailed
from awards.decisions import operations as ops
from awards.decisions import signing
from awards.decisions.models import DecisionState, SigningKey
from awards.extensions import db as _db
from awards.org.models import Role
from tests.factories import make_person, make_user
from tests.integration.test_decisions import approved, draft

DT_NAME = "Cục Thi hành án dân sự tỉnh Đồng Tháp"


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Results are cached per file and certificate; each test starts from nothing so it sees its own keys.
    signing.clear_caches()
    yield
    signing.clear_caches()


@pytest.fixture(scope="module")
def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture()
def dt_key(db, org):
    key, _replaced = signing.make_demo_key(org.dt)
    return key


@pytest.fixture()
def signer(org):
    return make_person(org.dt, full_name="Nguyễn Văn Lợi", position="Cục trưởng")


def byte_range(pdf: bytes) -> tuple[int, int, int, int]:
    found = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", pdf)
    return tuple(int(n) for n in found.groups())


def flipped(pdf: bytes, position: int) -> bytes:
    changed = bytearray(pdf)
    changed[position] ^= 0x01
    return bytes(changed)


def p12_file(tmp_path, name="key.p12", passphrase="mật-khẩu-1", common="Cục THADS tỉnh Đồng Tháp"):
    path = tmp_path / name
    path.write_bytes(signing.self_signed_pkcs12(common, "Tổng cục Thi hành án dân sự", passphrase, key_type="ec"))
    return path


def key_count() -> int:
    return _db.session.scalar(select(func.count()).select_from(SigningKey))


# --- signing and the status --------------------------------------------------------------------------------

def test_a_signed_pdf_is_intact_whole_and_made_with_the_issuers_certificate(db, org, dt_key, blank_pdf):
    signed = signing.sign_if_configured(org.dt, blank_pdf)
    assert signed is not None and signed.startswith(blank_pdf)  # an incremental update: the original untouched
    status = signing.signature_status(signed, org.dt)
    assert {k: status[k] for k in ("signed", "intact", "covers_whole_document", "trusted", "signer", "level")} == {
        "signed": True, "intact": True, "covers_whole_document": True, "trusted": True, "signer": DT_NAME,
        "level": "valid"}
    assert abs(status["signed_at"] - datetime.now(UTC)) < timedelta(minutes=1)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", status["signed_at_text"])
    assert status["summary_vi"] == (f"Chữ ký số hợp lệ, tài liệu không bị thay đổi (ký bởi {DT_NAME}, lúc "
                                    f"{status['signed_at_text']}).")
    # PAdES baseline: ETSI.CAdES.detached in the field "Signature1", with the reason and the issuer's place.
    field = PdfReader(io.BytesIO(signed)).get_fields()["Signature1"]
    value = field["/V"]
    assert (value["/SubFilter"], value["/Reason"], value["/Location"]) == ("/ETSI.CAdES.detached",
                                                                         "Ban hành quyết định", "Đồng Tháp")


def test_the_status_has_the_same_keys_whatever_the_case(db, org, dt_key, blank_pdf):
    signed = signing.sign_if_configured(org.dt, blank_pdf)
    keys = set(signing.signature_status(signed, org.dt))
    for pdf, issuer in ((blank_pdf, org.dt), (signed, org.th), (flipped(signed, 200), org.dt), (None, org.dt),
                        (b"not a pdf", None)):
        assert set(signing.signature_status(pdf, issuer)) == keys
    assert keys == {"signed", "intact", "covers_whole_document", "trusted", "signer", "signed_at", "signed_at_text",
                    "level", "summary_vi"}


def test_no_key_means_no_signature(db, org, blank_pdf):
    assert signing.sign_if_configured(org.dt, blank_pdf) is None
    status = signing.signature_status(blank_pdf, org.dt)
    assert (status["signed"], status["intact"], status["trusted"], status["level"]) == (False, False, False,
                                                                                        "unsigned")
    assert (status["signer"], status["signed_at"], status["summary_vi"]) == ("", None, "Không có chữ ký số.")


def test_one_byte_changed_anywhere_in_the_signed_ranges_breaks_the_signature(db, org, dt_key, blank_pdf):
    signed = signing.sign_if_configured(org.dt, blank_pdf)
    start1, length1, start2, length2 = byte_range(signed)
    positions = [start1 + 20, start1 + length1 // 2, start1 + length1 - 50,  # the page, objects, the signature dict
                 start2 + 2, start2 + length2 - 3]                           # after the signature: xref, trailer
    for position in positions:
        status = signing.signature_status(flipped(signed, position), org.dt)
        assert status["signed"] is True, position
        assert (status["intact"], status["trusted"], status["level"]) == (False, False, "modified"), position
        assert status["summary_vi"].startswith("Tài liệu đã bị thay đổi sau khi ký"), position
    # Inside the signature value itself: the signature no longer verifies.
    status = signing.signature_status(flipped(signed, start1 + length1 + 200), org.dt)
    assert (status["intact"], status["level"]) == (False, "modified")


def test_a_revision_appended_after_signing_is_reported(db, org, dt_key, blank_pdf):
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = signing.sign_if_configured(org.dt, blank_pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root[NameObject("/Lang")] = TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    status = signing.signature_status(out.getvalue(), org.dt)
    # The signature itself is the issuer's and intact; what follows it is not covered.
    assert (status["signed"], status["intact"], status["covers_whole_document"], status["trusted"]) == (
        True, True, False, True)
    assert status["level"] == "modified"
    assert status["summary_vi"] == "Tài liệu đã bị thay đổi sau khi ký: có nội dung được thêm vào sau chữ ký số."


def test_a_key_of_another_unit_is_not_the_issuers_certificate(db, org, dt_key, blank_pdf):
    signing.make_demo_key(org.th)
    by_th = signing.sign_if_configured(org.th, blank_pdf)
    assert signing.signature_status(by_th, org.th)["trusted"] is True
    status = signing.signature_status(by_th, org.dt)  # shown as a Đồng Tháp decision
    assert (status["intact"], status["covers_whole_document"], status["trusted"], status["level"]) == (
        True, True, False, "untrusted")
    assert status["signer"] == "Cục Thi hành án dân sự tỉnh Thanh Hóa"
    assert status["summary_vi"].endswith(f"nhưng chứng thư ký không phải chứng thư số đang cấu hình của {DT_NAME}.")
    # An issuer without any key cannot vouch for the signature either.
    status = signing.signature_status(by_th, org.root)
    assert (status["trusted"], status["level"]) == (False, "untrusted")
    assert "chưa cấu hình chứng thư số để đối chiếu" in status["summary_vi"]


def test_replacing_the_key_is_seen_at_once_and_old_signatures_stay_intact(db, org, dt_key, blank_pdf):
    signed = signing.sign_if_configured(org.dt, blank_pdf)
    assert signing.signature_status(signed, org.dt)["trusted"] is True
    _key, replaced = signing.make_demo_key(org.dt)
    assert replaced is True
    status = signing.signature_status(signed, org.dt)  # the cache is per certificate: no stale "valid"
    assert (status["intact"], status["trusted"], status["level"]) == (True, False, "untrusted")


def test_validation_is_cached_per_file_and_certificate(db, org, dt_key, blank_pdf, monkeypatch):
    signed = signing.sign_if_configured(org.dt, blank_pdf)
    calls = []
    real = signing._validate
    monkeypatch.setattr(signing, "_validate", lambda pdf, der: calls.append(1) or real(pdf, der))
    first = signing.signature_status(signed, org.dt)
    second = signing.signature_status(signed, org.dt)
    assert first == second and len(calls) == 1
    second["summary_vi"] = "changed by a caller"
    assert signing.signature_status(signed, org.dt)["summary_vi"] == first["summary_vi"]  # callers get copies
    signing.signature_status(signed, org.th)  # no key there: another trust certificate, another validation
    assert len(calls) == 2


def test_a_signature_made_while_the_certificate_was_valid_stays_verifiable_after_it_expires(db, org, blank_pdf):
    soon = datetime.now(UTC) + timedelta(seconds=2)
    data = signing.self_signed_pkcs12(DT_NAME, "Tổng cục", "pw", key_type="ec", not_after=soon)
    key, _replaced = signing.store_key(org.dt, data, "pw", actor=None)
    signed = signing.sign_if_configured(org.dt, blank_pdf)
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 1.5)
    status = signing.signature_status(signed, org.dt)
    assert (status["intact"], status["trusted"], status["level"]) == (True, True, "valid")
    # But no new decision is signed with it: issuing stops with a message for the admin.
    with pytest.raises(ValidationFailed, match="đã hết hạn ngày"):
        signing.sign_if_configured(org.dt, blank_pdf)


# --- the passphrase at rest ----------------------------------------------------------------------------------

def test_the_passphrase_is_stored_encrypted_with_a_key_derived_from_secret_key(app, db, org, tmp_path, blank_pdf):
    path = p12_file(tmp_path, passphrase="bí-mật-123")
    key, _replaced = signing.store_key(org.dt, path.read_bytes(), "bí-mật-123", actor=org.admin)
    assert "bí-mật-123" not in key.passphrase and key.passphrase.startswith("gAAAA")  # a Fernet token
    assert signing.decrypt_passphrase(key.passphrase) == "bí-mật-123"
    signed = signing.sign_if_configured(org.dt, blank_pdf)
    signing.clear_caches()
    old_secret = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret"
    try:
        with pytest.raises(ValidationFailed, match="SECRET_KEY"):
            signing.sign_if_configured(org.dt, blank_pdf)
        status = signing.signature_status(signed, org.dt)
        assert (status["intact"], status["trusted"]) == (True, False)
        assert "không mở được chứng thư số đang cấu hình" in status["summary_vi"]
    finally:
        app.config["SECRET_KEY"] = old_secret
        signing.clear_caches()


def test_storing_a_key_checks_the_file_the_passphrase_and_the_unit(db, org, tmp_path):
    data = p12_file(tmp_path, passphrase="đúng").read_bytes()
    with pytest.raises(ValidationFailed, match="Mật khẩu của tệp khóa không đúng") as wrong:
        signing.store_key(org.dt, data, "sai", actor=org.admin)
    assert wrong.value.details == {"passphrase": ["wrong"]}
    with pytest.raises(ValidationFailed, match="không phải là khóa ký số PKCS#12"):
        signing.store_key(org.dt, b"%PDF-1.7 not a key", "đúng", actor=org.admin)
    with pytest.raises(ValidationFailed, match="không có tư cách pháp nhân"):
        signing.store_key(org.dt_a, data, "đúng", actor=org.admin)
    expired = signing.self_signed_pkcs12("X", "", "pw", key_type="ec",
                                         not_after=datetime.now(UTC) - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="đã hết hạn"):
        signing.store_key(org.dt, expired, "pw", actor=org.admin)
    for user in (org.hr, org.approver, make_user("admin_th", (Role.ADMIN, org.th))):
        with pytest.raises(PermissionDenied):
            signing.store_key(org.dt, data, "đúng", actor=user)
    assert key_count() == 0
    key, replaced = signing.store_key(org.dt, data, "đúng", actor=make_user("admin_dt", (Role.ADMIN, org.dt)))
    assert replaced is False
    assert key.subject == "CN=Cục THADS tỉnh Đồng Tháp, O=Tổng cục Thi hành án dân sự"
    assert key.not_after > datetime.now(UTC) + timedelta(days=4 * 365)


# --- issuing -------------------------------------------------------------------------------------------------

def test_issuing_with_a_key_stores_the_signed_pdf(db, org, signer, dt_key):
    decision = draft(org, signer, [approved(org)])
    ops.issue(decision, actor=org.hr)
    assert decision.signed is True
    stored = decision.pdf
    from awards.documents.render import sha256
    assert stored.sha256 == sha256(stored.content)  # the digest is the signed file's
    status = signing.signature_status(stored.content, decision.issuer)
    assert (status["level"], status["signer"]) == ("valid", DT_NAME)
    assert "01/QĐ-CTHADS" in PdfReader(io.BytesIO(stored.content)).pages[0].extract_text()


def test_issuing_without_a_key_stores_an_unsigned_pdf(db, org, signer):
    decision = draft(org, signer, [approved(org)])
    ops.issue(decision, actor=org.hr)
    assert decision.signed is False and decision.state == DecisionState.ISSUED
    assert signing.signature_status(decision.pdf.content, decision.issuer)["level"] == "unsigned"


def test_an_expired_key_stops_issuing_and_uses_no_number(db, org, signer, dt_key):
    dt_key.not_after = datetime.now(UTC) - timedelta(days=1)
    decision = draft(org, signer, [approved(org)])
    with pytest.raises(ValidationFailed, match="đã hết hạn"):
        ops.issue(decision, actor=org.hr)
    assert (decision.state, decision.number, decision.pdf_id, decision.signed) == (DecisionState.DRAFT, None, None,
                                                                                   False)


# --- the `keys` commands -------------------------------------------------------------------------------------

@pytest.fixture()
def keys(app, db):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=["keys", *args], **kw)


def test_keys_demo_creates_a_self_signed_key_for_the_demo_province_and_replaces_it_when_run_again(keys, org):
    result = keys("demo")
    assert result.exit_code == 0, result.output
    key = _db.session.scalar(select(SigningKey).where(SigningKey.unit_id == org.dt.id))
    assert key.subject == f"CN={DT_NAME}, O=Tổng cục Thi hành án dân sự"
    assert timedelta(days=5 * 365) <= signing._aware(key.not_after) - datetime.now(UTC) <= timedelta(days=5 * 365 + 2)
    assert f"Đã lưu khóa ký số cho DT ({DT_NAME})" in result.output and "CHỈ DÙNG ĐỂ DEMO" in result.output
    assert "Khóa cũ" not in result.output
    first = key.pkcs12
    info = signing.read_pkcs12(first, signing.decrypt_passphrase(key.passphrase))
    assert info.certificate.issuer == info.certificate.subject  # self-signed
    assert info.private_key.key_size == 2048
    again = keys("demo")
    assert again.exit_code == 0 and "Khóa cũ của đơn vị đã được thay" in again.output
    _db.session.refresh(key)
    assert key.pkcs12 != first and key_count() == 1


def test_keys_demo_for_a_named_unit_and_its_errors(keys, org):
    assert keys("demo", "--unit", "TH").exit_code == 0
    assert _db.session.scalar(select(SigningKey.subject).where(SigningKey.unit_id == org.th.id)).startswith(
        "CN=Cục Thi hành án dân sự tỉnh Thanh Hóa")
    missing = keys("demo", "--unit", "NOPE")
    assert missing.exit_code == 1 and "Không có đơn vị mã “NOPE”." in missing.output
    branch = keys("demo", "--unit", "DT-A")
    assert branch.exit_code == 1 and "không có tư cách pháp nhân" in branch.output
    assert key_count() == 1


def test_the_demo_unit_without_dt_is_the_first_issuer_with_a_document_code(db, org):
    assert signing.demo_unit() == org.dt
    org.dt.code = "DT2"
    _db.session.flush()
    assert signing.demo_unit() == org.root  # the first unit with legal personality and a document code


def test_keys_import_list_and_remove(keys, org, tmp_path):
    path = p12_file(tmp_path, passphrase="pw-123")
    wrong = keys("import", "DT", str(path), "--passphrase", "sai")
    assert wrong.exit_code == 1 and "Mật khẩu của tệp khóa không đúng." in wrong.output and key_count() == 0
    (tmp_path / "x.p12").write_bytes(b"hello")
    junk = keys("import", "DT", str(tmp_path / "x.p12"), "--passphrase", "pw-123")
    assert junk.exit_code == 1 and "không phải là khóa ký số PKCS#12" in junk.output
    prompted = keys("import", "DT", str(path), input="pw-123\n")  # asked without echo when not given
    assert prompted.exit_code == 0, prompted.output
    assert "Đã lưu khóa ký số cho DT" in prompted.output and "CN=Cục THADS tỉnh Đồng Tháp" in prompted.output
    listed = keys("list")
    assert listed.exit_code == 0 and listed.output.startswith("DT  CN=Cục THADS tỉnh Đồng Tháp")
    removed = keys("remove", "DT")
    assert removed.exit_code == 0 and "Đã gỡ khóa ký số của DT" in removed.output and key_count() == 0
    assert "Chưa đơn vị nào có khóa ký số" in keys("list").output
    again = keys("remove", "DT")
    assert again.exit_code == 1 and "Đơn vị chưa có khóa ký số." in again.output


# --- the admin page ------------------------------------------------------------------------------------------

def upload(client, code, path, passphrase):
    return client.post(f"/admin/signing-keys/{code}", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(path.read_bytes()), path.name), "passphrase": passphrase})


def test_the_key_pages_are_for_admins_over_the_unit(client, login, org, dt_key):
    assert client.get("/admin/signing-keys/").status_code == 302  # anonymous: to the sign-in page
    for user in (org.hr, org.approver, org.secretary, org.proposer, org.viewer):
        client.post("/logout")
        login(user)
        assert client.get("/admin/signing-keys/").status_code == 403, user.username
        assert client.get("/admin/signing-keys/DT").status_code == 403, user.username
        assert client.post("/admin/signing-keys/DT/remove").status_code == 403, user.username
    assert key_count() == 1
    client.post("/logout")
    login(make_user("admin_dt", (Role.ADMIN, org.dt)))
    page = client.get("/admin/signing-keys/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and DT_NAME in text and "Thanh Hóa" not in text
    assert "Lai Vung" not in text  # a branch without legal personality issues nothing: not listed
    assert client.get("/admin/signing-keys/DT").status_code == 200
    assert client.get("/admin/signing-keys/TH").status_code == 404  # another province: its existence does not leak
    assert client.post("/admin/signing-keys/TH/remove").status_code == 404


def test_uploading_a_key_with_a_wrong_passphrase_shows_the_error_and_stores_nothing(client, login, org, tmp_path):
    login(org.admin)
    path = p12_file(tmp_path, passphrase="đúng-rồi")
    response = upload(client, "DT", path, "sai-rồi")
    assert response.status_code == 422
    assert "Mật khẩu của tệp khóa không đúng." in response.get_data(as_text=True)
    assert key_count() == 0
    junk = tmp_path / "x.p12"
    junk.write_bytes(b"not a key")
    response = upload(client, "DT", junk, "đúng-rồi")
    assert response.status_code == 422 and "không phải là khóa ký số PKCS#12" in response.get_data(as_text=True)
    response = upload(client, "DT", path, "đúng-rồi")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/signing-keys/DT")
    page = client.get("/admin/signing-keys/DT").get_data(as_text=True)
    assert "Đã lưu khóa ký số của" in page and "CN=Cục THADS tỉnh Đồng Tháp, O=Tổng cục Thi hành án dân sự" in page
    assert "đúng-rồi" not in page  # the passphrase is never shown again
    key = _db.session.scalar(select(SigningKey).where(SigningKey.unit_id == org.dt.id))
    assert key.created_by_id == org.admin.id


def test_removing_a_key_checks_the_version(client, login, org, dt_key):
    login(org.admin)
    assert client.post("/admin/signing-keys/DT/remove", data={"version": str(dt_key.version + 1)}).status_code == 409
    assert key_count() == 1
    response = client.post("/admin/signing-keys/DT/remove", data={"version": str(dt_key.version)})
    assert response.status_code == 302 and key_count() == 0


def test_a_unit_without_legal_personality_gets_no_upload_form(client, login, org, tmp_path):
    login(org.admin)
    page = client.get("/admin/signing-keys/DT-A").get_data(as_text=True)
    assert "không cần khóa ký số" in page and 'type="file"' not in page
    response = upload(client, "DT-A", p12_file(tmp_path), "mật-khẩu-1")
    assert response.status_code == 422 and key_count() == 0


def test_every_key_form_needs_the_csrf_token(app, client, login, org, dt_key, tmp_path):
    login(org.admin)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert upload(client, "DT", p12_file(tmp_path), "mật-khẩu-1").status_code == 400
        assert client.post("/admin/signing-keys/DT/remove", data={"version": str(dt_key.version)}).status_code == 400
        page = client.get("/admin/signing-keys/DT").get_data(as_text=True)
        forms = re.findall(r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', page, re.S)
        with_token = {action for action, body in forms if 'name="csrf_token"' in body}
        assert {"", "/admin/signing-keys/DT/remove"} <= with_token  # the upload form (posts to itself), remove
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    key = _db.session.scalar(select(SigningKey).where(SigningKey.unit_id == org.dt.id))
    assert key is not None and key.id == dt_key.id and key.pkcs12 == dt_key.pkcs12
