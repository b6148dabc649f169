"""Demo cluster scoring for 2021 (Đồng Tháp): the standard 200-point table shared by the Cục's clusters,
every ``DT-CUM1`` member's card reviewed (so the cluster has an official ranking, led by ``DT-LAPVO``, the
demo proposer's branch), and ``DT-CUM2`` half-way (some cards submitted, some drafts: no ranking yet).

Needs the organisation, the users and the figures (metrics demo) first: the rate criteria are computed from
the 2021 figures. Deterministic; flushes, never commits. The seed command calls ``seed_cluster_scoring()``.
"""
from __future__ import annotations

from sqlalchemy import select

from awards.clusters import operations as ops
from awards.clusters.standard import STANDARD_GROUPS, STANDARD_NAME
from awards.extensions import db
from awards.org.models import Cluster, Unit, User

YEAR = 2021
# Share of each manual criterion's maximum the unit gives itself (per mille), and the reviewers' cut, if any:
# (criterion "group.code", points taken off in hundredths, the note).
SELF_SHARE = {
    "DT-LAPVO": 960, "DT-CAOLANH-TP": 930, "DT-LAIVUNG": 920, "DT-CAOLANH-H": 910, "DT-SADEC-TP": 900,
    "DT-CHAUTHANH": 880,
    "DT-HONGNGU-TP": 930, "DT-TANHONG": 920, "DT-HONGNGU-H": 900, "DT-TAMNONG": 910, "DT-THANHBINH": 890,
    "DT-THAPMUOI": 870,
}
CUTS = {
    "DT-CAOLANH-TP": ("I.3", 200, "Còn 02 việc có giá trị lớn tồn đọng trên 2 năm chưa có phương án xử lý."),
    "DT-SADEC-TP": ("I.5", 150, "Báo cáo thống kê tháng 6 gửi chậm 03 ngày."),
    "DT-CHAUTHANH": ("III.2", 300, "Có 01 công chức bị kỷ luật khiển trách trong năm."),
}
# DT-CUM2: how far each member got (the rest have no card).
CUM2_STATES = {"DT-HONGNGU-TP": "submitted", "DT-TANHONG": "submitted", "DT-HONGNGU-H": "submitted",
               "DT-TAMNONG": "draft", "DT-THANHBINH": "draft"}


def _self_scores(card, share: int) -> dict[int, tuple[int, str]]:
    scores = {}
    for position, criterion in enumerate(card.template.criteria):
        if criterion.automatic:
            continue
        # A little variety between criteria, whole quarter points, never above the maximum.
        points = criterion.max_points * (share - 15 * (position % 3)) // 1000 // 25 * 25
        scores[criterion.id] = (min(points, criterion.max_points), "Có báo cáo, minh chứng kèm theo.")
    return scores


def _final_scores(card, unit_code: str) -> dict[int, tuple[int, str]]:
    cut = CUTS.get(unit_code)
    scores = {}
    for criterion in card.template.criteria:
        if criterion.automatic:
            continue
        line = card.line_for(criterion)
        if cut and criterion.label == cut[0]:
            scores[criterion.id] = (max(line.self_score - cut[1], 0), cut[2])
        else:
            scores[criterion.id] = (line.self_score, "")
    return scores


def seed_cluster_scoring() -> dict[str, int]:
    """Create the 2021 table and cards; returns counts for the seed's summary."""
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    clusters = {c.code: c for c in db.session.scalars(select(Cluster).where(Cluster.code.in_(("DT-CUM1",
                                                                                                "DT-CUM2"))))}
    ops.create_template(actor=admin, cluster=clusters["DT-CUM1"], year=YEAR, name=STANDARD_NAME.format(year=YEAR),
                        groups=STANDARD_GROUPS, shared=True)
    cards = 0

    def fill(cluster: Cluster, unit: Unit, until: str) -> None:
        nonlocal cards
        card = ops.open_scorecard(actor=admin, cluster=cluster, year=YEAR, unit=unit)
        ops.save_self_scores(card, actor=admin, scores=_self_scores(card, SELF_SHARE[unit.code]))
        cards += 1
        if until == "draft":
            return
        ops.submit_scorecard(card, actor=admin)
        if until == "submitted":
            return
        ops.review_scorecard(card, actor=admin, scores=_final_scores(card, unit.code), finish=True)

    for m in clusters["DT-CUM1"].members_in(YEAR):
        fill(clusters["DT-CUM1"], m.unit, "reviewed")
    for m in clusters["DT-CUM2"].members_in(YEAR):
        if m.unit.code in CUM2_STATES:
            fill(clusters["DT-CUM2"], m.unit, CUM2_STATES[m.unit.code])
    return {"scoring_templates": 1, "scorecards": cards}
