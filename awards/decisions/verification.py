"""Public verification of a certificate's QR code: ``verify(token)`` says whether a certificate is genuine.

Answers only what the certificate itself prints (award, name, position, unit, decision number, date, issuer) —
never an id, another award or anything else about the person. A token is 128 random bits (``new_token``), so it
cannot be derived from an id or guessed; the page is also rate-limited (verify_views.py).

valid = the token belongs to an item of an issued award decision, and no issued revoking decision revoked it.
An unknown token, a draft's, a revoking decision's own item or an outcome recorded from above (no certificate is
printed for those) are "unknown"; a revoked item says so, with the revoking decision.
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from awards.core.formatting import short_date
from awards.decisions.models import Decision, DecisionItem, DecisionKind, DecisionState
from awards.extensions import db

__all__ = ["TOKEN_PATTERN", "verify"]

# token_urlsafe(16) gives 22 characters; anything else is not worth a query.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _unknown() -> dict[str, Any]:
    return {"valid": False, "revoked": False, "found": False, "award": None, "awardee": None, "position": None,
            "unit": None, "decision_number": None, "date": None, "issuer": None, "revoked_by": None,
            "revoked_on": None, "signature": None}


def verify(token: str) -> dict[str, Any]:
    """{valid, revoked, found, award, awardee, position, unit, decision_number, date (dd/mm/yyyy), issuer,
    revoked_by, revoked_on, signature} for a certificate's token (see the module's docstring). ``signature`` is the
    check of the decision PDF's digital signature ({level, signed, intact, …, summary_vi}), None without a PDF."""
    if not token or not TOKEN_PATTERN.fullmatch(token):
        return _unknown()
    item = db.session.scalar(
        select(DecisionItem).join(Decision, DecisionItem.decision_id == Decision.id)
        .where(DecisionItem.token == token, Decision.kind == DecisionKind.AWARD,
               Decision.state.in_((DecisionState.ISSUED, DecisionState.REVOKED)),
               DecisionItem.revokes_item_id.is_(None))
        .options(joinedload(DecisionItem.decision), joinedload(DecisionItem.award)))
    if item is None:
        return _unknown()
    decision = item.decision
    revoking = item.revoked_by if item.revoked_by_id is not None else None
    revoked = revoking is not None and revoking.state != DecisionState.DRAFT
    return {
        "valid": not revoked,
        "revoked": revoked,
        "found": True,
        "award": item.award.name_vi,
        "awardee": item.nominee_name,
        "position": item.nominee_position,
        "unit": item.nominee_unit,
        "decision_number": decision.number_text,
        "date": short_date(decision.decided_on),
        "issuer": decision.issuer_label,
        "revoked_by": revoking.number_text if revoked else None,
        "revoked_on": short_date(revoking.decided_on) if revoked else None,
        "signature": _signature(decision),
    }


def _signature(decision: Decision) -> dict[str, Any] | None:
    """Whether the decision's stored PDF carries an intact signature of its issuer (signing.signature_status),
    in plain JSON values; None when there is no stored PDF."""
    from awards.decisions.signing import signature_status

    if decision.pdf is None:
        return None
    status = signature_status(decision.pdf.content, decision.issuer)
    return {key: status[key] for key in ("level", "signed", "intact", "covers_whole_document", "trusted", "signer",
                                         "signed_at_text", "summary_vi")}
