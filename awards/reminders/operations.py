"""Reminders: what is due for a user (``due_items``), the daily run (``send_due``), deadlines and settings.

Who is reminded of what (a role applies to its scope unit's subtree, as everywhere):
- secretaries: posted nominations whose posting ends (derived from ``Nomination.posting_end``), planned council
  sessions (``CouncilSession.held_on``), stored posting / session deadlines;
- council members: planned sessions of councils in their scope, stored session deadlines;
- proposers: stored filing deadlines that cover their unit;
- approvers: nominations the council passed, waiting for approval;
- HR: approved nominations waiting for a decision, stored decision deadlines.
An item is *due* when its date lies within the next ``days`` days (today included) and *overdue* when the date has
passed while the work is still open (a posting still open, a session still planned) or, for stored deadlines, within
the last ``OVERDUE_DAYS`` days. Operations flush and never commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from awards.catalogue.models import Award
from awards.core.errors import NotFound, ValidationFailed
from awards.core.formatting import short_date
from awards.core.models import utcnow
from awards.councils.models import Council, CouncilSession, SessionState
from awards.extensions import db
from awards.nominations.models import Nomination
from awards.org.models import Role, Unit, User
from awards.org.permissions import visible_unit_ids
from awards.reminders.models import Deadline, DeadlineKind, Notification, OutboxMessage

DEFAULT_DAYS = 7
OVERDUE_DAYS = 30  # a stored deadline passed longer ago than this is no longer reminded
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Who a stored deadline of each kind concerns.
DEADLINE_ROLES: dict[DeadlineKind, tuple[Role, ...]] = {
    DeadlineKind.FILING: (Role.PROPOSER,),
    DeadlineKind.POSTING_END: (Role.SECRETARY,),
    DeadlineKind.SESSION: (Role.SECRETARY, Role.COUNCIL_MEMBER),
    DeadlineKind.DECISION: (Role.HR,),
}
DEADLINE_LABELS = {
    DeadlineKind.FILING: "Hạn nộp hồ sơ đề nghị khen thưởng",
    DeadlineKind.POSTING_END: "Hạn kết thúc công khai",
    DeadlineKind.SESSION: "Ngày họp Hội đồng Thi đua – Khen thưởng",
    DeadlineKind.DECISION: "Hạn ban hành quyết định khen thưởng",
}


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


@dataclass(frozen=True)
class Item:
    """One thing to remind a user of. ``key`` identifies it with its date and whether it was overdue."""

    key: str
    text: str
    link: str
    due_on: date | None = None
    overdue: bool = False


@dataclass
class RunSummary:
    users: int = 0
    created: int = 0
    emails: int = 0
    per_user: dict[str, int] = field(default_factory=dict)


def _link(endpoint: str, **values) -> str:
    """A site-relative URL, also outside a request (the cron job has none)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def _when(due_on: date, today: date) -> str:
    if due_on < today:
        return f"ngày {short_date(due_on)}, đã quá {(today - due_on).days} ngày"
    if due_on == today:
        return f"hôm nay ({short_date(due_on)})"
    return f"ngày {short_date(due_on)}, còn {(due_on - today).days} ngày"


def _status(due_on: date, today: date) -> str:
    return "overdue" if due_on < today else "due"


def _unit_names(ids: Iterable[int], today: date) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    units = db.session.scalars(select(Unit).where(Unit.id.in_(ids)).options(selectinload(Unit.names)))
    return {u.id: u.name_on(today) for u in units}


def _roots(user: User, roles: Iterable[Role]) -> set[int]:
    wanted = set(roles)
    return {ra.unit_id for ra in user.roles if ra.role in wanted}


# --- what is due ---------------------------------------------------------------------------------------------

def _postings(user: User, today: date, horizon: date) -> list[Item]:
    units = visible_unit_ids(user, (Role.SECRETARY,))
    if not units:
        return []
    rows = db.session.execute(
        select(Nomination.deciding_unit_id, Nomination.posting_end, func.count())
        .where(Nomination.state == "posted", Nomination.deciding_unit_id.in_(units),
               Nomination.posting_end <= horizon)
        .group_by(Nomination.deciding_unit_id, Nomination.posting_end)).all()
    names = _unit_names((r[0] for r in rows), today)
    items = []
    for unit_id, end, count in rows:
        text = f"Công khai {count} hồ sơ tại {names[unit_id]} kết thúc {_when(end, today)}."
        if end < today:
            text += " Cần kết thúc công khai, đưa hồ sơ ra hội đồng."
        items.append(Item(
            key=f"posting:{unit_id}:{end.isoformat()}:{_status(end, today)}", text=text,
            link=_link("nominations.queue", state="posted"), due_on=end, overdue=end < today))
    return items


def _sessions(user: User, today: date, horizon: date) -> list[Item]:
    secretary = visible_unit_ids(user, (Role.SECRETARY,))
    member = visible_unit_ids(user, (Role.COUNCIL_MEMBER,))
    if not secretary and not member:
        return []
    units = secretary | member
    rows = db.session.execute(
        select(CouncilSession, Council)
        .join(Council, Council.id == CouncilSession.council_id)
        .where(CouncilSession.state == SessionState.PLANNED, Council.unit_id.in_(units),
               CouncilSession.held_on <= horizon)
        .order_by(CouncilSession.held_on, CouncilSession.id)).all()
    names = _unit_names((c.unit_id for _s, c in rows), today)
    items = []
    for session, council in rows:
        overdue = session.held_on < today
        if overdue and council.unit_id not in secretary:
            continue  # a session left "planned" after its date is the secretariat's to sort out
        title = council.name or f"Hội đồng Thi đua – Khen thưởng {names[council.unit_id]}"
        text = f"Phiên họp {title} {_when(session.held_on, today)}."
        if overdue:
            text += " Phiên họp vẫn chưa được mở."
        items.append(Item(key=f"session:{session.id}:{session.held_on.isoformat()}:{_status(session.held_on, today)}",
                          text=text, link=_link("councils.session", session_id=session.id),
                          due_on=session.held_on, overdue=overdue))
    return items


def _deadlines(user: User, today: date, horizon: date) -> list[Item]:
    """Stored deadlines whose unit covers one of the user's scopes for the kind's roles (or lies inside them)."""
    kinds = [kind for kind, roles in DEADLINE_ROLES.items() if _roots(user, roles)]
    if not kinds:
        return []
    rows = db.session.scalars(
        select(Deadline).where(Deadline.kind.in_(kinds), Deadline.due_on <= horizon,
                               Deadline.due_on >= today - timedelta(days=OVERDUE_DAYS))
        .options(selectinload(Deadline.award)).order_by(Deadline.due_on, Deadline.id)).all()
    if not rows:
        return []
    # The units above each of the user's scope roots (a deadline set there covers the root's subtree).
    covering: dict[Role, set[int]] = {}
    for role in {r for k in kinds for r in DEADLINE_ROLES[k]}:
        covering[role] = _ancestors_and_self(_roots(user, (role,))) | visible_unit_ids(user, (role,))
    names = _unit_names((d.unit_id for d in rows), today)
    items = []
    for deadline in rows:
        if not any(deadline.unit_id in covering.get(role, ()) for role in DEADLINE_ROLES[deadline.kind]):
            continue
        what = deadline.label or DEADLINE_LABELS[deadline.kind]
        if deadline.award is not None:
            what += f" ({deadline.award.code})"
        if deadline.year and str(deadline.year) not in what:
            what += f", năm {deadline.year}"
        items.append(Item(
            key=f"deadline:{deadline.id}:{deadline.due_on.isoformat()}:{_status(deadline.due_on, today)}",
            text=f"{what} — {names[deadline.unit_id]}: {_when(deadline.due_on, today)}.",
            link=_link("reminders.index"), due_on=deadline.due_on, overdue=deadline.due_on < today))
    return items


def _ancestors_and_self(unit_ids: set[int]) -> set[int]:
    found: set[int] = set()
    frontier = set(unit_ids)
    while frontier:
        found |= frontier
        parents = db.session.scalars(select(Unit.parent_id).where(Unit.id.in_(frontier),
                                                                  Unit.parent_id.is_not(None)))
        frontier = set(parents) - found
    return found


def _waiting(user: User, today: date, role: Role, state: str, what: str, endpoint: str) -> list[Item]:
    """Nominations in ``state`` at a deciding unit in the user's scope for ``role``: one item per unit. The key holds
    the count and the newest id, so the reminder comes back when the set changes, not every day."""
    units = visible_unit_ids(user, (role,))
    if not units:
        return []
    rows = db.session.execute(
        select(Nomination.deciding_unit_id, func.count(), func.max(Nomination.id))
        .where(Nomination.state == state, Nomination.deciding_unit_id.in_(units))
        .group_by(Nomination.deciding_unit_id)).all()
    names = _unit_names((r[0] for r in rows), today)
    return [Item(key=f"{state}:{unit_id}:{count}:{newest}", text=f"{count} hồ sơ {what} tại {names[unit_id]}.",
                 link=_link(endpoint)) for unit_id, count, newest in rows]


def due_items(user: User, today: date, days: int = DEFAULT_DAYS) -> list[Item]:
    """Everything due in [today, today + days] or overdue for ``user``, in their scope and roles; one per key."""
    if days < 0:
        raise ValidationFailed("Số ngày phải từ 0 trở lên.")
    horizon = today + timedelta(days=days)
    items = (_postings(user, today, horizon) + _sessions(user, today, horizon) + _deadlines(user, today, horizon)
             + _waiting(user, today, Role.APPROVER, "council_passed", "Hội đồng đã thông qua, chờ phê duyệt",
                        "nominations.awaiting")
             + _waiting(user, today, Role.HR, "approved", "đã phê duyệt, chờ quyết định khen thưởng",
                        "decisions.index"))
    unique = {item.key: item for item in items}
    return sorted(unique.values(), key=lambda i: (i.due_on is None, i.due_on or today, i.key))


# --- the daily run -------------------------------------------------------------------------------------------

def notify(user: User, items: list[Item]) -> list[Notification]:
    """Create the notifications the user does not have yet (by key); returns the new ones."""
    if not items:
        return []
    keys = [i.key for i in items]
    existing = set(db.session.scalars(select(Notification.key).where(Notification.user_id == user.id,
                                                                     Notification.key.in_(keys))))
    created = [Notification(user_id=user.id, key=i.key, text=i.text, link=i.link, due_on=i.due_on,
                            overdue=i.overdue) for i in items if i.key not in existing]
    db.session.add_all(created)
    db.session.flush()
    return created


def digest(user: User, notifications: list[Notification], today: date) -> OutboxMessage | None:
    """One e-mail listing the new reminders, unless the user turned e-mail off or has no address."""
    if not notifications or not user.email_notifications or not user.email:
        return None
    base = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/")
    lines = [f"Kính gửi {user.username},", "",
             f"Hệ thống Thi đua – Khen thưởng nhắc các việc sau (ngày {short_date(today)}):", ""]
    for n in notifications:
        lines.append(f"- {'[QUÁ HẠN] ' if n.overdue else ''}{n.text}")
        if n.link:
            lines.append(f"  {base}{n.link}")
    lines += ["", f"Xem tất cả: {base}{_link('reminders.index')}",
              f"Không muốn nhận thư này: {base}{_link('reminders.account')}"]
    message = OutboxMessage(user_id=user.id, to=user.email, body="\n".join(lines),
                            subject=f"Nhắc việc thi đua – khen thưởng: {len(notifications)} việc "
                                    f"({short_date(today)})")
    db.session.add(message)
    db.session.flush()
    return message


def send_due(today: date, days: int = DEFAULT_DAYS) -> RunSummary:
    """For every active user: new in-app notifications for what is due or overdue, and one e-mail digest.

    Running twice the same day creates nothing the second time (notifications are keyed; the digest lists only
    the new ones). E-mails go to the outbox; ``mail.deliver_pending`` sends them after the caller commits.
    """
    summary = RunSummary()
    users = db.session.scalars(select(User).where(User.active).order_by(User.id)).all()
    for user in users:
        created = notify(user, due_items(user, today, days))
        summary.users += 1
        if created:
            summary.created += len(created)
            summary.per_user[user.username] = len(created)
            if digest(user, created, today) is not None:
                summary.emails += 1
    return summary


# --- the user's reminders and settings -----------------------------------------------------------------------

def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; another user's answers NotFound."""
    stmt = select(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        one = db.session.get(Notification, notification_id)
        if one is None or one.user_id != user.id:
            raise NotFound()
        stmt = stmt.where(Notification.id == notification_id)
    now = utcnow()
    changed = db.session.scalars(stmt).all()
    for n in changed:
        n.read_at = now
    db.session.flush()
    return len(changed)


def save_email_settings(user: User, *, email: str | None, enabled: bool) -> User:
    email = (email or "").strip() or None
    if email is not None and ("@" not in email or " " in email or len(email) > 255):
        raise ValidationFailed("Địa chỉ thư điện tử không hợp lệ.")
    user.email, user.email_notifications = email, enabled
    db.session.flush()
    return user


# --- deadlines -----------------------------------------------------------------------------------------------

def deadlines_for(user: User, roles: Iterable[Role] = (Role.ADMIN, Role.HR)):
    """A Select of the deadlines set at units the user manages (admin/HR scope), soonest first."""
    units = visible_unit_ids(user, tuple(roles))
    return (select(Deadline).where(Deadline.unit_id.in_(units) if units else False)
            .options(selectinload(Deadline.award), selectinload(Deadline.unit).selectinload(Unit.names))
            .order_by(Deadline.due_on.desc(), Deadline.id.desc()))


def save_deadline(deadline: Deadline | None, *, kind: DeadlineKind, due_on: date, unit: Unit, award: Award | None,
                  year: int | None, label: str, actor: User) -> Deadline:
    if deadline is None:
        deadline = Deadline(created_by_id=actor.id)
        db.session.add(deadline)
    deadline.kind, deadline.due_on, deadline.unit, deadline.award = DeadlineKind(kind), due_on, unit, award
    deadline.year, deadline.label = year, (label or "").strip()
    db.session.flush()
    return deadline


def delete_deadline(deadline: Deadline, *, actor: User) -> None:
    db.session.delete(deadline)
    db.session.flush()

