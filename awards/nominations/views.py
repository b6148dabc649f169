"""Nomination pages: the three lists, a new nomination, the nomination page with only the actions the user may
take now, attachments, bulk actions for the secretariat (with a confirmation step) and batches (tờ trình).

Views stay thin: every state change goes through ``operations.transition`` / ``bulk_transition`` /
``submit_batch`` (the one choke point), and the domain errors they raise (403/409/422 with reasons) are shown
on the page the user acted from, with the status the API would give.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from awards.catalogue.models import Award
from awards.core import exports
from awards.core.errors import AwardsError, NotFound, ValidationFailed
from awards.documents import render_pdf
from awards.extensions import db
from awards.nominations import operations, queries
from awards.nominations.documents import batch_context
from awards.nominations.forms import (ATTACHMENT_KINDS, ActionForm, AttachmentForm, BatchAddForm, BatchForm,
                                      BulkForm, NominationForm, SummaryForm)
from awards.nominations.actors import actor_for
from awards.nominations.models import Attachment, Batch, Nomination
from awards.org.models import Person, Role, Unit
from awards.org.permissions import require, visible_unit_ids
from workflows.definitions.batch import DEFINITION as BATCH_FLOW
from workflows.definitions.nomination import DEFINITION as FLOW

bp = Blueprint("nominations", __name__)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
QUEUES = {  # endpoint → (queue for queries.nominations_for, page title)
    "mine": _l("Đề nghị của đơn vị tôi"),
    "secretariat": _l("Hàng chờ thường trực"),
    "awaiting": _l("Chờ tôi xử lý"),
}
STATE_COLOURS = {"draft": "secondary", "returned": "warning", "submitted": "info", "in_review": "info",
                 "posted": "primary", "in_council": "primary", "council_passed": "success",
                 "council_failed": "danger", "approved": "success", "referred": "primary", "decided": "success",
                 "withdrawn": "dark", "rejected": "danger", "revoked": "danger"}
# Triggers the secretariat may apply to many nominations at once: none needs data beyond a comment.
BULK_TRIGGERS = ("start_review", "schedule", "close_posting", "send_back", "reject")
EDITABLE = ("draft", "returned")
WORKFLOW_ROLES = {"proposer", "secretary", "approver", "hr", "admin"}


# --- labels --------------------------------------------------------------------------------------------------

def _en() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "en"


def state_label(state: str, workflow=FLOW) -> str:
    doc = workflow.state_docs.get(state)
    return (doc.label_en if _en() else doc.label_vi) if doc else state


def trigger_label(trigger: str, from_state: str | None = None, workflow=FLOW) -> str:
    """The label of the transition ``trigger`` takes from ``from_state`` (``reject`` reads differently after
    the council); the first definition of the trigger when no state is given."""
    transition = workflow.transition_for(from_state, trigger) if from_state else None
    transition = transition or next((t for t in workflow.transitions if t.trigger == trigger), None)
    if transition is None:
        return trigger
    return (transition.label_en if _en() else transition.label_vi) or trigger


def local_time(value) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time (the log stores UTC)."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")


def award_name(award: Award) -> str:
    return award.name_en if _en() else award.name_vi


@bp.app_context_processor
def _nomination_helpers() -> dict:
    return {"pending_count": pending_count, "nomination_state_label": state_label,
            "nomination_state_colour": lambda s: STATE_COLOURS.get(s, "secondary")}


def pending_count() -> int:
    """How many nominations await the signed-in user's action (the navbar badge); computed when asked."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    stmt = queries.nominations_for(current_user, queue="awaiting")
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


# --- loading with scope --------------------------------------------------------------------------------------

def _visible_nomination(nomination_id: int) -> Nomination:
    """A nomination the user reaches through its proposing or its deciding unit; 404 otherwise (no leak)."""
    nomination = db.session.get(Nomination, nomination_id)
    units = visible_unit_ids(current_user)
    if nomination is None or not ({nomination.proposing_unit_id, nomination.deciding_unit_id} & units):
        raise NotFound()
    return nomination


def _visible_batch(batch_id: int) -> Batch:
    batch = db.session.get(Batch, batch_id)
    if batch is None or not ({batch.unit_id, batch.deciding_unit_id} & visible_unit_ids(current_user)):
        raise NotFound()
    return batch


def _proposer_units() -> list[Unit]:
    ids = visible_unit_ids(current_user, (Role.PROPOSER,))
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code))) if ids else []


def _error_reasons(error: AwardsError) -> list[str]:
    details = error.details
    if isinstance(details, dict):
        return [str(v) for v in details.values()]
    return [str(d) for d in details or []]


# --- lists ---------------------------------------------------------------------------------------------------

def _filters() -> dict:
    args = request.args
    return {k: v for k, v in (("year", args.get("year", type=int)), ("state", args.get("state") or None),
                              ("award", args.get("award") or None), ("unit", args.get("unit") or None),
                              ("q", (args.get("q") or "").strip()[:100] or None)) if v}


def _nominee_code(n: Nomination) -> str:
    return n.person.code if n.person_id else n.unit.code


def _nominee_label(n: Nomination) -> str:
    return n.person.full_name if n.person_id else n.unit.name


# A list as a download (?format=xlsx|csv): the page's columns, everything the filters select, loaded up front.
EXPORT_LOADS = (selectinload(Nomination.person), selectinload(Nomination.unit).selectinload(Unit.names),
                selectinload(Nomination.award),
                selectinload(Nomination.proposing_unit).selectinload(Unit.names),
                selectinload(Nomination.deciding_unit).selectinload(Unit.names))
EXPORT_COLUMNS = [
    exports.Column(_l("Mã đối tượng"), _nominee_code),
    exports.Column(_l("Đối tượng"), _nominee_label),
    exports.Column(_l("Mã danh hiệu"), lambda n: n.award.code),
    exports.Column(_l("Danh hiệu"), lambda n: award_name(n.award)),
    exports.Column(_l("Năm"), lambda n: n.year, "year"),
    exports.Column(_l("Đơn vị đề nghị"), lambda n: n.proposing_unit.name),
    exports.Column(_l("Cấp xét"), lambda n: n.deciding_unit.name),
    exports.Column(_l("Trạng thái"), lambda n: state_label(n.state)),
]


def _list(queue: str, endpoint: str):
    filters = _filters()
    unit = None
    if "unit" in filters:
        unit = db.session.scalar(select(Unit).where(Unit.code == filters["unit"]))
    state = filters.get("state") if filters.get("state") in FLOW.state_names else None
    stmt = queries.nominations_for(current_user, year=filters.get("year"), state=state, unit=unit,
                                   award=filters.get("award"), q=filters.get("q"), queue=queue)
    if fmt := exports.requested_format():
        rows = db.session.scalars(stmt.options(*EXPORT_LOADS).order_by(Nomination.year.desc(), Nomination.id))
        return exports.download(fmt, str(QUEUES[queue]), EXPORT_COLUMNS, rows)
    per_page = current_app.config.get("PER_PAGE", 25)
    page = db.paginate(stmt, page=max(request.args.get("page", 1, type=int), 1), per_page=per_page,
                       error_out=False, max_per_page=per_page)
    bulk = None
    if queue == "secretariat" and current_user.has_role(Role.SECRETARY):
        bulk = BulkForm(formdata=None)
        bulk.trigger.choices = [(t, trigger_label(t)) for t in BULK_TRIGGERS]
    awards = list(db.session.scalars(select(Award).where(Award.active).order_by(Award.rank, Award.code)))
    return render_template("nominations/list.html", page=page, queue=queue, endpoint=endpoint,
                           title=QUEUES[queue], filters=filters, states=FLOW.state_names, awards=awards,
                           award_name=award_name, bulk=bulk, can_propose=bool(_proposer_units()))


@bp.route("/nominations")
@login_required
def index():
    return _list("mine", "nominations.index")


@bp.route("/nominations/queue")
@login_required
def queue():
    return _list("secretariat", "nominations.queue")


@bp.route("/nominations/awaiting")
@login_required
def awaiting():
    return _list("awaiting", "nominations.awaiting")


# --- new, edit, attachments ----------------------------------------------------------------------------------

def _nominee(kind: str, code: str):
    model = Person if kind == "person" else Unit
    return db.session.scalar(select(model).where(model.code == code.strip()))


def _new_form() -> NominationForm:
    form = NominationForm()
    awards = db.session.scalars(select(Award).where(Award.active).order_by(Award.rank, Award.code))
    form.award.choices = [("", _("— Chọn danh hiệu —"))] + [(a.code, f"{a.code} — {award_name(a)}")
                                                               for a in awards]
    units = [u.id for u in _proposer_units()]
    batches = db.session.scalars(select(Batch).where(Batch.unit_id.in_(units), Batch.state == "draft")
                                 .order_by(Batch.year.desc(), Batch.id)) if units else []
    form.batch_id.choices = [("", _("— Không —"))] + [(b.id, f"{b.year} · {b.title or b.id}") for b in batches]
    return form


@bp.route("/nominations/new", methods=["GET", "POST"])
@login_required
def new():
    require(bool(_proposer_units()))
    form = _new_form()
    if request.method == "GET":
        # The eligibility suggestions link here with the nominee and award filled in.
        for name in ("nominee_type", "nominee_code", "award", "year"):
            if request.args.get(name):
                getattr(form, name).data = request.args.get(name, type=int if name == "year" else str)
    if form.validate_on_submit():
        nominee = _nominee(form.nominee_type.data, form.nominee_code.data)
        if nominee is None:
            form.nominee_code.errors.append(_("Không tìm thấy mã “%(code)s”.", code=form.nominee_code.data))
        else:
            batch = _visible_batch(form.batch_id.data) if form.batch_id.data else None
            try:
                nomination = operations.create_nomination(actor=current_user, nominee=nominee,
                                                          award_code=form.award.data, year=form.year.data,
                                                          batch=batch, summary=form.summary.data or "")
            except ValidationFailed as error:
                form.nominee_code.errors.append(error.message)
            else:
                db.session.flush()
                flash(_("Đã tạo hồ sơ đề nghị."), "success")
                return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    status = 422 if form.is_submitted() else 200
    return render_template("nominations/new.html", form=form), status


@bp.route("/nominations/<int:nomination_id>/edit", methods=["GET", "POST"])
@login_required
def edit(nomination_id: int):
    nomination = _visible_nomination(nomination_id)
    if request.method == "GET":
        form = SummaryForm(formdata=None, data={"version": nomination.version, "summary": nomination.summary})
        return render_template("nominations/edit.html", nomination=nomination, form=form)
    form = SummaryForm()
    if form.validate():
        try:
            operations.update_nomination(nomination, actor=current_user, version=_int(form.version.data),
                                         summary=form.summary.data or "")
        except ValidationFailed as error:
            form.summary.errors.append(error.message)
        else:
            flash(_("Đã lưu tóm tắt thành tích."), "success")
            return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    return render_template("nominations/edit.html", nomination=nomination, form=form), 422


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/nominations/<int:nomination_id>/attachments", methods=["POST"])
@login_required
def upload(nomination_id: int):
    nomination = _visible_nomination(nomination_id)
    _require_proposer(nomination)  # before the form: a refusal must not depend on what was posted
    form = AttachmentForm()
    if not form.validate():
        return _detail_page(nomination, attachment_form=form, status=422)
    upload = form.file.data
    try:
        operations.add_attachment(nomination, actor=current_user, kind=form.kind.data,
                                  filename=upload.filename or "file", data=upload.read())
    except ValidationFailed as error:
        form.file.errors.append(error.message)
        return _detail_page(nomination, attachment_form=form, status=422)
    flash(_("Đã tải lên tài liệu."), "success")
    return redirect(url_for("nominations.detail", nomination_id=nomination.id) + "#attachments")


def _require_proposer(record) -> None:
    """Only the proposing unit's proposers change a dossier or a batch (403 for everyone else in scope)."""
    require("proposer" in actor_for(current_user).roles_for(record))


@bp.route("/nominations/<int:nomination_id>/attachments/<int:attachment_id>")
@login_required
def download(nomination_id: int, attachment_id: int):
    nomination = _visible_nomination(nomination_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.nomination_id != nomination.id:
        raise NotFound()
    path = Path(current_app.config["UPLOAD_DIR"]) / "attachments" / attachment.stored_name
    if not path.is_file():
        raise NotFound()
    # Always a download, never rendered inline: an uploaded file must not run in the application's origin.
    return send_file(path, mimetype=attachment.content_type, as_attachment=True,
                     download_name=attachment.original_name, max_age=0)


# --- the nomination page and its actions ---------------------------------------------------------------------

def _actions(nomination: Nomination) -> list[dict]:
    """The triggers the user may fire now, with what each needs on its form."""
    found = []
    for trigger in operations.available_triggers(nomination, current_user):
        transition = FLOW.transition_for(nomination.state, trigger)
        if transition is None:
            continue
        found.append({"trigger": trigger, "label": trigger_label(trigger, nomination.state),
                      "comment_required": transition.comment_required,
                      "data": transition.data_required,
                      "danger": trigger in ("reject", "withdraw", "revoke", "send_back")})
    return found


def _live_report(nomination: Nomination):
    """Before submission there is no snapshot: today's verdict for this award, from the eligibility engine."""
    from awards.eligibility import service

    nominee = nomination.nominee
    try:
        reports = (service.person_reports(nominee, nomination.year) if nomination.person_id
                   else service.unit_reports(nominee, nomination.year))
    except Exception:  # the page must render even when the rules cannot (missing parameters); say so instead
        current_app.logger.warning("eligibility report failed for nomination %s", nomination.id, exc_info=True)
        return None
    return next((r for r in reports if r.award == nomination.award.code), None)


def _snapshot_report(evidence: dict | None) -> dict | None:
    if not evidence:
        return None
    for key in ("report", "eligibility"):
        if isinstance(evidence.get(key), dict):
            return evidence[key]
    return evidence if "clauses" in evidence else None


def _step_details(log) -> list[str]:
    """The references a step recorded besides its comment (the decision's or the revoking decision's number)."""
    data = (log.evidence or {}).get("data") or {}
    details = []
    if data.get("decision_no"):
        when = data.get("decision_date")
        number = f"{data['decision_no']} ({date.fromisoformat(when):%d/%m/%Y})" if when else data["decision_no"]
        details.append(f"{_('Số quyết định khen thưởng')}: {number}")
    if data.get("revoking_decision"):
        details.append(f"{_('Số quyết định thu hồi')}: {data['revoking_decision']}")
    return details


def _detail_page(nomination: Nomination, *, attachment_form=None, action_form=None, error=None, status=200):
    from awards.eligibility.views import OUTCOMES, VERDICTS

    snapshot = _snapshot_report(nomination.evidence)
    report = snapshot or _live_report(nomination)
    editable = nomination.state in EDITABLE and "proposer" in operations_roles(nomination)
    action_form = action_form or ActionForm(formdata=None, data={"version": nomination.version})
    action_form.version.data = nomination.version
    history = [{"actor": log.actor_label, "at": local_time(log.at), "label": trigger_label(log.trigger,
                                                                                         log.from_state),
                "from": state_label(log.from_state), "to": state_label(log.to_state), "to_state": log.to_state,
                "comment": log.comment, "details": _step_details(log)} for log in nomination.history]
    return render_template("nominations/detail.html", n=nomination, actions=_actions(nomination),
                           action_form=action_form, error=error, report=report, snapshot=bool(snapshot),
                           verdict_labels=VERDICTS, outcome_labels=OUTCOMES, history=history,
                           attachment_form=attachment_form or AttachmentForm(formdata=None),
                           attachment_kinds=ATTACHMENT_KINDS, editable=editable, award_name=award_name,
                           state_doc=FLOW.state_docs.get(nomination.state), en=_en()), status


def operations_roles(nomination: Nomination) -> set[str]:
    from awards.nominations.actors import actor_for

    return actor_for(current_user).roles_for(nomination)


@bp.route("/nominations/<int:nomination_id>")
@login_required
def detail(nomination_id: int):
    return _detail_page(_visible_nomination(nomination_id))


@bp.route("/nominations/<int:nomination_id>/transition", methods=["POST"])
@login_required
def transition(nomination_id: int):
    nomination = _visible_nomination(nomination_id)
    # Viewers and council members hold no workflow role: 403 before anything says what the state allows.
    require(bool(operations_roles(nomination) & WORKFLOW_ROLES))
    form = ActionForm()
    trigger = (form.trigger.data or "").strip()
    if not form.validate():
        error = {"status": 422, "message": _("Dữ liệu không hợp lệ."),
                 "reasons": [e for errors in form.errors.values() for e in errors]}
        return _detail_page(nomination, action_form=form, error=error, status=422)
    data = {}
    if trigger == "open_posting":
        data = {"start": form.start.data, "working_days": form.working_days.data}
    elif trigger == "revoke":
        data = {"revoking_decision": (form.revoking_decision.data or "").strip()}
    data = {k: v for k, v in data.items() if v not in (None, "")}
    label = trigger_label(trigger, nomination.state)
    try:
        operations.transition(nomination, trigger, actor=current_user, comment=(form.comment.data or "").strip()
                              or None, version=_int(form.version.data), **data)
    except AwardsError as failure:
        db.session.rollback()
        nomination = _visible_nomination(nomination_id)
        error = {"status": failure.status, "message": failure.message, "reasons": _error_reasons(failure),
                 "trigger": trigger}
        return _detail_page(nomination, action_form=form, error=error, status=failure.status)
    flash(_("Đã thực hiện: %(action)s.", action=label), "success")
    return redirect(url_for("nominations.detail", nomination_id=nomination.id))


# --- bulk actions --------------------------------------------------------------------------------------------

@bp.route("/nominations/bulk", methods=["POST"])
@login_required
def bulk():
    require(current_user.has_role(Role.SECRETARY))
    form = BulkForm()
    form.trigger.choices = [(t, trigger_label(t)) for t in BULK_TRIGGERS]
    ids = sorted(set(form.ids.data or []))
    if not ids:
        flash(_("Chưa chọn hồ sơ nào."), "warning")
        return redirect(url_for("nominations.queue"))
    if not form.validate():
        flash(_("Chưa chọn thao tác."), "warning")
        return redirect(url_for("nominations.queue"))
    nominations = [_visible_nomination(i) for i in ids]
    trigger = form.trigger.data
    comment_required = trigger in ("send_back", "reject")
    comment = (form.comment.data or "").strip() or None
    error = None
    if form.confirmed.data == "1" and not (comment_required and not comment):
        try:
            done = operations.bulk_transition(nominations, trigger, actor=current_user, comment=comment)
        except AwardsError as failure:
            db.session.rollback()
            nominations = [_visible_nomination(i) for i in ids]
            error = {"status": failure.status, "message": failure.message, "reasons": _error_reasons(failure)}
        else:
            flash(_("Đã thực hiện “%(action)s” cho %(n)s hồ sơ.", action=trigger_label(trigger), n=len(done)),
                  "success")
            return redirect(url_for("nominations.queue"))
    elif form.confirmed.data == "1":
        error = {"status": 422, "message": _("Thao tác này cần nêu lý do."), "reasons": []}
    return render_template("nominations/bulk_confirm.html", form=form, nominations=nominations, trigger=trigger,
                           action=trigger_label(trigger), comment_required=comment_required, error=error,
                           award_name=award_name), (error or {}).get("status", 200)


# --- batches -------------------------------------------------------------------------------------------------

@bp.route("/batches")
@login_required
def batches():
    units = visible_unit_ids(current_user)
    stmt = (select(Batch).where(Batch.unit_id.in_(units) | Batch.deciding_unit_id.in_(units))
            .order_by(Batch.year.desc(), Batch.id.desc()))
    per_page = current_app.config.get("PER_PAGE", 25)
    page = db.paginate(stmt, page=max(request.args.get("page", 1, type=int), 1), per_page=per_page,
                       error_out=False, max_per_page=per_page)
    return render_template("nominations/batches.html", page=page, can_create=bool(_proposer_units()),
                           batch_state=lambda s: state_label(s, BATCH_FLOW))


@bp.route("/batches/new", methods=["GET", "POST"])
@login_required
def batch_new():
    units = _proposer_units()
    require(bool(units))
    form = BatchForm()
    form.unit_id.choices = [("", _("— Chọn đơn vị —"))] + [(u.id, f"{u.code} — {u.name}") for u in units]
    if form.validate_on_submit():
        try:
            batch = operations.create_batch(actor=current_user, unit=db.session.get(Unit, form.unit_id.data),
                                            year=form.year.data, title=(form.title.data or "").strip())
        except ValidationFailed as error:
            form.title.errors.append(error.message)
        else:
            db.session.flush()
            flash(_("Đã tạo tờ trình."), "success")
            return redirect(url_for("nominations.batch", batch_id=batch.id))
    return render_template("nominations/batch_new.html", form=form), 422 if form.is_submitted() else 200


def _batch_page(batch: Batch, *, error=None, status=200):
    candidates = []
    if batch.state in ("draft", "returned"):
        candidates = list(db.session.scalars(
            select(Nomination).where(Nomination.proposing_unit_id == batch.unit_id, Nomination.year == batch.year,
                                     Nomination.batch_id.is_(None), Nomination.state.in_(EDITABLE))
            .order_by(Nomination.id)))
    add_form = BatchAddForm(formdata=None)
    add_form.nomination_ids.choices = [(n.id, n.nominee.full_name if n.person_id else n.nominee.name)
                                       for n in candidates]
    return render_template("nominations/batch.html", batch=batch, add_form=add_form, candidates=candidates,
                           error=error, award_name=award_name, batch_state=state_label(batch.state, BATCH_FLOW),
                           proposer="proposer" in operations_roles(batch)), status


@bp.route("/batches/<int:batch_id>")
@login_required
def batch(batch_id: int):
    return _batch_page(_visible_batch(batch_id))


@bp.route("/batches/<int:batch_id>/pdf")
@login_required
def batch_pdf(batch_id: int):
    """The printable tờ trình (Decree 30 layout) for anyone who may see the batch; 404 outside scope."""
    batch = _visible_batch(batch_id)
    pdf = render_pdf("batch.html", batch_context(batch))
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="to-trinh-{batch.id}.pdf"'
    return response


@bp.route("/batches/<int:batch_id>/add", methods=["POST"])
@login_required
def batch_add(batch_id: int):
    batch = _visible_batch(batch_id)
    _require_proposer(batch)
    form = BatchAddForm()
    try:
        for nomination_id in sorted(set(form.nomination_ids.data or [])):
            operations.add_to_batch(batch, _visible_nomination(nomination_id), actor=current_user)
    except AwardsError as failure:
        db.session.rollback()
        error = {"status": failure.status, "message": failure.message, "reasons": _error_reasons(failure)}
        return _batch_page(_visible_batch(batch_id), error=error, status=failure.status)
    flash(_("Đã thêm hồ sơ vào tờ trình."), "success")
    return redirect(url_for("nominations.batch", batch_id=batch.id))


@bp.route("/batches/<int:batch_id>/submit", methods=["POST"])
@login_required
def batch_submit(batch_id: int):
    batch = _visible_batch(batch_id)
    try:
        operations.submit_batch(batch, actor=current_user)
    except AwardsError as failure:
        db.session.rollback()
        error = {"status": failure.status, "message": failure.message, "reasons": _error_reasons(failure)}
        return _batch_page(_visible_batch(batch_id), error=error, status=failure.status)
    flash(_("Đã gửi tờ trình và %(n)s hồ sơ.", n=len(batch.nominations)), "success")
    return redirect(url_for("nominations.batch", batch_id=batch.id))
from awards.nominations import notifications  # noqa: E402,F401
