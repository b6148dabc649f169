"""THADS enforcement figures of a unit (or its subtree), a person or a cluster, read-only.

The figures come from ``awards.metrics.queries`` (``summary`` + ``Summary.as_json``): the API computes
nothing itself. Subjects are scoped like every record (404 outside the caller's scope); a visible subject
without figures for the year or month asked answers 404 with the code ``no_figures``.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from awards.api.auth import ApiBlueprint
from awards.api.schemas import MetricsArgsSchema, MetricsSchema, UnitMetricsArgsSchema
from awards.core.errors import NotFound
from awards.metrics import queries
from awards.metrics.queries import Summary
from awards.org.models import Cluster, Person, Unit
from awards.org.permissions import get_visible_or_404

blp = ApiBlueprint("api_metrics", __name__,
                   description="Enforcement figures (cases and money), rates, targets and changes (read-only).")


def _not_found(subject: str) -> str:
    return (f"`not_found`: unknown code, or a {subject} outside the caller's scope (the same body for both). "
            f"`no_figures`: a {subject} the caller may see, without figures for that year (or that month).")


class NoFigures(NotFound):
    """A subject the caller may see, without figures for the year or month asked.

    A code of its own tells a script "nothing reported yet" from "no such subject"; it cannot leak anything
    since it is only raised after the subject was found inside the caller's scope.
    """

    code = "no_figures"


def _answer(found: Summary | None, code: str, year: int, month: int | None) -> dict:
    if found is None:
        if month is None:
            raise NoFigures(_("Chưa có số liệu của %(code)s trong năm thống kê %(year)s.", code=code, year=year))
        raise NoFigures(_("Chưa có số liệu của %(code)s cho tháng %(month)s năm thống kê %(year)s.",
                          code=code, month=month, year=year))
    return found.as_json()


@blp.route("/units/<code>/metrics")
@blp.arguments(UnitMetricsArgsSchema, location="query", as_kwargs=True)
@blp.response(200, MetricsSchema)
@blp.errors(not_found=_not_found("unit"))
def unit_metrics(code: str, year: int, month: int | None = None, rollup: bool = False):
    """A unit's figures for a month

    The unit's own reports, or with `rollup=true` the sum of the unit's and of every unit below it (rates
    recomputed from the sums, never averaged), against the unit's own yearly targets.
    """
    # A scope is a whole subtree, so a unit the caller may see has every unit of its roll-up in scope too.
    unit = get_visible_or_404(Unit, code, current_user, unit_of=lambda u: u, by="code")
    found = queries.summary(queries.unit_filter(unit, rollup=rollup), unit.code, year, month,
                            target=queries.target_of(unit=unit, year=year))
    return _answer(found, unit.code, year, month)


@blp.route("/people/<code>/metrics")
@blp.arguments(MetricsArgsSchema, location="query", as_kwargs=True)
@blp.response(200, MetricsSchema)
@blp.errors(not_found=_not_found("person"))
def person_metrics(code: str, year: int, month: int | None = None):
    """An officer's figures for a month

    The cases assigned to the officer (chấp hành viên), against the officer's own yearly targets. A person is
    visible when their current unit is.
    """
    person = get_visible_or_404(Person, code, current_user, by="code")
    found = queries.summary(queries.person_filter(person), person.code, year, month,
                            target=queries.target_of(person=person, year=year))
    return _answer(found, person.code, year, month)


@blp.route("/clusters/<code>/metrics")
@blp.arguments(MetricsArgsSchema, location="query", as_kwargs=True)
@blp.response(200, MetricsSchema)
@blp.errors(not_found=_not_found("cluster"))
def cluster_metrics(code: str, year: int, month: int | None = None):
    """A cluster's figures for a month

    The sum of the own reports of the cluster's members in that year (rates recomputed from the sums). A
    cluster has no targets of its own: the target, attainment and excess fields are null. A cluster is
    visible when the unit that organises it is.
    """
    cluster = get_visible_or_404(Cluster, code, current_user, unit_of=lambda c: c.organiser, by="code")
    where = queries.cluster_filter(cluster, year)
    return _answer(queries.summary(where, cluster.code, year, month), cluster.code, year, month)
