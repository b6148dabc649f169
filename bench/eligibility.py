"""How fast eligibility is for a whole organisation: every person award for 10,000 staff (loader + rules).

Builds a throwaway database with 10,000 staff in 100 units and three years of facts (ratings, award
holdings, some discipline, initiatives with a few uses), then times ``loader.load`` for everyone plus the
rules (``service.run_all``, i.e. ``engine.evaluate_many``) for every award that applies to a person, for
1,000 and for 10,000 people, and counts the SQL statements (they must not grow with the number of people).
Target: ≤ 1 s for the 10,000 batch.
Prints figures; asserts nothing (the tests hold the rules, this measures speed).

    .venv/bin/python bench/eligibility.py [--people 10000] [--profile]
        [--postgresql postgresql://postgres@127.0.0.1:5432]

Without ``--postgresql`` it runs on a temporary SQLite file. With it, it creates a database of its own on
that server (``awards_bench_eligibility``), runs there, and drops it at the end.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWARDS_ENV", "development")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, select, text  # noqa: E402

from bench.throwaway import database_url  # noqa: E402
from awards import create_app  # noqa: E402
from awards.catalogue.models import Award, AwardHolding  # noqa: E402
from awards.config import Config  # noqa: E402
from awards.eligibility import loader  # noqa: E402
from awards.eligibility.engine import applicable_awards  # noqa: E402
from awards.core.gc import collector_paused  # noqa: E402
from awards.eligibility.service import run_all  # noqa: E402
from awards.extensions import db  # noqa: E402
from awards.initiatives.models import Initiative, InitiativeAuthor, InitiativeUse  # noqa: E402
from awards.org.models import (Assignment, Discipline, Person, Unit, UnitName, YearlyRating)  # noqa: E402

UNITS = 100
YEARS = (2019, 2020, 2021)
YEAR = YEARS[-1]
BENCH_DB = "awards_bench_eligibility"


def build(url: str, people: int):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        rng = random.Random(4)
        conn = db.session.connection()
        conn.execute(insert(Unit), [{"id": 1, "code": "TC", "kind": "general_department", "parent_id": None,
                                     "legal_personality": True, "version": 1}]
                     + [{"id": u, "code": f"U{u:03d}", "kind": "district_branch", "parent_id": 1,
                         "legal_personality": False, "version": 1} for u in range(2, UNITS + 2)])
        conn.execute(insert(UnitName), [{"unit_id": u, "name": f"Đơn vị {u}", "valid_from": date(2000, 1, 1)}
                                        for u in range(1, UNITS + 2)])
        conn.execute(insert(Person), [
            {"id": i, "code": f"P{i:05d}", "full_name": f"Nguyễn Văn Thử {i}", "sort_name": f"thu {i}",
             "gender": "female" if i % 2 else "male", "hire_date": date(2010, 1, 1), "unit_id": 2 + i % UNITS,
             "investigation_pending": i % 500 == 0, "complaint_pending": False, "version": 1}
            for i in range(1, people + 1)])
        conn.execute(insert(Assignment), [{"person_id": i, "unit_id": 2 + i % UNITS, "valid_from": date(2010, 1, 1)}
                                          for i in range(1, people + 1)])
        awards = dict(db.session.execute(select(Award.code, Award.id)).all())
        ratings, holdings, disciplines, initiatives, authors, uses = [], [], [], [], [], []
        for i in range(1, people + 1):
            for year in YEARS:
                rating = rng.choices(["HTXSNV", "HTTNV", "HTNV", "KHTNV"], [20, 60, 15, 5])[0]
                ratings.append({"person_id": i, "year": year, "rating": rating})
                if rating in ("HTXSNV", "HTTNV") and year < YEAR:
                    holdings.append({"person_id": i, "year": year, "award_id": awards["LDTT"], "revoked": False})
                    if rng.random() < 0.15:
                        holdings.append({"person_id": i, "year": year, "award_id": awards["CSTDCS"],
                                         "revoked": False})
            if rng.random() < 0.03:
                disciplines.append({"person_id": i, "level": rng.choice(["khien_trach", "canh_cao"]),
                                    "start_date": date(rng.choice(YEARS) - 1, 11, 1), "version": 1})
            if rng.random() < 0.12:
                n = len(initiatives) + 1
                initiatives.append({"id": n, "code": f"SK{n:05d}", "title": f"Sáng kiến {n}", "unit_id": 2 + i % UNITS,
                                    "year": rng.choice(YEARS), "scope": rng.choice(["base", "base", "ministry"]),
                                    "state": "recognised", "version": 1})
                authors.append({"initiative_id": n, "person_id": i, "position": 0})
                if rng.random() < 0.3:
                    uses.append({"initiative_id": n, "award_id": awards["CSTDCS"],
                                 "year": initiatives[-1]["year"], "person_id": i})
        for model, rows in ((YearlyRating, ratings), (AwardHolding, holdings), (Discipline, disciplines),
                            (Initiative, initiatives), (InitiativeAuthor, authors), (InitiativeUse, uses)):
            if rows:
                conn.execute(insert(model), rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as c:
                c.execute(text("ANALYZE"))
        print(f"setup: {people:,} people, {len(ratings):,} ratings, {len(holdings):,} holdings, "
              f"{len(disciplines):,} disciplines, {len(initiatives):,} initiatives ({len(uses):,} used) in "
              f"{time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")
    return app


def run_batch(limit: int) -> tuple[float, float, int, Counter]:
    """Load ``limit`` people and evaluate every person award for each: seconds (all, loading), statements,
    verdicts."""
    statements = []

    def count(*_args):
        statements.append(1)

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        batch = loader.load(YEAR, person_ids=select(Person.id).where(Person.id <= limit))
        loaded = time.perf_counter() - started
        awards = applicable_awards("person")
        verdicts: Counter = Counter()
        with collector_paused():  # as service.subtree_reports and suggestions do
            for facts in batch.people.values():
                for report in run_all(batch, facts, awards):
                    verdicts[report.verdict] += 1
        elapsed = time.perf_counter() - started
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return elapsed, loaded, len(statements), verdicts


def measure(app, people: int, profile: bool) -> None:
    with app.app_context():
        run_batch(min(people, 100))  # warm up: imports, compiled statements
        for n in sorted({min(1_000, people), people}):
            times, loads = [], []
            for _ in range(3):
                elapsed, loaded, statements, verdicts = run_batch(n)
                times.append(elapsed)
                loads.append(loaded)
            evaluations = sum(verdicts.values())
            print(f"  {n:>6,} people: {evaluations:>7,} evaluations in {min(times):.3f} s (best of 3; "
                  f"{', '.join(f'{t:.3f}' for t in times)}; loading {min(loads):.3f} s), {statements} SQL statements; "
                  + ", ".join(f"{v} {c:,}" for v, c in sorted(verdicts.items())))
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            run_batch(people)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--postgresql", help="server URL, e.g. postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with database_url(args.postgresql, BENCH_DB) as url:
        app = build(url, args.people)
        try:
            measure(app, args.people, args.profile)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()

if __name__ == "__main__":
    main()
