"""``flask --app wsgi decisions render ID -o FILE.pdf`` and ``decisions certificates ID -o FILE.pdf``;
``flask --app wsgi keys demo`` (a self-signed demo signing key)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

decisions_cli = AppGroup("decisions", help="Quyết định khen thưởng: in quyết định, giấy khen.")
keys_cli = AppGroup("keys", help="Khóa ký số của đơn vị ban hành.")

__all__ = ["click", "decisions_cli", "keys_cli"]
