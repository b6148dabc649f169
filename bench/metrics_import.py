"""How fast ``flask import metrics`` is: 100,000 monthly rows from CSV, end to end (read, check, write, commit).

Builds a throwaway database with 700 units and as many officers as it needs, writes a CSV whose subjects,
statistical years and months reach the row count (half the rows with the full breakdown, identities
consistent), then times: the first import through the CLI, a re-import of the same file (every row
replaces one) with the time of each phase, and a file where every row is wrong (every problem named).
Prints figures; asserts nothing (the tests hold the rules, this measures speed).

    .venv/bin/python bench/metrics_import.py [--rows 100000] [--profile]
        [--database-url postgresql://postgres@127.0.0.1:5432/DB]

The database is emptied first (on PostgreSQL: DROP SCHEMA public CASCADE): give one of your own.
"""
from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWARDS_ENV", "development")

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from awards import create_app  # noqa: E402
from awards.config import Config  # noqa: E402
from awards.extensions import db  # noqa: E402
from awards.imports import framework  # noqa: E402
from awards.imports.kinds import KINDS  # noqa: E402
from awards.imports.models import ImportBatch  # noqa: E402
from awards.imports.reading import read_path  # noqa: E402
from awards.metrics.compute import MONTHS_IN_ORDER  # noqa: E402
from awards.metrics.models import MetricReport  # noqa: E402
from awards.org.models import Assignment, Gender, Person, Unit, UnitKind, UnitName  # noqa: E402

UNITS = 700
YEARS = (2018, 2019, 2020, 2021)
HEADER = ["subject_code", "subject_type", "year", "month",
          "cases_received", "cases_enforceable", "cases_completed",
          "money_received", "money_enforceable", "money_completed",
          *(f"{p}_{n}" for p in ("cases", "money") for n in ("carried_over", "new", "delegated", "withdrawn",
                                                             "not_enforceable", "enforced", "terminated"))]


def build(url: str, officers: int):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        root = Unit(code="TC", kind=UnitKind.GENERAL_DEPARTMENT)
        root.names.append(UnitName(name="Tổng cục", valid_from=date(2000, 1, 1)))
        units = [root]
        provinces = []
        for p in range(34):
            province = Unit(code=f"P{p:02d}", kind=UnitKind.PROVINCIAL_DEPARTMENT, parent=root)
            province.names.append(UnitName(name=f"Cục tỉnh {p}", valid_from=date(2000, 1, 1)))
            provinces.append(province)
        units += provinces
        while len(units) < UNITS:
            n = len(units)
            branch = Unit(code=f"B{n:04d}", kind=UnitKind.DISTRICT_BRANCH, parent=provinces[n % len(provinces)])
            branch.names.append(UnitName(name=f"Chi cục {n}", valid_from=date(2000, 1, 1)))
            units.append(branch)
        db.session.add_all(units)
        for i in range(officers):
            unit = units[35 + i % (UNITS - 35)]
            person = Person(code=f"CHV{i:05d}", full_name=f"Nguyễn Văn Thử {i}", gender=Gender.MALE,
                            position="Chấp hành viên", unit=unit)
            person.assignments.append(Assignment(unit=unit, valid_from=date(2015, 1, 1)))
            db.session.add(person)
        db.session.commit()
        print(f"setup: {UNITS} units, {officers} officers in {time.perf_counter() - started:.1f} s "
              f"({db.engine.dialect.name})")
    return app


def figures(rng: random.Random, scale: int, month_index: int, detailed: bool) -> list:
    """One side (cases or money) of a row: totals, and the seven details when ``detailed``."""
    carried, new = rng.randint(0, scale), rng.randint(0, scale * (month_index + 1) // 12)
    received = carried + new
    delegated, withdrawn = rng.randint(0, received // 50), rng.randint(0, received // 50)
    to_enforce = received - delegated - withdrawn
    enforceable = rng.randint(to_enforce * 6 // 10, to_enforce)
    completed = rng.randint(enforceable * (3 + month_index // 3) // 10, enforceable * 9 // 10)
    terminated = rng.randint(0, completed // 10)
    totals = [received, enforceable, completed]
    details = [carried, new, delegated, withdrawn, to_enforce - enforceable, completed - terminated, terminated]
    return totals, details if detailed else [""] * 7


def write_csv(path: Path, rows: int, officers: int, *, bad: bool = False) -> None:
    rng = random.Random(3)
    subjects = ([(f"B{n:04d}", "unit") for n in range(35, UNITS)] + [(f"P{p:02d}", "unit") for p in range(34)]
                + [("TC", "unit")] + [(f"CHV{i:05d}", "person") for i in range(officers)])
    written = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for year in YEARS:
            for month_index, month in enumerate(MONTHS_IN_ORDER):
                for code, kind in subjects:
                    if written == rows:
                        return
                    detailed = written % 2 == 0
                    cases, case_details = figures(rng, 900, month_index, detailed)
                    money, money_details = figures(rng, 40_000_000_000, month_index, detailed)
                    if bad:
                        cases[2] = cases[1] + 1  # completed > enforceable on every row
                    # Money half the time with thousands dots, as a Vietnamese spreadsheet writes it.
                    shown = [f"{m:,}".replace(",", ".") if written % 4 < 2 else m for m in money]
                    out.writerow([code, kind, year, month, *cases, *shown, *case_details, *money_details])
                    written += 1


@contextmanager
def timed(label: str, rows: int, into: dict):
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    into[label] = elapsed
    print(f"  {label:34} {elapsed:7.2f} s  {rows / elapsed:10,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true", help="cProfile the re-import, print the top 25")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='awards-bench-')}/bench.db"
    subjects_needed = -(-args.rows // (len(YEARS) * 12))
    officers = max(subjects_needed - UNITS, 0)
    app = build(url, officers)
    folder = Path(tempfile.mkdtemp(prefix="awards-bench-csv-"))
    good, bad = folder / "metrics.csv", folder / "metrics-bad.csv"
    write_csv(good, args.rows, officers)
    write_csv(bad, args.rows, officers, bad=True)
    print(f"file: {args.rows:,} rows, {good.stat().st_size / 1e6:.1f} MB, {len(HEADER)} columns, "
          f"half with the breakdown")
    kind = KINDS["metrics"]
    times: dict[str, float] = {}
    runner = app.test_cli_runner()
    with app.app_context():
        print("first import (CLI, empty table):")
        with timed("flask import metrics", args.rows, times):
            result = runner.invoke(args=["import", "metrics", str(good)])
        assert result.exit_code == 0, (result.stdout, result.stderr[:2000])
        print("   ", result.stdout.strip())

        print("re-import of the same file (every row replaces one), by phase:")
        profiler = cProfile.Profile() if args.profile else None
        with timed("total", args.rows, times):
            if profiler:
                profiler.enable()
            with timed("read CSV", args.rows, times):
                table = read_path(good)
            with timed("check (parse + rules + lookups)", args.rows, times):
                checked = framework.validate(kind, table)
            with timed("write (delete + insert)", args.rows, times):
                framework.apply(checked, file_name=good.name)
            with timed("commit", args.rows, times):
                db.session.commit()
            if profiler:
                profiler.disable()
        reports = db.session.scalar(select(func.count()).select_from(MetricReport))
        batch = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        print(f"    {reports:,} reports stored; last batch: {batch.row_count:,} rows, {batch.new_count:,} new, "
              f"{batch.replaced_count:,} replaced")

        print("a file where every row is wrong (CLI: every problem printed, nothing written):")
        with timed("flask import metrics (refused)", args.rows, times):
            result = runner.invoke(args=["import", "metrics", str(bad)])
        print(f"    exit {result.exit_code}, {result.stderr.count(chr(10)):,} problem lines")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
