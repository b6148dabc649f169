"""GET /api/v1/reports/year-end: the documented shape, the counts of the dossiers, scope and argument errors.

Every response is checked against the served OpenAPI document (``call``)."""
from __future__ import annotations

from tests.api_checks import NOT_FOUND_BODY, token_for
from tests.integration.test_reports import dossiers  # noqa: F401 (the dossiers behind the counts)

URL = "/api/v1/reports/year-end"


def test_the_year_end_report_of_a_province(call, org, dossiers):  # noqa: F811
    response = call(f"{URL}?unit=DT&year=2021", token=token_for(org.hr))
    assert response.status_code == 200
    assert response.get_json() == {
        "unit": "DT", "year": 2021,
        "collective": {"decided": {"TTLDTT": 2}, "proposed": {"TTLDXS": 1}},
        "individual": {"decided": {"CSTDCS": 1, "LDTT": 2}, "proposed": {"BK_BO": 2}},
        "initiatives_recognised": 2, "money_total": sum(dossiers.dt_money.values())}


def test_a_unit_out_of_scope_answers_like_an_unknown_one(call, org, dossiers):  # noqa: F811
    outside = call(f"{URL}?unit=DT&year=2021", token=token_for(org.viewer))  # Thanh Hóa only
    unknown = call(f"{URL}?unit=NOPE&year=2021", token=token_for(org.viewer))
    assert outside.status_code == unknown.status_code == 404
    assert outside.get_json() == unknown.get_json()
    assert {k: outside.get_json()[k] for k in NOT_FOUND_BODY} == NOT_FOUND_BODY
    assert call(f"{URL}?unit=TH&year=2021", token=token_for(org.viewer)).get_json()["individual"] == {
        "decided": {"LDTT": 2}, "proposed": {}}


def test_arguments_are_required_and_checked(call, org):
    token = token_for(org.hr)
    missing = call(f"{URL}?unit=DT", token=token)
    assert missing.status_code == 422 and "year" in missing.get_json()["errors"]["query"]
    assert call(f"{URL}?unit=DT&year=abc", token=token).status_code == 422
    assert call(f"{URL}?year=2021", token=token).status_code == 422


def test_anonymous_callers_are_refused(call):
    assert call(f"{URL}?unit=DT&year=2021").status_code == 401


def test_the_operation_is_documented(spec):
    operation = spec["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"unit", "year"}
    assert "404" in operation["responses"] and "422" in operation["responses"]
