"""The demo's 2021 nominations in Đồng Tháp: every state, in batches, with files on disk and a real history."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from awards.extensions import db as _db
from awards.nominations.attachments import attachment_path
from awards.nominations.models import Batch, Nomination, TransitionLog
from awards.org.models import User
from tests.integration.test_demo import demo_db, ids_under  # noqa: F401 (the class-scoped seeded database)
from workflows.definitions.nomination import State


def dong_thap_2021() -> list[Nomination]:
    return _db.session.scalars(select(Nomination).where(Nomination.year == 2021,
                                                        Nomination.proposing_unit_id.in_(ids_under("DT")))).all()


def history(nomination: Nomination) -> list[TransitionLog]:
    return _db.session.scalars(select(TransitionLog).where(TransitionLog.workflow == "nomination",
                                                           TransitionLog.record_id == nomination.id)
                               .order_by(TransitionLog.id)).all()


@pytest.mark.usefixtures("demo_db")
class TestDemoNominations:
    def test_every_state_is_present(self):
        assert {n.state for n in dong_thap_2021()} == {s.value for s in State}

    def test_history_is_the_real_path_with_its_actors(self):
        users = {u.id: u.username for u in _db.session.scalars(select(User))}
        for nomination in dong_thap_2021():
            rows = history(nomination)
            if nomination.state == "draft":
                assert rows == []
                continue
            assert rows and rows[0].trigger == "submit" and rows[-1].to_state == nomination.state
            # Each step starts where the one before ended: the history is one unbroken path.
            assert all(a.to_state == b.from_state for a, b in zip(rows, rows[1:], strict=False))
            for row in rows:
                if row.trigger.startswith("council_"):
                    assert row.actor_id is None and row.actor_label == "Hệ thống"
                else:
                    assert users[row.actor_id] in {"proposer", "tccb", "secretary", "approver", "hr"}, row.trigger
            assert nomination.evidence["eligibility"]["verdict"] in ("eligible", "needs_information")

    def test_the_referral_is_submitted_at_the_level_above(self):
        [referred] = [n for n in dong_thap_2021() if n.state == "referred"]
        assert referred.referral.state == "submitted"
        assert referred.referral.proposing_unit == referred.deciding_unit
        assert history(referred.referral)[0].actor_id == _db.session.scalar(
            select(User.id).where(User.username == "approver"))

    def test_batches_hold_the_nominations(self):
        batches = _db.session.scalars(select(Batch).where(Batch.year == 2021)).all()
        assert len(batches) >= 2
        assert {b.state for b in batches} >= {"draft", "submitted"}
        assert sum(len(b.nominations) for b in batches) >= 10

    def test_attachments_are_on_disk(self):
        attachments = [a for n in dong_thap_2021() for a in n.attachments]
        assert {str(a.kind) for a in attachments} == {"achievement_report", "minutes"}
        for attachment in attachments:
            path = attachment_path(attachment)
            assert path.is_file() and path.read_bytes().startswith(b"%PDF-")
            assert path.stat().st_size == attachment.size
