"""The search box: every record type the user may see, matched without regard to case or Vietnamese accents.

Each group is narrowed exactly as the type's own list is (the same scoping helper, or that list's own query):
people (any role, the person's unit in scope, as ``org.queries.people_page``), units (the visible tree),
nominations (``nominations.queries.nominations_for``, the queue of the /nominations list), decisions
(``decisions.queries.decisions_for``: only for the roles that read decisions, drafts hidden from viewers) and
initiatives (the initiative's unit in scope, as ``initiatives.queries.initiatives_page``).

Matching: the query is split into words (at most 8); every word must appear, folded (``Nguyen`` = ``Nguyễn``,
``Dang`` = ``Đặng``), in one of the record's fields. The folding happens in SQL (``org.queries.contains_folded``:
``translate()`` on PostgreSQL, a GLOB of character classes on SQLite), so the database returns only the first
rows of each group with their count: a fixed number of statements whatever the size of the data. People's
names are matched through their ASCII ``sort_name`` key (see ``sort_name_pattern``), the cheap way to fold
them for ten thousand people.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from awards.decisions.models import Decision, DecisionItem
from awards.decisions.queries import decisions_for, reads_decisions
from awards.extensions import db
from awards.initiatives.models import Initiative, InitiativeAuthor
from awards.nominations.models import Nomination
from awards.nominations.queries import nominations_for
from awards.org.models import Person, Unit, UnitName, User
from awards.org.permissions import scoped, visible_unit_ids
from awards.org.queries import contains_folded, fold_text, search_terms

MIN_LENGTH = 2     # characters, spaces not counted: one letter would match nearly everything
MAX_LENGTH = 100
PER_GROUP = 5      # rows shown per group; the count says how many there are in all
SORTED_UNITS = 200  # up to this many matching units are sorted by name; more are taken by code

# "01/QĐ-CTHADS", "343/QĐ", "12": a decision's number, optionally followed by (part of) its symbol.
_NUMBER = re.compile(r"(\d{1,9})(?:/(.*))?")


@dataclass
class Group:
    kind: str          # people, units, nominations, decisions, initiatives
    total: int
    items: list = field(default_factory=list)


@dataclass
class Results:
    q: str
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)


def clean(q: str | None) -> str:
    """The query as the page keeps it: trimmed, at most ``MAX_LENGTH`` characters."""
    return (q or "").strip()[:MAX_LENGTH]


def long_enough(q: str) -> bool:
    return len("".join(q.split())) >= MIN_LENGTH


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _first(kind: str, stmt, limit: int) -> Group:
    """The first ``limit`` rows and the count of all of them in ONE statement (``count(*) OVER ()`` is computed
    before the LIMIT), so the matching runs once instead of twice (count, then page)."""
    rows = db.session.execute(stmt.add_columns(func.count().over().label("total")).limit(limit)).all()
    return Group(kind, rows[0].total if rows else 0, [row[0] for row in rows])


def _units_named(word: str):
    """Ids of the units any of whose names, past ones included, contains ``word``."""
    return select(UnitName.unit_id).where(contains_folded(UnitName.name, word))


def _named(person_id, unit_id, word: str):
    """The person ``person_id`` or the unit ``unit_id`` (columns of the outer row) is named by ``word``.

    Correlated EXISTS, not ``IN (all matching people)``: the database looks up the row's own nominee by its key
    instead of matching every person of the system first.
    """
    return or_(exists().where(Person.id == person_id, _person_word(word)),
               exists().where(UnitName.unit_id == unit_id, contains_folded(UnitName.name, word)))


def sort_name_pattern(word: str) -> str | None:
    """A LIKE pattern matching ``word`` inside ``Person.sort_name`` (``name_sort_key``); None for a word with
    punctuation, which the key leaves out.

    The key writes each letter as its base and a variant digit ("Đặng" → ``d1a1n0g0``), so the folded word with
    ``_`` after each letter finds every accented form: ``dang`` → ``%d_a_n_g_%``. A letter of the pattern only
    ever meets a letter of the key (letters and digits alternate inside a word, words are joined by "-"), so
    the match cannot slip between letters. The key is plain ASCII and indexed beside the name: a LIKE on it is
    several times cheaper than folding ``full_name`` row by row, which matters for ten thousand people.
    """
    letters = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch == "đ":
            letters.append("d")
        elif ch.isalnum():
            letters.append(ch)
        elif not unicodedata.combining(ch):
            return None  # punctuation: the key drops it, so only the name itself can say (see ``_person_word``)
    return "%" + "".join(f"{ch}_" for ch in letters) + "%" if letters else None


def _person_word(word: str):
    """``word`` in a person's name (accent-insensitive, as the people list matches) or code."""
    pattern = sort_name_pattern(word)
    if pattern:
        by_name = Person.sort_name.like(pattern)
    else:
        # Folding every name is slow ("01/QĐ-CTHADS" over ten thousand people): first the names that hold the
        # word's punctuation at all, a plain LIKE that leaves almost none to fold.
        marks = sorted({ch for ch in word if not ch.isalnum() and not unicodedata.combining(ch)})
        by_name = and_(*(Person.full_name.contains(mark, autoescape=True) for mark in marks),
                       contains_folded(Person.full_name, word))
    return or_(by_name, func.lower(Person.code).contains(word.lower(), autoescape=True))




# --- one query per type --------------------------------------------------------------------------------------

def people(user: User, words: list[str], limit: int) -> Group:
    """The people list's scope and matches (name or code, accent-insensitive), in its order, through the ASCII
    ``sort_name`` key: a count, a page and the units' names."""
    stmt = scoped(select(Person), Person.unit_id, user)
    for word in words:
        stmt = stmt.where(_person_word(word))
    return _first("people", stmt.options(joinedload(Person.unit).selectinload(Unit.names))
                  .order_by(Person.sort_name, Person.id), limit)


def units(user: User, words: list[str], limit: int) -> Group:
    """Visible units by code or by a name, current or former ("Cục THADS tỉnh …" before 2025 still finds it)."""
    ids = visible_unit_ids(user)
    if not ids:
        return Group("units", 0)
    stmt = select(Unit).where(Unit.id.in_(ids))
    for word in words:
        stmt = stmt.where(or_(contains_folded(Unit.code, word), Unit.id.in_(_units_named(word))))
    total = _count(stmt)
    stmt = stmt.options(selectinload(Unit.names)).order_by(Unit.code)
    if total > SORTED_UNITS:  # a broad word ("THADS") over the whole system: the first ones by code
        return Group("units", total, list(db.session.scalars(stmt.limit(limit))))
    # A province has a few dozen units: the matches are sorted here in Vietnamese order (by the folded current
    # name), which SQL cannot do portably, then cut.
    found = sorted(db.session.scalars(stmt), key=lambda u: (fold_text(u.name), u.code))
    return Group("units", total, found[:limit])


def nominations(user: User, words: list[str], limit: int) -> Group:
    """The nominations of the user's list ("Đề nghị của đơn vị tôi": a proposer's branch, the deciding units of
    the secretariat, council, approver and HR, drafts only for their own proposers), by the nominee's name or
    code, a person or a collective."""
    stmt = nominations_for(user, queue="mine")
    for word in words:
        stmt = stmt.where(_named(Nomination.person_id, Nomination.unit_id, word))
    return _first("nominations", stmt.options(
        selectinload(Nomination.person), selectinload(Nomination.unit).selectinload(Unit.names),
        selectinload(Nomination.award), selectinload(Nomination.proposing_unit).selectinload(Unit.names))
        .order_by(Nomination.year.desc(), Nomination.id.desc()), limit)


def _decision_word(word: str):
    """One word against a decision: its number ("01/QĐ-CTHADS", "01"), symbol, an outcome's own number, the
    subject, or a nominee named in it."""
    clauses = [contains_folded(Decision.subject, word), contains_folded(Decision.external_number, word),
               contains_folded(Decision.external_issuer, word),
               # The printed name is frozen when the decision is issued; a draft's items only link their nominee.
               exists().where(DecisionItem.decision_id == Decision.id,
                              or_(contains_folded(DecisionItem.nominee_name, word),
                                  _named(DecisionItem.person_id, DecisionItem.unit_id, word)))]
    number = _NUMBER.fullmatch(word)
    if number:
        same = Decision.number == int(number.group(1))
        clauses.append(same & contains_folded(Decision.symbol, number.group(2)) if number.group(2) else same)
    else:
        clauses.append(contains_folded(Decision.symbol, word))
    return or_(*clauses)


def decisions(user: User, words: list[str], limit: int) -> Group | None:
    """Decisions the user may read (as in their list; None when they hold no role that reads decisions)."""
    if not reads_decisions(user):
        return None
    stmt = decisions_for(user)  # newest first, issuers' names loaded
    for word in words:
        stmt = stmt.where(_decision_word(word))
    return _first("decisions", stmt, limit)


def initiatives(user: User, words: list[str], limit: int) -> Group:
    """The initiatives list's scope (the initiative's unit) and matches (code, title, an author's name or code),
    in its order (newest year first); authors through a correlated EXISTS, as nominees above."""
    stmt = scoped(select(Initiative), Initiative.unit_id, user)
    for word in words:
        by_author = exists().where(InitiativeAuthor.initiative_id == Initiative.id,
                                   Person.id == InitiativeAuthor.person_id, _person_word(word))
        stmt = stmt.where(or_(contains_folded(Initiative.title, word), contains_folded(Initiative.code, word),
                              by_author))
    return _first("initiatives", stmt.options(selectinload(Initiative.unit).selectinload(Unit.names))
                  .order_by(Initiative.year.desc(), Initiative.code), limit)


def search(user: User, q: str, *, per_group: int = PER_GROUP) -> Results:
    """Every group for ``q`` (cleaned and long enough: see ``clean`` and ``long_enough``)."""
    words = search_terms(q)
    q = " ".join(words)
    groups = [people(user, words, per_group), units(user, words, per_group), nominations(user, words, per_group),
              decisions(user, words, per_group), initiatives(user, words, per_group)]
    return Results(q, [g for g in groups if g is not None])
