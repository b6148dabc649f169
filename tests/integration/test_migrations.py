"""The migrations build exactly the schema the models describe, from empty, on SQLite and PostgreSQL."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from awards import create_app
from awards.core.formatting import name_sort_key
from awards.extensions import db as _db
from tests.conftest import SuiteConfig


def _diffs(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, _db.metadata)


def test_models_and_migrations_agree(app):
    # The session database was built by `upgrade()` in the app fixture.
    with app.app_context(), _db.engine.connect() as connection:
        assert _diffs(connection) == []


@pytest.fixture()
def empty_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    url = make_url(base)
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_from_empty_downgrade_and_upgrade_again(empty_database_url):
    class EmptyConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(EmptyConfig)
    with app.app_context():
        upgrade(revision="0001")
        with _db.engine.begin() as conn:  # a person recorded before 0002 gets a sort key from its name
            conn.execute(text("INSERT INTO person (code, full_name, gender, investigation_pending, complaint_pending,"
                              " version, created_at, updated_at) VALUES ('P1', 'Đặng Văn An', 'male', false, false,"
                              " 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade()
        with _db.engine.connect() as conn:
            assert conn.execute(text("SELECT sort_name FROM person")).scalar() == name_sort_key("Đặng Văn An")
        tables = set(inspect(_db.engine).get_table_names())
        assert {"unit", "unit_name", "person", "user_account", "role_assignment", "api_token"} <= tables
        with _db.engine.connect() as connection:
            assert _diffs(connection) == []
        downgrade(revision="base")
        assert set(inspect(_db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "unit" in inspect(_db.engine).get_table_names()
        _db.engine.dispose()
