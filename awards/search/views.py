"""The search page: GET /search?q=… (load → scope inside the queries → render)."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from awards.search import queries

bp = Blueprint("search", __name__)


@bp.route("/search")
@login_required
def index():
    q = queries.clean(request.args.get("q"))
    results = queries.search(current_user, q) if queries.long_enough(q) else None
    return render_template("search/results.html", q=q, results=results, min_length=queries.MIN_LENGTH,
                           per_group=queries.PER_GROUP)
