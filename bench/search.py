"""How fast the search box answers: the demo data plus N extra staff with Vietnamese names, a few queries per
role, p50/p95 of the whole page (GET /search) and the SQL statement count. Prints figures; asserts nothing.
Target: ≤ 100 ms per search.

    .venv/bin/python bench/search.py [--people 10000] [--runs 25] [--database-url sqlite:///...|postgresql://...]
"""
from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWARDS_ENV", "development")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, select, text  # noqa: E402

from awards import create_app  # noqa: E402
from awards.config import Config  # noqa: E402
from awards.decisions.models import Decision  # noqa: E402
from awards.extensions import db  # noqa: E402
from awards.nominations.models import Nomination  # noqa: E402
from awards.org.models import Assignment, Gender, Person, Unit, UnitKind  # noqa: E402

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Thu", "Hoài")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hùng", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam",
         "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Uyên", "Việt", "Yến")


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
        branches = db.session.scalars(select(Unit).where(Unit.kind == UnitKind.DISTRICT_BRANCH)
                                      .order_by(Unit.code)).all()
        started = time.perf_counter()
        names = itertools.cycle(itertools.product(FAMILY, MIDDLE, GIVEN))
        for i in range(extra):
            family, middle, given = next(names)
            unit = branches[i % len(branches)]
            person = Person(code=f"X{i:05d}", full_name=f"{family} {middle} {given}", gender=Gender.FEMALE,
                            hire_date=date(2020, 1, 1), unit=unit)
            person.assignments.append(Assignment(unit=unit, valid_from=date(2020, 1, 1)))
            db.session.add(person)
        db.session.commit()
        print(f"{extra} extra people over {len(branches)} branches: {time.perf_counter() - started:.2f} s; "
              f"{db.session.scalar(select(func.count(Person.id)))} people, "
              f"{db.session.scalar(select(func.count(Nomination.id)))} nominations, "
              f"{db.session.scalar(select(func.count(Decision.id)))} decisions")
    return app


def measure(app, username: str, q: str, runs: int) -> tuple[float, float, int, int]:
    client = app.test_client()
    client.post("/login", data={"username": username, "password": "demo"})
    url = f"/search?q={quote_plus(q)}"
    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    times = []
    with app.app_context():
        engine = db.engine
    client.get(url)  # warm the template cache and the connection pool
    for _ in range(runs):
        counter["n"] = 0
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", count)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, counter["n"], response.status_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='awards-bench-')}/bench.db"
    app = build(url, args.people)
    app.config["WTF_CSRF_ENABLED"] = False
    print(f"database: {url.split('://')[0]}; {args.runs} runs each")
    print(f"{'user':9} {'q':22} {'p50 ms':>7} {'p95 ms':>7} {'SQL':>4} status")
    for username, q in [("hr", "Nguyen Van"), ("hr", "nguyễn văn hùng"), ("hr", "Dang"), ("hr", "01/QĐ-CTHADS"),
                        ("hr", "lap vo"), ("hr", "sang kien"), ("admin", "Nguyen Van"), ("admin", "thi hanh an"),
                        ("proposer", "Tran Thi"), ("viewer", "Le")]:
        p50, p95, statements, status = measure(app, username, q, args.runs)
        print(f"{username:9} {q:22} {p50 * 1000:7.1f} {p95 * 1000:7.1f} {statements:4d} {status}")


if __name__ == "__main__":
    main()
