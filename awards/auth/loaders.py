"""How a request becomes a user: the session cookie, or ``Authorization: Bearer <token>`` for the API."""
from __future__ import annotations

import functools
from datetime import UTC, timedelta

from flask import g, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, lazyload

from awards.core.models import utcnow
from awards.extensions import db
from awards.org.models import ApiToken, User

LAST_USED_PRECISION = timedelta(minutes=1)


def user_from_bearer() -> User | None:
    # Flask-Login's request loader and the API's authenticate both ask: look the token up once per request.
    if "_bearer_user" not in g:
        g._bearer_user = _user_from_bearer()
    return g._bearer_user


@functools.cache
def _token_with_user():
    """``ApiToken.lookup`` with its user (one query, not two), built once: every API call runs it, and building
    the statement cost as much as running it. The user's roles load when first read, not with it: a member's ballot
    never reads them (the seat on the council is what counts), and they cost a query per request."""
    return (select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked.is_(False))
            .options(joinedload(ApiToken.user).options(lazyload(User.roles))))


def _user_from_bearer() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    api_token = db.session.scalar(_token_with_user(), {"token_hash": ApiToken.digest(token.strip())})
    if api_token is None or not api_token.user.active:
        return None
    now = utcnow()
    last = api_token.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite hands it back without its zone (stored in UTC)
        last = last.replace(tzinfo=UTC)
    # "Last used" to the minute: a client calling many times a minute (members voting at once) would otherwise
    # write the token row on every call, contending for it and costing a write per read.
    if last is None or now - last >= LAST_USED_PRECISION:
        api_token.last_used_at = now
    return api_token.user


def register_loaders(login_manager: LoginManager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.localize_callback = str  # evaluate the lazy message in the request's locale before flashing
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return db.session.scalar(select(User).where(User.id == int(user_id), User.active.is_(True)))

    @login_manager.request_loader
    def load_from_token(_request) -> User | None:
        # Tokens are for the API only; pages use the session and its CSRF-protected forms.
        if not request.path.startswith("/api/"):
            return None
        return user_from_bearer()
