"""Reminders pages: the user's reminders (/reminders), marking them read, the account settings page (e-mail on or
off) and the deadlines admins and HR manage (/deadlines)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from awards.admin.forms import options
from awards.catalogue.models import Award
from awards.core.errors import NotFound, ValidationFailed
from awards.extensions import db
from awards.org.models import Unit
from awards.org.permissions import STAFF_MANAGERS, can_view_unit, manages_staff_anywhere, require
from awards.reminders import operations
from awards.reminders.forms import KIND_LABELS, AccountForm, DeadlineForm, MarkReadForm
from awards.reminders.models import Deadline, DeadlineKind, Notification

bp = Blueprint("reminders", __name__)
INVALID = 422


@bp.before_request
@login_required
def _signed_in():
    """Every reminders page needs a signed-in user."""


@bp.app_context_processor
def _navbar_helpers() -> dict:
    return {"unread_reminders": _unread_reminders}


def _unread_reminders() -> int:
    if not getattr(current_user, "is_authenticated", False):
        return 0
    return operations.unread_count(current_user)


@bp.get("/reminders")
def index():
    per_page = current_app.config.get("PER_PAGE", 25)
    stmt = (select(Notification).where(Notification.user_id == current_user.id)
            .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc()))
    page = db.paginate(stmt, page=max(request.args.get("page", 1, type=int), 1), per_page=per_page,
                       error_out=False, max_per_page=per_page)
    today = operations.local_today()
    upcoming = operations.due_items(current_user, today, operations.DEFAULT_DAYS)
    return render_template("reminders/index.html", page=page, upcoming=upcoming, today=today,
                           days=operations.DEFAULT_DAYS, form=MarkReadForm(formdata=None))


@bp.post("/reminders/read")
def mark_read():
    form = MarkReadForm()
    if not form.validate():
        raise ValidationFailed()
    raw = (form.id.data or "").strip()
    if raw and not raw.isdigit():
        raise NotFound()
    count = operations.mark_read(current_user, int(raw) if raw else None)
    if not raw:
        flash(_("Đã đánh dấu %(n)s nhắc việc là đã đọc.", n=count), "success")
    return redirect(url_for("reminders.index", page=request.args.get("page", type=int)))


@bp.route("/account/settings", methods=["GET", "POST"])
def account():
    form = AccountForm(obj=current_user)
    if form.is_submitted():
        if form.validate():
            operations.save_email_settings(current_user, email=form.email.data,
                                           enabled=form.email_notifications.data)
            flash(_("Đã lưu cài đặt."), "success")
            return redirect(url_for("reminders.account"))
        return render_template("reminders/account.html", form=form), INVALID
    return render_template("reminders/account.html", form=form)


# --- deadlines (admins and HR) -------------------------------------------------------------------------------

def _awards() -> list[Award]:
    return list(db.session.scalars(select(Award).where(Award.active).order_by(Award.rank, Award.code)))


def _deadline_form(deadline: Deadline | None = None, *, formdata=True) -> DeadlineForm:
    if deadline is not None and not formdata:
        form = DeadlineForm(formdata=None, data={
            "id": str(deadline.id), "kind": deadline.kind.value, "due_on": deadline.due_on,
            "unit_code": deadline.unit.code, "award": deadline.award.code if deadline.award else "",
            "year": deadline.year, "label": deadline.label})
    elif formdata:
        form = DeadlineForm()
    else:
        form = DeadlineForm(formdata=None)
    form.award.choices = options([("", _("— Mọi danh hiệu —"))]
                                 + [(a.code, f"{a.code} — {a.name_vi}") for a in _awards()])
    return form


def _managed_deadline(raw) -> Deadline:
    """A deadline at a unit the user manages (admin/HR scope), else 404."""
    raw = (raw or "").strip() if isinstance(raw, str) else raw
    if not raw or not str(raw).isdigit():
        raise NotFound()
    deadline = db.session.get(Deadline, int(raw))
    if deadline is None or not can_view_unit(current_user, deadline.unit, STAFF_MANAGERS):
        raise NotFound()
    return deadline


def _render_deadlines(form: DeadlineForm, editing: Deadline | None = None, status: int = 200):
    rows = db.session.scalars(operations.deadlines_for(current_user)).all()
    return render_template("reminders/deadlines.html", rows=rows, form=form, editing=editing,
                           kind_labels=KIND_LABELS, today=operations.local_today()), status


@bp.route("/deadlines", methods=["GET", "POST"])
def deadlines():
    require(manages_staff_anywhere(current_user))
    if request.method == "GET":
        editing = _managed_deadline(request.args["edit"]) if request.args.get("edit") else None
        return _render_deadlines(_deadline_form(editing, formdata=False), editing)
    form = _deadline_form()
    editing = _managed_deadline(form.id.data) if form.id.data else None
    if not form.validate():
        return _render_deadlines(form, editing, INVALID)
    unit = db.session.scalar(select(Unit).where(func.upper(Unit.code) == form.unit_code.data.strip().upper()))
    if unit is None or not can_view_unit(current_user, unit, STAFF_MANAGERS):
        form.unit_code.errors.append(_("Không có đơn vị mã này trong phạm vi bạn quản lý."))
        return _render_deadlines(form, editing, INVALID)
    award = db.session.scalar(select(Award).where(Award.code == form.award.data)) if form.award.data else None
    operations.save_deadline(editing, kind=DeadlineKind(form.kind.data), due_on=form.due_on.data, unit=unit,
                             award=award, year=form.year.data, label=form.label.data or "", actor=current_user)
    flash(_("Đã lưu hạn."), "success")
    return redirect(url_for("reminders.deadlines"))


@bp.post("/deadlines/delete")
def deadline_delete():
    require(manages_staff_anywhere(current_user))
    form = MarkReadForm()
    if not form.validate() or not form.id.data:
        raise ValidationFailed(_("Chưa chọn hạn cần xóa."))
    operations.delete_deadline(_managed_deadline(form.id.data), actor=current_user)
    flash(_("Đã xóa hạn."), "success")
    return redirect(url_for("reminders.deadlines"))
