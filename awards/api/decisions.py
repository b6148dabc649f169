"""Decisions: draft, issue, list, read, the PDF and the certificates; the public certificate verification.

Every write goes through ``awards.decisions.operations`` (HR or admin of the issuer: 403 otherwise; a stale
``version`` or an issued decision: 409). Who reads a decision is decided as on the pages
(``awards.decisions.queries``): the readers of its issuer (drafts included for HR, admins, approvers and the
secretariat; issued ones only for viewers); in scope without a reading role 403; anyone else the 404 of an unknown
id. ``GET /verify/<token>`` is the one public route of the API.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, current_app
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from awards.api.auth import ApiBlueprint, public
from awards.api.decision_schemas import (CertificateJobSchema, DecisionArgsSchema, DecisionCreateSchema,
                                         DecisionDetailSchema, DecisionPageSchema, IssueResultSchema, IssueSchema,
                                         VerificationSchema)
from awards.api.schemas import MAX_PER_PAGE, ApiErrorSchema, page_of
from awards.core.errors import NotFound, PermissionDenied, ValidationFailed
from awards.decisions import operations as ops
from awards.decisions import queries
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionState, JobState
from awards.extensions import db, limiter
from awards.nominations import queries as nomination_queries
from awards.nominations.models import Nomination
from awards.org.models import Person, Unit
from awards.org.permissions import get_visible_or_404, visible_unit_ids

blp = ApiBlueprint("api_decisions", __name__,
                   description="Decisions: draft, issue, list, read, the decision PDF and the certificates; "
                               "the public verification of a certificate.")

_NOT_FOUND = "Unknown id, or a decision the caller may not read and that does not concern their scope (same body)."
_NO_READING_ROLE = ("In scope (its issuer, or a unit that proposed one of its nominations) without a role that reads "
                    "decisions (HR, admin, approver, secretariat; viewers read issued ones only).")
VERIFY_RATE_LIMIT = "30 per minute"  # the verification page's default (verify_views.py): one setting for both
_NOT_MANAGER = "Only HR or an admin over the issuer prepares, issues and prints its decisions."
# The operations' field names → the body's.
_FIELDS = {"issuer": "issuer_code", "signer": "signer_code", "date": "date", "nomination_ids": "nomination_ids",
           "legal_basis_ids": "legal_basis_ids"}


def _pdf_doc(description: str, sha256_header: str):
    """The 200 answer: a PDF, and its digest header (flask-smorest documents a schema-less response by its
    description only; ``blp.doc`` replaces the whole response, so the description is given here)."""
    return blp.doc(responses={"200": {
        "description": description,
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        "headers": {"X-Content-SHA256": {"description": sha256_header, "schema": {"type": "string"}}}}})


# --- loading and shaping -----------------------------------------------------------------------------------------

def _decision(decision_id: int, *options) -> Decision:
    """A decision the caller may read; 403 in scope without a reading role; 404 otherwise."""
    decision = db.session.scalar(select(Decision).where(Decision.id == decision_id).options(*options))
    access = queries.access(current_user, decision) if decision is not None else None
    if access is None:
        raise NotFound()
    if access == queries.FORBIDDEN:
        raise PermissionDenied()
    return decision


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={"json": {field: [message]}})


def _in_body(refused: ValidationFailed) -> ValidationFailed:
    """An operation's refusal with the fields of the body it concerns (`errors.json.<field>`)."""
    if isinstance(refused.details, dict):
        fields = {_FIELDS[key] for key in refused.details if key in _FIELDS}
        if fields:
            return ValidationFailed(refused.message, details={"json": {f: [refused.message] for f in sorted(fields)}})
    return _with_reasons(refused)


def _with_reasons(refused: ValidationFailed) -> ValidationFailed:
    """A refusal that concerns no body field: its sentence(s) under `errors.reasons`."""
    if isinstance(refused.details, list):
        return ValidationFailed(refused.message, details={"reasons": [str(r) for r in refused.details]})
    return ValidationFailed(refused.message, details={"reasons": [refused.message]})


def _aware(moment: datetime | None) -> datetime | None:
    # Stored as UTC; SQLite hands the value back without its zone, which is not an RFC 3339 date-time.
    return moment if moment is None or moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _issuer_ref(decision: Decision) -> dict:
    return {"code": decision.issuer.code, "name": decision.issuer_label}


def _summary(decision: Decision) -> dict:
    return {"id": decision.id, "kind": str(decision.kind), "state": str(decision.state), "version": decision.version,
            "number": decision.number if decision.kind != DecisionKind.EXTERNAL else None,
            "symbol": decision.symbol if decision.kind != DecisionKind.EXTERNAL else "",
            "number_text": decision.number_text, "date": decision.decided_on, "year": decision.year,
            "award_year": decision.award_year, "issuer": _issuer_ref(decision), "subject": decision.subject,
            "total_money": decision.total_money, "items_count": len(decision.items)}


def _article(text: str) -> dict:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return {"text": " ".join(line for line in lines if not line.startswith("-")),
            "list": [line[1:].strip() for line in lines if line.startswith("-")]}


def _item(item: DecisionItem) -> dict:
    if item.is_collective:
        nominee = {"type": "unit", "code": item.unit.code, "name": item.nominee_name or item.unit.name}
    else:
        nominee = {"type": "person", "code": item.person.code, "name": item.nominee_name or item.person.full_name}
    return {"id": item.id, "nomination_id": item.nomination_id, "nominee": nominee,
            "nominee_position": item.nominee_position, "nominee_unit": item.nominee_unit,
            "award": item.award.code, "award_name": item.award.name_vi, "money": item.money,
            "multiple": item.multiple, "base_salary": item.base_salary, "position": item.position,
            "revoked_by": item.revoked_by_id, "revokes_item_id": item.revokes_item_id}


def _detail(decision: Decision) -> dict:
    signer = decision.signer
    return {
        **_summary(decision),
        "signer": ({"code": signer.code, "name": signer.full_name, "position": signer.position}
                   if signer is not None else None),
        "signing_mode": decision.signing_mode.value, "signer_position": decision.signer_position,
        "signer_title": decision.signer_title, "place": decision.place, "authority": decision.authority,
        "legal_bases": [{"id": b.legal_basis.id, "code": b.legal_basis.code,
                         "citation": b.legal_basis.citation_line} for b in decision.bases],
        "considering": decision.considering,
        "articles": [_article(decision.article1), _article(decision.article2), _article(decision.article3)],
        "recipients": list(decision.recipients or []), "fund": decision.fund,
        "totals": [{key: row[key] for key in ("award", "name", "persons", "collectives", "money")}
                   for row in ops.totals_by_award(decision)],
        "items": [_item(i) for i in sorted(decision.items, key=lambda i: (i.position or 0, i.id))],
        "revokes": decision.revokes_id, "reason": decision.reason, "issued_at": _aware(decision.issued_at),
        "pdf_sha256": decision.pdf.sha256 if decision.pdf is not None else None, "signed": decision.signed,
    }


def _unit_in_scope(code: str) -> Unit:
    # Unknown and out of scope read the same, so a code's existence elsewhere does not leak.
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or unit.id not in visible_unit_ids(current_user):
        raise _field_error("issuer_code", _("Không tìm thấy đơn vị ban hành trong phạm vi của bạn."))
    return unit


def _signer(code: str | None) -> Person | None:
    if code is None:
        return None
    person = db.session.scalar(select(Person).where(Person.code == code))
    if person is None or person.unit_id not in visible_unit_ids(current_user):
        raise _field_error("signer_code", _("Không tìm thấy người ký trong phạm vi của bạn."))
    return person


def _check_nominations_visible(ids: list[int]) -> None:
    """An id the caller cannot see reads as an unknown one (the operation would name its deciding unit)."""
    wanted = list(dict.fromkeys(ids))
    seen = set(db.session.scalars(nomination_queries.nominations_for(current_user).where(Nomination.id.in_(wanted))
                                  .with_only_columns(Nomination.id).order_by(None)))
    missing = [i for i in wanted if i not in seen]
    if missing:
        raise _field_error("nomination_ids", _("Không có hồ sơ đề nghị số %(ids)s.",
                                               ids=", ".join(map(str, missing))))


def _pdf_response(content: bytes, filename: str, sha256: str | None, *, attachment: bool = False) -> Response:
    headers = {"Content-Disposition": f'{"attachment" if attachment else "inline"}; filename="{filename}"'}
    if sha256:
        headers["X-Content-SHA256"] = sha256
    return Response(content, mimetype="application/pdf", headers=headers)


# --- drafts and issuing ------------------------------------------------------------------------------------------

@blp.route("/decisions", methods=["POST"])
@blp.arguments(DecisionCreateSchema)
@blp.response(201, DecisionDetailSchema)
@blp.errors(
    forbidden=_NOT_MANAGER,
    invalid="Invalid body (`errors.json`): a bad date or signing mode; an issuer or signer unknown or outside the "
            "caller's scope; a signer not of the issuer; an issuer without legal personality; a nomination unknown, "
            "not approved at the issuer, of another year or already in a decision; no money rule on the date.")
def create_decision(body: dict):
    """Draft a decision granting approved nominations

    The draft gets its money (multiple × base salary on the date, rounded up to 10,000 đồng), its generated
    wording and the legal bases in force on the date; it has no number until issued.
    """
    issuer = _unit_in_scope(body["issuer_code"])
    signer = _signer(body["signer_code"])
    _check_nominations_visible(body["nomination_ids"])
    try:
        decision = ops.create_decision(actor=current_user, issuer=issuer, decided_on=body["date"],
                                       nomination_ids=body["nomination_ids"], signer=signer,
                                       signing_mode=body["signing_mode"], legal_basis_ids=body["legal_basis_ids"],
                                       recipients=body["recipients"])
    except ValidationFailed as refused:
        raise _in_body(refused) from None
    db.session.flush()
    return _detail(decision)


@blp.route("/decisions/<int:decision_id>/issue", methods=["POST"])
@blp.arguments(IssueSchema)
@blp.response(200, IssueResultSchema)
@blp.errors(
    forbidden=_NOT_MANAGER + " Also in scope without a role that reads decisions.",
    not_found=_NOT_FOUND,
    conflict="`conflict`: `version` is stale; `not_allowed`: already issued (or revoked), an outcome recorded from "
             "above, or a nomination no longer waiting for it.",
    invalid="The decision cannot be issued as it is: no awardee, no signer, no money rule on its date, or a "
            "nomination no longer approved (`errors.reasons`).")
def issue_decision(body: dict, decision_id: int):
    """Issue a draft: its number, the stored PDF, every nomination `decided`

    All in one step or nothing: the next number of the issuer's calendar year (from 1), the annex order (the
    certificates' "Số sổ vàng"), the printed names frozen, the PDF rendered (signed when the issuer has a key) and
    stored with its SHA-256, each nomination moved to `decided` and the award recorded.
    """
    decision = _decision(decision_id)
    try:
        ops.issue(decision, actor=current_user, version=body["version"])
    except ValidationFailed as refused:
        raise _with_reasons(refused) from None
    db.session.flush()
    return {"id": decision.id, "state": str(decision.state), "version": decision.version,
            "number": decision.number, "symbol": decision.symbol, "number_text": decision.number_text,
            "date": decision.decided_on, "total_money": decision.total_money,
            "items": [{"nomination_id": i.nomination_id, "money": i.money, "position": i.position}
                      for i in sorted(decision.items, key=lambda i: i.position or 0)],
            "pdf_sha256": decision.pdf.sha256, "signed": decision.signed}


# --- reading -----------------------------------------------------------------------------------------------------

@blp.route("/decisions")
@blp.arguments(DecisionArgsSchema, location="query", as_kwargs=True)
@blp.response(200, DecisionPageSchema)
@blp.errors(not_found="`issuer` unknown or outside the caller's scope.")
def list_decisions(page: int, per_page: int, year: int | None = None, issuer: str | None = None,
                   state: str | None = None, kind: str | None = None):
    """Decisions the caller may read

    Newest first (by date). Drafts are listed for HR, admins, approvers and the secretariat of the issuer; viewers
    see issued and revoked ones.
    """
    issuer_row = (get_visible_or_404(Unit, issuer, current_user, unit_of=lambda u: u, by="code")
                  if issuer else None)
    stmt = (queries.decisions_for(current_user, year=year, issuer=issuer_row.id if issuer_row else None,
                                  state=state, kind=kind)
            .options(selectinload(Decision.items)))
    result = page_of(db.paginate(stmt, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False))
    result["items"] = [_summary(d) for d in result["items"]]
    return result


@blp.route("/decisions/<int:decision_id>")
@blp.response(200, DecisionDetailSchema)
@blp.errors(forbidden=_NO_READING_ROLE, not_found=_NOT_FOUND)
def get_decision(decision_id: int):
    """One decision: its texts, signer, legal bases, totals per award, awardees and money"""
    return _detail(_decision(decision_id, *queries.detail_options()))


@blp.route("/decisions/<int:decision_id>/pdf")
@blp.response(200, content_type="application/pdf")
@_pdf_doc("The stored PDF of an issued decision, byte for byte (its SHA-256 in `X-Content-SHA256` and the detail's "
          "`pdf_sha256`); a draft rendered now, without a number.",
          "SHA-256 (hex) of the stored file; absent for a draft, rendered on each call.")
@blp.errors(forbidden=_NO_READING_ROLE, not_found=_NOT_FOUND + " Also an outcome recorded from above (no file).")
def decision_pdf(decision_id: int):
    """The decision as PDF"""
    from awards.decisions import documents
    from awards.documents.render import render_pdf

    decision = _decision(decision_id)
    if decision.pdf is not None:
        return _pdf_response(decision.pdf.content, decision.pdf.filename, decision.pdf.sha256)
    if decision.state != DecisionState.DRAFT:
        raise NotFound(_("Quyết định của cấp trên được ghi nhận: không có tệp PDF."))
    pdf = render_pdf("decision.html", documents.decision_context(decision))
    return _pdf_response(pdf, documents.filename(decision), None)


@blp.route("/decisions/<int:decision_id>/certificates")
@blp.response(200, content_type="application/pdf")
@blp.alt_response(202, schema=CertificateJobSchema, description="Not ready: the job (started now if there was none, "
                                                                "or started again if it had failed) and its progress. "
                                                                "Ask again.")
@_pdf_doc("Every certificate of the decision in one PDF (annex order, one page each), once the job is done.",
          "SHA-256 (hex) of the certificates' file.")
@blp.errors(forbidden=_NOT_MANAGER, not_found=_NOT_FOUND,
            conflict="`not_allowed`: not an issued award decision (a draft, a revoked decision, a revocation, an "
                     "outcome recorded from above).")
def decision_certificates(decision_id: int):
    """The certificates (giấy khen) of an issued decision

    Printing them is a background job (one per decision): the first call starts it and answers 202 with its
    progress; later calls answer the progress, then the PDF. A failed job is started again.
    """
    from awards.decisions import jobs

    decision = _decision(decision_id)
    job = jobs.request_certificates(decision, actor=current_user)  # idempotent; checks the role and the state
    if job.state == JobState.DONE and jobs.certificate_path(job).is_file():
        return _pdf_response(jobs.certificate_path(job).read_bytes(), jobs.download_name(decision), job.sha256,
                             attachment=True)
    return CertificateJobSchema().dump({"state": str(job.state.value), "done": job.done_count,
                                        "total": job.total}), 202


# --- public verification -----------------------------------------------------------------------------------------

@blp.route("/verify/<token>")
@public
@limiter.limit(lambda: current_app.config.get("VERIFY_RATE_LIMIT", VERIFY_RATE_LIMIT))
@blp.doc(security=[])
@blp.response(200, VerificationSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="No certificate has this token (`not_found`).")
@blp.alt_response(429, schema=ApiErrorSchema, description="Too many verifications from this address this minute "
                                                            "(`VERIFY_RATE_LIMIT`, as the page).")
def verify_certificate(token: str):
    """Verify a certificate by the token in its QR code (public)

    No authentication. `valid` is false when the award was revoked (by an issued revoking decision); a token no
    certificate carries (unknown, a draft's, a revoking decision's) answers 404. The answer is what the certificate
    prints — the award, the name, position and unit, the decision — and nothing else about the person.
    """
    from awards.decisions import verification

    result = verification.verify(token)
    if not result["found"]:
        raise NotFound()
    # Never cached (a revocation shows at once); the token does not leave in a Referer header.
    return result, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
