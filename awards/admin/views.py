"""Admin CRUD for units, names, clusters, people, ratings, discipline, users and roles."""
from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@login_required
def index():
    return render_template("org/dashboard.html")
