"""Certificate pages: request the certificates of a decision, watch the job's progress, download the file."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/decisions")
