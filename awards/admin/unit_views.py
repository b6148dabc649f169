"""Units: list, create, edit, dated names, yearly unit ratings."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from awards.admin import bp
from awards.admin.forms import RatingForm, UnitCreateForm, UnitEditForm, UnitNameForm, placeholder, unit_choices
from awards.admin.operations import bump_version, check_version
from awards.admin.permissions import admin_unit_ids, require_admin, unit_for_admin, unit_for_staff
from awards.admin.queries import ratings_of, units_by_ids, units_list
from awards.core.errors import ValidationFailed
from awards.extensions import db
from awards.org.models import Unit
from awards.org.operations import rename_unit, save_unit, set_rating
from awards.org.permissions import can_manage_org

INVALID = 422  # the page comes back with the errors under their fields; after_request rolls back


@bp.route("/units")
def units():
    require_admin()
    q = request.args.get("q", "")
    page = db.paginate(units_list(admin_unit_ids(), q), per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("admin/units.html", page=page, q=q)


def _parent_choices(form, unit: Unit | None) -> None:
    """Any unit in the admin's scope; the current parent stays selectable even when it is outside."""
    ids = set(admin_unit_ids())
    if unit is not None:
        ids.discard(unit.id)
        if unit.parent_id is not None:
            ids.add(unit.parent_id)
    if unit is None:
        top = placeholder(_("— Chọn đơn vị cấp trên —"))
    elif unit.parent_id is None:
        top = placeholder(_("(Không có — đơn vị cấp cao nhất)"))
    else:
        top = []  # a unit with a parent keeps one: making it a root would take it out of every scope below
    form.parent_id.choices = top + unit_choices(units_by_ids(ids))


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    require_admin()
    form = UnitCreateForm()
    _parent_choices(form, None)
    if form.validate_on_submit():
        code = form.code.data.strip()
        if db.session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
            form.code.errors.append(_("Mã đơn vị “%(code)s” đã tồn tại.", code=code))
        elif form.parent_id.data is None:
            # A new unit hangs under one the admin manages, so it is in their scope from the start.
            form.parent_id.errors.append(_("Vui lòng chọn đơn vị cấp trên."))
        else:
            unit = save_unit(code, name=form.name.data.strip(), valid_from=form.name_valid_from.data,
                             kind=form.kind.data, parent=db.session.get(Unit, form.parent_id.data),
                             legal_personality=form.legal_personality.data,
                             document_code=(form.document_code.data or "").strip(),
                             place=(form.place.data or "").strip(), authorised_staff=form.authorised_staff.data)
            flash(_("Đã tạo đơn vị %(code)s.", code=unit.code), "success")
            return redirect(url_for("admin.unit_edit", code=unit.code))
    status = INVALID if form.is_submitted() else 200
    return render_template("admin/unit_new.html", form=form), status


def _unit_page(unit: Unit, *, form=None, name_form=None, rating_form=None, status: int = 200):
    if form is None:
        form = UnitEditForm(obj=unit, formdata=None)
        _parent_choices(form, unit)
    if name_form is None:
        name_form = UnitNameForm(prefix="name", formdata=None, data={"version": unit.version})
    if rating_form is None:
        rating_form = RatingForm(prefix="rating", formdata=None, data={"version": unit.version})
    return render_template("admin/unit_edit.html", unit=unit, form=form, name_form=name_form,
                           rating_form=rating_form, ratings=ratings_of(unit=unit)), status


@bp.route("/units/<code>/edit", methods=["GET", "POST"])
def unit_edit(code: str):
    unit = unit_for_admin(code)
    if request.method == "GET":
        return _unit_page(unit)
    form = UnitEditForm()
    _parent_choices(form, unit)
    check_version(unit, form.version.data)
    if not form.validate():
        return _unit_page(unit, form=form, status=INVALID)
    parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data is not None else None
    try:
        save_unit(unit.code, kind=form.kind.data, parent=parent, legal_personality=form.legal_personality.data,
                  document_code=(form.document_code.data or "").strip(), place=(form.place.data or "").strip(),
                  authorised_staff=form.authorised_staff.data)
    except ValidationFailed as exc:
        form.parent_id.errors.append(exc.message)
        return _unit_page(unit, form=form, status=INVALID)
    flash(_("Đã lưu đơn vị %(code)s.", code=unit.code), "success")
    return redirect(url_for("admin.unit_edit", code=unit.code))


@bp.route("/units/<code>/names", methods=["POST"])
def unit_name_add(code: str):
    unit = unit_for_admin(code)
    form = UnitNameForm(prefix="name")
    check_version(unit, form.version.data)
    if not form.validate():
        return _unit_page(unit, name_form=form, status=INVALID)
    rename_unit(unit, form.name.data.strip(), form.valid_from.data)
    bump_version(unit)
    flash(_("Đã ghi nhận tên mới của đơn vị."), "success")
    return redirect(url_for("admin.unit_edit", code=unit.code, _anchor="names"))


def _ratings_page(unit: Unit, *, rating_form=None, status: int = 200):
    """Admins rate units from the unit page; HR, who cannot edit units, from this page of its own."""
    if can_manage_org(current_user, unit):
        return _unit_page(unit, rating_form=rating_form, status=status)
    if rating_form is None:
        rating_form = RatingForm(prefix="rating", formdata=None, data={"version": unit.version})
    return render_template("admin/unit_ratings.html", unit=unit, rating_form=rating_form,
                           ratings=ratings_of(unit=unit)), status


@bp.route("/units/<code>/ratings", methods=["GET", "POST"])
def unit_ratings(code: str):
    unit = unit_for_staff(code)
    if request.method == "GET":
        return _ratings_page(unit)
    form = RatingForm(prefix="rating")
    check_version(unit, form.version.data)
    if not form.validate():
        return _ratings_page(unit, rating_form=form, status=INVALID)
    set_rating(form.year.data, form.rating.data, unit=unit)
    bump_version(unit)
    flash(_("Đã lưu xếp loại năm %(year)s của đơn vị.", year=form.year.data), "success")
    target = "admin.unit_edit" if can_manage_org(current_user, unit) else "admin.unit_ratings"
    return redirect(url_for(target, code=unit.code, _anchor="ratings"))
