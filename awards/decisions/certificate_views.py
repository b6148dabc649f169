"""Certificate pages: request the certificates of a decision, watch the job's progress, download the file; the
print calibration for pre-printed blanks.

Access: the decision must be in the user's scope (else 404, as everywhere); only HR and admins of the issuer (or
of a unit above it) may print (403 for the others in scope). The calibration page is for HR and admins.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DecimalField, FieldList, Form, FormField, HiddenField
from wtforms.validators import NumberRange, Optional

from awards.catalogue.models import Award
from awards.core.errors import NotFound
from awards.decisions import certificates, jobs, queries
from awards.decisions.models import Decision, JobState, PrintCalibration
from awards.documents.render import write_pdf
from awards.extensions import db
from awards.org.permissions import manages_staff_anywhere, require

bp = Blueprint("certificates", __name__, url_prefix="/decisions")


def _decision(decision_id: int) -> Decision:
    """The decision if the user may print its certificates (HR/admin of the issuer); others who may know of it (the
    decision pages' rule, ``queries.access``) get 403, everyone else 404."""
    decision = db.session.get(Decision, decision_id)
    seen = queries.access(current_user, decision) if decision is not None else None
    if seen is None:
        raise NotFound()
    require(seen == queries.MANAGE)
    return decision


@bp.route("/<int:decision_id>/certificates", methods=["GET"])
@login_required
def progress(decision_id: int):
    decision = _decision(decision_id)
    job = jobs.job_for(decision)
    return render_template("decisions/certificates.html", decision=decision, job=job, status=jobs.status(job),
                           count=len(certificates.printable_items(decision)), form=FlaskForm(),
                           has_file=job is not None and job.state == JobState.DONE and jobs.has_file(job))


@bp.route("/<int:decision_id>/certificates", methods=["POST"])
@login_required
def start(decision_id: int):
    decision = _decision(decision_id)
    jobs.request_certificates(decision, actor=current_user)
    return redirect(url_for("certificates.progress", decision_id=decision.id))


@bp.route("/<int:decision_id>/certificates/retry", methods=["POST"])
@login_required
def retry(decision_id: int):
    decision = _decision(decision_id)
    jobs.retry_certificates(decision, actor=current_user)
    flash(_("Đã yêu cầu tạo lại giấy khen."), "info")
    return redirect(url_for("certificates.progress", decision_id=decision.id))


@bp.route("/<int:decision_id>/certificates/status")
@login_required
def status(decision_id: int):
    decision = _decision(decision_id)
    job = jobs.job_for(decision)
    body = jobs.status(job)
    body["download_url"] = (url_for("certificates.download", decision_id=decision.id)
                            if job is not None and job.state == JobState.DONE else None)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:decision_id>/certificates.pdf")
@login_required
def download(decision_id: int):
    decision = _decision(decision_id)
    job = jobs.job_for(decision)
    if job is None or job.state != JobState.DONE or not jobs.has_file(job):
        raise NotFound(_("Giấy khen chưa được tạo xong."))
    response = send_file(jobs.certificate_path(job), mimetype="application/pdf", as_attachment=True,
                         download_name=jobs.download_name(decision), max_age=0)
    response.headers["X-Content-SHA256"] = job.sha256
    return response


# --- calibration ---------------------------------------------------------------------------------------------

class CalibrationRow(Form):
    template = HiddenField()
    offset_x_mm = DecimalField(_l("Lệch ngang (mm)"), places=1, validators=[Optional(), NumberRange(-20, 20)])
    offset_y_mm = DecimalField(_l("Lệch dọc (mm)"), places=1, validators=[Optional(), NumberRange(-20, 20)])
    preprinted = BooleanField(_l("In trên phôi in sẵn"))


class CalibrationForm(FlaskForm):
    rows = FieldList(FormField(CalibrationRow))


def _template_keys() -> list[tuple[str, str]]:
    """("default", "Mặc định") then every active award: the keys a calibration may be stored under."""
    awards = db.session.scalars(select(Award).where(Award.active.is_(True)).order_by(Award.rank, Award.code))
    return [(certificates.DEFAULT_TEMPLATE, _("Mặc định (mọi mẫu chưa chỉnh riêng)"))] + [
        (a.code, a.name_vi) for a in awards]


def _require_calibrator() -> None:
    require(manages_staff_anywhere(current_user))


@bp.route("/calibration", methods=["GET", "POST"])
@login_required
def calibration():
    _require_calibrator()
    keys = _template_keys()
    labels = dict(keys)
    stored = {row.template: row for row in db.session.scalars(select(PrintCalibration))}
    form = CalibrationForm()
    if request.method == "GET":
        for key, _label in keys:
            row = stored.get(key)
            form.rows.append_entry({"template": key, "offset_x_mm": row.offset_x_mm if row else 0,
                                    "offset_y_mm": row.offset_y_mm if row else 0,
                                    "preprinted": bool(row and row.preprinted)})
    elif form.validate_on_submit():
        rows = [entry.data for entry in form.rows if entry.data["template"] in labels]
        certificates.save_calibrations(rows, actor=current_user)
        flash(_("Đã lưu căn chỉnh in giấy khen."), "success")
        return redirect(url_for("certificates.calibration"))
    status = 422 if request.method == "POST" else 200
    return render_template("decisions/certificate_calibration.html", form=form, labels=labels), status


@bp.route("/calibration/sample.pdf")
@login_required
def calibration_sample():
    """A made-up certificate with a template's stored calibration: a test print on a blank."""
    _require_calibrator()
    key = request.args.get("template", certificates.DEFAULT_TEMPLATE)
    table = certificates.calibration_table()
    context = certificates.sample_context(key, table.get(key) or table.get(certificates.DEFAULT_TEMPLATE))
    pdf = write_pdf(render_template("documents/certificate.html", certificates=[context]), certificates.STYLESHEET)
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="giay-khen-in-thu.pdf"'
    return response
