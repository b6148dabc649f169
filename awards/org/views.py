"""Pages about the organisation: dashboard, unit tree, unit page, people list, person page (all read-only)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from awards.core.errors import NotFound
from awards.org import labels, queries
from awards.org.models import Person, Unit
from awards.org.permissions import can_view_unit, get_visible_or_404

bp = Blueprint("org", __name__)


@bp.context_processor
def _org_template_helpers() -> dict:
    return {
        "labels": labels,
        "label": labels.label,
        # The visible ids are cached per request, so linking many units costs one query at most.
        "is_visible": lambda unit: can_view_unit(current_user, unit),
        "today": date.today(),
    }


@bp.route("/")
@login_required
def dashboard():
    data = queries.dashboard(current_user)
    return render_template("org/dashboard.html", data=data)


@bp.route("/units")
@login_required
def unit_tree():
    tree = queries.visible_tree(current_user, with_counts=True)
    clusters = queries.visible_clusters(current_user)
    return render_template("org/unit_tree.html", tree=tree, clusters=clusters)


@bp.route("/units/<code>")
@login_required
def unit(code: str):
    unit = get_visible_or_404(Unit, code, current_user, unit_of=lambda u: u, by="code")
    return render_template("org/unit.html", unit=unit, detail=queries.unit_detail(unit))


@bp.route("/people")
@login_required
def people():
    tree = queries.visible_tree(current_user)
    q = (request.args.get("q") or "").strip()[:100]
    unit_code = (request.args.get("unit") or "").strip()
    unit_ids = None
    selected = None
    if unit_code:
        selected = tree.by_code.get(unit_code)
        if selected is None:
            raise NotFound()  # unknown or outside the scope: the same answer
        unit_ids = tree.subtree_ids(selected.unit.id)
    page = queries.people_page(current_user, q=q, unit_ids=unit_ids, page=request.args.get("page", 1, type=int),
                               per_page=current_app.config.get("PER_PAGE", 25))
    return render_template("org/people.html", page=page, tree=tree, q=q, selected=selected,
                           filters={k: v for k, v in (("q", q), ("unit", unit_code)) if v})


@bp.route("/people/<code>")
@login_required
def person(code: str):
    person = get_visible_or_404(Person, code, current_user, by="code")
    return render_template("org/person.html", person=person, detail=queries.person_detail(person))
