"""Decision pages (HR): list, new draft, the draft's edits, issue, revoke, outcomes from above, the PDF.

Views stay thin: load the decision, check access (``queries.access``: 404 outside scope, 403 in scope without a
decision role, read-only for approvers, the secretariat and — issued ones only — viewers), validate the form,
call one operation (which checks roles, states and versions again) and redirect; a domain error is shown on the
page the user acted from, with the status the API would give (403/409/422). Nothing here commits.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from awards.admin.forms import options, unit_choices
from awards.core import exports
from awards.core.errors import AwardsError, NotFound
from awards.decisions import documents, operations, queries
from awards.decisions.forms import (DecisionForm, DraftForm, ExternalForm, RevokeForm, VersionForm,
                                    recipient_lines)
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionState
from awards.decisions.queries import FORBIDDEN, MANAGE
from awards.extensions import db
from awards.nominations.models import Nomination
from awards.nominations.views import award_name
from awards.org.models import Person, Unit
from awards.org.permissions import require

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

STATES = {DecisionState.DRAFT: ("secondary", _l("Dự thảo")), DecisionState.ISSUED: ("success", _l("Đã ban hành")),
          DecisionState.REVOKED: ("danger", _l("Đã bị thu hồi"))}
KINDS = {DecisionKind.AWARD: _l("Khen thưởng"), DecisionKind.REVOCATION: _l("Thu hồi khen thưởng"),
         DecisionKind.EXTERNAL: _l("Của cấp trên")}
DEFAULT_RECIPIENTS = "Như Điều 3;\nLưu: VT, TCCB."


@bp.app_context_processor
def _decision_helpers() -> dict:
    return {"reads_decisions": lambda: queries.reads_decisions(current_user),
            "decision_state_label": lambda s: str(STATES[DecisionState(s)][1]),
            "decision_state_colour": lambda s: STATES[DecisionState(s)][0],
            "decision_kind_label": lambda k: str(KINDS[DecisionKind(k)]),
            "decision_of": _decision_of}


def _decision_of(nomination: Nomination) -> Decision | None:
    """The decision granting ``nomination`` when the user may read it (the nomination page links it)."""
    if nomination.state not in ("decided", "revoked"):
        return None
    decision = db.session.scalar(select(Decision).join(DecisionItem, DecisionItem.decision_id == Decision.id)
                                 .where(DecisionItem.nomination_id == nomination.id,
                                        DecisionItem.revokes_item_id.is_(None)))
    if decision is None or queries.access(current_user, decision) not in (MANAGE, queries.VIEW):
        return None
    return decision


# --- helpers -------------------------------------------------------------------------------------------------

def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _error(error: AwardsError) -> dict:
    details = error.details
    values = details.values() if isinstance(details, dict) else details or []
    flat = [str(x) for v in values for x in (v if isinstance(v, list | tuple) else [v])]
    # Sentences the message does not already say (the details also carry machine codes such as "required").
    reasons = [r for r in flat if " " in r and r not in error.message]
    return {"status": error.status, "message": error.message, "reasons": reasons}


def _form_error(form) -> dict:
    return {"status": 422, "message": _("Dữ liệu không hợp lệ."),
            "reasons": [e for errors in form.errors.values() for e in errors if isinstance(e, str)]}


def _load(decision_id: int, *, manage: bool = False) -> tuple[Decision, str]:
    """The decision and the user's access to it: 404 outside scope, 403 in scope without a reading role (and
    without HR/admin when ``manage``)."""
    decision = db.session.scalar(select(Decision).where(Decision.id == decision_id)
                                 .options(*queries.detail_options()))
    if decision is None:
        raise NotFound()
    level = queries.access(current_user, decision)
    if level is None:
        raise NotFound()
    require(level != FORBIDDEN)
    if manage:
        require(level == MANAGE)
    return decision, level


def _signer_choices(form, issuer: Unit) -> None:
    people = queries.signers(issuer)
    form.signer_id.choices = options([("", _("— Chọn người ký —"))] + [(p.id, f"{p.full_name} — {p.position}")
                                                                      for p in people])


def _signer(form, issuer: Unit) -> Person | None:
    """The chosen signer, who must be one of the issuer's staff listed on the form (else the form shows why)."""
    if form.signer_id.data is None:
        return None
    person = db.session.get(Person, form.signer_id.data)
    if person is None or person.unit_id != issuer.id:
        form.signer_id.errors = [*form.signer_id.errors, _("Người ký phải là lãnh đạo của đơn vị ban hành.")]
        return None
    return person


def _head_signer(issuer: Unit) -> int | None:
    """The head of the issuer (position = the head's title), proposed as the signer of a new decision."""
    title = operations.head_title(issuer).lower()
    return next((p.id for p in queries.signers(issuer) if (p.position or "").strip().lower() == title), None)


def _grouped(nominations: list[Nomination]) -> list[tuple[str, list[Nomination]]]:
    groups: dict[str, list[Nomination]] = {}
    for n in nominations:
        groups.setdefault(f"{award_name(n.award)} ({n.year})", []).append(n)
    return list(groups.items())


# --- the list ------------------------------------------------------------------------------------------------

def _filters() -> dict:
    args = request.args
    state = args.get("state") if args.get("state") in {s.value for s in DecisionState} else None
    kind = args.get("kind") if args.get("kind") in {k.value for k in DecisionKind} else None
    return {k: v for k, v in (("year", args.get("year", type=int)), ("issuer", args.get("issuer", type=int)),
                              ("state", state), ("kind", kind)) if v}


def _export_columns(counts: dict[int, tuple[int, int]]) -> list[exports.Column]:
    """The list's columns as a download (?format=xlsx|csv); ``counts``: (persons, collectives) per decision."""
    return [
        exports.Column(_l("Số/ký hiệu"), lambda d: d.number_text or _("Dự thảo #%(id)s", id=d.id)),
        exports.Column(_l("Ngày"), lambda d: d.decided_on, "date"),
        exports.Column(_l("Loại"), lambda d: KINDS[DecisionKind(d.kind)]),
        exports.Column(_l("Đơn vị ban hành"), lambda d: d.issuer_label),
        exports.Column(_l("Trích yếu"), lambda d: d.subject),
        exports.Column(_l("Số cá nhân"), lambda d: counts.get(d.id, (0, 0))[0], "int"),
        exports.Column(_l("Số tập thể"), lambda d: counts.get(d.id, (0, 0))[1], "int"),
        exports.Column(_l("Tổng tiền"), lambda d: d.total_money, "money"),
        exports.Column(_l("Trạng thái"), lambda d: STATES[DecisionState(d.state)][1]),
    ]


@bp.route("/")
@login_required
def index():
    require(queries.reads_decisions(current_user))
    filters = _filters()
    stmt = queries.decisions_for(current_user, **filters)
    if fmt := exports.requested_format():
        decisions = list(db.session.scalars(stmt))
        counts = queries.item_counts([d.id for d in decisions])
        return exports.download(fmt, _("Quyết định khen thưởng"), _export_columns(counts), decisions)
    per_page = current_app.config.get("PER_PAGE", 25)
    page = db.paginate(stmt, page=max(request.args.get("page", 1, type=int), 1), per_page=per_page,
                       error_out=False, max_per_page=per_page)
    counts = queries.item_counts([d.id for d in page.items])
    return render_template("decisions/list.html", page=page, filters=filters, counts=counts,
                           issuers=queries.filter_issuers(current_user), states=STATES, kinds=KINDS,
                           can_create=bool(queries.issuer_units(current_user)))


# --- a new draft ---------------------------------------------------------------------------------------------

def _chosen_issuer(field, arg: str):
    """The unit a new decision (or a recorded outcome) is for: one the user prepares decisions of (403 when none),
    offered in ``field``; on GET the one named by the query argument ``arg``, else the first. (units, chosen)."""
    units = queries.issuer_units(current_user)
    require(bool(units))
    by_id = {u.id: u for u in units}
    field.choices = unit_choices(units)
    if request.method == "GET":
        wanted = request.args.get(arg, type=int)
        field.data = wanted if wanted in by_id else units[0].id
    return units, by_id.get(field.data) or units[0]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = DecisionForm()
    units, issuer = _chosen_issuer(form.issuer_id, "issuer")
    _signer_choices(form, issuer)
    bases = queries.legal_bases()
    form.legal_basis_ids.choices = options((b.id, b.number) for b in bases)
    waiting = operations.decidable_nominations(issuer)
    if request.method == "GET":
        form.decided_on.data = date.today()
        form.bases_by_date.data = True
        form.signer_id.data = _head_signer(issuer)
        form.recipients.data = DEFAULT_RECIPIENTS
        form.legal_basis_ids.data = [b.id for b in operations.default_legal_bases(form.decided_on.data)]
        form.nomination_ids.data = [n.id for n in waiting]
    error = None
    if form.validate_on_submit():
        signer = _signer(form, issuer)
        if not form.signer_id.errors:
            try:
                decision = operations.create_decision(
                    actor=current_user, issuer=issuer, decided_on=form.decided_on.data,
                    nomination_ids=form.nomination_ids.data or [], signer=signer,
                    signing_mode=form.signing_mode.data,
                    legal_basis_ids=None if form.bases_by_date.data else form.legal_basis_ids.data or [],
                    recipients=recipient_lines(form.recipients.data))
            except AwardsError as failure:
                db.session.rollback()  # nothing of the draft stays
                error = _error(failure)
            else:
                flash(_("Đã tạo dự thảo quyết định với %(n)s người/tập thể.", n=len(decision.items)), "success")
                return redirect(url_for("decisions.detail", decision_id=decision.id))
    if form.is_submitted() and error is None:
        error = _form_error(form)  # the form's own errors (or the signer's), shown under the fields too
    status = (error or {}).get("status", 200)
    return render_template("decisions/new.html", form=form, issuer=issuer, units=units, bases=bases,
                           groups=_grouped(operations.decidable_nominations(issuer)),
                           chosen=set(form.nomination_ids.data or []),
                           checked_bases=set(form.legal_basis_ids.data or []), error=error), status


# --- the decision page ---------------------------------------------------------------------------------------

def _draft_form(decision: Decision) -> DraftForm:
    data = {name: getattr(decision, name) for name in DraftForm.TEXTS}
    data.update(version=decision.version, decided_on=decision.decided_on, signer_id=decision.signer_id,
                signing_mode=decision.signing_mode.value, recipients="\n".join(decision.recipients or []),
                legal_basis_ids=[b.legal_basis_id for b in decision.bases])
    return DraftForm(formdata=None, data=data)


def _revoke_form(decision: Decision) -> RevokeForm:
    standing = [i.id for i in decision.items if i.revoked_by_id is None]
    return RevokeForm(formdata=None, data={"version": decision.version, "decided_on": date.today(),
                                           "signer_id": decision.signer_id,
                                           "signing_mode": decision.signing_mode.value, "item_ids": standing})


def _signature(decision: Decision) -> dict | None:
    """The PDF's signature status from ``awards.decisions.signing`` (nothing when that check is not there)."""
    if decision.pdf is None:
        return None
    try:
        from awards.decisions import signing
        status = getattr(signing, "signature_status", None)
        return status(decision.pdf.content, decision.issuer) if status is not None else None
    except Exception:  # the page must render even when the check cannot run; the log says why
        current_app.logger.warning("signature status failed for decision %s", decision.id, exc_info=True)
        return None


def _detail_page(decision: Decision, level: str, *, draft_form: DraftForm | None = None,
                 revoke_form: RevokeForm | None = None, error: dict | None = None, status: int = 200):
    manage = level == MANAGE
    draft = decision.state == DecisionState.DRAFT and decision.kind != DecisionKind.EXTERNAL
    bases = queries.legal_bases() if manage and draft else []
    if manage and draft:
        draft_form = draft_form or _draft_form(decision)
        _signer_choices(draft_form, decision.issuer)
    can_revoke = (manage and decision.kind == DecisionKind.AWARD and decision.state == DecisionState.ISSUED
                  and any(i.revoked_by_id is None for i in decision.items))
    if can_revoke:
        revoke_form = revoke_form or _revoke_form(decision)
        _signer_choices(revoke_form, decision.issuer)
    items = sorted(decision.items, key=lambda i: (i.position or 0, i.id))
    totals = operations.totals_by_award(decision)
    certificates = ("certificates.progress" in current_app.view_functions and decision.kind == DecisionKind.AWARD
                    and decision.state != DecisionState.DRAFT)
    return render_template(
        "decisions/detail.html", d=decision, manage=manage, draft=draft, items=items, totals=totals,
        total_money=sum(t["money"] for t in totals), draft_form=draft_form, revoke_form=revoke_form,
        action_form=VersionForm(formdata=None, data={"version": decision.version}), bases=bases,
        checked_bases=set((draft_form.legal_basis_ids.data if draft_form else None) or []),
        revocations=queries.revocations_of(decision) if decision.kind == DecisionKind.AWARD else [],
        revoke_items=set((revoke_form.item_ids.data if revoke_form else None) or []),
        signature=_signature(decision) if decision.state != DecisionState.DRAFT else None,
        certificates=certificates, filename=documents.filename(decision), error=error,
        award_name=award_name), status


@bp.route("/<int:decision_id>")
@login_required
def detail(decision_id: int):
    return _detail_page(*_load(decision_id))


def _after_failure(decision_id: int, failure: AwardsError, **forms):
    """Back to the page with the reason, as it is now (the failed change rolled back)."""
    db.session.rollback()
    decision, level = _load(decision_id)
    return _detail_page(decision, level, error=_error(failure), status=failure.status, **forms)


@bp.route("/<int:decision_id>/edit", methods=["POST"])
@login_required
def edit(decision_id: int):
    decision, level = _load(decision_id, manage=True)
    form = DraftForm()
    _signer_choices(form, decision.issuer)
    signer = _signer(form, decision.issuer) if form.validate() else None
    if form.errors or _int(form.version.data) is None:
        error = _form_error(form) if form.errors else {"status": 422, "message": _("Dữ liệu không hợp lệ."),
                                                        "reasons": [_("Hãy tải lại trang rồi sửa lại.")]}
        return _detail_page(decision, level, draft_form=form, error=error, status=422)
    changes = {"version": _int(form.version.data), "decided_on": form.decided_on.data, "signer": signer,
               "signing_mode": form.signing_mode.data, "legal_basis_ids": form.legal_basis_ids.data or [],
               "recipients": recipient_lines(form.recipients.data)}
    regenerate = form.action.data == "regenerate"
    if not regenerate:
        changes.update({name: form[name].data or "" for name in DraftForm.TEXTS})
    try:
        operations.update_draft(decision, actor=current_user, regenerate=regenerate, **changes)
    except AwardsError as failure:
        return _after_failure(decision_id, failure, draft_form=form)
    flash(_("Đã tạo lại nội dung từ danh sách khen thưởng.") if regenerate else _("Đã lưu dự thảo."), "success")
    return redirect(url_for("decisions.detail", decision_id=decision.id))


@bp.route("/<int:decision_id>/pdf")
@login_required
def pdf(decision_id: int):
    """The stored PDF of an issued decision; for a draft, a preview rendered now (no number yet). Inline."""
    from awards.documents.render import render_pdf

    decision, _level = _load(decision_id)
    if decision.kind == DecisionKind.EXTERNAL:
        raise NotFound()  # an outcome from above is recorded, not printed here
    if decision.pdf is not None:
        content = decision.pdf.content
    else:
        content = render_pdf("decision.html", documents.decision_context(decision))
    response = current_app.response_class(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{documents.filename(decision)}"'
    response.headers["Cache-Control"] = "private, no-store" if decision.pdf is None else "private, max-age=0"
    if decision.pdf is not None:
        response.headers["X-Content-SHA256"] = decision.pdf.sha256
    return response


@bp.route("/<int:decision_id>/issue", methods=["POST"])
@login_required
def issue(decision_id: int):
    decision, level = _load(decision_id, manage=True)
    form = VersionForm()
    if not form.validate() or _int(form.version.data) is None:
        return _detail_page(decision, level, error={"status": 422, "message": _("Dữ liệu không hợp lệ."),
                                                    "reasons": [_("Hãy tải lại trang rồi ban hành lại.")]},
                            status=422)
    try:
        operations.issue(decision, actor=current_user, version=_int(form.version.data))
    except AwardsError as failure:
        return _after_failure(decision_id, failure)
    flash(_("Đã ban hành Quyết định số %(number)s.", number=decision.number_text), "success")
    return redirect(url_for("decisions.detail", decision_id=decision.id))


@bp.route("/<int:decision_id>/delete", methods=["POST"])
@login_required
def delete(decision_id: int):
    decision, level = _load(decision_id, manage=True)
    form = VersionForm()
    if not form.validate() or _int(form.version.data) is None:
        return _detail_page(decision, level, error={"status": 422, "message": _("Dữ liệu không hợp lệ."),
                                                    "reasons": []}, status=422)
    try:
        operations.delete_draft(decision, actor=current_user, version=_int(form.version.data))
    except AwardsError as failure:
        return _after_failure(decision_id, failure)
    flash(_("Đã xóa dự thảo quyết định."), "success")
    return redirect(url_for("decisions.index"))


@bp.route("/<int:decision_id>/revoke", methods=["POST"])
@login_required
def revoke(decision_id: int):
    decision, level = _load(decision_id, manage=True)
    form = RevokeForm()
    _signer_choices(form, decision.issuer)
    signer = _signer(form, decision.issuer) if form.validate() else None
    if form.errors:
        return _detail_page(decision, level, revoke_form=form, error=_form_error(form), status=422)
    try:
        revocation = operations.revoke(decision, actor=current_user, decided_on=form.decided_on.data,
                                       reason=form.reason.data, signer=signer, signing_mode=form.signing_mode.data,
                                       item_ids=form.item_ids.data or [], version=_int(form.version.data))
    except AwardsError as failure:
        return _after_failure(decision_id, failure, revoke_form=form)
    flash(_("Đã tạo dự thảo quyết định thu hồi. Kiểm tra nội dung rồi ban hành."), "success")
    return redirect(url_for("decisions.detail", decision_id=revocation.id))


# --- outcomes from above -------------------------------------------------------------------------------------

@bp.route("/external", methods=["GET", "POST"])
@login_required
def external():
    form = ExternalForm()
    units, unit = _chosen_issuer(form.unit_id, "unit")
    waiting = operations.decidable_nominations(unit, external=True)
    if request.method == "GET":
        form.nomination_ids.data = [n.id for n in waiting]
    error = None
    if form.validate_on_submit():
        try:
            decision = operations.record_external(
                actor=current_user, unit=unit, external_issuer=form.external_issuer.data,
                external_number=form.external_number.data, decided_on=form.decided_on.data,
                nomination_ids=form.nomination_ids.data or [])
        except AwardsError as failure:
            db.session.rollback()
            error = _error(failure)
        else:
            flash(_("Đã ghi nhận Quyết định số %(number)s của %(issuer)s.", number=decision.number_text,
                    issuer=decision.external_issuer), "success")
            return redirect(url_for("decisions.detail", decision_id=decision.id))
    elif form.is_submitted():
        error = _form_error(form)
    return render_template("decisions/external.html", form=form, unit=unit, units=units,
                           groups=_grouped(operations.decidable_nominations(unit, external=True)),
                           chosen=set(form.nomination_ids.data or []), error=error), (error or {}).get("status", 200)

