"""Decisions: draft, issue, list, read, the PDF and the certificates; the public certificate verification."""
from __future__ import annotations

from awards.api.auth import ApiBlueprint

blp = ApiBlueprint("api_decisions", __name__,
                   description="Decisions: draft, issue, list, read, the decision PDF and the certificates; "
                               "the public verification of a certificate.")
