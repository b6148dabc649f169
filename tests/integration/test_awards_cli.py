"""`flask awards evaluate --unit CODE --year YEAR [--award CODE]`: the table of the subtree's verdicts."""
from __future__ import annotations

from datetime import date

import pytest

from awards.org import operations as ops
from awards.org.models import DisciplineLevel, RatingLevel
from tests.factories import make_person
from tests.integration.test_eligibility_loader import hold


@pytest.fixture()
def cli(app, db):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["awards", "evaluate", *args])


@pytest.fixture()
def staff(db, org):
    good = make_person(org.dt_a, "P-GOOD", full_name="Nguyễn Thị Lan", since=date(2015, 1, 1))
    ops.set_rating(2021, RatingLevel.HTTNV, person=good)
    bad = make_person(org.dt_b, "P-BAD", full_name="Trần Văn Bình", since=date(2015, 1, 1))
    ops.set_rating(2021, RatingLevel.HTTNV, person=bad)
    ops.record_discipline(bad, DisciplineLevel.CANH_CAO, date(2021, 2, 1))
    unrated = make_person(org.dt_b, "P-NEW", full_name="Lê Văn Cường", since=date(2015, 1, 1))
    make_person(org.th_a, "P-OUT", since=date(2015, 1, 1))       # another province
    return good, bad, unrated


def line_of(output: str, code: str, award: str) -> str:
    (line,) = [row for row in output.splitlines() if row.startswith(code + " ") and f"  {award} " in row]
    return line


def test_one_award_for_the_subtree(cli, staff):
    result = cli("--unit", "DT", "--year", "2021", "--award", "LDTT")
    assert result.exit_code == 0, result.output
    good = line_of(result.output, "P-GOOD", "LDTT")
    assert "  đủ điều kiện  " in good and "không đủ" not in good and good.endswith("—")
    bad = line_of(result.output, "P-BAD", "LDTT")
    assert "không đủ điều kiện" in bad and "LDTT.discipline (không đạt)" in bad
    unrated = line_of(result.output, "P-NEW", "LDTT")
    assert "cần bổ sung thông tin" in unrated and "LDTT.rating (chưa rõ)" in unrated
    assert "P-OUT" not in result.output
    assert "TTLDTT" not in result.output                             # collectives only for their awards
    assert result.output.rstrip().endswith(
        "3 kết quả năm 2021 (quy định ND91_2017): 1 đủ điều kiện, 1 không đủ điều kiện, 1 cần bổ sung thông tin.")


def test_every_award_for_people_and_collectives(cli, staff, db, org):
    hold(db, staff[0], "LDTT", 2021)
    result = cli("--unit", "DT-A", "--year", "2021")
    assert result.exit_code == 0, result.output
    assert "CSTDCS.initiative (không đạt)" in line_of(result.output, "P-GOOD", "CSTDCS")
    assert line_of(result.output, "DT-A", "TTLDTT")
    assert "P-BAD" not in result.output


@pytest.mark.parametrize("args, message", [
    (("--unit", "NOPE", "--year", "2021"), "không có đơn vị mã NOPE"),
    (("--unit", "DT", "--year", "2021", "--award", "NOPE"), "không có danh hiệu mã NOPE"),
    (("--unit", "DT", "--year", "x"), "x"),
])
def test_bad_arguments(cli, org, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.output
