"""Reading initiatives and award history for the pages: scoped lists, a person's initiatives, holdings by year."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from awards.catalogue.models import Award, AwardHolding, NomineeType
from awards.extensions import db
from awards.initiatives.models import Initiative, InitiativeAuthor, InitiativeScope, InitiativeUse
from awards.nominations.models import TransitionLog
from awards.org.models import Person, Unit, User
from awards.org.permissions import scoped
from awards.org.queries import contains_folded, search_terms


def _loaded(stmt):
    return stmt.options(selectinload(Initiative.authors).selectinload(InitiativeAuthor.person),
                        selectinload(Initiative.unit).selectinload(Unit.names),
                        selectinload(Initiative.use).selectinload(InitiativeUse.award),
                        selectinload(Initiative.use).selectinload(InitiativeUse.person),
                        selectinload(Initiative.use).selectinload(InitiativeUse.unit).selectinload(Unit.names))


def initiatives_page(user: User, *, year: int | None = None, scope: InitiativeScope | None = None,
                     q: str = "", page: int = 1, per_page: int = 25) -> Pagination:
    """One page of ``initiatives_query``."""
    stmt = initiatives_query(user, year=year, scope=scope, q=q)
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False, max_per_page=per_page)


def initiatives_query(user: User, *, year: int | None = None, scope: InitiativeScope | None = None,
                      q: str = "") -> Select:
    """The initiatives of the units the user sees, newest year first, filtered (the page and its export read
    the same statement).

    Every search word must appear, without regard to case or accents, in the code, the title or an
    author's name or code.
    """
    stmt = scoped(select(Initiative), Initiative.unit_id, user)
    if year is not None:
        stmt = stmt.where(Initiative.year == year)
    if scope is not None:
        stmt = stmt.where(Initiative.scope == scope)
    for word in search_terms(q):
        by_author = (select(InitiativeAuthor.initiative_id).join(Person, Person.id == InitiativeAuthor.person_id)
                     .where(or_(contains_folded(Person.full_name, word), contains_folded(Person.code, word))))
        stmt = stmt.where(or_(contains_folded(Initiative.title, word), contains_folded(Initiative.code, word),
                              Initiative.id.in_(by_author)))
    return _loaded(stmt).order_by(Initiative.year.desc(), Initiative.code)


def initiative_years(user: User) -> list[int]:
    return list(db.session.scalars(scoped(select(Initiative.year).distinct(), Initiative.unit_id, user)
                                   .order_by(Initiative.year.desc())))


def initiatives_of(person: Person) -> list[Initiative]:
    """The initiatives ``person`` is an author of, newest first."""
    stmt = (select(Initiative).join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
            .where(InitiativeAuthor.person_id == person.id))
    return list(db.session.scalars(_loaded(stmt).order_by(Initiative.year.desc(), Initiative.code)))


def holdings(*, person: Person | None = None, unit: Unit | None = None) -> list[AwardHolding]:
    """The awards a person or a unit holds, newest year first, then by the award's rank."""
    subject = AwardHolding.person_id == person.id if person is not None else AwardHolding.unit_id == unit.id
    return list(db.session.scalars(select(AwardHolding).join(Award, Award.id == AwardHolding.award_id)
                                   .where(subject).options(selectinload(AwardHolding.award))
                                   .order_by(AwardHolding.year.desc(), Award.rank, Award.code)))


def awards_for(subject_type: str) -> list[Award]:
    """The active awards a person (``person``), a collective (``unit``) or either (``any``) can receive,
    lowest rank first."""
    stmt = select(Award).where(Award.active.is_(True))
    excluded = {"person": NomineeType.COLLECTIVE, "unit": NomineeType.PERSON}.get(subject_type)
    if excluded is not None:
        stmt = stmt.where(Award.nominee_type != excluded)
    return list(db.session.scalars(stmt.order_by(Award.rank, Award.code)))


def history(initiative: Initiative) -> list[TransitionLog]:
    """The initiative's workflow steps (evaluation, the council's outcome), oldest first."""
    return list(db.session.scalars(select(TransitionLog).where(
        TransitionLog.workflow == Initiative.workflow_name, TransitionLog.record_id == initiative.id)
        .order_by(TransitionLog.at, TransitionLog.id)))
