"""The eligibility API: verdicts with clauses, suggestions, quotas; scope (404), bad arguments (422), the spec.

Every response is validated against the served OpenAPI document (``call``, as in test_api.py).
"""
from __future__ import annotations

from datetime import date

import pytest

from awards.org import operations as ops
from awards.org.models import RatingLevel
from tests.factories import make_person
from tests.api_checks import NOT_FOUND_BODY, count_statements, token_for
from tests.integration.test_eligibility_loader import hold, initiative

API = "/api/v1"
PATHS = {f"{API}/people/{{code}}/eligibility", f"{API}/units/{{code}}/eligibility",
         f"{API}/units/{{code}}/suggestions", f"{API}/units/{{code}}/quotas"}


@pytest.fixture()
def token(org):
    return token_for(org.admin)


def ok(call, path: str, token: str):
    response = call(path, token=token)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture()
def lan(db, org):
    """An LDTT of 2021 and of 2024, rated HTXSNV both years, without an initiative."""
    person = make_person(org.dt_a, "P-LAN", full_name="Nguyễn Thị Lan", since=date(2015, 1, 1))
    for year in (2021, 2024):
        ops.set_rating(year, RatingLevel.HTXSNV, person=person)
        hold(db, person, "LDTT", year)
    return person


def test_the_document_describes_the_four_endpoints(spec):
    assert PATHS <= set(spec["paths"])
    for path in PATHS:
        assert {"200", "404", "422"} <= set(spec["paths"][path]["get"]["responses"])


def test_cstdcs_without_an_initiative_differs_between_2021_and_2024(call, lan, token):
    old = ok(call, f"{API}/people/P-LAN/eligibility?year=2021&award=CSTDCS", token)
    new = ok(call, f"{API}/people/P-LAN/eligibility?year=2024&award=CSTDCS", token)
    assert (old["subject_code"], old["award"], old["year"], old["regime"], old["verdict"]) == (
        "P-LAN", "CSTDCS", 2021, "ND91_2017", "ineligible")
    assert (new["regime"], new["verdict"]) == ("LTDKT_2022", "eligible")
    failed = [c for c in old["clauses"] if c["outcome"] == "not_met"]
    assert [c["code"] for c in failed] == ["CSTDCS.initiative"]
    assert all(c["citation"] and c["reason"] for c in old["clauses"] + new["clauses"])


def test_an_initiative_supporting_this_very_award_counts(call, db, lan, org, token):
    from tests.integration.test_eligibility_loader import use

    item = initiative(db, "SK-LAN", org.dt_a, 2021, [lan])
    use(db, item, "CSTDCS", 2021, person=lan)
    assert ok(call, f"{API}/people/P-LAN/eligibility?year=2021&award=CSTDCS", token)["verdict"] == "eligible"


def test_unit_eligibility_reads_its_members(call, db, org, token):
    people = [make_person(org.dt_b, f"B{i}", since=date(2015, 1, 1)) for i in range(3)]
    for person in people[:2]:
        hold(db, person, "LDTT", 2021)
    body = ok(call, f"{API}/units/DT-B/eligibility?year=2021&award=TTLDTT", token)
    share = next(c for c in body["clauses"] if c["code"] == "TTLDTT.ldtt_share")
    assert (body["subject_type"], share["outcome"]) == ("unit", "met")   # 2 of 3 > 50 %
    assert body["verdict"] == "needs_information"                         # no unit rating on file


def test_suggestions_leave_out_what_is_held_and_what_is_ineligible(call, db, lan, org, token):
    hold(db, org.dt_a, "TTLDTT", 2021)
    body = ok(call, f"{API}/units/DT/suggestions?year=2021", token)
    pairs = {(s["subject_code"], s["award"]) for s in body}
    assert ("P-LAN", "LDTT") not in pairs            # held
    assert ("P-LAN", "CSTDCS") not in pairs          # ineligible in 2021 (no initiative)
    assert ("DT-A", "TTLDTT") not in pairs           # held
    assert ("DT-B", "TTLDTT") in pairs and ("P-LAN", "GK") in pairs
    assert {s["verdict"] for s in body} <= {"eligible", "needs_information"}
    assert next(s for s in body if s["subject_code"] == "P-LAN")["subject_name"] == "Nguyễn Thị Lan"
    assert ("P-LAN", "CSTDCS") in {(s["subject_code"], s["award"])
                                   for s in ok(call, f"{API}/units/DT/suggestions?year=2024", token)}


def test_quotas(call, db, org, token):
    for i in range(20):
        hold(db, make_person(org.dt_a, f"Q{i}"), "LDTT", 2021)
    assert ok(call, f"{API}/units/DT/quotas?year=2021", token) == [{
        "award": "CSTDCS", "limit": 3, "used": 0, "base_award": "LDTT", "base_count": 20,
        "basis": "15% số cá nhân đạt Lao động tiên tiến (20) theo Điều 14 khoản 1, 91/2017/NĐ-CP"}]
    (later,) = ok(call, f"{API}/units/DT/quotas?year=2024", token)
    assert later["limit"] is None


# --- scope and arguments ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "people/P-T/eligibility?year=2021&award=LDTT", "units/TH-A/eligibility?year=2021&award=TTLDTT",
    "units/TH/suggestions?year=2021", "units/TH/quotas?year=2021",
    "people/NOPE/eligibility?year=2021&award=LDTT", "units/NOPE/quotas?year=2021",
])
def test_outside_the_scope_or_unknown_is_404(call, org, path):
    make_person(org.th_a, "P-T")
    response = call(f"{API}/{path}", token=token_for(org.hr))     # HR of Đồng Tháp
    assert response.status_code == 404
    assert response.get_json() == NOT_FOUND_BODY


def test_inside_the_scope_is_answered(call, org):
    make_person(org.dt_a, "P-IN")
    assert call(f"{API}/people/P-IN/eligibility?year=2021&award=LDTT", token=token_for(org.proposer)).status_code \
        == 200
    assert call(f"{API}/units/DT-A/quotas?year=2021", token=token_for(org.proposer)).status_code == 200
    assert call(f"{API}/units/DT/quotas?year=2021", token=token_for(org.proposer)).status_code == 404


def test_anonymous_is_401(call, org):
    assert call(f"{API}/units/DT/suggestions?year=2021").status_code == 401


@pytest.mark.parametrize("path, field", [
    ("people/P-IN/eligibility?year=2021&award=NOPE", "award"),        # unknown code
    ("people/P-IN/eligibility?year=2021&award=TTLDTT", "award"),      # a collective's award
    ("units/DT-A/eligibility?year=2021&award=CSTDCS", "award"),       # a person's award
    ("people/P-IN/eligibility?year=2021", "award"),
    ("people/P-IN/eligibility?award=LDTT", "year"),
    ("units/DT-A/suggestions?year=x", "year"),
    ("units/DT-A/quotas?year=0", "year"),
])
def test_bad_arguments_are_422_with_the_field(call, org, token, path, field):
    make_person(org.dt_a, "P-IN")
    response = call(f"{API}/{path}", token=token)
    assert response.status_code == 422
    body = response.get_json()
    assert (body["code"], list(body["errors"]["query"])) == ("validation_error", [field])


def test_an_award_not_for_the_subject_is_explained_in_vietnamese(call, org, token):
    make_person(org.dt_a, "P-IN")
    body = call(f"{API}/people/P-IN/eligibility?year=2021&award=TTLDTT", token=token).get_json()
    assert body["message"] == "TTLDTT không xét cho cá nhân."


def test_suggestions_statements_do_not_grow_with_the_staff(call, db, org, token):
    def statements(n: int) -> int:
        for _ in range(n):
            person = make_person(org.dt_a)
            ops.set_rating(2021, RatingLevel.HTTNV, person=person)
            hold(db, person, "LDTT", 2020)
        db.session.expire_all()
        with count_statements(db) as seen:
            ok(call, f"{API}/units/DT/suggestions?year=2021", token)
        return len(seen)

    assert statements(2) == statements(20)
