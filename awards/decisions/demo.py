"""The demo's 2021 decisions of Cục THADS tỉnh Đồng Tháp: real documents for a new user to open.

- ``office_plans`` (called by the nominations demo before the 2021 council session) has the personnel division
  (demo user ``tccb``, proposer for the Cục's own divisions) nominate the divisions' staff for LĐTT, those with an
  unused 2021 base initiative for CSTĐCS, the divisions for TTLĐTT and two of them for a Giấy khen. Only nominees
  whose eligibility verdict lets them through are nominated; every one then goes through the real workflow (review,
  posting where the award needs it, the council's vote, the approver's approval).
- ``seed_decisions`` (after the councils demo) has ``hr`` issue, on 25/01/2022, one decision for the individuals
  (LĐTT, CSTĐCS — with the proposer's branch's approved LĐTT) and one for the collectives (TTLĐTT, Giấy khen), each
  with its PDF (signed with a self-signed demo key of the Cục) and its certificates (made in the seed's transaction);
  then, on 15/03/2022, a decision revoking one LĐTT of the first. One approved
  LĐTT is left waiting, so "Tạo quyết định" has something to offer.
Only ``awards.nominations.operations`` and ``awards.decisions.operations`` are used: nothing a user could not do.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from awards.decisions import jobs
from awards.decisions import operations as ops
from awards.decisions import signing
from awards.decisions.models import Decision, DecisionState, SigningMode
from awards.eligibility import service as eligibility
from awards.extensions import db
from awards.nominations import operations as nominations
from awards.nominations.models import Nomination
from awards.org.models import Person, Unit, User

YEAR = 2021
ISSUED_ON, REVOKED_ON = date(2022, 1, 25), date(2022, 3, 15)
DIVISIONS = ("DT-VP", "DT-NV", "DT-KTKN", "DT-TCCB", "DT-KHTC")
GK_COLLECTIVES = ("DT-VP", "DT-NV")
WAITING = "DT-0135"  # the proposer's branch's approved LĐTT left for the user to put in a decision
REVOKED = "DT-0137"  # revoked by the March decision (the nominations demo's story of a revoked award)
NOTE = "Hoàn thành xuất sắc nhiệm vụ năm 2021; thành tích do Hội đồng xem xét."
REASON = "Phát hiện vi phạm trong năm xét khen thưởng"


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _passes(report) -> bool:
    return report.verdict in ("eligible", "needs_information")


def _steps(award: str) -> tuple:
    """Review, then posting for the awards that need one (a secret-ballot award), the council, the approval."""
    review = ("start_review", "secretary", None, {})
    if award == "CSTDCS":
        before = (review, ("open_posting", "secretary", None, {"start": "2021-12-06", "working_days": 10}),
                  ("close_posting", "secretary", None, {}))
    else:
        before = (review, ("schedule", "secretary", None, {}))
    return (*before, ("council", True, None, {}), ("approve", "approver", None, {}))


def office_plans() -> list[tuple[Nomination, tuple, None]]:
    """The divisions' nominations, submitted; ``(nomination, steps after submit, None)`` like the nominations demo's
    plans (None: submitted on their own, not in a tờ trình)."""
    tccb = _user("tccb")
    units = [db.session.scalar(select(Unit).where(Unit.code == code)) for code in DIVISIONS]
    people = db.session.scalars(select(Person).where(Person.unit_id.in_([u.id for u in units]))
                                .order_by(Person.code)).all()
    chosen: list[tuple[Person | Unit, str]] = []
    for person in people:
        for award in ("LDTT", "CSTDCS"):
            if _passes(eligibility.person_report(person, award, YEAR)):
                chosen.append((person, award))
    for unit in units:
        if _passes(eligibility.unit_report(unit, "TTLDTT", YEAR)):
            chosen.append((unit, "TTLDTT"))
        if unit.code in GK_COLLECTIVES:
            chosen.append((unit, "GK"))
    plans = []
    for nominee, award in chosen:
        name = nominee.full_name if isinstance(nominee, Person) else nominee.name
        nomination = nominations.create_nomination(actor=tccb, nominee=nominee, award_code=award, year=YEAR,
                                                   summary=f"Đề nghị {award} năm {YEAR} cho {name}.")
        nominations.add_attachment(nomination, actor=tccb, kind="achievement_report",
                                   filename=f"bao-cao-thanh-tich-{nominee.code}-{award}.pdf", data=_pdf())
        nominations.transition(nomination, "submit", actor=tccb, comment=NOTE)
        plans.append((nomination, _steps(award), None))
    return plans


def _pdf() -> bytes:
    from awards.nominations.demo import PDF

    return PDF


def _approved(*, persons: bool) -> list[Nomination]:
    cuc = db.session.scalar(select(Unit).where(Unit.code == "DT"))
    waiting = db.session.scalar(select(Person.id).where(Person.code == WAITING))
    return [n for n in ops.decidable_nominations(cuc)
            if (n.person_id is not None) == persons and n.person_id != waiting and n.year == YEAR]


def seed_decisions() -> dict[str, int]:
    """Issue the demo's decisions (see the module's docstring); returns counts for the seed's summary."""
    hr = _user("hr")
    cuc = db.session.scalar(select(Unit).where(Unit.code == "DT"))
    head = db.session.scalar(select(Person).where(Person.unit_id == cuc.id, Person.position == "Cục trưởng"))
    deputy = db.session.scalar(select(Person).where(Person.unit_id == cuc.id, Person.position == "Phó Cục trưởng")
                               .order_by(Person.code))
    # The Cục signs its decisions with a self-signed demo key (what `flask --app wsgi keys demo` makes), so the
    # decision pages and the verification page show a signature that is intact.
    signing.make_demo_key(cuc, actor=_user("admin"))
    issued = []
    for persons, signer, mode in ((True, head, SigningMode.NONE), (False, deputy, SigningMode.KT)):
        chosen = _approved(persons=persons)
        if not chosen:
            continue
        decision = ops.create_decision(actor=hr, issuer=cuc, decided_on=ISSUED_ON,
                                       nomination_ids=[n.id for n in chosen], signer=signer, signing_mode=mode)
        ops.issue(decision, actor=hr)
        jobs.request_certificates(decision, actor=hr, inline=True)  # the certificates, made now (no worker yet)
        issued.append(decision)
    revoked = db.session.scalar(select(Person.id).where(Person.code == REVOKED))
    first = issued[0] if issued else None
    item = next((i for i in first.items if i.person_id == revoked), None) if first is not None else None
    if item is not None:
        revocation = ops.revoke(first, actor=hr, decided_on=REVOKED_ON, reason=REASON, signer=head,
                                item_ids=[item.id])
        ops.issue(revocation, actor=hr)
    count = db.session.scalar(select(db.func.count()).select_from(Decision).where(
        Decision.state != DecisionState.DRAFT))
    return {"decisions": count}
