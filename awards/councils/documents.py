"""The minutes (biên bản họp) and the tally record (biên bản kiểm phiếu) of a closed session, as plain dicts.

The contexts follow the contract of ``awards.documents`` (see its docstring); ``store_documents`` renders both
PDFs and stores them with their SHA-256 in the session's transaction, at close.
"""
from __future__ import annotations

from datetime import UTC
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from awards.councils import operations as ops
from awards.councils.models import AgendaItem, CouncilKind, CouncilSession, MemberRole, StoredDocument, VoterMark
from awards.councils.voting import Threshold, share_text
from awards.extensions import db
from awards.initiatives.models import InitiativeScope

ROLE_VI = {MemberRole.CHAIR: "Chủ tịch Hội đồng", MemberRole.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
           MemberRole.SECRETARY: "Thư ký Hội đồng", MemberRole.MEMBER: "Ủy viên"}
# Documents are Vietnamese whatever the reader's UI language, so not initiatives.labels (translated msgids).
SCOPE_VI = {InitiativeScope.BASE: "cấp cơ sở", InitiativeScope.MINISTRY: "cấp bộ, ngành",
            InitiativeScope.NATIONAL: "toàn quốc"}
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # the minutes print the local time of the meeting
COUNCIL_VI = {CouncilKind.AWARDS: "Hội đồng Thi đua - Khen thưởng", CouncilKind.INITIATIVES: "Hội đồng sáng kiến",
              CouncilKind.CLUSTER: "Cụm thi đua"}


def _person(member) -> dict[str, str]:
    return {"name": member.person.full_name, "role": ROLE_VI[member.role], "position": member.person.position or ""}


def _subject(item: AgendaItem, on) -> dict[str, str]:
    if item.nomination is not None:
        n = item.nomination
        unit = n.person.unit if n.person is not None else n.unit
        return {"nominee": n.nominee.full_name if n.person is not None else n.unit.name_on(on),
                "unit": unit.name_on(on) if unit is not None else "", "award": n.award.name_vi}
    i = item.initiative
    authors = ", ".join(a.person.full_name for a in i.authors)
    return {"nominee": f"{i.title} ({authors})" if authors else i.title, "unit": i.unit.name_on(on),
            "award": f"Công nhận sáng kiến {SCOPE_VI[item.scope or InitiativeScope.BASE]}"}


def _common(session: CouncilSession) -> dict[str, Any]:
    unit = session.council.unit
    parent = unit.parent
    return {"parent_body": parent.name_on(session.held_on).upper() if parent is not None else "",
            "issuer": unit.name_on(session.held_on).upper(), "number": session.number,
            "place": unit.place or "", "date": session.held_on}


def council_name(session: CouncilSession) -> str:
    council = session.council
    if council.name:
        return council.name
    if council.kind == CouncilKind.CLUSTER and council.cluster is not None:
        return f"{COUNCIL_VI[council.kind]} {council.cluster.name}"
    return f"{COUNCIL_VI[council.kind]} {council.unit.name_on(session.held_on)}"


def _threshold_label(item: AgendaItem, session: CouncilSession) -> str:
    value = (session.result or {}).get(str(item.subject_id), {}).get("threshold")
    return value or Threshold.parse("majority").label_vi()


def _grouped(session: CouncilSession) -> list[tuple[str, list[AgendaItem]]]:
    groups: dict[str, list[AgendaItem]] = {}
    for item in session.items:
        groups.setdefault(_subject(item, session.held_on)["award"], []).append(item)
    return list(groups.items())


def minutes_context(session: CouncilSession) -> dict[str, Any]:
    members = session.council.members
    present_ids = {a.member_id for a in session.attendance if a.present}
    written_ids = {m.member_id for m in _written_marks(session)}
    chair = next((m for m in members if m.role == MemberRole.CHAIR), members[0])
    secretary = next((m for m in members if m.role == MemberRole.SECRETARY), None)
    rule = ops.quorum_rule(session)
    return {
        **_common(session),
        "council_name": council_name(session),
        "subject": (f"Họp xét công nhận sáng kiến năm {session.council.year}"
                    if session.council.kind == CouncilKind.INITIATIVES
                    else f"Họp xét thi đua, khen thưởng năm {session.council.year}"),
        "year": session.council.year,
        "started_at": _clock(session.opened_at),
        "ended_at": _clock(session.closed_at),
        "location": session.place,
        "secret_ballot": any(i.secret for i in session.items),
        "members": [_person(m) for m in members],
        "member_count": session.member_count,
        "present": [_person(m) for m in members if m.id in present_ids],
        "absent": [{**_person(m), "written_vote": m.id in written_ids} for m in members if m.id not in present_ids],
        # A session opens only with its quorum (operations.open_session), so the minutes record it as met.
        "quorum": {"present": session.present_count, "members": session.member_count,
                   "required": Threshold.parse(rule).required(session.member_count or 0), "met": True,
                   "rule": f"ít nhất {rule} tổng số thành viên"},
        "chair": _person(chair),
        "secretary": _person(secretary) if secretary is not None else {"name": "", "role": "", "position": ""},
        "agenda": [{"award": award, "count": len(items)} for award, items in _grouped(session)],
        "results": [{"award": award, "threshold": _threshold_label(items[0], session),
                     "items": [{**_subject(i, session.held_on), "round": i.last_round, "yes": i.yes or 0,
                                "no": i.no or 0, "share": (session.result or {}).get(str(i.subject_id), {}).get(
                                    "share", ""), "passed": bool(i.selected), "note": i.note} for i in items]}
                    for award, items in _grouped(session)],
        "tie_breaks": [{"note": f"{_subject(i, session.held_on)['nominee']}: {i.note}"}
                       for i in session.items if i.note and i.passed],
    }


def _clock(moment) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive datetimes; they are stored in UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM).strftime("%H giờ %M")


def _written_marks(session: CouncilSession):
    return db.session.scalars(select(VoterMark).where(VoterMark.session_id == session.id,
                                                      VoterMark.written.is_(True)))


def tally_context(session: CouncilSession) -> dict[str, Any]:
    members = session.council.members
    chair = next((m for m in members if m.role == MemberRole.CHAIR), members[0])
    counters = [m for m in members if m.role in (MemberRole.SECRETARY, MemberRole.VICE_CHAIR)] or [chair]
    rounds = []
    for voting_round in session.rounds:
        cast = ops.ballots_cast(session, voting_round.number)
        items = []
        for item in session.items:
            count = voting_round.counts.get(str(item.id))
            if count is None:
                continue
            threshold = _threshold_label(item, session)
            items.append({**_subject(item, session.held_on), "yes": count["yes"], "no": count["no"],
                          "share": share_text(count["yes"], session.member_count or 0), "threshold": threshold,
                          "passed": bool(count["passed"])})
        rounds.append({"number": voting_round.number, "ballots": cast, "valid": cast, "invalid": 0, "items": items})
    return {
        **_common(session),
        "council_name": council_name(session),
        "subject": f"Kiểm phiếu bầu thi đua, khen thưởng năm {session.council.year}",
        "year": session.council.year,
        "secret_ballot": any(i.secret for i in session.items),
        "member_count": session.member_count,
        "ballots_cast": ops.ballots_cast(session, 1),
        "rounds": rounds,
        "counters": [_person(m) for m in counters],
        "chair": _person(chair),
    }


def store_documents(session: CouncilSession) -> None:
    from awards.documents.render import render_pdf, sha256

    for kind, template, context in (("minutes", "minutes.html", minutes_context(session)),
                                    ("tally", "tally.html", tally_context(session))):
        pdf = render_pdf(template, context)
        document = StoredDocument(kind=kind, filename=f"{'bien-ban' if kind == 'minutes' else 'kiem-phieu'}-"
                                                      f"{session.id}.pdf", content=pdf, sha256=sha256(pdf))
        db.session.add(document)
        if kind == "minutes":
            session.minutes = document
        else:
            session.tally = document
