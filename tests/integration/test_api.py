"""The JSON API v1: bearer tokens and sessions, scope (404 outside it), pagination, errors, the OpenAPI document.

Every response these tests receive is validated against the OpenAPI document the app serves (``call``), so
the document and the answers cannot drift apart.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask_login import current_user
from openapi_spec_validator import validate as validate_spec

from awards import create_app
from awards.api import register_api_blueprint
from awards.api.auth import ApiBlueprint, authenticate
from awards.extensions import db as _db
from awards.org.models import ApiToken, Gender, RatingLevel
from awards.org.operations import issue_api_token
from awards.org.operations import assign, rename_unit, set_rating
from tests.conftest import SuiteConfig
from tests.api_checks import NOT_FOUND_BODY, assert_matches_spec, count_statements, deref, token_for
from tests.factories import PASSWORD, make_person, make_unit

API = "/api/v1"
FOUR_PATHS = {f"{API}/units", f"{API}/units/{{code}}", f"{API}/people", f"{API}/people/{{code}}"}


@pytest.fixture()
def staff(org):
    """People in three branches: five in DT-A, two in DT-B, one in TH-A."""
    a = [make_person(org.dt_a, f"A{i}", full_name=f"Nguyễn Văn {name}", gender=Gender.MALE)
         for i, name in enumerate(["Bình", "An", "Cường", "Dũng", "Em"], start=1)]
    b = [make_person(org.dt_b, f"B{i}", full_name=f"Trần Thị B{i}") for i in (1, 2)]
    t = [make_person(org.th_a, "T1", full_name="Lê Văn T1")]
    return {"a": a, "b": b, "t": t}


def codes(items) -> list[str]:
    return [item["code"] for item in items]





# --- the OpenAPI document ---------------------------------------------------------------------------------

def test_openapi_document_is_public_valid_and_describes_every_endpoint(spec):
    validate_spec(spec)  # raises on anything that is not valid OpenAPI 3
    assert spec["openapi"].startswith("3.")
    assert FOUR_PATHS <= set(spec["paths"])
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert {"bearerAuth": []} in spec["security"]
    error = spec["components"]["schemas"]["ApiError"]
    assert error["properties"]["code"]["type"] == "string" and error["properties"]["status"]["type"] == "integer"
    assert "Error" not in spec["components"]["schemas"]  # flask-smorest's own, which is not our shape
    for path in FOUR_PATHS:
        responses = spec["paths"][path]["get"]["responses"]
        assert {"200", "401", "default"} <= set(responses), path
        assert "schema" in responses["200"]["content"]["application/json"]
        for status in ("401", "default"):
            schema = deref(spec, responses[status])["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ApiError"}, (path, status)
    people = spec["paths"][f"{API}/people"]["get"]
    assert {p["name"] for p in people["parameters"]} == {"unit", "page", "per_page"}
    assert "422" in people["responses"]


# --- authentication ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [f"{API}/units", f"{API}/units/DT-A", f"{API}/people", f"{API}/people/A1"])
def test_anonymous_requests_get_401_json(call, staff, path):
    response = call(path)
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_authenticates_and_records_its_use(call, db, org):
    token = issue_api_token(org.proposer)
    assert db.session.scalar(ApiToken.lookup(token)).last_used_at is None
    response = call(f"{API}/units", token=token)
    assert response.status_code == 200
    assert codes(response.get_json()) == ["DT-A"]
    api_token = db.session.scalar(ApiToken.lookup(token))
    assert api_token.last_used_at is not None


def test_last_use_is_recorded_to_the_minute_not_on_every_call(call, db, org):
    from datetime import timedelta

    from awards.core.models import utcnow

    token = token_for(org.proposer)
    api_token = db.session.scalar(ApiToken.lookup(token))
    recent = utcnow() - timedelta(seconds=20)
    api_token.last_used_at = recent
    db.session.commit()
    assert call(f"{API}/units", token=token).status_code == 200
    db.session.refresh(api_token)
    assert abs(_aware(api_token.last_used_at) - recent) < timedelta(seconds=1)  # not written again
    api_token.last_used_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert call(f"{API}/units", token=token).status_code == 200
    db.session.refresh(api_token)
    assert utcnow() - _aware(api_token.last_used_at) < timedelta(minutes=1)


def _aware(moment):
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def test_a_token_does_not_sign_in_the_next_request(call, org):
    assert call(f"{API}/units", token=token_for(org.proposer)).status_code == 200
    assert call(f"{API}/units").status_code == 401


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer ", "Basic dXNlcjpwdw==", "Bearer"])
def test_a_bad_authorization_header_gets_401(call, org, header):
    response = call(f"{API}/units", headers={"Authorization": header})
    assert response.status_code == 401 and response.get_json()["code"] == "unauthorized"


def test_a_revoked_token_gets_401(call, db, org):
    token = token_for(org.proposer)
    db.session.scalar(ApiToken.lookup(token)).revoked = True
    db.session.flush()
    assert call(f"{API}/units", token=token).status_code == 401


def test_the_token_of_an_inactive_user_gets_401(call, db, org):
    token = token_for(org.proposer)
    org.proposer.active = False
    db.session.flush()
    assert call(f"{API}/units", token=token).status_code == 401


def test_a_browser_session_may_read(call, login, org):
    login(org.proposer)
    response = call(f"{API}/units")
    assert response.status_code == 200 and codes(response.get_json()) == ["DT-A"]


def test_a_bad_token_is_not_rescued_by_a_session(call, login, org):
    login(org.proposer)
    assert call(f"{API}/units", token="forged").status_code == 401


def test_a_session_with_the_token_of_another_user_gets_401(call, login, org):
    login(org.proposer)
    assert call(f"{API}/units", token=token_for(org.admin)).status_code == 401


def test_options_needs_no_credentials_and_shows_no_record(client, staff):
    # A CORS preflight carries no credentials; the answer is the same for a code that exists or not.
    for code in ("B1", "NO-SUCH-CODE"):
        response = client.options(f"{API}/people/{code}")
        assert response.status_code == 200 and response.get_data() == b""
        assert "GET" in response.headers["Allow"]


def test_a_write_to_a_read_only_endpoint_is_405_json(call, login, org):
    with_token = call(f"{API}/units", method="POST", json={}, token=token_for(org.proposer))
    assert with_token.status_code == 405 and with_token.get_json()["code"] == "method_not_allowed"


def test_every_api_route_authenticates(app):
    """Endpoints added later inherit the rules: every /api/ route but the document runs ``authenticate``."""
    guarded = {name for name, funcs in app.before_request_funcs.items() if authenticate in funcs}
    api_rules = [r for r in app.url_map.iter_rules()
                 if r.rule.startswith(f"{API}/") and r.rule != f"{API}/openapi.json"]
    assert len(api_rules) >= 4
    for rule in api_rules:
        assert rule.endpoint.rpartition(".")[0] in guarded, rule.rule


def test_a_blueprint_that_does_not_authenticate_is_refused():
    from flask_smorest import Blueprint

    with pytest.raises(TypeError):
        register_api_blueprint(Blueprint("naked", __name__))


class ProbeConfig(SuiteConfig):
    WTF_CSRF_ENABLED = True  # the API must not need a CSRF token: the bearer header replaces it


@contextmanager
def probe_app(db):
    """An app with a POST endpoint on an ``ApiBlueprint`` (none exists yet), sharing the test's connection."""
    connection = db.engines[None]  # the db fixture's connection: the probe sees this test's rows
    probe = create_app(ProbeConfig)
    blp = ApiBlueprint("api_probe", __name__)

    @blp.route("/probe", methods=["GET", "POST"])
    def probe_view():
        return {"user": current_user.username}

    register_api_blueprint(probe.extensions["awards_api"], blp)
    with probe.app_context():
        engines = _db.engines
        own_engine, engines[None] = engines[None], connection
    try:
        yield probe
    finally:
        with probe.app_context():
            engines[None] = own_engine
        own_engine.dispose()


def _login_with_csrf(client, user) -> None:
    page = client.get("/login").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "csrf_token": csrf_token})
    assert response.status_code == 302


def test_writes_need_a_bearer_token_even_with_a_signed_in_session(db, org, spec):
    with probe_app(db) as probe:
        browser = probe.test_client()
        assert browser.post(f"{API}/probe").status_code == 401
        _login_with_csrf(browser, org.proposer)
        assert browser.get(f"{API}/probe").get_json() == {"user": "t_proposer"}
        refused = browser.post(f"{API}/probe")
        assert refused.status_code == 401 and refused.get_json()["code"] == "unauthorized"
        assert_matches_spec(spec, "POST", f"{API}/probe", refused)  # the documented error body
        token = token_for(org.proposer)
        both = browser.post(f"{API}/probe", headers={"Authorization": f"Bearer {token}"})
        assert both.status_code == 200 and both.get_json() == {"user": "t_proposer"}
        script = probe.test_client()  # no cookie, no CSRF token: the bearer header is enough
        ok = script.post(f"{API}/probe", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.get_json() == {"user": "t_proposer"}
        other = browser.post(f"{API}/probe", headers={"Authorization": f"Bearer {token_for(org.admin)}"})
        assert other.status_code == 401


# --- units ------------------------------------------------------------------------------------------------

def test_units_list_what_the_caller_may_see_with_todays_names(call, org):
    rename_unit(org.dt, "Thi hành án dân sự tỉnh Đồng Tháp", date.today() - timedelta(days=3))
    units = call(f"{API}/units", token=token_for(org.hr)).get_json()
    assert codes(units) == ["DT", "DT-A", "DT-B"]
    by_code = {u["code"]: u for u in units}
    assert by_code["DT"] == {
        "code": "DT", "name": "Thi hành án dân sự tỉnh Đồng Tháp", "kind": "provincial_department",
        "parent_code": None,  # TC lies outside the HR officer's scope: not even its code is shown
        "legal_personality": True, "document_code": "CTHADS", "place": "Đồng Tháp"}
    assert by_code["DT-A"]["parent_code"] == "DT" and by_code["DT-A"]["kind"] == "district_branch"
    everything = call(f"{API}/units", token=token_for(org.admin)).get_json()
    assert codes(everything) == ["DT", "DT-A", "DT-B", "TC", "TH", "TH-A"]
    assert {u["code"]: u["parent_code"] for u in everything}["DT"] == "TC"


def test_unit_detail_has_its_names_history(call, org):
    rename_unit(org.dt, "Thi hành án dân sự tỉnh Đồng Tháp", date(2025, 7, 1))
    unit = call(f"{API}/units/DT", token=token_for(org.admin)).get_json()
    assert unit["code"] == "DT" and unit["parent_code"] == "TC"
    assert unit["names"] == [
        {"name": "Cục Thi hành án dân sự tỉnh Đồng Tháp", "valid_from": "2000-01-01", "valid_to": "2025-06-30"},
        {"name": "Thi hành án dân sự tỉnh Đồng Tháp", "valid_from": "2025-07-01", "valid_to": None},
    ]


# --- people -----------------------------------------------------------------------------------------------

def test_people_list_content_and_envelope(call, org, staff):
    body = call(f"{API}/people?unit=DT-B", token=token_for(org.hr)).get_json()
    assert body == {"page": 1, "per_page": 25, "total": 2, "pages": 1, "items": [
        {"code": "B1", "full_name": "Trần Thị B1", "gender": "female", "birth_date": None,
         "hire_date": "2015-01-01", "position": "Chấp hành viên", "grade": None, "unit_code": "DT-B",
         "unit_name": "Chi cục THADS huyện Lai Vung"},
        {"code": "B2", "full_name": "Trần Thị B2", "gender": "female", "birth_date": None,
         "hire_date": "2015-01-01", "position": "Chấp hành viên", "grade": None, "unit_code": "DT-B",
         "unit_name": "Chi cục THADS huyện Lai Vung"},
    ]}


def test_unit_filter_covers_the_units_below(call, org, staff):
    token = token_for(org.hr)
    assert call(f"{API}/people?unit=DT", token=token).get_json()["total"] == 7
    everyone = call(f"{API}/people", token=token_for(org.admin)).get_json()
    assert everyone["total"] == 8 and "T1" in codes(everyone["items"])


def test_person_detail_with_assignments_and_ratings(call, db, org, staff):
    person = staff["a"][0]
    person.birth_date, person.grade = date(1985, 3, 9), "Chấp hành viên trung cấp"
    assign(person, org.dt_b, date(2020, 1, 1))
    assign(person, org.dt_a, date(2023, 1, 1))
    set_rating(2021, RatingLevel.HTXSNV, person=person)
    set_rating(2020, RatingLevel.HTTNV, person=person)
    db.session.flush()
    body = call(f"{API}/people/A1", token=token_for(org.hr)).get_json()
    assert body == {
        "code": "A1", "full_name": "Nguyễn Văn Bình", "gender": "male", "birth_date": "1985-03-09",
        "hire_date": "2015-01-01", "position": "Chấp hành viên", "grade": "Chấp hành viên trung cấp",
        "unit_code": "DT-A", "unit_name": "Chi cục THADS huyện Lấp Vò",
        "assignments": [
            {"unit_code": "DT-A", "unit_name": "Chi cục THADS huyện Lấp Vò", "valid_from": "2015-01-01",
             "valid_to": "2019-12-31"},
            {"unit_code": "DT-B", "unit_name": "Chi cục THADS huyện Lai Vung", "valid_from": "2020-01-01",
             "valid_to": "2022-12-31"},
            {"unit_code": "DT-A", "unit_name": "Chi cục THADS huyện Lấp Vò", "valid_from": "2023-01-01",
             "valid_to": None},
        ],
        "ratings": [{"year": 2020, "rating": "HTTNV"}, {"year": 2021, "rating": "HTXSNV"}],
    }


def test_a_past_unit_outside_the_scope_is_not_named(call, db, org, staff):
    mover = staff["t"][0]  # from Thanh Hóa to Lấp Vò
    assign(mover, org.dt_a, date(2024, 1, 1))
    db.session.flush()
    history = call(f"{API}/people/T1", token=token_for(org.proposer)).get_json()["assignments"]
    assert history[0] == {"unit_code": None, "unit_name": None, "valid_from": "2015-01-01",
                          "valid_to": "2023-12-31"}
    assert history[1]["unit_code"] == "DT-A"


# --- scope: a proposer of one branch never reads another branch -------------------------------------------

def test_proposer_lists_only_their_branch(call, org, staff):
    token = token_for(org.proposer)
    listed = call(f"{API}/people?per_page=100", token=token).get_json()
    assert sorted(codes(listed["items"])) == ["A1", "A2", "A3", "A4", "A5"] and listed["total"] == 5
    filtered = call(f"{API}/people?unit=DT-A", token=token).get_json()
    assert sorted(codes(filtered["items"])) == ["A1", "A2", "A3", "A4", "A5"]


@pytest.mark.parametrize("template, code", [
    ("/units/{}", "DT-B"), ("/units/{}", "DT"), ("/units/{}", "TH-A"),
    ("/people/{}", "B1"), ("/people/{}", "T1"),
    ("/people?unit={}", "DT-B"), ("/people?unit={}", "DT"), ("/people?unit={}", "TH"),
])
def test_proposer_gets_the_same_404_outside_their_branch_as_for_nothing(call, org, staff, template, code):
    token = token_for(org.proposer)
    outside = call(API + template.format(code), token=token)
    unknown = call(API + template.format("NO-SUCH-CODE"), token=token)
    assert outside.status_code == unknown.status_code == 404
    assert outside.get_json() == unknown.get_json() == NOT_FOUND_BODY


def test_a_session_is_scoped_like_a_token(call, login, org, staff):
    login(org.proposer)
    assert call(f"{API}/people/B1").status_code == 404
    assert sorted(codes(call(f"{API}/people").get_json()["items"])) == ["A1", "A2", "A3", "A4", "A5"]


# --- pagination and argument errors -----------------------------------------------------------------------

def test_pagination(call, org, staff):
    token = token_for(org.proposer)  # five people: An, Bình, Cường, Dũng, Em (ordered by full name)
    first = call(f"{API}/people?per_page=2", token=token).get_json()
    assert (first["total"], first["pages"], first["page"], first["per_page"]) == (5, 3, 1, 2)
    assert codes(first["items"]) == ["A2", "A1"]
    second = call(f"{API}/people?per_page=2&page=2", token=token).get_json()
    assert second["page"] == 2 and codes(second["items"]) == ["A3", "A4"]
    last = call(f"{API}/people?per_page=2&page=3", token=token).get_json()
    assert codes(last["items"]) == ["A5"]
    beyond = call(f"{API}/people?per_page=2&page=9", token=token).get_json()
    assert beyond["items"] == [] and beyond["total"] == 5


def test_no_people_means_zero_pages(call, org):
    body = call(f"{API}/people", token=token_for(org.proposer)).get_json()
    assert body == {"items": [], "page": 1, "per_page": 25, "total": 0, "pages": 0}


@pytest.mark.parametrize("query, field", [
    ("page=abc", "page"), ("page=0", "page"), ("per_page=1000", "per_page"), ("per_page=0", "per_page"),
    ("per_page=x", "per_page"),
])
def test_bad_arguments_get_422_with_field_messages(call, org, query, field):
    response = call(f"{API}/people?{query}", token=token_for(org.proposer))
    assert response.status_code == 422
    body = response.get_json()
    assert (body["code"], body["status"], body["message"]) == ("validation_error", 422, "Dữ liệu không hợp lệ")
    messages = body["errors"]["query"][field]
    assert isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages)


def test_unknown_api_path_is_404_json(call, org):
    token = token_for(org.proposer)
    for path in (f"{API}/nothing-here", "/api/v2/units", f"{API}/units/DT-A/extra"):
        response = call(path, token=token)
        assert response.status_code == 404 and response.get_json()["code"] == "not_found", path


# --- statement counts: no N+1 -----------------------------------------------------------------------------

def _statements(call, db, path, token) -> int:
    db.session.expire_all()  # nothing pre-loaded by the test's own session
    with count_statements(db) as seen:
        assert call(path, token=token).status_code == 200
    return len(seen)


def test_lists_take_a_fixed_number_of_statements(call, db, org, staff):
    token = token_for(org.admin)
    people_before = _statements(call, db, f"{API}/people?per_page=100", token)
    units_before = _statements(call, db, f"{API}/units", token)
    for i in range(12):
        make_person(org.th_a if i % 2 else org.dt_b, f"X{i:02d}")
    for i in range(5):
        make_person(make_unit(f"TH-{i}", parent=org.th), f"Y{i}")
    assert _statements(call, db, f"{API}/people?per_page=100", token) == people_before
    assert _statements(call, db, f"{API}/units", token) == units_before


def test_person_detail_takes_a_fixed_number_of_statements(call, db, org, staff):
    token = token_for(org.admin)
    before = _statements(call, db, f"{API}/people/A2", token)
    person = staff["a"][1]
    for year, unit in ((2017, org.dt_b), (2019, org.th_a), (2021, org.dt_a)):
        assign(person, unit, date(year, 1, 1))
        set_rating(year, RatingLevel.HTTNV, person=person)
    db.session.flush()
    assert _statements(call, db, f"{API}/people/A2", token) == before
