"""Initiative pages: the list (scoped by the initiative's unit), a detail page, create/edit, record/release the use,
registration for evaluation and the workflow steps (evaluation by the secretariat, recognition by the head).

Reading needs any role over the initiative's unit; changing needs admin or HR over it. Order of the checks
on a change: the role somewhere (else 403), the initiative in scope (else 404), the role over its unit (else 403).
Registering needs the proposer, HR or admin role over the unit; a workflow step the secretariat or the approver
role over it (the operation and the engine check the step itself).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from awards.admin.forms import VersionForm, placeholder, unit_choices
from awards.admin.operations import check_version
from awards.catalogue.models import Award
from awards.core import exports
from awards.core.errors import AwardsError, ValidationFailed
from awards.extensions import db
from awards.initiatives import operations, queries
from awards.initiatives.forms import (ActionForm, InitiativeCreateForm, InitiativeEditForm, RegisterForm, UseForm,
                                      split_codes)
from awards.initiatives.labels import SCOPE_LABELS
from awards.initiatives.models import Initiative, InitiativeScope
from awards.nominations.views import local_time, state_label, trigger_label
from awards.org.labels import label
from awards.org.models import Person, Unit
from awards.org.permissions import (STAFF_MANAGERS, can_manage_staff, can_view_person, get_visible_or_404,
                                    manages_staff_anywhere, require, visible_unit_ids)

from workflows.engine import definition

bp = Blueprint("initiatives", __name__, url_prefix="/initiatives")
INVALID = 422
FLOW = definition("initiative")
STATE_COLOURS = {"registered": "secondary", "under_evaluation": "primary", "recognised": "success",
                 "not_recognised": "danger"}
# The roles a workflow step on an initiative may need (anyone else gets 403 before the state is looked at).
WORKFLOW_ROLES = {"secretary", "approver"}
# The list as a download (?format=xlsx|csv): the page's columns, with the recognition's decision.
EXPORT_COLUMNS = [
    exports.Column(_l("Mã"), lambda i: i.code),
    exports.Column(_l("Tên sáng kiến"), lambda i: i.title),
    exports.Column(_l("Tác giả"), lambda i: ", ".join(a.person.full_name for a in i.authors)),
    exports.Column(_l("Năm"), lambda i: i.year, "year"),
    exports.Column(_l("Trạng thái"), lambda i: state_label(i.state, FLOW)),
    exports.Column(_l("Phạm vi"), lambda i: label(SCOPE_LABELS, i.scope)),
    exports.Column(_l("Số quyết định công nhận"), lambda i: i.decision_no),
    exports.Column(_l("Ngày quyết định"), lambda i: i.decision_date, "date"),
    exports.Column(_l("Đơn vị"), lambda i: i.unit.name),
    exports.Column(_l("Sử dụng"), lambda i: _("đã sử dụng") if i.use else _("chưa sử dụng")),
]


@bp.app_context_processor
def _initiative_helpers() -> dict:
    # App-wide: the person and unit pages (org blueprint) include sections that read these.
    return {"initiatives_of": queries.initiatives_of, "award_holdings": queries.holdings,
            "scope_label": lambda scope: label(SCOPE_LABELS, scope), "describe_use": operations.describe_use,
            "can_view_person": can_view_person,
            "initiative_state_label": lambda state: state_label(state, FLOW),
            "initiative_state_colour": lambda state: STATE_COLOURS.get(state, "secondary")}


def _visible(code: str) -> Initiative:
    return get_visible_or_404(Initiative, code, current_user, by="code")


def _managed(code: str) -> Initiative:
    require(manages_staff_anywhere(current_user))
    initiative = _visible(code)
    require(can_manage_staff(current_user, initiative.unit))
    return initiative


def _staff_units() -> list[Unit]:
    ids = visible_unit_ids(current_user, STAFF_MANAGERS)
    units = db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code)) if ids else []
    return list(units)


def _unit_select(field) -> None:
    field.choices = placeholder(_("— Chọn đơn vị —")) + unit_choices(_staff_units())


def _authors(form) -> list[Person] | None:
    """The people the form names, in its order; None after putting the problem on the field."""
    codes = split_codes(form.author_codes.data)
    found = {p.code: p for p in db.session.scalars(select(Person).where(Person.code.in_(codes)))}
    # A person outside the user's scope reads as unknown: the form must not reveal who exists elsewhere.
    missing = [c for c in codes if c not in found or not can_view_person(current_user, found[c])]
    if missing:
        form.author_codes.errors.append(_("Không tìm thấy cán bộ: %(codes)s.", codes=", ".join(missing)))
        return None
    if len(set(codes)) != len(codes):
        form.author_codes.errors.append(_("Một tác giả được nêu hai lần."))
        return None
    return [found[c] for c in codes]


def _fields(form) -> dict:
    fields = {"title": form.title.data.strip(), "unit": db.session.get(Unit, form.unit_id.data),
              "year": form.year.data, "scope": None, "decision_no": "", "decision_date": None}
    if "scope" in form:  # an initiative in evaluation has no scope or decision field: the council records them
        fields.update(scope=form.scope.data, decision_no=(form.decision_no.data or "").strip(),
                      decision_date=form.decision_date.data)
    return fields


def _registrar_units() -> list[Unit]:
    ids = visible_unit_ids(current_user, operations.REGISTRARS)
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.code))) if ids else []


def _in_evaluation_form(form, initiative: Initiative):
    """Scope and decision are the council's to write once an initiative entered the workflow."""
    if initiative.state != "recognised":
        for name in ("scope", "decision_no", "decision_date"):
            del form[name]
    return form


@bp.route("")
@login_required
def index():
    year = request.args.get("year", type=int)
    scope_text = request.args.get("scope") or ""
    scope = InitiativeScope(scope_text) if scope_text in {s.value for s in InitiativeScope} else None
    q = (request.args.get("q") or "").strip()[:100]
    if fmt := exports.requested_format():
        rows = db.session.scalars(queries.initiatives_query(current_user, year=year, scope=scope, q=q))
        return exports.download(fmt, _("Sáng kiến"), EXPORT_COLUMNS, rows)
    page = queries.initiatives_page(current_user, year=year, scope=scope, q=q,
                                    page=request.args.get("page", 1, type=int),
                                    per_page=current_app.config.get("PER_PAGE", 25))
    filters = {k: v for k, v in (("year", year), ("scope", scope and scope.value), ("q", q)) if v}
    return render_template("initiatives/list.html", page=page, years=queries.initiative_years(current_user),
                           scope_labels=SCOPE_LABELS, filters=filters, year=year, scope=scope, q=q,
                           can_create=manages_staff_anywhere(current_user),
                           can_register=bool(visible_unit_ids(current_user, operations.REGISTRARS)))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require(manages_staff_anywhere(current_user))
    form = InitiativeCreateForm()
    _unit_select(form.unit_id)
    if form.validate_on_submit():
        code = form.code.data.strip()
        authors = _authors(form)
        if db.session.scalar(select(Initiative.id).where(Initiative.code == code)) is not None:
            form.code.errors.append(_("Mã sáng kiến “%(code)s” đã tồn tại.", code=code))
        elif authors is not None:
            initiative = operations.save_initiative(code, authors=authors, **_fields(form))
            flash(_("Đã thêm sáng kiến %(code)s.", code=initiative.code), "success")
            return redirect(url_for("initiatives.detail", code=initiative.code))
    status = INVALID if form.is_submitted() else 200
    return render_template("initiatives/new.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
@login_required
def register():
    units = _registrar_units()
    require(bool(units))
    form = RegisterForm()
    form.unit_id.choices = placeholder(_("— Chọn đơn vị —")) + unit_choices(units)
    if form.validate_on_submit():
        authors = _authors(form)
        if authors is not None:
            try:
                initiative = operations.register_initiative(
                    form.code.data.strip(), actor=current_user, title=form.title.data.strip(), authors=authors,
                    unit=db.session.get(Unit, form.unit_id.data), year=form.year.data)
            except ValidationFailed as exc:
                form.code.errors.append(exc.message)
            else:
                flash(_("Đã đăng ký sáng kiến %(code)s để đánh giá.", code=initiative.code), "success")
                return redirect(url_for("initiatives.detail", code=initiative.code))
    status = INVALID if form.is_submitted() else 200
    return render_template("initiatives/register.html", form=form), status


def _history(initiative: Initiative) -> list[dict]:
    rows = []
    for log in queries.history(initiative):
        tally = (log.evidence or {}).get("tally") or {}
        rows.append({"actor": log.actor_label, "at": local_time(log.at), "label": trigger_label(log.trigger,
                                                                                               log.from_state, FLOW),
                     "from": state_label(log.from_state, FLOW), "to": state_label(log.to_state, FLOW),
                     "to_state": log.to_state, "comment": log.comment,
                     "session_id": (log.evidence or {}).get("council_session"),
                     "votes": _("%(yes)s/%(n)s thành viên đồng ý", yes=tally["yes"], n=tally["members"])
                     if "yes" in tally and "members" in tally else ""})
    return rows


def _detail_page(initiative: Initiative, *, use_form: UseForm | None = None, action_form: ActionForm | None = None,
                 error: dict | None = None, status: int = 200):
    manage = can_manage_staff(current_user, initiative.unit)
    if manage and use_form is None and initiative.use is None and initiative.state == "recognised":
        use_form = UseForm(prefix="use", formdata=None, data={"version": initiative.version, "year": initiative.year})
        _use_choices(use_form, initiative)
    release_form = VersionForm(prefix="release", formdata=None, data={"version": initiative.version})
    action_form = action_form or ActionForm(formdata=None)
    action_form.version.data = initiative.version
    actions = [(t, trigger_label(t, initiative.state, FLOW)) for t in operations.available_triggers(initiative,
                                                                                                   current_user)]
    return render_template("initiatives/detail.html", initiative=initiative, manage=manage, use_form=use_form,
                           release_form=release_form, actions=actions, action_form=action_form, error=error,
                           history=_history(initiative), state_doc=FLOW.state_docs.get(initiative.state)), status


@bp.route("/<code>")
@login_required
def detail(code: str):
    return _detail_page(_visible(code))


@bp.route("/<code>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str):
    initiative = _managed(code)
    if request.method == "GET":
        form = InitiativeEditForm(obj=initiative, formdata=None,
                                  data={"author_codes": "; ".join(a.person.code for a in initiative.authors)})
        _unit_select(form.unit_id)
        return render_template("initiatives/edit.html", initiative=initiative,
                               form=_in_evaluation_form(form, initiative))
    form = _in_evaluation_form(InitiativeEditForm(), initiative)
    _unit_select(form.unit_id)
    check_version(initiative, form.version.data)
    if form.validate():
        authors = _authors(form)
        if authors is not None:
            operations.save_initiative(initiative.code, authors=authors, **_fields(form))
            flash(_("Đã lưu sáng kiến %(code)s.", code=initiative.code), "success")
            return redirect(url_for("initiatives.detail", code=initiative.code))
    return render_template("initiatives/edit.html", initiative=initiative, form=form), INVALID


def _use_choices(form: UseForm, initiative: Initiative) -> None:
    form.subject.choices = placeholder(_("— Chọn —")) + [
        (f"person:{a.person.id}", _("%(name)s (tác giả)", name=a.person.full_name)) for a in initiative.authors
    ] + [(f"unit:{initiative.unit.id}", _("Tập thể %(unit)s", unit=initiative.unit.name))]
    form.award_id.choices = placeholder(_("— Chọn —")) + [
        (a.id, f"{a.code} — {a.name_vi}") for a in queries.awards_for("any")]


@bp.route("/<code>/use", methods=["POST"])
@login_required
def record_use(code: str):
    initiative = _managed(code)
    form = UseForm(prefix="use")
    _use_choices(form, initiative)
    check_version(initiative, form.version.data)
    if form.validate():
        kind, _sep, ident = form.subject.data.partition(":")
        subject = ({"person": db.session.get(Person, int(ident))} if kind == "person"
                   else {"unit": db.session.get(Unit, int(ident))})
        try:
            operations.record_use(initiative, award=db.session.get(Award, form.award_id.data), year=form.year.data,
                                  note=(form.note.data or "").strip(), **subject)
        except ValidationFailed as exc:
            form.form_errors.append(exc.message)
        else:
            flash(_("Đã ghi nhận việc sử dụng sáng kiến %(code)s.", code=initiative.code), "success")
            return redirect(url_for("initiatives.detail", code=initiative.code))
    return _detail_page(initiative, use_form=form, status=INVALID)


@bp.route("/<code>/transition", methods=["POST"])
@login_required
def transition(code: str):
    initiative = _visible(code)
    # Viewers, proposers, HR and council members hold no role in this workflow: 403 before the state is read.
    require(bool(operations.workflow_roles(initiative, current_user) & WORKFLOW_ROLES))
    form = ActionForm()
    trigger = (form.trigger.data or "").strip()
    if not form.validate() or not trigger:
        reasons = [e for errors in form.errors.values() for e in errors]
        error = {"status": INVALID, "message": _("Dữ liệu không hợp lệ."), "reasons": reasons}
        return _detail_page(initiative, action_form=form, error=error, status=INVALID)
    label = trigger_label(trigger, initiative.state, FLOW)
    try:
        operations.transition(initiative, trigger, actor=current_user, comment=(form.comment.data or "").strip()
                              or None, version=form.version.data or "", scope=form.scope.data,
                              decision_no=form.decision_no.data or "", decision_date=form.decision_date.data)
    except AwardsError as failure:
        db.session.rollback()
        initiative = _visible(code)
        details = failure.details if isinstance(failure.details, list) else []
        error = {"status": failure.status, "message": failure.message,
                 "reasons": [str(d) for d in details if str(d) != failure.message], "trigger": trigger}
        return _detail_page(initiative, action_form=form, error=error, status=failure.status)
    flash(_("Đã thực hiện: %(action)s.", action=label), "success")
    return redirect(url_for("initiatives.detail", code=initiative.code))


@bp.route("/<code>/release", methods=["POST"])
@login_required
def release_use(code: str):
    initiative = _managed(code)
    form = VersionForm(prefix="release")
    check_version(initiative, form.version.data)
    operations.release_use(initiative)
    flash(_("Sáng kiến %(code)s đã được giải phóng, có thể dùng cho đề nghị khác.", code=initiative.code), "success")
    return redirect(url_for("initiatives.detail", code=initiative.code))
