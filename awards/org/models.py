"""Units, clusters, people, yearly ratings, discipline, emulation years, users and their scoped roles."""
from __future__ import annotations

import enum
import hashlib
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from awards.core.formatting import name_sort_key
from awards.core.models import Base, Timestamped, Versioned, in_force, string_enum, utcnow


class UnitKind(enum.StrEnum):
    GENERAL_DEPARTMENT = "general_department"
    PROVINCIAL_DEPARTMENT = "provincial_department"
    DISTRICT_BRANCH = "district_branch"
    DIVISION = "division"
    REGIONAL_OFFICE = "regional_office"
    OTHER = "other"


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class RatingLevel(enum.StrEnum):
    """Yearly rating, best first; ``rank`` makes "at least HTTNV" a comparison."""

    HTXSNV = "HTXSNV"
    HTTNV = "HTTNV"
    HTNV = "HTNV"
    KHTNV = "KHTNV"

    @property
    def rank(self) -> int:
        return {"HTXSNV": 4, "HTTNV": 3, "HTNV": 2, "KHTNV": 1}[self.value]


class DisciplineLevel(enum.StrEnum):
    """In increasing gravity; ``rank`` orders them."""

    KHIEN_TRACH = "khien_trach"
    CANH_CAO = "canh_cao"
    GIANG_CHUC = "giang_chuc"
    CACH_CHUC = "cach_chuc"
    BUOC_THOI_VIEC = "buoc_thoi_viec"

    @property
    def rank(self) -> int:
        return list(DisciplineLevel).index(self) + 1


class ClusterRole(enum.StrEnum):
    LEADER = "leader"
    DEPUTY = "deputy"
    MEMBER = "member"


class Role(enum.StrEnum):
    ADMIN = "admin"
    HR = "hr"
    PROPOSER = "proposer"
    SECRETARY = "secretary"
    COUNCIL_MEMBER = "council_member"
    APPROVER = "approver"
    VIEWER = "viewer"


class SubjectType(enum.StrEnum):
    PERSON = "person"
    UNIT = "unit"


class EmulationYear(Versioned, Base):
    """A year of emulation; THADS runs 1 October (label − 1) to 30 September (label), other sectors differ."""

    __tablename__ = "emulation_year"
    __table_args__ = (CheckConstraint("start_date < end_date", name="start_before_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[int] = mapped_column(Integer, unique=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)

    @staticmethod
    def default_bounds(label: int) -> tuple[date, date]:
        return date(label - 1, 10, 1), date(label, 9, 30)

    def __repr__(self) -> str:
        return f"<EmulationYear {self.label}>"


class Unit(Versioned, Timestamped, Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[UnitKind] = mapped_column(string_enum(UnitKind, "unit_kind"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    legal_personality: Mapped[bool] = mapped_column(Boolean, default=False)
    document_code: Mapped[str | None] = mapped_column(String(40))
    place: Mapped[str | None] = mapped_column(String(120))
    authorised_staff: Mapped[int | None] = mapped_column(Integer)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")
    names: Mapped[list[UnitName]] = relationship(back_populates="unit", cascade="all, delete-orphan",
                                                 order_by="UnitName.valid_from")

    def name_on(self, on: date | None = None) -> str:
        """The name in force on ``on`` (today by default): a 2021 document prints the 2021 name."""
        on = on or date.today()
        for name in reversed(self.names):
            if in_force(name.valid_from, name.valid_to, on):
                return name.name
        # Before the first recorded name the earliest one is the best we know.
        return self.names[0].name if self.names else self.code

    @property
    def name(self) -> str:
        return self.name_on()

    def place_name(self) -> str:
        """The place documents print ("Đồng Tháp, ngày …"): the unit's own, else the nearest ancestor's (a Phòng
        prints its Cục's province)."""
        node: Unit | None = self
        seen: set[int] = set()
        while node is not None and id(node) not in seen:
            if node.place:
                return node.place
            seen.add(id(node))
            node = node.parent
        return ""

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class UnitName(Base):
    """A unit's name over a period; ``valid_to`` empty means still in force."""

    __tablename__ = "unit_name"
    __table_args__ = (
        UniqueConstraint("unit_id", "valid_from"),
        CheckConstraint("valid_to IS NULL OR valid_from <= valid_to", name="valid_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    unit: Mapped[Unit] = relationship(back_populates="names")


class Cluster(Versioned, Base):
    """A cụm/khối thi đua: peer units that rank each other every year."""

    __tablename__ = "cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)

    organiser: Mapped[Unit] = relationship()
    members: Mapped[list[ClusterMember]] = relationship(back_populates="cluster", cascade="all, delete-orphan",
                                                        order_by="(ClusterMember.year, ClusterMember.id)")

    def members_in(self, year: int) -> list[ClusterMember]:
        return [m for m in self.members if m.year == year]


class ClusterMember(Base):
    __tablename__ = "cluster_member"
    __table_args__ = (UniqueConstraint("cluster_id", "year", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("cluster.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    role: Mapped[ClusterRole] = mapped_column(string_enum(ClusterRole, "cluster_role"), default=ClusterRole.MEMBER)

    cluster: Mapped[Cluster] = relationship(back_populates="members")
    unit: Mapped[Unit] = relationship()


class Person(Versioned, Timestamped, Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(160), index=True)
    # Given name first, in Vietnamese alphabetical order (formatting.name_sort_key); byte order ("C"
    # collation on PostgreSQL, SQLite's default BINARY) is that order. Set whenever full_name is.
    sort_name: Mapped[str] = mapped_column(
        String(400).with_variant(String(400, collation="C"), "postgresql"), index=True)
    gender: Mapped[Gender] = mapped_column(string_enum(Gender, "gender"))
    birth_date: Mapped[date | None] = mapped_column(Date)
    hire_date: Mapped[date | None] = mapped_column(Date)
    position: Mapped[str | None] = mapped_column(String(160))
    grade: Mapped[str | None] = mapped_column(String(120))
    # Pending matters block any award until cleared (DOMAIN §5, cross-cutting rule).
    investigation_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    complaint_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # The unit of the assignment in force today; kept by ``org.operations.assign`` for scoping and lists.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)

    unit: Mapped[Unit | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(back_populates="person", cascade="all, delete-orphan",
                                                         order_by="Assignment.valid_from")
    disciplines: Mapped[list[Discipline]] = relationship(back_populates="person", cascade="all, delete-orphan",
                                                         order_by="Discipline.start_date")

    @validates("full_name")
    def _keep_sort_name(self, _key: str, full_name: str) -> str:
        self.sort_name = name_sort_key(full_name)
        return full_name

    def unit_on(self, on: date | None = None) -> Unit | None:
        on = on or date.today()
        for a in reversed(self.assignments):
            if in_force(a.valid_from, a.valid_to, on):
                return a.unit
        return None

    def __repr__(self) -> str:
        return f"<Person {self.code}>"


class Assignment(Base):
    """A person works in a unit over a period (people move between units)."""

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("person_id", "valid_from"),
        CheckConstraint("valid_to IS NULL OR valid_from <= valid_to", name="valid_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()


class YearlyRating(Base):
    """The yearly rating of a person or of a unit (exactly one of the two)."""

    __tablename__ = "yearly_rating"
    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
        UniqueConstraint("person_id", "year"),
        UniqueConstraint("unit_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    rating: Mapped[RatingLevel] = mapped_column(string_enum(RatingLevel, "rating_level"))

    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    @property
    def subject_type(self) -> SubjectType:
        return SubjectType.PERSON if self.person_id else SubjectType.UNIT


class Discipline(Versioned, Base):
    __tablename__ = "discipline"
    __table_args__ = (CheckConstraint("end_date IS NULL OR start_date <= end_date", name="valid_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    level: Mapped[DisciplineLevel] = mapped_column(string_enum(DisciplineLevel, "discipline_level"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="disciplines")

    def in_force_on(self, on: date) -> bool:
        return in_force(self.start_date, self.end_date, on)


class User(UserMixin, Versioned, Timestamped, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Reminders (awards/reminders): where the digest goes, and whether the user wants it at all.
    email: Mapped[str | None] = mapped_column(String(255))
    email_notifications: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    person: Mapped[Person | None] = relationship()
    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                       lazy="selectin")
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)  # scrypt, werkzeug's default

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: Role | str) -> bool:
        wanted = {Role(r) for r in roles}
        return any(ra.role in wanted for ra in self.roles)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class RoleAssignment(Base):
    """A role held over a scope unit: it applies to that unit and every unit below it."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(string_enum(Role, "role"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(back_populates="roles")
    unit: Mapped[Unit] = relationship()


class ApiToken(Base):
    """An API token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="tokens")

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def lookup(cls, token: str):
        return select(cls).where(cls.token_hash == cls.digest(token), cls.revoked.is_(False))
