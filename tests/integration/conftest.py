"""Fixtures of the API tests: the served OpenAPI document and a caller that checks every response against it."""
from __future__ import annotations

import pytest

from tests.api_checks import assert_matches_spec

API = "/api/v1"


@pytest.fixture()
def spec(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture()
def call(client, spec):
    """``call(path, token=…, method=…)``: the response, after checking its body against the document."""

    def _call(path: str, *, token: str | None = None, method: str = "GET", **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = client.open(path, method=method, headers=headers, **kwargs)
        assert_matches_spec(spec, method, path, response)
        return response

    return _call
