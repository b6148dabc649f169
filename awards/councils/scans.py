"""The scanned paper of an absent member's written vote: checked by content, stored under a random name."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from awards.core.errors import ValidationFailed
from awards.nominations.attachments import EXTENSIONS, MAX_SIZE, sniff


def scans_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "written-votes"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_scan(filename: str, data: bytes) -> tuple[str, str]:
    """(original name, stored name) of the saved scan; PDF, PNG or JPEG up to 10 MB."""
    content_type = sniff(data or b"")
    if not data or len(data) > MAX_SIZE or content_type not in ("application/pdf", "image/png", "image/jpeg"):
        raise ValidationFailed(_("Bản chụp phiếu phải là tệp PDF, PNG hoặc JPEG, không quá 10 MB."))
    stored = secrets.token_hex(16) + EXTENSIONS[content_type]
    (scans_dir() / stored).write_bytes(data)
    return Path(filename or "phieu").name[:255], stored


def scan_path(stored: str) -> Path:
    return scans_dir() / Path(stored).name
