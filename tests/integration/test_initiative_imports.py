"""``flask import initiatives`` and ``flask import awards-history``: good files, re-imports, bad files, scope.

Until the two kinds are listed in ``awards.imports.kinds.KINDS`` (the lead adds them), ``run`` drives the same
CLI path (``awards.imports.cli._run``) through a stand-in command; once listed it runs the real one.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import pytest
from sqlalchemy import func, select

from awards.catalogue import imports as history_imports
from awards.catalogue.models import Award, AwardHolding
from awards.imports import cli as import_cli
from awards.imports.kinds import KINDS
from awards.imports.models import ImportBatch
from awards.imports.operations import preview_import, run_import
from awards.imports.reading import Table
from awards.initiatives import imports as initiative_imports
from awards.initiatives import operations as ops
from awards.initiatives.models import Initiative, InitiativeAuthor, InitiativeScope, InitiativeUse
from awards.org.models import Person, Unit
from tests.factories import make_person

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
OURS = {k.name: k for k in (*initiative_imports.KINDS, *history_imports.KINDS)}
INITIATIVES = "code,title,author_codes,unit_code,year,scope,decision_no,decision_date"
HISTORY = "subject_code,subject_type,year,award_code,decision_no,decision_date,issuer"
COUNTED = (Initiative, InitiativeAuthor, AwardHolding, ImportBatch)


@pytest.fixture()
def run(app, db):
    runner = app.test_cli_runner()

    def _run(kind: str, path: Path):
        if kind in KINDS:
            return runner.invoke(args=["import", kind, str(path)])
        return runner.invoke(click.Command(kind, callback=lambda: import_cli._run(OURS[kind], path)))

    return _run


def csv_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(db) -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


@pytest.fixture()
def staff(db, org):
    return (make_person(org.dt_a, "P1", full_name="Nguyễn Văn An"), make_person(org.dt_a, "P2"),
            make_person(org.dt_b, "P3"), make_person(org.th_a, "P9"))


def initiative(db, code: str) -> Initiative | None:
    return db.session.scalar(select(Initiative).where(Initiative.code == code))


# --- initiatives -------------------------------------------------------------------------------------

def test_initiatives_import_then_update_in_place_replacing_authors(db, org, staff, run, tmp_path):
    good = csv_file(tmp_path, INITIATIVES, "SK1,Sáng kiến một,P1;P2,DT-A,2021,base,45/QĐ,15/09/2021",
                    "SK2,Sáng kiến hai,P3,DT-B,2020,Ministry,,2020-10-20")
    result = run("initiatives", good)
    assert result.exit_code == 0, result.output
    assert "Đã nhập 2 dòng (2 mới, 0 cập nhật)." in result.output
    first = initiative(db, "SK1")
    assert [a.person.code for a in first.authors] == ["P1", "P2"]
    assert (first.unit, first.year, first.scope, first.decision_no, first.decision_date) == (
        org.dt_a, 2021, InitiativeScope.BASE, "45/QĐ", date(2021, 9, 15))
    assert initiative(db, "SK2").scope is InitiativeScope.MINISTRY and initiative(db, "SK2").decision_no == ""
    assert first.import_batch_id is not None
    ops.record_use(first, award=db.session.scalar(select(Award).where(Award.code == "CSTDCS")), year=2021,
                   person=staff[0])
    again = csv_file(tmp_path, INITIATIVES, "SK1,Tên mới,P2;P3,DT-A,2021,base,45/QĐ,15/09/2021")
    result = run("initiatives", again)
    assert result.exit_code == 0, result.output
    assert "(0 mới, 1 cập nhật)" in result.output
    db.session.expire_all()
    first = initiative(db, "SK1")
    assert first.title == "Tên mới" and [a.person.code for a in first.authors] == ["P2", "P3"]
    assert first.use is not None  # a re-import keeps the recorded use
    assert counts(db)["Initiative"] == 2


def test_a_bad_initiatives_file_names_every_row_and_writes_nothing(db, org, staff, run, tmp_path):
    before = counts(db)
    bad = csv_file(tmp_path, INITIATIVES,
                   "SK1,Tốt,P1,DT-A,2021,base,,",
                   "SK2,Tác giả lạ,P1;NOPE,DT-A,2021,base,,",
                   "SK3,Đơn vị lạ,P1,NOWHERE,2021,base,,",
                   "SK4,Phạm vi sai,P1,DT-A,2021,provincial,,",
                   "SK5,Ngày sai,P1,DT-A,2021,base,,31/02/2021",
                   "SK6,Hai lần,P1;P1,DT-A,2021,base,,",
                   ",Thiếu mã,,DT-A,21,base,,",
                   "SK1,Trùng mã,P2,DT-A,2021,base,,",
                   "SK7,Quyết định quá sớm,P1,DT-A,2021,base,,01/01/2019")
    result = run("initiatives", bad)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "row 3, column author_codes: không tìm thấy cán bộ “NOPE”",
        "row 4, column unit_code: không tìm thấy đơn vị “NOWHERE”",
        "row 5, column scope: giá trị không hợp lệ “provincial” (dùng một trong: base, ministry, national)",
        "row 6, column decision_date: ngày không hợp lệ “31/02/2021” (dùng dd/mm/yyyy hoặc yyyy-mm-dd)",
        "row 7, column author_codes: một tác giả được nêu hai lần",
        "row 8, column code: bắt buộc, không được để trống",
        "row 8, column author_codes: bắt buộc, không được để trống",
        "row 8, column year: năm không hợp lệ “21” (dùng 4 chữ số, ví dụ 2021)",
        "row 9, column code: “SK1” trùng với dòng 2",
        "row 10, column decision_date: ngày quyết định trước năm thi đua 2021",
    ]
    assert counts(db) == before


def test_initiatives_are_checked_row_by_row_against_the_scope(db, org, staff):
    outside = ops.save_initiative("SK-TH", title="Ở Thanh Hóa", authors=[staff[3]], unit=org.th_a, year=2021,
                                  scope=InitiativeScope.BASE)
    assert outside.unit == org.th_a
    kind = OURS["initiatives"]
    rows = ["SK1,Trong phạm vi,P1,DT-A,2021,base,,", "SK2,Đơn vị ngoài,P1,TH-A,2021,base,,",
            "SK3,Tác giả ngoài,P1;P9,DT-A,2021,base,,", "SK-TH,Sáng kiến ngoài,P1,DT-A,2021,base,,"]
    table = Table(INITIATIVES.split(","), [(n, line.split(",")) for n, line in enumerate(rows, start=2)])
    result = preview_import(kind, table, actor=org.hr)
    assert [str(p) for p in result.problems] == [
        "row 3, column unit_code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn",
        "row 4, column author_codes: không tìm thấy cán bộ “P9”",  # outside the scope reads as unknown
        "row 5, column code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn",
    ]
    assert run_import(kind, Table(table.header, table.rows[:1]), actor=org.hr).ok


# --- award history -----------------------------------------------------------------------------------

def test_award_history_imports_then_updates_in_place(db, org, staff, run, tmp_path):
    good = csv_file(tmp_path, HISTORY, "P1,person,2020,LDTT,210/QĐ,25/09/2020,Cục trưởng",
                    "P1,person,2020,CSTDCS,211/QĐ,2020-09-25,Cục trưởng", "DT-A,unit,2021,TTLDTT,199/QĐ,,",
                    "DT-B,unit,2021,gk,,,")
    result = run("awards-history", good)
    assert result.exit_code == 0, result.output
    assert "(4 mới, 0 cập nhật)" in result.output
    held = db.session.scalars(select(AwardHolding).where(AwardHolding.person_id == staff[0].id)
                              .order_by(AwardHolding.decision_no)).all()
    assert [(h.award.code, h.year, h.decision_no, h.decision_date, h.issuer) for h in held] == [
        ("LDTT", 2020, "210/QĐ", date(2020, 9, 25), "Cục trưởng"),
        ("CSTDCS", 2020, "211/QĐ", date(2020, 9, 25), "Cục trưởng")]
    assert all(h.import_batch_id is not None for h in held)
    again = csv_file(tmp_path, HISTORY, "P1,person,2020,LDTT,210b/QĐ,26/09/2020,Phó Cục trưởng")
    result = run("awards-history", again)
    assert result.exit_code == 0 and "(0 mới, 1 cập nhật)" in result.output
    db.session.expire_all()
    updated = db.session.get(AwardHolding, held[0].id)
    assert (updated.decision_no, updated.issuer) == ("210b/QĐ", "Phó Cục trưởng")
    assert counts(db)["AwardHolding"] == 4


def test_a_bad_award_history_file_names_every_row_and_writes_nothing(db, org, staff, run, tmp_path):
    before = counts(db)
    bad = csv_file(tmp_path, HISTORY,
                   "P1,person,2021,LDTT,,,",
                   "P1,person,2021,XYZ,,,",
                   "P1,person,2021,TTLDTT,,,",
                   "DT-A,unit,2021,CSTDCS,,,",
                   "NOPE,person,2021,LDTT,,,",
                   "DT-A,group,2021,TTLDTT,,,",
                   "P1,person,2021,LDTT,,,")
    result = run("awards-history", bad)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("row 3, column award_code: không có danh hiệu “XYZ” (dùng một trong: LDTT, ")
    assert "BK_TTG" in lines[0]
    assert lines[1:] == [
        "row 4, column award_code: “TTLDTT” chỉ dành cho tập thể (subject_type unit)",
        "row 5, column award_code: “CSTDCS” chỉ dành cho cá nhân (subject_type person)",
        "row 6, column subject_code: không tìm thấy cán bộ “NOPE”",
        "row 7, column subject_type: giá trị không hợp lệ “group” (dùng một trong: person, unit)",
        "row 8, column subject_code: “P1 / person / 2021 / LDTT” trùng với dòng 2",
    ]
    assert counts(db) == before


def test_award_history_is_checked_row_by_row_against_the_scope(db, org, staff):
    kind = OURS["awards-history"]
    rows = ["P1,person,2021,LDTT,,,", "P9,person,2021,LDTT,,,", "TH-A,unit,2021,TTLDTT,,,"]
    table = Table(HISTORY.split(","), [(n, line.split(",")) for n, line in enumerate(rows, start=2)])
    result = preview_import(kind, table, actor=org.hr)
    assert [str(p) for p in result.problems] == [
        "row 3, column subject_code: đơn vị “TH-A” của cán bộ “P9” nằm ngoài phạm vi quản lý của bạn",
        "row 4, column subject_code: đơn vị “TH-A” nằm ngoài phạm vi quản lý của bạn",
    ]
    assert run_import(kind, Table(table.header, table.rows[:1]), actor=org.hr).ok


@pytest.mark.parametrize("kind", ["initiatives", "awards-history"])
def test_only_admin_or_hr_may_import(db, org, kind):
    from awards.core.errors import PermissionDenied

    table = Table(["x"], [])
    for user in (org.approver, org.proposer, org.viewer):
        with pytest.raises(PermissionDenied):
            preview_import(OURS[kind], table, actor=user)
    assert preview_import(OURS[kind], Table((INITIATIVES if kind == "initiatives" else HISTORY).split(","), []),
                          actor=org.hr).problems  # allowed: an empty file is a problem, not a refusal


# --- the documented examples ---------------------------------------------------------------------------

def test_documented_examples_import_cleanly_in_order(db, run):
    for kind in ("units", "people", "initiatives", "awards-history"):
        result = run(kind, EXAMPLES / f"{kind}.csv")
        assert result.exit_code == 0, (kind, result.stderr, result.exception)
        assert "(0 mới" not in result.output
    before = counts(db)
    for kind in ("initiatives", "awards-history"):  # again: every row updates itself
        result = run(kind, EXAMPLES / f"{kind}.csv")
        assert result.exit_code == 0, (kind, result.stderr, result.exception)
        assert "(0 mới, " in result.output
    after = counts(db)
    assert after["ImportBatch"] == before["ImportBatch"] + 2
    assert {k: v for k, v in after.items() if k != "ImportBatch"} == {
        k: v for k, v in before.items() if k != "ImportBatch"}
    # Consistent with the other examples: authors and subjects are the documented people and units.
    authors = db.session.scalars(select(Person.code).join(InitiativeAuthor)).all()
    assert set(authors) <= {"DT0001", "DT0002", "DT0003", "DT0004", "DT0005"}
    assert db.session.scalar(select(func.count()).select_from(InitiativeUse)) == 0
    assert db.session.scalar(select(Unit.code).join(AwardHolding, AwardHolding.unit_id == Unit.id)
                             .where(AwardHolding.year == 2021)) == "DT-LV"
