"""The JSON API, version 1, documented at /api/v1/openapi.json.

One module per domain (``org``; later ``metrics``, ``nominations`` …), each with one ``ApiBlueprint``
listed in ``_blueprints``; schemas live in ``schemas``, authentication in ``auth``.
"""
from __future__ import annotations

from flask import Flask

from awards.api.auth import BEARER_SCHEME, SESSION_SCHEME, ApiBlueprint
from awards.api.schemas import ApiErrorSchema
from awards.extensions import api, csrf


def _blueprints() -> list[ApiBlueprint]:
    from awards.api.org import blp as org_blp

    return [org_blp]


def register_api_blueprint(blp: ApiBlueprint) -> None:
    """Register one API blueprint, documented and exempt from the CSRF token check.

    ``auth.authenticate`` requires a bearer token for writes instead, which a cross-site form cannot send.
    """
    if not isinstance(blp, ApiBlueprint):
        raise TypeError(f"{blp.name}: API blueprints must be ApiBlueprint, which authenticates every request")
    csrf.exempt(blp)
    api.register_blueprint(blp)


def _document_errors_and_security(app: Flask) -> None:
    # flask-smorest documents errors with its own schema (code: integer, status: string); ours is the body
    # awards.core.errors produces. Its error responses are registered lazily at init_app, so registering
    # them again now, before any blueprint refers to them, replaces the schema everywhere.
    spec = api.spec
    api.ERROR_SCHEMA = ApiErrorSchema
    api._register_responses()
    # Its own error schema was registered by then too; drop it, nothing refers to it any more.
    spec.components.schemas.pop("Error", None)
    spec.components.security_scheme(BEARER_SCHEME, {
        "type": "http", "scheme": "bearer",
        "description": "An API token: `flask --app wsgi users token NAME` prints one."})
    spec.components.security_scheme(SESSION_SCHEME, {
        "type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session"),
        "description": "The browser session of a signed-in user; GET and HEAD only."})
    spec.options["security"] = [{BEARER_SCHEME: []}, {SESSION_SCHEME: []}]


def register_api(app: Flask) -> None:
    """Called by ``create_app`` after ``api.init_app(app)`` and the page blueprints."""
    _document_errors_and_security(app)
    for blp in _blueprints():
        register_api_blueprint(blp)
