"""Sign in and out, and the language switch."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from awards.auth.forms import LoginForm
from awards.extensions import db, limiter
from awards.org.models import User

bp = Blueprint("auth", __name__)


def _login_key() -> str:
    # Failures count per account and per address together (5 a minute), so one attacker cannot lock
    # everybody out and one account cannot be guessed from many tries at one address.
    return f"login:{(request.form.get('username') or '').strip().lower()}:{get_remote_address()}"


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("org.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: f"{_login_limit()} per minute", key_func=_login_key, methods=["POST"],
               deduct_when=lambda response: response.status_code == 401)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("org.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user is not None and user.active and user.check_password(form.password.data):
            locale = session.get("locale")
            session.clear()  # a fresh session on sign-in (no fixation), keeping the language chosen
            session.permanent = True  # PERMANENT_SESSION_LIFETIME: the session expires
            login_user(user)
            if locale in ("vi", "en"):
                session["locale"] = user.locale = locale
            refresh()  # this request already picked its language before the user was known
            flash(_("Đăng nhập thành công."), "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Tên đăng nhập hoặc mật khẩu không đúng."))
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def _login_limit() -> int:
    from flask import current_app

    return current_app.config["LOGIN_FAILURES_PER_MINUTE"]


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    refresh()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code in ("vi", "en"):
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))
