"""A decision and its certificates as the plain dicts ``templates/documents/decision.html`` and
``certificate.html`` expect (contracts in ``awards.documents.render``).

Everything printed is decided here, from the decision's frozen values, so the template never touches the ORM and
the dict stored in ``Decision.content`` is exactly what was printed.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from awards.catalogue.models import AwardKind
from awards.core.formatting import long_date, number
from awards.decisions.models import Decision, DecisionItem, DecisionKind
from awards.decisions.texts import count

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def filename(decision: Decision) -> str:
    number_part = f"{decision.number:02d}" if decision.number else f"du-thao-{decision.id}"
    return f"quyet-dinh-{number_part}-{decision.year}.pdf"


def _article(text: str) -> dict[str, Any]:
    """An article's text: the first line is the sentence, lines starting with "- " a dash list under it."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    sentence = [line for line in lines if not line.startswith("-")]
    dashes = [line[1:].strip() for line in lines if line.startswith("-")]
    return {"text": " ".join(sentence), "list": dashes}


def _bases(decision: Decision) -> list[str]:
    """The "Căn cứ …;" lines, then "Xét đề nghị …" (the template adds the ";" and the final ".")."""
    lines = [b.legal_basis.citation_line.rstrip(" ;.") for b in decision.bases]
    if decision.considering.strip():
        lines.append(decision.considering.strip().rstrip(" ;."))
    return lines


def _issuer_lines(decision: Decision) -> tuple[str, str]:
    on = decision.decided_on
    parent = decision.issuer.parent
    return (parent.name_on(on).upper() if parent is not None else "", decision.issuer.name_on(on).upper())


def _group_heading(index: int, items: list[DecisionItem], revocation: bool) -> str:
    award = items[0].award
    named = f"danh hiệu “{award.name_vi}”" if award.kind == AwardKind.TITLE else award.name_vi
    collectives = sum(1 for i in items if i.is_collective)
    persons = len(items) - collectives
    who = " và ".join(([f"{count(collectives)} tập thể"] if collectives else [])
                      + ([f"{count(persons)} cá nhân"] if persons else []))
    verb = "Thu hồi" if revocation else "Tặng"
    return f"{ROMAN[index] if index < len(ROMAN) else index + 1}. {verb} {named} ({who})"


def _annex(decision: Decision, number_text: str) -> dict[str, Any]:
    revocation = decision.kind == DecisionKind.REVOCATION
    groups: dict[int, list[DecisionItem]] = {}
    for item in sorted(decision.items, key=lambda i: (i.position or 0, i.id or 0)):
        groups.setdefault(item.award_id, []).append(item)
    collectives = sum(1 for item in decision.items if item.is_collective)
    # "Cá nhân được khen thưởng …" when the list names persons only (and "Tập thể …" collectives only).
    who = ", ".join((["tập thể"] if collectives else []) + (["cá nhân"] if len(decision.items) > collectives else []))
    who = (who or "tập thể, cá nhân").capitalize()
    return {
        "title": "DANH SÁCH",
        "subtitle": (f"{who} bị thu hồi khen thưởng" if revocation
                     else f"{who} được khen thưởng năm {decision.award_year}"),
        "reference": f"(Kèm theo Quyết định số {number_text} {long_date(decision.decided_on)} của "
                     f"{_authority_sentence(decision)})",
        "groups": [{"heading": _group_heading(index, items, revocation),
                    "rows": [{"no": item.position or 0, "name": item.nominee_name, "position": item.nominee_position,
                              "unit": item.nominee_unit, "award": item.award.name_vi, "money": number(item.money)}
                             for item in items],
                    "subtotal": number(sum(i.money for i in items))}
                   for index, items in enumerate(groups.values())],
        "total": number(decision.total_money),
    }


def _authority_sentence(decision: Decision) -> str:
    """ "Cục trưởng Cục Thi hành án dân sự tỉnh Đồng Tháp": the head's title from the UPPER authority line (up to
    its first "TRƯỞNG": CỤC TRƯỞNG, CHI CỤC TRƯỞNG …) in sentence case, then the issuer's name."""
    words = decision.authority.split()
    title = " ".join(words[:words.index("TRƯỞNG") + 1]).capitalize() if "TRƯỞNG" in words else ""
    return f"{title} {decision.issuer.name_on(decision.decided_on)}".strip()


def decision_context(decision: Decision) -> dict[str, Any]:
    """The decision (and its annex) as plain values: see the ``decision.html`` contract in render.py."""
    parent_body, issuer = _issuer_lines(decision)
    number_text = decision.number_text or "\u00a0" * 6 + f"/{decision.symbol}"
    signer = decision.signer
    return {
        "parent_body": parent_body,
        "issuer": issuer,
        "number": number_text,
        "place": decision.place,
        "date": decision.decided_on,
        "subject": decision.subject,
        "authority": decision.authority,
        "bases": _bases(decision),
        "articles": [_article(decision.article1), _article(decision.article2), _article(decision.article3)],
        "signer": {"mode": str(decision.signing_mode.value), "position": decision.signer_position,
                   "title": decision.signer_title, "name": signer.full_name if signer is not None else ""},
        "recipients": list(decision.recipients or []),
        "annex": _annex(decision, number_text),
    }


def jsonable(value: Any) -> Any:
    """The context as JSON (dates as ISO strings), stored beside the PDF as the record of what was printed."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
