"""Cluster scoring pages: a cluster's year (scorecards and ranking), a unit's scorecard (self-score, review),
the standard table for a year, and the flag proposal ("Đề nghị Cờ thi đua").

Thin: load → check visibility (404 outside scope) → parse → one operation → redirect. A refused action
(422/409) re-renders the page with the reasons and that status (nothing is committed); 403 stays a 403.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from awards.clusters import operations as ops
from awards.clusters import queries, scoring
from awards.clusters.models import CardState, ScoringTemplate
from awards.clusters.standard import STANDARD_GROUPS, STANDARD_NAME
from awards.core.errors import AwardsError, NotFound, PermissionDenied, ValidationFailed
from awards.extensions import db
from awards.org.models import Cluster, Unit

bp = Blueprint("clusters", __name__, url_prefix="/clusters")


@bp.app_context_processor
def _cluster_helpers() -> dict:
    # The nomination page shows the cluster's ballot through this (templates/nominations/detail.html).
    return {"cluster_vote": queries.cluster_vote, "points_text": scoring.points_text}


def _cluster(code: str, year: int) -> Cluster:
    cluster = db.session.scalar(select(Cluster).where(Cluster.code == code))
    if cluster is None or not ops.can_view(current_user, cluster, year):
        raise NotFound()
    return cluster


def _member_unit(cluster: Cluster, year: int, unit_code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None or ops.member(cluster, year, unit) is None:
        raise NotFound()
    return unit


def _reasons(error: AwardsError) -> list[str]:
    details = error.details
    if isinstance(details, dict):
        return [str(v) for v in details.values()]
    return [str(d) for d in details or []] or [error.message]


def _parse_scores(template: ScoringTemplate, prefix: str) -> dict[int, tuple[int | None, str]]:
    """``<prefix>-<criterion id>`` (points, "12,5") and ``<prefix>note-<criterion id>`` → {id: (hundredths, note)}."""
    scores, errors = {}, []
    for criterion in template.criteria:
        if criterion.automatic:
            continue
        raw = (request.form.get(f"{prefix}-{criterion.id}") or "").strip()
        note = request.form.get(f"{prefix}note-{criterion.id}") or ""
        if f"{prefix}-{criterion.id}" not in request.form:
            continue
        try:
            scores[criterion.id] = (scoring.to_hundredths(raw) if raw else None, note)
        except ValueError:
            errors.append(_("%(code)s: điểm không hợp lệ (số không âm, tối đa hai chữ số thập phân).",
                            code=criterion.label))
    if errors:
        raise ValidationFailed(" ".join(errors), details=errors)
    return scores


# --- a cluster's year ----------------------------------------------------------------------------------------------

def _year_page(cluster: Cluster, year: int, error: AwardsError | None = None, status: int = 200):
    result = ops.ranking(cluster, year)
    return render_template(
        "clusters/year.html", cluster=cluster, year=year, ranking=result, template=ops.template_for(cluster, year),
        can_manage=ops.can_manage_template(current_user, cluster),
        can_propose=ops.can_propose_flag(current_user, cluster, year),
        years=sorted({m.year for m in cluster.members}, reverse=True),
        errors=_reasons(error) if error else [], queries=queries), status


@bp.route("/<code>/<int:year>")
@login_required
def year_page(code: str, year: int):
    return _year_page(_cluster(code, year), year)


@bp.route("/<code>/<int:year>/template", methods=["POST"])
@login_required
def template_new(code: str, year: int):
    cluster = _cluster(code, year)
    try:
        ops.create_template(actor=current_user, cluster=cluster, year=year, name=STANDARD_NAME.format(year=year),
                            groups=STANDARD_GROUPS, shared=request.form.get("shared") == "1")
    except AwardsError as exc:
        if exc.status in (403, 404):
            raise
        return _year_page(cluster, year, exc, exc.status)
    flash(_("Đã lập bảng điểm năm %(year)s.", year=year), "success")
    return redirect(url_for("clusters.year_page", code=code, year=year))


@bp.route("/<code>/<int:year>/flag", methods=["POST"])
@login_required
def flag(code: str, year: int):
    cluster = _cluster(code, year)
    chosen = None
    if request.form.get("unit_code"):
        chosen = db.session.scalar(select(Unit).where(Unit.code == request.form["unit_code"]))
    try:
        candidate = ops.propose_flag(actor=current_user, cluster=cluster, year=year, unit=chosen,
                                     note=request.form.get("note", ""))
    except AwardsError as exc:
        if exc.status in (403, 404):
            raise
        return _year_page(cluster, year, exc, exc.status)
    flash(_("Đã đề nghị Cờ thi đua cho %(unit)s.", unit=candidate.unit.name), "success")
    return redirect(url_for("nominations.detail", nomination_id=candidate.nomination_id))


# --- a unit's scorecard --------------------------------------------------------------------------------------------

def _scorecard_page(cluster: Cluster, year: int, unit: Unit, error: AwardsError | None = None, status: int = 200):
    card = ops.scorecard_of(cluster, year, unit)
    template = card.template if card is not None else ops.template_for(cluster, year)
    lines = {line.criterion_id: line for line in card.lines} if card is not None else {}
    return render_template(
        "clusters/scorecard.html", cluster=cluster, year=year, unit=unit, card=card, template=template,
        lines=lines, role=ops.member(cluster, year, unit).role,
        can_fill=ops.can_fill(current_user, unit) and (card is None or card.state == CardState.DRAFT),
        can_review=ops.can_review(current_user, cluster, year, unit) and card is not None
        and card.state != CardState.DRAFT,
        errors=_reasons(error) if error else [], basis_text=queries.basis_text, points=scoring.points_text), status


@bp.route("/<code>/<int:year>/units/<unit_code>")
@login_required
def scorecard(code: str, year: int, unit_code: str):
    cluster = _cluster(code, year)
    return _scorecard_page(cluster, year, _member_unit(cluster, year, unit_code))


@bp.route("/<code>/<int:year>/units/<unit_code>/self", methods=["POST"])
@login_required
def scorecard_save(code: str, year: int, unit_code: str):
    """The unit's self-scores; ``action=submit`` also sends the card to the leader and deputy."""
    cluster = _cluster(code, year)
    unit = _member_unit(cluster, year, unit_code)
    try:
        existed = ops.scorecard_of(cluster, year, unit) is not None
        card = ops.open_scorecard(actor=current_user, cluster=cluster, year=year, unit=unit)
        # A card opened by this very request has no version the user could have seen.
        version = request.form.get("version", type=int) if existed else None
        ops.save_self_scores(card, actor=current_user, scores=_parse_scores(card.template, "self"), version=version)
        if request.form.get("action") == "submit":
            ops.submit_scorecard(card, actor=current_user)
    except AwardsError as exc:
        if exc.status in (403, 404):
            raise
        return _scorecard_page(cluster, year, unit, exc, exc.status)
    flash(_("Đã gửi bảng điểm.") if request.form.get("action") == "submit" else _("Đã lưu bảng điểm."), "success")
    return redirect(url_for("clusters.scorecard", code=code, year=year, unit_code=unit_code))


@bp.route("/<code>/<int:year>/units/<unit_code>/review", methods=["POST"])
@login_required
def scorecard_review(code: str, year: int, unit_code: str):
    """Final scores with notes; ``action=finish`` marks the card reviewed, ``action=return`` sends it back."""
    cluster = _cluster(code, year)
    unit = _member_unit(cluster, year, unit_code)
    card = ops.scorecard_of(cluster, year, unit)
    try:
        if not ops.can_review(current_user, cluster, year, unit):
            raise PermissionDenied()
        if card is None:
            raise ValidationFailed(_("Đơn vị chưa lập bảng điểm."))
        version = request.form.get("version", type=int)
        if request.form.get("action") == "return":
            ops.return_scorecard(card, actor=current_user, note=request.form.get("return_note", ""), version=version)
        else:
            ops.review_scorecard(card, actor=current_user, scores=_parse_scores(card.template, "final"),
                                 finish=request.form.get("action") == "finish", version=version)
    except AwardsError as exc:
        if exc.status in (403, 404):
            raise
        return _scorecard_page(cluster, year, unit, exc, exc.status)
    flash(_("Đã lưu kết quả thẩm định."), "success")
    return redirect(url_for("clusters.scorecard", code=code, year=year, unit_code=unit_code))
