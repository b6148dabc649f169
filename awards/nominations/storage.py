"""The workflow engine's storage adapter: each transition becomes one ``TransitionLog`` row in the session.

Installed once in ``create_app``; the engine stays pure and only knows the ``Storage`` protocol.
"""
from __future__ import annotations

from awards.extensions import db
from awards.nominations.models import TransitionLog
from workflows import engine
from workflows.engine import TransitionRecord


class SqlAlchemyStorage:
    """Adds the audit row and flushes (so a stale version fails here, as a 409); never commits.

    The request (or the CLI command) commits once, so a batch submitted "all or nothing" keeps every state
    change and every audit row together, or none of them.
    """

    def save(self, record, transition: TransitionRecord) -> None:
        session = db.session  # looked up on each call: tests swap the session for a rolled-back one
        if record.id is None:  # a record created and fired in the same request: it needs its id first
            session.add(record)
            session.flush()
        session.add(TransitionLog(
            workflow=transition.workflow, record_id=transition.record_id or record.id, trigger=transition.trigger,
            from_state=str(transition.from_state), to_state=str(transition.to_state),
            actor_id=transition.actor_id, actor_label=transition.actor_label, at=transition.at,
            comment=transition.comment, evidence=dict(transition.evidence or {})))
        # Also writes the record's new state with its version check: two secretaries, one wins.
        session.flush()


    def restore(self, record, previous_state) -> None:
        """Undo a refused change: on a live transaction put the state back; after a failed flush (a concurrent
        writer won) leave the record alone — the rollback that follows reloads it from the database."""
        if db.session.is_active:
            record.state = previous_state


def install() -> None:
    """Make every ``engine.fire`` write its audit row into the database session (called by create_app)."""
    from awards.nominations.guards import register_guards

    engine.configure(storage=SqlAlchemyStorage())
    register_guards()
    engine.check_guards()  # a guard a definition names but nobody registered fails here, at start-up
