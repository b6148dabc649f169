"""Decision pages (HR): list, new draft, the draft's edits, issue, revoke, outcomes from above, the PDF."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("decisions", __name__, url_prefix="/decisions")
