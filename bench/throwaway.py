"""A database the benches create for one run and drop afterwards: SQLite in a temporary folder, or a fresh
PostgreSQL database on the given server (so a bench never touches the test or the demo database)."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


@contextmanager
def database_url(postgresql_server: str | None, name: str) -> Iterator[str]:
    """Yield the URL of an empty database; ``postgresql_server`` is e.g. postgresql://postgres@127.0.0.1:5432."""
    if not postgresql_server:
        with tempfile.TemporaryDirectory(prefix="awards-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    server_url = postgresql_server.rstrip("/")
    server = create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server_url}/{name}"
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
