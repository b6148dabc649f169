"""Sending e-mail: a small adapter over the standard library's ``smtplib`` and ``email``.

Messages are always written to the outbox table first (``OutboxMessage``), inside the caller's transaction; they
are delivered after the commit by ``deliver_pending``. Without ``MAIL_SERVER`` nothing leaves the machine: the
message stays in the outbox and is written to the log.
"""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import select

from awards.core.models import utcnow
from awards.extensions import db
from awards.reminders.models import OutboxMessage

log = logging.getLogger("awards.mail")


def build(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    email.set_content(message.body)  # UTF-8, Vietnamese text as is
    return email


def connect() -> smtplib.SMTP:
    """An open SMTP connection configured from MAIL_* settings (STARTTLS and login when set)."""
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg.get("MAIL_TIMEOUT", 30))
    if cfg.get("MAIL_USE_TLS"):
        smtp.starttls()
    if cfg.get("MAIL_USERNAME"):
        smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
    return smtp


def deliver_pending(*, connect: Callable[[], smtplib.SMTP] = connect) -> tuple[int, int]:
    """Send every unsent outbox message that has attempts left, over one connection; returns (sent, failed).

    Without MAIL_SERVER each pending message is logged and left in the outbox (0, 0). The caller commits.
    """
    pending = db.session.scalars(select(OutboxMessage)
                                 .where(OutboxMessage.sent_at.is_(None),
                                        OutboxMessage.attempts < OutboxMessage.MAX_ATTEMPTS)
                                 .order_by(OutboxMessage.id)).all()
    if not pending:
        return 0, 0
    if not current_app.config.get("MAIL_SERVER"):
        for message in pending:
            log.info("MAIL_SERVER is not set; e-mail kept in the outbox (id %s) to %s: %s\n%s",
                     message.id, message.to, message.subject, message.body)
        return 0, 0
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    sent = failed = 0
    try:
        smtp = connect()
    except (OSError, smtplib.SMTPException) as exc:
        for message in pending:
            message.attempts += 1
            message.error = f"{type(exc).__name__}: {exc}"
        log.warning("SMTP connection to %s failed: %s", current_app.config["MAIL_SERVER"], exc)
        return 0, len(pending)
    try:
        for message in pending:
            message.attempts += 1
            try:
                smtp.send_message(build(message, sender))
            except smtplib.SMTPException as exc:
                message.error = f"{type(exc).__name__}: {exc}"
                failed += 1
                log.warning("E-mail %s to %s refused: %s", message.id, message.to, exc)
            else:
                message.sent_at, message.error = utcnow(), ""
                sent += 1
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return sent, failed
