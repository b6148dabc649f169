"""Pages about the organisation: dashboard, unit tree, unit page, people list, person page (all read-only)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from awards.core import exports
from awards.core.errors import NotFound
from awards.extensions import db
from awards.org import labels, queries
from awards.org.models import Person, Unit
from awards.org.permissions import can_view_unit, get_visible_or_404
from awards.reports import timeline

bp = Blueprint("org", __name__)

# The people list as a download (?format=xlsx|csv): the columns the page shows.
PEOPLE_COLUMNS = [
    exports.Column(_l("Mã"), lambda p: p.code),
    exports.Column(_l("Họ và tên"), lambda p: p.full_name),
    exports.Column(_l("Giới tính"), lambda p: labels.label(labels.GENDER_LABELS, p.gender)),
    exports.Column(_l("Chức vụ"), lambda p: p.position),
    exports.Column(_l("Mã đơn vị"), lambda p: p.unit.code if p.unit else None),
    exports.Column(_l("Đơn vị"), lambda p: p.unit.name if p.unit else None),
    exports.Column(_l("Ngày sinh"), lambda p: p.birth_date, "date"),
]


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
    return render_template("org/unit.html", unit=unit, detail=queries.unit_detail(unit),
                           timeline=timeline.unit_timeline(unit, current_user))


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
    if fmt := exports.requested_format():
        rows = db.session.scalars(queries.people_query(current_user, q=q, unit_ids=unit_ids))
        return exports.download(fmt, _("Danh sách cán bộ"), PEOPLE_COLUMNS, rows)
    page = queries.people_page(current_user, q=q, unit_ids=unit_ids, page=request.args.get("page", 1, type=int),
                               per_page=current_app.config.get("PER_PAGE", 25))
    return render_template("org/people.html", page=page, tree=tree, q=q, selected=selected,
                           filters={k: v for k, v in (("q", q), ("unit", unit_code)) if v})


@bp.route("/people/<code>")
@login_required
def person(code: str):
    person = get_visible_or_404(Person, code, current_user, by="code")
    years = timeline.person_timeline(person, current_user)
    return render_template("org/person.html", person=person, detail=queries.person_detail(person),
                           timeline=years, next_titles=timeline.next_titles(person, years.path_year))
