"""How the organisation lists scale: page and API times and SQL statement counts over the demo data
plus N extra staff. Prints figures; asserts nothing (tests hold the rules, this measures speed).

    .venv/bin/python bench/org_lists.py [--people 5000] [--database-url sqlite:///...|postgresql://...]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWARDS_ENV", "development")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402

from awards import create_app  # noqa: E402
from awards.config import Config  # noqa: E402
from awards.extensions import db  # noqa: E402
from awards.org import operations as ops  # noqa: E402
from awards.org.models import Gender, Unit, UnitKind  # noqa: E402


def build(url: str, extra: int):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
        print(f"seed-demo: {time.perf_counter() - started:.2f} s")
        branches = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.DISTRICT_BRANCH,
                                                         Unit.code.like("DT-%"))).all()
        started = time.perf_counter()
        for i in range(extra):
            ops.save_person(f"X{i:05d}", full_name=f"Nguyễn Văn Thử {i}", gender=Gender.MALE,
                            unit=branches[i % len(branches)], since=date(2020, 1, 1))
        db.session.commit()
        print(f"{extra} extra people: {time.perf_counter() - started:.2f} s")
    return app


def measure(app, username: str, url: str, runs: int = 7) -> tuple[float, int, int]:
    client = app.test_client()
    client.post("/login", data={"username": username, "password": "demo"})
    counter = {"n": 0}
    with app.app_context():
        engine = db.engine

    def count(*_args, **_kwargs):
        counter["n"] += 1

    times = []
    for _ in range(runs):
        counter["n"] = 0
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", count)
    return statistics.median(times), counter["n"], response.status_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='awards-bench-')}/bench.db"
    app = build(url, args.people)
    app.config["WTF_CSRF_ENABLED"] = False
    print(f"{'user':9} {'url':42} {'median ms':>9} {'SQL':>4} status")
    for username, path in [("hr", "/"), ("hr", "/units"), ("hr", "/people"), ("hr", "/people?page=100"),
                           ("hr", "/people?q=thu+4999"), ("hr", "/people?unit=DT-LAPVO"), ("proposer", "/people"),
                           ("hr", "/people/DT-0001"), ("hr", "/api/v1/people?per_page=100"),
                           ("admin", "/api/v1/units"), ("admin", "/admin/units")]:
        median, statements, status = measure(app, username, path)
        print(f"{username:9} {path:42} {median * 1000:9.1f} {statements:4d} {status}")


if __name__ == "__main__":
    main()
