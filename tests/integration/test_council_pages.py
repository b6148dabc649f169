"""Council pages: lists scoped to the user, a new council and session through the forms, the secretariat's session
page (attendance, quorum refusal, who voted but never how, written votes, show of hands, results only after a round
closes, second round, tie-break, close and the PDFs) and the member's own ballot (confirm step, one per round)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from awards.councils import operations as ops
from awards.councils.models import Ballot, Council, CouncilSession, SessionState
from awards.extensions import db
from awards.nominations import operations as nominations
from awards.org.models import Role
from tests.factories import make_person, make_user

HELD_ON = date(2021, 12, 20)


def in_council(org, award="LDTT"):
    """A nomination waiting for DT's council (its way there is tested in the nomination tests)."""
    nomination = nominations.create_nomination(actor=org.proposer, nominee=make_person(org.dt_a), award_code=award,
                                               year=2021)
    nomination.state = "in_council"
    db.session.commit()
    return nomination


class World:
    pass


@pytest.fixture()
def world(db, org, app, tmp_path, monkeypatch):
    """A 9-member council of DT whose members sign in with their own accounts (the chair is ``users[0]``)."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    w = World()
    w.org = org
    w.people = [make_person(org.dt, full_name=f"Thành viên {i}") for i in range(1, 10)]
    w.users = [make_user(f"m{i}", (Role.COUNCIL_MEMBER, org.dt), person=p) for i, p in enumerate(w.people, 1)]
    roles = ["chair", "vice_chair", "secretary"] + ["member"] * 6
    w.council = ops.create_council(actor=org.secretary, unit=org.dt, year=2021,
                                   members=zip(w.people, roles, strict=True))
    db.session.commit()
    return w


@pytest.fixture()
def as_user(client, login):
    """Sign the one test client in as ``user`` (signing out whoever was in)."""

    def _as(user):
        client.post("/logout")
        return login(user)

    return _as


def planned(w, *items, present=9):
    session = ops.create_session(actor=w.org.secretary, council=w.council, held_on=HELD_ON, place="Hội trường",
                                 nomination_ids=[n.id for n in items])
    ops.record_attendance(actor=w.org.secretary, session=session, present_person_ids=[p.id for p in w.people[:present]])
    db.session.commit()
    return session


def opened(w, *items, present=9):
    session = planned(w, *items, present=present)
    ops.open_session(actor=w.org.secretary, session=session)
    db.session.commit()
    return session


def text(response) -> str:
    return response.get_data(as_text=True)


# --- councils ------------------------------------------------------------------------------------------------

def test_the_list_shows_councils_in_scope_and_to_those_who_sit_on_them(world, as_user):
    org = world.org
    assert f"/councils/{world.council.id}" in text(as_user(org.secretary).get("/councils/"))
    # A member with no role at all over DT still sees the council they sit on.
    seated = make_user("seated", person=world.people[4])
    assert f"/councils/{world.council.id}" in text(as_user(seated).get("/councils/"))
    assert f"/councils/{world.council.id}" not in text(as_user(org.viewer).get("/councils/"))
    assert as_user(org.viewer).get(f"/councils/{world.council.id}").status_code == 404
    dt_viewer = make_user("dt_viewer", (Role.VIEWER, org.dt))
    assert as_user(dt_viewer).get(f"/councils/{world.council.id}").status_code == 403


def test_the_list_takes_a_fixed_number_of_statements(world, as_user):
    from tests.api_checks import count_statements

    client = as_user(world.org.secretary)

    def statements() -> int:
        db.session.expire_all()
        with count_statements(db) as seen:
            assert client.get("/councils/").status_code == 200
        return len(seen)

    before = statements()
    for year in (2019, 2020, 2022):
        ops.create_council(actor=world.org.secretary, unit=world.org.dt, year=year,
                           members=[(p, "chair" if i == 0 else "member") for i, p in enumerate(world.people[:3])])
        db.session.commit()
    assert statements() == before


def test_the_council_page_lists_members_and_roles(world, as_user):
    page = text(as_user(world.users[5]).get(f"/councils/{world.council.id}"))
    for person in world.people:
        assert person.full_name in page
    assert page.count('data-role="chair"') == 1 and "Chủ tịch" in page
    assert "Lập phiên họp" not in page  # a member does not run sessions
    assert "Lập phiên họp" in text(as_user(world.org.secretary).get(f"/councils/{world.council.id}"))


def test_the_secretariat_sets_up_a_council_from_the_people_of_the_units_subtree(db, org, as_user):
    chair, member, outsider = make_person(org.dt, full_name="Chủ Tịch A"), make_person(org.dt_b,
                                                                                          full_name="Ủy Viên B"), \
        make_person(org.th, full_name="Người Thanh Hóa")
    client = as_user(org.secretary)
    page = text(client.get(f"/councils/new?unit={org.dt.id}"))
    assert "Chủ Tịch A" in page and "Ủy Viên B" in page and "Người Thanh Hóa" not in page
    refused = client.post("/councils/new", data={"unit_id": org.dt.id, "year": 2022, f"role-{member.id}": "member"})
    assert refused.status_code == 422 and "đúng một Chủ tịch" in text(refused)
    response = client.post("/councils/new", data={"unit_id": org.dt.id, "year": 2022, f"role-{chair.id}": "chair",
                                                  f"role-{member.id}": "member", f"role-{outsider.id}": "member"})
    assert response.status_code == 302
    council = db.session.get(Council, int(response.headers["Location"].rsplit("/", 1)[-1]))
    assert [(m.person, m.role) for m in council.members] == [(chair, "chair"), (member, "member")]
    assert as_user(org.proposer).get("/councils/new").status_code == 403


# --- sessions ------------------------------------------------------------------------------------------------

def test_a_session_takes_nominations_waiting_for_the_council_grouped_by_award(world, as_user):
    org = world.org
    ldtt, cstdcs = in_council(org, "LDTT"), in_council(org, "CSTDCS")
    busy = in_council(org, "LDTT")
    planned(world, busy)  # already on another unclosed agenda: not offered again
    client = as_user(org.secretary)
    page = text(client.get(f"/councils/{world.council.id}/sessions/new"))
    assert 'data-award="LDTT"' in page and 'data-award="CSTDCS"' in page
    assert f'value="{ldtt.id}"' in page and f'value="{cstdcs.id}"' in page and f'value="{busy.id}"' not in page
    response = client.post(f"/councils/{world.council.id}/sessions/new",
                           data={"held_on": "20/12/2021", "place": "Hội trường Cục", "number": "5/BB-HĐTĐKT",
                                 "nomination_ids": [cstdcs.id, ldtt.id]})
    assert response.status_code == 302
    session = db.session.get(CouncilSession, int(response.headers["Location"].rsplit("/", 1)[-1]))
    assert [i.nomination for i in session.items] == [ldtt, cstdcs] and session.held_on == HELD_ON
    empty = client.post(f"/councils/{world.council.id}/sessions/new", data={"held_on": "20/12/2021"})
    assert empty.status_code == 422 and "ít nhất một hồ sơ" in text(empty)
    assert as_user(world.users[3]).get(f"/councils/{world.council.id}/sessions/new").status_code == 403


def test_attendance_and_the_quorum_refusal_on_the_page(world, as_user):
    n = in_council(world.org, "CSTDCS")
    session = planned(world, n, present=0)
    client = as_user(world.org.secretary)
    members = world.council.members
    response = client.post(f"/councils/sessions/{session.id}/attendance",
                           data={"version": session.version, "present": [m.id for m in members[:5]]})
    assert response.status_code == 302
    assert sum(a.present for a in session.attendance) == 5
    refused = client.post(f"/councils/sessions/{session.id}/open", data={"version": session.version})
    assert refused.status_code == 422
    assert "Không đủ số thành viên dự họp: có mặt 5/9, cần ít nhất 6." in text(refused)
    assert session.state == SessionState.PLANNED
    client.post(f"/councils/sessions/{session.id}/attendance",
                data={"version": session.version, "present": [m.id for m in members[:6]]})
    assert client.post(f"/councils/sessions/{session.id}/open",
                       data={"version": session.version}).status_code == 302
    assert session.state == SessionState.OPEN and session.present_count == 6


def test_a_stale_version_answers_409_and_changes_nothing(world, as_user):
    session = planned(world, in_council(world.org, "CSTDCS"))
    stale = session.version - 1
    response = as_user(world.org.secretary).post(f"/councils/sessions/{session.id}/open", data={"version": stale})
    assert response.status_code == 409 and "người khác thay đổi" in text(response)
    assert session.state == SessionState.PLANNED


def test_only_the_secretariat_runs_the_session_and_quotas_are_saved(world, as_user):
    session = planned(world, in_council(world.org, "CSTDCS"))
    assert as_user(world.users[0]).post(f"/councils/sessions/{session.id}/open",
                                        data={"version": session.version}).status_code == 403
    client = as_user(world.org.secretary)
    assert client.post(f"/councils/sessions/{session.id}/quota",
                       data={"award_code": "CSTDCS", "max_count": 1, "note": "15% LĐTT"}).status_code == 302
    assert [(q.award.code, q.max_count, q.note) for q in session.quotas] == [("CSTDCS", 1, "15% LĐTT")]
    assert 'value="15% LĐTT"' in text(client.get(f"/councils/sessions/{session.id}"))


def test_the_quota_form_shows_the_catalogues_quota(world, as_user):
    from awards.catalogue.models import Award, AwardHolding

    ldtt = db.session.scalar(select(Award).where(Award.code == "LDTT"))
    for _ in range(20):  # 20 LĐTT in 2021 under Decree 91/2017: at most 15 % of them, 3 CSTĐCS
        db.session.add(AwardHolding(person_id=make_person(world.org.dt_a).id, award=ldtt, year=2021,
                                    decision_no="1/QĐ"))
    db.session.commit()
    session = planned(world, in_council(world.org, "CSTDCS"))
    page = text(as_user(world.org.secretary).get(f"/councils/sessions/{session.id}"))
    assert "Theo quy định: tối đa 3, đã có 0" in page and "91/2017/NĐ-CP" in page


# --- ballots -------------------------------------------------------------------------------------------------

def test_the_ballot_page_is_for_members_only(world, as_user):
    n = in_council(world.org, "CSTDCS")
    session = opened(world, n)
    assert as_user(world.org.secretary).get(f"/councils/sessions/{session.id}/ballot").status_code == 403
    assert as_user(world.org.secretary).post(f"/councils/sessions/{session.id}/ballot",
                                             data={"round_number": 1, "confirmed": "1",
                                                   f"vote_{n.id}": "yes"}).status_code == 403
    assert as_user(world.org.viewer).get(f"/councils/sessions/{session.id}/ballot").status_code == 404
    assert ops.ballots_cast(session, 1) == 0
    page = text(as_user(world.users[4]).get(f"/councils/sessions/{session.id}/ballot"))
    assert f'name="vote_{n.id}"' in page and "Đồng ý" in page and "Không đồng ý" in page
    assert "để trống được tính là không đồng ý" in page


def test_a_member_confirms_then_votes_once(world, as_user):
    n, hands = in_council(world.org, "CSTDCS"), in_council(world.org, "LDTT")
    session = opened(world, n, hands)
    client = as_user(world.users[4])
    url = f"/councils/sessions/{session.id}/ballot"
    assert f'name="vote_{hands.id}"' not in text(client.get(url))  # a show-of-hands item is not on the ballot
    review = client.post(url, data={"round_number": 1, f"vote_{n.id}": "no"})
    assert review.status_code == 200 and "Xác nhận và gửi phiếu" in text(review)
    assert ops.ballots_cast(session, 1) == 0  # reviewing casts nothing
    done = client.post(url, data={"round_number": 1, "confirmed": "1", f"vote_{n.id}": "no"})
    assert done.status_code == 302
    assert [b.choices for b in db.session.query(Ballot).filter_by(session_id=session.id)] == [{str(n.id): "no"}]
    assert "Bạn đã bỏ phiếu vòng 1" in text(client.get(url))
    again = client.post(url, data={"round_number": 1, "confirmed": "1", f"vote_{n.id}": "yes"})
    assert again.status_code == 409 and "đã bỏ phiếu ở vòng này" in text(again)
    assert ops.ballots_cast(session, 1) == 1
    # The open-ballot link: for members who have not voted yet, gone for the one who has.
    assert "Phiếu bầu đang mở" in text(as_user(world.users[5]).get("/"))
    assert f"/councils/sessions/{session.id}/ballot" not in text(as_user(world.users[4]).get("/"))


def test_a_blank_ballot_counts_as_not_yes(world, as_user):
    n = in_council(world.org, "CSTDCS")
    session = opened(world, n)
    client = as_user(world.users[1])
    assert client.post(f"/councils/sessions/{session.id}/ballot",
                       data={"round_number": 1, "confirmed": "1"}).status_code == 302
    ops.close_round(actor=world.org.secretary, session=session)
    assert (session.items[0].yes, session.items[0].no) == (0, 0)


def test_nobody_sees_choices_while_the_round_is_open(world, as_user):
    n = in_council(world.org, "CSTDCS")
    session = opened(world, n)
    for index, user in enumerate(world.users[:8]):
        ops.cast_ballot(actor=user, session=session, round_number=1, votes={str(n.id): "yes" if index < 7 else "no"})
    db.session.commit()
    url = f"/councils/sessions/{session.id}"
    secretary_page = text(as_user(world.org.secretary).get(url))
    assert 'id="voters"' in secretary_page
    for person in world.people[:8]:
        assert person.full_name in secretary_page.split('id="voters"')[1].split("</ul>")[0]
    assert world.people[8].full_name not in secretary_page.split('id="voters"')[1].split("</ul>")[0]
    assert "Đã nhận 8 phiếu kín" in secretary_page
    member_page = text(as_user(world.users[2]).get(url))
    for page in (secretary_page, member_page):
        assert 'id="results"' not in page and "Kết quả vòng" not in page and "data-passed" not in page
    assert 'id="voters"' not in member_page  # only the secretariat follows who has voted
    closed = as_user(world.org.secretary).post(f"{url}/close-round", data={"version": session.version})
    assert closed.status_code == 302
    after = text(as_user(world.users[2]).get(url))
    row = re.search(rf'<tr data-subject="{n.id}" data-passed="(\d)">(.*?)</tr>', after, re.S)
    assert row.group(1) == "0"  # 7 of 9 at 80 %: not passed
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(2))
    assert cells == ["7", "1", "77,78%"]


def test_written_votes_and_show_of_hands_from_the_session_page(world, as_user):
    n, hands = in_council(world.org, "CSTDCS"), in_council(world.org, "LDTT")
    session = opened(world, n, hands, present=8)
    absent = world.people[8]
    client = as_user(world.org.secretary)
    url = f"/councils/sessions/{session.id}"
    page = text(client.get(url))
    assert f'<option value="{absent.id}">{absent.full_name}</option>' in page
    from io import BytesIO
    response = client.post(f"{url}/written-vote", content_type="multipart/form-data",
                           data={"round_number": 1, "person_id": absent.id, f"vote_{n.id}": "yes",
                                 "scan": (BytesIO(b"%PDF-1.4\n%%EOF\n"), "phieu-vang.pdf")})
    assert response.status_code == 302, text(response)[:2000]
    page = text(client.get(url))
    assert f"{absent.full_name} · bằng văn bản" in page
    attendance = next(a for a in session.attendance if a.member.person_id == absent.id)
    assert attendance.scan_name == "phieu-vang.pdf"
    # The secretariat reads the scan back (as a download); a member, even the chair, does not.
    scan_url = f"{url}/scans/{attendance.member_id}"
    assert scan_url in page
    scan = client.get(scan_url)
    assert scan.status_code == 200 and scan.data == b"%PDF-1.4\n%%EOF\n"
    assert scan.headers["Content-Disposition"].startswith("attachment") and "phieu-vang.pdf" in \
        scan.headers["Content-Disposition"]
    present = next(a for a in session.attendance if a.present)
    assert client.get(f"{url}/scans/{present.member_id}").status_code == 404  # no written vote, no scan
    assert as_user(world.users[0]).get(scan_url).status_code == 403
    client = as_user(world.org.secretary)
    too_many = client.post(f"{url}/hands", data={"round_number": 1, "subject_id": hands.id, "yes": 8, "no": 2})
    assert too_many.status_code == 422 and "không vượt quá 9" in text(too_many)
    assert client.post(f"{url}/hands", data={"round_number": 1, "subject_id": hands.id, "yes": 6,
                                             "no": 2}).status_code == 302
    assert session.rounds[0].hands == {str(session.items[0].id): {"yes": 6, "no": 2}}


def test_second_round_tie_break_close_and_the_pdfs(world, as_user):
    org = world.org
    a, b, c, weak = (in_council(org, "CSTDCS") for _ in range(4))
    session = opened(world, a, b, c, weak)
    ops.set_quota(actor=org.secretary, session=session, award_code="CSTDCS", max_count=2)
    for index, user in enumerate(world.users):
        ops.cast_ballot(actor=user, session=session, round_number=1, votes={
            str(a.id): "yes" if index < 8 else "no", str(b.id): "yes", str(c.id): "yes" if index < 8 else "no",
            str(weak.id): "yes" if index < 5 else "no"})
    ops.close_round(actor=org.secretary, session=session)
    db.session.commit()
    url = f"/councils/sessions/{session.id}"
    assert as_user(org.secretary).get(f"{url}/minutes.pdf").status_code == 404  # nothing before the close
    chair = as_user(world.users[0])
    page = text(chair.get(url))
    assert 'id="second-round-form"' in page and 'class="card card-body mb-2 tie"' in page
    assert chair.post(f"{url}/second-round", data={"version": session.version,
                                                   "subject_ids": [weak.id]}).status_code == 302
    assert [r.number for r in session.rounds] == [1, 2]
    for user in world.users:
        ops.cast_ballot(actor=user, session=session, round_number=2, votes={str(weak.id): "no"})
    ops.close_round(actor=org.secretary, session=session)
    db.session.commit()
    refused = as_user(org.secretary).post(f"{url}/close", data={"version": session.version})
    assert refused.status_code == 422 and "chờ Chủ tịch" in text(refused)
    member = as_user(world.users[5])
    assert member.post(f"{url}/tie-break", data={"version": session.version, "award_code": "CSTDCS",
                                                 "subject_ids": [c.id], "note": "x"}).status_code == 403
    chair = as_user(world.users[0])
    assert chair.post(f"{url}/tie-break", data={"version": session.version, "award_code": "CSTDCS",
                                                "subject_ids": [c.id], "note": "Ưu tiên nữ"}).status_code == 302
    client = as_user(org.secretary)
    assert client.post(f"{url}/close", data={"version": session.version}).status_code == 302
    assert session.state == SessionState.CLOSED
    assert (a.state, b.state, c.state, weak.state) == ("council_failed", "council_passed", "council_passed",
                                                       "council_failed")
    page = text(as_user(world.users[3]).get(url))
    assert 'id="minutes-pdf"' in page and 'id="tally-pdf"' in page
    for kind, stored in (("minutes", session.minutes), ("tally", session.tally)):
        pdf = as_user(world.users[3]).get(f"{url}/{kind}.pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.data == stored.content and pdf.data.startswith(b"%PDF-")
        disposition = pdf.headers["Content-Disposition"]
        assert disposition.startswith("inline") and stored.filename in disposition
    assert as_user(org.viewer).get(f"{url}/minutes.pdf").status_code == 404


def test_a_ballot_form_of_a_closed_round_is_refused(world, as_user):
    n = in_council(world.org, "CSTDCS")
    session = opened(world, n)
    client = as_user(world.users[6])
    assert f'name="vote_{n.id}"' in text(client.get(f"/councils/sessions/{session.id}/ballot"))
    ops.close_round(actor=world.org.secretary, session=session)
    db.session.commit()
    late = client.post(f"/councils/sessions/{session.id}/ballot",
                       data={"round_number": 1, "confirmed": "1", f"vote_{n.id}": "yes"})
    assert late.status_code == 409 and "Vòng bỏ phiếu đã kết thúc" in text(late)
    assert ops.ballots_cast(session, 1) == 0
    assert "Không có vòng bỏ phiếu nào đang mở." in text(client.get(f"/councils/sessions/{session.id}/ballot"))
