"""Uploaded files kept between the preview and the confirmation, under ``UPLOAD_DIR``.

The stored name is ``<user id>-<kind>-<random hex>.<csv|xlsx>``: never the user's file name, and the
form carries only the random part, so a file can be confirmed only by its owner and as the kind it
was previewed as. Files older than a day are swept on the next upload.
"""
from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from awards.core.errors import NotFound
from awards.imports.reading import Table, UnreadableFile, detect_format, read_bytes

UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Upload:
    id: str
    path: Path
    table: Table


def _directory() -> Path:
    directory = Path(current_app.config["UPLOAD_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _name(owner_id: int, kind: str, upload_id: str, fmt: str) -> str:
    return f"{int(owner_id)}-{kind}-{upload_id}.{fmt}"


def original_name(filename: str | None) -> str:
    """The base name of the user's file (some browsers send a whole Windows path), for the record only."""
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:255]


def parse_upload(filename: str, data: bytes) -> tuple[str, Table]:
    """The format named by the extension, and the table: the content must really be that format."""
    fmt = detect_format(filename)
    return fmt, read_bytes(data, fmt)


def keep_upload(data: bytes, fmt: str, *, owner_id: int, kind: str) -> str:
    """Store a parsed upload for the confirmation step; returns its random id."""
    directory = _directory()
    _sweep(directory)
    upload_id = secrets.token_hex(16)
    (directory / _name(owner_id, kind, upload_id, fmt)).write_bytes(data)
    return upload_id


def load_upload(upload_id: str, *, owner_id: int, kind: str) -> Upload:
    """The kept upload ``upload_id`` of this owner and kind, parsed again; NotFound if it is gone."""
    if not UPLOAD_ID.match(upload_id or ""):
        raise NotFound()
    directory = _directory()
    for fmt in ("csv", "xlsx"):
        path = directory / _name(owner_id, kind, upload_id, fmt)
        if path.is_file():
            try:
                return Upload(upload_id, path, read_bytes(path.read_bytes(), fmt))
            except UnreadableFile:
                break
    raise NotFound(_("Tệp đã tải lên không còn. Hãy tải tệp lên lại."))


def discard_upload(upload: Upload) -> None:
    upload.path.unlink(missing_ok=True)


def _sweep(directory: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in directory.glob("*-*-*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue  # another request may have removed it
