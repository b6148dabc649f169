"""What changed on the nominations a user is concerned with: the page /notifications and the navbar count.

A user is concerned with a nomination proposed by a unit in their proposer scope, or decided at a unit in their
secretary/approver/hr scope. Their own actions are not news to them, so they are left out. There is no "mark as
read": the time of the previous visit lives in the Flask session (no schema change), and what happened since is
highlighted and counted.
"""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

from flask import current_app, render_template, request, session
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from awards.extensions import db
from awards.nominations.models import Nomination, TransitionLog
from awards.nominations.views import award_name, bp, local_time, state_label, trigger_label
from awards.org.models import Role
from awards.org.permissions import visible_unit_ids

WINDOW = timedelta(days=60)
SESSION_KEY = "last_seen_notifications_at"
COUNT_CAP = 99
DECIDER_ROLES = (Role.SECRETARY, Role.APPROVER, Role.HR)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value  # SQLite hands back naive UTC


def _last_seen() -> datetime | None:
    raw = session.get(SESSION_KEY)
    try:
        return _utc(datetime.fromisoformat(raw)) if raw else None
    except (TypeError, ValueError):  # a tampered or old-format value is treated as "never visited"
        return None


def _changes(user, since: datetime | None = None):
    """A Select of (TransitionLog, Nomination) on the user's nominations, by others, newest first, or None when
    the user has no concerned scope at all."""
    proposing = visible_unit_ids(user, (Role.PROPOSER,))
    deciding = visible_unit_ids(user, DECIDER_ROLES)
    if not proposing and not deciding:
        return None
    concerned = []
    if proposing:
        concerned.append(Nomination.proposing_unit_id.in_(proposing))
    if deciding:
        concerned.append(Nomination.deciding_unit_id.in_(deciding))
    cutoff = datetime.now(UTC) - WINDOW
    if since is not None and since > cutoff:
        cutoff = since
    return (select(TransitionLog, Nomination)
            .join(Nomination, Nomination.id == TransitionLog.record_id)
            .where(TransitionLog.workflow == "nomination", or_(*concerned), TransitionLog.at > cutoff,
                   # the system actor (council outcomes) has no id: its changes are news to everyone concerned
                   or_(TransitionLog.actor_id.is_(None), TransitionLog.actor_id != user.id))
            .order_by(TransitionLog.at.desc(), TransitionLog.id.desc()))


@bp.app_context_processor
def _notification_helpers() -> dict:
    return {"changes_count": changes_count}


def changes_count() -> int:
    """Changes since the previous visit to /notifications (capped at 99 for the navbar badge)."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    stmt = _changes(current_user, _last_seen())
    if stmt is None:
        return 0
    capped = stmt.with_only_columns(TransitionLog.id).order_by(None).limit(COUNT_CAP).subquery()
    return db.session.scalar(select(func.count()).select_from(capped)) or 0


@bp.get("/notifications")
@login_required
def notifications():
    previous = _last_seen()
    # Stored before rendering so the navbar on this very page already reads 0.
    session[SESSION_KEY] = datetime.now(UTC).isoformat()
    per_page = current_app.config.get("PER_PAGE", 25)
    page_no = max(request.args.get("page", 1, type=int), 1)
    stmt = _changes(current_user)
    rows, total = [], 0
    if stmt is not None:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        # One statement for the rows: the nominee and award are joined in, never loaded row by row.
        rows = db.session.execute(stmt.options(joinedload(Nomination.person), joinedload(Nomination.unit),
                                               joinedload(Nomination.award))
                                  .limit(per_page).offset((page_no - 1) * per_page)).unique().all()
    items = [{"log": log, "n": nomination, "at": local_time(log.at),
              "label": trigger_label(log.trigger, log.from_state),
              "from": state_label(log.from_state), "to": state_label(log.to_state),
              "new": previous is None or _utc(log.at) > previous} for log, nomination in rows]
    pages = max((total + per_page - 1) // per_page, 1)
    return render_template("nominations/notifications.html", items=items, total=total, page_no=page_no,
                           pages=pages, award_name=award_name, first_visit=previous is None)
