"""The demo seed: what it contains, that it is deterministic, and that its logins and scopes work."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from awards.extensions import db as _db
from awards.org import demo
from awards.org.models import (
    Cluster,
    ClusterRole,
    Discipline,
    DisciplineLevel,
    EmulationYear,
    Person,
    RatingLevel,
    Role,
    Unit,
    UnitKind,
    User,
    YearlyRating,
)
from awards.org.permissions import can_view_unit, visible_unit_ids
from tests.conftest import rolled_back
from tests.factories import make_unit

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_LOGINS = {
    "admin": (Role.ADMIN, "TCTHADS"),
    "hr": (Role.HR, "DT"),
    "approver": (Role.APPROVER, "DT"),
    "secretary": (Role.SECRETARY, "DT"),
    "proposer": (Role.PROPOSER, "DT-LAPVO"),
    # The personnel division proposes for the Cục's own divisions (one assignment per division).
    "tccb": [(Role.PROPOSER, unit) for unit in ("DT-VP", "DT-NV", "DT-KTKN", "DT-TCCB", "DT-KHTC")],
    **{f"member{n}": (Role.COUNCIL_MEMBER, "DT") for n in range(1, 10)},
    "viewer": (Role.VIEWER, "TH"),
}


def _cheapen_hashing(mp: pytest.MonkeyPatch) -> None:
    # scrypt (~80 ms a user) is the point in production, not here; check_password verifies either hash.
    import awards.org.models

    mp.setattr(awards.org.models, "generate_password_hash", partial(generate_password_hash, method="pbkdf2:sha256:1"))


@pytest.fixture()
def cheap_hashing(monkeypatch):
    _cheapen_hashing(monkeypatch)


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture()
def cli(app, db):
    return lambda *args: invoke(app, *args)


@pytest.fixture(scope="class")
def demo_db(app):
    """The demo seeded once for a class of read-only tests, then rolled back.

    The same isolation as conftest's ``db`` (one outer transaction; commits only release savepoints),
    held for a class instead of a test: a seed costs half a second or more, and these tests only read (or
    undo what they change).
    """
    with rolled_back(app) as isolated, pytest.MonkeyPatch.context() as mp:
        _cheapen_hashing(mp)
        result = invoke(app, "seed-demo")
        assert result.exit_code == 0, result.output
        yield isolated


# ``_db.session`` is the session of whichever isolation is active: conftest's ``db`` or ``demo_db``.
def unit(code: str) -> Unit:
    return _db.session.scalar(select(Unit).where(Unit.code == code))


def count(model, *where) -> int:
    return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def all_of(model) -> list:
    return _db.session.scalars(select(model)).all()


def subtree_codes(root: Unit) -> set[str]:
    codes, todo = set(), [root]
    while todo:
        node = todo.pop()
        codes.add(node.code)
        todo += node.children
    return codes


def ids_under(code: str) -> list[int]:
    return [u.id for u in all_of(Unit) if u.code in subtree_codes(unit(code))]


# --- determinism -----------------------------------------------------------------------------------

def _plan_digest_in_new_process(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run([sys.executable, "-c", "from awards.org.demo import build_plan; print(build_plan().digest())"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_plan_is_the_same_in_every_process():
    # Another hash seed changes the iteration order of sets and str-keyed hashes: a plan that relied on it
    # would differ in a new process.
    hash_seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    here = demo.build_plan().digest()
    assert _plan_digest_in_new_process(hash_seed) == here
    assert demo.build_plan(seed=demo.SEED + 1).digest() != here  # the digest does see the generated content


# --- one shared seed for the read-only checks -------------------------------------------------------

@pytest.mark.usefixtures("demo_db")
class TestSeededDemo:
    def test_seed_stores_exactly_the_plan(self):
        # Two seeds are equal if each equals the plan, and the plan is the same in every process (test above).
        plan = demo.build_plan()
        assert demo.database_canonical() == plan.canonical()
        assert demo.database_digest() == plan.digest()

    def test_dong_thap_has_its_divisions_branches_and_about_155_staff(self):
        dt = unit("DT")
        assert dt.parent.code == "TCTHADS"
        assert (dt.kind, dt.legal_personality, dt.document_code, dt.place) == (
            UnitKind.PROVINCIAL_DEPARTMENT, True, "CTHADS", "Đồng Tháp")
        kinds = [child.kind for child in dt.children]
        assert kinds.count(UnitKind.DIVISION) == 5
        assert kinds.count(UnitKind.DISTRICT_BRANCH) == 12
        branches = [c for c in dt.children if c.kind is UnitKind.DISTRICT_BRANCH]
        assert all(b.legal_personality and b.document_code == "CCTHADS" and b.place for b in branches)
        assert "Chi cục THADS huyện Lấp Vò" in {b.name for b in branches}

        staff = count(Person, Person.unit_id.in_(ids_under("DT")))
        assert 145 <= staff <= 165
        assert {b.code for b in branches} <= {p.unit.code for p in all_of(Person)}

    def test_positions_and_genders_are_plausible(self):
        people = all_of(Person)
        positions = {p.position for p in people}
        assert {"Cục trưởng", "Phó Cục trưởng", "Chi cục trưởng", "Phó Chi cục trưởng", "Trưởng phòng",
                "Chấp hành viên trung cấp", "Chấp hành viên sơ cấp", "Thẩm tra viên", "Thư ký thi hành án",
                "Chuyên viên", "Kế toán"} <= positions
        # Every Đồng Tháp branch has exactly one head; the Cục exactly one Cục trưởng.
        heads = [p.unit.code for p in people if p.position == "Chi cục trưởng" and p.unit.code.startswith("DT-")]
        assert len(heads) == len(set(heads)) == 12
        assert [p.unit.code for p in people if p.position == "Cục trưởng"].count("DT") == 1
        # Vietnamese middle names follow gender: "Thị" is only ever a woman's, "Văn" a man's.
        for p in people:
            middle = p.full_name.split()[1]
            if middle == "Thị":
                assert p.gender.value == "female", p.full_name
            if middle == "Văn":
                assert p.gender.value == "male", p.full_name
            assert p.birth_date < p.hire_date <= date(2018, 9, 30)
        assert len({p.full_name for p in people}) == len(people)

    def test_everyone_and_every_unit_is_rated_2019_to_2021(self):
        for year in (2019, 2020, 2021):
            assert count(YearlyRating, YearlyRating.year == year, YearlyRating.person_id.is_not(None)) \
                == count(Person)
            assert count(YearlyRating, YearlyRating.year == year, YearlyRating.unit_id.is_not(None)) \
                == count(Unit)
        spread = dict(_db.session.execute(select(YearlyRating.rating, func.count()).where(
            YearlyRating.person_id.is_not(None)).group_by(YearlyRating.rating)).all())
        # Mostly HTTNV, some HTXSNV, a few HTNV, KHTNV rare.
        assert spread[RatingLevel.HTTNV] > spread[RatingLevel.HTXSNV] > spread[RatingLevel.HTNV] \
            > spread.get(RatingLevel.KHTNV, 0) >= 1

    def test_emulation_years_use_the_thads_bounds(self):
        years = sorted(all_of(EmulationYear), key=lambda y: y.label)
        assert [(y.label, y.start_date, y.end_date) for y in years] == [
            (label, date(label - 1, 10, 1), date(label, 9, 30)) for label in (2019, 2020, 2021, 2022)]

    def test_discipline_and_a_pending_complaint(self):
        records = all_of(Discipline)
        reprimands_2021 = [d for d in records if d.level is DisciplineLevel.KHIEN_TRACH and d.start_date.year == 2021]
        assert len(reprimands_2021) == 1 and reprimands_2021[0].reason
        assert any(d.level is DisciplineLevel.CANH_CAO for d in records)
        assert all(d.end_date is None or d.start_date <= d.end_date for d in records)
        assert count(Person, Person.complaint_pending.is_(True)) == 1

    def test_names_are_effective_dated(self):
        hong_ngu = unit("DT-HONGNGU-TP")
        assert hong_ngu.name_on(date(2019, 12, 31)) == "Chi cục THADS thị xã Hồng Ngự"
        assert hong_ngu.name_on(date(2020, 6, 30)) == "Chi cục THADS thị xã Hồng Ngự"
        assert hong_ngu.name_on(date(2021, 9, 30)) == "Chi cục THADS thành phố Hồng Ngự"
        assert hong_ngu.name == "Chi cục THADS thành phố Hồng Ngự"

        # A 2021 decision prints the 2021 names; the 2025 reorganisation renamed the top two levels.
        assert unit("DT").name_on(date(2021, 12, 31)) == "Cục Thi hành án dân sự tỉnh Đồng Tháp"
        assert unit("DT").name_on(date(2025, 6, 30)) == "Cục Thi hành án dân sự tỉnh Đồng Tháp"
        assert unit("DT").name_on(date(2025, 7, 1)) == "Thi hành án dân sự tỉnh Đồng Tháp"
        assert unit("TCTHADS").name_on(date(2021, 1, 1)) == "Tổng cục Thi hành án dân sự"
        assert unit("TCTHADS").name_on(date(2025, 7, 1)) == "Cục Quản lý thi hành án dân sự"
        assert unit("TH").name_on(date(2021, 1, 1)) == "Cục Thi hành án dân sự tỉnh Thanh Hóa"

    def test_thanh_hoa_cluster_3_has_its_seven_branches_with_leader_and_deputy(self):
        cluster = _db.session.scalar(select(Cluster).where(Cluster.code == "TH-CUM3"))
        assert (cluster.name, cluster.organiser.code) == ("Cụm thi đua số 3", "TH")
        for year in (2019, 2020, 2021):
            members = {m.unit.name_on(date(year, 9, 30)): m.role for m in cluster.members_in(year)}
            assert set(members) == {f"Chi cục THADS huyện {d}" for d in (
                "Bá Thước", "Quan Hóa", "Cẩm Thủy", "Ngọc Lặc", "Quan Sơn", "Mường Lát", "Thường Xuân")}
            assert members["Chi cục THADS huyện Quan Sơn"] is ClusterRole.LEADER
            assert members["Chi cục THADS huyện Thường Xuân"] is ClusterRole.DEPUTY
            assert list(members.values()).count(ClusterRole.MEMBER) == 5
            assert all(m.unit.parent.code == "TH" for m in cluster.members_in(year))
        assert count(Person, Person.unit_id.in_(ids_under("TH"))) >= 5

    def test_every_demo_user_logs_in_with_demo_and_has_the_right_role_and_scope(self, app):
        users = {u.username: u for u in all_of(User)}
        assert set(users) == set(EXPECTED_LOGINS)
        for username, expected in EXPECTED_LOGINS.items():
            user = users[username]
            assert sorted((ra.role, ra.unit.code) for ra in user.roles) == sorted(
                expected if isinstance(expected, list) else [expected])
            # A fresh app context per user: requests reuse the current one, whose ``g`` would carry the
            # previous user (Flask-Login keeps it there) into this login.
            with app.app_context():
                client = app.test_client()
                wrong = client.post("/login", data={"username": username, "password": "not-demo"})
                assert wrong.status_code == 401, username
                response = client.post("/login", data={"username": username, "password": "demo"})
                assert response.status_code == 302, username
                with client.session_transaction() as session:
                    assert session["_user_id"] == str(user.id)
            with app.app_context():
                assert client.get("/").status_code == 200

        assert users["approver"].person.position == "Cục trưởng"
        assert users["approver"].person.unit.code == "DT"
        members = [users[f"member{n}"].person for n in range(1, 10)]
        assert len({m.id for m in members}) == 9
        dt_units = subtree_codes(unit("DT"))
        assert all(m.unit.code in dt_units for m in members)

    def test_proposer_cannot_open_another_branch(self, app):
        with app.app_context():
            client = app.test_client()
            assert client.post("/login", data={"username": "proposer", "password": "demo"}).status_code == 302
        for code, status in (("DT-LAPVO", 200), ("DT-LAIVUNG", 404), ("DT", 404), ("TH-QUANSON", 404)):
            with app.app_context():
                assert client.get(f"/units/{code}").status_code == status, code
        other = _db.session.scalar(select(Person).join(Unit, Person.unit_id == Unit.id)
                                   .where(Unit.code == "DT-LAIVUNG").limit(1))
        own = _db.session.scalar(select(Person).join(Unit, Person.unit_id == Unit.id)
                                 .where(Unit.code == "DT-LAPVO").limit(1))
        with app.app_context():
            assert client.get(f"/people/{own.code}").status_code == 200
        with app.app_context():
            assert client.get(f"/people/{other.code}").status_code == 404

    def test_demo_users_see_only_their_scope(self):
        users = {u.username: u for u in all_of(User)}
        lap_vo, lai_vung, dt, th = (unit(c) for c in ("DT-LAPVO", "DT-LAIVUNG", "DT", "TH-QUANSON"))
        proposer = users["proposer"]
        assert can_view_unit(proposer, lap_vo)
        assert not can_view_unit(proposer, lai_vung)  # another branch of the same province
        assert not can_view_unit(proposer, dt)
        assert visible_unit_ids(proposer) == {lap_vo.id}
        assert can_view_unit(users["hr"], lai_vung) and not can_view_unit(users["hr"], th)
        assert can_view_unit(users["viewer"], th) and not can_view_unit(users["viewer"], lap_vo)
        assert len(visible_unit_ids(users["admin"])) == count(Unit)

    def test_demo_logins_prints_the_table(self, app):
        result = invoke(app, "users", "demo-logins")
        assert result.exit_code == 0
        lines = result.output.splitlines()
        for username, expected in EXPECTED_LOGINS.items():
            _role, scope = sorted(expected)[0] if isinstance(expected, list) else expected
            row = next(line for line in lines if line.split()[0] == username)
            assert f"{scope} –" in row and row.rstrip().endswith("demo")

    def test_demo_logins_says_when_a_demo_password_was_changed(self, app):
        changed = _db.session.begin_nested()  # undone below, so the class's seed stays as planned
        try:
            _db.session.scalar(select(User).where(User.username == "hr")).set_password("Changed-pass-1")
            _db.session.flush()
            lines = invoke(app, "users", "demo-logins").output.splitlines()
        finally:
            changed.rollback()
        assert "(đã đổi)" in next(line for line in lines if line.split()[0] == "hr")
        assert "(đã đổi)" not in next(line for line in lines if line.split()[0] == "admin")

    def test_seed_refuses_a_database_that_has_units(self, app):
        before = demo.database_digest()
        result = invoke(app, "seed-demo")
        assert result.exit_code == 1
        assert "chỉ được nạp vào cơ sở dữ liệu trống" in result.output
        assert demo.database_digest() == before


# --- tests that need their own database ------------------------------------------------------------

def test_demo_logins_without_demo_data_says_so(cli):
    result = cli("users", "demo-logins")
    assert result.exit_code == 0
    assert "Chưa có dữ liệu demo" in result.output


def test_if_empty_twice_is_harmless(db, cli, cheap_hashing):
    first = cli("seed-demo", "--if-empty")
    assert first.exit_code == 0 and "Đã nạp dữ liệu demo" in first.output
    after_first = demo.database_digest()
    second = cli("seed-demo", "--if-empty")
    assert second.exit_code == 0
    assert "không nạp dữ liệu demo" in second.output
    assert demo.database_digest() == after_first


def test_if_empty_leaves_a_real_database_alone(db, cli):
    make_unit("REAL", name="Đơn vị thật")
    assert cli("seed-demo", "--if-empty").exit_code == 0
    assert count(Unit) == 1 and count(Person) == 0 and count(User) == 0
    refused = cli("seed-demo")
    assert refused.exit_code == 1
    assert count(Unit) == 1 and count(User) == 0
