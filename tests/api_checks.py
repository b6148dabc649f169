"""Checks shared by the API tests: a response against the served OpenAPI document, tokens, SQL counting.

The ``spec`` and ``call`` fixtures built on them are in tests/integration/conftest.py.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_schema_validator import validate as validate_schema
from sqlalchemy import event

from awards.core.models import utcnow
from awards.extensions import db
from awards.org.models import ApiToken
from awards.org.operations import issue_api_token

NOT_FOUND_BODY = {"code": "not_found", "message": "Không tìm thấy.", "status": 404}


def token_for(user) -> str:
    """A token as a client holds it after its first call: its last use just recorded, so the next calls within
    the minute write nothing (statement counts measure the endpoint, not the token's bookkeeping)."""
    token = issue_api_token(user)
    db.session.scalar(ApiToken.lookup(token)).last_used_at = utcnow()
    db.session.flush()
    return token


def _operation_path(spec: dict, path: str) -> str | None:
    for template in spec["paths"]:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def deref(spec: dict, obj: dict) -> dict:
    while "$ref" in obj:
        node = spec
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def assert_matches_spec(spec: dict, method: str, path: str, response) -> None:
    """The JSON body matches the schema the document gives for this operation and status."""
    assert response.is_json, (response.status_code, response.get_data(as_text=True)[:300])
    template = _operation_path(spec, path.split("?")[0])
    operation = spec["paths"].get(template, {}).get(method.lower()) if template else None
    if operation is None:
        # Unknown path or method: the document's default error response applies.
        described = deref(spec, {"$ref": "#/components/responses/DEFAULT_ERROR"})
    else:
        responses = operation["responses"]
        described = deref(spec, responses.get(str(response.status_code)) or responses["default"])
    schema = described["content"]["application/json"]["schema"]
    # "#/components/…" references resolve inside the mapping validated against.
    validate_schema(response.get_json(), {**schema, "components": spec["components"]}, cls=OAS30Validator,
                    format_checker=oas30_format_checker)


@contextmanager
def count_statements(db):
    connection = db.engines[None]
    seen: list[str] = []

    def _count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", _count)
