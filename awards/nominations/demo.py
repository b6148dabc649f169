"""The demo's 2021 nominations in Đồng Tháp: one or more in every state, in batches, with files and real history.

Written after the organisation, metrics and initiatives demos (it reads their ratings and holdings through the
eligibility guards), and only through ``awards.nominations.operations``: every step is a real ``transition`` by
the demo user whose role it is (the council's outcomes by ``workflows.engine.SYSTEM``, as the council module
will), so the history, the frozen evidence and the guards are those a user would have produced. The nominees
are the ``proposer``'s branch (DT-LAPVO) staff, all eligible for LDTT in 2021. No clock and no random: fixed
dates (posting windows in December 2021 and January 2022, so closing a window is allowed today) and fixed
people, so every seed gives the same nominations in the same states. docs/demo-data.md describes them.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from awards.extensions import db
from awards.nominations import operations as ops
from awards.nominations.models import Nomination
from awards.org.models import Person, Unit, User
from workflows.engine import SYSTEM


def office_plans() -> list:
    from awards.decisions.demo import office_plans as plans

    return plans()


def hold_council_session(outcomes: dict[Nomination, bool]) -> None:
    from awards.councils.demo import hold_2021_session

    hold_2021_session(outcomes)

YEAR = 2021
UNIT = "DT-LAPVO"
# The smallest well-formed PDF a viewer opens: enough for the content check and for downloading.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")

# Each step is (trigger, who, comment, data); "who" is a demo username or "system" (the council's outcomes).
BATCH_1 = "Tờ trình đề nghị khen thưởng năm 2021 (đợt 1)"
BATCH_2 = "Tờ trình đề nghị khen thưởng năm 2021 (đợt 2)"
BATCH_3 = "Tờ trình đề nghị khen thưởng năm 2021 (bổ sung)"
REVIEW = ("start_review", "secretary", None, {})
SCHEDULE = ("schedule", "secretary", None, {})
# The council's outcomes are not fired here: every nomination that reaches one is voted on in the 2021 council
# session (awards/councils/demo.py), whose close applies it through the engine as the system actor.
PASS = ("council", True, None, {})
FAIL = ("council", False, None, {})
PLANS: tuple[tuple[str, str, str | None, tuple], ...] = (
    # (person, award, batch title or None for a single submit, steps after submit)
    ("DT-0129", "LDTT", BATCH_1, ()),
    ("DT-0130", "LDTT", BATCH_1, (REVIEW,)),
    ("DT-0131", "LDTT", BATCH_1, (REVIEW, ("open_posting", "secretary", None,
                                           {"start": "2022-01-10", "working_days": 10}))),
    ("DT-0132", "LDTT", BATCH_1, (REVIEW, ("open_posting", "secretary", None,
                                           {"start": "2021-12-13", "working_days": 10}),
                                  ("close_posting", "secretary", None, {}))),
    ("DT-0133", "LDTT", BATCH_1, (REVIEW, SCHEDULE, PASS)),
    ("DT-0134", "LDTT", BATCH_1, (REVIEW, SCHEDULE, FAIL)),
    ("DT-0135", "LDTT", BATCH_1, (REVIEW, SCHEDULE, PASS, ("approve", "approver", None, {}))),
    # Decided (and DT-0137 later revoked) by the demo's decisions: awards/decisions/demo.py.
    ("DT-0136", "LDTT", BATCH_1, (REVIEW, SCHEDULE, PASS, ("approve", "approver", None, {}))),
    ("DT-0137", "LDTT", BATCH_1, (REVIEW, SCHEDULE, PASS, ("approve", "approver", None, {}))),
    ("DT-0128", "GK", BATCH_2, (("send_back", "secretary", "Bổ sung báo cáo thành tích có xác nhận của đơn vị",
                                 {}),)),
    ("DT-0129", "GK", BATCH_2, (("withdraw", "proposer", "Đơn vị rút để đề nghị vào đợt sau", {}),)),
    ("DT-0130", "GK", BATCH_2, (REVIEW, ("reject", "secretary", "Thành tích trùng với hồ sơ Lao động tiên tiến",
                                         {}))),
    ("DT-0131", "BK_BO", None, (REVIEW, SCHEDULE, PASS,
                                ("refer", "approver", "Trình Tổng cục đề nghị Bộ trưởng tặng Bằng khen", {}))),
    # Passed by the council and waiting for the approver: a minister's award, so "Trình cấp trên" is the way on.
    ("DT-0132", "BK_BO", None, (REVIEW, SCHEDULE, PASS)),
)
DRAFT = ("DT-0128", "LDTT", BATCH_3)
# BK_BO's 2021 verdict is needs_information (two years of results are asked for): the proposer's note passes it.
NOTE = "Thành tích xuất sắc trong đợt cao điểm thi hành án năm 2021; kết quả năm 2020 đã báo cáo Cục."
# GK's verdict is needs_information too (the council judges the achievement): in a batch the note is in the dossier.
GK_NOTE = "Hoàn thành xuất sắc nhiệm vụ được giao trong đợt cao điểm thi hành án năm 2021."


def _by_code(model, code: str):
    return db.session.scalar(select(model).where(model.code == code))


def seed_nominations() -> dict[str, int]:
    """Create the demo nominations; returns counts for the seed's summary. Flushes, never commits."""
    users = {name: db.session.scalar(select(User).where(User.username == name))
             for name in ("proposer", "secretary", "approver", "hr")}
    actors = {**users, "system": SYSTEM}
    proposer = users["proposer"]
    unit = _by_code(Unit, UNIT)
    batches = {title: ops.create_batch(actor=proposer, unit=unit, year=YEAR, title=title)
               for title in (BATCH_1, BATCH_2, BATCH_3)}
    files = 0

    def draft(code: str, award: str, batch_title: str | None) -> Nomination:
        nonlocal files
        person = _by_code(Person, code)
        nomination = ops.create_nomination(actor=proposer, nominee=person, award_code=award, year=YEAR,
                                           summary=f"Đề nghị {award} năm {YEAR} cho {person.full_name}.")
        if award == "GK":
            ops.update_nomination(nomination, actor=proposer, version=nomination.version,
                                  summary=nomination.summary, proposer_note=GK_NOTE)
        if batch_title is not None:
            ops.add_to_batch(batches[batch_title], nomination, actor=proposer)
        ops.add_attachment(nomination, actor=proposer, kind="achievement_report",
                           filename=f"bao-cao-thanh-tich-{code}-{award}.pdf", data=PDF)
        files += 1
        return nomination

    planned = [(draft(code, award, batch), steps, batch) for code, award, batch, steps in PLANS]
    # The Cục's own divisions, nominated by the personnel division, for the demo's decisions (already submitted).
    planned += office_plans()
    draft(*DRAFT)
    for title in (BATCH_1, BATCH_2):
        ops.submit_batch(batches[title], actor=proposer)

    def run(nomination: Nomination, steps) -> None:
        nonlocal files
        for trigger, who, comment, data in steps:
            ops.transition(nomination, trigger, actor=actors[who], comment=comment, **data)
            if trigger in ("schedule", "close_posting"):
                # The secretariat files the unit's meeting minutes while the nomination is on its agenda.
                ops.add_attachment(nomination, actor=users["secretary"], kind="minutes",
                                   filename=f"bien-ban-hop-hoi-dong-{nomination.id}.pdf", data=PDF)
                files += 1

    outcomes: dict[Nomination, bool] = {}
    after_council = []
    for nomination, steps, batch in planned:
        if batch is None and nomination.state == "draft":
            ops.transition(nomination, "submit", actor=proposer, comment=NOTE)
        cut = next((i for i, step in enumerate(steps) if step[0] == "council"), len(steps))
        run(nomination, steps[:cut])
        if cut < len(steps):
            outcomes[nomination] = steps[cut][1]
            after_council.append((nomination, steps[cut + 1:]))
    hold_council_session(outcomes)
    for nomination, steps in after_council:
        run(nomination, steps)
    states = Counter(db.session.scalars(select(Nomination.state)))
    return {"nominations": sum(states.values()), "nomination_batches": len(batches), "attachments": files}
