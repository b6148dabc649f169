"""An app on a PostgreSQL database of its own, built by the migrations and dropped afterwards.

For tests whose threads commit for real on their own connections (the per-test rollback cannot be shared):
their rows — append-only audit rows among them — must not leak into the suite's database. PostgreSQL only:
SQLite serialises writers on the whole file, so there is no race to test; those tests skip there.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from awards import create_app
from awards.extensions import db
from tests.conftest import SuiteConfig


@contextmanager
def own_postgres_app(suffix: str, engine_options: dict | None = None) -> Iterator[Flask]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    url = make_url(base)
    name = f"{url.database}_{suffix}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    class OwnDatabase(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = url.set(database=name).render_as_string(hide_password=False)
        SQLALCHEMY_ENGINE_OPTIONS = {**SuiteConfig.SQLALCHEMY_ENGINE_OPTIONS, **(engine_options or {})}

    app = create_app(OwnDatabase)
    try:
        with app.app_context():
            upgrade()
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
