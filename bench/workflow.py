"""A bulk action on 1,000 nominations in one transaction: guards, state change and audit rows, timed.

Builds a throwaway database with one unit with legal personality, 1,000 people in it and one LDTT
nomination each, already ``submitted`` (inserted as set-up rows: the engine is not what is measured there),
and a secretary of that unit. Then times ``operations.bulk_transition(nominations, "start_review",
actor=secretary)`` and the commit, and counts the SQL statements. Target: ≤ 1 s on SQLite and PostgreSQL.
Prints figures; asserts nothing.

    .venv/bin/python bench/workflow.py [--nominations 1000] [--trigger start_review]
        [--postgresql postgresql://postgres@127.0.0.1:5432]

Without ``--postgresql`` it runs on a temporary SQLite file; with it, it creates its own database
(``awards_bench_workflow``) on that server and drops it at the end.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWARDS_ENV", "development")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, insert, select, text  # noqa: E402

from bench.throwaway import database_url  # noqa: E402
from awards import create_app  # noqa: E402
from awards.catalogue.models import Award  # noqa: E402
from awards.config import Config  # noqa: E402
from awards.extensions import db  # noqa: E402
from awards.nominations import operations  # noqa: E402
from awards.nominations.models import Nomination, TransitionLog  # noqa: E402
from awards.org.models import Person, Role, RoleAssignment, Unit, UnitName, User  # noqa: E402

BENCH_DB = "awards_bench_workflow"
YEAR = 2021


def build(url: str, count: int):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        conn = db.session.connection()
        conn.execute(insert(Unit), [{"id": 1, "code": "CT", "kind": "provincial_department", "parent_id": None,
                                     "legal_personality": True, "version": 1}])
        conn.execute(insert(UnitName), [{"unit_id": 1, "name": "Cục THADS thử", "valid_from": date(2000, 1, 1)}])
        conn.execute(insert(Person), [
            {"id": i, "code": f"P{i:05d}", "full_name": f"Nguyễn Văn Thử {i}", "sort_name": f"thu {i}",
             "gender": "male", "hire_date": date(2010, 1, 1), "unit_id": 1, "version": 1}
            for i in range(1, count + 1)])
        conn.execute(insert(User), [{"id": 1, "username": "secretary", "password_hash": "x", "active": True,
                                     "version": 1}])
        conn.execute(insert(RoleAssignment), [{"user_id": 1, "role": Role.SECRETARY.value, "unit_id": 1}])
        award_id = db.session.scalar(select(Award.id).where(Award.code == "LDTT"))
        conn.execute(insert(Nomination), [
            {"person_id": i, "award_id": award_id, "year": YEAR, "proposing_unit_id": 1, "deciding_unit_id": 1,
             "state": "submitted", "summary": "", "decision_no": "", "proposer_note": "", "version": 1}
            for i in range(1, count + 1)])
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('nomination', 'id'), (SELECT max(id) FROM "
                              "nomination))"))
            conn.execute(text("ANALYZE"))
        db.session.commit()
    return app


def measure(app, trigger: str) -> None:
    with app.app_context():
        statements: Counter = Counter()

        @event.listens_for(db.engine, "before_cursor_execute")
        def count(_conn, _cursor, statement, *_args):
            statements[statement.split(None, 1)[0].upper()] += 1

        started = time.perf_counter()
        secretary = db.session.get(User, 1)
        nominations = db.session.scalars(select(Nomination).order_by(Nomination.id)).all()
        loaded = time.perf_counter()
        records = operations.bulk_transition(nominations, trigger, actor=secretary)
        fired = time.perf_counter()
        db.session.commit()
        done = time.perf_counter()
        event.remove(db.engine, "before_cursor_execute", count)
        rows = db.session.scalar(select(func.count(TransitionLog.id)))
        print(f"{db.engine.dialect.name}: {len(records)} × {trigger} in one transaction")
        print(f"  load {loaded - started:.3f} s, fire {fired - loaded:.3f} s, commit {done - fired:.3f} s, "
              f"total {done - started:.3f} s ({(fired - loaded) / max(len(records), 1) * 1e3:.2f} ms each)")
        print(f"  SQL statements: {sum(statements.values())} {dict(statements)}; audit rows: {rows}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, default=1000)
    parser.add_argument("--trigger", default="start_review")
    parser.add_argument("--postgresql", help="server URL, e.g. postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    with database_url(args.postgresql, BENCH_DB) as url:
        app = build(url, args.nominations)
        try:
            measure(app, args.trigger)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()

if __name__ == "__main__":
    main()
