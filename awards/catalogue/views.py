"""Catalogue pages: awards, legal bases, dated parameters and their change history.

Every signed-in user may read them (they state the law the rules apply); only an admin of a top-level unit
changes them, because every unit shares one catalogue. Nothing is deleted: parameters get dated versions.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo
from decimal import Decimal

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from awards.admin.operations import check_version
from awards.catalogue import operations as ops
from awards.catalogue.forms import (RELIABILITY_LABELS, AwardForm, LegalBasisCreateForm, LegalBasisForm,
                                    ParameterCorrectForm, ParameterVersionForm)
from awards.catalogue.models import Authority, Award, AwardKind, CatalogueChange, LegalBasis, NomineeType, Parameter
from awards.core.errors import NotFound, StaleRecord, ValidationFailed
from awards.core.formatting import number
from awards.eligibility.parameters import DatedValue, Parameters
from awards.extensions import db
from awards.org.permissions import is_admin_anywhere, is_system_admin, require

bp = Blueprint("catalogue", __name__, url_prefix="/admin/catalogue")
INVALID = 422
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

KIND_LABELS = {AwardKind.TITLE: _l("Danh hiệu thi đua"), AwardKind.COMMENDATION: _l("Hình thức khen thưởng")}
NOMINEE_LABELS = {NomineeType.PERSON: _l("Cá nhân"), NomineeType.COLLECTIVE: _l("Tập thể"),
                  NomineeType.BOTH: _l("Cá nhân, tập thể")}
AUTHORITY_LABELS = {Authority.HEAD_OF_UNIT: _l("Thủ trưởng đơn vị có tư cách pháp nhân"),
                    Authority.MINISTER: _l("Bộ trưởng"), Authority.PRIME_MINISTER: _l("Thủ tướng Chính phủ")}
TABLE_LABELS = {"award": _l("Danh hiệu, hình thức"), "legal_basis": _l("Văn bản căn cứ"), "parameter": _l("Tham số")}
ACTION_LABELS = {"create": _l("Thêm"), "update": _l("Sửa"), "close": _l("Kết thúc hiệu lực")}
SECTION_LABELS = {
    "base_salary": _l("Lương cơ sở"), "money": _l("Tiền thưởng"), "money_multiple": _l("Hệ số tiền thưởng"),
    "vote_threshold": _l("Tỷ lệ phiếu bầu"), "council": _l("Hội đồng"), "quota": _l("Tỷ lệ, hạn mức"),
    "exclusion": _l("Trường hợp không xét"), "collective": _l("Điều kiện chung của tập thể"),
    "thads": _l("Thi hành án dân sự"),
}


@bp.before_request
@login_required
def _signed_in():
    """Reading needs a signed-in user; each change checks ``is_system_admin``."""


@bp.context_processor
def _helpers() -> dict:
    return {"show_value": show_value, "reliability_label": lambda r: str(RELIABILITY_LABELS.get(r, r)),
            "kind_labels": KIND_LABELS, "nominee_labels": NOMINEE_LABELS, "authority_labels": AUTHORITY_LABELS,
            "table_labels": TABLE_LABELS, "action_labels": ACTION_LABELS, "section_label": section_label,
            "can_edit_catalogue": is_system_admin(current_user)}


def section_label(name: str) -> str:
    """A group of parameter keys: a named topic, else the award whose criteria they are."""
    found = SECTION_LABELS.get(name)
    return str(found) if found is not None else _("Tiêu chuẩn %(code)s", code=name)


def show_value(value) -> str:
    """A parameter value the Vietnamese way: 2.340.000; 0,15; 4/5 (80%); quá bán; — for "not set"."""
    shape = ops._shape(value)
    if value is None:
        return _("không áp dụng")
    if shape == "int":
        return number(value)
    if shape == "decimal":
        return number(Decimal(value), max(0, -Decimal(value).as_tuple().exponent))
    if value == "majority":
        return _("quá bán")
    if shape == "share":
        top, bottom = (int(x) for x in value.split("/"))
        return f"{value} ({number(Decimal(top * 100) / bottom, 2 if (top * 100) % bottom else 0)}%)"
    if isinstance(value, bool):
        return _("có") if value else _("không")
    return ops.value_text(value)


def _require_editor() -> None:
    require(is_system_admin(current_user))


def _parameters() -> Parameters:
    rows = db.session.scalars(select(Parameter).options(selectinload(Parameter.legal_basis)))
    return Parameters(DatedValue(p.key, p.value, p.effective_from, p.effective_to, p.citation, p.reliability.value)
                      for p in rows)


def _field(form, exc: ValidationFailed, default):
    """The field an operation's refusal is about (``details={"field": name}``), else ``default``."""
    name = exc.details.get("field") if isinstance(exc.details, dict) else None
    return getattr(form, name, None) if name and hasattr(form, name) else default


def _basis_choices(form) -> None:
    bases = db.session.scalars(select(LegalBasis).order_by(LegalBasis.effective_from, LegalBasis.code))
    form.legal_basis_id.choices = [("", _("— Không có —"))] + [(b.id, f"{b.number} — {b.title[:80]}") for b in bases]


def _basis(form) -> LegalBasis | None:
    return db.session.get(LegalBasis, form.legal_basis_id.data) if form.legal_basis_id.data else None


# --- awards ----------------------------------------------------------------------------------------------

@bp.route("/")
def awards():
    params, today = _parameters(), date.today()
    rows = []
    for award in db.session.scalars(select(Award).order_by(Award.rank, Award.code)):
        money = {who: params.get(f"money_multiple.{award.code}.{who}", today) for who in ("person", "collective")}
        threshold = params.entry(f"vote_threshold.{award.code}", today) if params.get(
            f"vote_threshold.{award.code}", today) is not None else None
        rows.append({"award": award, "threshold": threshold, "money": money})
    return render_template("catalogue/awards.html", rows=rows, today=today, section="catalogue", tab="awards")


@bp.route("/awards/<code>/edit", methods=["GET", "POST"])
def award_edit(code: str):
    _require_editor()
    award = db.session.scalar(select(Award).where(Award.code == code))
    if award is None:
        raise NotFound()
    form = AwardForm(obj=award)
    if form.is_submitted():
        check_version(award, form.version.data)
        if form.validate():
            try:
                ops.update_award(award, name_vi=form.name_vi.data, name_en=form.name_en.data, active=form.active.data,
                                 secret_ballot=form.secret_ballot.data, rank=form.rank.data, actor=current_user)
            except ValidationFailed as exc:
                form.name_vi.errors.append(exc.message)
            else:
                flash(_("Đã lưu danh hiệu %(code)s.", code=award.code), "success")
                return redirect(url_for("catalogue.awards"))
        return render_template("catalogue/award_edit.html", award=award, form=form, section="catalogue",
                               tab="awards"), INVALID
    return render_template("catalogue/award_edit.html", award=award, form=form, section="catalogue", tab="awards")


# --- legal bases -----------------------------------------------------------------------------------------

@bp.route("/legal-bases")
def legal_bases():
    bases = db.session.scalars(select(LegalBasis).order_by(LegalBasis.effective_from, LegalBasis.code)).all()
    return render_template("catalogue/legal_bases.html", bases=bases, today=date.today(), section="catalogue",
                           tab="legal_bases")


def _save_basis(form, basis: LegalBasis | None):
    try:
        saved = ops.save_legal_basis(
            basis, code=getattr(form, "code", None) and form.code.data, number=form.number.data,
            title=form.title.data, issued_on=form.issued_on.data, effective_from=form.effective_from.data,
            effective_to=form.effective_to.data, citation_line=form.citation_line.data,
            reliability=form.reliability.data, note=form.note.data, actor=current_user)
    except ValidationFailed as exc:
        _field(form, exc, form.effective_from).errors.append(exc.message)
        return None
    flash(_("Đã lưu văn bản %(number)s.", number=saved.number), "success")
    return redirect(url_for("catalogue.legal_bases"))


@bp.route("/legal-bases/new", methods=["GET", "POST"])
def legal_basis_new():
    _require_editor()
    form = LegalBasisCreateForm()
    if form.is_submitted():
        if form.validate() and (done := _save_basis(form, None)) is not None:
            return done
        return render_template("catalogue/legal_basis_edit.html", basis=None, form=form, section="catalogue",
                               tab="legal_bases"), INVALID
    return render_template("catalogue/legal_basis_edit.html", basis=None, form=form, section="catalogue",
                           tab="legal_bases")


@bp.route("/legal-bases/<code>/edit", methods=["GET", "POST"])
def legal_basis_edit(code: str):
    _require_editor()
    basis = db.session.scalar(select(LegalBasis).where(LegalBasis.code == code))
    if basis is None:
        raise NotFound()
    form = LegalBasisForm(obj=basis)
    if form.is_submitted():
        check_version(basis, form.version.data)
        if form.validate() and (done := _save_basis(form, basis)) is not None:
            return done
        return render_template("catalogue/legal_basis_edit.html", basis=basis, form=form, section="catalogue",
                               tab="legal_bases"), INVALID
    return render_template("catalogue/legal_basis_edit.html", basis=basis, form=form, section="catalogue",
                           tab="legal_bases")


# --- parameters ------------------------------------------------------------------------------------------

@bp.route("/parameters")
def parameters():
    rows = db.session.scalars(select(Parameter).options(selectinload(Parameter.legal_basis))
                              .order_by(Parameter.key, Parameter.effective_from)).all()
    keys: dict[str, list[Parameter]] = {}
    for p in rows:
        keys.setdefault(p.key, []).append(p)
    grouped: dict[str, list[str]] = {}
    for key in keys:
        grouped.setdefault(key.split(".")[0], []).append(key)
    # Money and council first, as the law reads; then each award's own criteria, in voting order.
    order = list(SECTION_LABELS) + list(db.session.scalars(select(Award.code).order_by(Award.rank, Award.code)))
    sections = {name: grouped[name] for name in sorted(grouped, key=lambda n: (
        order.index(n) if n in order else len(order), n))}
    return render_template("catalogue/parameters.html", keys=keys, sections=sections, today=date.today(),
                           section="catalogue", tab="parameters")


def _versions_or_404(key: str) -> list[Parameter]:
    versions = ops.versions_of(key)
    if not versions:
        raise NotFound()
    return versions


@bp.route("/parameters/<key>/new", methods=["GET", "POST"])
def parameter_new(key: str):
    _require_editor()
    versions = _versions_or_404(key)
    latest = versions[-1]
    if request.method == "GET":
        form = ParameterVersionForm(formdata=None, data={
            "value": ops.value_text(latest.value), "legal_basis_id": latest.legal_basis_id,
            "article": latest.article, "reliability": latest.reliability, "fingerprint": ops.key_fingerprint(key)})
    else:
        form = ParameterVersionForm()
    _basis_choices(form)
    if form.is_submitted():
        if form.fingerprint.data != ops.key_fingerprint(key):
            raise StaleRecord()  # another version was added or corrected since the page was loaded
        if form.validate():
            try:
                ops.add_parameter_version(key, form.value.data, form.effective_from.data, legal_basis=_basis(form),
                                          article=form.article.data, reliability=form.reliability.data,
                                          note=form.note.data, actor=current_user)
            except ValidationFailed as exc:
                _field(form, exc, form.value).errors.append(exc.message)
            else:
                flash(_("Đã thêm giá trị mới của %(key)s.", key=key), "success")
                return redirect(url_for("catalogue.parameters", _anchor=f"key-{key}"))
        return render_template("catalogue/parameter_form.html", key=key, versions=versions, param=None, form=form,
                               section="catalogue", tab="parameters"), INVALID
    return render_template("catalogue/parameter_form.html", key=key, versions=versions, param=None, form=form,
                           section="catalogue", tab="parameters")


@bp.route("/parameters/<key>/<effective_from>/edit", methods=["GET", "POST"])
def parameter_edit(key: str, effective_from: str):
    _require_editor()
    versions = _versions_or_404(key)
    param = next((p for p in versions if p.effective_from.isoformat() == effective_from), None)
    if param is None:
        raise NotFound()
    if request.method == "GET":
        form = ParameterCorrectForm(formdata=None, data={
            "value": ops.value_text(param.value), "legal_basis_id": param.legal_basis_id, "article": param.article,
            "reliability": param.reliability, "note": param.note, "fingerprint": ops.fingerprint(param)})
    else:
        form = ParameterCorrectForm()
    _basis_choices(form)
    if form.is_submitted():
        ops.check_fingerprint(param, form.fingerprint.data)
        if form.validate():
            try:
                ops.correct_parameter(param, form.value.data, legal_basis=_basis(form), article=form.article.data,
                                      reliability=form.reliability.data, note=form.note.data, actor=current_user)
            except ValidationFailed as exc:
                form.value.errors.append(exc.message)
            else:
                flash(_("Đã sửa %(key)s từ ngày %(day)s.", key=key, day=param.effective_from.strftime("%d/%m/%Y")),
                      "success")
                return redirect(url_for("catalogue.parameters", _anchor=f"key-{key}"))
        return render_template("catalogue/parameter_form.html", key=key, versions=versions, param=param, form=form,
                               section="catalogue", tab="parameters"), INVALID
    return render_template("catalogue/parameter_form.html", key=key, versions=versions, param=param, form=form,
                           section="catalogue", tab="parameters")


# --- history ---------------------------------------------------------------------------------------------

@bp.route("/history")
def history():
    require(is_admin_anywhere(current_user))
    table = request.args.get("table") or None
    if table is not None and table not in TABLE_LABELS:
        raise NotFound()
    per_page = current_app.config.get("PER_PAGE", 25) * 2
    page = max(1, request.args.get("page", 1, type=int))
    stmt = select(CatalogueChange).options(selectinload(CatalogueChange.user))
    if table:
        stmt = stmt.where(CatalogueChange.table_name == table)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    changes = db.session.scalars(stmt.order_by(CatalogueChange.changed_at.desc(), CatalogueChange.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)).all()
    names = _record_names(changes)
    rows = [{"change": c, "at": _local(c.changed_at), "name": names.get((c.table_name, c.record_id), f"#{c.record_id}"),
             "diff": _diff(c.before, c.after)} for c in changes]
    return render_template("catalogue/history.html", rows=rows, table=table, page=page, total=total,
                           pages=max(1, -(-total // per_page)), section="catalogue", tab="history")


def _local(moment: datetime) -> datetime:
    """Times are stored in UTC (SQLite gives them back without a zone); people read Vietnam time."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(VIETNAM)


def _record_names(changes: list[CatalogueChange]) -> dict[tuple[str, int], str]:
    """What each changed record is called now (an award's code, a text's number, a parameter's key and date)."""
    wanted: dict[str, set[int]] = {}
    for c in changes:
        wanted.setdefault(c.table_name, set()).add(c.record_id)
    names: dict[tuple[str, int], str] = {}
    for table, model, label in (("award", Award, lambda a: f"{a.code} — {a.name_vi}"),
                                ("legal_basis", LegalBasis, lambda b: b.number),
                                ("parameter", Parameter, lambda p: f"{p.key} ({_('từ')} "
                                                                   f"{p.effective_from.strftime('%d/%m/%Y')})")):
        if wanted.get(table):
            for record in db.session.scalars(select(model).where(model.id.in_(wanted[table]))):
                names[(table, record.id)] = label(record)
    return names


def _diff(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field that changed; every field of a created record."""
    before, after = before or {}, after or {}
    out = []
    for name in after.keys() | before.keys():
        old, new = before.get(name), after.get(name)
        if name not in before or old != new:
            out.append((name, "" if name not in before else ops.value_text(old), ops.value_text(new)))
    order = list(after) + [n for n in before if n not in after]
    return sorted(out, key=lambda row: order.index(row[0]))


__all__ = ["bp"]
