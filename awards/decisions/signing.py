"""PAdES signatures of issued decisions (pyHanko) with the issuer's PKCS#12 key, and their verification.

An admin configures one key per issuing unit (``SigningKey``: the PKCS#12 bytes as uploaded, the passphrase
encrypted with a Fernet key derived from SECRET_KEY — changing SECRET_KEY means entering the passphrases again).
``operations.issue`` calls ``sign_if_configured`` right after rendering: the stored PDF (and its SHA-256) is then
the signed one. ``signature_status`` tells the decision page and the public verification page whether the stored
PDF's signature is intact and made with the issuer's configured certificate.

Nothing here touches the network: no timestamp server, no OCSP/CRL fetching (offices run on closed networks).
pyHanko is imported on first use (about 0.3 s), not at app start.
"""
from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from awards.core.errors import PermissionDenied, StaleRecord, ValidationFailed
from awards.core.formatting import short_date
from awards.core.models import utcnow
from awards.decisions.models import SigningKey
from awards.extensions import db
from awards.org.models import Unit, User
from awards.org.permissions import can_manage_org

__all__ = ["DEMO_YEARS", "FIELD_NAME", "REASON", "KeyInfo", "clear_caches", "decrypt_passphrase", "demo_unit",
           "encrypt_passphrase", "key_of", "make_demo_key", "read_pkcs12", "remove_key", "self_signed_pkcs12",
           "sign_if_configured", "signature_status", "store_key"]

log = logging.getLogger(__name__)

FIELD_NAME = "Signature1"
REASON = "Ban hành quyết định"
DEMO_YEARS = 5
MAX_PKCS12_BYTES = 256 * 1024  # a PKCS#12 with its chain is a few KiB; anything bigger is not one
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
_HKDF_INFO = b"awards.decisions.signing-key-passphrase.v1"


# --- the passphrase at rest ----------------------------------------------------------------------------------

def _fernet() -> Fernet:
    """Fernet with a key derived from SECRET_KEY (HKDF-SHA256): another SECRET_KEY cannot read the passphrases."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_passphrase(passphrase: str) -> str:
    return _fernet().encrypt(passphrase.encode()).decode()


def decrypt_passphrase(token: str) -> str:
    """The stored passphrase in clear; ValidationFailed when SECRET_KEY changed since it was stored."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise ValidationFailed(_("Không giải mã được mật khẩu của khóa ký số (SECRET_KEY đã thay đổi?). Quản trị "
                                 "viên cần nhập lại tệp khóa và mật khẩu.")) from exc


# --- reading a PKCS#12 ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyInfo:
    """What a PKCS#12 holds, as far as the app cares."""

    private_key: Any
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def subject(self) -> str:
        return subject_text(self.certificate)

    @property
    def common_name(self) -> str:
        return common_name(self.certificate)

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc


def subject_text(cert: x509.Certificate) -> str:
    """"CN=…, O=…": the common name first, then the other attributes in the certificate's order."""
    attrs = list(cert.subject)
    attrs.sort(key=lambda a: a.oid != NameOID.COMMON_NAME)
    return ", ".join(f"{a.rfc4514_attribute_name}={a.value}" for a in attrs)[:255]


def common_name(cert: x509.Certificate) -> str:
    found = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else cert.subject.rfc4514_string()


def _looks_like_pkcs12(data: bytes) -> bool:
    """Whether the bytes are a PKCS#12 container at all (to tell a wrong passphrase from a wrong file)."""
    from asn1crypto.pkcs12 import Pfx

    try:
        pfx = Pfx.load(data, strict=True)
        return pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native in ("data", "signed_data")
    except (ValueError, TypeError, KeyError):
        return False


def read_pkcs12(data: bytes, passphrase: str) -> KeyInfo:
    """Open a PKCS#12 (.p12, .pfx) with its passphrase; ValidationFailed (with the field at fault) otherwise."""
    if not data or len(data) > MAX_PKCS12_BYTES or not _looks_like_pkcs12(data):
        raise ValidationFailed(_("Tệp không phải là khóa ký số PKCS#12 (.p12, .pfx)."), details={"file": ["format"]})
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase.encode() if passphrase else None)
    except ValueError as exc:
        raise ValidationFailed(_("Mật khẩu của tệp khóa không đúng."), details={"passphrase": ["wrong"]}) from exc
    if key is None or cert is None:
        raise ValidationFailed(_("Tệp khóa phải chứa cả khóa bí mật và chứng thư số của đơn vị."),
                               details={"file": ["incomplete"]})
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValidationFailed(_("Chỉ hỗ trợ khóa RSA hoặc EC (ECDSA)."), details={"file": ["key_type"]})
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if (key.public_key().public_bytes(serialization.Encoding.DER, spki)
            != cert.public_key().public_bytes(serialization.Encoding.DER, spki)):
        raise ValidationFailed(_("Chứng thư số trong tệp không khớp với khóa bí mật."), details={"file": ["mismatch"]})
    return KeyInfo(key, cert, tuple(chain))


# --- configuring keys (operations: they flush, never commit) -------------------------------------------------

def key_of(unit: Unit) -> SigningKey | None:
    return db.session.scalar(select(SigningKey).where(SigningKey.unit_id == unit.id))


def _require_admin(actor: User | None, unit: Unit) -> None:
    # ``actor=None`` is the command line (whoever runs it owns the server).
    if actor is not None and not can_manage_org(actor, unit):
        raise PermissionDenied(_("Chỉ quản trị viên của đơn vị mới cấu hình được khóa ký số."))


def store_key(unit: Unit, data: bytes, passphrase: str, *, actor: User | None) -> tuple[SigningKey, bool]:
    """Check and store ``unit``'s PKCS#12 key (replacing any earlier one); returns (key, replaced).

    Refused, with nothing stored: a unit without legal personality (it issues no decisions), a file that is not
    a PKCS#12, a wrong passphrase, a file without key or certificate, a certificate already expired.
    """
    _require_admin(actor, unit)
    if not unit.legal_personality:
        raise ValidationFailed(_("Đơn vị không có tư cách pháp nhân, không ban hành quyết định nên không cần khóa "
                                 "ký số."), details={"unit": ["no_legal_personality"]})
    info = read_pkcs12(data, passphrase)
    if info.not_after <= utcnow():
        raise ValidationFailed(_("Chứng thư số đã hết hạn ngày %(date)s.", date=short_date(info.not_after)),
                               details={"file": ["expired"]})
    key = key_of(unit)
    replaced = key is not None
    if key is None:
        key = SigningKey(unit=unit)
        db.session.add(key)
    key.pkcs12, key.passphrase = data, encrypt_passphrase(passphrase)
    key.subject, key.not_after = info.subject, info.not_after
    key.created_at, key.created_by_id = utcnow(), actor.id if actor is not None else None
    db.session.flush()
    return key, replaced


def remove_key(unit: Unit, *, actor: User | None, version: int | None = None) -> None:
    """Remove ``unit``'s key: later decisions are issued unsigned; signed ones then show "not verifiable"."""
    _require_admin(actor, unit)
    key = key_of(unit)
    if key is None:
        raise ValidationFailed(_("Đơn vị chưa có khóa ký số."))
    if version is not None and int(version) != key.version:
        raise StaleRecord()
    db.session.delete(key)
    db.session.flush()


def demo_unit() -> Unit | None:
    """The demo province ("DT"), else the first unit with legal personality that has a document code."""
    unit = db.session.scalar(select(Unit).where(Unit.code == "DT"))
    if unit is None:
        unit = db.session.scalar(select(Unit).where(Unit.legal_personality.is_(True), Unit.document_code.is_not(None),
                                                    Unit.document_code != "").order_by(Unit.id))
    return unit


def self_signed_pkcs12(common: str, organisation: str, passphrase: str, *, years: int = DEMO_YEARS,
                       key_type: str = "rsa", not_after: datetime | None = None) -> bytes:
    """A self-signed certificate (CN, O; digital signature + non-repudiation) and its key as a PKCS#12, valid
    from now for ``years`` (or until ``not_after``)."""
    now = datetime.now(UTC)
    not_after = not_after or now + timedelta(days=365 * years + years // 4)
    not_before = min(now - timedelta(minutes=5), not_after - timedelta(days=1))  # clocks of two servers differ
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if key_type == "rsa" \
        else ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common[:64])]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    name = x509.Name(attrs)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(common[:64].encode(), key, cert, None,
                                                 serialization.BestAvailableEncryption(passphrase.encode()))


def make_demo_key(unit: Unit, *, actor: User | None = None) -> tuple[SigningKey, bool]:
    """A self-signed demo key for ``unit`` (CN = its name, O = its parent's name, RSA 2048, 5 years) with a
    random passphrase; replaces any earlier key. Returns (key, replaced)."""
    passphrase = secrets.token_urlsafe(18)
    parent = unit.parent.name if unit.parent is not None else ""
    return store_key(unit, self_signed_pkcs12(unit.name, parent, passphrase), passphrase, actor=actor)


# --- signing -------------------------------------------------------------------------------------------------


def sign_if_configured(issuer: Unit, pdf: bytes) -> bytes | None:
    """The PDF signed (PAdES B-B, SHA-256, invisible field "Signature1") with the issuer's key, or None when the
    issuer has no key configured. A configured key that cannot be used (passphrase unreadable after a SECRET_KEY
    change, certificate expired) raises ValidationFailed: the decision stays a draft rather than being issued
    unsigned without anyone noticing."""
    key = key_of(issuer)
    if key is None:
        return None
    if key.not_after is not None and _aware(key.not_after) <= utcnow():
        raise ValidationFailed(_("Chứng thư số của %(unit)s đã hết hạn ngày %(date)s: quản trị viên cần cấu hình "
                                 "khóa mới.", unit=issuer.name, date=short_date(key.not_after)))
    passphrase = decrypt_passphrase(key.passphrase)

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(key.pkcs12, other_certs=[],
                                                       passphrase=passphrase.encode() if passphrase else None)
    except ValueError as exc:
        raise ValidationFailed(_("Không mở được khóa ký số của %(unit)s: quản trị viên cần nhập lại tệp khóa.",
                                 unit=issuer.name)) from exc
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=REASON, location=issuer.place_name() or None)
    out = io.BytesIO()
    _run_async(signers.PdfSigner(meta, signer=signer).async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                                                                     output=out))
    return out.getvalue()


def _run_async(coroutine):
    """Run one of pyHanko's coroutines to its end. Its synchronous wrappers call ``asyncio.run``, which fails in a
    thread whose event loop is already running (a caller driving Playwright, an async worker): there the coroutine
    runs on a short-lived thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- verification --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Facts:
    """What validating one PDF against one trust certificate found (cached; no text, no locale)."""

    signed: bool
    intact: bool
    whole: bool
    trusted: bool
    signer: str
    signed_at: datetime | None


_CACHE_SIZE = 512
_facts_cache: OrderedDict[tuple[str, str], _Facts] = OrderedDict()
_cert_cache: OrderedDict[str, bytes | None] = OrderedDict()
_lock = threading.Lock()


def clear_caches() -> None:
    with _lock:
        _facts_cache.clear()
        _cert_cache.clear()


def _remember(cache: OrderedDict, key, value) -> None:
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)


def _recall(cache: OrderedDict, key):
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return True, cache[key]
    return False, None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _trust_certificate(key: SigningKey | None) -> bytes | None:
    """The DER of the configured certificate (None: no key, or a key that cannot be opened any more)."""
    if key is None:
        return None
    cache_key = hashlib.sha256(key.pkcs12 + b"\0" + key.passphrase.encode()).hexdigest()
    found, der = _recall(_cert_cache, cache_key)
    if found:
        return der
    try:
        passphrase = decrypt_passphrase(key.passphrase)
        _key, cert, _chain = pkcs12.load_key_and_certificates(key.pkcs12, passphrase.encode() if passphrase else None)
        der = cert.public_bytes(serialization.Encoding.DER) if cert is not None else None
    except (ValidationFailed, ValueError):
        log.warning("The signing key of unit %s cannot be opened (SECRET_KEY changed?)", key.unit_id)
        der = None
    _remember(_cert_cache, cache_key, der)
    return der


# Marks of a signature in the file's bytes: when the file no longer parses, or its signature dictionary is damaged,
# any one of them still says "this was signed" (one changed byte cannot remove them all).
_SIGNATURE_MARKS = re.compile(rb"/ByteRange\s*\[|/FT\s*/Sig\b|/Type\s*/Sig\b|/SubFilter\s*/(?:ETSI\.CAdES|adbe\.pkcs7)"
                              rb"|/Filter\s*/Adobe\.PPKLite")


def _validate(pdf: bytes, trust_der: bytes | None) -> _Facts:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import SignatureCoverageLevel, async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    claimed = bool(_SIGNATURE_MARKS.search(pdf))
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 — a damaged file: whatever pyHanko's parser raises
        log.info("Unreadable PDF while checking its signature", exc_info=True)
        return _Facts(signed=claimed, intact=False, whole=False, trusted=False, signer="", signed_at=None)
    if not signatures:
        return _Facts(signed=claimed, intact=False, whole=False, trusted=False, signer="", signed_at=None)
    sig = signatures[0]  # the issuing signature; any later one means the file changed after it
    try:
        signed_at = sig.self_reported_timestamp
        # Checked at the claimed signing time (no timestamp server on a closed network): a decision signed while
        # the certificate was valid stays verifiable after the certificate expires.
        roots = [asn1_x509.Certificate.load(trust_der)] if trust_der else []
        context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=signed_at,
                                    revocation_mode="soft-fail")
        status = _run_async(async_validate_pdf_signature(sig, context, skip_diff=True))
    except Exception:  # noqa: BLE001 — a signature pyHanko cannot even evaluate is not an intact one
        log.info("Signature could not be evaluated", exc_info=True)
        return _Facts(signed=True, intact=False, whole=False, trusted=False, signer="", signed_at=None)
    cert = status.signing_cert
    signer = ""
    if cert is not None:
        signer = str(cert.subject.native.get("common_name") or cert.subject.human_friendly)
    intact = bool(status.intact and status.valid)
    whole = intact and status.coverage == SignatureCoverageLevel.ENTIRE_FILE and len(signatures) == 1
    when = status.signer_reported_dt or signed_at
    return _Facts(signed=True, intact=intact, whole=whole, trusted=intact and bool(trust_der) and status.trusted,
                  signer=signer, signed_at=_aware(when) if when else None)


def signature_status(pdf: bytes | None, issuer: Unit | None) -> dict[str, Any]:
    """Whether ``pdf`` carries a signature that is intact, covers the whole file and was made with ``issuer``'s
    configured certificate. Always the same keys:

    - ``signed`` (bool): the file has a signature (or claims one: a damaged signature dictionary counts);
    - ``intact`` (bool): the signed bytes are unchanged and the signature over them verifies;
    - ``covers_whole_document`` (bool): nothing was appended after the signature (no later revision);
    - ``trusted`` (bool): the signing certificate is the issuer's configured one (or chains to it), checked at
      the signing time the signature states;
    - ``signer`` (str): the certificate's common name, "" when unsigned;
    - ``signed_at`` (aware datetime, UTC, or None) and ``signed_at_text`` ("dd/mm/yyyy HH:MM", Vietnam time);
    - ``level``: ``valid`` | ``untrusted`` | ``modified`` | ``unsigned`` (for a badge: success, warning,
      danger, secondary);
    - ``summary_vi`` (str): one Vietnamese sentence, the same whatever the page's language.

    Validation takes ~10 ms for a one-page decision; results are cached in-process per (SHA-256 of the file,
    the trust certificate), so replacing the key is seen at once.
    """
    key = key_of(issuer) if issuer is not None else None
    trust_der = _trust_certificate(key)
    if not pdf:
        facts = _Facts(signed=False, intact=False, whole=False, trusted=False, signer="", signed_at=None)
    else:
        cache_key = (hashlib.sha256(pdf).hexdigest(), hashlib.sha256(trust_der).hexdigest() if trust_der else "")
        found, facts = _recall(_facts_cache, cache_key)
        if not found:
            facts = _validate(pdf, trust_der)
            _remember(_facts_cache, cache_key, facts)
    return _describe(facts, issuer, configured=key is not None, readable=trust_der is not None)


def _describe(facts: _Facts, issuer: Unit | None, *, configured: bool, readable: bool) -> dict[str, Any]:
    when = facts.signed_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") if facts.signed_at else ""
    by = f"ký bởi {facts.signer}" + (f", lúc {when}" if when else "") if facts.signer else ""
    unit = issuer.name if issuer is not None else "đơn vị ban hành"
    if not facts.signed:
        level, summary = "unsigned", "Không có chữ ký số."
    elif not facts.intact or not facts.whole:
        level = "modified"
        summary = "Tài liệu đã bị thay đổi sau khi ký: chữ ký số không còn giá trị."
        if facts.intact:  # the signed part is untouched, something was appended after it
            summary = "Tài liệu đã bị thay đổi sau khi ký: có nội dung được thêm vào sau chữ ký số."
    elif facts.trusted:
        level, summary = "valid", f"Chữ ký số hợp lệ, tài liệu không bị thay đổi ({by})."
    elif configured and readable:
        level = "untrusted"
        summary = (f"Tài liệu không bị thay đổi sau khi ký ({by}), nhưng chứng thư ký không phải chứng thư số đang "
                   f"cấu hình của {unit}.")
    elif configured:
        level = "untrusted"
        summary = (f"Tài liệu không bị thay đổi sau khi ký ({by}), nhưng không mở được chứng thư số đang cấu hình "
                   f"của {unit} để đối chiếu.")
    else:
        level = "untrusted"
        summary = (f"Tài liệu không bị thay đổi sau khi ký ({by}), nhưng {unit} chưa cấu hình chứng thư số để "
                   f"đối chiếu.")
    return {"signed": facts.signed, "intact": facts.intact, "covers_whole_document": facts.whole,
            "trusted": facts.trusted, "signer": facts.signer, "signed_at": facts.signed_at,
            "signed_at_text": when, "level": level, "summary_vi": summary}
