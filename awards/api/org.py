"""Units and people, read-only, narrowed to what the caller may see (``awards.org.permissions``)."""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from awards.api.auth import ApiBlueprint
from awards.api.schemas import (
    MAX_PER_PAGE,
    PeopleArgsSchema,
    PersonDetailSchema,
    PersonPageSchema,
    UnitDetailSchema,
    UnitSchema,
    page_of,
)
from awards.core.errors import NotFound
from awards.extensions import db
from awards.org.models import Assignment, Person, Unit, YearlyRating
from awards.org.permissions import can_view_person, get_visible_or_404, scoped, subtree_ids

blp = ApiBlueprint("api_org", __name__, description="Units and people (read-only).")


class PersonRecord:
    """A person with the rows the API shows beside it (ratings live in their own table)."""

    def __init__(self, person: Person, ratings: list[YearlyRating]) -> None:
        self._person = person
        self.ratings = ratings

    def __getattr__(self, name: str):
        return getattr(self._person, name)


@blp.route("/units")
@blp.response(200, UnitSchema(many=True))
@blp.errors()
def list_units():
    """Units the caller may see

    Every unit of the caller's scopes and the units below them, by code.
    """
    stmt = (scoped(select(Unit), Unit.id, current_user)
            .options(selectinload(Unit.names), selectinload(Unit.parent))
            .order_by(Unit.code))
    return db.session.scalars(stmt).all()


@blp.route("/units/<code>")
@blp.response(200, UnitDetailSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND", description="Unknown code, or a unit outside the caller's scope.")
def get_unit(code: str):
    """One unit, with the history of its names"""
    return get_visible_or_404(Unit, code, current_user, unit_of=lambda unit: unit, by="code")


@blp.route("/people")
@blp.arguments(PeopleArgsSchema, location="query", as_kwargs=True)
@blp.response(200, PersonPageSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND", description="`unit` unknown or outside the caller's scope.")
def list_people(page: int, per_page: int, unit: str | None = None):
    """People the caller may see

    Ordered by full name; `unit` narrows the list to that unit and the units below it.
    """
    stmt = scoped(select(Person), Person.unit_id, current_user)
    if unit:
        root = get_visible_or_404(Unit, unit, current_user, unit_of=lambda u: u, by="code")
        stmt = stmt.where(Person.unit_id.in_(subtree_ids([root.id])))
    stmt = (stmt.options(selectinload(Person.unit).selectinload(Unit.names))
            .order_by(Person.sort_name, Person.code))
    # One COUNT and one page of rows, whatever the page size.
    return page_of(db.paginate(stmt, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False))


@blp.route("/people/<code>")
@blp.response(200, PersonDetailSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND", description="Unknown code, or a person outside the caller's scope.")
def get_person(code: str):
    """One person, with assignments and yearly ratings"""
    person = db.session.scalar(
        select(Person).where(Person.code == code)
        .options(selectinload(Person.unit).selectinload(Unit.names),
                 selectinload(Person.assignments).selectinload(Assignment.unit).selectinload(Unit.names)))
    if not can_view_person(current_user, person):
        raise NotFound()
    ratings = db.session.scalars(select(YearlyRating).where(YearlyRating.person_id == person.id)
                                 .order_by(YearlyRating.year)).all()
    return PersonRecord(person, list(ratings))
