"""Initiative pages: the list (scoped by the initiative's unit), a detail page, create/edit, record/release the use.

Reading needs any role over the initiative's unit; changing needs admin or HR over it. Order of the checks
on a change: the role somewhere (else 403), the initiative in scope (else 404), the role over its unit (else 403).
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from awards.admin.forms import VersionForm, placeholder, unit_choices
from awards.admin.operations import check_version
from awards.catalogue.models import Award
from awards.core.errors import ValidationFailed
from awards.extensions import db
from awards.initiatives import operations, queries
from awards.initiatives.forms import InitiativeCreateForm, InitiativeEditForm, UseForm, split_codes
from awards.initiatives.labels import SCOPE_LABELS
from awards.initiatives.models import Initiative, InitiativeScope
from awards.org.labels import label
from awards.org.models import Person, Unit
from awards.org.permissions import (STAFF_MANAGERS, can_manage_staff, can_view_person, get_visible_or_404,
                                    manages_staff_anywhere, require, visible_unit_ids)

bp = Blueprint("initiatives", __name__, url_prefix="/initiatives")
INVALID = 422


@bp.app_context_processor
def _initiative_helpers() -> dict:
    # App-wide: the person and unit pages (org blueprint) include sections that read these.
    return {"initiatives_of": queries.initiatives_of, "award_holdings": queries.holdings,
            "scope_label": lambda scope: label(SCOPE_LABELS, scope), "describe_use": operations.describe_use,
            "can_view_person": can_view_person}


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
    return {"title": form.title.data.strip(), "unit": db.session.get(Unit, form.unit_id.data),
            "year": form.year.data, "scope": form.scope.data,
            "decision_no": (form.decision_no.data or "").strip(), "decision_date": form.decision_date.data}


@bp.route("")
@login_required
def index():
    year = request.args.get("year", type=int)
    scope_text = request.args.get("scope") or ""
    scope = InitiativeScope(scope_text) if scope_text in {s.value for s in InitiativeScope} else None
    q = (request.args.get("q") or "").strip()[:100]
    page = queries.initiatives_page(current_user, year=year, scope=scope, q=q,
                                    page=request.args.get("page", 1, type=int),
                                    per_page=current_app.config.get("PER_PAGE", 25))
    filters = {k: v for k, v in (("year", year), ("scope", scope and scope.value), ("q", q)) if v}
    return render_template("initiatives/list.html", page=page, years=queries.initiative_years(current_user),
                           scope_labels=SCOPE_LABELS, filters=filters, year=year, scope=scope, q=q,
                           can_create=manages_staff_anywhere(current_user))


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


def _detail_page(initiative: Initiative, *, use_form: UseForm | None = None, status: int = 200):
    manage = can_manage_staff(current_user, initiative.unit)
    if manage and use_form is None and initiative.use is None:
        use_form = UseForm(prefix="use", formdata=None, data={"version": initiative.version, "year": initiative.year})
        _use_choices(use_form, initiative)
    release_form = VersionForm(prefix="release", formdata=None, data={"version": initiative.version})
    return render_template("initiatives/detail.html", initiative=initiative, manage=manage, use_form=use_form,
                           release_form=release_form), status


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
        return render_template("initiatives/edit.html", initiative=initiative, form=form)
    form = InitiativeEditForm()
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


@bp.route("/<code>/release", methods=["POST"])
@login_required
def release_use(code: str):
    initiative = _managed(code)
    form = VersionForm(prefix="release")
    check_version(initiative, form.version.data)
    operations.release_use(initiative)
    flash(_("Sáng kiến %(code)s đã được giải phóng, có thể dùng cho đề nghị khác.", code=initiative.code), "success")
    return redirect(url_for("initiatives.detail", code=initiative.code))
