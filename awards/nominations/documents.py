"""The printable tờ trình of a batch: ``batch_context`` turns a Batch and its nominations into the plain dict
``templates/documents/batch.html`` expects (contract in ``awards.documents.render``)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from awards.extensions import db
from awards.nominations.models import Batch, Nomination
from awards.org.models import Person, Unit, UnitKind

# The head's title per kind of unit, as printed in the signature block (UPPER, Decree 30).
HEAD_TITLES = {
    UnitKind.GENERAL_DEPARTMENT: "TỔNG CỤC TRƯỞNG",
    UnitKind.PROVINCIAL_DEPARTMENT: "CỤC TRƯỞNG",
    UnitKind.DISTRICT_BRANCH: "CHI CỤC TRƯỞNG",
    UnitKind.DIVISION: "TRƯỞNG PHÒNG",
    UnitKind.REGIONAL_OFFICE: "TRƯỞNG PHÒNG",
}
DEFAULT_HEAD_TITLE = "THỦ TRƯỞNG ĐƠN VỊ"
BLANK_NUMBER = "\u00a0" * 6  # a draft's number is written by hand when it is signed



def _number(batch: Batch) -> str:
    """``05/TTr-CCTHADS`` (leading zero below 10); a draft keeps room for the number before the slash."""
    code = batch.unit.document_code  # the unit's own code only: a Chi cục must not print its Cục's
    suffix = f"/TTr-{code}" if code else "/TTr"
    return (f"{batch.number:02d}" if batch.number else BLANK_NUMBER) + suffix


def _signer(unit: Unit) -> dict:
    """The head of the unit signs; the name is the staff member holding that position, if recorded."""
    position = HEAD_TITLES.get(unit.kind, DEFAULT_HEAD_TITLE)
    # Compared in Python: SQLite's upper() only knows ASCII ("Chi cục trưởng" would never match).
    staff = db.session.execute(select(Person.full_name, Person.position)
                               .where(Person.unit_id == unit.id, Person.position.is_not(None)).order_by(Person.id))
    name = next((full_name for full_name, held in staff if held.strip().upper() == position), "")
    return {"mode": "", "position": position, "name": name}


def _row(nomination: Nomination, on: date) -> dict:
    if nomination.person_id:
        person = nomination.person
        unit = person.unit_on(on) or person.unit
        return {"nominee": person.full_name, "position": person.position or "",
                "unit": unit.name_on(on) if unit else "", "award": nomination.award.name_vi,
                "summary": nomination.summary or ""}
    collective = nomination.unit
    parent = collective.parent
    return {"nominee": collective.name_on(on), "position": "", "unit": parent.name_on(on) if parent else "",
            "award": nomination.award.name_vi, "summary": nomination.summary or ""}


def batch_context(batch: Batch, *, today: date | None = None) -> dict:
    """The tờ trình as plain values, dated the day it was issued (today for a draft) with the names in force
    on that day: a 2021 tờ trình prints the 2021 unit names."""
    on = batch.issued_on or today or date.today()
    unit, deciding = batch.unit, batch.deciding_unit
    return {
        "parent_body": unit.parent.name_on(on).upper() if unit.parent else "",
        "issuer": unit.name_on(on).upper(),
        "number": _number(batch),
        "place": unit.place_name(),
        "date": on,
        "title": batch.title or f"Tờ trình đề nghị khen thưởng năm {batch.year}",
        "recipient": f"Hội đồng Thi đua - Khen thưởng {deciding.name_on(on)}",
        "year": batch.year,
        "body": "",
        "rows": [_row(n, on) for n in batch.nominations],
        "signer": _signer(unit),
        "recipients": ["Như trên;", "Lưu: VT."],
    }
