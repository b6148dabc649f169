"""`flask users create` and `flask users token`: what they write, and that a refusal writes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from awards.org.models import ApiToken, Role, User
from tests.factories import make_person, make_user

GOOD_PASSWORD = "Mat-khau-2021"


@pytest.fixture()
def cli(app, db):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=list(args), **kw)


def user_named(db, name: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == name))


def user_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


# --- create ----------------------------------------------------------------------------------------

def test_create_pairs_roles_with_units_in_order_and_links_the_person(db, cli, org):
    person = make_person(org.dt, "DT-P1", full_name="Nguyễn Văn An")
    result = cli("users", "create", "an", "--password", GOOD_PASSWORD, "--person", "DT-P1",
                 "--role", "council_member", "--unit", "DT", "--role", "proposer", "--unit", "DT-A")
    assert result.exit_code == 0, result.output
    assert "Đã tạo tài khoản “an”" in result.output

    user = user_named(db, "an")
    assert sorted((ra.role, ra.unit.code) for ra in user.roles) == [
        (Role.COUNCIL_MEMBER, "DT"), (Role.PROPOSER, "DT-A")]
    assert user.person == person
    assert user.active
    assert user.check_password(GOOD_PASSWORD) and not user.check_password("demo")
    assert GOOD_PASSWORD not in user.password_hash


def test_create_asks_for_the_password_when_not_given(db, cli, org):
    result = cli("users", "create", "binh", "--role", "viewer", "--unit", "TH",
                 input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert GOOD_PASSWORD not in result.output  # hidden input
    assert user_named(db, "binh").check_password(GOOD_PASSWORD)


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--password", GOOD_PASSWORD], "Cần ít nhất một cặp --role", id="no pair"),
    pytest.param(["--password", GOOD_PASSWORD, "--role", "hr", "--role", "viewer", "--unit", "DT"],
                 "Có 2 --role nhưng 1 --unit", id="more roles than units"),
    pytest.param(["--password", GOOD_PASSWORD, "--role", "hr", "--unit", "DT", "--unit", "TH"],
                 "Có 1 --role nhưng 2 --unit", id="more units than roles"),
    pytest.param(["--password", GOOD_PASSWORD, "--role", "chief", "--unit", "DT"],
                 "Vai trò “chief” không tồn tại", id="unknown role"),
    pytest.param(["--password", GOOD_PASSWORD, "--role", "hr", "--unit", "NOWHERE"],
                 "Không có đơn vị mã “NOWHERE”", id="unknown unit"),
    pytest.param(["--password", GOOD_PASSWORD, "--person", "NOBODY", "--role", "hr", "--unit", "DT"],
                 "Không có người mã “NOBODY”", id="unknown person"),
    pytest.param(["--password", "short1", "--role", "hr", "--unit", "DT"],
                 "Mật khẩu phải có ít nhất 8 ký tự", id="too short"),
    pytest.param(["--password", "onlyletters", "--role", "hr", "--unit", "DT"],
                 "Mật khẩu phải có ít nhất 8 ký tự, gồm cả chữ và số", id="no digit"),
    pytest.param(["--password", "demo", "--role", "hr", "--unit", "DT"],
                 "Mật khẩu phải có ít nhất 8 ký tự", id="demo password is for the seed only"),
])
def test_create_refuses_with_a_message_and_writes_nothing(db, cli, org, args, message):
    before = user_count(db)
    result = cli("users", "create", "moi", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.startswith("Lỗi: ")
    assert user_named(db, "moi") is None
    assert user_count(db) == before


def test_create_refuses_a_taken_name_and_leaves_the_account_alone(db, cli, org):
    result = cli("users", "create", "t_hr", "--password", GOOD_PASSWORD, "--role", "admin", "--unit", "TC")
    assert result.exit_code == 1
    assert "Tên đăng nhập “t_hr” đã tồn tại" in result.output
    existing = user_named(db, "t_hr")
    assert [(ra.role, ra.unit.code) for ra in existing.roles] == [(Role.HR, "DT")]
    assert not existing.check_password(GOOD_PASSWORD)


def test_create_lists_every_problem_at_once(db, cli, org):
    result = cli("users", "create", "moi", "--password", "abc", "--person", "NOBODY",
                 "--role", "chief", "--unit", "NOWHERE")
    assert result.exit_code == 1
    for message in ("Mật khẩu phải có", "Vai trò “chief”", "đơn vị mã “NOWHERE”", "người mã “NOBODY”"):
        assert message in result.output
    assert user_named(db, "moi") is None


# --- token -----------------------------------------------------------------------------------------

def test_token_prints_a_new_token_and_stores_only_its_hash(db, cli, org):
    result = cli("users", "token", "t_viewer")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert len(token) >= 32 and "\n" not in token

    stored = db.session.scalar(ApiToken.lookup(token))
    assert stored is not None and stored.user == org.viewer
    assert stored.token_hash != token
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.token_hash == token)) == 0

    again = cli("users", "token", "t_viewer").stdout.strip()
    assert again != token
    assert db.session.scalar(ApiToken.lookup(token)) is not None  # a new token does not revoke the old one


def test_token_refuses_an_unknown_or_inactive_account(db, cli, org):
    unknown = cli("users", "token", "nobody")
    assert unknown.exit_code == 1
    assert "Không có tài khoản “nobody”" in unknown.output

    make_user("locked", (Role.VIEWER, org.th), active=False)
    inactive = cli("users", "token", "locked")
    assert inactive.exit_code == 1
    assert "đang bị khoá" in inactive.output
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
