"""Emulation years: when each year starts and ends (THADS: 1 October to 30 September by default).

Years are shared by every unit, so only an admin of a top-level unit may change them.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from awards.admin import bp
from awards.admin.forms import YearForm
from awards.admin.operations import check_version
from awards.core.errors import NotFound, ValidationFailed
from awards.extensions import db
from awards.org.models import EmulationYear
from awards.org.operations import save_year
from awards.org.permissions import is_system_admin, require
from awards.org.queries import current_year_label

INVALID = 422


def _years() -> list[EmulationYear]:
    return db.session.scalars(select(EmulationYear).order_by(EmulationYear.label.desc())).all()


def _new_form() -> YearForm:
    """Prefilled with the year after the last one recorded, in the THADS bounds."""
    years = _years()
    label = (years[0].label + 1) if years else current_year_label()
    start, end = EmulationYear.default_bounds(label)
    return YearForm(formdata=None, data={"label": label, "start_date": start, "end_date": end})


def _save(form: YearForm, label: int):
    try:
        saved = save_year(label, form.start_date.data, form.end_date.data)
    except ValidationFailed as exc:
        form.end_date.errors.append(exc.message)
        return None
    flash(_("Đã lưu năm thi đua %(label)s.", label=saved.label), "success")
    return redirect(url_for("admin.years"))


@bp.route("/years", methods=["GET", "POST"])
def years():
    require(is_system_admin(current_user))
    form = YearForm()
    if form.is_submitted():
        if form.validate():
            if db.session.scalar(select(EmulationYear).where(EmulationYear.label == form.label.data)):
                form.label.errors.append(_("Năm thi đua %(label)s đã có; hãy sửa năm đó.", label=form.label.data))
            elif (done := _save(form, form.label.data)) is not None:
                return done
        return render_template("admin/years.html", years=_years(), form=form), INVALID
    return render_template("admin/years.html", years=_years(), form=_new_form())


@bp.route("/years/<int:label>/edit", methods=["GET", "POST"])
def year_edit(label: int):
    require(is_system_admin(current_user))
    year = db.session.scalar(select(EmulationYear).where(EmulationYear.label == label))
    if year is None:
        raise NotFound()
    form = YearForm(obj=year)
    del form.label  # the label names the year: its dates change here, never its name
    if form.is_submitted():
        check_version(year, form.version.data)
        if form.validate() and (done := _save(form, year.label)) is not None:
            return done
        return render_template("admin/year_edit.html", year=year, form=form), INVALID
    return render_template("admin/year_edit.html", year=year, form=form)
