"""Pages about the organisation: dashboard, unit tree, unit page, people list, person page."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("org", __name__)


@bp.route("/")
@login_required
def dashboard():
    return render_template("org/dashboard.html")


@bp.route("/units")
@login_required
def unit_tree():
    return render_template("org/dashboard.html")


@bp.route("/people")
@login_required
def people():
    return render_template("org/dashboard.html")
