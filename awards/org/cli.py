"""Command-line tools for the organisation: the demo seed and user accounts.

Each command writes through ``awards.org.operations`` and commits once, at its end; on any problem it
rolls back, prints a Vietnamese message on stderr and exits with status 1, so nothing is half-written.
"""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from awards.core.errors import AwardsError
from awards.core.formatting import number
from awards.extensions import db
from awards.initiatives import demo as initiatives_demo
from awards.metrics import demo as metrics_demo
from awards.nominations import demo as nominations_demo
from awards.clusters import demo as clusters_demo
from awards.councils import demo as councils_demo
from awards.decisions import demo as decisions_demo
from awards.org import demo
from awards.org import operations as ops
from awards.org.labels import ROLE_LABELS, label
from awards.org.models import Person, Role, Unit, User

users_cli = AppGroup("users", help="Quản lý tài khoản người dùng.")


def _fail(*problems: str, hint: str | None = None) -> None:
    db.session.rollback()
    for problem in problems:
        click.echo(f"Lỗi: {problem}", err=True)
    if hint:
        click.echo(hint, err=True)
    raise click.exceptions.Exit(1)


def _role_label(role: Role) -> str:
    return label(ROLE_LABELS, role)


# --- seed-demo ---------------------------------------------------------------------------------------

@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True,
              help="Bỏ qua (không báo lỗi) nếu cơ sở dữ liệu đã có đơn vị; `make run` dùng tuỳ chọn này.")
def seed_demo_command(if_empty: bool) -> None:
    """Nạp dữ liệu demo (Tổng cục, Cục THADS Đồng Tháp và Thanh Hóa, cán bộ, tài khoản) vào cơ sở dữ liệu trống."""
    try:
        occupied = demo.has_units()
    except (OperationalError, ProgrammingError):
        _fail("Cơ sở dữ liệu chưa có bảng. Hãy chạy `flask --app wsgi db upgrade` trước.")
    if occupied:
        if if_empty:
            click.echo("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu demo.")
            return
        # Mixing the demo into real records would leave demo users with password "demo" in production.
        _fail("Cơ sở dữ liệu đã có đơn vị; dữ liệu demo chỉ được nạp vào cơ sở dữ liệu trống.",
              hint="Để làm lại dữ liệu demo: xoá instance/awards.db rồi chạy `make run`.")
    started = time.perf_counter()
    try:
        plan, counts = demo.seed_demo()
        counts |= metrics_demo.seed_metrics(plan)
        counts |= clusters_demo.seed_cluster_scoring()
        counts |= initiatives_demo.seed_initiatives(plan)
        counts |= nominations_demo.seed_nominations()
        counts |= councils_demo.seed_councils()
        counts |= decisions_demo.seed_decisions()
        db.session.commit()
    except AwardsError as exc:
        _fail(f"Không nạp được dữ liệu demo: {exc.message}")
    elapsed = time.perf_counter() - started
    click.echo(f"Đã nạp dữ liệu demo trong {number(elapsed, 2)} giây: {counts['units']} đơn vị, "
               f"{counts['people']} người, {counts['ratings']} kết quả xếp loại, {counts['disciplines']} kỷ luật, "
               f"{counts['clusters']} cụm thi đua, {counts['metric_reports']} báo cáo số liệu thi hành án, "
               f"{counts['metric_targets']} chỉ tiêu, {counts['initiatives']} sáng kiến, "
               f"{counts['award_holdings']} khen thưởng đã có, {counts['nominations']} hồ sơ đề nghị trong "
               f"{counts['nomination_batches']} tờ trình, {counts['council_sessions']} phiên họp Hội đồng, "
               f"{counts['decisions']} quyết định khen thưởng, "
               f"{counts['users']} tài khoản "
               f"(mật khẩu: {demo.DEMO_PASSWORD}).")


# --- users -------------------------------------------------------------------------------------------

ROLE_CODES = ", ".join(r.value for r in Role)


@users_cli.command("create")
@click.argument("name")
@click.option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu",
              help="Mật khẩu (nếu bỏ trống sẽ được hỏi, không hiện trên màn hình).")
@click.option("--person", "person_code", metavar="CODE", help="Mã người (cán bộ) gắn với tài khoản.")
@click.option("--role", "roles", multiple=True, metavar="ROLE", help=f"Vai trò: {ROLE_CODES}. Lặp lại được.")
@click.option("--unit", "units", multiple=True, metavar="CODE",
              help="Mã đơn vị phạm vi của vai trò cùng thứ tự. Lặp lại được.")
def create_user_command(name: str, password: str, person_code: str | None, roles: tuple[str, ...],
                        units: tuple[str, ...]) -> None:
    """Tạo tài khoản NAME với các cặp --role/--unit (ghép theo thứ tự)."""
    name = name.strip()
    problems: list[str] = []
    if not name:
        problems.append("Tên đăng nhập không được để trống.")
    elif len(name) > User.username.type.length:
        problems.append(f"Tên đăng nhập dài quá {User.username.type.length} ký tự.")
    elif db.session.scalar(select(User.id).where(User.username == name)) is not None:
        problems.append(f"Tên đăng nhập “{name}” đã tồn tại.")
    try:
        ops.check_password_policy(password)
    except AwardsError as exc:
        problems.append(exc.message)

    if not roles and not units:
        problems.append("Cần ít nhất một cặp --role ROLE --unit CODE.")
    elif len(roles) != len(units):
        problems.append(f"Có {len(roles)} --role nhưng {len(units)} --unit: mỗi vai trò đi với đúng một đơn vị, "
                        "ghép theo thứ tự.")
    found_roles = []
    for role_code in roles:
        role = next((r for r in Role if r.value == role_code.strip()), None)
        if role is None:
            problems.append(f"Vai trò “{role_code}” không tồn tại (các vai trò: {ROLE_CODES}).")
        found_roles.append(role)
    found_units = []
    for unit_code in units:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip()))
        if unit is None:
            problems.append(f"Không có đơn vị mã “{unit_code}”.")
        found_units.append(unit)
    pairs: list[tuple[Role, Unit]] = list(zip(found_roles, found_units, strict=False))

    person = None
    if person_code:
        person = db.session.scalar(select(Person).where(Person.code == person_code.strip()))
        if person is None:
            problems.append(f"Không có người mã “{person_code}”.")
    if problems:
        _fail(*problems)

    try:
        user = ops.create_user(name, password, roles=pairs, person=person)
        db.session.commit()
    except AwardsError as exc:
        _fail(exc.message)
    scopes = "; ".join(f"{_role_label(r)} ({r.value}) tại {u.code}" for r, u in pairs)
    linked = f", gắn với {person.code} – {person.full_name}" if person else ""
    click.echo(f"Đã tạo tài khoản “{user.username}”: {scopes}{linked}.")


@users_cli.command("token")
@click.argument("name")
def token_command(name: str) -> None:
    """In ra một API token mới cho tài khoản NAME (chỉ lưu mã băm, không xem lại được)."""
    user = db.session.scalar(select(User).where(User.username == name.strip()))
    if user is None:
        _fail(f"Không có tài khoản “{name}”.")
    if not user.active:
        _fail(f"Tài khoản “{name}” đang bị khoá; token của nó sẽ không dùng được.")
    token = ops.issue_api_token(user)
    db.session.commit()
    # The token alone on stdout, so scripts can capture it; the advice goes to stderr.
    click.echo(token)
    click.echo("Lưu token này ngay: hệ thống chỉ giữ mã băm, không hiển thị lại được. "
               "Dùng: Authorization: Bearer <token>", err=True)


@users_cli.command("demo-logins")
def demo_logins_command() -> None:
    """In bảng tài khoản demo (tên đăng nhập, vai trò, đơn vị, mật khẩu)."""
    found = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(demo.DEMO_USERNAMES)))}
    if not found:
        click.echo("Chưa có dữ liệu demo: không có tài khoản demo nào.")
        return
    rows = _demo_login_rows(found)
    headers = ("Tên đăng nhập", "Vai trò", "Đơn vị", "Cán bộ", "Mật khẩu")
    widths = [max(len(str(row[i])) for row in (headers, *rows)) for i in range(len(headers))]
    click.echo("Tài khoản demo:")
    for row in (headers, tuple("-" * w for w in widths), *rows):
        click.echo("  " + "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _demo_login_rows(found: dict[str, User]) -> list[tuple[str, ...]]:
    rows = []
    for username in demo.DEMO_USERNAMES:
        user = found.get(username)
        if user is None:
            continue
        # Checked, not assumed: someone may have changed a demo password since the seed.
        password = demo.DEMO_PASSWORD if user.check_password(demo.DEMO_PASSWORD) else "(đã đổi)"
        person = f"{user.person.full_name} ({user.person.position})" if user.person else ""
        for ra in sorted(user.roles, key=lambda r: (r.role.value, r.unit.code)):
            rows.append((username, _role_label(ra.role), f"{ra.unit.code} – {ra.unit.name}", person, password))
    return rows
