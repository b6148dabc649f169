"""Import kinds for the THADS figures: monthly reports (``metrics``), yearly targets, other yearly indicators.

A metrics file may hold a hundred thousand rows, so these kinds avoid the per-row ORM path: subjects
and existing records are looked up once per file into plain dicts of ids (Core selects, in chunks), the
rules run on the parsed integers, and ``write`` deletes the replaced records by id and inserts every row
at once (PostgreSQL: COPY; SQLite: one executemany). Re-importing a subject × year (× month) replaces its
record; every import is recorded as an ImportBatch that the written rows point to.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Table, any_, bindparam, delete, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from awards.core.formatting import number
from awards.extensions import db
from awards.imports import parsers
from awards.imports.framework import NEW, UPDATE, Checker, Column, ImportKind, Row
from awards.imports.models import ImportBatch
from awards.metrics.compute import DETAIL_FIELDS, Breakdown, Failure, identity_failures
from awards.metrics.models import MetricReport, MetricTarget, UnitIndicator
from awards.org.models import Person, SubjectType, Unit
from awards.org.permissions import STAFF_MANAGERS

FIRST_YEAR, LAST_YEAR = 2000, 2100
PREFIXES = ("cases", "money")
TOTALS = ("received", "enforceable", "completed")
_CHUNK = 500  # ids per IN (...) list, well under every database's parameter limit

_year = parsers.year_between(FIRST_YEAR, LAST_YEAR)
_amount = parsers.whole_number(parsers.BIGINT_MAX)
_count = parsers.whole_number(parsers.INTEGER_MAX)


def _in_chunks(stmt_for: Callable[[list], Any], keys: Iterable) -> list:
    """The result rows of ``stmt_for(chunk)`` for each chunk of ``keys``."""
    keys = sorted({k for k in keys if k is not None})
    found = []
    for start in range(0, len(keys), _CHUNK):
        found.extend(db.session.execute(stmt_for(keys[start:start + _CHUNK])).all())
    return found


# --- subjects ------------------------------------------------------------------------------------------

class Subjects:
    """The units and people a file names, loaded once: code → id (and a person's unit, for scope)."""

    def __init__(self, rows: list[Row], code_column: str, type_column: str | None) -> None:
        self.code_column, self.type_column = code_column, type_column
        codes: dict[SubjectType, set[str]] = {SubjectType.UNIT: set(), SubjectType.PERSON: set()}
        for row in rows:
            code = row.values.get(code_column)
            kind = row.values.get(type_column) if type_column else SubjectType.UNIT
            if code is not None and kind is not None:
                codes[kind].add(code)
        self.units: dict[str, int] = dict(_in_chunks(
            lambda chunk: select(Unit.code, Unit.id).where(Unit.code.in_(chunk)), codes[SubjectType.UNIT]))
        self.people: dict[str, tuple[int, int | None, str | None]] = {
            code: (person_id, unit_id, unit_code) for code, person_id, unit_id, unit_code in _in_chunks(
                lambda chunk: select(Person.code, Person.id, Person.unit_id, Unit.code)
                .outerjoin(Unit, Unit.id == Person.unit_id).where(Person.code.in_(chunk)),
                codes[SubjectType.PERSON])}

    def all(self) -> list[tuple[str, int]]:
        """Every subject the file names that exists, as ``(subject column, id)``."""
        return ([("unit_id", ident) for ident in self.units.values()]
                + [("person_id", person[0]) for person in self.people.values()])

    def resolve(self, row: Row, checker: Checker) -> tuple[str, int] | None:
        """``("unit_id", id)`` or ``("person_id", id)`` for the row's subject, or None after reporting why."""
        v = row.values
        code = v.get(self.code_column)
        kind = v.get(self.type_column) if self.type_column else SubjectType.UNIT
        if code is None or kind is None:
            return None  # the cell's own problem is reported
        scope = checker.scope
        if kind == SubjectType.UNIT:
            unit_id = self.units.get(code)
            if unit_id is None:
                checker.add(row, self.code_column, _("không tìm thấy đơn vị “%(code)s”", code=code))
                return None
            if scope is not None and unit_id not in scope:
                checker.add(row, self.code_column, _("đơn vị “%(code)s” nằm ngoài phạm vi quản lý của bạn", code=code))
                return None
            return "unit_id", unit_id
        person = self.people.get(code)
        if person is None:
            checker.add(row, self.code_column, _("không tìm thấy cán bộ “%(code)s”", code=code))
            return None
        person_id, unit_id, unit_code = person
        if scope is not None and unit_id not in scope:
            # An officer belongs to the scope of the unit they work in now; one without a unit to none.
            checker.add(row, self.code_column,
                        _("đơn vị “%(unit)s” của cán bộ “%(code)s” nằm ngoài phạm vi quản lý của bạn",
                          unit=unit_code or "—", code=code))
            return None
        return "person_id", person_id


def _existing(table: Table, subjects: Iterable[tuple[str, int]], years: set[int], *extra: str) -> dict[tuple, int]:
    """``{(subject column, subject id, year, *extra): id}`` of the records already stored for these subjects."""
    by_column: dict[str, set[int]] = {}
    for column, ident in subjects:
        by_column.setdefault(column, set()).add(ident)
    found: dict[tuple, int] = {}
    extra_columns = [table.c[name] for name in extra]
    for column, ids in by_column.items():
        subject = table.c[column]
        for record_id, ident, year, *more in _in_chunks(
                lambda chunk, subject=subject: select(table.c.id, subject, table.c.year, *extra_columns)
                .where(subject.in_(chunk), table.c.year.in_(sorted(years))), ids):
            found[(column, ident, year, *more)] = record_id
    return found


def _mark(row: Row, replaces: int | None) -> None:
    row.status = UPDATE if replaces is not None else NEW
    row.refs["replaces"] = replaces


def _replace(table: Table, rows: list[Row], records: list[dict]) -> None:
    """Delete the records the rows replace (by id), then insert ``records`` all at once."""
    replaced = sorted(r.refs["replaces"] for r in rows if r.refs.get("replaces") is not None)
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        if replaced:
            ids = bindparam("ids", replaced, type_=ARRAY(Integer))
            db.session.execute(delete(table).where(table.c.id == any_(ids)))
        if records:
            _copy(connection, table, records)
        return
    for start in range(0, len(replaced), _CHUNK):
        db.session.execute(delete(table).where(table.c.id.in_(replaced[start:start + _CHUNK])))
    if records:
        db.session.execute(insert(table), records)


def _copy(connection, table: Table, records: list[dict]) -> None:
    """PostgreSQL's COPY: 100,000 reports in about 1.5 s, against 3.5 s for psycopg's pipelined executemany
    (bench/metrics_import.py); it runs on the session's connection, inside the import's savepoint."""
    import psycopg
    from psycopg import sql

    columns = list(records[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for record in records:
                copy.write_row(tuple(record.values()))
    except psycopg.Error as exc:
        # The driver's own error, as SQLAlchemy would have wrapped it: the import reports it and rolls back.
        raise DBAPIError.instance(f"COPY {table.name}", None, exc, psycopg.Error) from exc


# --- monthly reports -----------------------------------------------------------------------------------

def _describe(prefix: str, failure: Failure, b: Breakdown) -> str:
    """The Vietnamese message for a broken rule, with the figures of the row (``1.250``)."""
    f = {k: number(v) if isinstance(v, int) else v for k, v in failure.figures.items()}
    rule = failure.rule
    if rule == "enforceable_le_received":
        return _("có điều kiện (%(enforceable)s) lớn hơn thụ lý (%(received)s)", **f)
    if rule == "completed_le_enforceable":
        return _("thi hành xong (%(completed)s) lớn hơn có điều kiện (%(enforceable)s)", **f)
    if rule == "details_incomplete":
        missing = ", ".join(f"{prefix}_{name}" for name in failure.figures["missing"].split(", "))
        return _("thiếu số liệu chi tiết: %(columns)s (đã điền một cột chi tiết thì phải điền đủ cả bảy)",
                 columns=missing)
    if rule == "received_identity":
        return _("thụ lý (%(received)s) ≠ cũ chuyển sang + thụ lý mới (%(carried_over)s + %(new)s)", **f)
    if rule == "to_enforce_identity":
        return _("thụ lý − ủy thác − thu hồi, hủy (%(received)s − %(delegated)s − %(withdrawn)s = %(to_enforce)s) "
                 "≠ có điều kiện + chưa có điều kiện (%(enforceable)s + %(not_enforceable)s)",
                 received=number(b.received), delegated=number(b.delegated), withdrawn=number(b.withdrawn), **f)
    if rule == "completed_identity":
        return _("thi hành xong (%(completed)s) ≠ xong thực tế + đình chỉ (%(enforced)s + %(terminated)s)", **f)
    if rule == "negative":
        return _("số liệu không được âm")
    return rule  # a rule compute.py added later and nobody worded yet: still refused, by name


def _figures(prefix: str) -> list[str]:
    return [f"{prefix}_{name}" for name in (*TOTALS, *DETAIL_FIELDS)]


class MetricsImport(ImportKind):
    name = "metrics"
    label = _l("Số liệu thi hành án hằng tháng")
    what = _l("Số liệu lũy kế từ đầu năm thống kê đến hết tháng của đơn vị hoặc chấp hành viên; nhập lại cùng "
              "đối tượng, năm và tháng thì thay thế số liệu đã có. Các cột chi tiết có thể bỏ khỏi tệp.")
    roles = STAFF_MANAGERS
    records_batch = True
    key_columns = ("subject_code", "subject_type", "year", "month")
    columns = (
        Column("subject_code", parsers.code, required=True, description=_l("Mã đơn vị hoặc mã cán bộ")),
        Column("subject_type", parsers.choice(SubjectType), required=True, description=_l("unit hoặc person")),
        Column("year", _year, required=True,
               description=_l("Năm thống kê: 2021 là từ 01/10/2020 đến 30/9/2021")),
        Column("month", parsers.month, required=True,
               description=_l("Tháng (1–12) của ngày chốt số liệu: 6 là số liệu đến hết 30/6")),
        Column("cases_received", _amount, required=True, description=_l("Số việc thụ lý")),
        Column("cases_enforceable", _amount, required=True, description=_l("Số việc có điều kiện thi hành")),
        Column("cases_completed", _amount, required=True, description=_l("Số việc thi hành xong")),
        Column("money_received", _amount, required=True,
               description=_l("Số tiền thụ lý (đồng, ví dụ 21.155.130.000 hoặc 21155130000)")),
        Column("money_enforceable", _amount, required=True, description=_l("Số tiền có điều kiện thi hành (đồng)")),
        Column("money_completed", _amount, required=True, description=_l("Số tiền thi hành xong (đồng)")),
        *(Column(f"{prefix}_{name}", _amount, optional_header=True, description=description)
          for prefix in PREFIXES
          for name, description in (
              ("carried_over", _l("Chi tiết (có thể bỏ cột): cũ chuyển sang")),
              ("new", _l("Chi tiết: thụ lý mới")),
              ("delegated", _l("Chi tiết: ủy thác")),
              ("withdrawn", _l("Chi tiết: thu hồi, hủy")),
              ("not_enforceable", _l("Chi tiết: chưa có điều kiện")),
              ("enforced", _l("Chi tiết: xong thực tế")),
              ("terminated", _l("Chi tiết: đình chỉ")),
          )),
    )
    _checked = {prefix: _figures(prefix) for prefix in PREFIXES}
    _written = ("year", "month", *_figures("cases"), *_figures("money"))

    def check(self, rows: list[Row], checker: Checker) -> None:
        subjects = Subjects(rows, "subject_code", "subject_type")
        years = {r.values["year"] for r in rows if r.values.get("year") is not None}
        existing = _existing(MetricReport.__table__, subjects.all(), years, "month")
        checked = tuple(self._checked.items())
        for row in rows:
            v = row.values
            for prefix, names in checked:
                try:
                    figures = [v[name] for name in names]
                except KeyError:
                    continue  # a cell did not parse: its own problem says so, the identities would blame another
                breakdown = Breakdown(*figures)
                for failure in identity_failures(breakdown):
                    checker.add(row, f"{prefix}_{failure.column}", _describe(prefix, failure, breakdown))
            subject = subjects.resolve(row, checker)
            if subject is not None and "year" in v and "month" in v:
                row.refs["subject"] = subject
                _mark(row, existing.get((*subject, v["year"], v["month"])))

    def write(self, rows: list[Row], state: dict, batch: ImportBatch | None) -> None:
        batch_id = batch.id if batch is not None else None
        written = self._written
        records = []
        for row in rows:
            v = row.values
            record = {name: v[name] for name in written}
            column, ident = row.refs["subject"]
            record["unit_id"] = ident if column == "unit_id" else None
            record["person_id"] = ident if column == "person_id" else None
            record["import_batch_id"] = batch_id
            records.append(record)
        _replace(MetricReport.__table__, rows, records)


# --- yearly targets ------------------------------------------------------------------------------------

class TargetsImport(ImportKind):
    name = "targets"
    label = _l("Chỉ tiêu hằng năm")
    what = _l("Chỉ tiêu tỷ lệ thi hành xong về việc và về tiền của đơn vị hoặc chấp hành viên theo năm; nhập lại "
              "cùng đối tượng và năm thì thay thế chỉ tiêu đã có.")
    roles = STAFF_MANAGERS
    records_batch = True
    key_columns = ("subject_code", "subject_type", "year")
    columns = (
        Column("subject_code", parsers.code, required=True, description=_l("Mã đơn vị hoặc mã cán bộ")),
        Column("subject_type", parsers.choice(SubjectType), required=True, description=_l("unit hoặc person")),
        Column("year", _year, required=True, description=_l("Năm thống kê, ví dụ 2021")),
        Column("case_target_pct", parsers.percentage, required=True,
               description=_l("Chỉ tiêu về việc, %: từ 0 đến 100, tối đa 2 chữ số thập phân (82,5 hoặc 82.5)")),
        Column("money_target_pct", parsers.percentage, required=True, description=_l("Chỉ tiêu về tiền, %")),
    )

    def check(self, rows: list[Row], checker: Checker) -> None:
        subjects = Subjects(rows, "subject_code", "subject_type")
        resolved = [(row, subjects.resolve(row, checker)) for row in rows]
        years = {r.values["year"] for r in rows if r.values.get("year") is not None}
        existing = _existing(MetricTarget.__table__, (s for _r, s in resolved if s is not None), years)
        for row, subject in resolved:
            if subject is not None and row.values.get("year") is not None:
                row.refs["subject"] = subject
                _mark(row, existing.get((*subject, row.values["year"])))

    def write(self, rows: list[Row], state: dict, batch: ImportBatch | None) -> None:
        records = []
        for row in rows:
            column, ident = row.refs["subject"]
            records.append({"unit_id": ident if column == "unit_id" else None,
                            "person_id": ident if column == "person_id" else None,
                            "year": row.values["year"], "case_target_pct": row.values["case_target_pct"],
                            "money_target_pct": row.values["money_target_pct"],
                            "import_batch_id": batch.id if batch is not None else None})
        _replace(MetricTarget.__table__, rows, records)


# --- other yearly indicators ---------------------------------------------------------------------------

class IndicatorsImport(ImportKind):
    name = "indicators"
    label = _l("Chỉ tiêu khác hằng năm")
    what = _l("Khiếu nại, tố cáo đã nhận và đã giải quyết, chỉ tiêu giải quyết, số lượt tiếp công dân của đơn vị "
              "theo năm; nhập lại cùng đơn vị và năm thì thay thế số liệu đã có.")
    roles = STAFF_MANAGERS
    records_batch = True
    key_columns = ("unit_code", "year")
    columns = (
        Column("unit_code", parsers.code, required=True, description=_l("Mã đơn vị")),
        Column("year", _year, required=True, description=_l("Năm thống kê, ví dụ 2021")),
        Column("complaints_received", _count, description=_l("Số đơn khiếu nại, tố cáo đã nhận")),
        Column("complaints_resolved", _count,
               description=_l("Số đơn đã giải quyết (không lớn hơn số đã nhận)")),
        Column("complaints_target_pct", parsers.percentage,
               description=_l("Chỉ tiêu giải quyết khiếu nại, tố cáo, %")),
        Column("citizen_receptions", _count, description=_l("Số lượt tiếp công dân")),
    )

    def check(self, rows: list[Row], checker: Checker) -> None:
        subjects = Subjects(rows, "unit_code", None)
        resolved = [(row, subjects.resolve(row, checker)) for row in rows]
        years = {r.values["year"] for r in rows if r.values.get("year") is not None}
        existing = _existing(UnitIndicator.__table__, (s for _r, s in resolved if s is not None), years)
        for row, subject in resolved:
            v = row.values
            received, resolved_count = v.get("complaints_received"), v.get("complaints_resolved")
            if resolved_count is not None and "complaints_received" in v:
                if received is None:
                    checker.add(row, "complaints_received",
                                _("bắt buộc khi có số đơn đã giải quyết (complaints_resolved)"))
                elif resolved_count > received:
                    checker.add(row, "complaints_resolved",
                                _("số đơn đã giải quyết (%(resolved)s) lớn hơn số đã nhận (%(received)s)",
                                  resolved=number(resolved_count), received=number(received)))
            if subject is not None and v.get("year") is not None:
                row.refs["subject"] = subject
                _mark(row, existing.get((*subject, v["year"])))

    def write(self, rows: list[Row], state: dict, batch: ImportBatch | None) -> None:
        fields = ("year", "complaints_received", "complaints_resolved", "complaints_target_pct", "citizen_receptions")
        records = [{"unit_id": row.refs["subject"][1], **{name: row.values[name] for name in fields},
                    "import_batch_id": batch.id if batch is not None else None} for row in rows]
        _replace(UnitIndicator.__table__, rows, records)


KINDS: tuple[ImportKind, ...] = (MetricsImport(), TargetsImport(), IndicatorsImport())
