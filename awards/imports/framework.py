"""The import framework every kind (units, people, … and later metrics, initiatives) plugs into.

A kind declares its columns (name, parser, required) and two hooks: ``check`` resolves references
against the database and the other rows of the file, marks each row new or update and reports
problems; ``apply_row`` writes one row through the domain operations (a kind with many rows overrides
``write`` instead, to write them all at once). ``validate`` runs the header check, the cell parsers, the
duplicate check and the kind's check over EVERY row and collects ALL problems; ``apply`` writes only a
clean result, inside a savepoint, so a failure leaves nothing behind. Kinds that set ``records_batch``
get an ``ImportBatch`` (who, when, which file) that their rows point to.
"""
from __future__ import annotations

import logging
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from awards.core.errors import AwardsError
from awards.core.gc import collector_paused
from awards.extensions import db
from awards.imports.models import ImportBatch
from awards.imports.reading import Table, column_letter
from awards.org.models import Role, Unit, User

log = logging.getLogger(__name__)

NEW = "new"
UPDATE = "update"
_CHUNK = 500  # keeps IN (...) lists well under every database's parameter limit


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one cell; ``str()`` is the line the CLI prints and checks rely on."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = str
    required: bool = False
    description: Any = ""  # a lazy string shown on the upload page and in the docs
    optional_header: bool = False  # the header may leave the column out (its cells then read as empty)


@dataclass
class Row:
    """One data row: its spreadsheet number, the cell texts, and the parsed values.

    ``values`` holds a key for every column whose cell parsed (``None`` when empty); a column whose
    cell failed to parse is absent, so checks that depend on it skip quietly (its problem is reported).
    """

    number: int
    cells: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    status: str | None = None
    refs: dict[str, Any] = field(default_factory=dict)  # records resolved by ``check``, used by ``apply_row``


class Checker:
    """What a kind's ``check`` works with: the problems, the actor's scope, lookups by code."""

    def __init__(self, kind: ImportKind, scope: set[int] | None) -> None:
        self.kind = kind
        self.scope = scope  # None: the system (CLI) acts, without scope
        self.problems: list[Problem] = []

    def add(self, row: Row | int, column: str, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        self.problems.append(Problem(number, column, message))

    def in_scope(self, unit: Unit | None) -> bool:
        return self.scope is None or (unit is not None and unit.id in self.scope)

    def require_scope(self, row: Row | int, column: str, unit: Unit | None) -> bool:
        """Report ``unit`` on ``column`` if it lies outside the actor's scope; True when it is fine."""
        if self.in_scope(unit):
            return True
        self.add(row, column, _("đơn vị “%(code)s” nằm ngoài phạm vi quản lý của bạn",
                                code=unit.code if unit is not None else "—"))
        return False

    @staticmethod
    def lookup(model, attribute, keys: Iterable) -> dict:
        """``{key: record}`` for the records whose ``attribute`` is in ``keys`` (one query per chunk)."""
        keys = sorted({k for k in keys if k is not None})
        found = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            for record in db.session.scalars(select(model).where(attribute.in_(chunk))):
                found[getattr(record, attribute.key)] = record
        return found

    @staticmethod
    def select_in(stmt_for: Callable[[list], Any], keys: Iterable) -> list:
        """Run ``stmt_for(chunk)`` for each chunk of ``keys`` and return all the records."""
        keys = sorted({k for k in keys if k is not None})
        records = []
        for start in range(0, len(keys), _CHUNK):
            records.extend(db.session.scalars(stmt_for(keys[start:start + _CHUNK])))
        return records


class ImportKind:
    """One kind of import. Subclasses set the class attributes and implement ``check`` and ``apply_row``."""

    name: ClassVar[str]
    label: ClassVar[Any]
    columns: ClassVar[tuple[Column, ...]]
    roles: ClassVar[tuple[Role, ...]]
    key_columns: ClassVar[tuple[str, ...]]  # what identifies a row; two rows with the same key are a problem
    what: ClassVar[Any] = ""  # a short description for the upload page
    records_batch: ClassVar[bool] = False  # record each import as an ImportBatch passed to ``write``

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def check(self, rows: list[Row], checker: Checker) -> None:
        raise NotImplementedError

    def order(self, rows: list[Row]) -> list[Row]:
        """The order rows are written in (e.g. parents before children); file order by default."""
        return rows

    def apply_row(self, row: Row, state: dict) -> None:
        raise NotImplementedError

    def write(self, rows: list[Row], state: dict, batch: ImportBatch | None) -> None:
        """Write the (ordered) rows of a clean file; by default one ``apply_row`` at a time.

        ``state["row"]`` names the row being written, so a failure is reported on it.
        """
        for row in rows:
            state["row"] = row
            self.apply_row(row, state)


@dataclass
class ImportResult:
    kind: ImportKind
    rows: list[Row]
    problems: list[Problem]
    batch: ImportBatch | None = None  # set once written, for kinds that record their imports

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new_count(self) -> int:
        return sum(1 for r in self.rows if r.status == NEW)

    @property
    def update_count(self) -> int:
        return sum(1 for r in self.rows if r.status == UPDATE)

    def summary(self) -> str:
        return _("Đã nhập %(count)s dòng (%(new)s mới, %(updated)s cập nhật).", count=len(self.rows),
                 new=self.new_count, updated=self.update_count)

    def problems_by_row(self) -> dict[int, list[Problem]]:
        grouped: dict[int, list[Problem]] = defaultdict(list)
        for p in self.problems:
            grouped[p.row].append(p)
        return grouped


class ImportRejected(AwardsError):
    """The file has problems (or failed while being written); nothing was changed."""

    status = 422
    code = "import_rejected"

    def __init__(self, result: ImportResult) -> None:
        super().__init__(_("Tệp có %(count)s lỗi; không có dữ liệu nào được ghi.", count=len(result.problems)),
                         details=[str(p) for p in result.problems])
        self.result = result


def _check_header(kind: ImportKind, header: list[str]) -> list[Problem]:
    problems = []
    expected = kind.column_names
    seen: set[str] = set()
    for name in header:
        if not name:
            continue  # an empty header cell is reported only if a row puts data under it
        if name in seen:
            problems.append(Problem(1, name, _("cột bị lặp lại")))
        elif name not in expected:
            problems.append(Problem(1, name, _("cột không được hỗ trợ (các cột: %(columns)s)",
                                               columns=", ".join(expected))))
        seen.add(name)
    for column in kind.columns:
        if column.name not in seen and not column.optional_header:
            problems.append(Problem(1, column.name, _("thiếu cột")))
    return problems


def _parse_rows(kind: ImportKind, header: list[str], numbered: list[tuple[int, list[str]]],
                problems: list[Problem]) -> list[Row]:
    """Parse every row's cells; where each column sits is worked out once per file, not once per row."""
    width = len(header)
    position = {name: index for index, name in enumerate(header) if name}
    names = [c.name for c in kind.columns]
    # A column the header leaves out reads the empty cell every row is padded with at index ``width``
    # (cells beyond the header are cut off first: they are reported, never read).
    indexes = [position.get(name, width) for name in names]
    pick = operator.itemgetter(*indexes) if len(indexes) > 1 else (lambda cells: (cells[indexes[0]],))
    plan = [(c.name, c.parse, c.required) for c in kind.columns]
    unnamed = [index for index, name in enumerate(header) if not name]
    rows = []
    for number, cells in numbered:
        count = len(cells)
        if unnamed or count > width:
            for index in [*unnamed, *range(width, count)]:
                if index < count and cells[index]:
                    problems.append(Problem(number, column_letter(index),
                                            _("ô có dữ liệu nhưng cột không có tiêu đề")))
            cells = cells[:width]
            count = len(cells)
        texts = pick([*cells, *[""] * (width + 1 - count)])
        values: dict[str, Any] = {}
        for (name, parse, required), text in zip(plan, texts, strict=True):
            if not text:
                if required:
                    problems.append(Problem(number, name, _("bắt buộc, không được để trống")))
                else:
                    values[name] = None
                continue
            try:
                values[name] = parse(text)
            except ValueError as exc:
                problems.append(Problem(number, name, str(exc)))
        rows.append(Row(number=number, cells=dict(zip(names, texts, strict=True)), values=values))
    return rows


def _check_duplicates(kind: ImportKind, rows: list[Row], problems: list[Problem]) -> None:
    first_row: dict[tuple, int] = {}
    columns = kind.key_columns
    for row in rows:
        key = tuple(map(row.values.get, columns))
        if None in key:
            continue  # an incomplete key is already reported on its own cell
        if key in first_row:
            shown = " / ".join(row.cells[c] for c in kind.key_columns)
            problems.append(Problem(row.number, kind.key_columns[0],
                                    _("“%(key)s” trùng với dòng %(row)s", key=shown, row=first_row[key])))
        else:
            first_row[key] = row.number


def validate(kind: ImportKind, table: Table, *, scope: set[int] | None = None) -> ImportResult:
    """Check every row of ``table`` as ``kind`` and collect every problem; writes nothing."""
    with collector_paused():
        return _validate(kind, table, scope)


def _validate(kind: ImportKind, table: Table, scope: set[int] | None) -> ImportResult:
    problems = _check_header(kind, table.header)
    if problems:
        # Without the right columns the cells cannot be interpreted; the header is all we report.
        return ImportResult(kind, [], sorted(problems, key=lambda p: (p.row, _column_rank(kind, p.column))))
    rows = _parse_rows(kind, table.header, table.rows, problems)
    if not rows:
        problems.append(Problem(2, kind.columns[0].name, _("tệp không có dòng dữ liệu nào")))
    _check_duplicates(kind, rows, problems)
    checker = Checker(kind, scope)
    kind.check(rows, checker)
    problems.extend(checker.problems)
    rank = {name: index for index, name in enumerate(kind.column_names)}
    unique = sorted(set(problems), key=lambda p: (p.row, rank.get(p.column, len(rank)), p.column, p.message))
    return ImportResult(kind, rows, unique)


def _column_rank(kind: ImportKind, column: str) -> int:
    names = kind.column_names
    return names.index(column) if column in names else len(names)


def apply(result: ImportResult, *, file_name: str | None = None, actor: User | None = None) -> None:
    """Write a clean result through the kind's ``write``, all inside one savepoint.

    ``file_name`` and ``actor`` (None: the system) are recorded in the ImportBatch of kinds that keep one.
    Anything that fails while writing rolls the savepoint back (nothing of the file stays) and is
    reported as a problem on the row being written.
    """
    if not result.ok:
        raise ImportRejected(result)
    kind = result.kind
    state: dict = {}
    try:
        with collector_paused(), db.session.begin_nested():
            batch = None
            if kind.records_batch:
                batch = ImportBatch(kind=kind.name, file_name=(file_name or "")[:255],
                                    user_id=actor.id if actor is not None else None, row_count=len(result.rows),
                                    new_count=result.new_count, replaced_count=result.update_count)
                db.session.add(batch)
                db.session.flush()  # the rows need its id
            kind.write(kind.order(result.rows), state, batch)
            db.session.flush()
        result.batch = batch
    except (AwardsError, SQLAlchemyError, ValueError) as exc:
        current: Row | None = state.get("row")
        log.warning("Import %s failed while writing row %s", kind.name, current and current.number, exc_info=True)
        message = exc.message if isinstance(exc, AwardsError) else _("không ghi được dòng này: %(error)s",
                                                                      error=type(exc).__name__)
        number = current.number if current is not None else 2
        failed = ImportResult(kind, result.rows, [Problem(number, kind.key_columns[0], message)])
        raise ImportRejected(failed) from exc
