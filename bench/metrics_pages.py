"""How the metrics pages scale: a throwaway database with one province of 700 branches, each with twelve
months of figures and its own targets, then the server time of the comparison page (issue 3: ≤ 100 ms)
and of the unit page, median of several runs, with their SQL statement counts. Prints figures; asserts
nothing (tests hold the rules, this measures speed).

    .venv/bin/python bench/metrics_pages.py [--branches 700] [--runs 9] [--database-url sqlite:///…|postgresql://…]

A PostgreSQL URL names a database this script may empty (it drops the public schema).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWARDS_ENV", "development")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402

from awards import create_app  # noqa: E402
from awards.config import Config  # noqa: E402
from awards.extensions import db  # noqa: E402
from awards.metrics.compute import MONTHS_IN_ORDER  # noqa: E402
from awards.metrics.models import MetricReport, MetricTarget  # noqa: E402
from awards.org import operations as ops  # noqa: E402
from awards.org.models import ClusterRole, Role, UnitKind  # noqa: E402

PASSWORD = "bench-pass-1"


def figures(rng: random.Random, year: int, *, cases: int, case_rate: float, money: int, money_rate: float):
    """Twelve cumulative reports (October first) that rise through the year towards the given rates."""
    rows = []
    for i, month in enumerate(MONTHS_IN_ORDER):
        share = (i + 1) / 12
        received = int(cases * (0.55 + 0.45 * share))
        enforceable = int(received * 0.8)
        completed = int(enforceable * case_rate * (0.55 + 0.45 * share) * rng.uniform(0.97, 1.0))
        money_received = int(money * (0.55 + 0.45 * share)) // 1000 * 1000
        money_enforceable = int(money_received * 0.7) // 1000 * 1000
        money_completed = int(money_enforceable * money_rate * (0.5 + 0.5 * share) * rng.uniform(0.95, 1.0)) \
            // 1000 * 1000
        rows.append(dict(year=year, month=month, cases_received=received, cases_enforceable=enforceable,
                         cases_completed=min(completed, enforceable), money_received=money_received,
                         money_enforceable=money_enforceable,
                         money_completed=min(money_completed, money_enforceable)))
    return rows


def fill(units, years=(2021,), *, seed: int = 3, people=()) -> None:
    """Monthly figures and targets for the given units (and people) in bulk: two INSERT statements."""
    rng = random.Random(seed)
    reports, targets = [], []
    subjects = [("unit_id", u.id) for u in units] + [("person_id", p.id) for p in people]
    for column, ident in subjects:
        for year in years:
            size = 1.0 if column == "unit_id" else 0.1
            case_target = Decimal(rng.choice(("80.00", "81.50", "82.00", "83.50")))
            money_target = Decimal(rng.choice(("38.00", "40.10", "42.00")))
            targets.append({column: ident, "year": year, "case_target_pct": case_target,
                            "money_target_pct": money_target})
            for row in figures(rng, year, cases=int(rng.randint(300, 3000) * size), case_rate=rng.uniform(0.7, 0.95),
                               money=int(rng.randint(20, 400) * 10**9 * size), money_rate=rng.uniform(0.3, 0.6)):
                reports.append({column: ident, **row})
    db.session.execute(insert(MetricReport), reports)
    db.session.execute(insert(MetricTarget), targets)


def build(url: str, branches: int):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        root = ops.save_unit("BR", name="Tổng cục Thi hành án dân sự", kind=UnitKind.GENERAL_DEPARTMENT,
                             legal_personality=True)
        province = ops.save_unit("BP", name="Cục Thi hành án dân sự tỉnh Thử", parent=root,
                                 kind=UnitKind.PROVINCIAL_DEPARTMENT, legal_personality=True)
        units = [ops.save_unit(f"BP-{i:04d}", name=f"Chi cục Thi hành án dân sự huyện Thử {i}", parent=province,
                               kind=UnitKind.DISTRICT_BRANCH, legal_personality=True) for i in range(branches)]
        cluster = ops.save_cluster("BC", name="Cụm thi đua thử", organiser=province)
        for i, unit in enumerate(units):
            ops.set_cluster_member(cluster, 2021, unit, ClusterRole.LEADER if i == 0 else ClusterRole.MEMBER)
        ops.create_user("bench", PASSWORD, roles=[(Role.VIEWER, root)])
        db.session.flush()
        fill([province, *units])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))  # fresh bulk-loaded tables have no statistics yet
        print(f"{branches} branches × 12 months of figures: {time.perf_counter() - started:.2f} s "
              f"({db.engine.dialect.name})")
    return app


def measure(app, url: str, runs: int) -> tuple[float, int, int, int]:
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": PASSWORD})
    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*_args, **_kwargs):
        counter["n"] += 1

    client.get(url)  # warm up: templates compiled, caches filled
    times = []
    for _ in range(runs):
        counter["n"] = 0
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", count)
    return statistics.median(times), counter["n"], response.status_code, len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--branches", type=int, default=700)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='awards-bench-')}/bench.db"
    app = build(url, args.branches)
    print(f"{'page':52} {'median ms':>9} {'SQL':>4} {'KB':>6} status")
    for path in ("/units/BP/metrics/compare?year=2021&month=6", "/units/BP/metrics/compare?year=2021&sort=money",
                 "/units/BP/metrics/compare", "/clusters/BC/metrics?year=2021&month=6",
                 "/units/BP/metrics?year=2021&rollup=1", "/units/BP-0001/metrics?year=2021"):
        median, statements, status, size = measure(app, path, args.runs)
        print(f"{path:52} {median * 1000:9.1f} {statements:4d} {size / 1024:6.0f} {status}")
    print("target: the comparison page over 700 units ≤ 100 ms")


if __name__ == "__main__":
    main()
