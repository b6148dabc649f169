"""Verbs that change the catalogue: awards, legal bases and dated parameters. They flush, never commit.

Every change goes through ``record_change``, so the history (``catalogue_change``) holds what each record
was before and after, who changed it and when. Nothing here deletes: a parameter gets a new dated version
(the previous one is closed the day before, as ``rename_unit`` does for unit names) or is corrected in place.
"""
from __future__ import annotations

import enum
import hashlib
import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from awards.catalogue.models import Award, CatalogueChange, LegalBasis, Parameter, Reliability
from awards.core.errors import StaleRecord, ValidationFailed
from awards.extensions import db
from awards.initiatives.models import InitiativeScope
from awards.org.models import DisciplineLevel, RatingLevel, User

AWARD_FIELDS = ("code", "name_vi", "name_en", "kind", "nominee_type", "authority", "secret_ballot", "rank", "active")
LEGAL_BASIS_FIELDS = ("code", "number", "title", "issued_on", "effective_from", "effective_to", "citation_line",
                      "reliability", "note")
PARAMETER_FIELDS = ("key", "value", "effective_from", "effective_to", "legal_basis_id", "article", "reliability",
                    "note")
TABLES = {Award: ("award", AWARD_FIELDS), LegalBasis: ("legal_basis", LEGAL_BASIS_FIELDS),
          Parameter: ("parameter", PARAMETER_FIELDS)}


# --- history ---------------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(record) -> dict:
    """The record's catalogue fields as JSON-ready primitives (what the history stores)."""
    _table, fields = TABLES[type(record)]
    return {name: _plain(getattr(record, name)) for name in fields}


def fingerprint(record) -> str:
    """A short digest of the record's current values: the "version" of a row that has no version column.

    A form carries the fingerprint it was loaded with; a different one at submit means someone else saved
    first (``check_fingerprint`` → 409).
    """
    text = json.dumps(snapshot(record), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_fingerprint(record, submitted: str | None) -> None:
    if (submitted or "").strip() != fingerprint(record):
        raise StaleRecord()


def record_change(record, action: str, before: dict | None, *, actor: User | None) -> CatalogueChange | None:
    """Write one history row for ``record`` (flushed so its id exists); nothing when nothing changed."""
    db.session.flush()
    after = snapshot(record)
    if before == after:
        return None
    table, _fields = TABLES[type(record)]
    change = CatalogueChange(table_name=table, record_id=record.id, action=action, before=before, after=after,
                             user_id=actor.id if actor is not None else None)
    db.session.add(change)
    db.session.flush()
    return change


# --- awards ----------------------------------------------------------------------------------------------

def update_award(award: Award, *, name_vi: str, name_en: str, active: bool, secret_ballot: bool, rank: int,
                 actor: User | None) -> Award:
    """Change an award's names, whether it is in use, its ballot and its voting order; the code never changes
    (rules, parameters and other systems name awards by code)."""
    name_vi, name_en = name_vi.strip(), name_en.strip()
    if not name_vi or not name_en:
        raise ValidationFailed(_("Vui lòng nhập tên danh hiệu bằng tiếng Việt và tiếng Anh."))
    before = snapshot(award)
    award.name_vi, award.name_en = name_vi, name_en
    award.active, award.secret_ballot, award.rank = active, secret_ballot, rank
    record_change(award, "update", before, actor=actor)
    return award


# --- legal bases -----------------------------------------------------------------------------------------

def save_legal_basis(basis: LegalBasis | None, *, code: str | None = None, number: str, title: str,
                     issued_on: date | None, effective_from: date, effective_to: date | None, citation_line: str,
                     reliability: Reliability, note: str = "", actor: User | None) -> LegalBasis:
    """Create a legal basis (``basis`` None, with a new ``code``) or change one; the code never changes.

    The citation line is printed in decisions after "Căn cứ", so it is kept without the final ";".
    """
    if effective_to is not None and effective_to < effective_from:
        raise ValidationFailed(_("Ngày hết hiệu lực không được trước ngày có hiệu lực."),
                               details={"field": "effective_to"})
    if issued_on is not None and issued_on > effective_from:
        raise ValidationFailed(_("Ngày ban hành không được sau ngày có hiệu lực."), details={"field": "issued_on"})
    if basis is None:
        code = (code or "").strip().upper()
        if not re.fullmatch(r"[A-Z0-9_]{2,40}", code):
            raise ValidationFailed(_("Mã văn bản chỉ gồm chữ in hoa không dấu, chữ số và dấu gạch dưới."),
                                   details={"field": "code"})
        if db.session.scalar(select(LegalBasis.id).where(LegalBasis.code == code)) is not None:
            raise ValidationFailed(_("Mã văn bản %(code)s đã có.", code=code), details={"field": "code"})
        basis, before, action = LegalBasis(code=code), None, "create"
        db.session.add(basis)
    else:
        before, action = snapshot(basis), "update"
    basis.number, basis.title = number.strip(), title.strip()
    basis.issued_on, basis.effective_from, basis.effective_to = issued_on, effective_from, effective_to
    basis.citation_line = citation_line.strip().rstrip(";").rstrip()
    basis.reliability, basis.note = Reliability(reliability), (note or "").strip()
    record_change(basis, action, before, actor=actor)
    return basis


# --- parameter values ------------------------------------------------------------------------------------
# A key's values keep one shape across its versions (the rules read them that way): whole numbers, exact
# decimals written as strings ("0.15"), fractions of council members ("4/5") or "majority", a rating or a
# discipline level, an object with fixed fields, or a list of award codes. A new value is checked against
# the shape of the key's existing values.

_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_FRACTION = re.compile(r"(\d+)/(\d+)")
RATING_KEYS = re.compile(r".*(rating)$")
DISCIPLINE_KEYS = re.compile(r".*discipline_level$")
SCOPE_KEYS = re.compile(r".*initiative_scope$")
INITIATIVE_SCOPES = tuple(s.value for s in InitiativeScope)


def _shape(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, str):
        if value == "majority" or _FRACTION.fullmatch(value):
            return "share"
        if _DECIMAL.fullmatch(value):
            return "decimal"
        return "text"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    return "null" if value is None else "other"


def _decimal_text(raw: Any) -> str | None:
    """An exact decimal typed as 0.15, "0.15" or "0,15" → "0.15"; None if it is not one."""
    if isinstance(raw, bool):
        return None
    text = str(raw).strip().replace(",", ".") if isinstance(raw, int | float | str) else ""
    if not _DECIMAL.fullmatch(text):
        return None
    try:
        return str(Decimal(text))
    except InvalidOperation:
        return None


def _read(text: str) -> Any:
    """JSON when it parses (numbers, null, objects, lists, quoted strings), else the plain text."""
    text = (text or "").strip()
    if text == "":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _check_scalar(key: str, shape: str, raw: Any) -> Any:
    if shape == "int":
        if isinstance(raw, str) and re.fullmatch(r"-?\d[\d.]*", raw.strip()) and "." in raw:
            raw = raw.replace(".", "")  # 2.340.000 written the Vietnamese way
        try:
            value = int(raw) if not isinstance(raw, bool | float) else None
        except (TypeError, ValueError):
            value = None
        if value is None or value < 0:
            raise ValidationFailed(_("Giá trị của %(key)s phải là một số nguyên không âm.", key=key))
        return value
    if shape == "decimal":
        value = _decimal_text(raw)
        if value is None or Decimal(value) < 0:
            raise ValidationFailed(_("Giá trị của %(key)s phải là một số thập phân không âm, ví dụ 0.15.", key=key))
        return value
    if shape == "share":
        text = str(raw).strip() if isinstance(raw, str) else ""
        found = _FRACTION.fullmatch(text)
        if text == "majority" or (found and 0 < int(found[2]) and 0 < Fraction(int(found[1]), int(found[2])) <= 1):
            return text
        raise ValidationFailed(_("Giá trị của %(key)s phải là một phân số không lớn hơn 1 (ví dụ 4/5) hoặc "
                                 "“majority” (quá bán).", key=key))
    if shape == "bool":
        if isinstance(raw, bool):
            return raw
        raise ValidationFailed(_("Giá trị của %(key)s phải là true hoặc false.", key=key))
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationFailed(_("Giá trị của %(key)s phải là một chuỗi ký tự.", key=key))
    text = raw.strip()
    if RATING_KEYS.fullmatch(key) and text not in {r.value for r in RatingLevel}:
        raise ValidationFailed(_("Giá trị của %(key)s phải là một mức xếp loại: %(values)s.", key=key,
                                 values=", ".join(r.value for r in RatingLevel)))
    if DISCIPLINE_KEYS.fullmatch(key) and text not in {d.value for d in DisciplineLevel}:
        raise ValidationFailed(_("Giá trị của %(key)s phải là một hình thức kỷ luật: %(values)s.", key=key,
                                 values=", ".join(d.value for d in DisciplineLevel)))
    if SCOPE_KEYS.fullmatch(key) and text not in INITIATIVE_SCOPES:
        raise ValidationFailed(_("Giá trị của %(key)s phải là một phạm vi sáng kiến: %(values)s.", key=key,
                                 values=", ".join(INITIATIVE_SCOPES)))
    return text


def parse_value(key: str, text: str, existing: list[Any]) -> Any:
    """The value typed for ``key`` (JSON, or a plain number or word), checked against the key's existing values.

    ``null`` (or an empty box) is accepted only where the key already has a version without a value (an
    optional quota); an object keeps the fields of the existing ones; a list of award codes stays one.
    """
    raw = _read(text)
    known = [v for v in existing if v is not None]
    if raw is None:
        if any(v is None for v in existing):
            return None
        raise ValidationFailed(_("Vui lòng nhập giá trị của %(key)s.", key=key))
    if not known:  # only empty versions so far: any scalar the rules can read
        shape = _shape(raw if not isinstance(raw, float) else str(raw))
        return _check_scalar(key, shape if shape in ("int", "decimal", "share", "text") else "text",
                             raw if not isinstance(raw, float) else str(raw))
    shape = _shape(known[-1])
    if shape == "object":
        template = known[-1]
        if not isinstance(raw, dict) or set(raw) != set(template):
            raise ValidationFailed(_("Giá trị của %(key)s phải là một đối tượng JSON có đúng các trường: %(fields)s.",
                                     key=key, fields=", ".join(sorted(template))))
        return {name: _check_scalar(f"{key}.{name}", _shape(template[name]), raw[name]) for name in template}
    if shape == "list":
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            raise ValidationFailed(_("Giá trị của %(key)s phải là một danh sách JSON, ví dụ [\"TTLDXS\", \"CO_BO\"].",
                                     key=key))
        codes = set(db.session.scalars(select(Award.code)))
        unknown = [x for x in raw if x not in codes]
        if unknown:
            raise ValidationFailed(_("Không có danh hiệu mã %(codes)s.", codes=", ".join(unknown)))
        return raw
    return _check_scalar(key, shape, raw)


def value_text(value: Any) -> str:
    """A value as the admin types it back: JSON for objects, lists and null, the bare text otherwise."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


# --- parameters ------------------------------------------------------------------------------------------

def versions_of(key: str) -> list[Parameter]:
    return list(db.session.scalars(select(Parameter).where(Parameter.key == key).order_by(Parameter.effective_from)))


def key_fingerprint(key: str) -> str:
    """The state of all of a key's versions: a new version is refused if another was added meanwhile."""
    text = "|".join(fingerprint(p) for p in versions_of(key))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def add_parameter_version(key: str, value_text_: str, effective_from: date, *, legal_basis: LegalBasis | None,
                          article: str = "", reliability: Reliability, note: str = "",
                          actor: User | None) -> Parameter:
    """Record a new value of ``key`` in force from ``effective_from``.

    The version in force the day before is closed then (history kept, as for unit names); a later version,
    if any, bounds the new one. A version already starting that day is corrected instead, never doubled.
    """
    versions = versions_of(key)
    if not versions:
        raise ValidationFailed(_("Không có tham số %(key)s.", key=key))
    if any(p.effective_from == effective_from for p in versions):
        raise ValidationFailed(_("Tham số %(key)s đã có một phiên bản từ ngày %(day)s; hãy sửa phiên bản đó.",
                                 key=key, day=effective_from.strftime("%d/%m/%Y")), details={"field": "effective_from"})
    value = parse_value(key, value_text_, [p.value for p in versions])
    previous = next((p for p in reversed(versions) if p.effective_from < effective_from), None)
    later = next((p for p in versions if p.effective_from > effective_from), None)
    if previous is not None and (previous.effective_to is None or previous.effective_to >= effective_from):
        before = snapshot(previous)
        previous.effective_to = effective_from - timedelta(days=1)
        record_change(previous, "close", before, actor=actor)
    new = Parameter(key=key, value=value, effective_from=effective_from,
                    effective_to=later.effective_from - timedelta(days=1) if later else None,
                    legal_basis=legal_basis, article=(article or "").strip(), reliability=Reliability(reliability),
                    note=(note or "").strip())
    db.session.add(new)
    record_change(new, "create", None, actor=actor)
    return new


def correct_parameter(param: Parameter, value_text_: str, *, legal_basis: LegalBasis | None, article: str = "",
                      reliability: Reliability, note: str = "", actor: User | None) -> Parameter:
    """Correct one version's value, citation, tag or note (a typo, a better source). Its period stays: a
    value that changes from a date on is a new version (``add_parameter_version``)."""
    others = [p.value for p in versions_of(param.key)]
    value = parse_value(param.key, value_text_, others)
    before = snapshot(param)
    param.value = value
    param.legal_basis = legal_basis
    param.article = (article or "").strip()
    param.reliability = Reliability(reliability)
    param.note = (note or "").strip()
    record_change(param, "update", before, actor=actor)
    return param
