"""People (admin or HR): create, edit, move to another unit, yearly ratings, discipline records.

The people list itself is the shared /people page; it links here.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from awards.admin import bp
from awards.admin.forms import (
    AssignForm,
    DisciplineForm,
    PersonCreateForm,
    PersonEditForm,
    RatingForm,
    VersionForm,
    placeholder,
    unit_choices,
)
from awards.admin.operations import bump_version, check_version
from awards.admin.permissions import discipline_for_staff, person_for_staff, require_staff_manager, staff_unit_ids
from awards.admin.queries import ratings_of, units_by_ids
from awards.core.errors import ValidationFailed
from awards.extensions import db
from awards.org.models import Person, Unit
from awards.org.operations import (assign, delete_discipline, record_discipline, save_person, set_rating,
                                   update_discipline)

INVALID = 422


def _unit_select(field) -> None:
    field.choices = placeholder(_("— Chọn đơn vị —")) + unit_choices(units_by_ids(staff_unit_ids()))


def _person_fields(form) -> dict:
    return {"full_name": form.full_name.data.strip(), "gender": form.gender.data,
            "birth_date": form.birth_date.data, "hire_date": form.hire_date.data,
            "position": (form.position.data or "").strip(), "grade": (form.grade.data or "").strip(),
            "investigation_pending": form.investigation_pending.data,
            "complaint_pending": form.complaint_pending.data}


@bp.route("/people/new", methods=["GET", "POST"])
def person_new():
    require_staff_manager()
    form = PersonCreateForm()
    _unit_select(form.unit_id)
    if form.validate_on_submit():
        code = form.code.data.strip()
        if db.session.scalar(select(Person.id).where(Person.code == code)) is not None:
            form.code.errors.append(_("Mã cán bộ “%(code)s” đã tồn tại.", code=code))
        else:
            person = save_person(code, **_person_fields(form),
                                 unit=db.session.get(Unit, form.unit_id.data), since=form.since.data)
            flash(_("Đã thêm cán bộ %(name)s.", name=person.full_name), "success")
            return redirect(url_for("admin.person_edit", code=person.code))
    status = INVALID if form.is_submitted() else 200
    return render_template("admin/person_new.html", form=form), status


def _person_page(person: Person, *, form=None, assign_form=None, rating_form=None, discipline_form=None,
                 status: int = 200):
    version = {"version": person.version}
    if form is None:
        form = PersonEditForm(obj=person, formdata=None)
    if assign_form is None:
        assign_form = AssignForm(prefix="assign", formdata=None, data=version)
        _unit_select(assign_form.unit_id)
    if rating_form is None:
        rating_form = RatingForm(prefix="rating", formdata=None, data=version)
    if discipline_form is None:
        discipline_form = DisciplineForm(prefix="discipline", formdata=None, data=version)
    return render_template("admin/person_edit.html", person=person, form=form, assign_form=assign_form,
                           rating_form=rating_form, discipline_form=discipline_form,
                           ratings=ratings_of(person=person)), status


@bp.route("/people/<code>/edit", methods=["GET", "POST"])
def person_edit(code: str):
    person = person_for_staff(code)
    if request.method == "GET":
        return _person_page(person)
    form = PersonEditForm()
    check_version(person, form.version.data)
    if not form.validate():
        return _person_page(person, form=form, status=INVALID)
    save_person(person.code, **_person_fields(form))
    flash(_("Đã lưu thông tin cán bộ %(name)s.", name=person.full_name), "success")
    return redirect(url_for("admin.person_edit", code=person.code))


@bp.route("/people/<code>/assign", methods=["POST"])
def person_assign(code: str):
    """Move the person to another unit from a date; the current assignment ends the day before."""
    person = person_for_staff(code)
    form = AssignForm(prefix="assign")
    _unit_select(form.unit_id)
    check_version(person, form.version.data)
    if form.validate():
        if person.unit_id == form.unit_id.data:
            form.unit_id.errors.append(_("Cán bộ đang công tác tại đơn vị này."))
        else:
            try:
                assign(person, db.session.get(Unit, form.unit_id.data), form.since.data)
            except ValidationFailed as exc:  # a move dated before the current assignment
                form.since.errors.append(exc.message)
            else:
                bump_version(person)
                flash(_("Đã chuyển cán bộ %(name)s sang đơn vị mới.", name=person.full_name), "success")
                return redirect(url_for("admin.person_edit", code=person.code, _anchor="assignments"))
    return _person_page(person, assign_form=form, status=INVALID)


@bp.route("/people/<code>/ratings", methods=["POST"])
def person_rating(code: str):
    person = person_for_staff(code)
    form = RatingForm(prefix="rating")
    check_version(person, form.version.data)
    if not form.validate():
        return _person_page(person, rating_form=form, status=INVALID)
    set_rating(form.year.data, form.rating.data, person=person)
    bump_version(person)
    flash(_("Đã lưu xếp loại năm %(year)s.", year=form.year.data), "success")
    return redirect(url_for("admin.person_edit", code=person.code, _anchor="ratings"))


@bp.route("/people/<code>/discipline", methods=["POST"])
def discipline_add(code: str):
    person = person_for_staff(code)
    form = DisciplineForm(prefix="discipline")
    check_version(person, form.version.data)
    if not form.validate():
        return _person_page(person, discipline_form=form, status=INVALID)
    record_discipline(person, form.level.data, form.start_date.data, form.end_date.data,
                      (form.reason.data or "").strip())
    bump_version(person)
    flash(_("Đã ghi nhận kỷ luật."), "success")
    return redirect(url_for("admin.person_edit", code=person.code, _anchor="discipline"))


@bp.route("/discipline/<int:discipline_id>/edit", methods=["GET", "POST"])
def discipline_edit(discipline_id: int):
    discipline = discipline_for_staff(discipline_id)
    # On POST the form must not fall back on the record's values: a missing version has to fail the check.
    form = DisciplineForm() if request.method == "POST" else DisciplineForm(obj=discipline, formdata=None)
    if request.method == "POST":
        check_version(discipline, form.version.data)
        if form.validate():
            update_discipline(discipline, level=form.level.data, start_date=form.start_date.data,
                              end_date=form.end_date.data, reason=(form.reason.data or "").strip())
            flash(_("Đã sửa quyết định kỷ luật."), "success")
            return redirect(url_for("admin.person_edit", code=discipline.person.code, _anchor="discipline"))
    status = INVALID if request.method == "POST" else 200
    return render_template("admin/discipline_edit.html", discipline=discipline, form=form), status


@bp.route("/discipline/<int:discipline_id>/delete", methods=["POST"])
def discipline_delete(discipline_id: int):
    discipline = discipline_for_staff(discipline_id)
    person = discipline.person
    form = VersionForm()
    check_version(discipline, form.version.data)
    if not form.validate():
        return _person_page(person, status=INVALID)
    delete_discipline(discipline)
    bump_version(person)
    flash(_("Đã xóa quyết định kỷ luật."), "success")
    return redirect(url_for("admin.person_edit", code=person.code, _anchor="discipline"))
