"""Council operations: the one door pages and the API use. They flush, never commit.

A session goes planned → open → closed. Opening checks the quorum (``council.quorum`` in force on the
session's date), freezes the membership count and opens round 1 on the whole agenda. Members cast one
ballot per round from their own account (absent members in writing, through the secretary); show-of-hands
items get counts from the secretary. Closing a round counts it; the chair may put failed items to a second
round (``council.max_rounds``). Closing the session ranks passed items over the session's quotas (ties at
the cut-off need the chair's choice), applies every outcome through the workflow engine as the system
actor, and stores the minutes and the tally as PDFs with their SHA-256 — all in the caller's transaction.
"""
from __future__ import annotations

import functools
import random
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import JSON, bindparam, delete, func, insert, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from awards.catalogue.models import Award
from awards.core.errors import AwardsError, PermissionDenied, StaleRecord, ValidationFailed
from awards.councils.models import (AgendaItem, Attendance, Ballot, Choice, Council, CouncilKind, CouncilMember,
                                    CouncilSession, MemberRole, RoundState, SessionQuota, SessionState, VoterMark,
                                    VotingRound)
from awards.councils.voting import MAJORITY, Threshold, quorum_met, rank_over_quota, share_text
from awards.eligibility.loader import load_parameters
from awards.extensions import db
from awards.initiatives.models import Initiative, InitiativeScope
from awards.nominations.actors import actor_for
from awards.nominations.models import Nomination
from awards.org.models import Person, Role, Unit, User
from workflows import engine
from workflows.engine import Refused

DEFAULT_QUORUM = "2/3"
DEFAULT_MAX_ROUNDS = 2


class AlreadyVoted(AwardsError):
    status = 409
    code = "already_voted"

    def default_message(self) -> str:
        return _("Thành viên này đã bỏ phiếu ở vòng này.")


class RoundClosed(AwardsError):
    status = 409
    code = "round_closed"

    def default_message(self) -> str:
        return _("Vòng bỏ phiếu đã kết thúc hoặc chưa mở; không nhận thêm phiếu.")


class WrongSessionState(AwardsError):
    status = 409
    code = "not_allowed"

    def default_message(self) -> str:
        return _("Không thể thực hiện thao tác này ở trạng thái hiện tại của phiên họp.")


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[message])


def _check_version(record, version: int | None) -> None:
    if version is not None and int(version) != record.version:
        raise StaleRecord()


# --- who may do what --------------------------------------------------------------------------------------------

def is_secretary(user: User, council: Council) -> bool:
    """The secretariat (thường trực) of the council's unit, or an admin over it."""
    return bool(actor_for(user).roles_for(council) & {Role.SECRETARY.value, Role.ADMIN.value})


def member_of(user: User, council: Council) -> CouncilMember | None:
    if user.person_id is None:
        return None
    if "members" in council.__dict__ or council.id is None:
        return next((m for m in council.members if m.person_id == user.person_id), None)
    # One row, not the whole membership (a ballot of a 100-member council would load 100 members), and once
    # per request: the access check and the operation both ask.
    seats = g.setdefault("council_seats", {}) if has_request_context() else {}
    key = (council.id, user.person_id)
    if key not in seats:
        seats[key] = db.session.scalar(select(CouncilMember).where(CouncilMember.council_id == council.id,
                                                                   CouncilMember.person_id == user.person_id))
    return seats[key]


def seat_for(person_id: int | None, council_id: int):
    """The join condition of a person's seat on a council, for a caller that loads it with something else (the
    ballot's session) and hands it to ``remember_seat``."""
    return (CouncilMember.council_id == council_id) & (CouncilMember.person_id == person_id)


def remember_seat(user: User, council: Council, member: CouncilMember | None) -> None:
    """What ``member_of`` answers for this user and council during the request, already loaded by the caller."""
    if has_request_context() and user.person_id is not None:
        g.setdefault("council_seats", {})[(council.id, user.person_id)] = member


def is_chair(user: User, council: Council) -> bool:
    member = member_of(user, council)
    return member is not None and member.role == MemberRole.CHAIR


def _require_secretary(user: User, council: Council) -> None:
    if not is_secretary(user, council):
        raise PermissionDenied(_("Chỉ thường trực Hội đồng được thực hiện thao tác này."))


def _require_chair_or_secretary(user: User, council: Council) -> None:
    # The chair decides in the room; the secretariat may record the chair's decision on the chair's behalf.
    if not (is_chair(user, council) or is_secretary(user, council)):
        raise PermissionDenied(_("Chỉ Chủ tịch Hội đồng (hoặc thường trực ghi theo ý kiến Chủ tịch) được quyết định."))


def _require_state(session: CouncilSession, *states: SessionState) -> None:
    if session.state not in states:
        raise WrongSessionState()


# --- councils ---------------------------------------------------------------------------------------------------

def create_council(*, actor: User, unit: Unit, year: int, members: Iterable[tuple[Person, str]],
                   kind: CouncilKind | str = CouncilKind.AWARDS, name: str = "", cluster=None) -> Council:
    kind = CouncilKind(kind)
    council = Council(unit=unit, unit_id=unit.id, year=year, kind=kind, name=name or "", cluster=cluster)
    _require_secretary(actor, council)
    members = list(members)
    errors = []
    if not members:
        errors.append(_("Hội đồng phải có ít nhất một thành viên."))
    seen: set[int] = set()
    for person, _role in members:
        if person.id in seen:
            errors.append(_("%(name)s có tên hai lần trong Hội đồng.", name=person.full_name))
        seen.add(person.id)
    try:
        roles = [MemberRole(role) for _person, role in members]
    except ValueError:
        roles = []
        errors.append(_("Vai trò thành viên phải là chair, vice_chair, secretary hoặc member."))
    if roles and roles.count(MemberRole.CHAIR) != 1:
        errors.append(_("Hội đồng phải có đúng một Chủ tịch."))
    duplicate = db.session.scalar(select(Council.id).where(
        Council.unit_id == unit.id, Council.year == year, Council.kind == kind,
        Council.cluster_id.is_(None) if cluster is None else Council.cluster_id == cluster.id))
    if duplicate is not None:
        errors.append(_("Đơn vị đã có Hội đồng loại này cho năm %(year)s.", year=year))
    if errors:
        raise ValidationFailed(" ".join(errors), details=errors)
    for position, ((person, _role), role) in enumerate(zip(members, roles, strict=True)):
        council.members.append(CouncilMember(person=person, person_id=person.id, role=role, position=position))
    db.session.add(council)
    db.session.flush()
    return council


# --- sessions ---------------------------------------------------------------------------------------------------

def _agenda_order(item: AgendaItem) -> tuple:
    if item.nomination is not None:
        return (item.nomination.award.rank, item.nomination.award.code, item.nomination.id)
    return (0, "", item.initiative.id)


def create_session(*, actor: User, council: Council, held_on: date, place: str = "", number: str = "",
                   nomination_ids: Iterable[int] = (), initiative_ids: Iterable[int] = (),
                   scopes: Mapping[int, str] | None = None) -> CouncilSession:
    """A planned session with its agenda, ordered from the lowest title upward (the order the council votes in)."""
    _require_secretary(actor, council)
    nomination_ids, initiative_ids = list(dict.fromkeys(nomination_ids)), list(dict.fromkeys(initiative_ids))
    if council.kind == CouncilKind.INITIATIVES and nomination_ids:
        raise _refuse(_("Hội đồng sáng kiến chỉ xét sáng kiến."))
    if council.kind != CouncilKind.INITIATIVES and initiative_ids:
        raise _refuse(_("Chỉ Hội đồng sáng kiến xét sáng kiến."))
    if not nomination_ids and not initiative_ids:
        raise _refuse(_("Chương trình phiên họp phải có ít nhất một hồ sơ."))
    items: list[AgendaItem] = []
    errors: list[str] = []
    nominations = {n.id: n for n in db.session.scalars(select(Nomination).where(Nomination.id.in_(nomination_ids)))}
    # A dossier is on one agenda at a time: a second session could otherwise vote on it twice.
    busy = set(db.session.scalars(select(AgendaItem.nomination_id).join(CouncilSession).where(
        AgendaItem.nomination_id.in_(nomination_ids), CouncilSession.state != SessionState.CLOSED)))
    for nid in nomination_ids:
        n = nominations.get(nid)
        # A cluster council votes before the deciding council (DOMAIN.md §7): see _on_cluster_ballot.
        cluster_ballot = council.kind == CouncilKind.CLUSTER and n is not None and _on_cluster_ballot(council, n)
        waiting_here = n is not None and n.state == "in_council" and n.deciding_unit_id == council.unit_id
        if not (cluster_ballot or waiting_here):
            errors.append(_("Hồ sơ %(id)s không ở trạng thái chờ Hội đồng của đơn vị này.", id=nid))
        elif nid in busy:
            errors.append(_("Hồ sơ %(id)s đã có trong chương trình một phiên họp khác chưa bế mạc.", id=nid))
        elif council.kind == CouncilKind.CLUSTER and n.award.code != "CO_BO":
            errors.append(_("Cụm thi đua chỉ bỏ phiếu suy tôn Cờ thi đua (hồ sơ %(id)s).", id=nid))
        else:
            items.append(AgendaItem(nomination=n, nomination_id=n.id, secret=n.award.secret_ballot
                                    or council.kind == CouncilKind.CLUSTER))
    initiatives = {i.id: i for i in db.session.scalars(select(Initiative).where(Initiative.id.in_(initiative_ids)))}
    busy_initiatives = set(db.session.scalars(select(AgendaItem.initiative_id).join(CouncilSession).where(
        AgendaItem.initiative_id.in_(initiative_ids), CouncilSession.state != SessionState.CLOSED)))
    for iid in initiative_ids:
        i = initiatives.get(iid)
        scope = (scopes or {}).get(iid) or InitiativeScope.BASE.value
        if i is None or i.state != "under_evaluation" or i.unit_id not in _subtree(council.unit_id):
            errors.append(_("Sáng kiến %(id)s không ở trạng thái chờ đánh giá tại đơn vị này.", id=iid))
        elif iid in busy_initiatives:
            errors.append(_("Sáng kiến %(id)s đã có trong chương trình một phiên họp khác chưa bế mạc.", id=iid))
        elif scope not in {s.value for s in InitiativeScope}:
            errors.append(_("Phạm vi công nhận sáng kiến %(id)s không hợp lệ.", id=iid))
        else:
            # Initiative councils vote openly by majority unless the unit decides otherwise [practice].
            items.append(AgendaItem(initiative=i, initiative_id=i.id, scope=InitiativeScope(scope), secret=True))
    if errors:
        raise ValidationFailed(" ".join(errors), details=errors)
    session = CouncilSession(council=council, held_on=held_on, place=place or "", number=number or "",
                             state=SessionState.PLANNED)
    for position, item in enumerate(sorted(items, key=_agenda_order)):
        item.position = position
        session.items.append(item)
    db.session.add(session)
    db.session.flush()
    return session


# Cluster ballot (DOMAIN.md §7): a cluster council votes (≥ 80 %, the CO_BO threshold) on the CO_BO nomination of
# one of that year's member units while it is still on its way to the deciding council; the close records the
# tally and fires nothing (_apply_outcome), and awards.clusters.queries.cluster_vote shows it on the nomination.
CLUSTER_BALLOT_STATES = ("submitted", "in_review", "posted", "in_council")


def _on_cluster_ballot(council: Council, nomination: Nomination) -> bool:
    from awards.org.models import ClusterMember

    return (nomination.award.code == "CO_BO" and nomination.state in CLUSTER_BALLOT_STATES
            and nomination.unit_id is not None and council.cluster_id is not None
            and db.session.scalar(select(ClusterMember.id).where(
                ClusterMember.cluster_id == council.cluster_id, ClusterMember.year == council.year,
                ClusterMember.unit_id == nomination.unit_id)) is not None)


def _subtree(unit_id: int) -> set[int]:
    from awards.org.permissions import subtree_ids

    return set(db.session.scalars(subtree_ids([unit_id])))


def set_quota(*, actor: User, session: CouncilSession, award_code: str, max_count: int | None,
              note: str = "") -> None:
    """At most ``max_count`` of the award may pass in this session; ``None`` removes the quota."""
    _require_secretary(actor, session.council)
    _require_state(session, SessionState.PLANNED, SessionState.OPEN)
    award = db.session.scalar(select(Award).where(Award.code == award_code))
    if award is None:
        raise _refuse(_("Không có danh hiệu, hình thức khen thưởng mã %(code)s.", code=award_code))
    existing = next((q for q in session.quotas if q.award_id == award.id), None)
    if max_count is None:
        if existing is not None:
            session.quotas.remove(existing)
    else:
        if int(max_count) < 0:
            raise _refuse(_("Chỉ tiêu phải là số không âm."))
        if existing is None:
            session.quotas.append(SessionQuota(award=award, award_id=award.id, max_count=int(max_count), note=note))
        else:
            existing.max_count, existing.note = int(max_count), note
    db.session.flush()


def record_attendance(*, actor: User, session: CouncilSession, present_person_ids: Iterable[int],
                      version: int | None = None) -> None:
    """Who is in the room; everyone else is absent (and may vote in writing). Only before the session opens."""
    _check_version(session, version)
    _require_secretary(actor, session.council)
    _require_state(session, SessionState.PLANNED)
    present = set(present_person_ids)
    members = {m.person_id: m for m in session.council.members}
    unknown = present - members.keys()
    if unknown:
        raise _refuse(_("Có người không phải thành viên Hội đồng trong danh sách có mặt."))
    rows = {a.member_id: a for a in session.attendance}
    for person_id, member in members.items():
        row = rows.get(member.id)
        if row is None:
            row = Attendance(member=member, member_id=member.id)
            session.attendance.append(row)
        row.present = person_id in present
    session.updated_at = datetime.now(UTC)  # a version step: two secretaries editing attendance, one wins
    db.session.flush()


# The voting rules in force on the session's date (dated parameters, docs/councils.md).

def quorum_rule(session: CouncilSession) -> str:
    return str(load_parameters().get("council.quorum", session.held_on, DEFAULT_QUORUM))


def max_rounds(session: CouncilSession) -> int:
    return int(load_parameters().get("council.max_rounds", session.held_on, DEFAULT_MAX_ROUNDS))


def thresholds(session: CouncilSession) -> dict[int, Threshold]:
    """Each agenda item's threshold, by item id (the parameters are read once, not once per item)."""
    params = load_parameters()
    return {item.id: Threshold.parse(MAJORITY if item.initiative_id is not None else params.get(
                f"vote_threshold.{item.nomination.award.code}", session.held_on, MAJORITY))
            for item in session.items}


def open_session(*, actor: User, session: CouncilSession, version: int | None = None,
                 at: datetime | None = None) -> None:
    """``at``: when the meeting opened, if the secretariat records it afterwards (default: now)."""
    _check_version(session, version)
    _require_secretary(actor, session.council)
    _require_state(session, SessionState.PLANNED)
    members = len(session.council.members)
    present = sum(1 for a in session.attendance if a.present)
    rule = quorum_rule(session)
    if not quorum_met(present, members, rule):
        required = Threshold.parse(rule).required(members)
        raise _refuse(_("Không đủ số thành viên dự họp: có mặt %(present)s/%(members)s, cần ít nhất %(required)s.",
                        present=present, members=members, required=required))
    session.member_count, session.present_count = members, present
    session.state = SessionState.OPEN
    session.opened_at = at or datetime.now(UTC)
    session.rounds.append(VotingRound(number=1, state=RoundState.OPEN, item_ids=[i.id for i in session.items]))
    db.session.flush()


def current_round(session: CouncilSession) -> VotingRound | None:
    return session.rounds[-1] if session.rounds else None


def _round_for_vote(session: CouncilSession, number: int) -> VotingRound:
    """The round, locked for share: a close of the round (FOR UPDATE) waits for ballots already being cast."""
    found = db.session.scalar(select(VotingRound).where(
        VotingRound.session_id == session.id, VotingRound.number == int(number))
        .with_for_update(read=True).execution_options(populate_existing=True))
    if found is None or found.state != RoundState.OPEN or session.state != SessionState.OPEN:
        raise RoundClosed()
    return found


def _choices(session: CouncilSession, voting_round: VotingRound, votes: Mapping[Any, str]) -> dict[str, str]:
    """Votes keyed by the subject (nomination or initiative id) → validated choices; blanks are left out."""
    return _valid_choices({str(i.subject_id) for i in session.items if i.id in voting_round.item_ids and i.secret},
                          votes)


def _valid_choices(on_ballot: set[str], votes: Mapping[Any, str]) -> dict[str, str]:
    """``on_ballot``: the subject ids (as strings) of the round's secret items."""
    errors = []
    choices: dict[str, str] = {}
    for subject, choice in dict(votes or {}).items():
        if str(subject) not in on_ballot:
            errors.append(_("Hồ sơ %(id)s không có trong phiếu bầu của vòng này.", id=subject))
        elif choice not in (Choice.YES.value, Choice.NO.value):
            errors.append(_("Phiếu cho hồ sơ %(id)s phải là đồng ý hoặc không đồng ý.", id=subject))
        else:
            choices[str(subject)] = str(choice)
    if errors:
        raise ValidationFailed(" ".join(errors), details=errors)
    return choices


# The mark, then the ballot only if the mark went in, in one round trip (a data-modifying WITH). A member's second
# ballot in the round inserts no mark (its key exists, or a concurrent first ballot holds it: PostgreSQL makes the
# second insert wait for that one's commit), so no ballot either, and the transaction stays clean: no savepoint,
# which would cost two more round trips on every ballot.
_MARK_THEN_BALLOT = text("""
    WITH mark AS (
        INSERT INTO voter_mark (session_id, round_number, member_id, written)
        VALUES (:session_id, :round_number, :member_id, :written)
        ON CONFLICT DO NOTHING RETURNING 1)
    INSERT INTO ballot (id, session_id, round_number, choices)
    SELECT :id, :session_id, :round_number, CAST(:choices AS JSON) FROM mark
    RETURNING 1""").bindparams(bindparam("choices", type_=JSON))


@functools.cache
def _sqlite_mark():
    """SQLite has no INSERT inside WITH: the mark (skipped if its key exists: INSERT … ON CONFLICT DO NOTHING),
    then the ballot."""
    table = VoterMark.__table__
    return sqlite_insert(table).on_conflict_do_nothing().returning(table.c.member_id)


def _record_ballot(session: CouncilSession, voting_round: VotingRound | int, member: CouncilMember,
                   choices: dict[str, str], *, written: bool) -> None:
    """The voter mark and the ballot, as plain INSERTs (not the unit of work); AlreadyVoted if the mark exists."""
    number = voting_round if isinstance(voting_round, int) else voting_round.number
    row = {"session_id": session.id, "round_number": number, "member_id": member.id, "written": written,
           "id": uuid.uuid4().hex, "choices": choices}
    if db.session.get_bind().dialect.name == "postgresql":
        recorded = db.session.execute(_MARK_THEN_BALLOT, row).first() is not None
    else:
        recorded = db.session.execute(_sqlite_mark(), row).first() is not None
        if recorded:
            db.session.execute(insert(Ballot.__table__), row)
    if not recorded:
        raise AlreadyVoted()


@functools.cache
def _ballot_round_statement():
    """Built once (Core, on the tables): a ballot runs it on every call, and building it costs more than it does."""
    rounds, attendance, items = VotingRound.__table__, Attendance.__table__, AgendaItem.__table__
    return (select(rounds.c.state, rounds.c.item_ids, attendance.c.present, items.c.id, items.c.nomination_id,
                   items.c.initiative_id)
            .select_from(rounds.outerjoin(attendance, (attendance.c.session_id == rounds.c.session_id)
                                          & (attendance.c.member_id == bindparam("member_id")))
                         .outerjoin(items, (items.c.session_id == rounds.c.session_id) & items.c.secret.is_(True)))
            .where(rounds.c.session_id == bindparam("session_id"), rounds.c.number == bindparam("number"))
            .with_for_update(read=True, of=rounds))


def _open_round_for_ballot(session: CouncilSession, number: int, member: CouncilMember) -> tuple[bool, set[str]]:
    """One statement for what a member's ballot needs: the round, locked for share (a close of the round takes it
    FOR UPDATE, so it waits for ballots already being cast), the member's attendance and the session's secret items
    (one row each). Returns (present, subject ids on the round's ballot); RoundClosed if the round is not open."""
    rows = db.session.execute(_ballot_round_statement(),
                              {"session_id": session.id, "number": int(number), "member_id": member.id}).all()
    if not rows or rows[0].state != RoundState.OPEN or session.state != SessionState.OPEN:
        raise RoundClosed()
    in_round = set(rows[0].item_ids)
    on_ballot = {str(r.nomination_id or r.initiative_id) for r in rows if r.id is not None and r.id in in_round}
    return bool(rows[0].present), on_ballot


def cast_ballot(*, actor: User, session: CouncilSession, round_number: int, votes: Mapping[Any, str]) -> None:
    """The signed-in member's own ballot for a round: one per member and round, never after the round closes."""
    member = member_of(actor, session.council)
    if member is None:
        raise PermissionDenied(_("Chỉ thành viên Hội đồng được bỏ phiếu."))
    present, on_ballot = _open_round_for_ballot(session, round_number, member)
    if not present:
        raise _refuse(_("Thành viên vắng mặt gửi phiếu bằng văn bản qua thường trực Hội đồng."))
    _record_ballot(session, int(round_number), member, _valid_choices(on_ballot, votes), written=False)


def record_written_vote(*, actor: User, session: CouncilSession, person_id: int, round_number: int,
                        votes: Mapping[Any, str], scan: tuple[str, bytes] | None = None) -> None:
    """An absent member's written vote, entered by the secretariat, with the scanned paper kept on the attendance."""
    _require_secretary(actor, session.council)
    member = next((m for m in session.council.members if m.person_id == person_id), None)
    if member is None:
        raise _refuse(_("Người này không phải thành viên Hội đồng."))
    voting_round = _round_for_vote(session, round_number)
    attendance = next((a for a in session.attendance if a.member_id == member.id), None)
    if attendance is not None and attendance.present:
        raise _refuse(_("Thành viên có mặt tự bỏ phiếu; phiếu bằng văn bản chỉ dành cho thành viên vắng mặt."))
    _record_ballot(session, voting_round, member, _choices(session, voting_round, votes), written=True)
    if scan is not None and attendance is not None:
        from awards.councils.scans import store_scan

        attendance.scan_name, attendance.scan_stored = store_scan(*scan)
    db.session.flush()


def record_hands(*, actor: User, session: CouncilSession, round_number: int, subject_id: int, yes: int,
                 no: int) -> None:
    """A show-of-hands count for an item that is not voted by secret ballot."""
    _require_secretary(actor, session.council)
    voting_round = _round_for_vote(session, round_number)
    item = next((i for i in session.items if i.subject_id == int(subject_id) and i.id in voting_round.item_ids), None)
    if item is None or item.secret:
        raise _refuse(_("Hồ sơ này không biểu quyết giơ tay ở vòng này."))
    if yes < 0 or no < 0 or yes + no > (session.member_count or 0):
        raise _refuse(_("Số biểu quyết không hợp lệ: tổng không vượt quá %(n)s thành viên.", n=session.member_count))
    voting_round.hands = {**voting_round.hands, str(item.id): {"yes": int(yes), "no": int(no)}}
    db.session.flush()


def voters(session: CouncilSession, round_number: int) -> list[VoterMark]:
    """Who has voted in a round (the secretariat sees this during the round, never what anyone voted)."""
    return list(db.session.scalars(select(VoterMark).where(
        VoterMark.session_id == session.id, VoterMark.round_number == round_number)))


def close_round(*, actor: User, session: CouncilSession, version: int | None = None) -> VotingRound:
    """Count the open round: ballots (blank = not yes) and show-of-hands counts, each against the whole membership."""
    _check_version(session, version)
    _require_secretary(actor, session.council)
    _require_state(session, SessionState.OPEN)
    voting_round = current_round(session)
    if voting_round is None or voting_round.state != RoundState.OPEN:
        raise RoundClosed()
    db.session.scalar(select(VotingRound.id).where(VotingRound.id == voting_round.id).with_for_update())
    items = [i for i in session.items if i.id in voting_round.item_ids]
    missing = [i for i in items if not i.secret and str(i.id) not in voting_round.hands]
    if missing:
        raise _refuse(_("Chưa nhập kết quả biểu quyết giơ tay cho %(n)s hồ sơ.", n=len(missing)))
    ballots = list(db.session.scalars(select(Ballot).where(
        Ballot.session_id == session.id, Ballot.round_number == voting_round.number)))
    threshold = thresholds(session)
    for item in items:
        if item.secret:
            marks = [b.choices.get(str(item.subject_id)) for b in ballots]
            item.yes, item.no = marks.count(Choice.YES.value), marks.count(Choice.NO.value)
        else:
            item.yes, item.no = voting_round.hands[str(item.id)]["yes"], voting_round.hands[str(item.id)]["no"]
        item.last_round = voting_round.number
        item.passed = threshold[item.id].reached(item.yes, session.member_count)
    voting_round.counts = {str(i.id): {"yes": i.yes, "no": i.no, "passed": i.passed} for i in items}
    _reshuffle(ballots)
    voting_round.state = RoundState.CLOSED
    session.updated_at = datetime.now(UTC)
    db.session.flush()
    return voting_round


def _reshuffle(ballots: list[Ballot]) -> None:
    """Rewrite the round's ballots in random order with new random ids (see the models' docstring: secrecy)."""
    if not ballots:
        return
    copies = [(b.session_id, b.round_number, dict(b.choices)) for b in ballots]
    random.SystemRandom().shuffle(copies)
    db.session.execute(delete(Ballot).where(Ballot.id.in_([b.id for b in ballots])))
    for b in ballots:
        db.session.expunge(b)
    db.session.add_all(Ballot(id=uuid.uuid4().hex, session_id=s, round_number=r, choices=c) for s, r, c in copies)
    db.session.flush()


def open_second_round(*, actor: User, session: CouncilSession, subject_ids: Iterable[int],
                      version: int | None = None) -> VotingRound:
    """The chair puts items that failed the last round to another vote (at most ``council.max_rounds`` rounds)."""
    _check_version(session, version)
    _require_chair_or_secretary(actor, session.council)
    _require_state(session, SessionState.OPEN)
    last = current_round(session)
    if last is None or last.state != RoundState.CLOSED:
        raise WrongSessionState(_("Vòng hiện tại chưa kết thúc."))
    limit = max_rounds(session)
    if last.number >= limit:
        raise _refuse(_("Đã bỏ phiếu đủ %(n)s vòng; không mở thêm vòng.", n=limit))
    wanted = {int(s) for s in subject_ids}
    chosen = [i for i in session.items if i.subject_id in wanted]
    wrong = [i for i in chosen if i.id not in last.item_ids or i.passed]
    if not chosen or len(chosen) != len(wanted) or wrong:
        raise _refuse(_("Chỉ đưa ra vòng sau các hồ sơ chưa đạt ở vòng vừa kết thúc."))
    voting_round = VotingRound(number=last.number + 1, state=RoundState.OPEN, item_ids=[i.id for i in chosen])
    session.rounds.append(voting_round)
    session.updated_at = datetime.now(UTC)
    db.session.flush()
    return voting_round


# --- ranking over quotas and closing ------------------------------------------------------------------------------

def ranking(session: CouncilSession) -> dict[int, Any]:
    """Per quota'd award id: the ranking of its passed items (a tie at the cut-off waits for the chair)."""
    result = {}
    for quota in session.quotas:
        passed = [i for i in session.items if i.passed and i.nomination is not None
                  and i.nomination.award_id == quota.award_id]
        result[quota.award_id] = rank_over_quota(passed, quota.max_count, lambda i: i.yes or 0)
    return result


def break_tie(*, actor: User, session: CouncilSession, award_code: str, subject_ids: Iterable[int], note: str,
              version: int | None = None) -> None:
    """The chair's choice among items tied at a quota's cut-off, recorded with a note (in the minutes)."""
    _check_version(session, version)
    _require_chair_or_secretary(actor, session.council)
    _require_state(session, SessionState.OPEN)
    if not (note or "").strip():
        raise _refuse(_("Ghi rõ ý kiến của Chủ tịch Hội đồng khi chọn giữa các hồ sơ bằng phiếu."))
    award = db.session.scalar(select(Award).where(Award.code == award_code))
    outcome = ranking(session).get(award.id) if award is not None else None
    if outcome is None or not outcome.tied:
        raise _refuse(_("Không có hồ sơ nào bằng phiếu tại ngưỡng chỉ tiêu của %(code)s.", code=award_code))
    chosen = {int(s) for s in subject_ids}
    tied = {i.subject_id: i for i in outcome.tied}
    if not chosen <= tied.keys() or len(chosen) != outcome.open_places:
        raise _refuse(_("Chọn đúng %(n)s hồ sơ trong số các hồ sơ bằng phiếu.", n=outcome.open_places))
    for subject_id, item in tied.items():
        item.selected = subject_id in chosen
        item.note = note.strip()
    session.updated_at = datetime.now(UTC)
    db.session.flush()


def _select(session: CouncilSession) -> list[str]:
    """Set ``selected`` on every item; returns what still blocks the close (unresolved ties, open rounds)."""
    blocking = []
    quota_awards = {}
    for award_id, outcome in ranking(session).items():
        quota_awards[award_id] = outcome
        for item in outcome.selected:
            item.selected = True
        for item in outcome.excluded:
            item.selected = False
            item.note = item.note or _("Không được chọn do vượt chỉ tiêu (xếp theo số phiếu đồng ý).")
        if outcome.tied and any(i.selected is None for i in outcome.tied):
            award = outcome.tied[0].nomination.award
            blocking.append(_("%(award)s: %(n)s hồ sơ bằng phiếu tại ngưỡng chỉ tiêu, chờ Chủ tịch Hội đồng chọn.",
                              award=award.name_vi, n=len(outcome.tied)))
    for item in session.items:
        in_quota = item.nomination is not None and item.nomination.award_id in quota_awards
        if not item.passed:
            item.selected = False
        elif not in_quota:
            item.selected = True
    return blocking


def tally(session: CouncilSession) -> dict[str, dict[str, Any]]:
    """The result as the API returns it: {"<subject id>": {yes, no, members, share, threshold, passed, …}}."""
    out = {}
    by_item = thresholds(session)
    for item in session.items:
        threshold = by_item[item.id]
        out[str(item.subject_id)] = {
            "yes": item.yes or 0, "no": item.no or 0, "members": session.member_count,
            "share": share_text(item.yes or 0, session.member_count or 0), "threshold": threshold.label_vi(),
            "required": threshold.required(session.member_count or 0), "round": item.last_round,
            "secret": item.secret, "passed": bool(item.selected), "reached_threshold": bool(item.passed),
            "note": item.note}
    return out


def close_session(*, actor: User, session: CouncilSession, version: int | None = None,
                  at: datetime | None = None) -> dict[str, dict]:
    """Apply every outcome through the workflow engine (system actor, tally as evidence) and store the documents.

    ``at``: when the meeting ended, if recorded afterwards (default: now); the minutes print it.
    """
    _check_version(session, version)
    _require_secretary(actor, session.council)
    _require_state(session, SessionState.OPEN)
    last = current_round(session)
    if last is not None and last.state == RoundState.OPEN:
        raise _refuse(_("Còn vòng bỏ phiếu đang mở; kết thúc vòng trước khi bế mạc phiên họp."))
    blocking = _select(session)
    if blocking:
        raise ValidationFailed(" ".join(blocking), details=blocking)
    result = tally(session)
    for item in session.items:
        evidence = {"council_session": session.id, "tally": result[str(item.subject_id)]}
        _apply_outcome(session, item, evidence)
    session.result = result
    session.state = SessionState.CLOSED
    session.closed_at = at or datetime.now(UTC)
    db.session.flush()
    from awards.councils.documents import store_documents

    store_documents(session)  # a failure here raises: the caller's transaction, outcomes included, rolls back
    db.session.flush()
    return result


def _apply_outcome(session: CouncilSession, item: AgendaItem, evidence: dict) -> None:
    if session.council.kind == CouncilKind.CLUSTER:
        return  # the cluster's vote is evidence for the deciding council, which still votes on the flag
    try:
        if item.nomination is not None:
            engine.fire(item.nomination, "council_pass" if item.selected else "council_fail",
                        actor=engine.SYSTEM, evidence=evidence)
        else:
            initiative = item.initiative
            if item.selected:
                initiative.scope = item.scope
                initiative.decision_date = session.held_on
                initiative.decision_no = session.number or ""
                engine.fire(initiative, "recognise", actor=engine.SYSTEM, evidence=evidence)
            else:
                engine.fire(initiative, "reject", actor=engine.SYSTEM, evidence=evidence,
                            comment=_("Hội đồng sáng kiến không thông qua (%(yes)s/%(n)s phiếu đồng ý).",
                                      yes=item.yes or 0, n=session.member_count))
    except Refused as exc:
        raise WrongSessionState(" ".join(exc.reasons) or None) from None


def ballots_cast(session: CouncilSession, round_number: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.session_id == session.id, Ballot.round_number == round_number)) or 0
