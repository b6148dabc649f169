"""Layered fixtures: app (schema built through the migrations) → db (per-test rollback) → client → login.

The suite runs on SQLite in memory by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
import tempfile

import pytest
from flask import g, request_started
from flask_migrate import upgrade
from sqlalchemy import text

from awards import create_app
from awards.config import TestConfig
from awards.extensions import db as _db
from tests.factories import PASSWORD, make_unit, make_user

os.environ.setdefault("AWARDS_ENV", "development")


class SuiteConfig(TestConfig):
    WTF_CSRF_ENABLED = False  # re-enabled by tests that check CSRF itself
    # A file, not ":memory:": an in-memory database lives on one shared connection, which cannot
    # hold the per-test outer transaction and the app's own connections side by side.
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp(prefix='awards-test-')}/test.db")
    # Files the code under test writes (attachments, certificates) go to a throwaway folder, not instance/.
    UPLOAD_DIR = tempfile.mkdtemp(prefix="awards-test-uploads-")
    DOCUMENT_DIR = tempfile.mkdtemp(prefix="awards-test-documents-")


def _reset_schema() -> None:
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            _db.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def app():
    app = create_app(SuiteConfig)
    with app.app_context():
        _reset_schema()
        upgrade()  # the schema every test uses is the one the migrations build
    yield app


@contextmanager
def rolled_back(app):
    """Inside an app context, a session bound to one outer transaction that is rolled back at the end.

    Commits inside the code under test only release SAVEPOINTs (join_transaction_mode), so nothing
    written inside survives, on SQLite and on PostgreSQL alike.
    """
    with app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        outer = connection.begin()
        original = _db.session
        # Flask-SQLAlchemy picks its bind from db.engines, so the connection stands in for the engine.
        engines[None] = connection
        _db.session = _db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        request_started.connect(_fresh_request, app)  # every test client, however made
        try:
            yield _db
        finally:
            request_started.disconnect(_fresh_request, app)
            _db.session.remove()
            _db.session = original
            engines[None] = engine
            outer.rollback()
            connection.close()


@pytest.fixture()
def db(app):
    """Each test in its own rolled-back transaction (see ``rolled_back``)."""
    with rolled_back(app) as isolated:
        yield isolated


def _fresh_request(sender, **extra):
    # Test requests run inside the db fixture's app context, so `g` (Flask-Login's user, the scope cache)
    # would otherwise carry over from one request to the next, even across users.
    for name in list(vars(g)):
        delattr(g, name)
    # What the test flushed so far survives a request that rolls back after an error, as it would if it
    # had been committed by an earlier request (this commit only releases a SAVEPOINT).
    _db.session.commit()


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def login(client):
    """``login(user_or_name)`` signs the test client in through the real form."""

    def _login(user, password: str = PASSWORD):
        username = getattr(user, "username", user)
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login


@pytest.fixture()
def org(db):
    """A small tree: a general department, two provinces, branches under each, one user per role."""
    from awards.org.models import Role, UnitKind

    root = make_unit("TC", name="Tổng cục Thi hành án dân sự", kind=UnitKind.GENERAL_DEPARTMENT,
                     legal_personality=True, document_code="TCTHADS", place="Hà Nội")
    dt = make_unit("DT", name="Cục Thi hành án dân sự tỉnh Đồng Tháp", parent=root,
                   kind=UnitKind.PROVINCIAL_DEPARTMENT, legal_personality=True, document_code="CTHADS",
                   place="Đồng Tháp")
    th = make_unit("TH", name="Cục Thi hành án dân sự tỉnh Thanh Hóa", parent=root,
                   kind=UnitKind.PROVINCIAL_DEPARTMENT, legal_personality=True, document_code="CTHADS",
                   place="Thanh Hóa")
    dt_a = make_unit("DT-A", name="Chi cục THADS huyện Lấp Vò", parent=dt)
    dt_b = make_unit("DT-B", name="Chi cục THADS huyện Lai Vung", parent=dt)
    th_a = make_unit("TH-A", name="Chi cục THADS huyện Quan Sơn", parent=th)

    class Org:
        pass

    o = Org()
    o.root, o.dt, o.th, o.dt_a, o.dt_b, o.th_a = root, dt, th, dt_a, dt_b, th_a
    o.admin = make_user("t_admin", (Role.ADMIN, root))
    o.hr = make_user("t_hr", (Role.HR, dt))
    o.approver = make_user("t_approver", (Role.APPROVER, dt))
    o.secretary = make_user("t_secretary", (Role.SECRETARY, dt))
    o.member = make_user("t_member", (Role.COUNCIL_MEMBER, dt))
    o.proposer = make_user("t_proposer", (Role.PROPOSER, dt_a))
    o.viewer = make_user("t_viewer", (Role.VIEWER, th))
    return o
