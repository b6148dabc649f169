"""Decision operations: draft, edit, issue, revoke, record an outcome from above. They flush, never commit.

``issue`` is the one place a decision gets its number: inside a savepoint it takes the next number of the
issuer's year (``UPDATE decision_sequence … RETURNING``: the row lock serialises concurrent issuers), freezes the
printed values, renders and stores the PDF (signed when the issuer has a key), moves every nomination to
``decided`` through the workflow engine and records the award holdings. Any failure leaves the savepoint, so no
number is used, no file is stored and no nomination moves.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from awards.catalogue.models import AwardHolding, AwardKind, LegalBasis
from awards.core.errors import PermissionDenied, StaleRecord, ValidationFailed
from awards.core.formatting import short_date
from awards.core.models import utcnow
from awards.decisions import texts
from awards.decisions.models import (Decision, DecisionItem, DecisionKind, DecisionLegalBasis, DecisionSequence,
                                     DecisionState, SigningMode)
from awards.decisions.money import NoMoneyRule, award_money
from awards.documents.models import StoredDocument
from awards.eligibility.loader import load_parameters
from awards.extensions import db
from awards.nominations import operations as nominations
from awards.nominations.documents import DEFAULT_HEAD_TITLE, HEAD_TITLES
from awards.nominations.models import Nomination
from awards.org.models import Person, Role, Unit, User
from awards.org.permissions import visible_unit_ids

__all__ = ["DEFAULT_BASIS_CODES", "NotAllowedNow", "create_decision", "decidable_nominations", "default_legal_bases",
           "delete_draft", "issue", "record_external", "revoke", "update_draft"]

NotAllowedNow = nominations.NotAllowedNow
MANAGERS = (Role.HR, Role.ADMIN)
# The legal bases a new decision cites, in print order, when they are in force on its date: the law, its
# decree(s), the base salary decree (the money), the sector's rules. HR may choose others from the catalogue.
DEFAULT_BASIS_CODES = ("LTDKT_2003", "LTDKT_2022", "ND91_2017", "ND98_2023", "ND152_2025", "ND72_2018", "ND38_2019",
                       "ND24_2023", "ND73_2024", "THADS_TDKT")
DEFAULT_EXECUTORS = "Chánh Văn phòng, Trưởng phòng Tổ chức cán bộ, Thủ trưởng các đơn vị có liên quan"


# --- access --------------------------------------------------------------------------------------------------

def can_manage(user: User, unit: Unit) -> bool:
    """HR and admins of the issuer (or of a unit above it) prepare and issue its decisions."""
    return unit.id in visible_unit_ids(user, MANAGERS)


def _require_manager(user: User, unit: Unit) -> None:
    if not can_manage(user, unit):
        raise PermissionDenied(_("Chỉ bộ phận tổ chức cán bộ (HR) hoặc quản trị của đơn vị ban hành mới được thực "
                                 "hiện thao tác này."))


def _require_draft(decision: Decision) -> None:
    if decision.state != DecisionState.DRAFT:
        raise NotAllowedNow(_("Quyết định đã ban hành: không sửa được."))


def _check_version(decision: Decision, version: int | None) -> None:
    if version is not None and int(version) != decision.version:
        raise StaleRecord()


# --- defaults ------------------------------------------------------------------------------------------------

def head_title(unit: Unit) -> str:
    return HEAD_TITLES.get(unit.kind, DEFAULT_HEAD_TITLE)



def default_legal_bases(on: date) -> list[LegalBasis]:
    by_code = {b.code: b for b in db.session.scalars(select(LegalBasis).where(
        LegalBasis.code.in_(DEFAULT_BASIS_CODES)))}
    return [by_code[c] for c in DEFAULT_BASIS_CODES if c in by_code and by_code[c].in_force_on(on)]


def signer_lines(mode: SigningMode | str, position: str, signer: Person | None) -> tuple[str, str]:
    """(position after the mode, the signer's own title under it) for a signing mode (Decree 30, Phụ lục I)."""
    mode = SigningMode(mode)
    own = (signer.position or "").upper() if signer is not None else ""
    if mode == SigningMode.KT:
        return position, f"PHÓ {position}"
    if mode in (SigningMode.TL, SigningMode.TUQ):
        return position, own
    return position, ""


def _award_groups(items: Sequence[DecisionItem]) -> list[texts.Group]:
    groups: dict[int, list[DecisionItem]] = {}
    for item in items:
        groups.setdefault(item.award_id, []).append(item)
    ordered = sorted(groups.values(), key=lambda its: (its[0].award.rank, its[0].award.code))
    return [texts.Group(its[0].award.name_vi, its[0].award.kind == AwardKind.TITLE,
                        sum(1 for i in its if not i.is_collective), sum(1 for i in its if i.is_collective))
            for its in ordered]


def _fill_texts(decision: Decision) -> None:
    """The generated wording of a draft from its items (HR edits it afterwards)."""
    issuer_name = decision.issuer.name_on(decision.decided_on)
    persons = sum(1 for i in decision.items if not i.is_collective)
    collectives = len(decision.items) - persons
    if decision.kind == DecisionKind.REVOCATION:
        target = decision.revokes
        when = short_date(target.decided_on)
        decision.subject = texts.revocation_subject(target.number_text, when)
        decision.article1 = texts.revocation_article1(target.number_text, when, persons, collectives,
                                                      decision.reason)
        decision.article2 = texts.revocation_article2(decision.total_money, persons, collectives)
    else:
        groups = _award_groups(decision.items)
        sentence, lines = texts.article1(groups, decision.award_year, issuer_name) if groups else ("", [])
        decision.subject = texts.subject(groups, decision.award_year) if groups else ""
        decision.article1 = "\n".join([sentence] + [f"- {line}" for line in lines])
        decision.article2 = texts.article2(decision.total_money, decision.fund)
    decision.article3 = texts.article3(DEFAULT_EXECUTORS, texts.kinds(persons, collectives) or "cá nhân")


# --- items ---------------------------------------------------------------------------------------------------

def decidable_nominations(issuer: Unit, *, external: bool = False) -> list[Nomination]:
    """Nominations a new decision of ``issuer`` may include: approved by its head (``referred`` upward for an
    outcome recorded from above), and not already in another decision."""
    taken = select(DecisionItem.nomination_id).where(DecisionItem.nomination_id.is_not(None),
                                                     DecisionItem.revokes_item_id.is_(None))
    return list(db.session.scalars(
        select(Nomination).where(Nomination.deciding_unit_id == issuer.id,
                                 Nomination.state == ("referred" if external else "approved"),
                                 Nomination.id.not_in(taken))
        .order_by(Nomination.year, Nomination.award_id, Nomination.id)))


def _nominee_type(nomination: Nomination) -> str:
    return "person" if nomination.person_id is not None else "collective"


def _load_nominations(ids: Iterable[int]) -> list[Nomination]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    found = {n.id: n for n in db.session.scalars(select(Nomination).where(Nomination.id.in_(ids)))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(_("Không có hồ sơ đề nghị số %(ids)s.", ids=", ".join(map(str, missing))),
                               details={"nomination_ids": [str(i) for i in missing]})
    return [found[i] for i in ids]


def _check_nominations(issuer: Unit, chosen: list[Nomination], *, state: str, exclude_decision: int | None) -> int:
    """Every nomination must wait for this issuer's decision; they must be of one year, which is returned."""
    if not chosen:
        raise ValidationFailed(_("Chọn ít nhất một hồ sơ đề nghị."), details={"nomination_ids": ["empty"]})
    problems = []
    for n in chosen:
        if n.deciding_unit_id != issuer.id:
            problems.append(_("Hồ sơ %(id)s không thuộc thẩm quyền của %(unit)s.", id=n.id, unit=issuer.name))
        elif n.state != state:
            problems.append(_("Hồ sơ %(id)s chưa ở trạng thái chờ quyết định.", id=n.id))
    if {n.year for n in chosen} and len({n.year for n in chosen}) > 1:
        problems.append(_("Các hồ sơ trong một quyết định phải cùng năm thi đua."))
    taken = db.session.execute(
        select(DecisionItem.nomination_id, Decision.id).join(Decision, DecisionItem.decision_id == Decision.id)
        .where(DecisionItem.nomination_id.in_([n.id for n in chosen]), DecisionItem.revokes_item_id.is_(None),
               Decision.id != (exclude_decision or 0))).all()
    problems += [_("Hồ sơ %(id)s đã có trong quyết định %(decision)s.", id=nid, decision=did) for nid, did in taken]
    if problems:
        raise ValidationFailed(" ".join(problems), details={"nomination_ids": problems})
    return chosen[0].year


def _price(decision: Decision) -> None:
    """Money of every item at the decision date, and the total (ValidationFailed when the catalogue lacks it)."""
    params = load_parameters()
    total = 0
    for item in decision.items:
        if item.revokes_item_id is not None:
            item.money, item.multiple, item.base_salary = (item.revokes_item.money, item.revokes_item.multiple,
                                                           item.revokes_item.base_salary)
        else:
            try:
                amount = award_money(params, item.award.code, "collective" if item.is_collective else "person",
                                     decision.decided_on)
            except NoMoneyRule as exc:
                raise ValidationFailed(_("Danh mục chưa có mức tiền thưởng của %(award)s vào ngày %(day)s (%(key)s).",
                                         award=item.award.name_vi, day=short_date(decision.decided_on), key=str(exc)),
                                       details={"date": [str(exc)]}) from None
            item.money, item.multiple, item.base_salary = amount.money, str(amount.multiple), amount.base_salary
        total += item.money
    decision.total_money = total


def _item_for(nomination: Nomination) -> DecisionItem:
    return DecisionItem(nomination=nomination, person_id=nomination.person_id, unit_id=nomination.unit_id,
                        award_id=nomination.award_id, award=nomination.award)


def _set_items(decision: Decision, chosen: list[Nomination]) -> None:
    decision.items = [_item_for(n) for n in chosen]


def _set_bases(decision: Decision, bases: Sequence[LegalBasis]) -> None:
    decision.bases = [DecisionLegalBasis(legal_basis=b, position=i) for i, b in enumerate(bases)]


def _load_bases(ids: Iterable[int] | None, on: date) -> list[LegalBasis]:
    if ids is None:
        return default_legal_bases(on)
    ids = [int(i) for i in ids]
    found = {b.id: b for b in db.session.scalars(select(LegalBasis).where(LegalBasis.id.in_(ids)))}
    if len(found) != len(set(ids)):
        raise ValidationFailed(_("Căn cứ pháp lý không có trong danh mục."), details={"legal_basis_ids": ["unknown"]})
    return [found[i] for i in ids]


def _check_signer(issuer: Unit, signer: Person | None) -> None:
    if signer is not None and signer.unit_id != issuer.id:
        raise ValidationFailed(_("Người ký phải là lãnh đạo của đơn vị ban hành."), details={"signer": ["unit"]})


def _check_issuer(issuer: Unit) -> None:
    if not issuer.legal_personality:
        raise ValidationFailed(_("%(unit)s không có tư cách pháp nhân: không ban hành quyết định khen thưởng.",
                                 unit=issuer.name), details={"issuer": ["legal_personality"]})


# --- drafts --------------------------------------------------------------------------------------------------

def create_decision(*, actor: User, issuer: Unit, decided_on: date, nomination_ids: Iterable[int],
                    signer: Person | None = None, signing_mode: SigningMode | str = SigningMode.NONE,
                    legal_basis_ids: Iterable[int] | None = None, recipients: list[str] | None = None) -> Decision:
    """A draft decision of ``issuer`` granting the chosen approved nominations, with its money and wording."""
    _require_manager(actor, issuer)
    _check_issuer(issuer)
    _check_signer(issuer, signer)
    chosen = _load_nominations(nomination_ids)
    award_year = _check_nominations(issuer, chosen, state="approved", exclude_decision=None)
    position, title = signer_lines(signing_mode, head_title(issuer), signer)
    name = issuer.name_on(decided_on)
    decision = Decision(kind=DecisionKind.AWARD, state=DecisionState.DRAFT, issuer=issuer, year=decided_on.year,
                        award_year=award_year, symbol=f"QĐ-{issuer.document_code}" if issuer.document_code else "QĐ",
                        decided_on=decided_on, place=issuer.place_name(), signer=signer,
                        signing_mode=SigningMode(signing_mode), signer_position=position, signer_title=title,
                        authority=f"{head_title(issuer)} {name.upper()}",
                        considering=f"Xét đề nghị của Hội đồng Thi đua - Khen thưởng {name}",
                        recipients=recipients if recipients is not None else
                        ["Như Điều 3;", "Lưu: VT, TCCB."],
                        fund=f"Quỹ thi đua, khen thưởng của {name}", created_by_id=actor.id)
    _set_items(decision, chosen)
    _set_bases(decision, _load_bases(legal_basis_ids, decided_on))
    db.session.add(decision)
    _price(decision)
    _fill_texts(decision)
    db.session.flush()
    return decision


EDITABLE_TEXTS = ("subject", "authority", "considering", "article1", "article2", "article3", "fund",
                  "signer_position", "signer_title")


def update_draft(decision: Decision, *, actor: User, version: int | None, decided_on: date | None = None,
                 signer: Person | None | bool = False, signing_mode: SigningMode | str | None = None,
                 legal_basis_ids: Iterable[int] | None = None, recipients: list[str] | None = None,
                 nomination_ids: Iterable[int] | None = None, regenerate: bool = False, **texts_: str) -> Decision:
    """Edit a draft. A new date reprices the items; new items (or ``regenerate``) rewrite the generated wording.
    ``signer=False`` leaves the signer as it is (None removes it)."""
    _check_version(decision, version)
    _require_manager(actor, decision.issuer)
    _require_draft(decision)
    unknown = set(texts_) - set(EDITABLE_TEXTS)
    if unknown:
        raise ValidationFailed(_("Trường không sửa được: %(names)s.", names=", ".join(sorted(unknown))))
    reprice = False
    if decided_on is not None and decided_on != decision.decided_on:
        decision.decided_on, decision.year, reprice = decided_on, decided_on.year, True
    if signer is not False:
        _check_signer(decision.issuer, signer)
        decision.signer = signer
    if signing_mode is not None:
        decision.signing_mode = SigningMode(signing_mode)
        decision.signer_position, decision.signer_title = signer_lines(signing_mode, head_title(decision.issuer),
                                                                       decision.signer)
    if legal_basis_ids is not None:
        _set_bases(decision, _load_bases(legal_basis_ids, decision.decided_on))
    if recipients is not None:
        decision.recipients = [r.strip() for r in recipients if r.strip()]
    if nomination_ids is not None:
        chosen = _load_nominations(nomination_ids)
        decision.award_year = _check_nominations(decision.issuer, chosen, state="approved",
                                                 exclude_decision=decision.id)
        decision.items.clear()
        db.session.flush()  # the old items go before the new ones take the same nominations
        _set_items(decision, chosen)
        reprice = regenerate = True
    if reprice:
        _price(decision)
    if regenerate or reprice:
        _fill_texts(decision)
    for key, value in texts_.items():
        setattr(decision, key, (value or "").strip())
    db.session.flush()
    return decision


def delete_draft(decision: Decision, *, actor: User, version: int | None = None) -> None:
    _check_version(decision, version)
    _require_manager(actor, decision.issuer)
    _require_draft(decision)
    db.session.delete(decision)
    db.session.flush()


# --- issuing -------------------------------------------------------------------------------------------------

def _next_number(issuer_id: int, year: int) -> int:
    """The next number of the issuer's year, taken under the sequence row's lock (held until commit)."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(DecisionSequence).values(issuer_id=issuer_id, year=year, last_number=0)
                       .on_conflict_do_nothing(index_elements=["issuer_id", "year"]))
    return db.session.execute(
        update(DecisionSequence).where(DecisionSequence.issuer_id == issuer_id, DecisionSequence.year == year)
        .values(last_number=DecisionSequence.last_number + 1).returning(DecisionSequence.last_number)).scalar_one()


def _annex_order(items: Sequence[DecisionItem]) -> list[DecisionItem]:
    """Annex order: award (lowest rank first), collectives before individuals, then unit and name."""
    from awards.core.formatting import name_sort_key, vietnamese_sort_key

    def key(item: DecisionItem):
        if item.is_collective:
            return (item.award.rank, item.award.code, 0, vietnamese_sort_key(item.unit.name), "")
        unit = item.person.unit
        return (item.award.rank, item.award.code, 1, unit.code if unit else "", name_sort_key(item.person.full_name))

    return sorted(items, key=key)


def _freeze(item: DecisionItem, on: date) -> None:
    """The printed name, position and unit as they are on the decision date."""
    if item.is_collective:
        unit = item.unit
        item.nominee_name, item.nominee_position = unit.name_on(on), ""
        item.nominee_unit = unit.parent.name_on(on) if unit.parent is not None else ""
    else:
        person = item.person
        unit = person.unit_on(on) or person.unit
        item.nominee_name, item.nominee_position = person.full_name, person.position or ""
        item.nominee_unit = unit.name_on(on) if unit is not None else ""


def _store_pdf(decision: Decision) -> None:
    """Render the decision, sign it when the issuer has a key, and store it with its SHA-256."""
    from awards.decisions import documents, signing
    from awards.documents.render import render_pdf, sha256

    context = documents.decision_context(decision)
    pdf = render_pdf("decision.html", context)
    signed = signing.sign_if_configured(decision.issuer, pdf)
    if signed is not None:
        pdf, decision.signed = signed, True
    stored = StoredDocument(kind="decision", filename=documents.filename(decision), content=pdf, sha256=sha256(pdf))
    db.session.add(stored)
    decision.pdf = stored
    decision.content = documents.jsonable(context)


def _hold(item: DecisionItem, decision: Decision) -> None:
    """The award holding the eligibility rules read (a later CSTĐCS needs this year's LĐTT)."""
    column = AwardHolding.person_id if not item.is_collective else AwardHolding.unit_id
    subject = item.person_id if not item.is_collective else item.unit_id
    year = decision.award_year
    holding = db.session.scalar(select(AwardHolding).where(column == subject, AwardHolding.year == year,
                                                           AwardHolding.award_id == item.award_id))
    if holding is None:
        holding = AwardHolding(person_id=item.person_id, unit_id=item.unit_id, year=year, award_id=item.award_id)
        db.session.add(holding)
    holding.decision_no, holding.decision_date = decision.number_text, decision.decided_on
    holding.issuer, holding.revoked = decision.issuer_label, False


def _unhold(item: DecisionItem, year: int) -> None:
    column = AwardHolding.person_id if not item.is_collective else AwardHolding.unit_id
    subject = item.person_id if not item.is_collective else item.unit_id
    holding = db.session.scalar(select(AwardHolding).where(column == subject, AwardHolding.year == year,
                                                           AwardHolding.award_id == item.award_id))
    if holding is not None:
        holding.revoked = True


def issue(decision: Decision, *, actor: User, version: int | None = None) -> Decision:
    """Number, render, store and apply the decision in one step (see the module's docstring)."""
    _check_version(decision, version)
    _require_manager(actor, decision.issuer)
    _require_draft(decision)
    if decision.kind == DecisionKind.EXTERNAL:
        raise NotAllowedNow()
    if not decision.items:
        raise ValidationFailed(_("Quyết định chưa có ai được khen thưởng."))
    if decision.signer is None:
        raise ValidationFailed(_("Chọn người ký quyết định."), details={"signer": ["required"]})
    # Leaving the savepoint by an exception rolls back the number, the stored file and every transition.
    with db.session.begin_nested():
        _apply(decision, actor)
    return decision


def _apply(decision: Decision, actor: User) -> None:
    if decision.kind == DecisionKind.AWARD:
        # Still waiting for this decision? (Someone may have withdrawn or revoked one since the draft.)
        _check_nominations(decision.issuer, [i.nomination for i in decision.items], state="approved",
                           exclude_decision=decision.id)
    for position, item in enumerate(_annex_order(decision.items), start=1):
        item.position = position
        if item.revokes_item_id is None:
            _freeze(item, decision.decided_on)
    _price(decision)
    decision.number = _next_number(decision.issuer_id, decision.year)
    decision.issued_at, decision.issued_by_id = utcnow(), actor.id
    _store_pdf(decision)
    decision.state = DecisionState.ISSUED
    db.session.flush()
    if decision.kind == DecisionKind.REVOCATION:
        _apply_revocation(decision, actor)
    else:
        for item in decision.items:
            nominations.transition(item.nomination, "decide", actor=actor, decision_no=decision.number_text,
                                   decision_date=decision.decided_on)
            _hold(item, decision)
    db.session.flush()


# --- revocation ----------------------------------------------------------------------------------------------

def revoke(decision: Decision, *, actor: User, decided_on: date, reason: str, signer: Person | None = None,
           signing_mode: SigningMode | str = SigningMode.NONE, item_ids: Iterable[int] | None = None,
           version: int | None = None) -> Decision:
    """A draft revoking decision citing ``decision`` for the chosen items (all still granted ones by default).

    Issuing it (``issue``) revokes the items: their nominations go to ``revoked`` with its number, the award
    holdings are marked revoked, and the cited decision becomes ``revoked`` once none of its items stands.
    """
    _check_version(decision, version)
    _require_manager(actor, decision.issuer)
    if decision.kind != DecisionKind.AWARD or decision.state != DecisionState.ISSUED:
        raise NotAllowedNow(_("Chỉ thu hồi được quyết định khen thưởng đã ban hành."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Nêu lý do thu hồi."), details={"reason": ["required"]})
    _check_signer(decision.issuer, signer)
    standing = [i for i in decision.items if i.revoked_by_id is None]
    if item_ids is not None:
        wanted = {int(i) for i in item_ids}
        chosen = [i for i in standing if i.id in wanted]
        if len(chosen) != len(wanted):
            raise ValidationFailed(_("Có người không thuộc quyết định này hoặc đã bị thu hồi."),
                                   details={"item_ids": ["unknown"]})
    else:
        chosen = standing
    if not chosen:
        raise ValidationFailed(_("Không còn khen thưởng nào để thu hồi."), details={"item_ids": ["empty"]})
    issuer = decision.issuer
    position, title = signer_lines(signing_mode, head_title(issuer), signer)
    name = issuer.name_on(decided_on)
    revocation = Decision(kind=DecisionKind.REVOCATION, state=DecisionState.DRAFT, issuer=issuer,
                          year=decided_on.year, award_year=decision.award_year, symbol=decision.symbol,
                          decided_on=decided_on, place=decision.place, signer=signer,
                          signing_mode=SigningMode(signing_mode), signer_position=position, signer_title=title,
                          authority=f"{head_title(issuer)} {name.upper()}",
                          considering=f"Xét đề nghị của Trưởng phòng Tổ chức cán bộ {name}", reason=reason,
                          recipients=["Như Điều 3;", "Lưu: VT, TCCB."], fund=decision.fund, revokes=decision,
                          created_by_id=actor.id)
    revocation.items = [DecisionItem(nomination_id=i.nomination_id, person_id=i.person_id, unit_id=i.unit_id,
                                     award_id=i.award_id, award=i.award, revokes_item=i,
                                     nominee_name=i.nominee_name, nominee_position=i.nominee_position,
                                     nominee_unit=i.nominee_unit) for i in chosen]
    _set_bases(revocation, default_legal_bases(decided_on))
    db.session.add(revocation)
    _price(revocation)
    _fill_texts(revocation)
    db.session.flush()
    return revocation


def _apply_revocation(revocation: Decision, actor: User) -> None:
    target = revocation.revokes
    for item in revocation.items:
        granted = item.revokes_item
        if granted.revoked_by_id is not None:
            raise NotAllowedNow(_("%(name)s đã bị thu hồi bởi quyết định khác.", name=granted.nominee_name))
        granted.revoked_by = revocation
        if granted.nomination is not None and granted.nomination.state == "decided":
            nominations.transition(granted.nomination, "revoke", actor=actor, comment=revocation.reason,
                                   revoking_decision=revocation.number_text)
        _unhold(granted, target.award_year)
    db.session.flush()
    if all(i.revoked_by_id is not None for i in target.items):
        target.state = DecisionState.REVOKED


# --- outcomes from above -------------------------------------------------------------------------------------

def record_external(*, actor: User, unit: Unit, external_issuer: str, external_number: str, decided_on: date,
                    nomination_ids: Iterable[int]) -> Decision:
    """Record a higher authority's decision (a minister's Bằng khen …) for nominations referred upward by
    ``unit``: the nominations become ``decided`` with that number, their money is computed at its date."""
    _require_manager(actor, unit)
    external_issuer, external_number = (external_issuer or "").strip(), (external_number or "").strip()
    if not external_issuer or not external_number:
        raise ValidationFailed(_("Nhập cơ quan ban hành và số quyết định."),
                               details={"external_number": ["required"]})
    chosen = _load_nominations(nomination_ids)
    award_year = _check_nominations(unit, chosen, state="referred", exclude_decision=None)
    decision = Decision(kind=DecisionKind.EXTERNAL, state=DecisionState.ISSUED, issuer=unit, year=decided_on.year,
                        award_year=award_year, external_issuer=external_issuer, external_number=external_number,
                        decided_on=decided_on, place="", issued_at=utcnow(), issued_by_id=actor.id,
                        created_by_id=actor.id)
    _set_items(decision, chosen)
    db.session.add(decision)
    with db.session.begin_nested():
        for position, item in enumerate(_annex_order(decision.items), start=1):
            item.position = position
            _freeze(item, decided_on)
        _price(decision)
        db.session.flush()
        for item in decision.items:
            nominations.transition(item.nomination, "decide", actor=actor, decision_no=external_number,
                                   decision_date=decided_on)
            _hold(item, decision)
    db.session.flush()
    return decision


def totals_by_award(decision: Decision) -> list[dict[str, Any]]:
    """Per award: name, persons, collectives and money (for the decision page and the API)."""
    rows: dict[int, dict[str, Any]] = {}
    for item in decision.items:
        row = rows.setdefault(item.award_id, {"award": item.award.code, "name": item.award.name_vi,
                                              "rank": item.award.rank, "persons": 0, "collectives": 0, "money": 0})
        row["collectives" if item.is_collective else "persons"] += 1
        row["money"] += item.money
    return sorted(rows.values(), key=lambda r: (r["rank"], r["award"]))
