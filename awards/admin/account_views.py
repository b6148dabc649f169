"""Accounts and roles: list, create, edit (active, password, linked person), role × scope, API tokens."""
from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from awards.admin import bp
from awards.admin.forms import RoleForm, UserCreateForm, UserEditForm, VersionForm, placeholder, unit_choices
from awards.admin.operations import bump_version, check_version
from awards.admin.permissions import (
    account_for_admin,
    admin_unit_ids,
    can_manage_account,
    person_in_admin_scope,
    require_admin,
)
from awards.admin.queries import accounts_list, units_by_ids
from awards.core.errors import NotFound, ValidationFailed
from awards.extensions import db
from awards.org.models import ApiToken, RoleAssignment, Unit, User
from awards.org.operations import create_user, grant_role, issue_api_token, revoke_api_token, revoke_role, update_user

INVALID = 422


@bp.route("/users")
def users():
    require_admin()
    q = request.args.get("q", "")
    page = db.paginate(accounts_list(admin_unit_ids(), q), per_page=current_app.config["PER_PAGE"],
                       error_out=False)
    return render_template("admin/users.html", page=page, q=q,
                           manageable={u.id for u in page.items if can_manage_account(current_user, u)})


def _linked_person(field):
    """The person typed in ``field``, or None; an unknown code or one outside the scope is a field error."""
    code = (field.data or "").strip()
    if not code:
        return None, True
    person = person_in_admin_scope(code)
    if person is None:
        field.errors.append(_("Không tìm thấy cán bộ có mã “%(code)s” trong phạm vi quản lý.", code=code))
        return None, False
    return person, True


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    require_admin()
    form = UserCreateForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        person, person_ok = _linked_person(form.person_code)
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            form.username.errors.append(_("Tên đăng nhập “%(name)s” đã tồn tại.", name=username))
        elif person_ok:
            try:
                user = create_user(username, form.password.data, person=person)
            except ValidationFailed as exc:
                form.username.errors.append(exc.message)
            else:
                flash(_("Đã tạo tài khoản %(name)s. Hãy gán vai trò cho tài khoản.", name=user.username), "success")
                return redirect(url_for("admin.user_edit", user_id=user.id))
    status = INVALID if form.is_submitted() else 200
    return render_template("admin/user_new.html", form=form), status


def _role_unit_select(form) -> None:
    # Only scopes inside the granting admin's own admin scope can be handed out.
    form.unit_id.choices = placeholder(_("— Chọn đơn vị —")) + unit_choices(units_by_ids(admin_unit_ids()))


def _user_page(user: User, *, form=None, role_form=None, status: int = 200):
    if form is None:
        form = UserEditForm(obj=user, formdata=None, data={"person_code": user.person.code if user.person else ""})
    if role_form is None:
        role_form = RoleForm(prefix="role", formdata=None, data={"version": user.version})
        _role_unit_select(role_form)
    tokens = sorted(user.tokens, key=lambda t: t.created_at, reverse=True)
    return render_template("admin/user_edit.html", account=user, form=form, role_form=role_form, tokens=tokens), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = account_for_admin(user_id)
    if request.method == "GET":
        return _user_page(user)
    form = UserEditForm()
    check_version(user, form.version.data)
    if form.validate():
        person, person_ok = _linked_person(form.person_code)
        if user.id == current_user.id and not form.active.data:
            form.active.errors.append(_("Không thể tự khóa tài khoản của chính mình."))
        elif person_ok:
            update_user(user, active=form.active.data, person=person, new_password=form.new_password.data or None)
            flash(_("Đã lưu tài khoản %(name)s.", name=user.username), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return _user_page(user, form=form, status=INVALID)


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
def user_role_add(user_id: int):
    user = account_for_admin(user_id)
    form = RoleForm(prefix="role")
    _role_unit_select(form)
    check_version(user, form.version.data)
    if not form.validate():
        return _user_page(user, role_form=form, status=INVALID)
    grant_role(user, form.role.data, db.session.get(Unit, form.unit_id.data))
    bump_version(user)
    flash(_("Đã gán vai trò cho tài khoản %(name)s.", name=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id, _anchor="roles"))


@bp.route("/users/<int:user_id>/roles/<int:role_id>/remove", methods=["POST"])
def user_role_remove(user_id: int, role_id: int):
    user = account_for_admin(user_id)
    assignment = db.session.get(RoleAssignment, role_id)
    if assignment is None or assignment.user_id != user.id:
        raise NotFound()
    form = VersionForm()
    check_version(user, form.version.data)
    if not form.validate():
        return _user_page(user, status=INVALID)
    revoke_role(assignment)
    bump_version(user)
    flash(_("Đã thu hồi vai trò."), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id, _anchor="roles"))


@bp.route("/users/<int:user_id>/tokens", methods=["POST"])
def user_token(user_id: int):
    """Issue an API token and show it on this response only: the database keeps just its hash."""
    user = account_for_admin(user_id)
    form = VersionForm()
    check_version(user, form.version.data)
    if not form.validate():
        return _user_page(user, status=INVALID)
    token = issue_api_token(user)
    bump_version(user)
    response = make_response(render_template("admin/user_token.html", account=user, token=token))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
def user_token_revoke(user_id: int, token_id: int):
    user = account_for_admin(user_id)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    form = VersionForm()
    check_version(user, form.version.data)
    if not form.validate():
        return _user_page(user, status=INVALID)
    revoke_api_token(token)
    bump_version(user)
    flash(_("Đã thu hồi mã truy cập API."), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id, _anchor="tokens"))
