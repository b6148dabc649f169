"""Council sessions: quorum, ballots (one per member and round, none after close), written votes, show of hands,
rounds, quota ranking with the chair's tie-break, outcomes through the workflow engine, and ballot secrecy."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import DateTime, String, inspect, select

from awards.core.errors import PermissionDenied, StaleRecord, ValidationFailed
from awards.councils import operations as ops
from awards.councils.models import Ballot, CouncilKind, SessionState, VoterMark
from awards.nominations import operations as nominations
from awards.nominations.models import TransitionLog
from awards.org.models import Role
from tests.factories import make_person, make_user

HELD_ON = date(2021, 12, 20)


class World:
    pass


def in_council(org, award="LDTT", person=None):
    """A nomination waiting for the council (its way there is tested in the nomination tests)."""
    nomination = nominations.create_nomination(actor=org.proposer, nominee=person or make_person(org.dt_a),
                                               award_code=award, year=2021)
    nomination.state = "in_council"
    return nomination


@pytest.fixture()
def world(db, org):
    """A 9-member council of DT (the chair first), each member with their own account."""
    w = World()
    w.org = org
    people = [make_person(org.dt, full_name=f"Thành viên {i}") for i in range(1, 10)]
    w.users = [make_user(f"m{i}", (Role.COUNCIL_MEMBER, org.dt), person=p) for i, p in enumerate(people, 1)]
    roles = ["chair", "vice_chair", "secretary"] + ["member"] * 6
    w.council = ops.create_council(actor=org.secretary, unit=org.dt, year=2021,
                                   members=zip(people, roles, strict=True))
    w.people = people
    return w


def session_with(w, *nominations_, present=9, **kw):
    session = ops.create_session(actor=w.org.secretary, council=w.council, held_on=HELD_ON, place="Hội trường",
                                 nomination_ids=[n.id for n in nominations_], **kw)
    ops.record_attendance(actor=w.org.secretary, session=session,
                          present_person_ids=[p.id for p in w.people[:present]])
    return session


def vote(w, session, pattern: dict, round_number=1, voters=None):
    """``pattern`` maps a nomination to how many of the (present) voters say yes; the rest say no."""
    for index, user in enumerate(voters or w.users):
        choices = {str(n.id): ("yes" if index < yes else "no") for n, yes in pattern.items()}
        ops.cast_ballot(actor=user, session=session, round_number=round_number, votes=choices)


# --- councils and sessions -------------------------------------------------------------------------------------

def test_a_council_needs_one_chair_distinct_members_and_the_secretariat(db, org):
    a, b = make_person(org.dt), make_person(org.dt)
    with pytest.raises(ValidationFailed, match="đúng một Chủ tịch"):
        ops.create_council(actor=org.secretary, unit=org.dt, year=2021, members=[(a, "member"), (b, "member")])
    with pytest.raises(ValidationFailed, match="hai lần"):
        ops.create_council(actor=org.secretary, unit=org.dt, year=2021, members=[(a, "chair"), (a, "member")])
    with pytest.raises(PermissionDenied):
        ops.create_council(actor=org.proposer, unit=org.dt, year=2021, members=[(a, "chair")])
    with pytest.raises(PermissionDenied):  # another province's unit
        ops.create_council(actor=org.secretary, unit=org.th, year=2021, members=[(a, "chair")])
    council = ops.create_council(actor=org.secretary, unit=org.dt, year=2021, members=[(a, "chair"), (b, "member")])
    assert [m.role for m in council.members] == ["chair", "member"]
    with pytest.raises(ValidationFailed, match="đã có Hội đồng"):
        ops.create_council(actor=org.secretary, unit=org.dt, year=2021, members=[(a, "chair")])


def test_the_agenda_takes_only_nominations_waiting_for_this_council_lowest_title_first(db, world):
    org = world.org
    cstdcs, ldtt = in_council(org, "CSTDCS"), in_council(org, "LDTT")
    draft = nominations.create_nomination(actor=org.proposer, nominee=make_person(org.dt_a), award_code="LDTT",
                                          year=2021)
    with pytest.raises(ValidationFailed, match=str(draft.id)):
        ops.create_session(actor=org.secretary, council=world.council, held_on=HELD_ON, nomination_ids=[draft.id])
    with pytest.raises(ValidationFailed, match="ít nhất một"):
        ops.create_session(actor=org.secretary, council=world.council, held_on=HELD_ON)
    session = ops.create_session(actor=org.secretary, council=world.council, held_on=HELD_ON,
                                 nomination_ids=[cstdcs.id, ldtt.id])
    assert [i.nomination for i in session.items] == [ldtt, cstdcs]
    # Secret ballot where the catalogue says so (CSTDCS), a show of hands otherwise (LDTT).
    assert [i.secret for i in session.items] == [False, True]


def test_opening_is_refused_without_quorum_and_freezes_the_membership(db, world):
    session = session_with(world, in_council(world.org, "CSTDCS"), present=5)
    with pytest.raises(ValidationFailed, match="có mặt 5/9, cần ít nhất 6"):
        ops.open_session(actor=world.org.secretary, session=session)
    assert session.state == SessionState.PLANNED and session.member_count is None
    ops.record_attendance(actor=world.org.secretary, session=session,
                          present_person_ids=[p.id for p in world.people[:6]])
    ops.open_session(actor=world.org.secretary, session=session)
    assert (session.state, session.member_count, session.present_count) == (SessionState.OPEN, 9, 6)
    assert [r.number for r in session.rounds] == [1]
    with pytest.raises(ops.WrongSessionState):  # attendance is settled once the session is open
        ops.record_attendance(actor=world.org.secretary, session=session, present_person_ids=[])


def test_only_the_secretariat_runs_a_session(db, world):
    session = session_with(world, in_council(world.org, "CSTDCS"))
    for user in (world.org.proposer, world.users[3], world.org.viewer):
        with pytest.raises(PermissionDenied):
            ops.open_session(actor=user, session=session)
    with pytest.raises(StaleRecord):
        ops.open_session(actor=world.org.secretary, session=session, version=session.version - 1)


# --- ballots ---------------------------------------------------------------------------------------------------

def test_a_member_votes_once_per_round_and_nobody_else_votes(db, world):
    n = in_council(world.org, "CSTDCS")
    session = session_with(world, n)
    ops.open_session(actor=world.org.secretary, session=session)
    ops.cast_ballot(actor=world.users[0], session=session, round_number=1, votes={str(n.id): "yes"})
    with pytest.raises(ops.AlreadyVoted):
        ops.cast_ballot(actor=world.users[0], session=session, round_number=1, votes={str(n.id): "no"})
    with pytest.raises(PermissionDenied):
        ops.cast_ballot(actor=world.org.secretary, session=session, round_number=1, votes={str(n.id): "yes"})
    with pytest.raises(ValidationFailed, match="không có trong phiếu"):
        ops.cast_ballot(actor=world.users[1], session=session, round_number=1, votes={"999999": "yes"})
    with pytest.raises(ValidationFailed, match="đồng ý hoặc không"):
        ops.cast_ballot(actor=world.users[1], session=session, round_number=1, votes={str(n.id): "maybe"})
    with pytest.raises(ops.RoundClosed):
        ops.cast_ballot(actor=world.users[1], session=session, round_number=2, votes={str(n.id): "yes"})
    assert [m.member.person for m in ops.voters(session, 1)] == [world.people[0]]
    assert ops.ballots_cast(session, 1) == 1


def test_nothing_is_accepted_after_the_round_closes(db, world):
    n = in_council(world.org, "CSTDCS")
    session = session_with(world, n)
    ops.open_session(actor=world.org.secretary, session=session)
    ops.close_round(actor=world.org.secretary, session=session)
    with pytest.raises(ops.RoundClosed):
        ops.cast_ballot(actor=world.users[0], session=session, round_number=1, votes={str(n.id): "yes"})
    with pytest.raises(ops.RoundClosed):
        ops.record_written_vote(actor=world.org.secretary, session=session, person_id=world.people[0].id,
                                round_number=1, votes={str(n.id): "yes"})


@pytest.mark.parametrize(("yes", "passed"), [(7, False), (8, True)])
def test_eighty_percent_of_nine_members_needs_eight_yes(db, world, yes, passed):
    n = in_council(world.org, "CSTDCS")
    session = session_with(world, n)
    ops.open_session(actor=world.org.secretary, session=session)
    vote(world, session, {n: yes})
    ops.close_round(actor=world.org.secretary, session=session)
    result = ops.close_session(actor=world.org.secretary, session=session)[str(n.id)]
    assert (result["yes"], result["no"], result["members"], result["passed"]) == (yes, 9 - yes, 9, passed)
    assert result["required"] == 8
    assert n.state == ("council_passed" if passed else "council_failed")


def test_blank_counts_as_not_yes_and_absent_members_still_count_in_the_membership(db, world):
    n = in_council(world.org, "CSTDCS")
    session = session_with(world, n, present=8)  # one member absent, no written vote
    ops.open_session(actor=world.org.secretary, session=session)
    for user in world.users[:7]:
        ops.cast_ballot(actor=user, session=session, round_number=1, votes={str(n.id): "yes"})
    ops.cast_ballot(actor=world.users[7], session=session, round_number=1, votes={})  # a blank ballot
    ops.close_round(actor=world.org.secretary, session=session)
    item = session.items[0]
    assert (item.yes, item.no, item.passed) == (7, 0, False)  # 7 of 9, not 7 of 8


def test_written_votes_of_absent_members_are_counted(db, world):
    n = in_council(world.org, "CSTDCS")
    session = session_with(world, n, present=7)
    ops.open_session(actor=world.org.secretary, session=session)
    vote(world, session, {n: 7}, voters=world.users[:7])
    absent = world.people[7]
    with pytest.raises(ValidationFailed, match="vắng mặt gửi phiếu"):
        ops.cast_ballot(actor=world.users[7], session=session, round_number=1, votes={str(n.id): "yes"})
    with pytest.raises(ValidationFailed, match="Thành viên có mặt tự bỏ phiếu"):
        ops.record_written_vote(actor=world.org.secretary, session=session, person_id=world.people[0].id,
                                round_number=1, votes={str(n.id): "yes"})
    with pytest.raises(PermissionDenied):
        ops.record_written_vote(actor=world.users[0], session=session, person_id=absent.id, round_number=1,
                                votes={str(n.id): "yes"})
    ops.record_written_vote(actor=world.org.secretary, session=session, person_id=absent.id, round_number=1,
                            votes={str(n.id): "yes"}, scan=("phieu.pdf", b"%PDF-1.4\n%%EOF\n"))
    with pytest.raises(ops.AlreadyVoted):
        ops.record_written_vote(actor=world.org.secretary, session=session, person_id=absent.id, round_number=1,
                                votes={str(n.id): "no"})
    ops.close_round(actor=world.org.secretary, session=session)
    assert (session.items[0].yes, session.items[0].passed) == (8, True)
    attendance = next(a for a in session.attendance if a.member.person_id == absent.id)
    assert attendance.scan_name == "phieu.pdf" and attendance.scan_stored.endswith(".pdf")
    marks = {m.member.person_id: m.written for m in ops.voters(session, 1)}
    assert marks[absent.id] is True and marks[world.people[0].id] is False


def test_show_of_hands_items_need_the_secretarys_count(db, world):
    n = in_council(world.org, "LDTT")
    session = session_with(world, n)
    ops.open_session(actor=world.org.secretary, session=session)
    with pytest.raises(ValidationFailed, match="giơ tay"):
        ops.close_round(actor=world.org.secretary, session=session)
    with pytest.raises(ValidationFailed, match="không vượt quá 9"):
        ops.record_hands(actor=world.org.secretary, session=session, round_number=1, subject_id=n.id, yes=8, no=2)
    ops.record_hands(actor=world.org.secretary, session=session, round_number=1, subject_id=n.id, yes=5, no=4)
    ops.close_round(actor=world.org.secretary, session=session)
    assert ops.close_session(actor=world.org.secretary, session=session)[str(n.id)]["passed"] is True  # 5 of 9 > half


# --- rounds ----------------------------------------------------------------------------------------------------

def test_the_chair_puts_failed_items_to_a_second_round_and_no_third(db, world):
    a, b = in_council(world.org, "CSTDCS"), in_council(world.org, "CSTDCS")
    session = session_with(world, a, b)
    ops.open_session(actor=world.org.secretary, session=session)
    vote(world, session, {a: 9, b: 6})
    ops.close_round(actor=world.org.secretary, session=session)
    with pytest.raises(ValidationFailed, match="chưa đạt"):  # a passed: it is not voted again
        ops.open_second_round(actor=world.users[0], session=session, subject_ids=[a.id])
    with pytest.raises(PermissionDenied):  # an ordinary member is not the chair
        ops.open_second_round(actor=world.users[4], session=session, subject_ids=[b.id])
    second = ops.open_second_round(actor=world.users[0], session=session, subject_ids=[b.id])
    assert second.number == 2
    with pytest.raises(ValidationFailed, match="không có trong phiếu"):
        ops.cast_ballot(actor=world.users[0], session=session, round_number=2, votes={str(a.id): "yes"})
    vote(world, session, {b: 8}, round_number=2)
    with pytest.raises(ValidationFailed, match="vòng bỏ phiếu đang mở"):
        ops.close_session(actor=world.org.secretary, session=session)
    ops.close_round(actor=world.org.secretary, session=session)
    with pytest.raises(ValidationFailed, match="đủ 2 vòng"):
        ops.open_second_round(actor=world.users[0], session=session, subject_ids=[b.id])
    result = ops.close_session(actor=world.org.secretary, session=session)
    assert result[str(b.id)]["round"] == 2 and result[str(b.id)]["passed"] is True
    assert session.rounds[0].counts[str(session.items[1].id)] == {"yes": 6, "no": 3, "passed": False}


# --- quotas ----------------------------------------------------------------------------------------------------

def test_more_passing_than_the_quota_are_ranked_by_yes_votes(db, world):
    a, b, c = (in_council(world.org, "CSTDCS") for _ in range(3))
    session = session_with(world, a, b, c)
    ops.set_quota(actor=world.org.secretary, session=session, award_code="CSTDCS", max_count=2, note="15% số LĐTT")
    ops.open_session(actor=world.org.secretary, session=session)
    vote(world, session, {a: 8, b: 9, c: 8})
    ops.close_round(actor=world.org.secretary, session=session)
    # a and c tie at the cut-off for the one remaining place: the chair must choose, with a note.
    with pytest.raises(ValidationFailed, match="chờ Chủ tịch"):
        ops.close_session(actor=world.org.secretary, session=session)
    with pytest.raises(ValidationFailed, match="Ghi rõ"):
        ops.break_tie(actor=world.users[0], session=session, award_code="CSTDCS", subject_ids=[c.id], note=" ")
    with pytest.raises(ValidationFailed, match="đúng 1"):
        ops.break_tie(actor=world.users[0], session=session, award_code="CSTDCS", subject_ids=[a.id, c.id],
                      note="Chọn cả hai")
    with pytest.raises(PermissionDenied):
        ops.break_tie(actor=world.users[5], session=session, award_code="CSTDCS", subject_ids=[c.id], note="x")
    ops.break_tie(actor=world.users[0], session=session, award_code="CSTDCS", subject_ids=[c.id],
                  note="Ưu tiên nữ theo quy định")
    result = ops.close_session(actor=world.org.secretary, session=session)
    assert {k: v["passed"] for k, v in result.items()} == {str(a.id): False, str(b.id): True, str(c.id): True}
    assert result[str(c.id)]["note"] == "Ưu tiên nữ theo quy định"
    assert (a.state, b.state, c.state) == ("council_failed", "council_passed", "council_passed")


def test_no_tie_no_chair_needed(db, world):
    a, b = in_council(world.org, "CSTDCS"), in_council(world.org, "CSTDCS")
    session = session_with(world, a, b)
    ops.set_quota(actor=world.org.secretary, session=session, award_code="CSTDCS", max_count=1)
    ops.open_session(actor=world.org.secretary, session=session)
    vote(world, session, {a: 8, b: 9})
    ops.close_round(actor=world.org.secretary, session=session)
    with pytest.raises(ValidationFailed, match="Không có hồ sơ nào bằng phiếu"):
        ops.break_tie(actor=world.users[0], session=session, award_code="CSTDCS", subject_ids=[a.id], note="x")
    result = ops.close_session(actor=world.org.secretary, session=session)
    assert (result[str(a.id)]["passed"], result[str(b.id)]["passed"]) == (False, True)
    assert "vượt chỉ tiêu" in result[str(a.id)]["note"]


# --- closing ---------------------------------------------------------------------------------------------------

def test_closing_applies_outcomes_as_the_system_with_the_tally_and_stores_the_documents(db, world):
    n = in_council(world.org, "CSTDCS")
    session = session_with(world, n)
    ops.open_session(actor=world.org.secretary, session=session)
    vote(world, session, {n: 8})
    ops.close_round(actor=world.org.secretary, session=session)
    ops.close_session(actor=world.org.secretary, session=session)
    log = db.session.scalar(select(TransitionLog).where(TransitionLog.workflow == "nomination",
                                                        TransitionLog.record_id == n.id,
                                                        TransitionLog.trigger == "council_pass"))
    assert log.actor_id is None and log.evidence["council_session"] == session.id
    assert log.evidence["tally"]["yes"] == 8 and log.evidence["tally"]["share"] == "88,89%"
    assert session.state == SessionState.CLOSED
    for document in (session.minutes, session.tally):
        assert document.content.startswith(b"%PDF-")
        assert document.sha256 == hashlib.sha256(document.content).hexdigest()
    with pytest.raises(ops.WrongSessionState):
        ops.close_session(actor=world.org.secretary, session=session)


def test_a_failing_document_render_leaves_nothing_applied(db, world, monkeypatch):
    n = in_council(world.org, "CSTDCS")
    session = session_with(world, n)
    ops.open_session(actor=world.org.secretary, session=session)
    vote(world, session, {n: 9})
    ops.close_round(actor=world.org.secretary, session=session)
    db.session.commit()

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("awards.documents.render.render_pdf", broken)
    with pytest.raises(OSError):
        with db.session.begin_nested():
            ops.close_session(actor=world.org.secretary, session=session)
    db.session.expire_all()
    assert n.state == "in_council" and session.state == SessionState.OPEN and session.minutes_id is None


# --- secrecy ---------------------------------------------------------------------------------------------------

def test_the_schema_cannot_link_a_ballot_to_its_voter(db):
    ballot, mark = Ballot.__table__, VoterMark.__table__
    assert not [fk for fk in ballot.foreign_keys if fk.column.table.name != "council_session"]
    assert {c.name for c in ballot.columns} == {"id", "session_id", "round_number", "choices"}
    for table in (ballot, mark):
        assert not [c for c in table.columns if isinstance(c.type, DateTime)], table.name
    # No sequence on either: the ballot's key is random, the mark's key is (session, round, member).
    assert [c.name for c in ballot.primary_key] == ["id"] and isinstance(ballot.c.id.type, String)
    assert [c.name for c in mark.primary_key] == ["session_id", "round_number", "member_id"]
    # The same holds in the database the migrations built.
    columns = {c["name"] for c in inspect(db.session.connection()).get_columns("ballot")}
    assert columns == {"id", "session_id", "round_number", "choices"}
    assert not [fk for fk in inspect(db.session.connection()).get_foreign_keys("ballot")
                if fk["referred_table"] != "council_session"]


def test_closing_a_round_rewrites_its_ballots_in_random_order(db, world):
    n = in_council(world.org, "CSTDCS")
    session = session_with(world, n)
    ops.open_session(actor=world.org.secretary, session=session)
    vote(world, session, {n: 5})
    before = set(db.session.scalars(select(Ballot.id).where(Ballot.session_id == session.id)))
    ops.close_round(actor=world.org.secretary, session=session)
    after = list(db.session.scalars(select(Ballot).where(Ballot.session_id == session.id)))
    assert len(after) == 9 and not before & {b.id for b in after}
    assert sorted(b.choices[str(n.id)] for b in after) == ["no"] * 4 + ["yes"] * 5


def test_an_initiative_council_recognises_by_majority(db, world):
    from awards.initiatives.models import Initiative

    org = world.org
    people = world.people[:5]
    council = ops.create_council(actor=org.secretary, unit=org.dt, year=2021, kind=CouncilKind.INITIATIVES,
                                 members=zip(people, ["chair", "member", "member", "member", "member"], strict=True))
    good = Initiative(code="SK-1", title="Số hóa hồ sơ", unit=org.dt_a, year=2021, state="under_evaluation")
    weak = Initiative(code="SK-2", title="Sổ tay", unit=org.dt_a, year=2021, state="under_evaluation")
    db.session.add_all([good, weak])
    db.session.flush()
    session = ops.create_session(actor=org.secretary, council=council, held_on=HELD_ON, number="3/BB-HĐSK",
                                 initiative_ids=[good.id, weak.id], scopes={good.id: "ministry"})
    with pytest.raises(ValidationFailed, match="phiên họp khác chưa bế mạc"):  # one open agenda at a time
        ops.create_session(actor=org.secretary, council=council, held_on=HELD_ON, initiative_ids=[good.id])
    ops.record_attendance(actor=org.secretary, session=session, present_person_ids=[p.id for p in people])
    ops.open_session(actor=org.secretary, session=session)
    for index, user in enumerate(world.users[:5]):
        ops.cast_ballot(actor=user, session=session, round_number=1,
                        votes={str(good.id): "yes" if index < 3 else "no", str(weak.id): "yes" if index < 2 else "no"})
    ops.close_round(actor=org.secretary, session=session)
    ops.close_session(actor=org.secretary, session=session)
    assert (good.state, good.scope, good.decision_no, good.decision_date) == (
        "recognised", "ministry", "3/BB-HĐSK", HELD_ON)
    assert weak.state == "not_recognised" and weak.scope is None
    from awards.councils.documents import minutes_context

    awards = [group["award"] for group in minutes_context(session)["results"]]
    assert awards == ["Công nhận sáng kiến cấp bộ, ngành", "Công nhận sáng kiến cấp cơ sở"]
