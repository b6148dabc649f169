"""Admin CRUD for units, names, clusters, people, ratings, discipline, accounts and roles."""
from flask import Blueprint
from flask_login import login_required

from awards.org import labels

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _signed_in():
    """Every admin page needs a signed-in user; the role checks happen per page (admin or HR)."""


@bp.context_processor
def _labels():
    return {"labels": labels}
