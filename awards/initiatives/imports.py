"""``initiatives`` import kind: recognised initiatives with their authors (issue 4, "Facts the rules read").

Re-importing a code updates the initiative in place and replaces its authors; its use, if any, stays.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from awards.imports import parsers
from awards.imports.framework import NEW, UPDATE, Checker, Column, ImportKind, Row
from awards.imports.models import ImportBatch
from awards.initiatives import operations
from awards.initiatives.models import Initiative, InitiativeScope
from awards.org.models import Person, Unit
from awards.org.permissions import STAFF_MANAGERS

AUTHOR_SEPARATOR = ";"


def author_codes(value: str) -> tuple[str, ...]:
    """``DT-0001;DT-0002`` → the codes, in order (the first is the main author); each a valid code."""
    codes = tuple(part.strip() for part in value.split(AUTHOR_SEPARATOR) if part.strip())
    if not codes:
        raise ValueError(_("bắt buộc, không được để trống"))
    for code in codes:
        parsers.code(code)
    if len(set(codes)) != len(codes):
        raise ValueError(_("một tác giả được nêu hai lần"))
    return codes


class InitiativesImport(ImportKind):
    name = "initiatives"
    label = _l("Sáng kiến")
    what = _l("Tạo hoặc cập nhật sáng kiến đã được công nhận; nhập lại cùng mã thì cập nhật, danh sách tác giả "
              "được thay bằng danh sách trong tệp.")
    roles = STAFF_MANAGERS
    records_batch = True
    key_columns = ("code",)
    columns = (
        Column("code", parsers.code, required=True, description=_l("Mã sáng kiến, ổn định và duy nhất")),
        Column("title", parsers.text(2000), required=True, description=_l("Tên sáng kiến")),
        Column("author_codes", author_codes, required=True,
               description=_l("Mã cán bộ tác giả, cách nhau bởi dấu chấm phẩy (;), tác giả chính trước")),
        Column("unit_code", parsers.code, required=True, description=_l("Mã đơn vị của sáng kiến")),
        Column("year", parsers.year, required=True, description=_l("Năm thi đua được công nhận, ví dụ 2021")),
        Column("scope", parsers.choice(InitiativeScope), required=True,
               description=_l("Phạm vi công nhận: base (cơ sở), ministry (cấp bộ, ngành), national (toàn quốc)")),
        Column("decision_no", parsers.text(80), description=_l("Số quyết định công nhận")),
        Column("decision_date", parsers.a_date,
               description=_l("Ngày quyết định công nhận: dd/mm/yyyy hoặc yyyy-mm-dd")),
    )

    def check(self, rows: list[Row], checker: Checker) -> None:
        initiatives = checker.lookup(Initiative, Initiative.code, (r.values.get("code") for r in rows))
        units = checker.lookup(Unit, Unit.code, (r.values.get("unit_code") for r in rows))
        people = checker.lookup(Person, Person.code, (c for r in rows for c in r.values.get("author_codes") or ()))
        for row in rows:
            v = row.values
            if v.get("code"):
                initiative = initiatives.get(v["code"])
                row.status = UPDATE if initiative is not None else NEW
                if initiative is not None:
                    # Changing an initiative on file needs its current unit in scope, as well as the new one.
                    checker.require_scope(row, "code", initiative.unit)
            if v.get("unit_code"):
                unit = units.get(v["unit_code"])
                if unit is None:
                    checker.add(row, "unit_code", _("không tìm thấy đơn vị “%(code)s”", code=v["unit_code"]))
                else:
                    row.refs["unit"] = unit
                    checker.require_scope(row, "unit_code", unit)
            authors = []
            for code in v.get("author_codes") or ():
                person = people.get(code)
                # A person outside the scope reads as unknown: the file must not reveal who exists elsewhere.
                if person is None or not checker.in_scope(person.unit):
                    checker.add(row, "author_codes", _("không tìm thấy cán bộ “%(code)s”", code=code))
                else:
                    authors.append(person)
            row.refs["authors"] = authors
            if v.get("decision_date") and v.get("year") and v["decision_date"].year < v["year"] - 1:
                # Year 2021 runs from 1/10/2020: a decision before that cannot recognise a 2021 initiative.
                checker.add(row, "decision_date", _("ngày quyết định trước năm thi đua %(year)s", year=v["year"]))

    def apply_row(self, row: Row, state: dict) -> None:
        v = row.values
        operations.save_initiative(v["code"], title=v["title"], authors=row.refs["authors"], unit=row.refs["unit"],
                                   year=v["year"], scope=v["scope"], decision_no=v["decision_no"] or "",
                                   decision_date=v["decision_date"], import_batch=state.get("batch"))

    def write(self, rows: list[Row], state: dict, batch: ImportBatch | None) -> None:
        state["batch"] = batch
        super().write(rows, state, batch)


KINDS: tuple[ImportKind, ...] = (InitiativesImport(),)
