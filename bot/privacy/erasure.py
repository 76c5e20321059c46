"""Erase a user: every column that refers to them does what its model declares.

The models declare each reference to a user with `user_ref(policy)`: the row goes with
the user (delete), keeps its content without them (forget), or passes to an admin of its
municipality (transfer; deleted when nobody can take it over). `references()` finds them
all in the SQLAlchemy metadata, so a table added later takes part without a change here.
Everything happens in the caller's one transaction: an erasure happens whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Column, Table, delete, select, update
from sqlalchemy.orm import Session

from bot.db.models import (
    DELETE,
    ERASURE,
    FORGET,
    TRANSFER,
    Appointment,
    Base,
    Participant,
    User,
    UserRole,
)

PLANNED = "planned"


@dataclass(frozen=True)
class Reference:
    """A column of a table that refers to a user, and what erasing the user does to it."""

    table: Table
    column: Column
    policy: str | None


@dataclass
class Erasure:
    """What an erasure did: whether there was anyone, and whom to tell what."""

    found: bool
    #: (participant, appointment id) of coming appointments the erased user took part in.
    left: list[tuple[int, int]] = field(default_factory=list)
    #: Rows passed to an admin, and rows deleted because nobody could take them over.
    transferred: int = 0
    dropped: int = 0


def references() -> list[Reference]:
    """Every column in the metadata that refers to users.id, with its erasure policy."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == User.__tablename__ for fk in column.foreign_keys):
                found.append(Reference(table, column, column.info.get(ERASURE)))
    return found


def _successor(session: Session, municipality: str | None, leaving: int) -> int | None:
    """The admin of a municipality who takes over what a leaving user held there."""
    if not municipality:
        return None
    return session.scalar(
        select(UserRole.user_id)
        .where(
            UserRole.role == "admin",
            UserRole.municipality == municipality,
            UserRole.user_id != leaving,
        )
        .order_by(UserRole.user_id)
        .limit(1)
    )


def _transfer(session: Session, ref: Reference, user_id: int, done: Erasure) -> None:
    """Pass the user's rows to an admin of each row's municipality, or delete them."""
    table, column, place = ref.table, ref.column, ref.table.c.municipality
    mine = column == user_id
    places = list(session.scalars(select(place).where(mine).distinct()))
    for municipality in places:
        here = mine & (place.is_(None) if municipality is None else place == municipality)
        successor = _successor(session, municipality, user_id)
        if successor is None:
            done.dropped += session.execute(delete(table).where(here)).rowcount or 0
        else:
            changed = session.execute(update(table).where(here).values({column.name: successor}))
            done.transferred += changed.rowcount or 0


def _coming(session: Session, user_id: int, now: datetime) -> list[tuple[int, int]]:
    """(other participant, appointment) of the user's coming planned appointments."""
    mine = select(Participant.appointment_id).where(Participant.user_id == user_id)
    rows = session.execute(
        select(Participant.user_id, Participant.appointment_id)
        .join(Appointment, Appointment.id == Participant.appointment_id)
        .where(
            Participant.appointment_id.in_(mine),
            Participant.user_id != user_id,
            Appointment.state == PLANNED,
            Appointment.starts_at > now,
        )
        .order_by(Participant.appointment_id, Participant.user_id)
    )
    return [(other, appointment) for other, appointment in rows]


def erase_user(session: Session, user_id: int, now: datetime) -> Erasure:
    """Erase the user and everything that is theirs alone; leave shared records without them.

    Appointments keep their other participants (who are to be told, see `Erasure.left`);
    one nobody takes part in any more is deleted.
    """
    if session.get(User, user_id) is None:
        return Erasure(found=False)
    done = Erasure(found=True, left=_coming(session, user_id, now))
    theirs = list(
        session.scalars(select(Participant.appointment_id).where(Participant.user_id == user_id))
    )
    for ref in references():
        condition = ref.column == user_id
        if ref.policy == DELETE:
            session.execute(delete(ref.table).where(condition))
        elif ref.policy == FORGET:
            session.execute(update(ref.table).where(condition).values({ref.column.name: None}))
        elif ref.policy == TRANSFER:
            _transfer(session, ref, user_id, done)
        else:
            raise RuntimeError(f"{ref.table.name}.{ref.column.name} declares no erasure policy")
    if theirs:
        still = select(Participant.appointment_id).where(Participant.appointment_id.in_(theirs))
        session.execute(
            delete(Appointment).where(Appointment.id.in_(theirs), Appointment.id.not_in(still))
        )
    session.execute(delete(User).where(User.id == user_id))
    session.expire_all()
    return done
