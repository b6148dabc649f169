"""The public verification page of a certificate's QR code: /verify/<token>, open without sign-in."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("verify", __name__)
