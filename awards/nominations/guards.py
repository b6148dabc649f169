"""The nomination and batch workflows' guards: each returns the Vietnamese reasons it refuses (empty = passes).

Registered by name with the pure engine (``register_guards``, called from ``storage.install`` in create_app),
then ``engine.check_guards()`` makes a guard a definition names but nobody registered fail at start-up.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from awards.catalogue.models import Authority
from awards.eligibility import loader, service
from awards.eligibility.engine import Report
from awards.extensions import db
from awards.nominations.models import Nomination, RequiredAttachment
from awards.org.models import Role, Unit
from awards.org.permissions import subtree_ids
from workflows import engine

# Nominations that take a place in the quota: on their way or through (not drafts, not stopped). Decided ones
# count too: a decision does not yet create an AwardHolding (the decisions issue will; then they move there).
QUOTA_STATES = ("submitted", "in_review", "posted", "in_council", "council_passed", "approved", "referred", "decided")
KIND_LABELS = {"achievement_report": "báo cáo thành tích", "minutes": "biên bản họp xét",
               "initiative_proof": "minh chứng sáng kiến", "other": "tài liệu khác"}


def _json_safe(value: Any) -> Any:
    """Dataclasses, Decimals and dates as plain JSON (the evidence column is JSON on both databases)."""
    return json.loads(json.dumps(value, default=str))


def eligibility(nomination: Nomination) -> tuple[Report, dict]:
    """The nominee's report for the nomination's award and year, and the metric facts it read.

    Cached on the instance for the request: the guard and the evidence snapshot of one submit share it.
    """
    key = (nomination.person_id, nomination.unit_id, nomination.award_id, nomination.year)
    cached = nomination.__dict__.get("_eligibility")
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    code = nomination.award.code
    if nomination.person is not None:
        service.check_award(code, service.PERSON)
        batch = loader.load(nomination.year, person_ids=[nomination.person.id])
        facts = batch.people[nomination.person.id]
    else:
        service.check_award(code, service.UNIT)
        batch = loader.load(nomination.year, unit_ids=[nomination.unit.id])
        facts = batch.units[nomination.unit.id]
    report = service.run(batch, facts, code)
    metrics = {str(year): _json_safe(dataclasses.asdict(fact)) for year, fact in sorted(facts.metrics.items())}
    nomination.__dict__["_eligibility"] = (key, report, metrics)
    return report, metrics


def evidence_snapshot(nomination: Nomination) -> dict:
    """What the council will see: the report as a dict, the metrics it used, when it was taken."""
    report, metrics = eligibility(nomination)
    return {"eligibility": _json_safe(dataclasses.asdict(report)), "metrics": metrics,
            "at": datetime.now(UTC).isoformat(timespec="seconds")}


# --- nomination guards ------------------------------------------------------------------------------------------

def eligible(nomination: Nomination, actor, data: dict) -> list[str]:
    """Not ineligible; needs_information only with the proposer's note (the comment or ``proposer_note``)."""
    report, _metrics = eligibility(nomination)
    if report.verdict == "ineligible":
        return [_("Chưa đủ điều kiện: %(clause)s — %(reason)s", clause=c.text, reason=c.reason)
                for c in report.clauses if c.outcome == "not_met"]
    if report.verdict == "needs_information" and not ((data.get("comment") or "").strip()
                                                      or (nomination.proposer_note or "").strip()):
        open_clauses = "; ".join(c.text for c in report.clauses if c.outcome == "unknown")
        return [_("Thiếu thông tin để xét điều kiện (%(clauses)s): cần ghi chú của người đề nghị.",
                  clauses=open_clauses)]
    return []


def attachments(nomination: Nomination, actor, data: dict) -> list[str]:
    required = db.session.scalars(select(RequiredAttachment.kind)
                                  .where(RequiredAttachment.award_id == nomination.award_id)).all()
    # A referral carries the dossier it was referred from: the files are not copied, they are looked up the chain.
    present: set[str] = set()
    link: Nomination | None = nomination
    while link is not None:
        present |= {str(a.kind) for a in link.attachments}
        link = link.referred_from
    return [_("Thiếu tệp đính kèm bắt buộc: %(kind)s.", kind=KIND_LABELS.get(str(kind), str(kind)))
            for kind in required if str(kind) not in present]


def quota(nomination: Nomination, actor, data: dict) -> list[str]:
    """Held at the deciding unit's subtree + its nominations on their way + this one ≤ the limit."""
    unit = nomination.deciding_unit or db.session.get(Unit, nomination.deciding_unit_id)
    code = nomination.award.code
    found = next((q for q in service.quotas(unit, nomination.year) if q.award == code), None)
    if found is None or found.limit is None:
        return []
    pending = db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.award_id == nomination.award_id, Nomination.year == nomination.year,
            Nomination.deciding_unit_id == unit.id, Nomination.state.in_(QUOTA_STATES),
            Nomination.id != (nomination.id or -1))) or 0
    total = found.used + pending + 1
    if total > found.limit:
        return [_("Vượt số lượng cho phép: %(code)s tối đa %(limit)s (%(rule)s); đã có %(used)s, đang đề nghị "
                  "%(pending)s.", code=code, limit=found.limit, rule=found.basis, used=found.used, pending=pending)]
    return []


def proposer_roots(actor) -> set[int]:
    """The units where the actor proposes (a referral's actor carries the referring unit instead)."""
    if hasattr(actor, "proposer_roots"):
        return set(actor.proposer_roots)
    user = getattr(actor, "user", None)
    return {ra.unit_id for ra in user.roles if ra.role == Role.PROPOSER} if user is not None else set()


def covers(root_ids: set[int], unit_id: int | None) -> bool:
    if not root_ids or unit_id is None:
        return False
    return unit_id in set(db.session.scalars(subtree_ids(sorted(root_ids))))


def in_scope(nomination: Nomination, actor, data: dict) -> list[str]:
    """The nominee (a person's current unit, or the collective itself) lies in the actor's proposer scope."""
    nominee_unit = nomination.person.unit_id if nomination.person is not None else nomination.unit.id
    if covers(proposer_roots(actor), nominee_unit):
        return []
    return [_("Người được đề nghị không thuộc phạm vi đơn vị bạn được đề nghị khen thưởng.")]


def posting_ended(nomination: Nomination, actor, data: dict) -> list[str]:
    today = data.get("today") or date.today()
    if nomination.posting_end is None or today > nomination.posting_end:
        return []
    return [_("Chưa hết thời hạn công khai (đến hết ngày %(end)s).", end=nomination.posting_end.strftime("%d/%m/%Y"))]


def needs_posting(nomination: Nomination) -> bool:
    """No ``posting.required.<AWARD>`` parameter exists yet: awards voted by secret ballot are posted, others not."""
    return bool(nomination.award.secret_ballot)


def no_posting_needed(nomination: Nomination, actor, data: dict) -> list[str]:
    if needs_posting(nomination):
        return [_("%(code)s phải được công khai trước khi đưa ra hội đồng.", code=nomination.award.code)]
    return []


def authority_above(nomination: Nomination, actor, data: dict) -> list[str]:
    """Minister and Prime Minister awards go up; a head-of-unit award only from a unit without legal personality."""
    authority = nomination.award.authority
    if authority in (Authority.MINISTER, Authority.PRIME_MINISTER):
        return []
    unit = nomination.deciding_unit or db.session.get(Unit, nomination.deciding_unit_id)
    if not unit.legal_personality:
        return []
    return [_("%(code)s thuộc thẩm quyền của thủ trưởng đơn vị này: phê duyệt, không trình cấp trên.",
              code=nomination.award.code)]


# --- batch guards -----------------------------------------------------------------------------------------------

def has_nominations(batch, actor, data: dict) -> list[str]:
    return [] if batch.nominations else [_("Tờ trình chưa có hồ sơ đề nghị nào.")]


NOMINATION_GUARDS = {"eligible": eligible, "attachments": attachments, "quota": quota, "in_scope": in_scope,
                     "posting_ended": posting_ended, "no_posting_needed": no_posting_needed,
                     "authority_above": authority_above}


def register_guards() -> None:
    for name, fn in NOMINATION_GUARDS.items():
        engine.register_guard("nomination", name, fn)
    engine.register_guard("batch", "has_nominations", has_nominations)
