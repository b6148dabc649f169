"""Verbs that change initiatives, their uses and the award history. They flush, never commit.

The one-use rule (DOMAIN.md §5: an initiative supports one award only) lives in ``record_use``; the unique
constraint on ``initiative_use.initiative_id`` backs it when two requests record a use at the same time.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from awards.catalogue.models import Award, AwardHolding, NomineeType
from awards.core.errors import PermissionDenied, StaleRecord, ValidationFailed
from awards.extensions import db
from awards.imports.models import ImportBatch
from awards.initiatives.models import Initiative, InitiativeAuthor, InitiativeScope, InitiativeUse
from awards.nominations.actors import actor_for
from awards.nominations.operations import NotAllowedNow
from awards.org.models import Person, Role, Unit, User
from awards.org.permissions import can_view_unit
from workflows import engine
from workflows.engine import Refused, TransitionRecord

# Who may register an initiative of a unit for evaluation: its proposer (the unit's emulation officer), HR or an
# admin over it. Evaluating it is the secretariat's, recognising it the council's (or the head's).
REGISTRARS = (Role.PROPOSER, Role.HR, Role.ADMIN)


def _touch(initiative: Initiative) -> None:
    """Count a change to the initiative's use as a change to the initiative: a page loaded before is stale."""
    initiative.code  # noqa: B018 (flag_modified needs the attribute loaded)
    flag_modified(initiative, "code")


def save_initiative(code: str, *, title: str, authors: Sequence[Person], unit: Unit, year: int,
                    scope: InitiativeScope | None, decision_no: str = "", decision_date: date | None = None,
                    import_batch: ImportBatch | None = None) -> Initiative:
    """Create the initiative ``code`` or update it in place; ``authors`` replace the previous ones, in order."""
    _check_authors(authors)
    initiative = db.session.scalar(select(Initiative).where(Initiative.code == code))
    if initiative is not None and initiative.state != "recognised" \
            and (scope is not None or decision_no or decision_date is not None):
        # Scope and decision of an initiative in evaluation come from the initiative council (or the head), through
        # the workflow: written here they would make it count for an award it has not been recognised for.
        raise ValidationFailed(_("Sáng kiến “%(code)s” đang trong quy trình đánh giá: phạm vi và quyết định công "
                                 "nhận do Hội đồng sáng kiến quyết định.", code=code))
    if initiative is None:
        initiative = Initiative(code=code)
        db.session.add(initiative)
    initiative.title = title
    initiative.unit = unit
    initiative.year = year
    initiative.scope = scope
    initiative.decision_no = decision_no or ""
    initiative.decision_date = decision_date
    if import_batch is not None:
        initiative.import_batch_id = import_batch.id
    wanted = [p.id for p in authors]
    if [a.person_id for a in initiative.authors] != wanted:
        # Remove first, then add: (initiative, person) is unique, and a reordered author would collide.
        initiative.authors.clear()
        db.session.flush()
        initiative.authors.extend(InitiativeAuthor(person=p, position=i) for i, p in enumerate(authors))
    db.session.flush()
    return initiative


def _check_authors(authors: Sequence[Person]) -> None:
    if not authors:
        raise ValidationFailed(_("Sáng kiến phải có ít nhất một tác giả."))
    if len({p.id for p in authors}) != len(authors):
        raise ValidationFailed(_("Một tác giả được nêu hai lần."))


def register_initiative(code: str, *, actor: User, title: str, authors: Sequence[Person], unit: Unit,
                        year: int) -> Initiative:
    """Register a new initiative of ``unit`` for evaluation: state ``registered``, no scope and no decision yet.

    The actor needs the proposer, HR or admin role over the unit. The secretariat then puts it before the
    initiative council (``transition(…, "start_evaluation")``), whose vote recognises it at a scope or not.
    """
    if not can_view_unit(actor, unit, REGISTRARS):
        raise PermissionDenied()
    _check_authors(authors)
    if db.session.scalar(select(Initiative.id).where(Initiative.code == code)) is not None:
        raise ValidationFailed(_("Mã sáng kiến “%(code)s” đã tồn tại.", code=code))
    initiative = Initiative(code=code, title=title, unit=unit, year=year, scope=None, decision_no="",
                            decision_date=None, state=str(engine.definition("initiative").initial))
    initiative.authors.extend(InitiativeAuthor(person=p, position=i) for i, p in enumerate(authors))
    db.session.add(initiative)
    db.session.flush()
    return initiative


def available_triggers(initiative: Initiative, user: User) -> list[str]:
    """The workflow steps ``user`` may take on the initiative now (guards aside), in the definition's order."""
    return engine.available(initiative, actor_for(user))


def workflow_roles(initiative: Initiative, user: User) -> set[str]:
    """The user's roles that count for this initiative's workflow (scoped to its unit)."""
    return actor_for(user).roles_for(initiative)


def _refusal(exc: Refused):
    message = " ".join(exc.reasons) or None
    if exc.code == "role":
        return PermissionDenied(message)
    if exc.code == "state":
        return NotAllowedNow(message)
    return ValidationFailed(message, details=list(exc.reasons))


def transition(initiative: Initiative, trigger: str, *, actor: User, comment: str | None = None,
               version: int | str | None = None, scope: InitiativeScope | str | None = None, decision_no: str = "",
               decision_date: date | None = None) -> TransitionRecord:
    """Fire ``trigger`` on the initiative as ``actor`` (a User; the council applies its outcomes as the system).

    ``recognise`` by the head (outside a council session) needs the scope and records the decision with it;
    the engine checks the state, the role (secretariat or approver over the initiative's unit) and the comment
    a refusal needs. Refusals become 403 (role), 409 (state) or 422 (anything else).
    """
    if version is not None and str(version).strip() != str(initiative.version):
        raise StaleRecord()  # a page loaded before someone else's step (or no version at all): never blind
    who = actor_for(actor) if isinstance(actor, User) else actor
    data: dict[str, Any] = {}
    saved = (initiative.scope, initiative.decision_no, initiative.decision_date)
    if trigger == "recognise" and trigger in engine.available(initiative, who):
        if scope in (None, ""):
            raise ValidationFailed(_("Chọn phạm vi công nhận sáng kiến."))
        # Written before the state, in the same UPDATE: a recognised initiative always has its scope.
        initiative.scope = InitiativeScope(scope)
        initiative.decision_no = (decision_no or "").strip()[:80]
        initiative.decision_date = decision_date
        data = {"scope": initiative.scope.value, "decision_no": initiative.decision_no,
                "decision_date": decision_date.isoformat() if decision_date else None}
    try:
        with db.session.no_autoflush:
            record = engine.fire(initiative, trigger, actor=who, comment=comment, **data)
    except Refused as exc:
        initiative.scope, initiative.decision_no, initiative.decision_date = saved
        raise _refusal(exc) from None
    db.session.flush()
    return record


def describe_use(use: InitiativeUse) -> str:
    """"Chiến sĩ thi đua cơ sở năm 2021 cho Nguyễn Văn A": what a use supports, for messages and pages."""
    subject = use.person.full_name if use.person is not None else use.unit.name if use.unit is not None else "—"
    return _("%(award)s năm %(year)s cho %(subject)s", award=use.award.name_vi, year=use.year, subject=subject)


def _already_used(initiative: Initiative, use: InitiativeUse) -> ValidationFailed:
    return ValidationFailed(_("Sáng kiến “%(code)s – %(title)s” đã được dùng để đề nghị %(use)s; mỗi sáng kiến chỉ "
                              "được dùng cho một lần khen thưởng.", code=initiative.code, title=initiative.title,
                              use=describe_use(use)))


def record_use(initiative: Initiative, *, award: Award, year: int, person: Person | None = None,
               unit: Unit | None = None, note: str = "") -> InitiativeUse:
    """Record that ``initiative`` supports ``award`` for ``year`` of ``person`` (an author) or ``unit``.

    An initiative supports one award only: a second use, for anything else, is refused naming the first;
    recording the same use again changes nothing. Only a recognised initiative (with a scope) supports one.
    """
    if (person is None) == (unit is None):
        raise ValidationFailed(_("Chọn một cá nhân hoặc một tập thể được đề nghị."))
    current = initiative.use
    if current is not None:
        same = (current.award_id == award.id and current.year == year
                and current.person_id == (person.id if person else None)
                and current.unit_id == (unit.id if unit else None))
        if same:
            return current
        raise _already_used(initiative, current)
    if initiative.scope is None:
        raise ValidationFailed(_("Sáng kiến “%(code)s” chưa được công nhận nên chưa dùng để đề nghị khen thưởng được.",
                                 code=initiative.code))
    if person is not None:
        if award.nominee_type == NomineeType.COLLECTIVE:
            raise ValidationFailed(_("“%(award)s” chỉ dành cho tập thể.", award=award.name_vi))
        if person.id not in {a.person_id for a in initiative.authors}:
            raise ValidationFailed(_("%(name)s không phải tác giả của sáng kiến “%(code)s”.",
                                     name=person.full_name, code=initiative.code))
    if unit is not None and award.nominee_type == NomineeType.PERSON:
        raise ValidationFailed(_("“%(award)s” chỉ dành cho cá nhân.", award=award.name_vi))
    db.session.flush()  # the initiative's own pending changes, outside the savepoint below
    try:
        with db.session.begin_nested():
            # Ids rather than relationships: nothing pending outside the savepoint if the insert is refused.
            use = InitiativeUse(initiative_id=initiative.id, award_id=award.id, year=year,
                                person_id=person.id if person else None, unit_id=unit.id if unit else None,
                                note=note or "")
            db.session.add(use)
            db.session.flush()
    except IntegrityError:
        # Another request recorded a use between our read and our write: name theirs, as above.
        db.session.expire(initiative, ["use"])
        first = db.session.scalar(select(InitiativeUse).where(InitiativeUse.initiative_id == initiative.id))
        if first is None:
            raise
        raise _already_used(initiative, first) from None
    db.session.expire(initiative, ["use"])
    _touch(initiative)
    db.session.flush()
    return use


def release_use(initiative: Initiative) -> None:
    """Free the initiative again (the nomination it supported was withdrawn or rejected); no use: no change."""
    if initiative.use is None:
        return
    initiative.use = None
    _touch(initiative)
    db.session.flush()


# --- award history -----------------------------------------------------------------------------------

def save_holding(award: Award, year: int, *, person: Person | None = None, unit: Unit | None = None,
                 decision_no: str = "", decision_date: date | None = None, issuer: str = "",
                 import_batch: ImportBatch | None = None) -> AwardHolding:
    """Record that ``person`` or ``unit`` holds ``award`` for ``year``; the same subject × year × award updates.

    A person-only award cannot be held by a unit, nor a collective one by a person (``Award.nominee_type``).
    """
    if (person is None) == (unit is None):
        raise ValidationFailed(_("Chọn một cá nhân hoặc một tập thể."))
    if person is not None and award.nominee_type == NomineeType.COLLECTIVE:
        raise ValidationFailed(_("“%(award)s” chỉ dành cho tập thể.", award=award.name_vi))
    if unit is not None and award.nominee_type == NomineeType.PERSON:
        raise ValidationFailed(_("“%(award)s” chỉ dành cho cá nhân.", award=award.name_vi))
    subject = AwardHolding.person_id == person.id if person is not None else AwardHolding.unit_id == unit.id
    holding = db.session.scalar(select(AwardHolding).where(subject, AwardHolding.year == year,
                                                           AwardHolding.award_id == award.id))
    if holding is None:
        holding = AwardHolding(person_id=person.id if person else None, unit_id=unit.id if unit else None,
                               year=year, award=award)
        db.session.add(holding)
    holding.decision_no = decision_no or ""
    holding.decision_date = decision_date
    holding.issuer = issuer or ""
    if import_batch is not None:
        holding.import_batch_id = import_batch.id
    db.session.flush()
    return holding
