"""The import kinds of the organisation: units, people, ratings, discipline, clusters (and, registered here,
the metric kinds of awards.metrics.imports).

Column names and codes are an interface (issue 2, "Bulk import"); docs/imports.md describes them.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from awards.extensions import db
from awards.imports import parsers
from awards.imports.framework import NEW, UPDATE, Checker, Column, ImportKind, Row
from awards.catalogue.imports import KINDS as HISTORY_KINDS
from awards.initiatives.imports import KINDS as INITIATIVE_KINDS
from awards.metrics.imports import KINDS as METRIC_KINDS
from awards.org import operations
from awards.org.models import (
    Cluster,
    ClusterMember,
    ClusterRole,
    Discipline,
    DisciplineLevel,
    Gender,
    Person,
    RatingLevel,
    Role,
    SubjectType,
    Unit,
    UnitKind,
    YearlyRating,
)
from awards.org.permissions import STAFF_MANAGERS

DEFAULT_NAME_FROM = date(2000, 1, 1)


def _status(row: Row, exists: bool) -> None:
    row.status = UPDATE if exists else NEW


def _person_scope(checker: Checker, row: Row, column: str, person: Person) -> None:
    """A person is inside the scope when their current unit is."""
    if person.unit is not None and not checker.in_scope(person.unit):
        checker.add(row, column, _("đơn vị “%(unit)s” của cán bộ “%(code)s” nằm ngoài phạm vi quản lý của bạn",
                                   unit=person.unit.code, code=person.code))


# --- units -------------------------------------------------------------------------------------------

class UnitsImport(ImportKind):
    name = "units"
    label = _l("Đơn vị")
    what = _l("Tạo hoặc cập nhật đơn vị; đơn vị cấp trên có thể nằm trong cơ sở dữ liệu hoặc ở dòng khác của tệp.")
    roles = (Role.ADMIN,)
    key_columns = ("code",)
    columns = (
        Column("code", parsers.code, required=True, description=_l("Mã đơn vị, ổn định và duy nhất")),
        Column("name", parsers.text(255), required=True, description=_l("Tên đơn vị từ ngày valid_from")),
        Column("parent_code", parsers.code, description=_l("Mã đơn vị cấp trên (trống: đơn vị gốc)")),
        Column("kind", parsers.choice(UnitKind), required=True,
               description=_l("general_department, provincial_department, district_branch, division, "
                              "regional_office, other")),
        Column("legal_personality", parsers.boolean,
               description=_l("Có tư cách pháp nhân: 1/0, true/false, yes/no (trống: không)")),
        Column("document_code", parsers.text(40), description=_l("Ký hiệu văn bản, ví dụ CTHADS")),
        Column("place", parsers.text(120), description=_l("Địa danh ghi trên văn bản, ví dụ Đồng Tháp")),
        Column("valid_from", parsers.a_date, description=_l("Ngày tên có hiệu lực (trống: 01/01/2000)")),
    )

    def check(self, rows: list[Row], checker: Checker) -> None:
        in_file: dict[str, Row] = {}
        for row in rows:
            if row.values.get("code"):
                in_file.setdefault(row.values["code"], row)
        existing: dict[str, Unit] = checker.lookup(
            Unit, Unit.code, set(in_file) | {r.values.get("parent_code") for r in rows})

        def parent_code_of(code: str) -> str | None:
            # The file's word wins over the database: that is what the tree will look like afterwards.
            if code in in_file:
                return in_file[code].values.get("parent_code")
            unit = existing.get(code)
            if unit is None or unit.parent is None:
                return None
            existing.setdefault(unit.parent.code, unit.parent)
            return unit.parent.code

        def makes_cycle(code: str, parent_code: str) -> bool:
            node, seen = parent_code, set()
            while node is not None and node not in seen:
                if node == code:
                    return True
                seen.add(node)
                node = parent_code_of(node)
            return False

        for row in rows:
            code = row.values.get("code")
            if code is None:
                continue
            unit = existing.get(code)
            _status(row, unit is not None)
            parent_code = row.values.get("parent_code")
            if parent_code is None:
                continue
            if parent_code == code:
                checker.add(row, "parent_code", _("đơn vị không thể là cấp trên của chính nó"))
            elif parent_code not in in_file and parent_code not in existing:
                checker.add(row, "parent_code",
                            _("không tìm thấy đơn vị cấp trên “%(code)s” (trong cơ sở dữ liệu và trong tệp)",
                              code=parent_code))
            elif makes_cycle(code, parent_code):
                checker.add(row, "parent_code",
                            _("đơn vị cấp trên “%(parent)s” nằm bên dưới “%(code)s”: cây đơn vị sẽ thành vòng lặp",
                              parent=parent_code, code=code))

        if checker.scope is not None:
            self._check_scope(rows, checker, in_file, existing, parent_code_of)

    @staticmethod
    def _check_scope(rows, checker: Checker, in_file, existing, parent_code_of) -> None:
        """Existing units must be in scope; a new unit, or a move, must land under a unit in scope."""

        def lands_in_scope(code: str | None, trail: frozenset = frozenset()) -> bool:
            if code is None or code in trail:
                return False
            unit = existing.get(code)
            if unit is not None:
                return checker.in_scope(unit)
            if code in in_file:  # a new unit of this file sits wherever its parent does
                return lands_in_scope(in_file[code].values.get("parent_code"), trail | {code})
            return False

        for row in rows:
            code = row.values.get("code")
            if code is None or "parent_code" not in row.values:
                continue
            unit = existing.get(code)
            if unit is not None:
                checker.require_scope(row, "code", unit)
            parent_code = row.values["parent_code"]
            current_parent = unit.parent.code if unit is not None and unit.parent is not None else None
            if unit is not None and parent_code == current_parent:
                continue  # the unit stays where it is: its parent is not touched
            if parent_code is None:
                checker.add(row, "parent_code", _("đơn vị gốc (không có cấp trên) nằm ngoài phạm vi quản lý của bạn"))
            elif (parent_code in existing or parent_code in in_file) and not lands_in_scope(parent_code):
                checker.add(row, "parent_code", _("đơn vị “%(code)s” nằm ngoài phạm vi quản lý của bạn",
                                                  code=parent_code))

    def order(self, rows: list[Row]) -> list[Row]:
        by_code = {r.values["code"]: r for r in rows}
        ordered, placed = [], set()

        def place(row: Row) -> None:
            code = row.values["code"]
            if code in placed:
                return
            placed.add(code)
            parent = row.values.get("parent_code")
            if parent in by_code:
                place(by_code[parent])
            ordered.append(row)

        for row in rows:
            place(row)
        return ordered

    def apply_row(self, row: Row, state: dict) -> None:
        v = row.values
        parent = None
        if v["parent_code"]:
            parent = state.get(v["parent_code"]) or db.session.scalar(select(Unit).filter_by(code=v["parent_code"]))
        state[v["code"]] = operations.save_unit(
            v["code"], name=v["name"], kind=v["kind"], parent=parent,
            legal_personality=bool(v["legal_personality"]), document_code=v["document_code"], place=v["place"],
            valid_from=v["valid_from"] or DEFAULT_NAME_FROM)


# --- people ------------------------------------------------------------------------------------------

class PeopleImport(ImportKind):
    name = "people"
    label = _l("Cán bộ")
    what = _l("Tạo hoặc cập nhật cán bộ; nếu đơn vị thay đổi, cán bộ được chuyển sang đơn vị mới từ ngày nhập.")
    roles = STAFF_MANAGERS
    key_columns = ("code",)
    columns = (
        Column("code", parsers.code, required=True, description=_l("Mã cán bộ, ổn định và duy nhất")),
        Column("full_name", parsers.text(160), required=True, description=_l("Họ và tên")),
        Column("gender", parsers.choice(Gender), required=True, description=_l("male hoặc female")),
        Column("birth_date", parsers.a_date, description=_l("Ngày sinh: dd/mm/yyyy hoặc yyyy-mm-dd")),
        Column("hire_date", parsers.a_date, description=_l("Ngày vào làm: dd/mm/yyyy hoặc yyyy-mm-dd")),
        Column("unit_code", parsers.code, required=True, description=_l("Mã đơn vị công tác (đã có)")),
        Column("position", parsers.text(160), description=_l("Chức vụ, ví dụ Chấp hành viên")),
        Column("grade", parsers.text(120), description=_l("Ngạch, bậc")),
    )

    def check(self, rows: list[Row], checker: Checker) -> None:
        people = checker.lookup(Person, Person.code, (r.values.get("code") for r in rows))
        units = checker.lookup(Unit, Unit.code, (r.values.get("unit_code") for r in rows))
        today = date.today()
        for row in rows:
            v = row.values
            if v.get("code"):
                person = people.get(v["code"])
                _status(row, person is not None)
                row.refs["person"] = person
                if person is not None:
                    _person_scope(checker, row, "code", person)
            if v.get("unit_code"):
                unit = units.get(v["unit_code"])
                if unit is None:
                    checker.add(row, "unit_code", _("không tìm thấy đơn vị “%(code)s”", code=v["unit_code"]))
                else:
                    row.refs["unit"] = unit
                    checker.require_scope(row, "unit_code", unit)
            if v.get("birth_date") and v["birth_date"] > today:
                checker.add(row, "birth_date", _("ngày sinh ở tương lai"))
            if v.get("birth_date") and v.get("hire_date") and v["hire_date"] < v["birth_date"]:
                checker.add(row, "hire_date", _("ngày vào làm trước ngày sinh"))

    def apply_row(self, row: Row, state: dict) -> None:
        v = row.values
        person, unit = row.refs["person"], row.refs["unit"]
        # A person already on file who changes unit moves today; the earlier period keeps the old unit.
        since = date.today() if person is not None and person.unit is not unit else None
        operations.save_person(v["code"], full_name=v["full_name"], gender=v["gender"], birth_date=v["birth_date"],
                               hire_date=v["hire_date"], position=v["position"], grade=v["grade"], unit=unit,
                               since=since)


# --- ratings -----------------------------------------------------------------------------------------

class RatingsImport(ImportKind):
    name = "ratings"
    label = _l("Xếp loại hằng năm")
    what = _l("Ghi xếp loại của cán bộ hoặc đơn vị theo năm; năm thi đua được tạo nếu chưa có.")
    roles = STAFF_MANAGERS
    key_columns = ("subject_code", "subject_type", "year")
    columns = (
        Column("subject_code", parsers.code, required=True, description=_l("Mã cán bộ hoặc mã đơn vị")),
        Column("subject_type", parsers.choice(SubjectType), required=True, description=_l("person hoặc unit")),
        Column("year", parsers.year, required=True, description=_l("Năm thi đua, ví dụ 2021")),
        Column("rating", parsers.choice(RatingLevel), required=True, description=_l("HTXSNV, HTTNV, HTNV, KHTNV")),
    )

    def check(self, rows: list[Row], checker: Checker) -> None:
        def codes(kind: SubjectType):
            return (r.values.get("subject_code") for r in rows if r.values.get("subject_type") == kind)

        people = checker.lookup(Person, Person.code, codes(SubjectType.PERSON))
        units = checker.lookup(Unit, Unit.code, codes(SubjectType.UNIT))
        rated = {(r.person_id, r.unit_id, r.year) for r in checker.select_in(
            lambda ids: select(YearlyRating).where(YearlyRating.person_id.in_(ids)), (p.id for p in people.values()))}
        rated |= {(r.person_id, r.unit_id, r.year) for r in checker.select_in(
            lambda ids: select(YearlyRating).where(YearlyRating.unit_id.in_(ids)), (u.id for u in units.values()))}
        for row in rows:
            v = row.values
            if not v.get("subject_code") or not v.get("subject_type"):
                continue
            if v["subject_type"] == SubjectType.PERSON:
                person = people.get(v["subject_code"])
                if person is None:
                    checker.add(row, "subject_code", _("không tìm thấy cán bộ “%(code)s”", code=v["subject_code"]))
                    continue
                row.refs["person"] = person
                _person_scope(checker, row, "subject_code", person)
                key = (person.id, None, v.get("year"))
            else:
                unit = units.get(v["subject_code"])
                if unit is None:
                    checker.add(row, "subject_code", _("không tìm thấy đơn vị “%(code)s”", code=v["subject_code"]))
                    continue
                row.refs["unit"] = unit
                checker.require_scope(row, "subject_code", unit)
                key = (None, unit.id, v.get("year"))
            _status(row, key in rated)

    def apply_row(self, row: Row, state: dict) -> None:
        year = row.values["year"]
        if year not in state.setdefault("years", set()):
            operations.ensure_year(year)
            state["years"].add(year)
        operations.set_rating(year, row.values["rating"], person=row.refs.get("person"), unit=row.refs.get("unit"))


# --- discipline --------------------------------------------------------------------------------------

class DisciplineImport(ImportKind):
    name = "discipline"
    label = _l("Kỷ luật")
    what = _l("Ghi kỷ luật của cán bộ; cùng cán bộ, hình thức và ngày bắt đầu thì cập nhật bản ghi đã có.")
    roles = STAFF_MANAGERS
    key_columns = ("person_code", "level", "start_date")
    columns = (
        Column("person_code", parsers.code, required=True, description=_l("Mã cán bộ")),
        Column("level", parsers.choice(DisciplineLevel), required=True,
               description=_l("khien_trach, canh_cao, giang_chuc, cach_chuc, buoc_thoi_viec")),
        Column("start_date", parsers.a_date, required=True, description=_l("Ngày bắt đầu")),
        Column("end_date", parsers.a_date, description=_l("Ngày kết thúc (trống: còn hiệu lực)")),
        Column("reason", parsers.text(2000), description=_l("Lý do")),
    )

    def check(self, rows: list[Row], checker: Checker) -> None:
        people = checker.lookup(Person, Person.code, (r.values.get("person_code") for r in rows))
        recorded = {(d.person_id, d.level, d.start_date) for d in checker.select_in(
            lambda ids: select(Discipline).where(Discipline.person_id.in_(ids)), (p.id for p in people.values()))}
        for row in rows:
            v = row.values
            if v.get("start_date") and v.get("end_date") and v["end_date"] < v["start_date"]:
                checker.add(row, "end_date", _("ngày kết thúc trước ngày bắt đầu"))
            if not v.get("person_code"):
                continue
            person = people.get(v["person_code"])
            if person is None:
                checker.add(row, "person_code", _("không tìm thấy cán bộ “%(code)s”", code=v["person_code"]))
                continue
            row.refs["person"] = person
            _person_scope(checker, row, "person_code", person)
            _status(row, (person.id, v.get("level"), v.get("start_date")) in recorded)

    def apply_row(self, row: Row, state: dict) -> None:
        v = row.values
        operations.record_discipline(row.refs["person"], v["level"], v["start_date"], v["end_date"], v["reason"] or "")


# --- clusters ----------------------------------------------------------------------------------------

class ClustersImport(ImportKind):
    name = "clusters"
    label = _l("Cụm, khối thi đua")
    what = _l("Tạo hoặc cập nhật cụm thi đua và thành viên theo năm; mỗi dòng là một đơn vị thành viên.")
    roles = (Role.ADMIN,)
    key_columns = ("cluster_code", "year", "unit_code")
    columns = (
        Column("cluster_code", parsers.code, required=True, description=_l("Mã cụm")),
        Column("cluster_name", parsers.text(255),
               description=_l("Tên cụm (bắt buộc ở ít nhất một dòng của cụm mới; các dòng phải giống nhau)")),
        Column("organiser_code", parsers.code,
               description=_l("Mã đơn vị tổ chức cụm (bắt buộc với cụm mới; các dòng phải giống nhau)")),
        Column("year", parsers.year, required=True, description=_l("Năm thi đua")),
        Column("unit_code", parsers.code, required=True, description=_l("Mã đơn vị thành viên")),
        Column("role", parsers.choice(ClusterRole), description=_l("leader, deputy hoặc member (trống: member)")),
    )

    def check(self, rows: list[Row], checker: Checker) -> None:
        clusters = checker.lookup(Cluster, Cluster.code, (r.values.get("cluster_code") for r in rows))
        units = checker.lookup(Unit, Unit.code,
                               [r.values.get(c) for r in rows for c in ("organiser_code", "unit_code")])
        members = {(m.cluster_id, m.year, m.unit_id): m for m in checker.select_in(
            lambda ids: select(ClusterMember).where(ClusterMember.cluster_id.in_(ids)),
            (c.id for c in clusters.values()))}

        # The cluster's name and organiser may be given on any of its rows, but must agree.
        given: dict[tuple[str, str], tuple[int, object]] = {}
        rows_of: dict[str, list[Row]] = {}
        for row in rows:
            code = row.values.get("cluster_code")
            if code is None:
                continue
            rows_of.setdefault(code, []).append(row)
            for column in ("cluster_name", "organiser_code"):
                value = row.values.get(column)
                if value is None:
                    continue
                earlier = given.setdefault((code, column), (row.number, value))
                if earlier[1] != value:
                    checker.add(row, column, _("khác với dòng %(row)s (“%(value)s”)", row=earlier[0], value=earlier[1]))

        for code, its_rows in rows_of.items():
            row, cluster = its_rows[0], clusters.get(code)
            name = given.get((code, "cluster_name"), (row.number, cluster.name if cluster else None))[1]
            organiser_row, organiser_code = given.get((code, "organiser_code"), (row.number, None))
            if name is None:
                checker.add(row, "cluster_name", _("bắt buộc với cụm mới “%(code)s”", code=code))
            organiser = cluster.organiser if cluster is not None else None
            if organiser_code is not None:
                organiser = units.get(organiser_code)
                if organiser is None:
                    checker.add(organiser_row, "organiser_code",
                                _("không tìm thấy đơn vị “%(code)s”", code=organiser_code))
                else:
                    checker.require_scope(organiser_row, "organiser_code", organiser)
            elif cluster is None:
                checker.add(row, "organiser_code", _("bắt buộc với cụm mới “%(code)s”", code=code))
            if cluster is not None:
                # An existing cluster belongs to its organiser: changing it needs that unit in scope.
                checker.require_scope(row, "cluster_code", cluster.organiser)
            for other in its_rows:
                other.refs.update(cluster=cluster, cluster_name=name, organiser=organiser)

        leaders: dict[tuple[str, int], int] = {}
        for row in rows:
            v = row.values
            if v.get("unit_code"):
                unit = units.get(v["unit_code"])
                if unit is None:
                    checker.add(row, "unit_code", _("không tìm thấy đơn vị “%(code)s”", code=v["unit_code"]))
                else:
                    row.refs["unit"] = unit
                    checker.require_scope(row, "unit_code", unit)
            cluster, unit = row.refs.get("cluster"), row.refs.get("unit")
            if v.get("cluster_code") and v.get("year") and unit is not None:
                _status(row, cluster is not None and (cluster.id, v["year"], unit.id) in members)
            if v.get("role") == ClusterRole.LEADER and v.get("cluster_code") and v.get("year"):
                earlier = leaders.setdefault((v["cluster_code"], v["year"]), row.number)
                if earlier != row.number:
                    checker.add(row, "role", _("cụm “%(code)s” năm %(year)s đã có trưởng cụm ở dòng %(row)s",
                                               code=v["cluster_code"], year=v["year"], row=earlier))
        self._check_leaders_on_file(rows, members, leaders, checker)

    @staticmethod
    def _check_leaders_on_file(rows, members, leaders, checker: Checker) -> None:
        """A leader already recorded, and not re-stated by this file, still counts: one leader per year."""
        restated = {(r.refs["cluster"].id, r.values["year"], r.refs["unit"].id) for r in rows
                    if r.refs.get("cluster") is not None and r.refs.get("unit") is not None and r.values.get("year")}
        for (cluster_code, year), number in leaders.items():
            row = next(r for r in rows if r.number == number)
            cluster = row.refs.get("cluster")
            if cluster is None:
                continue
            for (cluster_id, member_year, unit_id), member in members.items():
                if (cluster_id == cluster.id and member_year == year and member.role == ClusterRole.LEADER
                        and (cluster_id, member_year, unit_id) not in restated):
                    checker.add(row, "role", _("cụm “%(code)s” năm %(year)s đã có trưởng cụm “%(unit)s”",
                                               code=cluster_code, year=year, unit=member.unit.code))

    def apply_row(self, row: Row, state: dict) -> None:
        code = row.values["cluster_code"]
        cluster = state.get(code)
        if cluster is None:
            cluster = state[code] = operations.save_cluster(code, name=row.refs["cluster_name"],
                                                            organiser=row.refs["organiser"])
        operations.set_cluster_member(cluster, row.values["year"], row.refs["unit"],
                                      row.values["role"] or ClusterRole.MEMBER)


KINDS: dict[str, ImportKind] = {k.name: k for k in (UnitsImport(), PeopleImport(), RatingsImport(),
                                                    DisciplineImport(), ClustersImport(), *METRIC_KINDS,
                                                    *INITIATIVE_KINDS, *HISTORY_KINDS)}
