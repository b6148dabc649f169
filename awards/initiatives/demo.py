"""The demo's initiatives and award history, built as a plan from the organisation plan, then bulk-written.

Like ``awards.metrics.demo``, the plan is plain frozen data derived from ``awards.org.demo.DemoPlan`` without
a clock or a hash order, so it is the same in every process. It is consistent with the organisation's facts:
- LDTT for 2019–2021 for every person rated at least HTTNV that year, not disciplined during the emulation
  year, and (2021) without a pending complaint;
- base-level initiatives in 2020 and 2021 for several Đồng Tháp staff (some with a co-author); the main
  authors of the first few in each year hold CSTDCS that year, the initiative recorded as its support, the
  others are left unused (eligibility then suggests them);
- one "star" who holds CSTDCS in 2019, 2020 and 2021 (each backed by a base initiative of the year) and has
  an unused ministry-level initiative in 2021: a CSTD_BO candidate for 2021;
- TTLDTT for the Đồng Tháp branches rated at least HTTNV whose members are more than half LDTT that year.
docs/initiatives.md describes it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select

from awards.catalogue.models import Award, AwardHolding
from awards.extensions import db
from awards.initiatives.models import Initiative, InitiativeAuthor, InitiativeScope, InitiativeUse
from awards.org.demo import DemoPlan, PersonPlan
from awards.org.models import EmulationYear, Person, RatingLevel, SubjectType, Unit, UnitKind

YEARS = (2019, 2020, 2021)
LAPVO_CANDIDATE = "DT-0133"
GOOD = RatingLevel.HTTNV.rank
ISSUERS = {"DT": "Cục trưởng Cục Thi hành án dân sự tỉnh Đồng Tháp",
           "TH": "Cục trưởng Cục Thi hành án dân sự tỉnh Thanh Hóa"}
MINISTRY_ISSUER = "Bộ trưởng Bộ Tư pháp"
# (year, how many base initiatives besides the star's, how many of them back a CSTDCS that year)
BASE_INITIATIVES = {2020: (4, 2), 2021: (5, 3)}
TITLES = (
    "Phối hợp với ngân hàng để rút ngắn thời gian xác minh điều kiện thi hành án",
    "Sổ theo dõi việc thi hành án điện tử tại Chi cục",
    "Quy trình tiếp công dân và xử lý đơn một đầu mối",
    "Mẫu biên bản xác minh thống nhất cho Chấp hành viên",
    "Lịch kê biên, định giá tài sản công khai trên cổng thông tin của Cục",
    "Phân loại án tồn đọng theo điều kiện thi hành để ưu tiên giải quyết",
    "Nhắc hạn ra quyết định thi hành án bằng tin nhắn nội bộ",
    "Bảng kiểm hồ sơ trước khi chuyển thi hành án chủ động",
    "Phối hợp với chính quyền xã trong tống đạt văn bản",
    "Quy trình lưu trữ hồ sơ thi hành án theo số hóa",
    "Hướng dẫn đương sự tự nguyện thi hành qua buổi đối thoại",
    "Theo dõi tài sản kê biên bằng mã vạch",
    "Giải pháp đối chiếu số liệu thống kê hằng tháng giữa Chi cục và Cục",
)
MINISTRY_TITLE = "Mô hình phối hợp liên ngành trong thi hành án các khoản thu hồi cho Nhà nước trong vụ án tham nhũng"


@dataclass(frozen=True)
class InitiativePlan:
    code: str
    title: str
    authors: tuple[str, ...]  # person codes, the main author first
    unit: str
    year: int
    scope: InitiativeScope
    decision_no: str
    decision_date: date
    used_for: tuple[str, int, str] | None = None  # (award, year, person code) it supports


@dataclass(frozen=True)
class HoldingPlan:
    subject_type: SubjectType
    code: str
    year: int
    award: str
    decision_no: str
    decision_date: date
    issuer: str


@dataclass(frozen=True)
class InitiativesPlan:
    initiatives: tuple[InitiativePlan, ...]
    holdings: tuple[HoldingPlan, ...]
    star: str  # the person code of the CSTD_BO candidate

    def canonical(self) -> list[str]:
        """One line per record, in the shape ``database_canonical`` reads back."""
        lines = [_initiative_line(i.code, i.title, i.authors, i.unit, i.year, i.scope, i.decision_no, i.decision_date,
                                  i.used_for) for i in self.initiatives]
        lines += [_holding_line(h.subject_type, h.code, h.year, h.award, h.decision_no, h.decision_date, h.issuer)
                  for h in self.holdings]
        return sorted(lines)

    def digest(self) -> str:
        return hashlib.sha256("\n".join(self.canonical()).encode()).hexdigest()


def _v(value) -> str:
    return "" if value is None else str(getattr(value, "value", value))


def _initiative_line(code, title, authors, unit, year, scope, decision_no, decision_date, used_for) -> str:
    use = "" if used_for is None else ":".join(map(str, used_for))
    return "|".join(["initiative", code, title, ";".join(authors), unit, str(year), _v(scope), decision_no,
                     decision_date.isoformat(), use])


def _holding_line(subject_type, code, year, award, decision_no, decision_date, issuer) -> str:
    return "|".join(["holding", _v(subject_type), code, str(year), award, decision_no, decision_date.isoformat(),
                     issuer])


# --- building ----------------------------------------------------------------------------------------

def _unit_on(person: PersonPlan, day: date) -> str:
    return [unit for unit, since in person.postings if since <= day][-1]


def _province(unit_code: str) -> str:
    return unit_code.split("-")[0]


def build_initiatives_plan(org: DemoPlan) -> InitiativesPlan:
    """The demo's initiatives and holdings for ``org``; the same organisation plan gives the same result."""
    ratings = {(r.subject_type, r.code, r.year): r.rating for r in org.ratings}
    bounds = {year: EmulationYear.default_bounds(year) for year in YEARS}
    disciplined = {(d.person, year) for d in org.disciplines for year, (start, end) in bounds.items()
                   if d.start <= end and (d.end is None or d.end >= start)}

    def ldtt(p: PersonPlan, year: int) -> bool:
        rating = ratings.get((SubjectType.PERSON, p.code, year))
        return (rating is not None and rating.rank >= GOOD and (p.code, year) not in disciplined
                and not (year == 2021 and p.complaint_pending))

    people = sorted(org.people, key=lambda p: p.code)
    holdings: list[HoldingPlan] = []
    numbers: dict[tuple[str, int], int] = {}

    def decision(province: str, year: int) -> tuple[str, date]:
        n = numbers[(province, year)] = numbers.get((province, year), 200) + 1
        return f"{n}/QĐ-CTHADS", date(year, 10, 15)

    ldtt_holders = {year: {p.code for p in people if ldtt(p, year)} for year in YEARS}
    for year in YEARS:
        for province in ("DT", "TH"):
            number, day = decision(province, year)  # one decision a year per Cục for all its LDTT
            holdings += [HoldingPlan(SubjectType.PERSON, p.code, year, "LDTT", number, day, ISSUERS[province])
                         for p in people if p.code in ldtt_holders[year] and _province(p.code) == province]

    dt_staff = [p for p in people if p.code.startswith("DT-") and _unit_on(p, date(2019, 9, 30)) != "DT"]
    star = next(p for p in dt_staff if all(p.code in ldtt_holders[y] for y in YEARS)
                and ratings[(SubjectType.PERSON, p.code, 2021)] is RatingLevel.HTXSNV)
    initiatives: list[InitiativePlan] = []
    titles = iter(TITLES)
    counter: dict[int, int] = {}

    def initiative(authors: tuple[PersonPlan, ...], year: int, used: bool, scope=InitiativeScope.BASE,
                   title: str | None = None) -> None:
        n = counter[year] = counter.get(year, 0) + 1
        main = authors[0]
        unit = _unit_on(main, date(year, 9, 30))
        if scope is InitiativeScope.BASE:
            number, day = f"{30 + n}/QĐ-CTHADS", date(year, 9, 10)
        else:
            number, day = "1520/QĐ-BTP", date(year, 9, 20)
        used_for = ("CSTDCS", year, main.code) if used else None
        initiatives.append(InitiativePlan(f"SK-DT-{year}-{n:02d}", title or next(titles),
                                          tuple(a.code for a in authors), unit, year, scope, number, day, used_for))
        if used:
            cstdcs_number, cstdcs_day = decision("DT", year)
            holdings.append(HoldingPlan(SubjectType.PERSON, main.code, year, "CSTDCS", cstdcs_number, cstdcs_day,
                                        ISSUERS["DT"]))

    for year in YEARS:
        initiative((star,), year, used=True)
    initiative((star,), 2021, used=False, scope=InitiativeScope.MINISTRY, title=MINISTRY_TITLE)

    others = [p for p in dt_staff if p is not star]
    step = 7  # spread the authors over the branches instead of taking one branch's staff
    pool = [others[(i * step) % len(others)] for i in range(len(others))]
    taken = 0
    for year, (count, used) in BASE_INITIATIVES.items():
        chosen = [p for p in pool[taken:] if p.code in ldtt_holders[year]][:count]
        taken += count
        for i, main in enumerate(chosen):
            co_author = (pool[(taken + i) % len(pool)],) if i % 2 else ()
            if co_author and co_author[0] in (main, star):
                co_author = ()
            initiative((main, *co_author), year, used=i < used)
    # An unused 2021 initiative in the demo proposer's branch: a CSTDCS candidate the proposer may nominate
    # (the demo council's open session votes on it, awards/councils/demo.py).
    initiative((next(p for p in dt_staff if p.code == LAPVO_CANDIDATE),), 2021, used=False)

    holdings += _branch_holdings(org, ratings, ldtt_holders, decision)
    return InitiativesPlan(tuple(initiatives), tuple(holdings), star.code)


def _branch_holdings(org: DemoPlan, ratings, ldtt_holders, decision) -> list[HoldingPlan]:
    """TTLDTT for the Đồng Tháp branches rated ≥ HTTNV whose members on 30/9 are more than half LDTT."""
    rows = []
    branches = [u.code for u in org.units if u.kind is UnitKind.DISTRICT_BRANCH and u.code.startswith("DT-")]
    for year in YEARS:
        number, day = decision("DT", year)
        for code in branches:
            rating = ratings.get((SubjectType.UNIT, code, year))
            members = [p.code for p in org.people if _unit_on(p, date(year, 9, 30)) == code]
            holders = sum(1 for m in members if m in ldtt_holders[year])
            if rating is not None and rating.rank >= GOOD and members and holders * 2 > len(members):
                rows.append(HoldingPlan(SubjectType.UNIT, code, year, "TTLDTT", number, day, ISSUERS["DT"]))
    return rows


# --- writing -----------------------------------------------------------------------------------------

def write_plan(plan: InitiativesPlan) -> dict[str, int]:
    """Bulk-insert ``plan`` (flushes only; the caller commits). Returns counts by kind."""
    session = db.session
    units = dict(session.execute(select(Unit.code, Unit.id)).all())
    people = dict(session.execute(select(Person.code, Person.id)).all())
    awards = dict(session.execute(select(Award.code, Award.id)).all())
    if plan.initiatives:
        session.execute(insert(Initiative), [
            {"code": i.code, "title": i.title, "unit_id": units[i.unit], "year": i.year, "scope": i.scope,
             "decision_no": i.decision_no, "decision_date": i.decision_date, "version": 1}
            for i in plan.initiatives])
        ids = dict(session.execute(select(Initiative.code, Initiative.id)
                                   .where(Initiative.code.in_([i.code for i in plan.initiatives]))).all())
        session.execute(insert(InitiativeAuthor), [
            {"initiative_id": ids[i.code], "person_id": people[code], "position": n}
            for i in plan.initiatives for n, code in enumerate(i.authors)])
        used = [i for i in plan.initiatives if i.used_for is not None]
        if used:
            session.execute(insert(InitiativeUse), [
                {"initiative_id": ids[i.code], "award_id": awards[i.used_for[0]], "year": i.used_for[1],
                 "person_id": people[i.used_for[2]], "unit_id": None, "note": ""} for i in used])
    if plan.holdings:
        session.execute(insert(AwardHolding), [
            {"person_id": people[h.code] if h.subject_type is SubjectType.PERSON else None,
             "unit_id": units[h.code] if h.subject_type is SubjectType.UNIT else None,
             "year": h.year, "award_id": awards[h.award], "decision_no": h.decision_no,
             "decision_date": h.decision_date, "issuer": h.issuer} for h in plan.holdings])
    return {"initiatives": len(plan.initiatives), "award_holdings": len(plan.holdings)}


def seed_initiatives(org: DemoPlan) -> dict[str, int]:
    """Build and write the initiatives and award history of the demo organisation ``org`` (already written)."""
    return write_plan(build_initiatives_plan(org))


# --- reading it back -----------------------------------------------------------------------------------

def database_canonical() -> list[str]:
    """The initiatives and holdings in the database, in the shape of ``InitiativesPlan.canonical``."""
    session = db.session
    lines = []
    for i in session.scalars(select(Initiative)):
        use = i.use
        used_for = None if use is None else (use.award.code, use.year, use.person.code if use.person else use.unit.code)
        lines.append(_initiative_line(i.code, i.title, [a.person.code for a in i.authors], i.unit.code, i.year,
                                      i.scope, i.decision_no, i.decision_date, used_for))
    for h in session.scalars(select(AwardHolding)):
        subject_type, code = ((SubjectType.PERSON, session.get(Person, h.person_id).code) if h.person_id
                              else (SubjectType.UNIT, session.get(Unit, h.unit_id).code))
        lines.append(_holding_line(subject_type, code, h.year, h.award.code, h.decision_no, h.decision_date,
                                   h.issuer))
    return sorted(lines)
