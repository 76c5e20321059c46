"""Reminder rows through their life: claimed, then sent, dropped, failed or released.

No telegram import. A worker claims due rows in a short transaction (PostgreSQL: `FOR
UPDATE SKIP LOCKED`, so two bot processes never claim the same row; SQLite has one writer),
sends them outside it and marks each after. A claim older than `STALE_CLAIM` belongs to a
worker that died mid-send: it is released, so at most the messages in flight are repeated
and none is lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.appointments.service import (
    AGENDA,
    CANCELLED,
    CLAIMED,
    DROPPED,
    FAILED,
    PENDING,
    SENT,
    on_day,
)
from bot.db.models import Appointment, Reminder, User

log = logging.getLogger(__name__)
#: A claim this old is taken to be from a worker that died (REMINDER_CLAIM_TIMEOUT_SECONDS).
STALE_CLAIM = timedelta(minutes=2)
#: A reminder sent later than this after its due time says it is late.
GRACE = timedelta(minutes=2)
#: After this many failed tries (network errors) a reminder is given up.
MAX_ATTEMPTS = 5
#: A reminder given back after a failed try is claimed again after this pause.
RETRY_PAUSE = timedelta(seconds=30)


@dataclass(frozen=True)
class Due:
    """A claimed reminder, ready to be written: for whom, about what, and whether late."""

    id: int
    user_id: int
    language: str | None
    kind: str
    late: bool
    offset: int | None
    appointments: tuple[Appointment, ...]


def release_stale(session: Session, now: datetime, stale: timedelta = STALE_CLAIM) -> int:
    """Put claims older than `stale` (of dead workers) back to pending; return how many."""
    done = session.execute(
        update(Reminder)
        .where(Reminder.state == CLAIMED, Reminder.claimed_at < now - stale)
        .values(state=PENDING, claimed_by=None, claimed_at=None)
    )
    return done.rowcount or 0


def claim(session: Session, now: datetime, worker: str, limit: int) -> list[int]:
    """Claim up to `limit` due reminders for this worker, oldest first; return their ids."""
    due = (
        select(Reminder.id)
        .where(
            Reminder.state == PENDING,
            Reminder.due_at <= now,
            or_(Reminder.claimed_at.is_(None), Reminder.claimed_at <= now - RETRY_PAUSE),
        )
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.scalars(due))
    if not ids:
        return []
    taken = session.scalars(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.state == PENDING)
        .values(
            state=CLAIMED,
            claimed_by=worker,
            claimed_at=now,
            attempts=Reminder.attempts + 1,
        )
        .returning(Reminder.id)
    )
    return sorted(taken)


def prepare(session: Session, ids: list[int], now: datetime, tz, worker: str) -> list[Due]:
    """Read what claimed reminders are about, in a few queries; drop those with nothing to say.

    Only rows this worker still holds are taken, and their claim is renewed now (so the
    claim timeout counts from the send, and a row another worker took back after a timeout
    is never sent by both). A reminder whose appointment was cancelled or has started (the
    bot was down too long) is dropped, and so is an agenda whose day has no appointment left.
    """
    mine = renew(session, ids, now, worker)
    if not mine:
        return []
    rows = list(
        session.scalars(select(Reminder).where(Reminder.id.in_(mine)).order_by(Reminder.id))
    )
    people = select(User.id, User.language, User.active).where(
        User.id.in_({r.user_id for r in rows})
    )
    users = {row.id: row for row in session.execute(people)}
    wanted = {r.appointment_id for r in rows if r.appointment_id is not None}
    appointments = {
        a.id: a for a in session.scalars(select(Appointment).where(Appointment.id.in_(wanted)))
    }
    ready = []
    for reminder in rows:
        user = users.get(reminder.user_id)
        found = _about(session, reminder, appointments, now, tz)
        if not found or user is None or not user.active:
            reminder.state = DROPPED
            if reminder.kind != AGENDA:
                log.info("reminder %s dropped: its appointment has started or is gone", reminder.id)
            continue
        reminder.late = now - reminder.due_at > GRACE
        ready.append(
            Due(
                reminder.id,
                reminder.user_id,
                user.language,
                reminder.kind,
                reminder.late,
                reminder.offset_minutes,
                found,
            )
        )
    return ready


def renew(session: Session, ids: list[int], now: datetime, worker: str) -> set[int]:
    """Renew this worker's claims just before sending; return the ids it still holds."""
    if not ids:
        return set()
    return set(
        session.scalars(
            update(Reminder)
            .where(Reminder.id.in_(ids), Reminder.state == CLAIMED, Reminder.claimed_by == worker)
            .values(claimed_at=now)
            .returning(Reminder.id),
            execution_options={"synchronize_session": False},
        )
    )


def _about(
    session: Session, reminder: Reminder, appointments: dict[int, Appointment], now: datetime, tz
) -> tuple[Appointment, ...]:
    """The coming appointments a reminder is about (none: nothing to say)."""
    if reminder.kind == AGENDA:
        local_day = reminder.due_at.astimezone(tz).date()
        return tuple(
            a for a in on_day(session, reminder.user_id, local_day, tz) if a.starts_at > now
        )
    appointment = appointments.get(reminder.appointment_id or 0)
    if appointment is None or appointment.state == CANCELLED or appointment.starts_at <= now:
        return ()
    return (appointment,)


def mark(session: Session, ids: list[int], state: str, now: datetime) -> None:
    """Record the outcome of sends: sent, dropped or failed."""
    if not ids:
        return
    values: dict[str, object] = {"state": state}
    if state == SENT:
        values["sent_at"] = now
    session.execute(update(Reminder).where(Reminder.id.in_(ids)).values(**values))


def release(session: Session, reminder_id: int, now: datetime) -> bool:
    """Give a reminder back for a later try; give up (failed) after too many; say if retried.

    Its last try stays in `claimed_at`, so it is claimed again only after `RETRY_PAUSE`.
    """
    reminder = session.get(Reminder, reminder_id)
    if reminder is None:
        return False
    if reminder.attempts >= MAX_ATTEMPTS:
        reminder.state = FAILED
        log.warning("reminder %s failed after %s tries", reminder.id, reminder.attempts)
        return False
    reminder.state, reminder.claimed_by, reminder.claimed_at = PENDING, None, now
    return True


def give_up_on_user(session: Session, user_id: int) -> list[int]:
    """A user who blocked the bot: mark them inactive, fail their pending reminders, and
    return the ids of their coming appointments (whose other participants are told)."""
    user = session.get(User, user_id)
    if user is not None:
        user.active = False
    session.execute(
        update(Reminder)
        .where(
            Reminder.user_id == user_id, or_(Reminder.state == PENDING, Reminder.state == CLAIMED)
        )
        .values(state=FAILED)
    )
    query = (
        select(Reminder.appointment_id)
        .where(Reminder.user_id == user_id, Reminder.appointment_id.is_not(None))
        .distinct()
    )
    return [a for a in session.scalars(query) if a is not None]


def next_due(session: Session) -> datetime | None:
    """When the next pending reminder falls due."""
    return session.scalar(
        select(Reminder.due_at).where(Reminder.state == PENDING).order_by(Reminder.due_at).limit(1)
    )
