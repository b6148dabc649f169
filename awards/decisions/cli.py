"""``flask --app wsgi decisions render ID -o FILE.pdf`` and ``decisions certificates ID -o FILE.pdf``;
``flask --app wsgi keys demo`` (a self-signed demo signing key)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

decisions_cli = AppGroup("decisions", help="Quyết định khen thưởng: in quyết định, giấy khen.")
keys_cli = AppGroup("keys", help="Khóa ký số của đơn vị ban hành.")


@decisions_cli.command("render")
@click.argument("decision_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Tệp PDF cần ghi.")
def render_command(decision_id: int, output: str) -> None:
    """Ghi quyết định ra tệp PDF: bản đã lưu khi ban hành (đúng từng byte), hoặc dự thảo in lại lúc này."""
    from pathlib import Path

    from awards.decisions import documents
    from awards.decisions.models import Decision
    from awards.documents.render import render_pdf, sha256
    from awards.extensions import db

    decision = db.session.get(Decision, decision_id)
    if decision is None:
        # On stderr without click's English "Error:" prefix, exit status 1.
        click.echo(f"Không tìm thấy quyết định có id {decision_id}.", err=True)
        raise click.exceptions.Exit(1)
    if decision.pdf is not None:
        content, what = decision.pdf.content, f"bản đã ban hành {decision.number_text}"
    elif decision.state == "draft":
        content, what = render_pdf("decision.html", documents.decision_context(decision)), "dự thảo (chưa có số)"
    else:
        click.echo(f"Quyết định id {decision_id} là quyết định của cấp trên được ghi nhận: không có tệp PDF.", err=True)
        raise click.exceptions.Exit(1)
    Path(output).write_bytes(content)
    click.echo(f"Đã ghi {output}: {what}, {len(content)} byte, SHA-256 {sha256(content)}.")


@decisions_cli.command("certificates")
@click.argument("decision_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Tệp PDF cần ghi.")
def certificates_command(decision_id: int, output: str) -> None:
    """Ghi giấy khen của một quyết định đã ban hành ra tệp PDF (mỗi người một trang, theo số sổ vàng), ngay tại
    đây, không qua hàng đợi; không thay đổi cơ sở dữ liệu."""
    import time
    from pathlib import Path

    from awards.core.errors import AwardsError
    from awards.decisions.certificates import render_decision_certificates
    from awards.decisions.models import Decision
    from awards.documents.render import sha256
    from awards.extensions import db

    decision = db.session.get(Decision, decision_id)
    if decision is None:
        click.echo(f"Không tìm thấy quyết định có id {decision_id}.", err=True)
        raise click.exceptions.Exit(1)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        click.echo(f"  {done}/{total} giấy khen", err=True)

    try:
        content = render_decision_certificates(decision, progress=progress)
    except AwardsError as exc:
        click.echo(exc.message, err=True)
        raise click.exceptions.Exit(1) from None
    Path(output).write_bytes(content)
    click.echo(f"Đã ghi {output}: giấy khen của Quyết định số {decision.number_text}, {len(content)} byte, "
               f"{time.perf_counter() - started:.1f} giây, SHA-256 {sha256(content)}.")


# --- keys: the issuers' PKCS#12 signing keys (awards.decisions.signing); each command commits once, at its end ---

def _keys_fail(message: str) -> None:
    from awards.extensions import db

    db.session.rollback()
    click.echo(f"Lỗi: {message}", err=True)
    raise click.exceptions.Exit(1)


def _keys_unit(code: str | None):
    from sqlalchemy import select

    from awards.decisions import signing
    from awards.extensions import db
    from awards.org.models import Unit

    if code is None:
        unit = signing.demo_unit()
        if unit is None:
            _keys_fail("Không có đơn vị nào có tư cách pháp nhân và ký hiệu văn bản. Hãy chạy `flask --app wsgi "
                       "seed-demo` hoặc chỉ rõ --unit MÃ_ĐƠN_VỊ.")
        return unit
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        _keys_fail(f"Không có đơn vị mã “{code}”.")
    return unit


def _keys_store(make) -> None:
    """Run ``make()`` (→ (key, replaced)), commit, and say what happened in Vietnamese."""
    from awards.core.errors import AwardsError
    from awards.core.formatting import short_date
    from awards.extensions import db

    try:
        key, replaced = make()
        db.session.commit()
    except AwardsError as exc:
        _keys_fail(exc.message)
    click.echo(f"Đã lưu khóa ký số cho {key.unit.code} ({key.unit.name}): chứng thư “{key.subject}”, "
               f"hiệu lực đến {short_date(key.not_after)}.")
    if replaced:
        click.echo("Khóa cũ của đơn vị đã được thay: các quyết định đã ký bằng khóa cũ vẫn còn nguyên chữ ký, nhưng "
                   "sẽ được báo là không khớp chứng thư số đang cấu hình.")
    click.echo("Từ nay các quyết định do đơn vị này ban hành được ký số (PAdES) khi ban hành.")


@keys_cli.command("demo")
@click.option("--unit", "unit_code", default=None, metavar="MÃ_ĐƠN_VỊ",
              help="Đơn vị ban hành (mặc định: DT, hoặc đơn vị đầu tiên có tư cách pháp nhân và ký hiệu văn bản).")
def keys_demo_command(unit_code: str | None) -> None:
    """Tạo khóa ký số tự ký (demo) cho đơn vị ban hành: RSA 2048, chứng thư 5 năm; chạy lại thì thay khóa cũ."""
    from awards.decisions import signing

    unit = _keys_unit(unit_code)
    click.echo("Đang tạo khóa RSA 2048 bit và chứng thư số tự ký (CHỈ DÙNG ĐỂ DEMO, không có giá trị pháp lý)…")
    _keys_store(lambda: signing.make_demo_key(unit))


@keys_cli.command("import")
@click.argument("unit_code", metavar="MÃ_ĐƠN_VỊ")
@click.argument("file", type=click.Path(exists=True, dir_okay=False), metavar="TỆP.p12")
@click.option("--passphrase", default=None, help="Mật khẩu của tệp khóa (không nhập thì được hỏi, không hiện).")
def keys_import_command(unit_code: str, file: str, passphrase: str | None) -> None:
    """Nhập khóa ký số thật (tệp PKCS#12 .p12/.pfx) cho đơn vị ban hành; thay khóa cũ nếu có."""
    from pathlib import Path

    from awards.decisions import signing

    unit = _keys_unit(unit_code)
    if passphrase is None:
        passphrase = click.prompt("Mật khẩu của tệp khóa", hide_input=True, default="", show_default=False)
    data = Path(file).read_bytes()
    _keys_store(lambda: signing.store_key(unit, data, passphrase, actor=None))


@keys_cli.command("list")
def keys_list_command() -> None:
    """Liệt kê các đơn vị đã có khóa ký số (chứng thư, hạn dùng)."""
    from sqlalchemy import select

    from awards.core.formatting import short_date
    from awards.decisions.models import SigningKey
    from awards.extensions import db
    from awards.org.models import Unit

    keys = db.session.scalars(select(SigningKey).join(Unit).order_by(Unit.code)).all()
    if not keys:
        click.echo("Chưa đơn vị nào có khóa ký số: quyết định được ban hành không có chữ ký số.")
        return
    for key in keys:
        click.echo(f"{key.unit.code}  {key.subject}  hiệu lực đến {short_date(key.not_after)}")


@keys_cli.command("remove")
@click.argument("unit_code", metavar="MÃ_ĐƠN_VỊ")
def keys_remove_command(unit_code: str) -> None:
    """Gỡ khóa ký số của đơn vị: các quyết định ban hành sau đó không được ký số."""
    from awards.core.errors import AwardsError
    from awards.decisions import signing
    from awards.extensions import db

    unit = _keys_unit(unit_code)
    try:
        signing.remove_key(unit, actor=None)
        db.session.commit()
    except AwardsError as exc:
        _keys_fail(exc.message)
    click.echo(f"Đã gỡ khóa ký số của {unit.code}: các quyết định ban hành sau đó không được ký số.")


__all__ = ["click", "decisions_cli", "keys_cli"]
