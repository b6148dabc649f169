"""The demo data: a plan built from code with a seeded random generator, then replayed through the operations.

Keeping the plan (plain frozen data, no database) apart from ``apply_plan`` makes the seed checkable:
the plan is the same in every process (nothing iterates a set or reads the clock), the database digest
after seeding equals the plan's digest, and every record is written by ``awards.org.operations``, so the
demo obeys the same rules as imports and admin forms.

Content (docs/demo-data.md): the Tổng cục; Cục THADS Đồng Tháp with 5 divisions, 12 district branches and
about 155 staff; Cục THADS Thanh Hóa with the 7 branches of "Cụm thi đua số 3" and a few staff; ratings
2019–2021 for everybody; emulation years 2019–2022; a few discipline records; one user per role.
"""
from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select

from awards.extensions import db
from awards.org import operations as ops
from awards.org.models import (
    Cluster,
    ClusterRole,
    DisciplineLevel,
    EmulationYear,
    Gender,
    Person,
    RatingLevel,
    Role,
    SubjectType,
    Unit,
    UnitKind,
    User,
    YearlyRating,
)

SEED = 20210930  # any constant works; changing it changes every name, date and rating of the demo
RATED_YEARS = (2019, 2020, 2021)
EMULATION_YEARS = (2019, 2020, 2021, 2022)
DEMO_PASSWORD = ops.DEMO_PASSWORD

# The 2008 Law on civil judgment enforcement (in force 1/7/2009) created the Tổng cục, Cục and Chi cục.
THADS_FOUNDED = date(2009, 7, 1)
# The 2025 reorganisation (DOMAIN.md §2): Tổng cục → Cục Quản lý THADS, Cục tỉnh → "Thi hành án dân sự tỉnh".
REORGANISED = date(2025, 7, 1)


# --- the plan: plain data ----------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitPlan:
    code: str
    kind: UnitKind
    parent: str | None
    names: tuple[tuple[date, str], ...]  # (valid from, name), oldest first; each ends the day before the next
    legal_personality: bool = False
    document_code: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class PersonPlan:
    code: str
    full_name: str
    gender: Gender
    birth_date: date
    hire_date: date
    position: str
    grade: str
    postings: tuple[tuple[str, date], ...]  # (unit code, from), oldest first; the last is the unit today
    complaint_pending: bool = False


@dataclass(frozen=True)
class RatingPlan:
    subject_type: SubjectType
    code: str
    year: int
    rating: RatingLevel


@dataclass(frozen=True)
class DisciplinePlan:
    person: str
    level: DisciplineLevel
    start: date
    end: date | None
    reason: str


@dataclass(frozen=True)
class ClusterPlan:
    code: str
    name: str
    organiser: str
    members: tuple[tuple[int, str, ClusterRole], ...]  # (year, unit code, role)


@dataclass(frozen=True)
class UserPlan:
    username: str
    roles: tuple[tuple[Role, str], ...]  # (role, scope unit code)
    person: str | None = None


@dataclass(frozen=True)
class DemoPlan:
    units: tuple[UnitPlan, ...]
    people: tuple[PersonPlan, ...]
    ratings: tuple[RatingPlan, ...]
    disciplines: tuple[DisciplinePlan, ...]
    clusters: tuple[ClusterPlan, ...]
    years: tuple[int, ...]
    users: tuple[UserPlan, ...]

    def canonical(self) -> list[str]:
        """One line per record, in the same shape ``database_canonical`` reads back."""
        lines = [_unit_line(u.code, u.kind, u.parent, u.legal_personality, u.document_code, u.place, u.names)
                 for u in self.units]
        lines += [_person_line(p.code, p.full_name, p.gender, p.birth_date, p.hire_date, p.position, p.grade,
                               p.complaint_pending, p.postings) for p in self.people]
        lines += [_rating_line(r.subject_type, r.code, r.year, r.rating) for r in self.ratings]
        lines += [_discipline_line(d.person, d.level, d.start, d.end, d.reason) for d in self.disciplines]
        lines += [_cluster_line(c.code, c.name, c.organiser, c.members) for c in self.clusters]
        lines += [_year_line(label, *EmulationYear.default_bounds(label)) for label in self.years]
        lines += [_user_line(u.username, u.person, u.roles) for u in self.users]
        return sorted(lines)

    def digest(self) -> str:
        return _digest(self.canonical())


# --- canonical lines (shared by the plan and the database, so the two digests are comparable) ---------

def _v(value) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def _unit_line(code, kind, parent, legal, document_code, place, names) -> str:
    dated = ";".join(f"{start.isoformat()}={name}" for start, name in names)
    return "|".join(["unit", code, _v(kind), _v(parent), str(int(legal)), _v(document_code), _v(place), dated])


def _person_line(code, name, gender, birth, hire, position, grade, complaint, postings) -> str:
    moves = ";".join(f"{unit}@{start.isoformat()}" for unit, start in postings)
    return "|".join(["person", code, name, _v(gender), _v(birth), _v(hire), _v(position), _v(grade),
                     str(int(complaint)), moves])


def _rating_line(subject_type, code, year, rating) -> str:
    return "|".join(["rating", _v(subject_type), code, str(year), _v(rating)])


def _discipline_line(person, level, start, end, reason) -> str:
    return "|".join(["discipline", person, _v(level), _v(start), _v(end), reason])


def _cluster_line(code, name, organiser, members) -> str:
    listed = ";".join(f"{year}:{unit}:{_v(role)}" for year, unit, role in sorted(members, key=lambda m: m[:2]))
    return "|".join(["cluster", code, name, organiser, listed])


def _year_line(label, start, end) -> str:
    return "|".join(["year", str(label), start.isoformat(), end.isoformat()])


def _user_line(username, person, roles) -> str:
    return "|".join(["user", username, _v(person), ";".join(sorted(f"{_v(r)}@{u}" for r, u in roles))])


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


# --- units -------------------------------------------------------------------------------------------

DT_DIVISIONS = (
    ("DT-VP", "Văn phòng"),
    ("DT-NV", "Phòng Nghiệp vụ và Tổ chức thi hành án"),
    ("DT-KTKN", "Phòng Kiểm tra, giải quyết khiếu nại, tố cáo"),
    ("DT-TCCB", "Phòng Tổ chức cán bộ"),
    ("DT-KHTC", "Phòng Kế hoạch – Tài chính"),
)

# (code, place as named in the unit name, place for "Đồng Tháp, ngày …", planned headcount)
DT_BRANCHES = (
    ("DT-CAOLANH-TP", "thành phố Cao Lãnh", "Cao Lãnh", 12),
    ("DT-SADEC-TP", "thành phố Sa Đéc", "Sa Đéc", 11),
    ("DT-HONGNGU-TP", "thành phố Hồng Ngự", "Hồng Ngự", 9),
    ("DT-TANHONG", "huyện Tân Hồng", "Tân Hồng", 9),
    ("DT-HONGNGU-H", "huyện Hồng Ngự", "Hồng Ngự", 9),
    ("DT-TAMNONG", "huyện Tam Nông", "Tam Nông", 9),
    ("DT-THANHBINH", "huyện Thanh Bình", "Thanh Bình", 10),
    ("DT-THAPMUOI", "huyện Tháp Mười", "Tháp Mười", 10),
    ("DT-CAOLANH-H", "huyện Cao Lãnh", "Cao Lãnh", 10),
    ("DT-LAPVO", "huyện Lấp Vò", "Lấp Vò", 10),
    ("DT-LAIVUNG", "huyện Lai Vung", "Lai Vung", 9),
    ("DT-CHAUTHANH", "huyện Châu Thành", "Châu Thành", 9),
)

# Thị xã Hồng Ngự became a city in 2020; the code stays, the dated name changes.
EARLIER_BRANCH_NAMES = {
    "DT-HONGNGU-TP": ((THADS_FOUNDED, "Chi cục THADS thị xã Hồng Ngự"), (date(2020, 7, 1), None)),
}

TH_BRANCHES = (
    ("TH-BATHUOC", "huyện Bá Thước", "Bá Thước"),
    ("TH-QUANHOA", "huyện Quan Hóa", "Quan Hóa"),
    ("TH-CAMTHUY", "huyện Cẩm Thủy", "Cẩm Thủy"),
    ("TH-NGOCLAC", "huyện Ngọc Lặc", "Ngọc Lặc"),
    ("TH-QUANSON", "huyện Quan Sơn", "Quan Sơn"),
    ("TH-MUONGLAT", "huyện Mường Lát", "Mường Lát"),
    ("TH-THUONGXUAN", "huyện Thường Xuân", "Thường Xuân"),
)

DT_CLUSTERS = (
    ("DT-CUM1", "Cụm thi đua số 1",
     ("DT-CAOLANH-TP", "DT-SADEC-TP", "DT-CAOLANH-H", "DT-LAPVO", "DT-LAIVUNG", "DT-CHAUTHANH")),
    ("DT-CUM2", "Cụm thi đua số 2",
     ("DT-HONGNGU-TP", "DT-TANHONG", "DT-HONGNGU-H", "DT-TAMNONG", "DT-THANHBINH", "DT-THAPMUOI")),
)


def _units() -> tuple[UnitPlan, ...]:
    units = [
        UnitPlan("TCTHADS", UnitKind.GENERAL_DEPARTMENT, None,
                 ((THADS_FOUNDED, "Tổng cục Thi hành án dân sự"), (REORGANISED, "Cục Quản lý thi hành án dân sự")),
                 legal_personality=True, document_code="TCTHADS", place="Hà Nội"),
        UnitPlan("DT", UnitKind.PROVINCIAL_DEPARTMENT, "TCTHADS",
                 ((THADS_FOUNDED, "Cục Thi hành án dân sự tỉnh Đồng Tháp"),
                  (REORGANISED, "Thi hành án dân sự tỉnh Đồng Tháp")),
                 legal_personality=True, document_code="CTHADS", place="Đồng Tháp"),
    ]
    units += [UnitPlan(code, UnitKind.DIVISION, "DT", ((THADS_FOUNDED, name),), place="Đồng Tháp")
              for code, name in DT_DIVISIONS]
    for code, named, place, _size in DT_BRANCHES:
        names = ((THADS_FOUNDED, f"Chi cục THADS {named}"),)
        if code in EARLIER_BRANCH_NAMES:
            (first, old_name), (renamed, _) = EARLIER_BRANCH_NAMES[code]
            names = ((first, old_name), (renamed, f"Chi cục THADS {named}"))
        # A Chi cục is a legal entity of its own (own seal and account), so it may sign its Giấy khen.
        units.append(UnitPlan(code, UnitKind.DISTRICT_BRANCH, "DT", names, legal_personality=True,
                              document_code="CCTHADS", place=place))
    units.append(UnitPlan("TH", UnitKind.PROVINCIAL_DEPARTMENT, "TCTHADS",
                          ((THADS_FOUNDED, "Cục Thi hành án dân sự tỉnh Thanh Hóa"),
                           (REORGANISED, "Thi hành án dân sự tỉnh Thanh Hóa")),
                          legal_personality=True, document_code="CTHADS", place="Thanh Hóa"))
    units += [UnitPlan(code, UnitKind.DISTRICT_BRANCH, "TH", ((THADS_FOUNDED, f"Chi cục THADS {named}"),),
                       legal_personality=True, document_code="CCTHADS", place=place)
              for code, named, place in TH_BRANCHES]
    return tuple(units)


# --- people ------------------------------------------------------------------------------------------

# Rough frequencies of Vietnamese family names (the South has more Huỳnh/Võ than the North).
FAMILY_NAMES = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9), ("Phạm", 6), ("Huỳnh", 6), ("Võ", 6), ("Phan", 4), ("Trương", 3),
    ("Bùi", 2), ("Đặng", 2), ("Đỗ", 2), ("Ngô", 2), ("Hồ", 2), ("Dương", 2), ("Lâm", 1), ("Đinh", 1), ("Mai", 1),
    ("Châu", 1), ("Lý", 1), ("Cao", 1), ("Tô", 1), ("Đoàn", 1), ("Trịnh", 1), ("Hà", 1),
)
MIDDLE_NAMES = {
    Gender.MALE: (("Văn", 12), ("Hữu", 3), ("Minh", 3), ("Thanh", 3), ("Quốc", 2), ("Công", 2), ("Đức", 2),
                  ("Hoàng", 2), ("Tấn", 2), ("Thành", 2), ("Trung", 1), ("Ngọc", 1), ("Phước", 1), ("Chí", 1)),
    Gender.FEMALE: (("Thị", 12), ("Ngọc", 3), ("Thanh", 2), ("Kim", 2), ("Thu", 2), ("Mỹ", 2), ("Phương", 1),
                    ("Bích", 1), ("Hồng", 1), ("Thùy", 1), ("Minh", 1)),
}
GIVEN_NAMES = {
    Gender.MALE: ("Hùng", "Dũng", "Tuấn", "Minh", "Phong", "Long", "Hải", "Sơn", "Thắng", "Tài", "Phúc", "Khoa",
                  "Nam", "Trung", "Hiếu", "Nghĩa", "Lộc", "Thịnh", "Vinh", "Hậu", "Tín", "Nhân", "Quang", "Khánh",
                  "Bình", "Cường", "Toàn", "Đạt", "Kiệt", "Hòa", "Tâm", "Thiện", "Trí", "Lực", "Phát", "Huy",
                  "Duy", "Thông"),
    Gender.FEMALE: ("Lan", "Hương", "Mai", "Hoa", "Trang", "Thảo", "Linh", "Ngân", "Nhung", "Hạnh", "Phượng",
                    "Diễm", "Loan", "Tuyết", "Yến", "Thủy", "Hằng", "Nga", "Trinh", "Vân", "Ánh", "Duyên", "Hiền",
                    "Thư", "Oanh", "Huyền", "Quyên", "Liên", "Xuân", "Dung", "Giang", "Nhi"),
}


@dataclass(frozen=True)
class Post:
    """A post to fill: position (chức vụ/chức danh), grade (ngạch), and who typically holds it."""

    position: str
    grade: str
    female_share: float
    ages: tuple[int, int]  # age range in 2021


CUC_TRUONG = Post("Cục trưởng", "Chấp hành viên cao cấp", 0.1, (50, 57))
PHO_CUC_TRUONG = Post("Phó Cục trưởng", "Chấp hành viên cao cấp", 0.2, (45, 56))
CHANH_VP = Post("Chánh Văn phòng", "Chuyên viên chính", 0.3, (42, 55))
PHO_CHANH_VP = Post("Phó Chánh Văn phòng", "Chuyên viên", 0.4, (36, 52))
TRUONG_PHONG_NV = Post("Trưởng phòng", "Chấp hành viên trung cấp", 0.25, (40, 55))
TRUONG_PHONG_KT = Post("Trưởng phòng", "Thẩm tra viên chính", 0.3, (40, 55))
TRUONG_PHONG = Post("Trưởng phòng", "Chuyên viên chính", 0.35, (40, 55))
TRUONG_PHONG_TC = Post("Trưởng phòng", "Kế toán viên chính", 0.6, (40, 54))
PHO_TRUONG_PHONG = Post("Phó Trưởng phòng", "Chuyên viên", 0.4, (35, 52))
PHO_TRUONG_PHONG_NV = Post("Phó Trưởng phòng", "Chấp hành viên trung cấp", 0.3, (35, 52))
PHO_TRUONG_PHONG_KT = Post("Phó Trưởng phòng", "Thẩm tra viên", 0.4, (35, 52))
PHO_TRUONG_PHONG_TC = Post("Phó Trưởng phòng", "Kế toán viên", 0.6, (35, 52))
CHI_CUC_TRUONG = Post("Chi cục trưởng", "Chấp hành viên trung cấp", 0.15, (42, 57))
PHO_CHI_CUC_TRUONG = Post("Phó Chi cục trưởng", "Chấp hành viên trung cấp", 0.25, (36, 55))
CHV_TRUNG_CAP = Post("Chấp hành viên trung cấp", "Chấp hành viên trung cấp", 0.3, (35, 55))
CHV_SO_CAP = Post("Chấp hành viên sơ cấp", "Chấp hành viên sơ cấp", 0.4, (28, 50))
THAM_TRA_VIEN = Post("Thẩm tra viên", "Thẩm tra viên", 0.5, (28, 50))
THU_KY = Post("Thư ký thi hành án", "Thư ký thi hành án", 0.55, (26, 45))
CHUYEN_VIEN = Post("Chuyên viên", "Chuyên viên", 0.55, (26, 50))
KE_TOAN = Post("Kế toán", "Kế toán viên", 0.8, (27, 50))
VAN_THU = Post("Văn thư", "Cán sự", 0.85, (26, 50))
LAI_XE = Post("Nhân viên lái xe", "Nhân viên", 0.0, (30, 55))
BAO_VE = Post("Nhân viên bảo vệ", "Nhân viên", 0.0, (30, 55))

# The Cục itself holds its leaders; each division its own posts (38 people in all).
CUC_POSTS = {
    "DT": (CUC_TRUONG, PHO_CUC_TRUONG, PHO_CUC_TRUONG, PHO_CUC_TRUONG),
    "DT-VP": (CHANH_VP, PHO_CHANH_VP, CHUYEN_VIEN, CHUYEN_VIEN, CHUYEN_VIEN, VAN_THU, LAI_XE, LAI_XE, BAO_VE),
    "DT-NV": (TRUONG_PHONG_NV, PHO_TRUONG_PHONG_NV, PHO_TRUONG_PHONG_NV, CHV_TRUNG_CAP, CHV_TRUNG_CAP, CHV_SO_CAP,
              CHV_SO_CAP, THAM_TRA_VIEN, THAM_TRA_VIEN, THU_KY, THU_KY),
    "DT-KTKN": (TRUONG_PHONG_KT, PHO_TRUONG_PHONG_KT, THAM_TRA_VIEN, THAM_TRA_VIEN, CHUYEN_VIEN),
    "DT-TCCB": (TRUONG_PHONG, PHO_TRUONG_PHONG, CHUYEN_VIEN, CHUYEN_VIEN),
    "DT-KHTC": (TRUONG_PHONG_TC, PHO_TRUONG_PHONG_TC, KE_TOAN, KE_TOAN, CHUYEN_VIEN),
}
# After the leaders, a branch fills its remaining posts in this order, so larger branches get more officers.
BRANCH_FILL = (CHV_SO_CAP, THU_KY, CHV_TRUNG_CAP, CHV_SO_CAP, THU_KY, THAM_TRA_VIEN, CHV_SO_CAP, THU_KY,
               CHUYEN_VIEN, CHV_SO_CAP)
LEADER_POSITIONS = {CUC_TRUONG.position, PHO_CUC_TRUONG.position, CHANH_VP.position, PHO_CHANH_VP.position,
                    TRUONG_PHONG.position, PHO_TRUONG_PHONG.position, CHI_CUC_TRUONG.position,
                    PHO_CHI_CUC_TRUONG.position}


def _branch_posts(size: int) -> tuple[Post, ...]:
    posts = [CHI_CUC_TRUONG, PHO_CHI_CUC_TRUONG]
    if size >= 10:
        posts.append(PHO_CHI_CUC_TRUONG)
    posts += [KE_TOAN, VAN_THU]
    fill = size - len(posts)
    posts += [BRANCH_FILL[i % len(BRANCH_FILL)] for i in range(fill)]
    return tuple(posts)


def _weighted(rng: random.Random, pairs) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


class _People:
    """Draws people one after another from one generator; the order of calls fixes the result."""

    def __init__(self, rng: random.Random, prefix: str, taken: set[str]) -> None:
        self.rng = rng
        self.prefix = prefix
        self.count = 0
        self.taken = taken  # membership only, never iterated: iteration order would vary by process

    def name(self, gender: Gender) -> str:
        rng = self.rng
        while True:
            family = _weighted(rng, FAMILY_NAMES)
            middle = _weighted(rng, MIDDLE_NAMES[gender])
            given = rng.choice(GIVEN_NAMES[gender])
            full = unicodedata.normalize("NFC", f"{family} {middle} {given}")
            if middle != given and full not in self.taken:
                self.taken.add(full)
                return full

    def draw(self, post: Post, unit_code: str) -> PersonPlan:
        rng = self.rng
        self.count += 1
        gender = Gender.FEMALE if rng.random() < post.female_share else Gender.MALE
        low, high = post.ages
        if gender is Gender.FEMALE:
            high = min(high, 52)  # women retired earlier; keep everyone in service through 2021
            low = min(low, high)
        age = rng.randint(low, high)
        birth = date(2021 - age, rng.randint(1, 12), rng.randint(1, 28))
        # Hired at 22–32, never after mid-2018, so everyone is rated for 2019–2021; decisions take effect on the 1st.
        earliest = max(date(birth.year + 22, 1, 1), date(1992, 1, 1))
        latest = min(date(birth.year + 32, 12, 1), date(2018, 6, 1))
        if latest < earliest:
            earliest = latest - timedelta(days=365)
        hired = _random_date(rng, earliest, latest).replace(day=1)
        return PersonPlan(code=f"{self.prefix}-{self.count:04d}", full_name=self.name(gender), gender=gender,
                          birth_date=birth, hire_date=hired, position=post.position, grade=post.grade,
                          postings=((unit_code, hired),))


def _people(rng: random.Random) -> list[PersonPlan]:
    taken: set[str] = set()  # one full name, one person: the demo is easier to follow
    dt = _People(rng, "DT", taken)
    people = [dt.draw(post, code) for code, posts in CUC_POSTS.items() for post in posts]
    for code, _named, _place, size in DT_BRANCHES:
        people += [dt.draw(post, code) for post in _branch_posts(size)]
    th = _People(rng, "TH", taken)
    people += [th.draw(post, "TH") for post in (CUC_TRUONG, PHO_CUC_TRUONG)]
    for code, _named, _place in TH_BRANCHES:
        people += [th.draw(post, code) for post in (CHI_CUC_TRUONG, CHV_SO_CAP)]
    return people


def _branch_staff(people: list[PersonPlan]) -> list[int]:
    """Indexes of Đồng Tháp branch officers who are not leaders (candidates for moves and discipline)."""
    branches = {code for code, *_ in DT_BRANCHES}
    return [i for i, p in enumerate(people) if p.postings[-1][0] in branches and p.position not in LEADER_POSITIONS]


def _move_some(rng: random.Random, people: list[PersonPlan], chosen: list[int]) -> None:
    """People move between branches: their earlier branch stays in their dated assignments."""
    branch_codes = [code for code, *_ in DT_BRANCHES]
    for i in chosen:
        p = people[i]
        current = p.postings[-1][0]
        earlier = rng.choice([c for c in branch_codes if c != current])
        moved = date(rng.choice((2019, 2020)), rng.choice((1, 7, 10)), 1)
        people[i] = replace(p, postings=((earlier, p.hire_date), (current, moved)))


# --- ratings, discipline, clusters, users --------------------------------------------------------------

PERSON_RATING_WEIGHTS = ((RatingLevel.HTXSNV, 15), (RatingLevel.HTTNV, 78), (RatingLevel.HTNV, 7))
UNIT_RATING_WEIGHTS = ((RatingLevel.HTXSNV, 30), (RatingLevel.HTTNV, 62), (RatingLevel.HTNV, 8))


def _ratings(rng, units, people, overrides) -> list[RatingPlan]:
    rows = []
    for p in people:
        for year in RATED_YEARS:
            rating = overrides.get((p.code, year)) or _weighted(rng, PERSON_RATING_WEIGHTS)
            rows.append(RatingPlan(SubjectType.PERSON, p.code, year, RatingLevel(rating)))
    for u in units:
        for year in RATED_YEARS:
            rating = RatingLevel.HTXSNV if u.code == "TCTHADS" else _weighted(rng, UNIT_RATING_WEIGHTS)
            rows.append(RatingPlan(SubjectType.UNIT, u.code, year, RatingLevel(rating)))
    return rows


def _clusters() -> list[ClusterPlan]:
    th_codes = [code for code, *_ in TH_BRANCHES]
    th_roles = {"TH-QUANSON": ClusterRole.LEADER, "TH-THUONGXUAN": ClusterRole.DEPUTY}
    clusters = [ClusterPlan("TH-CUM3", "Cụm thi đua số 3", "TH",
                            tuple((year, code, th_roles.get(code, ClusterRole.MEMBER))
                                  for year in RATED_YEARS for code in th_codes))]
    # In Đồng Tháp the leader and deputy rotate yearly, as clusters usually do.
    for code, name, members in DT_CLUSTERS:
        rows = []
        for offset, year in enumerate(RATED_YEARS):
            leader, deputy = members[offset % len(members)], members[(offset + 1) % len(members)]
            rows += [(year, m, ClusterRole.LEADER if m == leader else
                      ClusterRole.DEPUTY if m == deputy else ClusterRole.MEMBER) for m in members]
        clusters.append(ClusterPlan(code, name, "DT", tuple(rows)))
    return clusters


def _first(people: list[PersonPlan], unit: str, position: str) -> str:
    return next(p.code for p in people if p.postings[-1][0] == unit and p.position == position)


def _users(people: list[PersonPlan]) -> list[UserPlan]:
    cuc_truong = _first(people, "DT", CUC_TRUONG.position)
    deputies = [p.code for p in people if p.postings[-1][0] == "DT" and p.position == PHO_CUC_TRUONG.position]
    heads = [_first(people, "DT-VP", CHANH_VP.position)] + [
        _first(people, unit, TRUONG_PHONG.position) for unit in ("DT-NV", "DT-KTKN", "DT-TCCB", "DT-KHTC")]
    # The council: the Cục trưởng chairs, with his deputies and the five heads of division (9 members).
    council = [cuc_truong, *deputies, *heads]
    users = [
        UserPlan("admin", ((Role.ADMIN, "TCTHADS"),)),
        UserPlan("hr", ((Role.HR, "DT"),)),
        UserPlan("approver", ((Role.APPROVER, "DT"),), cuc_truong),
        # The secretariat (thường trực Hội đồng) sits in the personnel division.
        UserPlan("secretary", ((Role.SECRETARY, "DT"),), _first(people, "DT-TCCB", PHO_TRUONG_PHONG.position)),
        UserPlan("proposer", ((Role.PROPOSER, "DT-LAPVO"),)),
        # The personnel division proposes for the Cục's own divisions (awards/decisions/demo.py).
        UserPlan("tccb", tuple((Role.PROPOSER, unit) for unit in ("DT-VP", "DT-NV", "DT-KTKN", "DT-TCCB", "DT-KHTC"))),
    ]
    users += [UserPlan(f"member{n}", ((Role.COUNCIL_MEMBER, "DT"),), code) for n, code in enumerate(council, 1)]
    users.append(UserPlan("viewer", ((Role.VIEWER, "TH"),)))
    return users


DEMO_USERNAMES = ("admin", "hr", "approver", "secretary", "proposer", "tccb",
                  *(f"member{n}" for n in range(1, 10)), "viewer")


def build_plan(seed: int = SEED) -> DemoPlan:
    """The whole demo as data; the same ``seed`` gives the same plan in every process."""
    rng = random.Random(seed)
    units = _units()
    people = _people(rng)

    staff = _branch_staff(people)
    picked = rng.sample(staff, 10)
    movers, (reprimanded, warned, reprimanded_2019, complainant) = picked[:6], picked[6:]
    _move_some(rng, people, movers)

    code = {i: people[i].code for i in picked}
    disciplines = [
        DisciplinePlan(code[reprimanded], DisciplineLevel.KHIEN_TRACH, date(2021, 3, 15), date(2021, 9, 14),
                       "Để quá thời hạn ra quyết định thi hành án theo đơn yêu cầu."),
        DisciplinePlan(code[warned], DisciplineLevel.CANH_CAO, date(2020, 6, 1), date(2021, 5, 31),
                       "Vi phạm quy trình kê biên, xử lý tài sản thi hành án."),
        DisciplinePlan(code[reprimanded_2019], DisciplineLevel.KHIEN_TRACH, date(2019, 4, 1), date(2019, 9, 30),
                       "Chậm báo cáo thống kê thi hành án."),
    ]
    people[complainant] = replace(people[complainant], complaint_pending=True)
    overrides = {
        # Rated well despite the reprimand, so it is the discipline rule that keeps them from an award.
        (code[reprimanded], 2021): RatingLevel.HTTNV,
        (code[warned], 2020): RatingLevel.KHTNV,
        (code[warned], 2021): RatingLevel.HTNV,
        (code[reprimanded_2019], 2019): RatingLevel.HTNV,
        # A strong candidate held back only by the pending complaint.
        (code[complainant], 2021): RatingLevel.HTXSNV,
    }
    ratings = _ratings(rng, units, people, overrides)
    return DemoPlan(units=units, people=tuple(people), ratings=tuple(ratings), disciplines=tuple(disciplines),
                    clusters=tuple(_clusters()), years=EMULATION_YEARS, users=tuple(_users(people)))


# --- applying the plan ---------------------------------------------------------------------------------

def has_units() -> bool:
    return db.session.scalar(select(Unit.id).limit(1)) is not None


def apply_plan(plan: DemoPlan) -> dict[str, int]:
    """Write ``plan`` through the operations (flushes only; the caller commits). Returns counts by kind."""
    units: dict[str, Unit] = {}
    for u in plan.units:  # parents come first in the plan
        (first_from, first_name), *later = u.names
        unit = ops.save_unit(u.code, name=first_name, valid_from=first_from, kind=u.kind, parent=units.get(u.parent),
                             legal_personality=u.legal_personality, document_code=u.document_code, place=u.place)
        for valid_from, name in later:
            ops.rename_unit(unit, name, valid_from)
        units[u.code] = unit

    for label in plan.years:
        ops.ensure_year(label)

    people: dict[str, Person] = {}
    for p in plan.people:
        (first_unit, first_since), *moves = p.postings
        person = ops.save_person(p.code, full_name=p.full_name, gender=p.gender, birth_date=p.birth_date,
                                 hire_date=p.hire_date, position=p.position, grade=p.grade,
                                 unit=units[first_unit], since=first_since, complaint_pending=p.complaint_pending)
        for unit_code, since in moves:
            ops.assign(person, units[unit_code], since)
        people[p.code] = person
    db.session.flush()

    for r in plan.ratings:
        subject = {"person": people[r.code]} if r.subject_type is SubjectType.PERSON else {"unit": units[r.code]}
        ops.set_rating(r.year, r.rating, **subject)

    for d in plan.disciplines:
        ops.record_discipline(people[d.person], d.level, d.start, d.end, d.reason)

    for c in plan.clusters:
        cluster = ops.save_cluster(c.code, name=c.name, organiser=units[c.organiser])
        for year, unit_code, role in c.members:
            ops.set_cluster_member(cluster, year, units[unit_code], role)

    for u in plan.users:
        ops.create_user(u.username, DEMO_PASSWORD, roles=[(role, units[code]) for role, code in u.roles],
                        person=people.get(u.person) if u.person else None, demo=True)
    db.session.flush()
    return {"units": len(plan.units), "people": len(plan.people), "ratings": len(plan.ratings),
            "disciplines": len(plan.disciplines), "clusters": len(plan.clusters), "users": len(plan.users)}


def seed_demo(seed: int = SEED) -> tuple[DemoPlan, dict[str, int]]:
    """Build and write the demo (the caller checks the database is empty and commits)."""
    plan = build_plan(seed)
    return plan, apply_plan(plan)


# --- reading it back -----------------------------------------------------------------------------------

def database_canonical() -> list[str]:
    """The organisation records in the database, in the shape of ``DemoPlan.canonical``."""
    session = db.session
    lines = []
    for u in session.scalars(select(Unit)):
        lines.append(_unit_line(u.code, u.kind, u.parent.code if u.parent else None, u.legal_personality,
                                u.document_code, u.place, [(n.valid_from, n.name) for n in u.names]))
    for p in session.scalars(select(Person)):
        lines.append(_person_line(p.code, p.full_name, p.gender, p.birth_date, p.hire_date, p.position, p.grade,
                                  p.complaint_pending, [(a.unit.code, a.valid_from) for a in p.assignments]))
        lines += [_discipline_line(p.code, d.level, d.start_date, d.end_date, d.reason) for d in p.disciplines]
    for r in session.scalars(select(YearlyRating)):
        subject = r.person.code if r.person_id else r.unit.code
        lines.append(_rating_line(r.subject_type, subject, r.year, r.rating))
    for c in session.scalars(select(Cluster)):
        lines.append(_cluster_line(c.code, c.name, c.organiser.code,
                                   [(m.year, m.unit.code, m.role) for m in c.members]))
    for y in session.scalars(select(EmulationYear)):
        lines.append(_year_line(y.label, y.start_date, y.end_date))
    for user in session.scalars(select(User)):
        lines.append(_user_line(user.username, user.person.code if user.person else None,
                                [(ra.role, ra.unit.code) for ra in user.roles]))
    return sorted(lines)


def database_digest() -> str:
    return _digest(database_canonical())
