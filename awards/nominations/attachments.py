"""Attachments: typed files of a nomination, recognised by their content (never by name or declared type).

Stored under ``UPLOAD_DIR/attachments`` with a random name; the original name is kept only for display.
"""
from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from awards.core.errors import PermissionDenied, ValidationFailed
from awards.extensions import db
from awards.nominations.actors import actor_for
from awards.nominations.models import Attachment, AttachmentKind, Nomination
from awards.org.models import User

MAX_SIZE = 10 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {"application/pdf": ".pdf", DOCX: ".docx", "image/png": ".png", "image/jpeg": ".jpg"}
# Who may add files when: the proposer while the dossier is theirs, the secretariat while it checks it (minutes).
ADD_STATES = {"proposer": ("draft", "returned"), "secretary": ("submitted", "in_review", "posted", "in_council")}


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (PDF, DOCX, PNG, JPEG), or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        # A .docx is a ZIP holding word/document.xml; any other ZIP (or a renamed .xlsx) is refused.
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            return None
    return None


def storage_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_attachment(nomination: Nomination, *, actor: User, kind: str, filename: str, data: bytes) -> Attachment:
    roles = actor_for(actor).roles_for(nomination)
    if not any(role in roles and nomination.state in states for role, states in ADD_STATES.items()):
        if roles & set(ADD_STATES):
            raise ValidationFailed(_("Không thể thêm tệp ở trạng thái hiện tại của hồ sơ."))
        raise PermissionDenied()
    try:
        kind = AttachmentKind(kind)
    except ValueError:
        raise ValidationFailed(_("Loại tệp đính kèm không hợp lệ.")) from None
    if not data:
        raise ValidationFailed(_("Tệp rỗng."))
    if len(data) > MAX_SIZE:
        raise ValidationFailed(_("Tệp vượt quá 10 MB."))
    content_type = sniff(data)
    if content_type is None:
        raise ValidationFailed(_("Chỉ nhận tệp PDF, DOCX, PNG hoặc JPEG (kiểm tra theo nội dung tệp)."))
    stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
    (storage_dir() / stored_name).write_bytes(data)
    attachment = Attachment(nomination=nomination, kind=kind, original_name=Path(filename or "tep").name[:255],
                            stored_name=stored_name, content_type=content_type, size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return storage_dir() / attachment.stored_name
