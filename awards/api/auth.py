"""Who may call the API: a bearer token, or the browser session for reading.

Every API blueprint is an ``ApiBlueprint``, whose ``before_request`` is ``authenticate``: endpoints added
later inherit the rules without doing anything.
"""
from __future__ import annotations

from flask import current_app, make_response, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from awards.auth.loaders import user_from_bearer
from awards.core.errors import error_response

API_PREFIX = "/api/v1"
READ_METHODS = frozenset({"GET", "HEAD"})

BEARER_SCHEME = "bearerAuth"
SESSION_SCHEME = "sessionCookie"


def unauthorized(message: str):
    response = make_response(error_response(401, message, "unauthorized"))
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def authenticate():
    """Refuse the request (401) unless it is authenticated the way its method requires.

    - With an ``Authorization`` header, the token must be valid (not revoked, active user) and be the
      user the request runs as; a bad token is never rescued by a session cookie.
    - Without one, only reading may use the session: a browser sends its cookie to any site's form, so a
      write authenticated by the cookie alone would be open to cross-site request forgery (the API is
      exempt from the CSRF token check, the bearer header replaces it).
    """
    if request.method == "OPTIONS":
        return None  # CORS preflights never carry credentials; the answer lists methods, not records
    if getattr(current_app.view_functions.get(request.endpoint), "api_public", False):
        return None  # marked with ``public``: answers everyone alike, whatever credentials come with it
    if "Authorization" in request.headers:
        token_user = user_from_bearer()
        # Flask-Login prefers the session user to the token's; both must then be the same account.
        if token_user is None or not current_user.is_authenticated or current_user.id != token_user.id:
            return unauthorized(_("Mã API không hợp lệ, đã bị thu hồi hoặc thuộc tài khoản bị khóa."))
        return None
    if request.method not in READ_METHODS:
        return unauthorized(_("Thao tác ghi qua API cần mã API (Authorization: Bearer …)."))
    if not current_user.is_authenticated:
        return unauthorized(_("Cần đăng nhập hoặc gửi mã API (Authorization: Bearer …)."))
    return None


def public(view):
    """Mark one API route as open to anyone (the certificate verification a QR code leads to): ``authenticate``
    lets it through. Put it right under ``@blp.route`` and document it with ``@blp.doc(security=[])``."""
    view.api_public = True
    return view


ERROR_STATUSES = {"forbidden": 403, "not_found": 404, "conflict": 409, "invalid": 422}


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint under /api/v1 whose every request goes through ``authenticate``."""

    def __init__(self, name: str, import_name: str, **kwargs) -> None:
        kwargs.setdefault("url_prefix", API_PREFIX)
        super().__init__(name, import_name, **kwargs)
        self.before_request(authenticate)

    def errors(self, **descriptions: str):
        """Document a route's error answers in one decorator: 401 always (``authenticate``), and each of
        ``forbidden`` (403), ``not_found`` (404), ``conflict`` (409), ``invalid`` (422) given, with its description,
        as the JSON error body."""
        from awards.api.schemas import ApiErrorSchema

        def document(func):
            for name, description in descriptions.items():
                func = self.alt_response(ERROR_STATUSES[name], schema=ApiErrorSchema, description=description)(func)
            return self.alt_response(401, response="UNAUTHORIZED")(func)

        return document
