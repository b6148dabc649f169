"""Admin pages for the issuers' signing keys: which units sign their decisions, upload a PKCS#12, remove a key.

Admins only, over the unit (``awards.admin.permissions.unit_for_admin``: not an admin anywhere → 403, a unit
outside the admin's scope → 404). The passphrase is never shown again; it is kept encrypted
(``awards.decisions.signing``).
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField, PasswordField
from wtforms.validators import Length, Optional

from awards.admin.forms import AdminForm
from awards.admin.permissions import admin_unit_ids, require_admin, unit_for_admin
from awards.core.errors import ValidationFailed
from awards.core.models import utcnow
from awards.decisions import signing
from awards.decisions.models import SigningKey
from awards.extensions import db
from awards.org.models import Unit

bp = Blueprint("signing_keys", __name__, url_prefix="/admin/signing-keys")
INVALID = 422


class KeyUploadForm(AdminForm):
    """A PKCS#12 file and its passphrase; whether they open together is the operation's check."""

    file = FileField(_l("Tệp khóa ký số (.p12, .pfx)"),
                     validators=[FileRequired(_l("Hãy chọn tệp khóa ký số.")),
                                 FileAllowed(["p12", "pfx"], _l("Chỉ nhận tệp .p12 hoặc .pfx."))])
    passphrase = PasswordField(_l("Mật khẩu của tệp khóa"), validators=[Optional(), Length(max=200)],
                               description=_l("Được lưu mã hóa; không hiển thị lại."))


class KeyRemoveForm(AdminForm):
    version = HiddenField()


@bp.before_request
@login_required
def _signed_in():
    """Every page needs a signed-in user; the admin checks happen per page."""


def _expired(key: SigningKey | None) -> bool:
    return key is not None and key.not_after is not None and signing._aware(key.not_after) <= utcnow()


@bp.context_processor
def _helpers() -> dict:
    return {"key_expired": _expired}


@bp.route("/")
def index():
    require_admin()
    rows = db.session.execute(
        select(Unit, SigningKey).outerjoin(SigningKey, SigningKey.unit_id == Unit.id)
        .where(Unit.id.in_(admin_unit_ids()), Unit.legal_personality.is_(True)).order_by(Unit.code)).all()
    rows = sorted(rows, key=lambda r: (r[1] is None, r[0].code))  # units with a key first
    return render_template("decisions/keys.html", rows=rows, section="signing_keys")


def _unit_page(unit: Unit, form: KeyUploadForm | None = None, status: int = 200):
    key = signing.key_of(unit)
    remove_form = KeyRemoveForm(formdata=None, data={"version": key.version if key else ""})
    return render_template("decisions/keys_unit.html", unit=unit, key=key, form=form or KeyUploadForm(formdata=None),
                           remove_form=remove_form, section="signing_keys"), status


@bp.route("/<code>", methods=["GET", "POST"])
def unit(code: str):
    unit = unit_for_admin(code)
    form = KeyUploadForm()
    if form.validate_on_submit():
        try:
            _key, replaced = signing.store_key(unit, form.file.data.read(), form.passphrase.data or "",
                                               actor=_current_user())
        except ValidationFailed as exc:
            field = next(iter(exc.details or {}), "file")
            getattr(form, field, form.file).errors.append(exc.message)
        else:
            flash(_("Đã thay khóa ký số của %(unit)s.", unit=unit.name) if replaced
                  else _("Đã lưu khóa ký số của %(unit)s.", unit=unit.name), "success")
            return redirect(url_for("signing_keys.unit", code=unit.code))
    return _unit_page(unit, form, INVALID if form.is_submitted() else 200)


@bp.route("/<code>/remove", methods=["POST"])
def remove(code: str):
    unit = unit_for_admin(code)
    form = KeyRemoveForm()
    form.validate_on_submit()  # CSRF (a missing token answers 400 before the view runs)
    signing.remove_key(unit, actor=_current_user(), version=_int_or_none(form.version.data))
    flash(_("Đã gỡ khóa ký số của %(unit)s: các quyết định ban hành sau đó không được ký số.", unit=unit.name),
          "success")
    return redirect(url_for("signing_keys.unit", code=unit.code))


def _current_user():
    from flask_login import current_user

    return current_user._get_current_object()


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
