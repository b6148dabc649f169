"""Sign-in, sign-out, login rate limit, session cookie, language switch and the configuration guard."""
from __future__ import annotations

import pytest

from awards import create_app
from awards.config import Config, ConfigError
from awards.extensions import limiter
from tests.factories import PASSWORD, make_user


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def test_login_page_is_vietnamese(client, db):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Tên đăng nhập" in page and "Mật khẩu" in page


def test_login_logout(client, org):
    response = client.post("/login", data={"username": "t_hr", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_wrong_password_is_refused_with_a_vietnamese_message(client, org):
    response = client.post("/login", data={"username": "t_hr", "password": "wrong"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_empty_form_shows_field_messages(client, db):
    response = client.post("/login", data={})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Vui lòng nhập tên đăng nhập." in page and "Vui lòng nhập mật khẩu." in page


def test_inactive_user_cannot_sign_in(client, org):
    make_user("dormant", (org.hr.roles[0].role, org.dt), active=False)
    assert client.post("/login", data={"username": "dormant", "password": PASSWORD}).status_code == 401


def test_five_failures_a_minute_lock_that_user_at_that_address(client, org):
    for _ in range(5):
        assert client.post("/login", data={"username": "t_hr", "password": "bad"}).status_code == 401
    # Even the right password is refused now.
    assert client.post("/login", data={"username": "t_hr", "password": PASSWORD}).status_code == 429
    # Another account from the same address is not affected.
    assert client.post("/login", data={"username": "t_admin", "password": PASSWORD}).status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(client, org):
    for _ in range(7):
        assert client.post("/login", data={"username": "t_hr", "password": PASSWORD}).status_code == 302
        client.post("/logout")


def test_open_redirects_are_ignored(client, org):
    response = client.post("/login?next=https://evil.example/x", data={"username": "t_hr", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/people", data={"username": "t_hr", "password": PASSWORD})
    assert response.headers["Location"] == "/people"


def test_session_cookie_flags(client, org):
    response = client.post("/login", data={"username": "t_hr", "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_production_cookies_are_secure_and_development_ones_are_not(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("AWARDS_ENV", "production")
    production = Config()
    assert production.SESSION_COOKIE_SECURE and production.REMEMBER_COOKIE_SECURE
    assert production.SESSION_COOKIE_HTTPONLY and production.SESSION_COOKIE_SAMESITE == "Lax"
    monkeypatch.setenv("AWARDS_ENV", "development")
    assert Config().SESSION_COOKIE_SECURE is False


def test_csrf_protects_login_and_logout(app, client, org):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/login", data={"username": "t_hr", "password": PASSWORD}).status_code == 400
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        ok = client.post("/login", data={"username": "t_hr", "password": PASSWORD, "csrf_token": token})
        assert ok.status_code == 302
        assert client.post("/logout").status_code == 400  # no token: still signed in
        assert client.get("/").status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_language_switch(client, org, login):
    login(org.hr)
    assert "Đăng xuất" in client.get("/").get_data(as_text=True)
    client.post("/language/en")
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    client.post("/language/vi")
    assert 'lang="vi"' in client.get("/").get_data(as_text=True)


def test_secret_key_is_required_outside_development(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("AWARDS_ENV", "production")
    with pytest.raises(ConfigError):
        create_app(Config)
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert create_app(Config).config["SECRET_KEY"] == "from-the-environment"
