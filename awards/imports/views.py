"""Upload page for the bulk imports, with a preview before anything is written."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from awards.core.errors import PermissionDenied, ValidationFailed
from awards.imports.forms import ConfirmForm, UploadForm
from awards.imports.framework import ImportRejected
from awards.imports.operations import preview_import, run_import
from awards.imports.permissions import kind_for, kinds_for
from awards.imports.reading import UnreadableFile
from awards.imports.uploads import discard_upload, keep_upload, load_upload, original_name, parse_upload

bp = Blueprint("imports", __name__, url_prefix="/imports")


def _allowed_kinds():
    kinds = kinds_for(current_user)
    if not kinds:
        raise PermissionDenied()
    return kinds


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    kinds = _allowed_kinds()
    form = UploadForm()
    form.kind.choices = [(k.name, k.label) for k in kinds]
    if form.validate_on_submit():
        kind = kind_for(current_user, form.kind.data)
        storage = form.file.data
        data = storage.read()
        try:
            fmt, table = parse_upload(storage.filename, data)
        except UnreadableFile as exc:
            form.file.errors = [*form.file.errors, exc.message]
        else:
            result = preview_import(kind, table, actor=current_user)
            confirm = None
            if result.ok:  # a file with problems cannot be confirmed, so it is not kept
                upload_id = keep_upload(data, fmt, owner_id=current_user.id, kind=kind.name)
                confirm = ConfirmForm(kind=kind.name, upload_id=upload_id, file_name=original_name(storage.filename),
                                      formdata=None)
            return render_template("imports/preview.html", result=result, confirm=confirm,
                                   filename=storage.filename)
    return render_template("imports/index.html", form=form, kinds=kinds)


@bp.route("/confirm", methods=["POST"])
@login_required
def confirm():
    _allowed_kinds()
    form = ConfirmForm()
    if not form.validate_on_submit():
        raise ValidationFailed()
    kind = kind_for(current_user, form.kind.data)
    upload = load_upload(form.upload_id.data, owner_id=current_user.id, kind=kind.name)
    try:
        result = run_import(kind, upload.table, actor=current_user, file_name=original_name(form.file_name.data))
    except ImportRejected as exc:
        # The data changed since the preview (or writing failed): nothing was written; show why.
        discard_upload(upload)
        return render_template("imports/preview.html", result=exc.result, confirm=None, filename=None), 422
    discard_upload(upload)
    flash(result.summary(), "success")
    return redirect(url_for(".index"))


@bp.route("/<kind>/template.csv")
@login_required
def template(kind: str):
    """An empty CSV with the header row, with a BOM so spreadsheet programs open it as UTF-8."""
    chosen = kind_for(current_user, kind)
    body = "\ufeff" + ",".join(chosen.column_names) + "\r\n"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={chosen.name}.csv"})
