"""``flask --app wsgi awards …``: the eligibility commands (rules-doc here; evaluate is added by the service)."""
from __future__ import annotations

from flask.cli import AppGroup

awards_cli = AppGroup("awards", help="Danh hiệu, khen thưởng: điều kiện và quy tắc xét.")
