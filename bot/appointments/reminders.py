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


def prepare(session: Session, reminder_id: int, now: datetime, tz) -> Due | None:
    """Read what a claimed reminder is about; drop it (None) when there is nothing to say.

    A reminder for an appointment that was cancelled, or has started already (the bot was
    down too long), is dropped; an agenda for a day whose appointments are all gone too.
    """
    reminder = session.get(Reminder, reminder_id)
    if reminder is None or reminder.state != CLAIMED:
        return None
    user = session.get(User, reminder.user_id)
    if reminder.kind == AGENDA:
        local_day = reminder.due_at.astimezone(tz).date()
        found = tuple(
            a for a in on_day(session, reminder.user_id, local_day, tz) if a.starts_at > now
        )
    else:
        appointment = session.get(Appointment, reminder.appointment_id or 0)
        ok = appointment is not None and appointment.state != CANCELLED
        found = (appointment,) if ok and appointment.starts_at > now else ()  # type: ignore[assignment]
    if not found or user is None or not user.active:
        reminder.state = DROPPED
        if reminder.kind != AGENDA:
            log.info("reminder %s dropped: its appointment has started or is gone", reminder.id)
        return None
    late = now - reminder.due_at > GRACE
    reminder.late = late
    return Due(
        reminder.id,
        reminder.user_id,
        user.language,
        reminder.kind,
        late,
        reminder.offset_minutes,
        found,
    )


def mark(session: Session, reminder_id: int, state: str, now: datetime) -> None:
    """Record the outcome of a send: sent, dropped or failed."""
    values: dict[str, object] = {"state": state}
    if state == SENT:
        values["sent_at"] = now
    session.execute(update(Reminder).where(Reminder.id == reminder_id).values(**values))


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
