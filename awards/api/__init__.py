"""The JSON API, version 1, documented at /api/v1/openapi.json.

One module per domain (``org``; later ``metrics``, ``nominations`` …), each with one ``ApiBlueprint``
listed in ``_blueprints``; schemas live in ``schemas``, authentication in ``auth``.
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from awards.api.auth import BEARER_SCHEME, SESSION_SCHEME, ApiBlueprint
from awards.api.schemas import ApiErrorSchema
from awards.extensions import csrf


class AwardsApi(Api):
    """flask-smorest's Api, documenting errors with the body awards.core.errors produces.

    One instance per application (made in ``register_api``): an Api keeps one app and one spec, so a
    module-level instance would be rebound by every ``create_app`` (tests build several apps).
    """

    ERROR_SCHEMA = ApiErrorSchema


def _blueprints() -> list[ApiBlueprint]:
    from awards.api.councils import blp as councils_blp
    from awards.api.decisions import blp as decisions_blp
    from awards.api.eligibility import blp as eligibility_blp
    from awards.api.metrics import blp as metrics_blp
    from awards.api.nominations import blp as nominations_blp
    from awards.api.org import blp as org_blp
    from awards.api.reports import blp as reports_blp

    return [org_blp, metrics_blp, eligibility_blp, nominations_blp, councils_blp, decisions_blp, reports_blp]


def register_api_blueprint(api: Api, blp: ApiBlueprint) -> None:
    """Register one API blueprint, documented and exempt from the CSRF token check.

    ``auth.authenticate`` requires a bearer token for writes instead, which a cross-site form cannot send.
    """
    if not isinstance(blp, ApiBlueprint):
        raise TypeError(f"{blp.name}: API blueprints must be ApiBlueprint, which authenticates every request")
    csrf.exempt(blp)
    api.register_blueprint(blp)


def _document_security(app: Flask, api: Api) -> None:
    spec = api.spec
    spec.components.security_scheme(BEARER_SCHEME, {
        "type": "http", "scheme": "bearer",
        "description": "An API token: `flask --app wsgi users token NAME` prints one."})
    spec.components.security_scheme(SESSION_SCHEME, {
        "type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session"),
        "description": "The browser session of a signed-in user; GET and HEAD only."})
    spec.options["security"] = [{BEARER_SCHEME: []}, {SESSION_SCHEME: []}]


def register_api(app: Flask) -> Api:
    """Called by ``create_app`` after the page blueprints and before the error handlers (which replace
    flask-smorest's own HTTPException handler)."""
    api = AwardsApi(app)
    app.extensions["awards_api"] = api
    _document_security(app, api)
    for blp in _blueprints():
        register_api_blueprint(api, blp)
    return api
