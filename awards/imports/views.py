"""Upload page for the bulk imports, with a preview before anything is written."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.route("/")
@login_required
def index():
    return render_template("org/dashboard.html")
