"""Engine-level settings that make SQLite behave like the PostgreSQL we also run on."""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # pysqlite opens transactions lazily and breaks SAVEPOINT; take over BEGIN ourselves
        # (SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL"), and enforce FKs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN")
