"""Cluster scoring (DOMAIN.md §7): who may do what, states and versions, automatic criteria from the figures,
the ranking with its tie-break, the CO_BO rule reading the rank, the flag proposal and the cluster's ballot."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from awards.clusters import operations as ops
from awards.clusters.models import CardState, FlagCandidate, Source
from awards.clusters.operations import CriterionSpec, GroupSpec
from awards.clusters.queries import cluster_vote
from awards.core.errors import PermissionDenied, StaleRecord, ValidationFailed
from awards.councils import operations as councils
from awards.eligibility import loader, service
from awards.extensions import db as _db
from awards.metrics.models import MetricReport, MetricTarget
from awards.nominations import operations as nominations
from awards.nominations.models import Nomination
from awards.org import operations as org_ops
from awards.org.models import ClusterRole, Role
from tests.factories import make_person, make_unit, make_user

YEAR = 2021
GROUPS = (
    GroupSpec("I", "Chuyên môn", professional=True, criteria=(
        CriterionSpec("1", "Tỷ lệ việc", 3000, Source.CASE_RATE),
        CriterionSpec("2", "Tỷ lệ tiền", 3000, Source.MONEY_RATE),
        CriterionSpec("3", "Án tồn đọng", 4000),
    )),
    GroupSpec("II", "Khác", criteria=(CriterionSpec("1", "Phong trào", 10000),)),
)


class World:
    pass


def figures(unit, cases=(1250, 1031), money=(1000, 500), targets=("81.50", "40.10"), month=9):
    _db.session.add(MetricReport(unit_id=unit.id, year=YEAR, month=month, cases_received=cases[0],
                                 cases_enforceable=cases[0], cases_completed=cases[1], money_received=money[0],
                                 money_enforceable=money[0], money_completed=money[1]))
    if targets is not None:
        _db.session.add(MetricTarget(unit_id=unit.id, year=YEAR, case_target_pct=Decimal(targets[0]),
                                     money_target_pct=Decimal(targets[1])))
    _db.session.flush()


@pytest.fixture()
def world(db, org):
    """A DT cluster of three branches: DT-A leads, DT-B is deputy, DT-C a member; one user per part to play."""
    w = World()
    w.org = org
    w.a, w.b = org.dt_a, org.dt_b
    w.c = make_unit("DT-C", name="Chi cục THADS huyện Tháp Mười", parent=org.dt)
    w.cluster = org_ops.save_cluster("DT-CUM1", name="Cụm thi đua số 1", organiser=org.dt)
    for unit, role in ((w.a, ClusterRole.LEADER), (w.b, ClusterRole.DEPUTY), (w.c, ClusterRole.MEMBER)):
        org_ops.set_cluster_member(w.cluster, YEAR, unit, role)
    w.proposer_a = org.proposer
    w.proposer_b = make_user("prop_b", (Role.PROPOSER, w.b))
    w.proposer_c = make_user("prop_c", (Role.PROPOSER, w.c))
    w.leader_secretary = make_user("lead_sec", (Role.SECRETARY, w.a))
    w.deputy_approver = make_user("dep_appr", (Role.APPROVER, w.b))
    w.th_secretary = make_user("th_sec", (Role.SECRETARY, org.th))
    for unit in (w.a, w.b, w.c):
        figures(unit)
    w.template = ops.create_template(actor=org.secretary, cluster=w.cluster, year=YEAR, name="Bảng điểm 2021",
                                     groups=GROUPS)
    return w


def criterion(w, code):
    return next(c for c in w.template.criteria if c.label == code)


def manual(w, i3, ii1, note=""):
    return {criterion(w, "I.3").id: (i3, note), criterion(w, "II.1").id: (ii1, note)}


def submitted(w, unit, proposer, i3=3500, ii1=9000):
    card = ops.open_scorecard(actor=proposer, cluster=w.cluster, year=YEAR, unit=unit)
    ops.save_self_scores(card, actor=proposer, scores=manual(w, i3, ii1))
    return ops.submit_scorecard(card, actor=proposer)


def reviewed(w, unit, proposer, i3=3500, ii1=9000, reviewer=None):
    card = submitted(w, unit, proposer, i3, ii1)
    return ops.review_scorecard(card, actor=reviewer or w.org.secretary, scores=manual(w, i3, ii1), finish=True)


def all_reviewed(w, scores=None):
    scores = scores or {}
    for unit, proposer in ((w.a, w.proposer_a), (w.b, w.proposer_b), (w.c, w.proposer_c)):
        reviewed(w, unit, proposer, *scores.get(unit.code, (3500, 9000)))


# --- templates -------------------------------------------------------------------------------------------------

def test_a_template_is_made_by_the_organisers_secretariat_or_admin_and_adds_up(db, world):
    assert (world.template.max_total, [g.max_points for g in world.template.groups]) == (20000, [10000, 10000])
    for user in (world.org.proposer, world.leader_secretary, world.th_secretary, world.org.viewer):
        with pytest.raises(PermissionDenied):
            ops.create_template(actor=user, cluster=world.cluster, year=2022, name="x", groups=GROUPS)
    with pytest.raises(ValidationFailed, match="Đã có bảng điểm"):
        ops.create_template(actor=world.org.secretary, cluster=world.cluster, year=YEAR, name="x", groups=GROUPS)
    shared = ops.create_template(actor=world.org.admin, cluster=world.cluster, year=2022, name="Chung",
                                 groups=GROUPS, shared=True)
    other = org_ops.save_cluster("DT-CUM2", name="Cụm 2", organiser=world.org.dt)
    assert ops.template_for(other, 2022) == shared          # shared by the organiser's clusters
    assert ops.template_for(world.cluster, YEAR) == world.template


# --- self-score ------------------------------------------------------------------------------------------------

def test_a_member_unit_scores_itself_only_and_submits_a_complete_card(db, world):
    with pytest.raises(PermissionDenied):  # another branch's proposer
        ops.open_scorecard(actor=world.proposer_b, cluster=world.cluster, year=YEAR, unit=world.a)
    with pytest.raises(PermissionDenied):
        ops.open_scorecard(actor=world.org.hr, cluster=world.cluster, year=YEAR, unit=world.a)
    with pytest.raises(ValidationFailed, match="không là thành viên"):
        ops.open_scorecard(actor=world.org.admin, cluster=world.cluster, year=YEAR, unit=world.org.th_a)
    card = ops.open_scorecard(actor=world.proposer_a, cluster=world.cluster, year=YEAR, unit=world.a)
    assert card.state == CardState.DRAFT and len(card.lines) == 4
    with pytest.raises(ValidationFailed, match="I.3: điểm phải từ 0 đến 40"):
        ops.save_self_scores(card, actor=world.proposer_a, scores=manual(world, 4001, 100))
    ops.save_self_scores(card, actor=world.proposer_a, scores={criterion(world, "I.3").id: (3500, "Đã xử lý")})
    with pytest.raises(ValidationFailed, match="Chưa tự chấm các tiêu chí: II.1"):
        ops.submit_scorecard(card, actor=world.proposer_a)
    ops.save_self_scores(card, actor=world.proposer_a, scores=manual(world, 3500, 9000))
    ops.submit_scorecard(card, actor=world.proposer_a)
    assert card.state == CardState.SUBMITTED and card.submitted_by_id == world.proposer_a.id
    with pytest.raises(ValidationFailed, match="đã gửi"):
        ops.save_self_scores(card, actor=world.proposer_a, scores=manual(world, 100, 100))
    with pytest.raises(ValidationFailed, match="đã gửi"):
        ops.submit_scorecard(card, actor=world.proposer_a)


def test_a_stale_version_is_refused(db, world):
    card = ops.open_scorecard(actor=world.proposer_a, cluster=world.cluster, year=YEAR, unit=world.a)
    seen = card.version
    ops.save_self_scores(card, actor=world.proposer_a, scores=manual(world, 100, 100), version=seen)
    assert card.version > seen
    with pytest.raises(StaleRecord):
        ops.save_self_scores(card, actor=world.proposer_a, scores=manual(world, 200, 200), version=seen)
    with pytest.raises(StaleRecord):
        ops.submit_scorecard(card, actor=world.proposer_a, version=seen)


def test_automatic_criteria_come_from_the_figures_and_are_recomputed_on_submit(db, world):
    card = ops.open_scorecard(actor=world.proposer_c, cluster=world.cluster, year=YEAR, unit=world.c)
    ops.save_self_scores(card, actor=world.proposer_c, scores=manual(world, 3500, 9000))
    case_line, money_line = card.line_for(criterion(world, "I.1")), card.line_for(criterion(world, "I.2"))
    # 1,031 / 1,250 = 82.48 % ≥ 81.50 %: full 30 points; 500 / 1,000 = 50 % ≥ 40.10 %: full.
    assert (case_line.self_score, money_line.self_score) == (3000, 3000)
    assert case_line.basis["rate"] == "2062/25" and case_line.basis["target"] == "81.50"
    # A later month's figures arrive (the card still a draft): September is replaced by a weaker October … no —
    # the statistical year's last month is September; a correction of September's report is what happens.
    report = _db.session.scalar(select(MetricReport).where(MetricReport.unit_id == world.c.id))
    report.cases_completed, report.money_completed = 900, 300
    _db.session.flush()
    ops.submit_scorecard(card, actor=world.proposer_c)
    # 72 % of 81.50 % → 2650 (rounded down); 30 % of 40.10 % → 2244.
    assert (case_line.self_score, case_line.final_score) == (2650, 2650)
    assert (money_line.self_score, money_line.final_score) == (2244, 2244)
    assert money_line.basis["reason"] == "proportional"
    # Reviewers cannot change an automatic criterion: what they send for it is ignored.
    ops.review_scorecard(card, actor=world.org.secretary, finish=True,
                         scores={**manual(world, 3500, 9000), criterion(world, "I.1").id: (3000, "x")})
    assert case_line.final_score == 2650


def test_a_unit_without_a_target_gets_no_automatic_points(db, world):
    lone = make_unit("DT-D", parent=world.org.dt)
    org_ops.set_cluster_member(world.cluster, YEAR, lone, ClusterRole.MEMBER)
    figures(lone, targets=None)
    card = ops.open_scorecard(actor=world.org.secretary, cluster=world.cluster, year=YEAR, unit=lone)
    ops.save_self_scores(card, actor=world.org.secretary, scores=manual(world, 1, 1))
    assert {line.basis["reason"] for line in card.lines if line.basis} == {"no_target"}
    assert all(line.self_score == 0 for line in card.lines if line.basis)


# --- review ----------------------------------------------------------------------------------------------------

def test_the_leader_and_deputy_review_but_not_their_own_card(db, world):
    card_a = submitted(world, world.a, world.proposer_a)
    card_b = submitted(world, world.b, world.proposer_b)
    for user in (world.leader_secretary, world.proposer_a, world.proposer_c, world.org.hr, world.th_secretary,
                 world.org.viewer):
        with pytest.raises(PermissionDenied):  # the leader's own card; or no reviewing role over leader/deputy
            ops.review_scorecard(card_a, actor=user, scores={}, finish=False)
    ops.review_scorecard(card_a, actor=world.deputy_approver, scores={}, finish=False)  # the deputy may
    ops.review_scorecard(card_b, actor=world.leader_secretary, scores={}, finish=False)  # the leader may
    with pytest.raises(PermissionDenied):
        ops.review_scorecard(card_b, actor=world.deputy_approver, scores={}, finish=False)


def test_a_changed_score_needs_a_note_and_finishing_needs_every_score(db, world):
    card = submitted(world, world.c, world.proposer_c, 3500, 9000)
    with pytest.raises(ValidationFailed, match="ghi lý do"):
        ops.review_scorecard(card, actor=world.leader_secretary, scores=manual(world, 3000, 9000))
    ops.review_scorecard(card, actor=world.leader_secretary,
                         scores={criterion(world, "I.3").id: (3000, "Còn 2 việc tồn đọng")})
    assert card.state == CardState.SUBMITTED
    with pytest.raises(ValidationFailed, match="chưa có điểm thẩm định"):
        ops.review_scorecard(card, actor=world.leader_secretary, scores={}, finish=True)
    ops.review_scorecard(card, actor=world.leader_secretary, scores={criterion(world, "II.1").id: (9000, "")},
                         finish=True)
    assert card.state == CardState.REVIEWED and card.reviewed_by_id == world.leader_secretary.id
    with pytest.raises(ValidationFailed):
        ops.review_scorecard(card, actor=world.leader_secretary, scores={}, finish=True)


def test_a_card_is_returned_with_a_reason_and_can_be_fixed(db, world):
    card = submitted(world, world.c, world.proposer_c)
    with pytest.raises(ValidationFailed, match="lý do"):
        ops.return_scorecard(card, actor=world.leader_secretary, note=" ")
    with pytest.raises(PermissionDenied):
        ops.return_scorecard(card, actor=world.proposer_c, note="x")
    ops.return_scorecard(card, actor=world.leader_secretary, note="Thiếu minh chứng tiêu chí I.3")
    assert (card.state, card.submitted_at, card.return_note) == (CardState.DRAFT, None, "Thiếu minh chứng tiêu chí I.3")
    ops.save_self_scores(card, actor=world.proposer_c, scores=manual(world, 3000, 9000))
    ops.submit_scorecard(card, actor=world.proposer_c)
    assert card.state == CardState.SUBMITTED and card.return_note == ""


# --- ranking and eligibility -----------------------------------------------------------------------------------

def test_the_ranking_orders_reviewed_totals_with_the_professional_tie_break(db, world):
    # A and B both total 16,000 (+6,000 automatic); B has more professional points. C is last.
    all_reviewed(world, {"DT-A": (3000, 7000), "DT-B": (4000, 6000), "DT-C": (1000, 5000)})
    result = ops.ranking(world.cluster, YEAR)
    assert result.complete
    assert [(r.unit.code, r.total, r.professional, r.rank, r.tied) for r in result.rows] == [
        ("DT-B", 16000, 10000, 1, False), ("DT-A", 16000, 9000, 2, False), ("DT-C", 12000, 7000, 3, False)]
    assert [r.unit.code for r in result.top] == ["DT-B"]


def test_a_full_tie_is_marked_for_people_to_decide(db, world):
    all_reviewed(world, {"DT-A": (3000, 7000), "DT-B": (3000, 7000), "DT-C": (1000, 5000)})
    result = ops.ranking(world.cluster, YEAR)
    assert [(r.unit.code, r.rank, r.tied) for r in result.rows] == [
        ("DT-A", 1, True), ("DT-B", 1, True), ("DT-C", 3, False)]


def test_the_ranking_is_provisional_until_every_card_is_reviewed(db, world):
    reviewed(world, world.a, world.proposer_a)
    submitted(world, world.b, world.proposer_b)
    result = ops.ranking(world.cluster, YEAR)
    assert not result.complete and result.top == []
    assert [(r.unit.code, r.rank, r.state) for r in result.rows] == [
        ("DT-A", 1, "reviewed"), ("DT-B", None, "submitted"), ("DT-C", None, None)]


def _lead_clause(unit):
    report = service.unit_report(unit, "CO_BO", YEAR)
    return next(c for c in report.clauses if c.code == "CO_BO.cluster_lead")


def test_the_co_bo_rule_reads_the_rank_only_when_the_ranking_is_complete(db, world):
    reviewed(world, world.a, world.proposer_a, 4000, 9500)
    reviewed(world, world.b, world.proposer_b, 3000, 9000)
    submitted(world, world.c, world.proposer_c)
    assert _lead_clause(world.a).outcome == "unknown"          # DT-C not reviewed yet
    ops.review_scorecard(ops.scorecard_of(world.cluster, YEAR, world.c), actor=world.org.secretary,
                         scores=manual(world, 3500, 9000), finish=True)
    lead, second = _lead_clause(world.a), _lead_clause(world.b)
    assert (lead.outcome, lead.reason) == ("met", "xếp hạng 1 trong cụm thi đua năm 2021 (yêu cầu hạng 1)")
    assert (second.outcome, second.reason) == ("not_met", "xếp hạng 3 trong cụm thi đua năm 2021 (yêu cầu hạng 1)")
    # The loader reads every unit's rank at once, for any set of ids (a list or a SELECT).
    batch = loader.load(YEAR, unit_ids=[world.a.id, world.b.id, world.c.id, world.org.dt.id])
    assert {u.code: u.cluster_rank for u in batch.units.values()} == {
        "DT-A": {2021: 1}, "DT-B": {2021: 3}, "DT-C": {2021: 2}, "DT": {}}


# --- the flag --------------------------------------------------------------------------------------------------

def test_the_flag_needs_a_complete_ranking_and_the_top_units_proposer(db, world):
    reviewed(world, world.a, world.proposer_a, 4000, 9500)
    reviewed(world, world.b, world.proposer_b, 3000, 9000)
    with pytest.raises(ValidationFailed, match="Chưa thẩm định xong"):
        ops.propose_flag(actor=world.proposer_a, cluster=world.cluster, year=YEAR)
    reviewed(world, world.c, world.proposer_c, 1000, 1000)
    for user in (world.leader_secretary, world.org.viewer, world.th_secretary):
        with pytest.raises(PermissionDenied):  # no proposer role over any member unit
            ops.propose_flag(actor=user, cluster=world.cluster, year=YEAR)
    with pytest.raises(PermissionDenied, match="chính đơn vị dẫn đầu"):  # a member, but not the top unit
        ops.propose_flag(actor=world.proposer_b, cluster=world.cluster, year=YEAR)
    candidate = ops.propose_flag(actor=world.proposer_a, cluster=world.cluster, year=YEAR)
    nomination = candidate.nomination
    assert (nomination.unit, nomination.award.code, nomination.year, nomination.state) == (world.a, "CO_BO", YEAR,
                                                                                         "draft")
    assert candidate.total == 6000 + 4000 + 9500 and "Cụm thi đua số 1" in nomination.summary
    # Asked again (here by an admin above the unit): the same nomination, one candidate row.
    again = ops.propose_flag(actor=world.org.admin, cluster=world.cluster, year=YEAR)
    assert again.nomination_id == nomination.id
    assert len(_db.session.scalars(select(FlagCandidate)).all()) == 1
    assert len(_db.session.scalars(select(Nomination).where(Nomination.unit_id == world.a.id)).all()) == 1


def test_a_tie_at_the_top_needs_the_clusters_choice_and_a_reason(db, world):
    all_reviewed(world, {"DT-A": (3000, 7000), "DT-B": (3000, 7000), "DT-C": (1000, 5000)})
    with pytest.raises(ValidationFailed, match="bằng điểm"):
        ops.propose_flag(actor=world.org.admin, cluster=world.cluster, year=YEAR)
    with pytest.raises(ValidationFailed, match="Ghi lý do"):
        ops.propose_flag(actor=world.org.admin, cluster=world.cluster, year=YEAR, unit=world.b)
    with pytest.raises(ValidationFailed, match="bằng điểm"):  # DT-C is not among the tied
        ops.propose_flag(actor=world.org.admin, cluster=world.cluster, year=YEAR, unit=world.c, note="x")
    candidate = ops.propose_flag(actor=world.org.admin, cluster=world.cluster, year=YEAR, unit=world.b,
                                 note="Tập thể nữ trên 70%")
    assert (candidate.unit, candidate.note) == (world.b, "Tập thể nữ trên 70%")


# --- the cluster's ballot --------------------------------------------------------------------------------------

@pytest.fixture()
def ballot(world):
    """A cluster council of five representatives (leader's chair first), and DT-A's CO_BO nomination submitted."""
    people = [make_person(unit, full_name=f"Đại diện {i}") for i, unit in
              enumerate((world.a, world.a, world.b, world.b, world.c), 1)]
    world.voters = [make_user(f"rep{i}", (Role.COUNCIL_MEMBER, p.unit), person=p) for i, p in enumerate(people, 1)]
    world.council = councils.create_council(
        actor=world.org.secretary, unit=world.a, year=YEAR, kind="cluster", cluster=world.cluster,
        members=zip(people, ["chair", "vice_chair", "member", "member", "member"], strict=True))
    world.people = people
    world.flag = nominations.create_nomination(actor=world.proposer_a, nominee=world.a, award_code="CO_BO", year=YEAR)
    world.flag.state = "submitted"   # on its way to the deciding council (its way there is tested elsewhere)
    _db.session.flush()
    return world


def test_a_cluster_session_takes_member_units_co_bo_nominations_not_yet_decided(db, ballot):
    w = ballot
    stranger = nominations.create_nomination(actor=w.org.admin, nominee=w.org.th_a, award_code="CO_BO", year=YEAR)
    stranger.state = "submitted"
    draft = nominations.create_nomination(actor=w.proposer_b, nominee=w.b, award_code="CO_BO", year=YEAR)
    ldtt = nominations.create_nomination(actor=w.proposer_a, nominee=make_person(w.a), award_code="LDTT", year=YEAR)
    ldtt.state = "submitted"
    for refused in (stranger, draft, ldtt):
        with pytest.raises(ValidationFailed, match=str(refused.id)):
            councils.create_session(actor=w.org.secretary, council=w.council, held_on=date(2021, 11, 20),
                                    nomination_ids=[refused.id])
    for state in ("in_review", "posted", "in_council", "submitted"):
        w.flag.state = state
        if state == "posted":
            w.flag.posting_start, w.flag.posting_end = date(2021, 11, 1), date(2021, 11, 5)
        session = councils.create_session(actor=w.org.secretary, council=w.council, held_on=date(2021, 11, 20),
                                          nomination_ids=[w.flag.id])
        assert [(i.nomination, i.secret) for i in session.items] == [(w.flag, True)]
        _db.session.delete(session)
        _db.session.flush()


@pytest.mark.parametrize("yes, reached", [(4, True), (3, False)])
def test_the_cluster_vote_needs_80_percent_and_changes_no_state(db, ballot, yes, reached):
    w = ballot
    session = councils.create_session(actor=w.org.secretary, council=w.council, held_on=date(2021, 11, 20),
                                      nomination_ids=[w.flag.id])
    councils.record_attendance(actor=w.org.secretary, session=session, present_person_ids=[p.id for p in w.people])
    councils.open_session(actor=w.org.secretary, session=session)
    for index, user in enumerate(w.voters):
        councils.cast_ballot(actor=user, session=session, round_number=1,
                             votes={str(w.flag.id): "yes" if index < yes else "no"})
    councils.close_round(actor=w.org.secretary, session=session)
    councils.close_session(actor=w.org.secretary, session=session)
    assert w.flag.state == "submitted" and w.flag.history == []   # no workflow trigger fired
    vote = cluster_vote(w.flag)
    assert (vote["yes"], vote["members"], vote["required"], vote["reached_threshold"]) == (yes, 5, 4, reached)
    assert vote["cluster"] == "Cụm thi đua số 1" and vote["held_on"] == date(2021, 11, 20)


def test_no_cluster_vote_before_a_closed_session(db, ballot):
    councils.create_session(actor=ballot.org.secretary, council=ballot.council, held_on=date(2021, 11, 20),
                            nomination_ids=[ballot.flag.id])
    assert cluster_vote(ballot.flag) is None
