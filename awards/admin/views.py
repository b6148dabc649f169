"""The admin home; the record pages live in one module per record type, registered on the same blueprint."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from awards.admin import account_views, cluster_views, people_views, unit_views, year_views  # noqa: F401 (routes)
from awards.admin import bp
from awards.admin.permissions import admin_unit_ids, require_admin
from awards.admin.queries import accounts_list, clusters_list, units_list
from awards.extensions import db


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


@bp.route("/")
def index():
    require_admin()
    scope = admin_unit_ids()
    counts = {"units": _count(units_list(scope)), "clusters": _count(clusters_list(scope)),
              "accounts": _count(accounts_list(scope))}
    return render_template("admin/index.html", counts=counts)


__all__ = ["bp"]
