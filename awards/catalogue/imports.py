"""``awards-history`` import kind: awards people and units already hold, for years before this system.

One row is one award held by one subject for one year; re-importing the same subject × year × award updates
the decision, its date and issuer in place. The award must suit the subject (``Award.nominee_type``).
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from awards.catalogue.models import Award, AwardHolding, NomineeType
from awards.extensions import db
from awards.imports import parsers
from awards.imports.framework import NEW, UPDATE, Checker, Column, ImportKind, Row
from awards.imports.models import ImportBatch
from awards.initiatives.operations import save_holding
from awards.org.models import Person, SubjectType, Unit
from awards.org.permissions import STAFF_MANAGERS


def award_code(value: str) -> str:
    """An award code, case-insensitive as the other choices of a file are: ``ldtt`` reads as ``LDTT``."""
    return parsers.code(value).upper()


class AwardsHistoryImport(ImportKind):
    name = "awards-history"
    label = _l("Khen thưởng đã đạt")
    what = _l("Danh hiệu, hình thức khen thưởng cán bộ hoặc đơn vị đã đạt theo năm; nhập lại cùng đối tượng, năm "
              "và danh hiệu thì cập nhật quyết định đã có.")
    roles = STAFF_MANAGERS
    records_batch = True
    key_columns = ("subject_code", "subject_type", "year", "award_code")
    columns = (
        Column("subject_code", parsers.code, required=True, description=_l("Mã cán bộ hoặc mã đơn vị")),
        Column("subject_type", parsers.choice(SubjectType), required=True, description=_l("person hoặc unit")),
        Column("year", parsers.year, required=True, description=_l("Năm thi đua, ví dụ 2021")),
        Column("award_code", award_code, required=True,
               description=_l("Mã danh hiệu: LDTT, CSTDCS, CSTD_BO, CSTD_TQ, TTLDTT, TTLDXS, CO_BO, CO_CP, GK, BK_BO, "
                              "BK_TTG")),
        Column("decision_no", parsers.text(80), description=_l("Số quyết định khen thưởng")),
        Column("decision_date", parsers.a_date, description=_l("Ngày quyết định: dd/mm/yyyy hoặc yyyy-mm-dd")),
        Column("issuer", parsers.text(255), description=_l("Cơ quan, người ký quyết định")),
    )

    def check(self, rows: list[Row], checker: Checker) -> None:
        def codes(kind: SubjectType):
            return (r.values.get("subject_code") for r in rows if r.values.get("subject_type") == kind)

        people = checker.lookup(Person, Person.code, codes(SubjectType.PERSON))
        units = checker.lookup(Unit, Unit.code, codes(SubjectType.UNIT))
        awards = {a.code: a for a in checker.lookup(Award, Award.code, (r.values.get("award_code") for r in rows))
                  .values()}
        held = {(h.person_id, h.unit_id, h.year, h.award_id) for h in checker.select_in(
            lambda ids: select(AwardHolding).where(AwardHolding.person_id.in_(ids)), (p.id for p in people.values()))}
        held |= {(h.person_id, h.unit_id, h.year, h.award_id) for h in checker.select_in(
            lambda ids: select(AwardHolding).where(AwardHolding.unit_id.in_(ids)), (u.id for u in units.values()))}
        for row in rows:
            v = row.values
            award = None
            if v.get("award_code"):
                award = awards.get(v["award_code"])
                if award is None:
                    checker.add(row, "award_code", _("không có danh hiệu “%(code)s” (dùng một trong: %(codes)s)",
                                                     code=v["award_code"], codes=", ".join(self._award_codes())))
                else:
                    row.refs["award"] = award
            if not v.get("subject_code") or not v.get("subject_type"):
                continue
            if v["subject_type"] == SubjectType.PERSON:
                person = people.get(v["subject_code"])
                if person is None:
                    checker.add(row, "subject_code", _("không tìm thấy cán bộ “%(code)s”", code=v["subject_code"]))
                    continue
                if person.unit is not None and not checker.in_scope(person.unit):
                    checker.add(row, "subject_code",
                                _("đơn vị “%(unit)s” của cán bộ “%(code)s” nằm ngoài phạm vi quản lý của bạn",
                                  unit=person.unit.code, code=person.code))
                    continue
                row.refs["person"] = person
                if award is not None and award.nominee_type == NomineeType.COLLECTIVE:
                    checker.add(row, "award_code", _("“%(code)s” chỉ dành cho tập thể (subject_type unit)",
                                                     code=award.code))
                key = (person.id, None)
            else:
                unit = units.get(v["subject_code"])
                if unit is None:
                    checker.add(row, "subject_code", _("không tìm thấy đơn vị “%(code)s”", code=v["subject_code"]))
                    continue
                if not checker.require_scope(row, "subject_code", unit):
                    continue
                row.refs["unit"] = unit
                if award is not None and award.nominee_type == NomineeType.PERSON:
                    checker.add(row, "award_code", _("“%(code)s” chỉ dành cho cá nhân (subject_type person)",
                                                     code=award.code))
                key = (None, unit.id)
            if award is not None and v.get("year"):
                row.status = UPDATE if (*key, v["year"], award.id) in held else NEW

    @staticmethod
    def _award_codes() -> list[str]:
        return list(db.session.scalars(select(Award.code).order_by(Award.rank, Award.code)))

    def apply_row(self, row: Row, state: dict) -> None:
        v = row.values
        save_holding(row.refs["award"], v["year"], person=row.refs.get("person"), unit=row.refs.get("unit"),
                     decision_no=v["decision_no"] or "", decision_date=v["decision_date"], issuer=v["issuer"] or "",
                     import_batch=state.get("batch"))

    def write(self, rows: list[Row], state: dict, batch: ImportBatch | None) -> None:
        state["batch"] = batch
        super().write(rows, state, batch)


KINDS: tuple[ImportKind, ...] = (AwardsHistoryImport(),)
