"""Appointments and the reminder rows they plan (no telegram import).

Every change re-plans the appointment's pending reminders in the same transaction: one
row per participant and offset before the start, and for coaches one morning agenda per
day with appointments. Only participants see or change an appointment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from bot.db.models import Appointment, Participant, Reminder, User
from bot.db.retention import delete_due
from bot.text import clean_line

PLANNED, CANCELLED = "planned", "cancelled"
PENDING, CLAIMED, SENT, DROPPED, FAILED = "pending", "claimed", "sent", "dropped", "failed"
BEFORE, AGENDA = "before", "agenda"
#: Reminders before an appointment, in minutes, when a user has not chosen their own.
DEFAULT_OFFSETS = (1440, 60)
#: The offsets a user can choose from in /settings.
OFFSET_CHOICES = (10080, 2880, 1440, 180, 60, 30, 15)
#: A coach's morning agenda, local time, when they have not chosen another (or "off").
DEFAULT_AGENDA = time(7, 30)
AGENDA_CHOICES = ("06:30", "07:00", "07:30", "08:00", "09:00", "off")
DEFAULT_MINUTES = 60
MINUTES_RANGE = (5, 12 * 60)
TITLE_MAX, PLACE_MAX = 120, 200


class AppointmentError(Exception):
    """A change that cannot be made: not_found, not_allowed, past, cancelled, title, place."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Draft:
    """What a new appointment needs (the times aware; stored in UTC)."""

    starts_at: datetime
    title: str
    minutes: int = DEFAULT_MINUTES
    place: str | None = None
    client_code: str | None = None
    referral_id: int | None = None


def offsets_of(user: User | None) -> tuple[int, ...]:
    """The user's reminder offsets in minutes, largest first (the defaults if none chosen)."""
    if user is None or user.reminder_offsets is None:
        return DEFAULT_OFFSETS
    chosen = {int(part) for part in user.reminder_offsets.split(",") if part.strip().isdigit()}
    return tuple(sorted(chosen, reverse=True))


def agenda_of(user: User | None) -> time | None:
    """The local time of the user's morning agenda, None when they switched it off."""
    if user is None or user.agenda_at is None:
        return DEFAULT_AGENDA
    if user.agenda_at == "off":
        return None
    hours, minutes = user.agenda_at.split(":")
    return time(int(hours), int(minutes))


def _check(draft: Draft, now: datetime) -> None:
    if draft.starts_at <= now:
        raise AppointmentError("past")
    if not clean_line(draft.title) or len(draft.title) > TITLE_MAX:
        raise AppointmentError("title")
    if draft.place is not None and len(draft.place) > PLACE_MAX:
        raise AppointmentError("place")
    if not MINUTES_RANGE[0] <= draft.minutes <= MINUTES_RANGE[1]:
        raise AppointmentError("minutes")


def create(
    session: Session, draft: Draft, people: Iterable[int], *, by: int, now: datetime, tz: ZoneInfo
) -> Appointment:
    """Store an appointment with its participants and plan their reminders."""
    _check(draft, now)
    appointment = Appointment(
        starts_at=draft.starts_at,
        minutes=draft.minutes,
        title=clean_line(draft.title),
        place=clean_line(draft.place or "") or None,
        client_code=draft.client_code,
        referral_id=draft.referral_id,
        created_by=by,
        state=PLANNED,
        created_at=now,
        updated_at=now,
    )
    appointment.participants = [Participant(user_id=user) for user in dict.fromkeys([by, *people])]
    session.add(appointment)
    session.flush()
    plan(session, appointment, now, tz)
    return appointment


def get(session: Session, appointment_id: int, user_id: int) -> Appointment:
    """Return an appointment the user takes part in."""
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise AppointmentError("not_found")
    if user_id not in appointment.people:
        raise AppointmentError("not_allowed")
    return appointment


def changeable(session: Session, appointment_id: int, user_id: int, now: datetime) -> Appointment:
    """Return a coming, not cancelled appointment the user takes part in."""
    appointment = get(session, appointment_id, user_id)
    if appointment.state == CANCELLED:
        raise AppointmentError("cancelled")
    if appointment.starts_at.astimezone(now.tzinfo) <= now:
        raise AppointmentError("past")
    return appointment


def move(
    session: Session,
    appointment_id: int,
    user_id: int,
    starts_at: datetime,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> Appointment:
    """Give the appointment a new time; confirmations are reset and reminders re-planned."""
    appointment = changeable(session, appointment_id, user_id, now)
    if starts_at <= now:
        raise AppointmentError("past")
    appointment.starts_at, appointment.updated_at = starts_at, now
    appointment.sequence += 1
    for person in appointment.participants:
        person.confirmed_at = None
    session.flush()
    plan(session, appointment, now, tz)
    return appointment


def cancel(session: Session, appointment_id: int, user_id: int, *, now: datetime) -> Appointment:
    """Cancel the appointment for everyone; its pending reminders are dropped."""
    appointment = changeable(session, appointment_id, user_id, now)
    appointment.state, appointment.updated_at = CANCELLED, now
    appointment.sequence += 1
    _drop_pending(session, appointment.id)
    session.flush()
    return appointment


def confirm(session: Session, appointment_id: int, user_id: int, *, now: datetime) -> Appointment:
    """Note that the participant confirmed they will be there."""
    appointment = changeable(session, appointment_id, user_id, now)
    for person in appointment.participants:
        if person.user_id == user_id:
            person.confirmed_at = now
    session.flush()
    return appointment


def _planned(session: Session, user_id: int, *moments: Any) -> list[Appointment]:
    """The user's planned appointments whose start meets the conditions, in order."""
    query = (
        select(Appointment)
        .join(Participant)
        .where(Participant.user_id == user_id, Appointment.state == PLANNED, *moments)
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return list(session.scalars(query))


def upcoming(session: Session, user_id: int, now: datetime) -> list[Appointment]:
    """The user's planned appointments that have not ended, soonest first."""
    longest = now - timedelta(minutes=MINUTES_RANGE[1])
    found = _planned(session, user_id, Appointment.starts_at > longest)
    return [a for a in found if a.starts_at + timedelta(minutes=a.minutes) > now]


def on_day(session: Session, user_id: int, day: date, tz: ZoneInfo) -> list[Appointment]:
    """The user's planned appointments on a local day, in order."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return _planned(session, user_id, Appointment.starts_at >= start, Appointment.starts_at < end)


def _drop_pending(session: Session, appointment_id: int) -> None:
    session.execute(
        delete(Reminder).where(Reminder.appointment_id == appointment_id, Reminder.state == PENDING)
    )


def plan(session: Session, appointment: Appointment, now: datetime, tz: ZoneInfo) -> None:
    """(Re)plan the reminders of an appointment: offsets per participant, coaches' agendas."""
    _drop_pending(session, appointment.id)
    starts = appointment.starts_at.astimezone(tz)
    for user_id in appointment.people:
        user = session.get(User, user_id)
        if user is None or not user.active:
            continue
        for offset in offsets_of(user):  # absolute time: right across clock changes
            due = appointment.starts_at.astimezone(UTC) - timedelta(minutes=offset)
            if due > now:
                key = f"{BEFORE}:{appointment.id}:{appointment.sequence}:{offset}"
                _add(session, user_id, BEFORE, key, due, appointment.id, offset)
        agenda = agenda_of(user)
        if "coach" in user.role_names and agenda is not None:
            due = datetime.combine(starts.date(), agenda, tz)
            if now < due < starts:
                _add(session, user_id, AGENDA, f"{AGENDA}:{starts.date().isoformat()}", due)


def _add(
    session: Session,
    user_id: int,
    kind: str,
    key: str,
    due: datetime,
    appointment_id: int | None = None,
    offset: int | None = None,
) -> None:
    """Add a pending reminder unless the user already has one with this key."""
    found = session.scalar(
        select(Reminder.id).where(Reminder.user_id == user_id, Reminder.key == key)
    )
    if found is None:
        session.add(
            Reminder(
                user_id=user_id,
                appointment_id=appointment_id,
                kind=kind,
                key=key,
                offset_minutes=offset,
                due_at=due,
                state=PENDING,
            )
        )
        session.flush()


def replan_user(session: Session, user_id: int, now: datetime, tz: ZoneInfo) -> None:
    """Re-plan the reminders of the user's coming appointments (after a settings change)."""
    session.execute(
        delete(Reminder).where(
            Reminder.user_id == user_id, Reminder.state == PENDING, Reminder.due_at > now
        )
    )
    for appointment in upcoming(session, user_id, now):
        plan(session, appointment, now, tz)


def prune(session: Session, older_than_days: int, now: datetime, limit: int | None = None) -> int:
    """Delete appointments (with participants and reminders) that ended long enough ago."""
    cutoff = now - timedelta(days=older_than_days)
    old = select(Appointment.id).where(Appointment.starts_at < cutoff).order_by(Appointment.id)
    ids = list(session.scalars(old.limit(limit) if limit else old))
    if ids:
        session.execute(delete(Reminder).where(Reminder.appointment_id.in_(ids)))
        session.execute(delete(Participant).where(Participant.appointment_id.in_(ids)))
        session.execute(delete(Appointment).where(Appointment.id.in_(ids)))
    return len(ids)


def prune_agendas(
    session: Session, older_than_days: int, now: datetime, limit: int | None = None
) -> int:
    """Delete coaches' morning agendas (reminders of no appointment) as old as past ones."""
    cutoff = now - timedelta(days=older_than_days)
    agendas = and_(Reminder.appointment_id.is_(None), Reminder.due_at < cutoff)
    return delete_due(session, Reminder, agendas, limit)
