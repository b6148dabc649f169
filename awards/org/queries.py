"""Read-only queries behind the organisation pages; each returns plain data for one view.

Lists stay at a fixed number of SQL statements whatever their length: the visible units and their names
are loaded in two statements and the tree is built in Python, counts are grouped, relationships the pages
show are eager-loaded.
"""
from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, String, and_, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.expression import FunctionElement

from awards.core.models import in_force
from awards.extensions import db
from awards.org.models import (
    Assignment,
    Cluster,
    ClusterMember,
    ClusterRole,
    Discipline,
    EmulationYear,
    Person,
    Role,
    Unit,
    UnitKind,
    UnitName,
    User,
    YearlyRating,
)
from awards.org.permissions import STAFF_MANAGERS, scoped, subtree_ids, visible_unit_ids

# --- accent-insensitive search ----------------------------------------------------------------------------
# Vietnamese users type names with or without diacritics ("Nguyen" must find "Nguyễn"). Neither SQLite nor a
# stock PostgreSQL (no unaccent extension) folds them, and SQLite's lower() and LIKE only know ASCII case.
# PostgreSQL folds the column with translate(); SQLite matches a GLOB whose character classes list every
# form of each letter (nested replace() calls would overflow SQLite's parser stack).
_VI_LOWER = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_VI_PLAIN = "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d"
_FOLD_FROM = _VI_LOWER + _VI_LOWER.upper()
_FOLD_TO = _VI_PLAIN * 2
_FOLD_TABLE = str.maketrans(_FOLD_FROM, _FOLD_TO)
_FORMS: dict[str, str] = defaultdict(str)
for _plain in "abcdefghijklmnopqrstuvwxyz":
    _FORMS[_plain] = _plain + _plain.upper()
for _src, _dst in zip(_FOLD_FROM, _FOLD_TO, strict=True):
    _FORMS[_dst] += _src


def fold_text(text: str) -> str:
    """``"Nguyễn ĐỨC"`` → ``"nguyen duc"`` (the same folding ``fold`` applies in SQL)."""
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE).lower()


def glob_pattern(word: str) -> str:
    """A SQLite GLOB matching ``word`` anywhere, in any case, with or without accents: ``an`` → ``*[aAàá…][nN]*``."""
    out = []
    for ch in fold_text(word):
        if ch in _FORMS:
            out.append(f"[{_FORMS[ch]}]")
        elif ch in "*?[":
            out.append(f"[{ch}]")  # GLOB's wildcards, taken literally
        else:
            out.append(ch)
    return "*" + "".join(out) + "*"


class fold(FunctionElement):  # noqa: N801 - used like a SQL function
    """SQL: the column folded as ``fold_text`` folds a Python string (not for SQLite: see ``contains_folded``)."""

    type = String()
    name = "fold"
    inherit_cache = True


@compiles(fold)
def _fold_translate(element, compiler, **kw):
    (arg,) = element.clauses
    return f"lower(translate({compiler.process(arg, **kw)}, '{_FOLD_FROM}', '{_FOLD_TO}'))"


def contains_folded(column, word: str):
    """``column`` contains ``word``, ignoring case and Vietnamese accents, on the session's database."""
    if db.session.get_bind().dialect.name == "sqlite":
        return column.op("GLOB")(glob_pattern(word))
    return fold(column).contains(fold_text(word), autoescape=True)


# --- the visible tree -------------------------------------------------------------------------------------

# Within a parent: its divisions before its branches, as on the agencies' own organisation charts.
_KIND_ORDER = {kind: i for i, kind in enumerate((
    UnitKind.GENERAL_DEPARTMENT, UnitKind.PROVINCIAL_DEPARTMENT, UnitKind.DIVISION, UnitKind.REGIONAL_OFFICE,
    UnitKind.DISTRICT_BRANCH, UnitKind.OTHER))}


@dataclass
class UnitNode:
    unit: Unit
    name: str
    depth: int = 0
    people: int = 0  # assigned directly to this unit
    total_people: int = 0  # this unit and every unit below it
    children: list[UnitNode] = field(default_factory=list)


class UnitTree:
    """The units a user may see, as a forest whose roots are the user's scope units."""

    def __init__(self, units: list[Unit], people_counts: dict[int, int] | None = None,
                 on: date | None = None) -> None:
        on = on or date.today()
        counts = people_counts or {}
        self.nodes: dict[int, UnitNode] = {u.id: UnitNode(u, u.name_on(on), people=counts.get(u.id, 0))
                                           for u in units}
        self.by_code: dict[str, UnitNode] = {n.unit.code: n for n in self.nodes.values()}
        self.roots: list[UnitNode] = []
        for node in self.nodes.values():
            parent = self.nodes.get(node.unit.parent_id)
            (parent.children if parent else self.roots).append(node)
        self._finish(self.roots, 0)

    @staticmethod
    def _key(node: UnitNode):
        return _KIND_ORDER.get(node.unit.kind, 99), fold_text(node.name), node.unit.code

    def _finish(self, nodes: list[UnitNode], depth: int) -> int:
        nodes.sort(key=self._key)
        total = 0
        for node in nodes:
            node.depth = depth
            node.total_people = node.people + self._finish(node.children, depth + 1)
            total += node.total_people
        return total

    def __len__(self) -> int:
        return len(self.nodes)

    def walk(self, nodes: list[UnitNode] | None = None) -> Iterator[UnitNode]:
        """Every node, parents before children, in display order."""
        for node in self.roots if nodes is None else nodes:
            yield node
            yield from self.walk(node.children)

    def subtree_ids(self, unit_id: int) -> set[int]:
        node = self.nodes.get(unit_id)
        return {n.unit.id for n in self.walk([node])} if node else set()

    @property
    def total_people(self) -> int:
        return sum(root.total_people for root in self.roots)


def people_counts(unit_ids: set[int]) -> dict[int, int]:
    """People currently assigned, per unit, in one grouped statement."""
    if not unit_ids:
        return {}
    rows = db.session.execute(select(Person.unit_id, func.count(Person.id))
                              .where(Person.unit_id.in_(unit_ids)).group_by(Person.unit_id))
    return {unit_id: n for unit_id, n in rows}


def visible_tree(user: User, *, with_counts: bool = False, on: date | None = None) -> UnitTree:
    """The user's visible units with their names (two statements, plus one grouped count if asked)."""
    ids = visible_unit_ids(user)
    if not ids:
        return UnitTree([])
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).options(selectinload(Unit.names))))
    return UnitTree(units, people_counts(ids) if with_counts else None, on)


# --- years and clusters -----------------------------------------------------------------------------------

def current_year_label(on: date | None = None) -> int:
    """The emulation year covering ``on``: a recorded year if one does, else THADS's 1/10–30/9 default."""
    on = on or date.today()
    label = db.session.scalar(select(EmulationYear.label)
                              .where(EmulationYear.start_date <= on, EmulationYear.end_date >= on)
                              .order_by(EmulationYear.label.desc()).limit(1))
    if label is not None:
        return label
    return on.year + 1 if on >= EmulationYear.default_bounds(on.year + 1)[0] else on.year


_CLUSTER_ROLE_ORDER = {ClusterRole.LEADER: 0, ClusterRole.DEPUTY: 1, ClusterRole.MEMBER: 2}


@dataclass
class ClusterYear:
    cluster: Cluster
    year: int | None
    members: list[ClusterMember]


def visible_clusters(user: User, on: date | None = None) -> list[ClusterYear]:
    """Clusters organised inside the user's scope, each with its members in the current year.

    A cluster with no members this year shows its most recent earlier year (else its earliest later one),
    so a cluster set up for next year is not shown empty.
    """
    clusters = list(db.session.scalars(
        scoped(select(Cluster), Cluster.organiser_id, user)
        .options(selectinload(Cluster.organiser).selectinload(Unit.names))
        .order_by(Cluster.name, Cluster.code)))
    if not clusters:
        return []
    current = current_year_label(on)
    years: dict[int, set[int]] = defaultdict(set)
    for cluster_id, year in db.session.execute(
            select(ClusterMember.cluster_id, ClusterMember.year).distinct()
            .where(ClusterMember.cluster_id.in_([c.id for c in clusters]))):
        years[cluster_id].add(year)
    shown = {cid: max((y for y in ys if y <= current), default=min(ys)) for cid, ys in years.items()}
    members: dict[int, list[ClusterMember]] = defaultdict(list)
    if shown:
        rows = db.session.scalars(
            select(ClusterMember)
            .where(ClusterMember.cluster_id.in_(shown), ClusterMember.year.in_(set(shown.values())))
            .options(selectinload(ClusterMember.unit).selectinload(Unit.names)))
        for m in rows:
            if shown[m.cluster_id] == m.year:
                members[m.cluster_id].append(m)
    for rows in members.values():
        rows.sort(key=lambda m: (_CLUSTER_ROLE_ORDER.get(m.role, 9), fold_text(m.unit.name)))
    return [ClusterYear(c, shown.get(c.id), members[c.id]) for c in clusters]


# --- dashboard --------------------------------------------------------------------------------------------

_ROLE_ORDER = {role: i for i, role in enumerate(Role)}
DASHBOARD_PEOPLE = 10


@dataclass
class RoleScope:
    role: Role
    node: UnitNode  # the scope unit, with its people counts
    units: int  # units in the scope (the unit and those below it)
    people: list[Person] = field(default_factory=list)  # a first page of its people, for proposers


@dataclass
class Dashboard:
    tree: UnitTree
    scopes: list[RoleScope]
    staff_people: int  # people the user manages as admin/HR (0 if neither)
    staff_units: int


def dashboard(user: User) -> Dashboard:
    """The user's roles with their scope units and the counts the home page shows (fixed statement count)."""
    tree = visible_tree(user, with_counts=True)
    scopes = []
    for ra in sorted(user.roles, key=lambda r: (_ROLE_ORDER[r.role], r.unit_id)):
        node = tree.nodes.get(ra.unit_id)
        if node is None:
            continue
        scope = RoleScope(ra.role, node, len(tree.subtree_ids(ra.unit_id)))
        if ra.role == Role.PROPOSER:
            # Proposers nominate their own unit's people, so the home page lists them (a bounded first page).
            scope.people = list(people_page(user, unit_ids=tree.subtree_ids(ra.unit_id),
                                            per_page=DASHBOARD_PEOPLE).items)
        scopes.append(scope)
    staff_ids = visible_unit_ids(user, STAFF_MANAGERS)
    staff_people = sum(tree.nodes[i].people for i in staff_ids if i in tree.nodes)
    return Dashboard(tree, scopes, staff_people, len(staff_ids))


# --- unit page --------------------------------------------------------------------------------------------

@dataclass
class UnitDetail:
    unit: Unit
    names: list[UnitName]  # latest first
    current_name_id: int | None  # the name in force today
    children: list[Unit]
    people_here: int
    people_total: int  # including the units below
    ratings: list[YearlyRating]
    memberships: list[ClusterMember]
    organised: list[Cluster]  # clusters this unit organises


def unit_detail(unit: Unit, on: date | None = None) -> UnitDetail:
    on = on or date.today()
    names = sorted(unit.names, key=lambda n: n.valid_from, reverse=True)
    current = next((n for n in names if in_force(n.valid_from, n.valid_to, on)), None)
    children = list(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id)
                                       .options(selectinload(Unit.names))))
    children.sort(key=lambda u: (_KIND_ORDER.get(u.kind, 99), fold_text(u.name), u.code))
    people_here = db.session.scalar(select(func.count(Person.id)).where(Person.unit_id == unit.id))
    people_total = db.session.scalar(select(func.count(Person.id))
                                     .where(Person.unit_id.in_(subtree_ids([unit.id]))))
    ratings = list(db.session.scalars(select(YearlyRating).where(YearlyRating.unit_id == unit.id)
                                      .order_by(YearlyRating.year.desc())))
    memberships = list(db.session.scalars(
        select(ClusterMember).where(ClusterMember.unit_id == unit.id)
        .options(joinedload(ClusterMember.cluster)).order_by(ClusterMember.year.desc(), ClusterMember.id)))
    organised = list(db.session.scalars(select(Cluster).where(Cluster.organiser_id == unit.id)
                                        .order_by(Cluster.name, Cluster.code)))
    return UnitDetail(unit, names, current.id if current else None, children, people_here or 0, people_total or 0,
                      ratings, memberships, organised)


# --- people -----------------------------------------------------------------------------------------------

def search_terms(q: str | None) -> list[str]:
    return (q or "").split()[:8]


def people_page(user: User, *, q: str | None = None, unit_ids: set[int] | None = None, page: int = 1,
                per_page: int = 25) -> Pagination:
    """One page of ``people_query``: two statements (count, page) plus the eager loads of the units' names."""
    stmt = people_query(user, q=q, unit_ids=unit_ids)
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False, max_per_page=per_page)


def people_query(user: User, *, q: str | None = None, unit_ids: set[int] | None = None) -> Select:
    """The people the user may see, optionally narrowed to ``unit_ids`` and to a search, in list order (the
    page and its export read the same statement).

    Every search word must appear, without regard to case or accents, in the full name or the code.
    """
    stmt = scoped(select(Person), Person.unit_id, user)
    if unit_ids is not None:
        stmt = stmt.where(Person.unit_id.in_(unit_ids)) if unit_ids else stmt.where(False)
    words = search_terms(q)
    if words:
        stmt = stmt.where(and_(*(or_(contains_folded(Person.full_name, w), contains_folded(Person.code, w))
                                 for w in words)))
    return stmt.options(joinedload(Person.unit).selectinload(Unit.names)).order_by(Person.sort_name, Person.id)


@dataclass
class AssignmentRow:
    assignment: Assignment
    name: str  # the unit's name at the start of the period
    current_name: str  # its name today, when different


@dataclass
class PersonDetail:
    person: Person
    assignments: list[AssignmentRow]
    ratings: list[YearlyRating]
    disciplines: list[Discipline]


def person_detail(person: Person, on: date | None = None) -> PersonDetail:
    on = on or date.today()
    assignments = list(db.session.scalars(
        select(Assignment).where(Assignment.person_id == person.id)
        .options(selectinload(Assignment.unit).selectinload(Unit.names))
        .order_by(Assignment.valid_from.desc())))
    rows = []
    for a in assignments:
        then = a.unit.name_on(a.valid_from)
        now = a.unit.name_on(on)
        rows.append(AssignmentRow(a, then, now if now != then else ""))
    ratings = list(db.session.scalars(select(YearlyRating).where(YearlyRating.person_id == person.id)
                                      .order_by(YearlyRating.year.desc())))
    disciplines = sorted(person.disciplines, key=lambda d: d.start_date, reverse=True)
    return PersonDetail(person, rows, ratings, disciplines)
