"""Cluster scoring operations: the one door pages, the demo and the tests use. They flush, never commit.

Who may do what (every check is a role held over a unit, which covers that unit and every unit below it):
- a template: the secretariat (secretary) or an admin over the cluster's organiser;
- a unit's self-score and its submission: a proposer, secretary or admin over that member unit;
- the review (final scores, return to draft): a secretary, approver or admin over the cluster's leader or
  deputy unit of that year — other than the unit reviewed, so the leader does not review its own card
  (the deputy's users do, or anyone above both);
- the flag proposal: the CO_BO nomination is the top unit's own proposal, so ``propose_flag`` creates it as
  the actor, who must hold proposer or admin over that unit (its own proposer, or an admin above it such as
  the organiser's). The leader's users are deliberately NOT given proposer rights over another unit.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from awards.catalogue.models import Award
from awards.clusters import scoring
from awards.clusters.models import (CardState, Criterion, CriterionGroup, FlagCandidate, ScoreLine, ScoringTemplate,
                                    Source, UnitScorecard)
from awards.clusters.queries import standings
from awards.core.errors import PermissionDenied, StaleRecord, ValidationFailed
from awards.extensions import db
from awards.metrics import compute
from awards.metrics import queries as metric_queries
from awards.nominations.models import Nomination
from awards.nominations.operations import create_nomination
from awards.org.models import Cluster, ClusterMember, ClusterRole, Role, Unit, User
from awards.org.permissions import visible_unit_ids

FILLERS = (Role.PROPOSER, Role.SECRETARY, Role.ADMIN)
REVIEWERS = (Role.SECRETARY, Role.APPROVER, Role.ADMIN)
TEMPLATE_MANAGERS = (Role.SECRETARY, Role.ADMIN)
FLAG_PROPOSERS = (Role.PROPOSER, Role.ADMIN)


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[message])


def _check_version(record, version: int | None) -> None:
    if version is not None and int(version) != record.version:
        raise StaleRecord()


def _touch(card: UnitScorecard) -> None:
    # Lines are rows of their own: touching the card makes every change a version step (two editors, one wins).
    card.updated_at = datetime.now(UTC)


# --- who may ----------------------------------------------------------------------------------------------------

def members(cluster: Cluster, year: int) -> list[ClusterMember]:
    return cluster.members_in(year)


def member(cluster: Cluster, year: int, unit: Unit) -> ClusterMember | None:
    return next((m for m in cluster.members_in(year) if m.unit_id == unit.id), None)


def can_view(user: User, cluster: Cluster, year: int | None = None) -> bool:
    """The organiser's users, and the users of any member unit (of that year, or of any year)."""
    units = visible_unit_ids(user)
    return cluster.organiser_id in units or any(
        m.unit_id in units for m in cluster.members if year is None or m.year == year)


def can_manage_template(user: User, cluster: Cluster) -> bool:
    return cluster.organiser_id in visible_unit_ids(user, TEMPLATE_MANAGERS)


def can_fill(user: User, unit: Unit) -> bool:
    return unit.id in visible_unit_ids(user, FILLERS)


def reviewing_units(cluster: Cluster, year: int) -> set[int]:
    return {m.unit_id for m in cluster.members_in(year) if m.role in (ClusterRole.LEADER, ClusterRole.DEPUTY)}


def can_review(user: User, cluster: Cluster, year: int, unit: Unit) -> bool:
    scope = visible_unit_ids(user, REVIEWERS)
    return any(u in scope for u in reviewing_units(cluster, year) - {unit.id})


def can_propose_flag(user: User, cluster: Cluster, year: int) -> bool:
    scope = visible_unit_ids(user, FLAG_PROPOSERS)
    return any(m.unit_id in scope for m in cluster.members_in(year))


# --- templates --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CriterionSpec:
    code: str
    title: str
    max_points: int                 # hundredths of a point
    source: Source = Source.MANUAL


@dataclass(frozen=True)
class GroupSpec:
    code: str
    title: str
    criteria: tuple[CriterionSpec, ...]
    professional: bool = False


def template_for(cluster: Cluster, year: int) -> ScoringTemplate | None:
    """The cluster's own template for the year, else the one its organiser shares with all its clusters."""
    found = db.session.scalars(select(ScoringTemplate).where(
        ScoringTemplate.organiser_id == cluster.organiser_id, ScoringTemplate.year == year,
        or_(ScoringTemplate.cluster_id == cluster.id, ScoringTemplate.cluster_id.is_(None)))).all()
    return next((t for t in found if t.cluster_id == cluster.id), found[0] if found else None)


def create_template(*, actor: User, cluster: Cluster, year: int, name: str, groups: Iterable[GroupSpec],
                    shared: bool = False) -> ScoringTemplate:
    """A year's scoring table for the cluster (or, ``shared``, for every cluster of its organiser).

    Group and template maxima are the sums of their criteria, so the table always adds up.
    """
    if not can_manage_template(actor, cluster):
        raise PermissionDenied(_("Chỉ thường trực hoặc quản trị của đơn vị tổ chức cụm được lập bảng điểm."))
    groups = list(groups)
    errors = []
    if not (name or "").strip():
        errors.append(_("Nhập tên bảng điểm."))
    if not groups or any(not g.criteria for g in groups):
        errors.append(_("Mỗi nhóm tiêu chí phải có ít nhất một tiêu chí."))
    if any(c.max_points <= 0 for g in groups for c in g.criteria):
        errors.append(_("Điểm tối đa của tiêu chí phải lớn hơn 0."))
    codes = [g.code for g in groups]
    if len(set(codes)) != len(codes) or any(len({c.code for c in g.criteria}) != len(g.criteria) for g in groups):
        errors.append(_("Mã nhóm, mã tiêu chí không được trùng nhau."))
    duplicate = db.session.scalar(select(ScoringTemplate.id).where(
        ScoringTemplate.organiser_id == cluster.organiser_id, ScoringTemplate.year == year,
        ScoringTemplate.cluster_id.is_(None) if shared else ScoringTemplate.cluster_id == cluster.id))
    if duplicate is not None:
        errors.append(_("Đã có bảng điểm năm %(year)s.", year=year))
    if errors:
        raise ValidationFailed(" ".join(errors), details=errors)
    template = ScoringTemplate(organiser_id=cluster.organiser_id, cluster=None if shared else cluster, year=year,
                               name=name.strip(), max_total=0)
    for gpos, g in enumerate(groups):
        group = CriterionGroup(code=g.code, title=g.title, position=gpos, professional=g.professional,
                               max_points=sum(c.max_points for c in g.criteria))
        for cpos, c in enumerate(g.criteria):
            group.criteria.append(Criterion(code=c.code, title=c.title, max_points=c.max_points,
                                            source=Source(c.source), position=cpos))
        template.groups.append(group)
    template.max_total = sum(g.max_points for g in template.groups)
    db.session.add(template)
    db.session.flush()
    return template


# --- scorecards -------------------------------------------------------------------------------------------------

def scorecard_of(cluster: Cluster, year: int, unit: Unit) -> UnitScorecard | None:
    return db.session.scalar(select(UnitScorecard).where(
        UnitScorecard.cluster_id == cluster.id, UnitScorecard.year == year, UnitScorecard.unit_id == unit.id))


def open_scorecard(*, actor: User, cluster: Cluster, year: int, unit: Unit) -> UnitScorecard:
    """The unit's card for the year, created (draft, one empty line per criterion) the first time."""
    if not can_fill(actor, unit):
        raise PermissionDenied()
    if member(cluster, year, unit) is None:
        raise _refuse(_("Đơn vị không là thành viên cụm năm %(year)s.", year=year))
    card = scorecard_of(cluster, year, unit)
    if card is not None:
        return card
    template = template_for(cluster, year)
    if template is None:
        raise _refuse(_("Cụm chưa có bảng điểm năm %(year)s.", year=year))
    card = UnitScorecard(template=template, cluster=cluster, year=year, unit=unit, state=CardState.DRAFT)
    for criterion in template.criteria:
        card.lines.append(ScoreLine(criterion=criterion, criterion_id=criterion.id))
    db.session.add(card)
    db.session.flush()
    return card


def _lines(card: UnitScorecard) -> list[tuple[Criterion, ScoreLine]]:
    by_criterion = {line.criterion_id: line for line in card.lines}
    found = []
    for criterion in card.template.criteria:
        line = by_criterion.get(criterion.id)
        if line is None:  # a criterion added after the card was opened
            line = ScoreLine(criterion=criterion, criterion_id=criterion.id)
            card.lines.append(line)
        found.append((criterion, line))
    return found


def _scores(card: UnitScorecard, scores: Mapping[int, tuple[int | None, str]], *, final: bool) -> None:
    """Apply the manual criteria's scores, all or none (a refused form leaves the card as it was)."""
    errors, changes = [], []
    for criterion, line in _lines(card):
        if criterion.automatic or criterion.id not in scores:
            continue
        points, note = scores[criterion.id]
        if points is not None and not 0 <= points <= criterion.max_points:
            errors.append(_("%(code)s: điểm phải từ 0 đến %(max)s.", code=criterion.label,
                            max=scoring.points_text(criterion.max_points)))
        changes.append((line, points, (note or "").strip()))
    if errors:
        raise ValidationFailed(" ".join(errors), details=errors)
    for line, points, note in changes:
        if final:
            line.final_score, line.review_note = points, note
        else:
            line.self_score, line.self_note = points, note


def unit_figures(unit: Unit, year: int) -> metric_queries.Summary | None:
    """The unit's yearly figures: its subtree's at the latest month reported, with its own targets (as the
    eligibility loader reads them for "exceeded its targets")."""
    target = metric_queries.target_of(unit=unit, year=year)
    return metric_queries.summary(metric_queries.unit_filter(unit, rollup=True), unit.code, year, target=target)


def compute_automatic(card: UnitScorecard) -> None:
    """(Re)score the automatic criteria from the unit's figures; self and final score are the computed value."""
    figures = None
    loaded = False
    for criterion, line in _lines(card):
        if not criterion.automatic:
            continue
        if not loaded:
            figures, loaded = unit_figures(card.unit, card.year), True
        counts = None
        target = None
        if figures is not None:
            counts = figures.cases if criterion.source == Source.CASE_RATE else figures.money
            target = figures.case_target if criterion.source == Source.CASE_RATE else figures.money_target
        result = scoring.rate_points(counts.completed if counts else None, counts.enforceable if counts else None,
                                     target, criterion.max_points)
        line.self_score = line.final_score = result.points
        line.basis = {
            "source": str(criterion.source), "reason": result.reason,
            "month": figures.month if figures else None,
            "calendar_year": compute.calendar_year(card.year, figures.month) if figures else None,
            "completed": counts.completed if counts else None, "enforceable": counts.enforceable if counts else None,
            "rate": str(result.rate) if result.rate is not None else None,
            "target": str(target) if target is not None else None,
            "points": result.points, "max_points": criterion.max_points,
        }


def save_self_scores(card: UnitScorecard, *, actor: User, scores: Mapping[int, tuple[int | None, str]],
                     version: int | None = None) -> UnitScorecard:
    """The unit's own scores and notes (manual criteria; automatic ones are computed), while the card is a draft."""
    _check_version(card, version)
    if not can_fill(actor, card.unit):
        raise PermissionDenied()
    if card.state != CardState.DRAFT:
        raise _refuse(_("Bảng điểm đã gửi; chỉ sửa được khi bị trả lại."))
    _scores(card, scores, final=False)
    compute_automatic(card)
    _touch(card)
    db.session.flush()
    return card


def submit_scorecard(card: UnitScorecard, *, actor: User, version: int | None = None) -> UnitScorecard:
    """Send the card to the cluster's leader and deputy; the automatic criteria are recomputed now."""
    _check_version(card, version)
    if not can_fill(actor, card.unit):
        raise PermissionDenied()
    if card.state != CardState.DRAFT:
        raise _refuse(_("Bảng điểm đã gửi."))
    missing = [c.label for c, line in _lines(card) if not c.automatic and line.self_score is None]
    if missing:
        raise _refuse(_("Chưa tự chấm các tiêu chí: %(codes)s.", codes=", ".join(missing)))
    compute_automatic(card)
    card.state = CardState.SUBMITTED
    card.submitted_at, card.submitted_by_id = datetime.now(UTC), actor.id
    card.return_note = ""
    _touch(card)
    db.session.flush()
    return card


def review_scorecard(card: UnitScorecard, *, actor: User, scores: Mapping[int, tuple[int | None, str]],
                     finish: bool = False, version: int | None = None) -> UnitScorecard:
    """The leader's/deputy's final scores with notes; ``finish`` marks the card reviewed (it then ranks).

    A final score that differs from the self-score needs a note saying why. Automatic criteria keep the
    computed value.
    """
    _check_version(card, version)
    if not can_review(actor, card.cluster, card.year, card.unit):
        raise PermissionDenied(_("Chỉ đơn vị Trưởng cụm, Phó cụm (không phải đơn vị được chấm) được thẩm định."))
    if card.state != CardState.SUBMITTED:
        raise _refuse(_("Chỉ thẩm định bảng điểm đã gửi và chưa thẩm định xong."))
    errors = []
    for criterion, line in _lines(card):
        if criterion.automatic:
            continue
        final, note = scores.get(criterion.id, (line.final_score, line.review_note))
        if final is not None and final != line.self_score and not (note or "").strip():
            errors.append(_("%(code)s: ghi lý do khi điểm thẩm định khác điểm tự chấm.", code=criterion.label))
        if finish and final is None:
            errors.append(_("%(code)s: chưa có điểm thẩm định.", code=criterion.label))
    if errors:
        raise ValidationFailed(" ".join(errors), details=errors)
    _scores(card, scores, final=True)
    if finish:
        card.state = CardState.REVIEWED
        card.reviewed_at, card.reviewed_by_id = datetime.now(UTC), actor.id
    _touch(card)
    db.session.flush()
    return card


def return_scorecard(card: UnitScorecard, *, actor: User, note: str, version: int | None = None) -> UnitScorecard:
    """Send a submitted (or reviewed) card back to the unit as a draft, with the reason."""
    _check_version(card, version)
    if not can_review(actor, card.cluster, card.year, card.unit):
        raise PermissionDenied(_("Chỉ đơn vị Trưởng cụm, Phó cụm (không phải đơn vị được chấm) được thẩm định."))
    if card.state == CardState.DRAFT:
        raise _refuse(_("Bảng điểm chưa được gửi."))
    if not (note or "").strip():
        raise _refuse(_("Ghi lý do trả lại bảng điểm."))
    card.state = CardState.DRAFT
    card.submitted_at = card.reviewed_at = None
    card.return_note = note.strip()
    _touch(card)
    db.session.flush()
    return card


# --- ranking and the flag -----------------------------------------------------------------------------------------

@dataclass
class Row:
    unit: Unit
    role: ClusterRole
    card: UnitScorecard | None
    total: int | None = None          # hundredths, final scores (reviewed cards only)
    professional: int | None = None
    rank: int | None = None
    tied: bool = False

    @property
    def state(self) -> str | None:
        return self.card.state.value if self.card is not None else None


@dataclass
class Ranking:
    cluster: Cluster
    year: int
    rows: list[Row] = field(default_factory=list)
    complete: bool = False            # every member's card reviewed: the ranking counts
    candidate: FlagCandidate | None = None

    @property
    def top(self) -> list[Row]:
        return [r for r in self.rows if r.rank == 1] if self.complete else []


def ranking(cluster: Cluster, year: int) -> Ranking:
    """Members with their card state; reviewed ones with totals and ranks (tie-break: ``scoring``), best first."""
    entry = standings([cluster.id], year, year).get((cluster.id, year))
    cards = {c.unit_id: c for c in db.session.scalars(select(UnitScorecard).where(
        UnitScorecard.cluster_id == cluster.id, UnitScorecard.year == year))}
    rows = {m.unit_id: Row(m.unit, m.role, cards.get(m.unit_id)) for m in cluster.members_in(year)}
    ordered: list[Row] = []
    if entry is not None:
        for s in entry.standings():
            row = rows[s.key]
            row.total, row.professional, row.rank, row.tied = s.total, s.professional, s.rank, s.tied
            ordered.append(row)
    rest = sorted((r for r in rows.values() if r.rank is None), key=lambda r: r.unit.code)
    candidate = db.session.scalar(select(FlagCandidate).where(FlagCandidate.cluster_id == cluster.id,
                                                              FlagCandidate.year == year))
    return Ranking(cluster, year, ordered + rest, complete=entry is not None and entry.complete, candidate=candidate)


def propose_flag(*, actor: User, cluster: Cluster, year: int, unit: Unit | None = None,
                 note: str = "") -> FlagCandidate:
    """Make the top unit's CO_BO nomination for ``year`` (or find the one it has) the cluster's flag candidate.

    Needs every member's card reviewed. A tie at the top is for people to break: ``unit`` names the one they
    chose among the tied units, with a ``note`` on why. The nomination is created as ``actor``, who must be
    allowed to propose for that unit (see the module docstring); it then follows the normal workflow, and the
    cluster council's ≥ 80 % ballot is recorded on it as evidence.
    """
    if not can_propose_flag(actor, cluster, year):
        raise PermissionDenied()
    result = ranking(cluster, year)
    if not result.complete:
        raise _refuse(_("Chưa thẩm định xong bảng điểm của tất cả đơn vị trong cụm năm %(year)s.", year=year))
    top = result.top
    if len(top) > 1:
        names = ", ".join(r.unit.name for r in top)
        if unit is None or unit.id not in {r.unit.id for r in top}:
            raise _refuse(_("Các đơn vị bằng điểm ở vị trí dẫn đầu: %(names)s. Cụm chọn một đơn vị và ghi lý do.",
                            names=names))
        if not (note or "").strip():
            raise _refuse(_("Ghi lý do chọn đơn vị khi bằng điểm."))
    chosen = next((r for r in top if unit is None or r.unit.id == unit.id), None)
    if chosen is None:
        raise _refuse(_("Đơn vị này không dẫn đầu cụm."))
    if chosen.unit.id not in visible_unit_ids(actor, FLAG_PROPOSERS):
        raise PermissionDenied(_("Hồ sơ Cờ thi đua do chính đơn vị dẫn đầu (hoặc quản trị cấp trên) lập."))
    award = db.session.scalar(select(Award).where(Award.code == "CO_BO"))
    nomination = db.session.scalar(select(Nomination).where(
        Nomination.unit_id == chosen.unit.id, Nomination.award_id == (award.id if award else None),
        Nomination.year == year, Nomination.referred_from_id.is_(None)))
    if nomination is None:
        nomination = create_nomination(
            actor=actor, nominee=chosen.unit, award_code="CO_BO", year=year,
            summary=_("Dẫn đầu %(cluster)s năm %(year)s với %(points)s điểm.", cluster=cluster.name, year=year,
                      points=scoring.points_text(chosen.total)))
    candidate = result.candidate or FlagCandidate(cluster_id=cluster.id, year=year)
    candidate.unit_id, candidate.nomination_id, candidate.total = chosen.unit.id, nomination.id, chosen.total
    candidate.note, candidate.proposed_by_id, candidate.proposed_at = (note or "").strip(), actor.id, datetime.now(UTC)
    db.session.add(candidate)
    db.session.flush()
    return candidate
