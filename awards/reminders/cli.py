"""``flask --app wsgi notify send-due [--days N]``: the daily reminder run, for cron.

Example crontab line (every morning at 7:00, Vietnam time)::

    0 7 * * *  cd /srv/awards && .venv/bin/flask --app wsgi notify send-due --days 7
"""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

notify_cli = AppGroup("notify", help="Nhắc việc: thông báo trong ứng dụng và thư điện tử.")


@notify_cli.command("send-due")
@click.option("--days", default=7, show_default=True, type=click.IntRange(min=0),
              help="Nhắc các việc đến hạn trong số ngày tới (cùng các việc đã quá hạn).")
@click.option("--today", "today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Ngày chạy (YYYY-MM-DD); mặc định hôm nay theo giờ Việt Nam.")
def send_due_command(days: int, today) -> None:
    """Tạo thông báo cho từng người dùng về việc đến hạn và quá hạn, gửi thư tổng hợp (chạy lại trong ngày không
    tạo trùng)."""
    from flask import current_app

    from awards.extensions import db
    from awards.reminders import mail, operations

    run_on: date = today.date() if today else operations.local_today()
    try:
        summary = operations.send_due(run_on, days)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    # E-mails leave only after the notifications are committed; a failed send stays in the outbox with its error.
    sent, failed = mail.deliver_pending()
    db.session.commit()
    click.echo(f"Ngày {run_on:%d/%m/%Y}, {days} ngày tới: {summary.users} người dùng, "
               f"{summary.created} thông báo mới, {summary.emails} thư.")
    for username, count in sorted(summary.per_user.items()):
        click.echo(f"  {username}: {count}")
    if current_app.config.get("MAIL_SERVER"):
        click.echo(f"Đã gửi {sent} thư, {failed} thư lỗi.")
    else:
        click.echo("Chưa cấu hình MAIL_SERVER: thư được lưu trong hộp thư đi (outbox) và nhật ký.")
    if failed:
        raise click.exceptions.Exit(1)
