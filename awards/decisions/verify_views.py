"""The public verification page of a certificate's QR code: /verify/<token>, open without sign-in.

Rate-limited per address (``VERIFY_RATE_LIMIT``, default 30 a minute): with 128-bit tokens guessing is hopeless
anyway, and the limit keeps anyone from trying at scale. The answer is never cached (a revocation shows at once),
never indexed, and the token does not leave in a Referer header.
"""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template

from awards.decisions.verification import verify
from awards.extensions import limiter

bp = Blueprint("verify", __name__)

DEFAULT_RATE_LIMIT = "30 per minute"


def rate_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", DEFAULT_RATE_LIMIT)


@bp.route("/verify/<token>")
@limiter.limit(rate_limit)
def certificate(token: str):
    result = verify(token)
    response = make_response(render_template("verify/certificate.html", result=result), 200)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
