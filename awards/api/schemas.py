"""Marshmallow schemas of the API: they dump the responses and describe them in the OpenAPI document.

Shared shapes (the error body, pagination arguments and envelope) first, then one section per domain.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields, validate

from awards.org.models import Gender, RatingLevel, UnitKind
from awards.org.permissions import visible_unit_ids

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100

# --- shared -----------------------------------------------------------------------------------------------


class ApiErrorSchema(Schema):
    """The one error body (``awards.core.errors.error_response``); replaces flask-smorest's default."""

    code = fields.String(required=True, metadata={"description": "Machine-readable code, e.g. `not_found`.",
                                                  "example": "not_found"})
    message = fields.String(required=True, metadata={"description": "Message for people (Vietnamese)."})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status, repeated."})
    errors = fields.Dict(metadata={"description": "Field messages, by location then field, "
                                                  "e.g. `{\"query\": {\"page\": [\"…\"]}}` (validation errors only)."})


# In a list: marshmallow puts a message in a list only when it is a str, and a lazy string is not one.
_NOT_AN_INTEGER = {"invalid": [_l("Phải là một số nguyên.")]}


class PaginationArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, error=_l("Phải từ {min} trở lên.")),
                          error_messages=_NOT_AN_INTEGER, metadata={"description": "Page number, from 1."})
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE, error=_l("Phải từ {min} đến {max}.")),
        error_messages=_NOT_AN_INTEGER, metadata={"description": f"Rows per page, 1 to {MAX_PER_PAGE}."})


class PageSchema(Schema):
    """The envelope of every paginated list; subclasses set ``items``."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Rows across all pages."})
    pages = fields.Integer(required=True, metadata={"description": "Number of pages (0 when there is no row)."})


def page_of(pagination) -> dict:
    """The envelope for a Flask-SQLAlchemy ``Pagination``."""
    return {"items": pagination.items, "page": pagination.page, "per_page": pagination.per_page,
            "total": pagination.total, "pages": pagination.pages}


# --- organisation -----------------------------------------------------------------------------------------

def _code_if_visible(unit) -> str | None:
    # A unit the caller may not see is reported as null, not by its code: its existence does not leak.
    if unit is None or unit.id not in visible_unit_ids(current_user):
        return None
    return unit.code


class UnitSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "The name in force today."})
    kind = fields.Enum(UnitKind, by_value=True, required=True, metadata={"type": "string"})
    parent_code = fields.Method("get_parent_code", allow_none=True, required=True, metadata={
        "type": "string", "description": "The parent unit; null at the top of what the caller may see."})
    legal_personality = fields.Boolean(required=True, metadata={
        "description": "Whether the head of the unit may sign decisions (tư cách pháp nhân)."})
    document_code = fields.String(allow_none=True, required=True, metadata={
        "description": "Used in document symbols, e.g. CTHADS."})
    place = fields.String(allow_none=True, required=True, metadata={
        "description": "Place name printed on documents (\"Đồng Tháp, ngày …\")."})

    def get_parent_code(self, unit) -> str | None:
        return _code_if_visible(unit.parent) if unit.parent_id is not None else None


class UnitNameSchema(Schema):
    name = fields.String(required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(allow_none=True, required=True, metadata={"description": "null: still in force."})


class UnitDetailSchema(UnitSchema):
    names = fields.List(fields.Nested(UnitNameSchema), required=True,
                        metadata={"description": "Every name the unit has had, oldest first."})


class PeopleArgsSchema(PaginationArgsSchema):
    unit = fields.String(metadata={"description": "A unit code: only people of that unit and the units below it."})


class PersonSchema(Schema):
    code = fields.String(required=True)
    full_name = fields.String(required=True)
    gender = fields.Enum(Gender, by_value=True, required=True, metadata={"type": "string"})
    birth_date = fields.Date(allow_none=True, required=True)
    hire_date = fields.Date(allow_none=True, required=True)
    position = fields.String(allow_none=True, required=True)
    grade = fields.String(allow_none=True, required=True)
    unit_code = fields.String(attribute="unit.code", required=True, metadata={"description": "Current unit."})
    unit_name = fields.String(attribute="unit.name", required=True,
                              metadata={"description": "Its name in force today."})


class PersonPageSchema(PageSchema):
    items = fields.List(fields.Nested(PersonSchema), required=True)


class AssignmentSchema(Schema):
    unit_code = fields.Method("get_unit_code", allow_none=True, required=True, metadata={
        "type": "string", "description": "null when that unit lies outside the caller's scope."})
    unit_name = fields.Method("get_unit_name", allow_none=True, required=True, metadata={
        "type": "string", "description": "The unit's name at the start of the period; null as unit_code."})
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(allow_none=True, required=True, metadata={"description": "null: still in force."})

    def get_unit_code(self, assignment) -> str | None:
        return _code_if_visible(assignment.unit)

    def get_unit_name(self, assignment) -> str | None:
        if _code_if_visible(assignment.unit) is None:
            return None
        return assignment.unit.name_on(assignment.valid_from)


class RatingSchema(Schema):
    year = fields.Integer(required=True, metadata={"description": "Emulation year label."})
    rating = fields.Enum(RatingLevel, by_value=True, required=True, metadata={"type": "string"})


class PersonDetailSchema(PersonSchema):
    assignments = fields.List(fields.Nested(AssignmentSchema), required=True,
                              metadata={"description": "Units the person has worked in, oldest first."})
    ratings = fields.List(fields.Nested(RatingSchema), required=True,
                          metadata={"description": "Yearly ratings, oldest first."})


# --- metrics ----------------------------------------------------------------------------------------------

# Statistical years are labelled by the calendar year they end in; anything outside this is a typo.
_YEAR_RANGE = validate.Range(min=1900, max=2999, error=_l("Phải từ {min} đến {max}."))


class MetricsArgsSchema(Schema):
    year = fields.Integer(required=True, validate=_YEAR_RANGE,
                          error_messages={**_NOT_AN_INTEGER, "required": [_l("Trường này là bắt buộc.")]},
                          metadata={"description": "Statistical year: 2021 runs from 1 October 2020 to "
                                                   "30 September 2021.", "example": 2021})
    month = fields.Integer(
        validate=validate.Range(min=1, max=12, error=_l("Phải từ {min} đến {max}.")),
        error_messages=_NOT_AN_INTEGER,
        metadata={"description": "Calendar month of the cut-off (6 = figures to 30 June; 11 of year 2021 is "
                                 "November 2020). Omitted: the latest month with figures in that year "
                                 "(September is the latest, October the first).", "example": 6})


class UnitMetricsArgsSchema(MetricsArgsSchema):
    rollup = fields.Boolean(load_default=False, error_messages={"invalid": [_l("Phải là true hoặc false.")]},
                            metadata={"description": "true: the unit and every unit below it, counts summed "
                                                     "before the rates are computed; the unit's own targets "
                                                     "apply."})


def _percent(description: str, unit: str = "Percent"):
    # Computed at full precision (awards.metrics.compute), rounded only here: an excess is not the
    # difference of two rounded numbers.
    return fields.Float(required=True, allow_none=True, metadata={
        "description": f"{description} {unit}, rounded half up to 2 places."})


def _points(description: str):
    return _percent(description, "Percentage points")


def _amount(description: str):
    return fields.Integer(required=True, metadata={"description": description, "minimum": 0})


class MetricCountsSchema(Schema):
    """Cumulative from 1 October to the end of the month; cases are a number of cases, money whole đồng."""

    received = _amount("Thụ lý: carried over + new.")
    enforceable = _amount("Có điều kiện thi hành.")
    completed = _amount("Thi hành xong: actually enforced + terminated.")
    rate = _percent("completed / enforceable × 100; null when enforceable is 0.")
    enforceable_share = _percent("enforceable / received × 100; null when received is 0.")


class MetricsSchema(Schema):
    subject_code = fields.String(required=True, metadata={"description": "The unit, person or cluster code."})
    year = fields.Integer(required=True, metadata={"description": "Statistical year."})
    month = fields.Integer(required=True, metadata={"description": "Month of the cut-off (1–12).",
                                                    "minimum": 1, "maximum": 12})
    cases = fields.Nested(MetricCountsSchema, required=True, metadata={"description": "Về việc."})
    money = fields.Nested(MetricCountsSchema, required=True, metadata={"description": "Về tiền (đồng)."})
    case_target = _percent("The yearly case target (chỉ tiêu); null when none is set (always for clusters).")
    money_target = _percent("The yearly money target; null when none is set (always for clusters).")
    case_attainment = _percent("cases.rate / case_target × 100; null without a rate or a non-zero target.")
    money_attainment = _percent("money.rate / money_target × 100; null without a rate or a non-zero target.")
    case_excess = _points("cases.rate − case_target (negative: below target); null without both.")
    money_excess = _points("money.rate − money_target; null without both.")
    case_change = _points("cases.rate − the previous month's (negative: a drop); null in October (the first "
                          "month), without figures for the previous month, or without either rate.")
    money_change = _points("money.rate − the previous month's; null as case_change.")


# --- eligibility ------------------------------------------------------------------------------------------

class EligibilityYearArgsSchema(Schema):
    year = fields.Integer(required=True, validate=_YEAR_RANGE,
                          error_messages={**_NOT_AN_INTEGER, "required": [_l("Trường này là bắt buộc.")]},
                          metadata={"description": "Emulation year: 2021 runs from 1 October 2020 to 30 September "
                                                   "2021 (or as recorded). Its last day picks the rules in force.",
                                    "example": 2021})


class EligibilityArgsSchema(EligibilityYearArgsSchema):
    award = fields.String(required=True, validate=validate.Length(min=1, max=20),
                          error_messages={"required": [_l("Trường này là bắt buộc.")]},
                          metadata={"description": "Award code, e.g. `CSTDCS`; one that applies to the subject "
                                                   "(422 otherwise).", "example": "CSTDCS"})


_OUTCOMES = ("met", "not_met", "unknown")
_VERDICTS = ("eligible", "ineligible", "needs_information")
_SUBJECT_TYPES = ("person", "unit")


class ClauseSchema(Schema):
    code = fields.String(required=True, metadata={"example": "CSTDCS.initiative"})
    text = fields.String(required=True, metadata={"description": "What the clause requires (Vietnamese)."})
    citation = fields.String(required=True, metadata={"description": "Its source, e.g. "
                                                                     "\"Điều 9, 91/2017/NĐ-CP\"."})
    outcome = fields.String(required=True, metadata={
        "enum": list(_OUTCOMES), "description": "`unknown`: data is missing, or people must judge it."})
    reason = fields.String(required=True, metadata={"description": "Why, with the figures read (Vietnamese)."})
    reason_en = fields.String(required=True, metadata={"description": "The same in English."})


class EligibilitySchema(Schema):
    subject_code = fields.String(required=True)
    subject_type = fields.String(required=True, metadata={"enum": list(_SUBJECT_TYPES)})
    award = fields.String(required=True)
    year = fields.Integer(required=True)
    regime = fields.String(required=True, metadata={
        "description": "The rule set in force on the year's last day: `ND91_2017` (to 2023), `LTDKT_2022` "
                       "(Luật 06/2022 + NĐ 98/2023, from 1/1/2024), `ND152_2025` (from 1/7/2025).",
        "example": "ND91_2017"})
    verdict = fields.String(required=True, metadata={
        "enum": list(_VERDICTS), "description": "`ineligible` when a clause is not met, else `needs_information` "
                                                "when one is unknown, else `eligible`."})
    clauses = fields.List(fields.Nested(ClauseSchema), required=True)


class SuggestionSchema(Schema):
    subject_code = fields.String(required=True)
    subject_type = fields.String(required=True, metadata={"enum": list(_SUBJECT_TYPES)})
    subject_name = fields.String(required=True, metadata={"description": "Full name, or the unit's name at the "
                                                                         "end of the year."})
    award = fields.String(required=True)
    verdict = fields.String(required=True, metadata={"enum": ["eligible", "needs_information"]})


class QuotaSchema(Schema):
    award = fields.String(required=True, metadata={"example": "CSTDCS"})
    limit = fields.Integer(required=True, allow_none=True, metadata={
        "description": "share × base_count, rounded down; null: no limit in force that year."})
    used = fields.Integer(required=True, metadata={"description": "Held (not revoked) in the subtree that year."})
    basis = fields.String(required=True, metadata={
        "description": "The rule in words, with its citation (Vietnamese).",
        "example": "15% số cá nhân đạt Lao động tiên tiến (20) theo Điều 14 khoản 1, 91/2017/NĐ-CP"})
    base_award = fields.String(required=True, metadata={"example": "LDTT"})
    base_count = fields.Integer(required=True, metadata={"description": "Holders of base_award in the subtree "
                                                                        "that year."})


# --- nominations ------------------------------------------------------------------------------------------

_NOMINEE_TYPES = ("person", "unit")
_REQUIRED = {"required": [_l("Trường này là bắt buộc.")]}
ATTACHMENT_KINDS = ("achievement_report", "minutes", "initiative_proof", "other")


class NominationCreateSchema(Schema):
    nominee_code = fields.String(required=True, validate=validate.Length(min=1, max=40), error_messages=_REQUIRED,
                                 metadata={"description": "A person's code, or a unit's code for a collective."})
    nominee_type = fields.String(required=True, validate=validate.OneOf(_NOMINEE_TYPES), error_messages=_REQUIRED,
                                 metadata={"enum": list(_NOMINEE_TYPES)})
    award = fields.String(required=True, validate=validate.Length(min=1, max=20), error_messages=_REQUIRED,
                          metadata={"description": "Award code, e.g. `CSTDCS`.", "example": "CSTDCS"})
    year = fields.Integer(required=True, validate=_YEAR_RANGE,
                          error_messages={**_NOT_AN_INTEGER, **_REQUIRED},
                          metadata={"description": "Emulation year.", "example": 2021})
    batch_id = fields.Integer(allow_none=True, error_messages=_NOT_AN_INTEGER,
                              metadata={"description": "A draft batch (tờ trình) of the proposing unit to add it to."})
    summary = fields.String(load_default="", metadata={"description": "Achievement summary (tóm tắt thành tích)."})


class NominationArgsSchema(PaginationArgsSchema):
    year = fields.Integer(validate=_YEAR_RANGE, error_messages=_NOT_AN_INTEGER)
    state = fields.String(validate=validate.Length(max=30), metadata={"example": "submitted"})
    unit = fields.String(metadata={"description": "A unit code: nominations proposed by that unit or below it."})
    award = fields.String(validate=validate.Length(max=20), metadata={"example": "CSTDCS"})


class NomineeSchema(Schema):
    type = fields.String(required=True, metadata={"enum": list(_NOMINEE_TYPES)})
    code = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "Full name, or the unit's name today."})


class NominationUnitsSchema(Schema):
    proposing = fields.String(required=True, metadata={"description": "Code of the unit that proposes it."})
    deciding = fields.String(required=True, metadata={
        "description": "Code of the unit whose secretariat checks it and whose council votes on it (the "
                       "addressee: shown to the proposer even when it lies above their scope)."})


class NominationSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "A state of the nomination workflow "
                                                                  "(docs/workflows/nomination.md)."})
    version = fields.Integer(required=True, metadata={"description": "Send it back with a transition: a stale "
                                                                     "one answers 409."})
    nominee = fields.Nested(NomineeSchema, required=True)
    award = fields.String(required=True, metadata={"example": "CSTDCS"})
    year = fields.Integer(required=True)
    units = fields.Nested(NominationUnitsSchema, required=True)
    batch_id = fields.Integer(required=True, allow_none=True)
    summary = fields.String(required=True)
    posting_start = fields.Date(required=True, allow_none=True)
    posting_end = fields.Date(required=True, allow_none=True, metadata={
        "description": "Last working day of the posting window; `close_posting` is refused before it ends."})
    referred_from_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The nomination at the level below that this referral came from."})


class NominationPageSchema(PageSchema):
    items = fields.List(fields.Nested(NominationSchema), required=True)


class HistoryEntrySchema(Schema):
    trigger = fields.String(required=True)
    from_ = fields.String(required=True, data_key="from")
    to = fields.String(required=True)
    actor = fields.String(required=True, metadata={"description": "The actor's name at the time, or "
                                                                  "\"Hệ thống\" for the council's outcomes."})
    at = fields.DateTime(required=True)
    comment = fields.String(required=True, allow_none=True)


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(ATTACHMENT_KINDS)})
    filename = fields.String(required=True, attribute="original_name")
    content_type = fields.String(required=True, metadata={"description": "As found from the content."})
    size = fields.Integer(required=True, metadata={"description": "Bytes."})
    sha256 = fields.String(required=True)
    uploaded_at = fields.DateTime(required=True)


class NominationDetailSchema(NominationSchema):
    history = fields.List(fields.Nested(HistoryEntrySchema), required=True, metadata={"description": "Oldest first."})
    available_triggers = fields.List(fields.String(), required=True, metadata={
        "description": "Triggers the caller may fire now (role and state; guards are checked when fired)."})
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    eligibility = fields.Nested(EligibilitySchema, required=True, allow_none=True, metadata={
        "description": "Once submitted, the report frozen at submission (what the council sees); before, the "
                       "live one. null when the award is no longer in the rules."})
    eligibility_frozen = fields.Boolean(required=True, metadata={
        "description": "true: `eligibility` is the snapshot taken at submission."})


class AttachmentFormSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ATTACHMENT_KINDS), error_messages=_REQUIRED,
                         metadata={"enum": list(ATTACHMENT_KINDS)})


class TransitionRequestSchema(Schema):
    trigger = fields.String(required=True, validate=validate.Length(min=1, max=40), error_messages=_REQUIRED,
                            metadata={"example": "start_review"})
    comment = fields.String(allow_none=True, load_default=None, metadata={
        "description": "Required by send_back, reject and revoke (the reason)."})
    data = fields.Dict(keys=fields.String(), load_default=dict, metadata={
        "description": "Trigger data: open_posting `{\"start\": \"yyyy-mm-dd\", \"working_days\": N}`; revoke "
                       "`{\"revoking_decision\": \"…\"}`."})
    version = fields.Integer(allow_none=True, load_default=None, error_messages=_NOT_AN_INTEGER, metadata={
        "description": "The version read; when given and stale, 409 and nothing changes."})


class TransitionResultSchema(Schema):
    state = fields.String(required=True)
    version = fields.Integer(required=True)


class BatchCreateSchema(Schema):
    unit = fields.String(required=True, validate=validate.Length(min=1, max=40), error_messages=_REQUIRED,
                         metadata={"description": "Code of the proposing unit."})
    year = fields.Integer(required=True, validate=_YEAR_RANGE, error_messages={**_NOT_AN_INTEGER, **_REQUIRED})
    title = fields.String(load_default="")


class BatchSchema(Schema):
    id = fields.Integer(required=True)
    unit = fields.String(required=True, attribute="unit.code")
    deciding_unit = fields.String(required=True, attribute="deciding_unit.code")
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    state = fields.String(required=True)
    version = fields.Integer(required=True)
    number = fields.Integer(required=True, allow_none=True, metadata={"description": "Given when signed."})
    issued_on = fields.Date(required=True, allow_none=True)
    nominations = fields.Method("get_nominations", required=True, metadata={
        "type": "array", "items": {"type": "object"},
        "description": "Its nominations: `{id, state, version}` each."})

    def get_nominations(self, batch) -> list[dict]:
        return [{"id": n.id, "state": n.state, "version": n.version} for n in batch.nominations]
