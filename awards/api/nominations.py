"""Nominations and batches (tờ trình): create, list, read, attach files, fire workflow triggers.

Every write goes through ``awards.nominations.operations`` — state changes only through
``operations.transition`` (which maps the engine's refusals to 403/409/422), never ``engine.fire``. Records
are scoped by ``queries.nominations_for`` and the org scope: outside it, 404 with the body of an unknown id.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest.fields import Upload
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from awards.api.auth import ApiBlueprint
from awards.api.schemas import (MAX_PER_PAGE, AttachmentFormSchema, AttachmentSchema,
                                BatchCreateSchema, BatchSchema, NominationArgsSchema, NominationCreateSchema,
                                NominationDetailSchema, NominationPageSchema, NominationSchema,
                                TransitionRequestSchema, TransitionResultSchema, page_of)
from awards.core.errors import NotFound, ValidationFailed
from awards.eligibility import service
from awards.extensions import db
from awards.nominations import operations, queries
from awards.nominations.models import Attachment, Batch, Nomination
from awards.org.models import Person, Unit
from awards.org.permissions import can_view_unit, get_visible_or_404


class _MultipartParser(FlaskParser):
    """Reads a multipart form's fields and files together: OpenAPI 3 has one request body per operation, so
    ``kind`` and ``file`` are one schema, documented as one multipart/form-data body."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)


blp = ApiBlueprint("api_nominations", __name__,
                   description="Nominations and batches: create, list, read, attach files and move them through "
                               "the nomination workflow.")
blp.ARGUMENTS_PARSER = _MultipartParser()
blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}

_NOT_FOUND = "Unknown id, or a record outside the caller's scope (the same body for both)."
_REFUSED_422 = ("Invalid body, or the workflow refused: a guard failed, a reason (`comment`) or `data` is missing. "
                "`errors.reasons` lists every reason (Vietnamese sentences).")


class UploadSchema(AttachmentFormSchema):
    file = Upload(required=True, error_messages={"required": [_l("Trường này là bắt buộc.")]},
                  metadata={"description": "PDF, DOCX, PNG or JPEG (checked by content), at most 10 MB."})


def _with_reasons(refused: ValidationFailed) -> ValidationFailed:
    """The error body's ``errors`` is an object: a list of reasons is put under ``reasons``."""
    if isinstance(refused.details, list):
        return ValidationFailed(refused.message, details={"reasons": [str(r) for r in refused.details]})
    return refused


def _aware(moment: datetime) -> datetime:
    # Stored as UTC; SQLite hands the value back without its zone, which is not an RFC 3339 date-time.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _attachment(attachment: Attachment) -> dict:
    return {"id": attachment.id, "kind": str(attachment.kind), "original_name": attachment.original_name,
            "content_type": attachment.content_type, "size": attachment.size, "sha256": attachment.sha256,
            "uploaded_at": _aware(attachment.uploaded_at)}


def _summary(nomination: Nomination) -> dict:
    nominee = nomination.nominee
    is_person = nomination.person_id is not None
    return {
        "id": nomination.id, "state": nomination.state, "version": nomination.version,
        "nominee": {"type": "person" if is_person else "unit", "code": nominee.code,
                    "name": nominee.full_name if is_person else nominee.name},
        "award": nomination.award.code, "year": nomination.year,
        # The deciding unit is the nomination's addressee: the proposer needs it even when it lies above
        # the units they may browse, and it reveals nothing about records they cannot see.
        "units": {"proposing": nomination.proposing_unit.code, "deciding": nomination.deciding_unit.code},
        "batch_id": nomination.batch_id, "summary": nomination.summary,
        "posting_start": nomination.posting_start, "posting_end": nomination.posting_end,
        "referred_from_id": nomination.referred_from_id,
    }


def _report(report) -> dict:
    return {"subject_code": report.subject_code, "subject_type": report.subject_type, "award": report.award,
            "year": report.year, "regime": report.regime, "verdict": report.verdict,
            "clauses": [{"code": c.code, "text": c.text, "citation": c.citation, "outcome": c.outcome,
                         "reason": c.reason, "reason_en": c.reason_en} for c in report.clauses]}


def _frozen_report(evidence: dict | None) -> dict | None:
    """The eligibility report in the evidence snapshot taken at submission, if there is one."""
    if not evidence:
        return None
    report = evidence.get("eligibility")
    if not isinstance(report, dict):
        return None
    # The snapshot holds the whole report (dataclasses.asdict); the API shows the same keys as the live one.
    return {"subject_code": report["subject_code"], "subject_type": report["subject_type"], "award": report["award"],
            "year": report["year"], "regime": report["regime"], "verdict": report["verdict"],
            "clauses": [{key: clause.get(key) for key in ("code", "text", "citation", "outcome", "reason", "reason_en")}
                        for clause in report["clauses"]]}


def _live_report(nomination: Nomination) -> dict | None:
    try:
        if nomination.person_id is not None:
            return _report(service.person_report(nomination.person, nomination.award.code, nomination.year))
        return _report(service.unit_report(nomination.unit, nomination.award.code, nomination.year))
    except ValidationFailed:
        return None  # an award the rules no longer know for this nominee: no live verdict to show


def _detail(nomination: Nomination) -> dict:
    frozen = _frozen_report(nomination.evidence)
    return {
        **_summary(nomination),
        "history": [{"trigger": row.trigger, "from_": row.from_state, "to": row.to_state,
                     "actor": row.actor_label, "at": _aware(row.at), "comment": row.comment}
                    for row in nomination.history],
        "available_triggers": operations.available_triggers(nomination, current_user),
        "attachments": [_attachment(a) for a in nomination.attachments],
        "eligibility": frozen if frozen is not None else _live_report(nomination),
        "eligibility_frozen": frozen is not None,
    }


def _nomination(nomination_id: int) -> Nomination:
    """A nomination the caller may see, or 404 (also when it exists out of scope)."""
    nomination = db.session.scalar(queries.nominations_for(current_user).where(Nomination.id == nomination_id))
    if nomination is None:
        raise NotFound()
    return nomination


def _batch(batch_id: int) -> Batch:
    return get_visible_or_404(Batch, batch_id, current_user, unit_of=lambda batch: batch.unit)


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={"json": {field: [message]}})


def _nominee(code: str, nominee_type: str) -> Person | Unit:
    # Unknown and out of scope read the same, so a code's existence elsewhere does not leak.
    if nominee_type == "person":
        nominee = db.session.scalar(select(Person).where(Person.code == code))
        unit = nominee.unit if nominee is not None else None
    else:
        nominee = unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if nominee is None or not can_view_unit(current_user, unit):
        raise _field_error("nominee_code", _("Không tìm thấy người hoặc đơn vị được đề nghị trong phạm vi của bạn."))
    return nominee


@blp.route("/nominations", methods=["POST"])
@blp.arguments(NominationCreateSchema)
@blp.response(201, NominationSchema)
@blp.errors(
    forbidden="The caller may not propose for that nominee.",
    invalid="Invalid body, a nominee not in scope, an award not for that nominee type, or a duplicate.")
def create_nomination(body: dict):
    """Propose a nominee for an award

    A draft at the nominee's unit (a collective proposes itself), addressed to the nearest unit with legal
    personality whose head may grant the award. One nomination per nominee, award and year.
    """
    nominee = _nominee(body["nominee_code"], body["nominee_type"])
    batch = None
    if body.get("batch_id") is not None:
        try:
            batch = _batch(body["batch_id"])
        except NotFound:
            raise _field_error("batch_id", _("Không tìm thấy tờ trình trong phạm vi của bạn.")) from None
    try:
        nomination = operations.create_nomination(actor=current_user, nominee=nominee, award_code=body["award"],
                                                  year=body["year"], batch=batch, summary=body["summary"])
    except ValidationFailed as refused:
        raise _with_reasons(refused) from None
    return _summary(nomination)


@blp.route("/nominations")
@blp.arguments(NominationArgsSchema, location="query", as_kwargs=True)
@blp.response(200, NominationPageSchema)
@blp.errors(not_found="`unit` unknown or outside the caller's scope.")
def list_nominations(page: int, per_page: int, year: int | None = None, state: str | None = None,
                     unit: str | None = None, award: str | None = None):
    """Nominations the caller may see

    Newest first; `unit` narrows the list to nominations proposed by that unit or the units below it.
    """
    unit_row = get_visible_or_404(Unit, unit, current_user, unit_of=lambda u: u, by="code") if unit else None
    stmt = (queries.nominations_for(current_user, year=year, state=state, unit=unit_row, award=award)
            .options(selectinload(Nomination.person), selectinload(Nomination.unit),
                     selectinload(Nomination.award), selectinload(Nomination.proposing_unit),
                     selectinload(Nomination.deciding_unit))
            .order_by(None).order_by(Nomination.id.desc()))
    result = page_of(db.paginate(stmt, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False))
    result["items"] = [_summary(n) for n in result["items"]]
    return result


@blp.route("/nominations/<int:nomination_id>")
@blp.response(200, NominationDetailSchema)
@blp.errors(not_found=_NOT_FOUND)
def get_nomination(nomination_id: int):
    """One nomination, with its history, attachments, eligibility and what the caller may do now"""
    return _detail(_nomination(nomination_id))


@blp.route("/nominations/<int:nomination_id>/attachments", methods=["POST"])
@blp.arguments(UploadSchema, location="multipart")
@blp.response(201, AttachmentSchema)
@blp.errors(
    forbidden="The caller may not edit this nomination.",
    not_found=_NOT_FOUND,
    invalid="Missing kind or file, a type other than PDF/DOCX/PNG/JPEG by content, or more than 10 MB.")
def add_attachment(form: dict, nomination_id: int):
    """Attach a file to a nomination

    Multipart: `kind` (`achievement_report`, `minutes`, `initiative_proof`, `other`) and `file`.
    """
    nomination = _nomination(nomination_id)
    upload = form["file"]
    try:
        attachment = operations.add_attachment(nomination, actor=current_user, kind=form["kind"],
                                               filename=upload.filename or "", data=upload.read())
    except ValidationFailed as refused:
        raise _with_reasons(refused) from None
    return _attachment(attachment)


@blp.route("/nominations/<int:nomination_id>/transitions", methods=["POST"])
@blp.arguments(TransitionRequestSchema)
@blp.response(200, TransitionResultSchema)
@blp.errors(
    forbidden="The caller's roles over this nomination do not allow the trigger.",
    not_found=_NOT_FOUND,
    conflict="`version` is stale (`conflict`), or the trigger is not allowed from the current state (`not_allowed`).",
    invalid=_REFUSED_422)
def fire_transition(body: dict, nomination_id: int):
    """Fire a workflow trigger

    E.g. `submit`, `start_review`, `open_posting` with `data` `{"start": "2021-10-04", "working_days": 10}`,
    `close_posting`, `send_back` with a `comment`. The answer is the new state and version.
    """
    nomination = _nomination(nomination_id)
    try:
        operations.transition(nomination, body["trigger"], actor=current_user, comment=body["comment"],
                              version=body["version"], **body["data"])
    except ValidationFailed as refused:
        raise _with_reasons(refused) from None
    db.session.flush()
    return {"state": nomination.state, "version": nomination.version}


@blp.route("/batches", methods=["POST"])
@blp.arguments(BatchCreateSchema)
@blp.response(201, BatchSchema)
@blp.errors(
    forbidden="The caller may not propose for that unit.",
    invalid="Invalid body, or a unit outside the caller's scope.")
def create_batch(body: dict):
    """Open a batch (tờ trình) of a unit for a year"""
    unit = db.session.scalar(select(Unit).where(Unit.code == body["unit"]))
    if unit is None or not can_view_unit(current_user, unit):
        raise _field_error("unit", _("Không tìm thấy đơn vị trong phạm vi của bạn."))
    try:
        return operations.create_batch(actor=current_user, unit=unit, year=body["year"], title=body["title"])
    except ValidationFailed as refused:
        raise _with_reasons(refused) from None


@blp.route("/batches/<int:batch_id>/submit", methods=["POST"])
@blp.response(200, BatchSchema)
@blp.errors(
    forbidden="The caller may not submit for this unit.",
    not_found=_NOT_FOUND,
    conflict="A nomination is not in a state it can be submitted from.",
    invalid="A nomination failed a guard: nothing was submitted; `errors.reasons` says why.")
def submit_batch(batch_id: int):
    """Submit every nomination of a batch, all or nothing"""
    batch = _batch(batch_id)
    try:
        operations.submit_batch(batch, actor=current_user)
    except ValidationFailed as refused:
        raise _with_reasons(refused) from None
    db.session.flush()
    return batch
