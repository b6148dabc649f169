"""Marshmallow schemas of the decisions API (``awards/api/decisions.py``): request bodies, then the answers.

They dump plain dicts built by the routes and describe them in the OpenAPI document.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from awards.api.schemas import PageSchema, PaginationArgsSchema
from awards.decisions.models import DecisionKind, DecisionState, JobState, SigningMode

_REQUIRED = {"required": [_l("Trường này là bắt buộc.")]}
_NOT_AN_INTEGER = {"invalid": [_l("Phải là một số nguyên.")]}
_YEAR_RANGE = validate.Range(min=1900, max=2999, error=_l("Phải từ {min} đến {max}."))
_MODES = [m.value for m in SigningMode]
_STATES = [s.value for s in DecisionState]
_KINDS = [k.value for k in DecisionKind]
_ID = fields.Integer(error_messages=_NOT_AN_INTEGER)


def _version():
    return fields.Integer(allow_none=True, load_default=None, error_messages=_NOT_AN_INTEGER, metadata={
        "description": "The decision's `version` as read; when given and stale, 409 `conflict` and nothing changes."})


# --- request bodies and arguments -------------------------------------------------------------------------------

class DecisionCreateSchema(Schema):
    issuer_code = fields.String(required=True, validate=validate.Length(min=1, max=40), error_messages=_REQUIRED,
                                metadata={"description": "The issuing unit (legal personality, with a document "
                                                         "code): its head signs, it numbers.", "example": "DT"})
    date = fields.Date(required=True, error_messages={
        **_REQUIRED, "invalid": [_l("Ngày không hợp lệ (định dạng yyyy-mm-dd).")]}, metadata={
        "description": "The decision date: the numbering year, the printed date and the base salary the money is "
                       "computed from.", "example": "2022-01-10"})
    signer_code = fields.String(required=True, allow_none=True, error_messages=_REQUIRED, metadata={
        "description": "A person of the issuing unit (the head or a deputy); null leaves it to choose later (a "
                       "decision is not issued without one).", "example": "DT-0001"})
    signing_mode = fields.String(load_default="", validate=validate.OneOf(
        _MODES, error=_l("Phải là một trong: {choices}.")), metadata={
        "enum": _MODES, "description": "Decree 30: `\"\"` the head signs; `KT.` a deputy on the head's behalf; "
                                       "`TM.`, `Q.`, `TL.`, `TUQ.`."})
    nomination_ids = fields.List(_ID, required=True, error_messages=_REQUIRED, metadata={
        "description": "Nominations `approved` at the issuer, all of one emulation year, in no other decision."})
    legal_basis_ids = fields.List(_ID, load_default=None, allow_none=True, metadata={
        "description": "Legal bases printed as \"Căn cứ …;\", in this order (catalogue ids). Omitted: those in "
                       "force on the date."})
    recipients = fields.List(fields.String(), load_default=None, allow_none=True, metadata={
        "description": "Lines of \"Nơi nhận:\". Omitted: `[\"Như Điều 3;\", \"Lưu: VT, TCCB.\"]`."})


class IssueSchema(Schema):
    version = _version()


class DecisionArgsSchema(PaginationArgsSchema):
    year = fields.Integer(validate=_YEAR_RANGE, error_messages=_NOT_AN_INTEGER, metadata={
        "description": "Calendar year of the decision date (the numbering year).", "example": 2022})
    issuer = fields.String(metadata={"description": "Code of the issuing unit (that unit only).", "example": "DT"})
    state = fields.String(validate=validate.OneOf(_STATES, error=_l("Phải là một trong: {choices}.")),
                          metadata={"enum": _STATES})
    kind = fields.String(validate=validate.OneOf(_KINDS, error=_l("Phải là một trong: {choices}.")),
                         metadata={"enum": _KINDS})


# --- answers -----------------------------------------------------------------------------------------------------

class UnitRefSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "Its name on the decision date (an outcome from "
                                                                 "above: the authority that decided)."})


class SignerSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    position = fields.String(required=True, allow_none=True)


class DecisionSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": _KINDS})
    state = fields.String(required=True, metadata={"enum": _STATES})
    version = fields.Integer(required=True, metadata={"description": "Send it back with `issue`: a stale one "
                                                                     "answers 409."})
    number = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Given at issue, from 1 each calendar year per issuer; null in a draft (and for an outcome "
                       "recorded from above, whose number is `number_text`).", "example": 1})
    symbol = fields.String(required=True, metadata={"example": "QĐ-CTHADS"})
    number_text = fields.String(required=True, metadata={
        "description": "As printed: two digits at least, then the symbol; \"\" in a draft.", "example": "01/QĐ-CTHADS"})
    date = fields.Date(required=True, metadata={"description": "The decision date."})
    year = fields.Integer(required=True, metadata={"description": "Calendar year of the date (numbering)."})
    award_year = fields.Integer(required=True, metadata={"description": "The emulation year the awards are for."})
    issuer = fields.Nested(UnitRefSchema, required=True)
    subject = fields.String(required=True, metadata={"description": "Trích yếu: \"Về việc tặng …\"."})
    total_money = fields.Integer(required=True, metadata={"description": "Whole đồng.", "minimum": 0})
    items_count = fields.Integer(required=True, metadata={"description": "Awardees (persons and collectives)."})


class DecisionPageSchema(PageSchema):
    items = fields.List(fields.Nested(DecisionSchema), required=True)


class LegalBasisRefSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"example": "ND91_2017"})
    citation = fields.String(required=True, metadata={"description": "The printed line, without \"Căn cứ\"'s "
                                                                     "final \";\"."})


class AwardTotalSchema(Schema):
    award = fields.String(required=True, metadata={"example": "LDTT"})
    name = fields.String(required=True, metadata={"example": "Lao động tiên tiến"})
    persons = fields.Integer(required=True)
    collectives = fields.Integer(required=True)
    money = fields.Integer(required=True, metadata={"description": "Whole đồng."})


class NomineeRefSchema(Schema):
    type = fields.String(required=True, metadata={"enum": ["person", "unit"]})
    code = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "As printed (frozen at issue); in a draft, "
                                                                 "today's."})


class DecisionItemSchema(Schema):
    id = fields.Integer(required=True)
    nomination_id = fields.Integer(required=True, allow_none=True)
    nominee = fields.Nested(NomineeRefSchema, required=True)
    nominee_position = fields.String(required=True, metadata={"description": "Printed position (\"\" before "
                                                                             "issue and for a collective)."})
    nominee_unit = fields.String(required=True, metadata={"description": "Printed unit (\"\" before issue)."})
    award = fields.String(required=True, metadata={"example": "LDTT"})
    award_name = fields.String(required=True)
    money = fields.Integer(required=True, metadata={"description": "Whole đồng: multiple × base salary on the "
                                                                   "date, rounded up to 10,000."})
    multiple = fields.String(required=True, metadata={"example": "0.3"})
    base_salary = fields.Integer(required=True)
    position = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Row in the annex = the certificate's \"Số sổ vàng\"; null in a draft."})
    revoked_by = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The issued revoking decision that revoked this award, if any."})
    revokes_item_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "In a revoking decision: the item it revokes."})


class ArticleSchema(Schema):
    text = fields.String(required=True, metadata={"description": "The sentence."})
    list = fields.List(fields.String(), required=True, metadata={"description": "The dash lines under it."})


class DecisionDetailSchema(DecisionSchema):
    signer = fields.Nested(SignerSchema, required=True, allow_none=True)
    signing_mode = fields.String(required=True, metadata={"enum": _MODES})
    signer_position = fields.String(required=True, metadata={"example": "CỤC TRƯỞNG"})
    signer_title = fields.String(required=True, metadata={"description": "Under the mode, e.g. \"PHÓ CỤC TRƯỞNG\" "
                                                                         "after `KT.`."})
    place = fields.String(required=True)
    authority = fields.String(required=True, metadata={"example": "CỤC TRƯỞNG CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐỒNG THÁP"})
    legal_bases = fields.List(fields.Nested(LegalBasisRefSchema), required=True, metadata={
        "description": "In print order."})
    considering = fields.String(required=True, metadata={"description": "\"Xét đề nghị của …\" (last basis line)."})
    articles = fields.List(fields.Nested(ArticleSchema), required=True, metadata={
        "description": "Điều 1 (who gets what), Điều 2 (money), Điều 3 (effect and who executes)."})
    recipients = fields.List(fields.String(), required=True, metadata={"description": "\"Nơi nhận:\" lines."})
    fund = fields.String(required=True)
    totals = fields.List(fields.Nested(AwardTotalSchema), required=True, metadata={
        "description": "Per award, lowest rank first."})
    items = fields.List(fields.Nested(DecisionItemSchema), required=True, metadata={
        "description": "In annex order once issued."})
    revokes = fields.Integer(required=True, allow_none=True, metadata={
        "description": "A revoking decision: the decision it revokes."})
    reason = fields.String(required=True, metadata={"description": "A revoking decision's reason."})
    issued_at = fields.DateTime(required=True, allow_none=True)
    pdf_sha256 = fields.String(required=True, allow_none=True, metadata={
        "description": "SHA-256 (hex) of the stored PDF (`GET …/pdf` answers exactly those bytes); null in a draft "
                       "and for an outcome from above."})
    signed = fields.Boolean(required=True, metadata={"description": "The stored PDF carries the issuer's PAdES "
                                                                    "signature."})


class IssuedItemSchema(Schema):
    nomination_id = fields.Integer(required=True, allow_none=True)
    money = fields.Integer(required=True, metadata={"description": "Whole đồng."})
    position = fields.Integer(required=True, metadata={"description": "Row in the annex (\"Số sổ vàng\")."})


class IssueResultSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"enum": _STATES})
    version = fields.Integer(required=True)
    number = fields.Integer(required=True, metadata={"description": "The integer number in the issuer's year.",
                                                     "example": 1})
    symbol = fields.String(required=True, metadata={"example": "QĐ-CTHADS"})
    number_text = fields.String(required=True, metadata={"description": "number + symbol as printed.",
                                                         "example": "01/QĐ-CTHADS"})
    date = fields.Date(required=True)
    total_money = fields.Integer(required=True, metadata={"description": "Whole đồng."})
    items = fields.List(fields.Nested(IssuedItemSchema), required=True, metadata={"description": "Annex order."})
    pdf_sha256 = fields.String(required=True)
    signed = fields.Boolean(required=True)


class CertificateJobSchema(Schema):
    state = fields.String(required=True, metadata={"enum": [s.value for s in JobState]})
    done = fields.Integer(required=True, metadata={"description": "Certificates rendered so far."})
    total = fields.Integer(required=True, metadata={"description": "Certificates to render (one per awardee)."})


class VerificationSchema(Schema):
    """What the certificate itself prints, and whether it stands: nothing else about the person."""

    valid = fields.Boolean(required=True, metadata={"description": "false: the award was revoked by an issued "
                                                                   "revoking decision."})
    revoked = fields.Boolean(required=True)
    award = fields.String(required=True, metadata={"example": "Lao động tiên tiến"})
    awardee = fields.String(required=True, metadata={"description": "The name as printed."})
    position = fields.String(required=True, metadata={"description": "The position as printed (\"\" for a "
                                                                     "collective)."})
    unit = fields.String(required=True, metadata={"description": "The unit as printed."})
    decision_number = fields.String(required=True, metadata={"example": "01/QĐ-CTHADS"})
    date = fields.String(required=True, metadata={"description": "The decision date, dd/mm/yyyy.",
                                                  "example": "10/01/2022"})
    issuer = fields.String(required=True, metadata={"description": "The issuing unit's name on that date."})
    revoked_by = fields.String(required=True, allow_none=True, metadata={
        "description": "The revoking decision's number; null unless revoked."})
    revoked_on = fields.String(required=True, allow_none=True, metadata={
        "description": "Its date, dd/mm/yyyy; null unless revoked."})
    signature = fields.Raw(required=True, allow_none=True, metadata={
        "description": "The decision PDF's signature check, when one is made; null otherwise."})
