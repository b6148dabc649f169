"""Councils and their sessions: membership, agenda, attendance, rounds, secret ballots, the tally.

Every write goes through ``awards.councils.operations``, which checks the roles (403) and the session's state
(409); this module loads the records, maps codes to rows and shapes the answers. Who sees a council or session is
decided as on the pages (``queries.council_access``): the council roles over its unit and the council's own members
(who vote from their accounts, whatever their roles); others in scope get 403, anyone else the 404 of an unknown id.

Secrecy holds here too: while a round is open the answers say who has voted, never how; an item's result is
shown once no open round includes it.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Response, jsonify, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.local import LocalProxy
from marshmallow import Schema, fields, validate
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from awards.api.auth import ApiBlueprint
from awards.core.errors import NotFound, ValidationFailed
from awards.councils import operations as ops
from awards.councils import queries
from awards.councils.models import (AgendaItem, Choice, Council, CouncilKind, CouncilMember, CouncilSession,
                                    MemberRole, RoundState, VoterMark)
from awards.extensions import db
from awards.org.models import Cluster, Person, Unit
from awards.org.permissions import can_view_person, can_view_unit, require

blp = ApiBlueprint("api_councils", __name__,
                   description="Councils (hội đồng thi đua – khen thưởng, hội đồng sáng kiến) and their sessions: "
                               "agenda, attendance, secret ballots by round, written votes, show of hands, quotas, "
                               "the chair's tie-break and the tally applied at close.")

_NOT_FOUND = "Unknown id, or outside the caller's scope and not a member of the council (the same body for both)."
_NO_COUNCIL_ROLE = ("In scope, but without a council role over its unit (secretariat, approver, council member, HR, "
                    "admin) and not a member of the council.")
_FORBIDDEN = "The caller's role does not allow it (the council's secretariat runs a session; members vote)."
_STALE_OR_STATE = ("`conflict`: `version` is stale or someone else changed the session at the same time; "
                   "`not_allowed`: the session is not in a state that allows it.")
_REFUSED = "Invalid body, or the operation refused it: `errors.reasons` (Vietnamese sentences) or `errors.json`."

_REQUIRED = {"required": [_l("Trường này là bắt buộc.")]}
_NOT_AN_INTEGER = {"invalid": [_l("Phải là một số nguyên.")]}
_YEAR_RANGE = validate.Range(min=1900, max=2999, error=_l("Phải từ {min} đến {max}."))
_ROUND = fields.Integer(required=True, validate=validate.Range(min=1, error=_l("Phải từ {min} trở lên.")),
                        error_messages={**_NOT_AN_INTEGER, **_REQUIRED}, metadata={"example": 1})
_VERSION = fields.Integer(allow_none=True, load_default=None, error_messages=_NOT_AN_INTEGER, metadata={
    "description": "The session's version as read (GET); when given and stale, 409 `conflict` and nothing changes."})
_VOTES = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, metadata={
    "description": "`{\"<nomination or initiative id>\": \"yes\" | \"no\"}`; an item left out is a blank, which "
                   "counts as not yes.", "example": {"12": "yes", "15": "no"}})


# --- request bodies -------------------------------------------------------------------------------------------

class CouncilMemberInSchema(Schema):
    person_code = fields.String(required=True, validate=validate.Length(min=1, max=40), error_messages=_REQUIRED)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in MemberRole]),
                         error_messages=_REQUIRED, metadata={"enum": [r.value for r in MemberRole]})


class CouncilCreateSchema(Schema):
    unit_code = fields.String(required=True, validate=validate.Length(min=1, max=40), error_messages=_REQUIRED,
                              metadata={"description": "The unit whose council it is (its secretariat runs it)."})
    year = fields.Integer(required=True, validate=_YEAR_RANGE, error_messages={**_NOT_AN_INTEGER, **_REQUIRED},
                          metadata={"description": "Emulation year.", "example": 2021})
    members = fields.List(fields.Nested(CouncilMemberInSchema), required=True, error_messages=_REQUIRED,
                          metadata={"description": "In the order of the minutes; exactly one `chair`."})
    kind = fields.String(load_default=CouncilKind.AWARDS.value,
                         validate=validate.OneOf([k.value for k in CouncilKind]),
                         metadata={"enum": [k.value for k in CouncilKind]})
    cluster_code = fields.String(load_default=None, allow_none=True,
                                 metadata={"description": "Required for a `cluster` council (the flag's vote)."})
    name = fields.String(load_default="")


class SessionCreateSchema(Schema):
    date = fields.Date(required=True, error_messages=_REQUIRED, metadata={"description": "The day it meets; the "
                                                                                         "quorum and thresholds "
                                                                                         "in force that day apply."})
    nomination_ids = fields.List(fields.Integer(error_messages=_NOT_AN_INTEGER), load_default=list, metadata={
        "description": "Nominations in `in_council` decided at the council's unit (awards and cluster councils)."})
    initiative_ids = fields.List(fields.Integer(error_messages=_NOT_AN_INTEGER), load_default=list, metadata={
        "description": "Initiatives `under_evaluation` in the unit's subtree (initiative councils)."})
    scopes = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict, metadata={
        "description": "Initiative id → the scope proposed for recognition (`base` by default)."})
    place = fields.String(load_default="")
    number = fields.String(load_default="", validate=validate.Length(max=40),
                           metadata={"description": "Number of the minutes, e.g. `12/BB-HĐTĐKT`."})


class AttendanceSchema(Schema):
    present = fields.List(fields.String(), required=True, error_messages=_REQUIRED, metadata={
        "description": "Codes of the members in the room; every other member is absent (and may vote in writing)."})
    version = _VERSION


class VersionOnlySchema(Schema):
    version = _VERSION


class BallotSchema(Schema):
    round = _ROUND
    votes = _VOTES


class WrittenVoteSchema(BallotSchema):
    person_code = fields.String(required=True, validate=validate.Length(min=1, max=40), error_messages=_REQUIRED,
                                metadata={"description": "The absent member whose paper ballot this is."})


class HandsSchema(Schema):
    round = _ROUND
    nomination_id = fields.Integer(required=True, error_messages={**_NOT_AN_INTEGER, **_REQUIRED},
                                   metadata={"description": "A nomination (or initiative) voted by show of hands."})
    yes = fields.Integer(required=True, validate=validate.Range(min=0, error=_l("Phải từ {min} trở lên.")),
                         error_messages={**_NOT_AN_INTEGER, **_REQUIRED})
    no = fields.Integer(required=True, validate=validate.Range(min=0, error=_l("Phải từ {min} trở lên.")),
                        error_messages={**_NOT_AN_INTEGER, **_REQUIRED})


class QuotaInSchema(Schema):
    award = fields.String(required=True, validate=validate.Length(min=1, max=20), error_messages=_REQUIRED,
                          metadata={"example": "CSTDCS"})
    max_count = fields.Integer(required=True, allow_none=True, error_messages={**_NOT_AN_INTEGER, **_REQUIRED},
                               metadata={"description": "At most this many pass; null removes the quota."})
    note = fields.String(load_default="", metadata={"description": "Its basis, e.g. \"15% số LĐTT\"."})


class SecondRoundSchema(Schema):
    nomination_ids = fields.List(fields.Integer(error_messages=_NOT_AN_INTEGER), required=True,
                                 error_messages=_REQUIRED, metadata={
                                     "description": "Items that failed the round just closed (initiative ids for "
                                                    "an initiative council)."})
    version = _VERSION


class TieBreakSchema(Schema):
    award = fields.String(required=True, validate=validate.Length(min=1, max=20), error_messages=_REQUIRED)
    nomination_ids = fields.List(fields.Integer(error_messages=_NOT_AN_INTEGER), required=True,
                                 error_messages=_REQUIRED, metadata={
                                     "description": "The chair's choice among the items tied at the quota's cut-off."})
    note = fields.String(required=True, error_messages=_REQUIRED,
                         metadata={"description": "The chair's reason, printed in the minutes."})
    version = _VERSION


# --- responses --------------------------------------------------------------------------------------------------

class CreatedSchema(Schema):
    id = fields.Integer(required=True)


class MemberSchema(Schema):
    person_code = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": [r.value for r in MemberRole]})


class SessionLinkSchema(Schema):
    id = fields.Integer(required=True)
    date = fields.Date(required=True)
    state = fields.String(required=True, metadata={"enum": ["planned", "open", "closed"]})


class CouncilSchema(Schema):
    id = fields.Integer(required=True)
    unit_code = fields.String(required=True)
    cluster_code = fields.String(required=True, allow_none=True)
    year = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": [k.value for k in CouncilKind]})
    name = fields.String(required=True)
    version = fields.Integer(required=True)
    members = fields.List(fields.Nested(MemberSchema), required=True)
    sessions = fields.List(fields.Nested(SessionLinkSchema), required=True)


class AttendeeSchema(MemberSchema):
    present = fields.Boolean(required=True, allow_none=True,
                             metadata={"description": "null: attendance not recorded yet."})
    written_scan = fields.Boolean(required=True, metadata={"description": "A written vote's scan is kept."})


class VoterSchema(Schema):
    person_code = fields.String(required=True)
    name = fields.String(required=True)
    written = fields.Boolean(required=True, metadata={"description": "Entered by the secretariat from paper."})


class RoundCountSchema(Schema):
    yes = fields.Integer(required=True)
    no = fields.Integer(required=True)
    passed = fields.Boolean(required=True, metadata={"description": "Reached the threshold (before any quota)."})


class RoundSchema(Schema):
    number = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"enum": [s.value for s in RoundState]})
    subject_ids = fields.List(fields.Integer(), required=True,
                              metadata={"description": "Nomination (or initiative) ids put to this round."})
    ballots_cast = fields.Integer(required=True)
    voters = fields.List(fields.Nested(VoterSchema), required=True,
                         metadata={"description": "Who has voted — never how."})
    counts = fields.Dict(keys=fields.String(), values=fields.Nested(RoundCountSchema), required=True,
                         allow_none=True, metadata={"description": "By subject id, once the round is closed; "
                                                                   "null while it is open."})


class ItemResultSchema(Schema):
    yes = fields.Integer(required=True)
    no = fields.Integer(required=True)
    members = fields.Integer(required=True, metadata={"description": "The whole membership, present or not."})
    share = fields.String(required=True, metadata={"example": "88,89%"})
    threshold = fields.String(required=True, metadata={"description": "The rule in words (Vietnamese)."})
    required = fields.Integer(required=True, metadata={"description": "Fewest yes votes that pass."})
    round = fields.Integer(required=True)
    reached_threshold = fields.Boolean(required=True)
    passed = fields.Boolean(required=True, allow_none=True, metadata={
        "description": "After quota ranking and the chair's tie-break; null until the session closes."})
    note = fields.String(required=True)


class ItemSchema(Schema):
    nomination_id = fields.Integer(required=True, allow_none=True)
    initiative_id = fields.Integer(required=True, allow_none=True)
    award = fields.String(required=True, allow_none=True, metadata={"description": "null for an initiative."})
    nominee = fields.String(required=True, metadata={"description": "Name, unit name, or initiative title."})
    secret = fields.Boolean(required=True, metadata={"description": "false: a show of hands."})
    result = fields.Nested(ItemResultSchema, required=True, allow_none=True, metadata={
        "description": "null while the item has not been counted or is in an open round."})


class QuotaOutSchema(Schema):
    award = fields.String(required=True)
    max_count = fields.Integer(required=True)
    note = fields.String(required=True)


class DocumentLinkSchema(Schema):
    url = fields.String(required=True)
    sha256 = fields.String(required=True)


class DocumentsSchema(Schema):
    minutes = fields.Nested(DocumentLinkSchema, required=True, allow_none=True)
    tally = fields.Nested(DocumentLinkSchema, required=True, allow_none=True)


class CallerSchema(Schema):
    member = fields.Boolean(required=True)
    role = fields.String(required=True, allow_none=True)
    present = fields.Boolean(required=True, allow_none=True)
    voted_rounds = fields.List(fields.Integer(), required=True)
    secretariat = fields.Boolean(required=True, metadata={"description": "May run the session."})


class SessionSchema(Schema):
    id = fields.Integer(required=True)
    council_id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"enum": ["planned", "open", "closed"]})
    version = fields.Integer(required=True)
    date = fields.Date(required=True)
    place = fields.String(required=True)
    number = fields.String(required=True)
    members = fields.Integer(required=True, metadata={"description": "Membership count (frozen when it opened)."})
    present = fields.Integer(required=True, metadata={"description": "Members in the room."})
    attendance = fields.List(fields.Nested(AttendeeSchema), required=True)
    rounds = fields.List(fields.Nested(RoundSchema), required=True)
    items = fields.List(fields.Nested(ItemSchema), required=True, metadata={"description": "In voting order, "
                                                                                           "lowest title first."})
    quotas = fields.List(fields.Nested(QuotaOutSchema), required=True)
    documents = fields.Nested(DocumentsSchema, required=True)
    you = fields.Nested(CallerSchema, required=True)
    opened_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)


class BallotReceiptSchema(Schema):
    round = fields.Integer(required=True)
    recorded = fields.Boolean(required=True)


_TALLY_ENTRY = {
    "type": "object",
    "required": ["yes", "no", "members", "share", "threshold", "required", "round", "secret", "passed",
                 "reached_threshold", "note"],
    "properties": {
        "yes": {"type": "integer"}, "no": {"type": "integer"},
        "members": {"type": "integer", "description": "The whole membership, present or not."},
        "share": {"type": "string", "description": "yes ÷ members, for people: \"88,89%\"."},
        "threshold": {"type": "string", "description": "The rule in words (Vietnamese)."},
        "required": {"type": "integer", "description": "Fewest yes votes that pass."},
        "round": {"type": "integer", "description": "The round the result comes from."},
        "secret": {"type": "boolean"},
        "passed": {"type": "boolean", "description": "Passed the council (threshold, then quota ranking)."},
        "reached_threshold": {"type": "boolean"},
        "note": {"type": "string", "description": "The chair's tie-break, or why a quota excluded it."},
    },
}
TALLY_SCHEMA = {"type": "object", "additionalProperties": _TALLY_ENTRY,
                "description": "By nomination (or initiative) id: the outcome the session applied."}


# --- loading and shaping ----------------------------------------------------------------------------------------

@contextmanager
def _reasons() -> Iterator[None]:
    """The error body's ``errors`` is an object: an operation's list of reasons goes under ``reasons``."""
    try:
        yield
    except ValidationFailed as refused:
        if isinstance(refused.details, list):
            raise ValidationFailed(refused.message, details={"reasons": [str(r) for r in refused.details]}) from None
        raise


def _me():
    """The signed-in user itself: the operations compare it with every member, and each read through the
    ``current_user`` proxy costs a context lookup (a 100-member council made that a tenth of a ballot's time)."""
    return current_user._get_current_object() if isinstance(current_user, LocalProxy) else current_user


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={"json": {field: [message]}})


def _visible(council: Council) -> None:
    """As on the pages (``queries.council_access``): 404 out of scope, 403 in scope without a council role or seat."""
    access = queries.council_access(_me(), council)
    if access is None:
        raise NotFound()
    require(access == "view")


def _council(council_id: int) -> Council:
    council = db.session.scalar(select(Council).where(Council.id == council_id).options(
        selectinload(Council.members).selectinload(CouncilMember.person)))
    if council is None:
        raise NotFound()
    _visible(council)
    return council


def _session(session_id: int) -> CouncilSession:
    session = db.session.get(CouncilSession, session_id, options=[joinedload(CouncilSession.council)])
    if session is None:
        raise NotFound()
    _visible(session.council)
    return session


@functools.cache
def _session_with_seat():
    """Built once: a ballot runs it on every call, and building an ORM statement costs more than running it."""
    return (select(CouncilSession, CouncilMember).where(CouncilSession.id == bindparam("session_id"))
            .outerjoin(CouncilMember, ops.seat_for(bindparam("person_id"), CouncilSession.council_id))
            .options(joinedload(CouncilSession.council)))


def _session_for_ballot(session_id: int) -> CouncilSession:
    """``_session`` with the caller's seat on its council in the same query (a ballot needs both)."""
    me = _me()
    row = db.session.execute(_session_with_seat(), {"session_id": session_id, "person_id": me.person_id}).first()
    if row is None:
        raise NotFound()
    session, seat = row
    ops.remember_seat(me, session.council, seat)
    _visible(session.council)
    return session


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands a stored UTC value back without its zone, which is not an RFC 3339 date-time.
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _member(member: CouncilMember) -> dict:
    return {"person_code": member.person.code, "name": member.person.full_name, "role": str(member.role)}


def _council_body(council: Council) -> dict:
    return {"id": council.id, "unit_code": council.unit.code,
            "cluster_code": council.cluster.code if council.cluster is not None else None,
            "year": council.year, "kind": str(council.kind), "name": council.name, "version": council.version,
            "members": [_member(m) for m in council.members],
            "sessions": [{"id": s.id, "date": s.held_on, "state": str(s.state)} for s in council.sessions]}


def _nominee(item: AgendaItem) -> str:
    if item.nomination is not None:
        n = item.nomination
        return n.person.full_name if n.person is not None else n.unit.name_on(item.session.held_on)
    return item.initiative.title


def _item_result(item: AgendaItem, session: CouncilSession, in_open_round: bool, tally: dict) -> dict | None:
    if item.yes is None or in_open_round:
        return None
    entry = tally[str(item.subject_id)]
    closed = session.result is not None
    return {**{key: entry[key] for key in ("yes", "no", "members", "share", "threshold", "required", "round",
                                           "reached_threshold", "note")},
            "passed": entry["passed"] if closed else None}


def _document(session: CouncilSession, kind: str) -> dict | None:
    stored = session.minutes if kind == "minutes" else session.tally
    if stored is None:
        return None
    return {"url": url_for("api_councils.session_document", session_id=session.id, kind=kind),
            "sha256": stored.sha256}


def _session_body(session: CouncilSession) -> dict:
    council = session.council
    members = {m.id: m for m in council.members}
    attendance = {a.member_id: a for a in session.attendance}
    marks: dict[int, list[VoterMark]] = {}
    for mark in db.session.scalars(select(VoterMark).where(VoterMark.session_id == session.id)):
        marks.setdefault(mark.round_number, []).append(mark)
    subject = {i.id: i.subject_id for i in session.items}
    open_items = {item_id for r in session.rounds if r.state == RoundState.OPEN for item_id in r.item_ids}
    rounds = []
    for voting_round in session.rounds:
        closed = voting_round.state == RoundState.CLOSED
        voters = sorted(marks.get(voting_round.number, []), key=lambda m: members[m.member_id].position)
        rounds.append({
            "number": voting_round.number, "state": str(voting_round.state),
            "subject_ids": [subject[i] for i in voting_round.item_ids],
            "ballots_cast": len(voters),
            "voters": [{"person_code": members[m.member_id].person.code,
                        "name": members[m.member_id].person.full_name, "written": m.written} for m in voters],
            "counts": {str(subject[int(k)]): v for k, v in voting_round.counts.items()} if closed else None})
    tally = session.result if session.result is not None else ops.tally(session)
    me = ops.member_of(_me(), council)
    mine = attendance.get(me.id) if me is not None else None
    return {
        "id": session.id, "council_id": council.id, "state": str(session.state), "version": session.version,
        "date": session.held_on, "place": session.place, "number": session.number,
        "members": session.member_count if session.member_count is not None else len(council.members),
        "present": sum(1 for a in session.attendance if a.present),
        "attendance": [{**_member(m), "present": attendance[m.id].present if m.id in attendance else None,
                        "written_scan": bool(m.id in attendance and attendance[m.id].scan_stored)}
                       for m in council.members],
        "rounds": rounds,
        "items": [{"nomination_id": i.nomination_id, "initiative_id": i.initiative_id,
                   "award": i.nomination.award.code if i.nomination is not None else None,
                   "nominee": _nominee(i), "secret": i.secret,
                   "result": _item_result(i, session, i.id in open_items, tally)} for i in session.items],
        "quotas": [{"award": q.award.code, "max_count": q.max_count, "note": q.note} for q in session.quotas],
        "documents": {"minutes": _document(session, "minutes"), "tally": _document(session, "tally")},
        "you": {"member": me is not None, "role": str(me.role) if me is not None else None,
                "present": mine.present if mine is not None else None,
                "voted_rounds": sorted(n for n, ms in marks.items() if me is not None
                                       and any(m.member_id == me.id for m in ms)),
                "secretariat": ops.is_secretary(_me(), council)},
        "opened_at": _aware(session.opened_at), "closed_at": _aware(session.closed_at),
    }


def _people(codes: list[str], field: str) -> dict[str, Person]:
    """Codes → people the caller may see; unknown and out of scope read the same (existence does not leak)."""
    found = {p.code: p for p in db.session.scalars(select(Person).where(Person.code.in_(set(codes))))}
    missing = sorted({c for c in codes if c not in found or not can_view_person(_me(), found[c])})
    if missing:
        raise _field_error(field, _("Không tìm thấy người có mã %(codes)s trong phạm vi của bạn.",
                                    codes=", ".join(missing)))
    return found


# --- councils ---------------------------------------------------------------------------------------------------

@blp.route("/councils", methods=["POST"])
@blp.arguments(CouncilCreateSchema)
@blp.response(201, CreatedSchema)
@blp.errors(
    forbidden="Only the unit's secretariat creates its council.",
    invalid="Invalid body, a unit or person not in scope, no chair or two, a member twice, or a council "
            "already there.")
def create_council(body: dict):
    """Create a council of a unit for a year, with its members"""
    unit = db.session.scalar(select(Unit).where(Unit.code == body["unit_code"]))
    if unit is None or not can_view_unit(_me(), unit):
        raise _field_error("unit_code", _("Không tìm thấy đơn vị trong phạm vi của bạn."))
    cluster = None
    if body["kind"] == CouncilKind.CLUSTER.value:
        cluster = db.session.scalar(select(Cluster).where(Cluster.code == (body["cluster_code"] or "")))
        if cluster is None:
            raise _field_error("cluster_code", _("Hội đồng của cụm thi đua cần mã cụm thi đua."))
    people = _people([m["person_code"] for m in body["members"]], "members")
    with _reasons():
        council = ops.create_council(actor=_me(), unit=unit, year=body["year"], kind=body["kind"],
                                     name=body["name"], cluster=cluster,
                                     members=[(people[m["person_code"]], m["role"]) for m in body["members"]])
    return {"id": council.id}


@blp.route("/councils/<int:council_id>")
@blp.response(200, CouncilSchema)
@blp.errors(forbidden=_NO_COUNCIL_ROLE, not_found=_NOT_FOUND)
def get_council(council_id: int):
    """One council: its members and sessions"""
    return _council_body(_council(council_id))


@blp.route("/councils/<int:council_id>/sessions", methods=["POST"])
@blp.arguments(SessionCreateSchema)
@blp.response(201, CreatedSchema)
@blp.errors(
    forbidden=_FORBIDDEN,
    not_found=_NOT_FOUND,
    invalid="Invalid body, an empty agenda, or a nomination not waiting for this council (`errors.reasons` "
            "names it).")
def create_session(body: dict, council_id: int):
    """Plan a session with its agenda

    The agenda is ordered from the lowest title upward, the order the council votes in. Secret ballot or show of
    hands per award, as the catalogue says.
    """
    council = _council(council_id)
    scopes = {}
    for key, scope in body["scopes"].items():
        if not key.isdigit():
            raise _field_error("scopes", _("Khóa của phạm vi phải là mã số sáng kiến."))
        scopes[int(key)] = scope
    with _reasons():
        session = ops.create_session(actor=_me(), council=council, held_on=body["date"], place=body["place"],
                                     number=body["number"], nomination_ids=body["nomination_ids"],
                                     initiative_ids=body["initiative_ids"], scopes=scopes)
    return {"id": session.id}


# --- sessions ---------------------------------------------------------------------------------------------------

@blp.route("/sessions/<int:session_id>")
@blp.response(200, SessionSchema)
@blp.errors(forbidden=_NO_COUNCIL_ROLE, not_found=_NOT_FOUND)
def get_session(session_id: int):
    """One session: state, attendance, rounds and who has voted, results of counted items, documents

    While a round is open its `voters` say who has voted and `counts` is null: nobody sees how anyone voted,
    and an item's `result` appears only once no open round includes it.
    """
    return _session_body(_session(session_id))


@blp.route("/sessions/<int:session_id>/quotas", methods=["POST"])
@blp.arguments(QuotaInSchema)
@blp.response(200, SessionSchema)
@blp.errors(forbidden=_FORBIDDEN, not_found=_NOT_FOUND, conflict=_STALE_OR_STATE, invalid=_REFUSED)
def set_quota(body: dict, session_id: int):
    """Set (or, with `max_count` null, remove) a quota of an award for this session"""
    session = _session(session_id)
    with _reasons():
        ops.set_quota(actor=_me(), session=session, award_code=body["award"], max_count=body["max_count"],
                      note=body["note"])
    return _session_body(session)


@blp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@blp.arguments(AttendanceSchema)
@blp.response(200, SessionSchema)
@blp.errors(forbidden=_FORBIDDEN, not_found=_NOT_FOUND, conflict=_STALE_OR_STATE, invalid=_REFUSED)
def record_attendance(body: dict, session_id: int):
    """Record who is in the room (before the session opens)"""
    session = _session(session_id)
    people = _people(body["present"], "present")
    with _reasons():
        ops.record_attendance(actor=_me(), session=session,
                              present_person_ids=[p.id for p in people.values()], version=body["version"])
    db.session.flush()
    return _session_body(session)


@blp.route("/sessions/<int:session_id>/open", methods=["POST"])
@blp.arguments(VersionOnlySchema)
@blp.response(200, SessionSchema)
@blp.errors(
    forbidden=_FORBIDDEN,
    not_found=_NOT_FOUND,
    conflict=_STALE_OR_STATE,
    invalid="No quorum: `errors.reasons` gives present / members and how many are needed.")
def open_session(body: dict, session_id: int):
    """Open the session: checks the quorum, freezes the membership count and opens round 1 on the whole agenda"""
    session = _session(session_id)
    with _reasons():
        ops.open_session(actor=_me(), session=session, version=body["version"])
    db.session.flush()
    return _session_body(session)


@blp.route("/sessions/<int:session_id>/ballots", methods=["POST"])
@blp.arguments(BallotSchema)
@blp.response(201, BallotReceiptSchema)
@blp.errors(
    forbidden="The caller is not a member of the council.",
    not_found=_NOT_FOUND,
    conflict="`already_voted`: the caller's ballot for this round is in; `round_closed`: the round is closed "
             "or not open.",
    invalid="A vote for an item not in this round's ballot, a choice other than yes/no, or the caller is "
            "absent (absent members vote in writing through the secretariat).")
def cast_ballot(body: dict, session_id: int):
    """Cast the caller's own secret ballot for a round

    One per member and round. The ballot is stored apart from the record that the member voted, with nothing
    that links the two (docs/councils.md).
    """
    session = _session_for_ballot(session_id)
    _check_choices(body["votes"])
    with _reasons():
        ops.cast_ballot(actor=_me(), session=session, round_number=body["round"], votes=body["votes"])
    return {"round": body["round"], "recorded": True}


def _check_choices(votes: dict) -> None:
    wrong = sorted(k for k, v in votes.items() if v not in (Choice.YES.value, Choice.NO.value))
    if wrong:
        raise _field_error("votes", _("Phiếu cho hồ sơ %(ids)s phải là yes hoặc no.", ids=", ".join(wrong)))


@blp.route("/sessions/<int:session_id>/written-votes", methods=["POST"])
@blp.arguments(WrittenVoteSchema)
@blp.response(201, BallotReceiptSchema)
@blp.errors(
    forbidden=_FORBIDDEN,
    not_found=_NOT_FOUND,
    conflict="`already_voted` or `round_closed`, as for ballots.",
    invalid="Not a member, a member who is present, or invalid votes.")
def record_written_vote(body: dict, session_id: int):
    """Enter an absent member's written vote (the secretariat, from the signed paper)"""
    session = _session(session_id)
    _check_choices(body["votes"])
    member = next((m for m in session.council.members if m.person.code == body["person_code"]), None)
    if member is None:
        raise _field_error("person_code", _("Người này không phải thành viên Hội đồng."))
    with _reasons():
        ops.record_written_vote(actor=_me(), session=session, person_id=member.person_id,
                                round_number=body["round"], votes=body["votes"])
    return {"round": body["round"], "recorded": True}


@blp.route("/sessions/<int:session_id>/hands", methods=["POST"])
@blp.arguments(HandsSchema)
@blp.response(200, SessionSchema)
@blp.errors(
    forbidden=_FORBIDDEN,
    not_found=_NOT_FOUND,
    conflict="`round_closed`: the round is closed or not open.",
    invalid="Not a show-of-hands item of this round, or counts above the membership.")
def record_hands(body: dict, session_id: int):
    """Record a show-of-hands count for an item not voted by secret ballot"""
    session = _session(session_id)
    with _reasons():
        ops.record_hands(actor=_me(), session=session, round_number=body["round"],
                         subject_id=body["nomination_id"], yes=body["yes"], no=body["no"])
    return _session_body(session)


@blp.route("/sessions/<int:session_id>/close-round", methods=["POST"])
@blp.arguments(VersionOnlySchema)
@blp.response(200, SessionSchema)
@blp.errors(
    forbidden=_FORBIDDEN,
    not_found=_NOT_FOUND,
    conflict=_STALE_OR_STATE + " `round_closed`: no round is open.",
    invalid="A show-of-hands count is missing.")
def close_round(body: dict, session_id: int):
    """Close the open round and count it against the whole membership"""
    session = _session(session_id)
    with _reasons():
        ops.close_round(actor=_me(), session=session, version=body["version"])
    return _session_body(session)


@blp.route("/sessions/<int:session_id>/second-round", methods=["POST"])
@blp.arguments(SecondRoundSchema)
@blp.response(200, SessionSchema)
@blp.errors(
    forbidden="Only the chair (or the secretariat on the chair's word).",
    not_found=_NOT_FOUND,
    conflict=_STALE_OR_STATE,
    invalid="An item that did not fail the last round, or the last round allowed has been held.")
def open_second_round(body: dict, session_id: int):
    """Put items that failed the last round to another round"""
    session = _session(session_id)
    with _reasons():
        ops.open_second_round(actor=_me(), session=session, subject_ids=body["nomination_ids"],
                              version=body["version"])
    return _session_body(session)


@blp.route("/sessions/<int:session_id>/tie-break", methods=["POST"])
@blp.arguments(TieBreakSchema)
@blp.response(200, SessionSchema)
@blp.errors(
    forbidden="Only the chair (or the secretariat on the chair's word).",
    not_found=_NOT_FOUND,
    conflict=_STALE_OR_STATE,
    invalid="No tie at the cut-off, the wrong number chosen, or no note.")
def break_tie(body: dict, session_id: int):
    """Record the chair's choice among items tied at a quota's cut-off"""
    session = _session(session_id)
    with _reasons():
        ops.break_tie(actor=_me(), session=session, award_code=body["award"],
                      subject_ids=body["nomination_ids"], note=body["note"], version=body["version"])
    return _session_body(session)


@blp.route("/sessions/<int:session_id>/close", methods=["POST"])
@blp.arguments(VersionOnlySchema)
@blp.response(200, TALLY_SCHEMA)
@blp.errors(
    forbidden=_FORBIDDEN,
    not_found=_NOT_FOUND,
    conflict=_STALE_OR_STATE,
    invalid="A round is still open, or a tie at a quota's cut-off waits for the chair.")
def close_session(body: dict, session_id: int):
    """Close the session and apply every outcome

    Each nomination moves to `council_passed` or `council_failed` through the workflow engine (as the system,
    with its tally line as evidence); the minutes and the tally record are stored as PDFs. The answer is the
    tally: `{"<nomination id>": {yes, no, members, share, threshold, passed, …}}`.
    """
    session = _session(session_id)
    with _reasons():
        result = ops.close_session(actor=_me(), session=session, version=body["version"])
    return jsonify(result)


@blp.route("/sessions/<int:session_id>/documents/<any(minutes, tally):kind>")
@blp.response(200, content_type="application/pdf", description="The stored PDF; its SHA-256 is in the session.")
@blp.errors(forbidden=_NO_COUNCIL_ROLE, not_found=_NOT_FOUND + " Also before the session closes.")
def session_document(session_id: int, kind: str):
    """The minutes (biên bản họp) or the tally record (biên bản kiểm phiếu) of a closed session"""
    session = _session(session_id)
    stored = session.minutes if kind == "minutes" else session.tally
    if stored is None:
        raise NotFound()
    return Response(stored.content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{stored.filename}"', "X-Content-SHA256": stored.sha256})

