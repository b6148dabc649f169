"""The councils API: councils, sessions, attendance and quorum, secret ballots (one per member and round, none
after the close), written votes, show of hands, rounds, quotas and the chair's tie-break, the tally at close, the
documents, and what a session shows while a round is open (who has voted, never how).

Every JSON response is validated against the served OpenAPI document (``call``).
"""
from __future__ import annotations

import hashlib

import pytest

from awards.extensions import db as _db
from awards.nominations import operations as nominations
from awards.nominations.models import Nomination
from awards.org.models import Role
from tests.api_checks import NOT_FOUND_BODY, token_for
from tests.factories import make_person, make_user

API = "/api/v1"
PATHS = {f"{API}/councils", f"{API}/councils/{{council_id}}", f"{API}/councils/{{council_id}}/sessions",
         *(f"{API}/sessions/{{session_id}}{tail}" for tail in (
             "", "/attendance", "/written-votes", "/open", "/ballots", "/close-round", "/close", "/quotas",
             "/second-round", "/tie-break", "/hands", "/documents/{kind}"))}
ROLES = ["chair", "vice_chair", "secretary"] + ["member"] * 7


@pytest.fixture()
def call(call):
    """``call(method, path, token, json=…)``: the shared checking caller, method first."""
    return lambda method, path, token=None, **kwargs: call(path, token=token, method=method, **kwargs)


class World:
    pass


@pytest.fixture()
def world(db, org):
    """Ten people of Đồng Tháp, each with an account (council member role) and a token; the secretariat's token."""
    w = World()
    w.org = org
    w.people = [make_person(org.dt, f"TV{i:02d}", full_name=f"Thành viên {i}") for i in range(1, 11)]
    w.users = [make_user(f"tv{i}", (Role.COUNCIL_MEMBER, org.dt), person=p) for i, p in enumerate(w.people, 1)]
    w.tokens = [token_for(u) for u in w.users]
    w.secretary = token_for(org.secretary)
    w.hr = token_for(org.hr)
    w.viewer = token_for(org.viewer)
    _db.session.commit()
    return w


def in_council(org, award="CSTDCS") -> Nomination:
    """A nomination waiting for Đồng Tháp's council (its way there is tested in the nomination tests)."""
    nomination = nominations.create_nomination(actor=org.proposer, nominee=make_person(org.dt_a), award_code=award,
                                               year=2021)
    # Set-up, not the path under test: a ministry-level title is decided above DT, its council votes first.
    nomination.state, nomination.deciding_unit_id = "in_council", org.dt.id
    _db.session.commit()
    return nomination


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def council(call, w, size=9, year=2021) -> int:
    members = [{"person_code": p.code, "role": r} for p, r in zip(w.people[:size], ROLES, strict=False)]
    return ok(call("POST", f"{API}/councils", w.secretary, json={"unit_code": "DT", "year": year,
                                                                  "members": members}), 201)["id"]


def session(call, w, council_id, *noms, present=None, **extra) -> int:
    body = {"date": "2021-12-20", "nomination_ids": [n.id for n in noms], "place": "Hội trường", **extra}
    sid = ok(call("POST", f"{API}/councils/{council_id}/sessions", w.secretary, json=body), 201)["id"]
    size = len(ok(call("GET", f"{API}/councils/{council_id}", w.secretary))["members"])
    codes = [p.code for p in w.people[:size if present is None else present]]
    ok(call("POST", f"{API}/sessions/{sid}/attendance", w.secretary, json={"present": codes}))
    return sid


def opened(call, w, *noms, size=9, year=2021, present=None) -> int:
    sid = session(call, w, council(call, w, size, year), *noms, present=present)
    ok(call("POST", f"{API}/sessions/{sid}/open", w.secretary, json={}))
    return sid


def ballot(call, w, sid, index, votes, round_=1):
    return call("POST", f"{API}/sessions/{sid}/ballots", w.tokens[index],
                json={"round": round_, "votes": {str(k): v for k, v in votes.items()}})


def vote(call, w, sid, pattern: dict, voters: range, round_=1):
    """``pattern`` maps a nomination to how many of ``voters`` say yes (the first ones); the rest say no."""
    for position, index in enumerate(voters):
        ok(ballot(call, w, sid, index, {n.id: "yes" if position < yes else "no" for n, yes in pattern.items()},
                  round_), 201)


def close(call, w, sid) -> dict:
    ok(call("POST", f"{API}/sessions/{sid}/close-round", w.secretary, json={}))
    return ok(call("POST", f"{API}/sessions/{sid}/close", w.secretary, json={}))


def state_of(nomination: Nomination) -> str:
    _db.session.expire(nomination)
    return nomination.state


# --- the document ------------------------------------------------------------------------------------------------

def test_the_document_describes_the_endpoints(spec):
    assert PATHS <= set(spec["paths"])
    ballots = spec["paths"][f"{API}/sessions/{{session_id}}/ballots"]["post"]["responses"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(ballots)
    tally = spec["paths"][f"{API}/sessions/{{session_id}}/close"]["post"]["responses"]["200"]
    entry = tally["content"]["application/json"]["schema"]["additionalProperties"]
    assert {"yes", "no", "members", "share", "threshold", "passed"} <= set(entry["required"])


# --- councils ------------------------------------------------------------------------------------------------------

def test_create_and_read_a_council(call, world):
    council_id = council(call, world)
    body = ok(call("GET", f"{API}/councils/{council_id}", world.tokens[4]))
    assert (body["unit_code"], body["year"], body["kind"]) == ("DT", 2021, "awards")
    assert [(m["person_code"], m["role"]) for m in body["members"]] == [
        (p.code, r) for p, r in zip(world.people[:9], ROLES, strict=False)]
    assert body["sessions"] == []


def test_council_creation_refusals(call, world):
    members = [{"person_code": "TV01", "role": "chair"}, {"person_code": "TV02", "role": "member"}]
    body = {"unit_code": "DT", "year": 2021, "members": members}
    assert call("POST", f"{API}/councils", json=body).status_code == 401  # writes need a token
    assert ok(call("POST", f"{API}/councils", world.hr, json=body), 403)["code"] == "forbidden"
    # A unit out of scope reads like an unknown one.
    outside = ok(call("POST", f"{API}/councils", world.viewer, json=body), 422)
    unknown = ok(call("POST", f"{API}/councils", world.secretary, json={**body, "unit_code": "NOPE"}), 422)
    assert outside["errors"] == unknown["errors"] == {"json": {"unit_code": [outside["message"]]}}
    # So does a person out of scope (Thanh Hóa's) and an unknown one.
    stranger = make_person(world.org.th, "TH-X")
    refused = ok(call("POST", f"{API}/councils", world.secretary,
                      json={**body, "members": [*members, {"person_code": stranger.code, "role": "member"},
                                                {"person_code": "GHOST", "role": "member"}]}), 422)
    assert "GHOST" in refused["message"] and "TH-X" in refused["message"]
    no_chair = ok(call("POST", f"{API}/councils", world.secretary,
                       json={**body, "members": [{"person_code": "TV01", "role": "member"}]}), 422)
    assert any("đúng một Chủ tịch" in r for r in no_chair["errors"]["reasons"])
    shape = ok(call("POST", f"{API}/councils", world.secretary, json={"year": "x", "members": [{"role": "boss"}]}),
               422)
    assert {"unit_code", "year", "members"} <= set(shape["errors"]["json"])
    ok(call("POST", f"{API}/councils", world.secretary, json=body), 201)
    again = ok(call("POST", f"{API}/councils", world.secretary, json=body), 422)
    assert any("đã có Hội đồng" in r for r in again["errors"]["reasons"])


def test_a_council_is_visible_in_scope_and_to_its_members_only(call, world):
    council_id = council(call, world)
    outside = call("GET", f"{API}/councils/{council_id}", world.viewer)
    assert outside.status_code == 404 and outside.get_json() == NOT_FOUND_BODY
    assert call("GET", f"{API}/councils/999999", world.viewer).get_json() == NOT_FOUND_BODY
    # A member whose role lies elsewhere still sees the council they sit on (they vote from their account).
    far = make_user("far-member", (Role.VIEWER, world.org.th), person=world.people[8])
    far_token = token_for(far)
    _db.session.commit()
    assert ok(call("GET", f"{API}/councils/{council_id}", far_token))["id"] == council_id
    outsider = make_user("far-nobody", (Role.VIEWER, world.org.th), person=world.people[9])  # not on it
    assert call("GET", f"{API}/councils/{council_id}", token_for(outsider)).status_code == 404
    # In scope without a council role (a viewer of Đồng Tháp): 403, as on the pages.
    local = make_user("dt-viewer", (Role.VIEWER, world.org.dt))
    assert ok(call("GET", f"{API}/councils/{council_id}", token_for(local)), 403)["code"] == "forbidden"


# --- sessions ------------------------------------------------------------------------------------------------------

def test_a_session_takes_nominations_waiting_for_the_council_lowest_title_first(call, world):
    org = world.org
    council_id = council(call, world)
    cstdcs, ldtt = in_council(org, "CSTDCS"), in_council(org, "LDTT")
    draft = nominations.create_nomination(actor=org.proposer, nominee=make_person(org.dt_a), award_code="LDTT",
                                          year=2021)
    _db.session.commit()
    url = f"{API}/councils/{council_id}/sessions"
    refused = ok(call("POST", url, world.secretary, json={"date": "2021-12-20", "nomination_ids": [draft.id]}), 422)
    assert any(str(draft.id) in r for r in refused["errors"]["reasons"])
    assert ok(call("POST", url, world.secretary, json={"date": "2021-12-20"}), 422)["errors"]["reasons"]
    assert "date" in ok(call("POST", url, world.secretary, json={"nomination_ids": [1]}), 422)["errors"]["json"]
    assert ok(call("POST", url, world.hr, json={"date": "2021-12-20", "nomination_ids": [ldtt.id]}), 403)
    assert ok(call("POST", url, world.viewer, json={"date": "2021-12-20", "nomination_ids": [ldtt.id]}),
              404) == NOT_FOUND_BODY
    sid = ok(call("POST", url, world.secretary, json={"date": "2021-12-20", "nomination_ids": [cstdcs.id, ldtt.id],
                                                      "number": "5/BB-HĐTĐKT", "place": "Hội trường"}), 201)["id"]
    body = ok(call("GET", f"{API}/sessions/{sid}", world.tokens[3]))
    assert (body["state"], body["number"], body["members"], body["present"]) == ("planned", "5/BB-HĐTĐKT", 9, 0)
    assert [(i["nomination_id"], i["award"], i["secret"]) for i in body["items"]] == [
        (ldtt.id, "LDTT", False), (cstdcs.id, "CSTDCS", True)]
    assert body["you"] == {"member": True, "role": "member", "present": None, "voted_rounds": [],
                           "secretariat": False}
    assert ok(call("GET", f"{API}/councils/{council_id}", world.secretary))["sessions"][0]["id"] == sid
    assert call("GET", f"{API}/sessions/{sid}", world.viewer).get_json() == NOT_FOUND_BODY


def test_opening_is_refused_without_quorum(call, world):
    n = in_council(world.org)
    sid = session(call, world, council(call, world), n, present=5)
    refused = ok(call("POST", f"{API}/sessions/{sid}/open", world.secretary, json={}), 422)
    assert "có mặt 5/9, cần ít nhất 6" in refused["message"] and refused["errors"]["reasons"]
    assert ok(call("GET", f"{API}/sessions/{sid}", world.secretary))["state"] == "planned"
    assert ok(call("POST", f"{API}/sessions/{sid}/attendance", world.secretary,
                   json={"present": ["TV01", "GHOST"]}), 422)["errors"]["json"]["present"]
    outsider = make_person(world.org.dt, "NOT-MEMBER")
    assert ok(call("POST", f"{API}/sessions/{sid}/attendance", world.secretary,
                   json={"present": [outsider.code]}), 422)["errors"]["reasons"]
    version = ok(call("GET", f"{API}/sessions/{sid}", world.secretary))["version"]
    body = ok(call("POST", f"{API}/sessions/{sid}/attendance", world.secretary,
                   json={"present": [p.code for p in world.people[:6]], "version": version}))
    assert body["present"] == 6 and [a["present"] for a in body["attendance"]] == [True] * 6 + [False] * 3
    stale = ok(call("POST", f"{API}/sessions/{sid}/open", world.secretary, json={"version": version}), 409)
    assert stale["code"] == "conflict"
    assert ok(call("POST", f"{API}/sessions/{sid}/open", world.tokens[0], json={}), 403)["code"] == "forbidden"
    body = ok(call("POST", f"{API}/sessions/{sid}/open", world.secretary, json={"version": body["version"]}))
    assert (body["state"], body["members"], body["present"]) == ("open", 9, 6)
    assert [(r["number"], r["state"], r["subject_ids"]) for r in body["rounds"]] == [(1, "open", [n.id])]
    again = ok(call("POST", f"{API}/sessions/{sid}/attendance", world.secretary, json={"present": []}), 409)
    assert again["code"] == "not_allowed"
    assert ok(call("POST", f"{API}/sessions/{sid}/open", world.secretary, json={}), 409)["code"] == "not_allowed"


# --- thresholds: yes ÷ the whole membership -----------------------------------------------------------------------

@pytest.mark.parametrize(("size", "award", "yes", "passed", "required"), [
    (9, "CSTDCS", 7, False, 8), (9, "CSTDCS", 8, True, 8),
    (10, "CSTDCS", 8, True, 8),
    (10, "CSTD_BO", 8, False, 9), (10, "CSTD_BO", 9, True, 9),
], ids=["9-80%-7", "9-80%-8", "10-80%-8", "10-90%-8", "10-90%-9"])
def test_thresholds_count_the_whole_membership(call, world, size, award, yes, passed, required):
    n = in_council(world.org, award)
    sid = opened(call, world, n, size=size)
    vote(call, world, sid, {n: yes}, range(size))
    tally = close(call, world, sid)
    assert set(tally) == {str(n.id)}
    line = tally[str(n.id)]
    assert (line["yes"], line["no"], line["members"], line["required"]) == (yes, size - yes, size, required)
    assert line["passed"] is passed and line["reached_threshold"] is passed
    assert line["threshold"] == ("Từ 80% tổng số thành viên trở lên" if award == "CSTDCS"
                                 else "Từ 90% tổng số thành viên trở lên")
    assert state_of(n) == ("council_passed" if passed else "council_failed")


def test_absent_members_count_in_the_membership_and_a_blank_is_not_yes(call, world):
    n = in_council(world.org)
    sid = opened(call, world, n, present=8)
    vote(call, world, sid, {n: 7}, range(7))
    ok(ballot(call, world, sid, 7, {}), 201)  # a blank ballot
    line = close(call, world, sid)[str(n.id)]
    assert (line["yes"], line["no"], line["members"], line["share"], line["passed"]) == (7, 0, 9, "77,78%", False)


# --- ballots -------------------------------------------------------------------------------------------------------

def test_one_ballot_per_member_and_round(call, world):
    n = in_council(world.org)
    sid = opened(call, world, n)
    assert ok(ballot(call, world, sid, 0, {n.id: "yes"}), 201) == {"round": 1, "recorded": True}
    second = ok(ballot(call, world, sid, 0, {n.id: "no"}), 409)
    assert second["code"] == "already_voted"
    body = ok(call("GET", f"{API}/sessions/{sid}", world.secretary))
    assert body["rounds"][0]["ballots_cast"] == 1 and body["rounds"][0]["voters"] == [
        {"person_code": "TV01", "name": "Thành viên 1", "written": False}]
    assert ok(call("GET", f"{API}/sessions/{sid}", world.tokens[0]))["you"]["voted_rounds"] == [1]


def test_ballot_refusals(call, world):
    n = in_council(world.org)
    sid = opened(call, world, n)
    secretary = call("POST", f"{API}/sessions/{sid}/ballots", world.secretary, json={"round": 1, "votes": {}})
    assert ok(secretary, 403)["code"] == "forbidden"  # the secretariat is not a member
    outside = call("POST", f"{API}/sessions/{sid}/ballots", world.viewer, json={"round": 1, "votes": {}})
    assert ok(outside, 404) == NOT_FOUND_BODY
    maybe = ok(ballot(call, world, sid, 1, {n.id: "maybe"}), 422)
    assert "votes" in maybe["errors"]["json"]
    stranger = ok(ballot(call, world, sid, 1, {999999: "yes"}), 422)
    assert any("999999" in r for r in stranger["errors"]["reasons"])
    assert ok(ballot(call, world, sid, 1, {n.id: "yes"}, round_=2), 409)["code"] == "round_closed"
    assert "round" in ok(call("POST", f"{API}/sessions/{sid}/ballots", world.tokens[1], json={"votes": {}}),
                         422)["errors"]["json"]
    assert call("POST", f"{API}/sessions/{sid}/ballots", json={"round": 1, "votes": {}}).status_code == 401
    # Nothing refused was counted.
    assert ok(call("GET", f"{API}/sessions/{sid}", world.secretary))["rounds"][0]["ballots_cast"] == 0


def test_nothing_is_accepted_after_the_round_closes(call, world):
    n = in_council(world.org)
    sid = opened(call, world, n, present=8)
    vote(call, world, sid, {n: 3}, range(3))
    ok(call("POST", f"{API}/sessions/{sid}/close-round", world.secretary, json={}))
    assert ok(ballot(call, world, sid, 5, {n.id: "yes"}), 409)["code"] == "round_closed"
    written = call("POST", f"{API}/sessions/{sid}/written-votes", world.secretary,
                   json={"person_code": "TV09", "round": 1, "votes": {str(n.id): "yes"}})
    assert ok(written, 409)["code"] == "round_closed"
    again = ok(call("POST", f"{API}/sessions/{sid}/close-round", world.secretary, json={}), 409)
    assert again["code"] == "round_closed"
    ok(call("POST", f"{API}/sessions/{sid}/close", world.secretary, json={}))
    assert ok(ballot(call, world, sid, 6, {n.id: "yes"}), 409)["code"] == "round_closed"
    assert ok(call("POST", f"{API}/sessions/{sid}/close", world.secretary, json={}), 409)["code"] == "not_allowed"
    assert ok(call("GET", f"{API}/sessions/{sid}", world.secretary))["items"][0]["result"]["yes"] == 3


def test_written_votes_of_absent_members_are_counted(call, world):
    n = in_council(world.org)
    sid = opened(call, world, n, present=7)
    vote(call, world, sid, {n: 7}, range(7))
    url = f"{API}/sessions/{sid}/written-votes"
    paper = {"person_code": "TV08", "round": 1, "votes": {str(n.id): "yes"}}
    assert any("vắng mặt" in r for r in ok(ballot(call, world, sid, 7, {n.id: "yes"}), 422)["errors"]["reasons"])
    assert ok(call("POST", url, world.tokens[0], json=paper), 403)["code"] == "forbidden"
    present = ok(call("POST", url, world.secretary, json={**paper, "person_code": "TV01"}), 422)
    assert any("có mặt" in r for r in present["errors"]["reasons"])
    assert "person_code" in ok(call("POST", url, world.secretary, json={**paper, "person_code": "TV10"}),
                               422)["errors"]["json"]  # TV10 is not on this 9-member council
    assert ok(call("POST", url, world.secretary, json=paper), 201) == {"round": 1, "recorded": True}
    assert ok(call("POST", url, world.secretary, json=paper), 409)["code"] == "already_voted"
    voters = ok(call("GET", f"{API}/sessions/{sid}", world.secretary))["rounds"][0]["voters"]
    assert [(v["person_code"], v["written"]) for v in voters][-1] == ("TV08", True) and len(voters) == 8
    line = close(call, world, sid)[str(n.id)]
    assert (line["yes"], line["passed"]) == (8, True)  # 7 in the room + 1 in writing = 8 of 9


# --- what the session shows while a round is open -------------------------------------------------------------------

def test_an_open_round_shows_who_voted_never_how(call, world):
    a, b = in_council(world.org), in_council(world.org)
    sid = opened(call, world, a, b)
    vote(call, world, sid, {a: 2, b: 0}, range(3))
    body = ok(call("GET", f"{API}/sessions/{sid}", world.secretary))
    round_ = body["rounds"][0]
    assert (round_["state"], round_["ballots_cast"], round_["counts"]) == ("open", 3, None)
    assert [v["person_code"] for v in round_["voters"]] == ["TV01", "TV02", "TV03"]
    assert [i["result"] for i in body["items"]] == [None, None]
    assert body["documents"] == {"minutes": None, "tally": None}
    vote(call, world, sid, {a: 6, b: 6}, range(3, 9))
    body = ok(call("POST", f"{API}/sessions/{sid}/close-round", world.secretary, json={}))
    assert body["rounds"][0]["counts"] == {str(a.id): {"yes": 8, "no": 1, "passed": True},
                                           str(b.id): {"yes": 6, "no": 3, "passed": False}}
    result = body["items"][0]["result"]
    assert (result["yes"], result["reached_threshold"], result["passed"]) == (8, True, None)  # not closed yet


# --- rounds, hands, quotas, tie-break -------------------------------------------------------------------------------

def test_a_second_round_for_what_failed_and_no_third(call, world):
    a, b = in_council(world.org), in_council(world.org)
    sid = opened(call, world, a, b)
    vote(call, world, sid, {a: 9, b: 6}, range(9))
    ok(call("POST", f"{API}/sessions/{sid}/close-round", world.secretary, json={}))
    url = f"{API}/sessions/{sid}/second-round"
    assert ok(call("POST", url, world.tokens[4], json={"nomination_ids": [b.id]}), 403)["code"] == "forbidden"
    assert ok(call("POST", url, world.tokens[0], json={"nomination_ids": [a.id]}), 422)["errors"]["reasons"]
    body = ok(call("POST", url, world.tokens[0], json={"nomination_ids": [b.id]}))  # the chair
    assert [(r["number"], r["state"], r["subject_ids"]) for r in body["rounds"]][-1] == (2, "open", [b.id])
    assert [i["result"] is None for i in body["items"]] == [False, True]  # b is being voted again
    assert ok(ballot(call, world, sid, 0, {a.id: "yes"}, round_=2), 422)["errors"]["reasons"]
    vote(call, world, sid, {b: 8}, range(9), round_=2)
    refused = ok(call("POST", f"{API}/sessions/{sid}/close", world.secretary, json={}), 422)
    assert any("vòng bỏ phiếu đang mở" in r for r in refused["errors"]["reasons"])
    ok(call("POST", f"{API}/sessions/{sid}/close-round", world.secretary, json={}))
    assert ok(call("POST", url, world.tokens[0], json={"nomination_ids": [b.id]}), 422)["errors"]["reasons"]
    tally = ok(call("POST", f"{API}/sessions/{sid}/close", world.secretary, json={}))
    assert (tally[str(b.id)]["round"], tally[str(b.id)]["yes"], tally[str(b.id)]["passed"]) == (2, 8, True)
    assert (state_of(a), state_of(b)) == ("council_passed", "council_passed")


def test_show_of_hands(call, world):
    n = in_council(world.org, "LDTT")
    sid = opened(call, world, n)
    url = f"{API}/sessions/{sid}/hands"
    missing = ok(call("POST", f"{API}/sessions/{sid}/close-round", world.secretary, json={}), 422)
    assert any("giơ tay" in r for r in missing["errors"]["reasons"])
    assert ok(call("POST", url, world.secretary, json={"round": 1, "nomination_id": n.id, "yes": 8, "no": 2}),
              422)["errors"]["reasons"]
    assert ok(call("POST", url, world.tokens[0], json={"round": 1, "nomination_id": n.id, "yes": 5, "no": 4}), 403)
    assert "yes" in ok(call("POST", url, world.secretary, json={"round": 1, "nomination_id": n.id, "yes": -1,
                                                                 "no": 0}), 422)["errors"]["json"]
    ok(call("POST", url, world.secretary, json={"round": 1, "nomination_id": n.id, "yes": 5, "no": 4}))
    line = close(call, world, sid)[str(n.id)]
    assert (line["yes"], line["secret"], line["passed"], line["threshold"]) == (
        5, False, True, "Quá bán tổng số thành viên")


def test_quota_ranking_and_the_chairs_tie_break(call, world):
    a, b, c = (in_council(world.org) for _ in range(3))
    sid = session(call, world, council(call, world), a, b, c)
    url = f"{API}/sessions/{sid}/quotas"
    assert ok(call("POST", url, world.secretary, json={"award": "NOPE", "max_count": 1}), 422)["errors"]["reasons"]
    assert ok(call("POST", url, world.tokens[0], json={"award": "CSTDCS", "max_count": 2}), 403)
    body = ok(call("POST", url, world.secretary, json={"award": "CSTDCS", "max_count": 2, "note": "15% số LĐTT"}))
    assert body["quotas"] == [{"award": "CSTDCS", "max_count": 2, "note": "15% số LĐTT"}]
    ok(call("POST", f"{API}/sessions/{sid}/open", world.secretary, json={}))
    vote(call, world, sid, {a: 8, b: 9, c: 8}, range(9))
    ok(call("POST", f"{API}/sessions/{sid}/close-round", world.secretary, json={}))
    waiting = ok(call("POST", f"{API}/sessions/{sid}/close", world.secretary, json={}), 422)
    assert any("chờ Chủ tịch" in r for r in waiting["errors"]["reasons"])
    tie = f"{API}/sessions/{sid}/tie-break"
    choice = {"award": "CSTDCS", "nomination_ids": [c.id], "note": "Ưu tiên nữ theo quy định"}
    assert ok(call("POST", tie, world.tokens[5], json=choice), 403)["code"] == "forbidden"
    assert ok(call("POST", tie, world.tokens[0], json={**choice, "nomination_ids": [a.id, c.id]}),
              422)["errors"]["reasons"]
    assert "note" in ok(call("POST", tie, world.tokens[0], json={"award": "CSTDCS", "nomination_ids": [c.id]}),
                        422)["errors"]["json"]
    ok(call("POST", tie, world.tokens[0], json=choice))
    tally = ok(call("POST", f"{API}/sessions/{sid}/close", world.secretary, json={}))
    assert {k: v["passed"] for k, v in tally.items()} == {str(a.id): False, str(b.id): True, str(c.id): True}
    assert tally[str(c.id)]["note"] == "Ưu tiên nữ theo quy định"
    assert (state_of(a), state_of(b), state_of(c)) == ("council_failed", "council_passed", "council_passed")


# --- closing and the documents --------------------------------------------------------------------------------------

def test_closing_stores_the_minutes_and_the_tally(call, client, world):
    n = in_council(world.org)
    sid = opened(call, world, n)
    vote(call, world, sid, {n: 8}, range(9))
    ok(call("POST", f"{API}/sessions/{sid}/close-round", world.secretary, json={}))
    assert client.get(f"{API}/sessions/{sid}/documents/minutes",
                      headers={"Authorization": f"Bearer {world.secretary}"}).status_code == 404
    tally = ok(call("POST", f"{API}/sessions/{sid}/close", world.secretary, json={}))
    body = ok(call("GET", f"{API}/sessions/{sid}", world.tokens[2]))
    assert body["state"] == "closed" and body["closed_at"] is not None
    assert body["items"][0]["result"]["passed"] is True and body["items"][0]["result"]["share"] == "88,89%"
    assert tally[str(n.id)]["share"] == "88,89%"
    for kind in ("minutes", "tally"):
        link = body["documents"][kind]
        pdf = client.get(link["url"], headers={"Authorization": f"Bearer {world.tokens[2]}"})
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.data.startswith(b"%PDF-") and hashlib.sha256(pdf.data).hexdigest() == link["sha256"]
    outside = client.get(f"{API}/sessions/{sid}/documents/minutes", headers={"Authorization": f"Bearer {world.viewer}"})
    assert outside.status_code == 404


def test_writes_out_of_scope_answer_404_and_never_change_anything(call, world):
    n = in_council(world.org)
    sid = opened(call, world, n)
    for tail, body in (("/open", {}), ("/close-round", {}), ("/close", {}), ("/attendance", {"present": []}),
                       ("/quotas", {"award": "CSTDCS", "max_count": 1}),
                       ("/written-votes", {"person_code": "TV01", "round": 1, "votes": {}}),
                       ("/hands", {"round": 1, "nomination_id": n.id, "yes": 1, "no": 0}),
                       ("/second-round", {"nomination_ids": [n.id]}),
                       ("/tie-break", {"award": "CSTDCS", "nomination_ids": [n.id], "note": "x"})):
        response = call("POST", f"{API}/sessions/{sid}{tail}", world.viewer, json=body)
        assert (response.status_code, response.get_json()) == (404, NOT_FOUND_BODY), tail
    body = ok(call("GET", f"{API}/sessions/{sid}", world.secretary))
    assert (body["state"], body["rounds"][0]["state"], body["quotas"]) == ("open", "open", [])


def test_the_session_date_must_be_a_date(call, world):
    council_id = council(call, world)
    response = call("POST", f"{API}/councils/{council_id}/sessions", world.secretary,
                    json={"date": "20/12/2021", "nomination_ids": []})
    assert "date" in ok(response, 422)["errors"]["json"]
