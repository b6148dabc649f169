"""Reading cluster scores: standings of many clusters in one statement, a scorecard's figures, a cluster vote.

``standings`` is shared by the cluster pages (``operations.ranking``) and the eligibility loader, so the rank
the CO_BO rule reads is the rank the cluster page shows.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, select

from awards.clusters import scoring
from awards.clusters.models import CardState, Criterion, CriterionGroup, ScoreLine, Source, UnitScorecard
from awards.extensions import db
from awards.org.models import ClusterMember


@dataclass
class ClusterYear:
    """The scorecards of one cluster's members in one year and, when every one is reviewed, the ranking."""

    states: dict[int, str | None] = field(default_factory=dict)   # unit id → card state (None: no card)
    totals: dict[int, tuple[int, int]] = field(default_factory=dict)  # unit id → (total, professional)

    @property
    def complete(self) -> bool:
        return bool(self.states) and all(s == CardState.REVIEWED.value for s in self.states.values())

    def standings(self) -> list[scoring.Standing]:
        """Ranks over reviewed cards only; callers decide whether an incomplete ranking counts."""
        reviewed = [(u, *self.totals.get(u, (0, 0))) for u, s in self.states.items() if s == CardState.REVIEWED.value]
        return scoring.rank(reviewed)


def standings(cluster_ids: Select | list[int], first: int, last: int) -> dict[tuple[int, int], ClusterYear]:
    """Every (cluster, year) of the given clusters between ``first`` and ``last``: each member's card state and
    final totals (overall and professional groups), in ONE statement whatever the number of clusters."""
    final = func.coalesce(ScoreLine.final_score, 0)
    stmt = (select(ClusterMember.cluster_id, ClusterMember.year, ClusterMember.unit_id, UnitScorecard.state,
                   func.sum(final), func.sum(case((CriterionGroup.professional.is_(True), final), else_=0)))
            .select_from(ClusterMember)
            .outerjoin(UnitScorecard, and_(UnitScorecard.cluster_id == ClusterMember.cluster_id,
                                           UnitScorecard.year == ClusterMember.year,
                                           UnitScorecard.unit_id == ClusterMember.unit_id))
            .outerjoin(ScoreLine, ScoreLine.scorecard_id == UnitScorecard.id)
            .outerjoin(Criterion, ScoreLine.criterion_id == Criterion.id)
            .outerjoin(CriterionGroup, Criterion.group_id == CriterionGroup.id)
            .where(ClusterMember.cluster_id.in_(cluster_ids), ClusterMember.year.between(first, last))
            .group_by(ClusterMember.cluster_id, ClusterMember.year, ClusterMember.unit_id, UnitScorecard.state))
    found: dict[tuple[int, int], ClusterYear] = defaultdict(ClusterYear)
    for cluster_id, year, unit_id, state, total, professional in db.session.execute(stmt):
        entry = found[(cluster_id, year)]
        entry.states[unit_id] = state.value if state is not None else None
        entry.totals[unit_id] = (int(total or 0), int(professional or 0))
    return dict(found)


def cluster_ranks(unit_ids: Select | list[int], first: int, last: int) -> dict[int, dict[int, int]]:
    """unit id → {year: rank in its cluster}, only for cluster-years whose every member card is reviewed.

    For the eligibility loader: one statement for any number of units. A unit in two clusters the same year
    keeps its better rank.
    """
    clusters = (select(ClusterMember.cluster_id).where(ClusterMember.unit_id.in_(unit_ids),
                                                       ClusterMember.year.between(first, last)).distinct())
    ranks: dict[int, dict[int, int]] = defaultdict(dict)
    for (_cluster_id, year), entry in standings(clusters, first, last).items():
        if not entry.complete:
            continue
        for standing in entry.standings():
            best = ranks[standing.key].get(year)
            ranks[standing.key][year] = standing.rank if best is None else min(best, standing.rank)
    return dict(ranks)


# --- display --------------------------------------------------------------------------------------------------

def basis_text(basis: dict[str, Any] | None, source: Source | str) -> str:
    """"Tỷ lệ việc 83,42% / chỉ tiêu 81,50% (số liệu tháng 9/2021)" — the figures an automatic score used."""
    if not basis:
        return _("Chưa tính (tính khi gửi bảng điểm).")
    what = _("Tỷ lệ việc") if str(source) == Source.CASE_RATE.value else _("Tỷ lệ tiền")
    if basis.get("reason") == "no_figures":
        return _("%(what)s: chưa có số liệu — 0 điểm.", what=what)
    rate = scoring.pct_text(scoring.Fraction(basis["rate"])) if basis.get("rate") else "—"
    if basis.get("reason") == "no_target":
        return _("%(what)s %(rate)s: chưa có chỉ tiêu — 0 điểm.", what=what, rate=rate)
    target = scoring.pct_text(scoring.Decimal(basis["target"]))
    return _("%(what)s %(rate)s / chỉ tiêu %(target)s (số liệu tháng %(month)s/%(year)s)", what=what, rate=rate,
             target=target, month=basis.get("month"), year=basis.get("calendar_year"))


def cluster_vote(nomination) -> dict[str, Any] | None:
    """The last closed cluster-council session's tally for this nomination (the cluster's ≥ 80 % ballot), or None.

    The vote is evidence for the deciding council; it changes no state (councils.operations._apply_outcome).
    """
    from awards.councils.models import AgendaItem, Council, CouncilKind, CouncilSession, SessionState

    row = db.session.execute(
        select(CouncilSession, Council)
        .join(AgendaItem, AgendaItem.session_id == CouncilSession.id)
        .join(Council, CouncilSession.council_id == Council.id)
        .where(AgendaItem.nomination_id == nomination.id, Council.kind == CouncilKind.CLUSTER,
               CouncilSession.state == SessionState.CLOSED)
        .order_by(CouncilSession.closed_at.desc(), CouncilSession.id.desc()).limit(1)).first()
    if row is None:
        return None
    session, council = row
    result = (session.result or {}).get(str(nomination.id))
    if result is None:
        return None
    return {**result, "session_id": session.id, "held_on": session.held_on,
            "cluster": council.cluster.name if council.cluster else council.name}
