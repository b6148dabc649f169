"""Nomination and batch operations: the one door pages and the API use. They flush, never commit.

``transition`` is the only call that fires a nomination's trigger: it checks the version the user saw, fires
through ``workflows.engine.fire`` and maps the engine's refusals to domain errors (role → 403, state → 409,
guard/comment/data → 422 with every reason), and does what a step implies (submit freezes the evidence,
open_posting stores the window, refer creates the linked nomination at the parent level).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from awards.catalogue.models import Authority, Award, AwardKind, NomineeType
from awards.core.errors import AwardsError, PermissionDenied, StaleRecord, ValidationFailed
from awards.extensions import db
from awards.nominations import guards
from awards.nominations.actors import UserActor, actor_for
from awards.nominations.attachments import add_attachment  # noqa: F401  (part of this module's interface)
from awards.nominations.calendar import add_working_days
from awards.nominations.models import Batch, Holiday, Nomination
from awards.org.models import Person, Role, Unit, UnitKind, User
from awards.org.permissions import visible_unit_ids
from workflows import engine
from workflows.engine import Refused, TransitionRecord

__all__ = ["NotAllowedNow", "add_attachment", "add_to_batch", "available_triggers", "bulk_transition", "create_batch",
           "create_nomination", "deciding_unit_for", "submit_batch", "transition", "update_nomination"]

EDITABLE_STATES = ("draft", "returned")


class NotAllowedNow(AwardsError):
    """The trigger exists but not from the record's current state (someone moved it on, or a stale page)."""

    status = 409
    code = "not_allowed"

    def default_message(self) -> str:
        return _("Không thể thực hiện thao tác này ở trạng thái hiện tại.")


class ReferringActor:
    """The approver signing a referral upward acts as the proposer of the linked nomination at the parent level.

    Roles: ``proposer`` on that nomination only; the ``in_scope`` guard reads ``proposer_roots`` (the referring
    unit, whose own council passed the nominee). The audit row keeps the approver's id and name.
    """

    def __init__(self, actor: UserActor, referring_unit_id: int) -> None:
        self.actor = actor
        self.id = actor.id
        self.label = actor.label
        self.proposer_roots = {referring_unit_id}

    def roles_for(self, record) -> set[str]:
        return {"proposer"}


def _actor(user):
    """A User becomes the engine's scoped actor; engine.SYSTEM (or any ready actor) passes through."""
    return actor_for(user) if isinstance(user, User) else user


def _refusal(exc: Refused) -> AwardsError:
    message = " ".join(exc.reasons)
    if exc.code == "role":
        return PermissionDenied(message or None)
    if exc.code == "state":
        return NotAllowedNow(message or None)
    return ValidationFailed(message or None, details=list(exc.reasons))


def _holidays() -> set[date]:
    return set(db.session.scalars(select(Holiday.day)))


def _legal_unit_at_or_above(unit: Unit | None) -> Unit | None:
    seen: set[int] = set()
    while unit is not None and unit.id not in seen:
        if unit.legal_personality:
            return unit
        seen.add(unit.id)
        unit = unit.parent
    return None


def deciding_unit_for(proposing_unit: Unit, award: Award | None = None) -> Unit:
    """The unit whose secretariat checks the nomination and whose council votes on it.

    A Chi cục has legal personality and grants its own Giấy khen; emulation titles (LĐTT, CSTĐCS, TTLĐTT …) and
    every award of a higher authority go before the provincial Cục's council (DOMAIN.md §4: "head of unit with
    legal personality (Cục trưởng)"), which refers the higher ones upward (``refer``). A tờ trình (``award`` None)
    is addressed to that council too.
    """
    unit = _legal_unit_at_or_above(proposing_unit)
    if award is None or award.kind == AwardKind.TITLE or award.authority != Authority.HEAD_OF_UNIT:
        while unit is not None and unit.kind == UnitKind.DISTRICT_BRANCH:
            unit = _legal_unit_at_or_above(unit.parent)
    if unit is None:
        raise ValidationFailed(_("Không có đơn vị có tư cách pháp nhân nào ở cấp trên để xét đề nghị này."))
    return unit


def _check_version(record, version: int | None) -> None:
    if version is not None and int(version) != record.version:
        raise StaleRecord()


# --- nominations ------------------------------------------------------------------------------------------------

def create_nomination(*, actor: User, nominee: Person | Unit, award_code: str, year: int, batch: Batch | None = None,
                      summary: str = "") -> Nomination:
    award = db.session.scalar(select(Award).where(Award.code == award_code, Award.active.is_(True)))
    if award is None:
        raise ValidationFailed(_("Không có danh hiệu, hình thức khen thưởng mã %(code)s.", code=award_code))
    is_person = isinstance(nominee, Person)
    if is_person and award.nominee_type == NomineeType.COLLECTIVE:
        raise ValidationFailed(_("%(code)s không xét cho cá nhân.", code=award.code))
    if not is_person and award.nominee_type == NomineeType.PERSON:
        raise ValidationFailed(_("%(code)s không xét cho tập thể.", code=award.code))
    proposing = nominee.unit if is_person else nominee
    if proposing is None:
        raise ValidationFailed(_("Người được đề nghị chưa thuộc đơn vị nào."))
    if proposing.id not in visible_unit_ids(actor, (Role.PROPOSER, Role.ADMIN)):
        raise ValidationFailed(_("Người được đề nghị không thuộc phạm vi đơn vị bạn được đề nghị khen thưởng."))
    column = Nomination.person_id if is_person else Nomination.unit_id
    duplicate = db.session.scalar(select(Nomination.id).where(
        column == nominee.id, Nomination.award_id == award.id, Nomination.year == year,
        Nomination.referred_from_id.is_(None)))
    if duplicate is not None:
        raise ValidationFailed(_("Đã có hồ sơ đề nghị %(code)s năm %(year)s cho đối tượng này.",
                                 code=award.code, year=year))
    if batch is not None:
        _check_batch_fits(batch, proposing.id, year)
    nomination = Nomination(person=nominee if is_person else None, unit=None if is_person else nominee,
                            award=award, year=year, proposing_unit=proposing,
                            deciding_unit=deciding_unit_for(proposing, award), batch=batch, summary=summary or "",
                            state="draft", created_by_id=actor.id)
    db.session.add(nomination)
    db.session.flush()
    return nomination


def update_nomination(nomination: Nomination, *, actor: User, version: int, summary: str,
                      proposer_note: str | None = None) -> Nomination:
    """Edit the summary (and the proposer's note) of a draft or returned nomination."""
    _check_version(nomination, version)
    if "proposer" not in _actor(actor).roles_for(nomination):
        raise PermissionDenied()
    if nomination.state not in EDITABLE_STATES:
        raise NotAllowedNow(_("Chỉ sửa được hồ sơ dự thảo hoặc bị trả lại."))
    nomination.summary = summary or ""
    if proposer_note is not None:
        nomination.proposer_note = proposer_note
    db.session.flush()
    return nomination


def available_triggers(nomination: Nomination, user: User) -> list[str]:
    return engine.available(nomination, _actor(user))


def _posting_window(data: dict) -> tuple[date, date]:
    start, days = data.get("start"), data.get("working_days")
    try:
        start = start if isinstance(start, date) else date.fromisoformat(str(start))
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Ngày bắt đầu (yyyy-mm-dd) hoặc số ngày làm việc công khai không hợp lệ."),
                               details=[_("Ngày bắt đầu (yyyy-mm-dd) hoặc số ngày làm việc công khai không hợp lệ.")]
                               ) from None
    if days < 1:
        raise ValidationFailed(_("Số ngày làm việc công khai phải từ 1 trở lên."),
                               details=[_("Số ngày làm việc công khai phải từ 1 trở lên.")])
    return start, add_working_days(start, days, _holidays())


def _fire(record, trigger: str, actor, comment: str | None, evidence: dict | None = None,
          **data: Any) -> TransitionRecord:
    try:
        # The guards' queries must not flush what this step wrote before firing (evidence, posting window):
        # that would be an UPDATE of its own, a second version step; the storage flushes it with the state.
        with db.session.no_autoflush:
            return engine.fire(record, trigger, actor=actor, comment=comment, evidence=evidence, **data)
    except Refused as exc:
        raise _refusal(exc) from None


def transition(nomination: Nomination, trigger: str, *, actor: User, comment: str | None = None,
               version: int | None = None, **data: Any) -> TransitionRecord:
    """Fire ``trigger`` on the nomination as ``actor`` (a User, or engine.SYSTEM for the council's outcomes)."""
    _check_version(nomination, version)
    who = _actor(actor)
    evidence = None
    allowed = trigger in engine.available(nomination, who)
    if trigger == "submit" and allowed:
        evidence = guards.evidence_snapshot(nomination)
    # Restored when the engine refuses: what a step writes besides the state is written before it fires.
    saved = {k: getattr(nomination, k) for k in ("posting_start", "posting_end", "decision_no", "decision_date",
                                                 "granted", "evidence")}
    if evidence is not None:
        nomination.evidence = evidence  # with the state, in the same UPDATE (one version step per transition)
    if trigger == "open_posting" and allowed and data.get("start") not in (None, "") \
            and data.get("working_days") not in (None, ""):
        # The window is written before the state: the flush inside fire checks "posted has its window".
        nomination.posting_start, nomination.posting_end = _posting_window(data)
        data = {**data, "start": nomination.posting_start.isoformat(), "end": nomination.posting_end.isoformat()}
    if trigger == "decide":
        data = _decision_data(nomination, data)
    if trigger == "reject" and nomination.state == "referred" and allowed:
        nomination.granted = False  # the level above did not grant it
    try:
        record = _fire(nomination, trigger, who, comment, evidence, **data)
    except AwardsError:
        for key, value in saved.items():
            setattr(nomination, key, value)
        raise
    if trigger == "refer":
        _create_referral(nomination, who, comment)
    db.session.flush()
    return record


def _decision_data(nomination: Nomination, data: dict) -> dict:
    """An outcome recorded by HR: the decision's number and date (and, from outside the system, granted)."""
    if data.get("decision_no"):
        nomination.decision_no = str(data["decision_no"])[:80]
    if data.get("decision_date"):
        try:
            value = data["decision_date"]
            nomination.decision_date = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise ValidationFailed(_("Ngày quyết định không hợp lệ (yyyy-mm-dd)."),
                                   details=[_("Ngày quyết định không hợp lệ (yyyy-mm-dd).")]) from None
        data = {**data, "decision_date": nomination.decision_date.isoformat()}
    nomination.granted = True
    return data


def _submit_note(nomination: Nomination) -> str:
    """The comment the nomination was last submitted with: the note that let a needs-information verdict through,
    which the level above needs as much (without it the referral's own submit is refused)."""
    return next((log.comment for log in reversed(nomination.history) if log.trigger == "submit" and log.comment), "")


def _create_referral(original: Nomination, who, comment: str | None) -> Nomination | None:
    """The linked nomination at the parent level, submitted there by the referring approver.

    At the top of the tree (the general department refers to the minister or the prime minister) there is
    no level above inside the system: the original stays ``referred`` and HR records the outcome on it.
    """
    parent = original.deciding_unit.parent
    if parent is None:
        return None
    deciding = _legal_unit_at_or_above(parent)
    if deciding is None:
        return None
    referral = Nomination(person=original.person, unit=original.unit, award=original.award, year=original.year,
                          proposing_unit=original.deciding_unit, deciding_unit=deciding,
                          summary=original.summary, proposer_note=original.proposer_note or _submit_note(original),
                          state="draft",
                          referred_from=original, created_by_id=getattr(who, "id", None))
    db.session.add(referral)
    db.session.flush()
    submitter = ReferringActor(who, original.deciding_unit_id) if isinstance(who, UserActor) else who
    referral.evidence = guards.evidence_snapshot(referral)
    _fire(referral, "submit", submitter, comment, referral.evidence)
    return referral


# --- batches and bulk actions -----------------------------------------------------------------------------------

def _check_batch_fits(batch: Batch, unit_id: int, year: int) -> None:
    if batch.state not in EDITABLE_STATES:
        raise NotAllowedNow(_("Tờ trình đã gửi: không thêm được hồ sơ."))
    if batch.unit_id != unit_id or batch.year != year:
        raise ValidationFailed(_("Hồ sơ không cùng đơn vị hoặc năm với tờ trình."))


def create_batch(*, actor: User, unit: Unit, year: int, title: str) -> Batch:
    if unit.id not in visible_unit_ids(actor, (Role.PROPOSER, Role.ADMIN)):
        raise PermissionDenied()
    batch = Batch(unit=unit, deciding_unit=deciding_unit_for(unit), year=year, title=title or "",
                  state="draft", created_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    return batch


def add_to_batch(batch: Batch, nomination: Nomination, *, actor: User) -> Batch:
    if "proposer" not in _actor(actor).roles_for(batch):
        raise PermissionDenied()
    if nomination.state not in EDITABLE_STATES:
        raise NotAllowedNow(_("Chỉ thêm được hồ sơ dự thảo hoặc bị trả lại vào tờ trình."))
    _check_batch_fits(batch, nomination.proposing_unit_id, nomination.year)
    nomination.batch = batch
    db.session.flush()
    return batch


def submit_batch(batch: Batch, *, actor: User) -> list[TransitionRecord]:
    """Submit every draft/returned nomination of the batch and the batch itself: all or nothing.

    The first refusal undoes the whole savepoint and is raised with every nominee's reasons gathered so far
    prefixed by the nominee's name, so the proposer fixes them all in one go.
    """
    records: list[TransitionRecord] = []
    problems: list[str] = []
    # Leaving the savepoint by an exception rolls it back and expires what it changed.
    with db.session.begin_nested():
        for nomination in list(batch.nominations):
            if nomination.state not in EDITABLE_STATES:
                continue
            try:
                records.append(transition(nomination, "submit", actor=actor))
            except ValidationFailed as exc:
                name = getattr(nomination.nominee, "full_name", None) or nomination.nominee.name
                problems += [f"{name}: {reason}" for reason in (exc.details or [exc.message])]
        if problems:
            raise ValidationFailed(" ".join(problems), details=problems)
        records.append(_fire(batch, "submit", _actor(actor), None))
    return records


def bulk_transition(nominations: Iterable[Nomination], trigger: str, *, actor: User,
                    comment: str | None = None) -> list[TransitionRecord]:
    """One trigger on many nominations in one savepoint: the first refusal undoes all of them."""
    who = _actor(actor)
    records: list[TransitionRecord] = []
    with db.session.begin_nested():  # an exception rolls the savepoint back
        for nomination in nominations:
            records.append(transition(nomination, trigger, actor=who, comment=comment))
    return records
