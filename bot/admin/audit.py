"""The audit log: who changed which role, invitation or content entry, and when.

Only ids and codes are kept (never a message text); entries of an erased user keep the
action but lose the name, since the foreign keys set it to NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.models import AuditEntry, utcnow
from bot.db.retention import delete_due

#: How many entries the chat shows at once.
PAGE = 20


@dataclass(frozen=True)
class Logged:
    at: datetime
    actor_id: int | None
    action: str
    subject_id: int | None
    municipality: str | None
    target: str | None


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    *,
    subject_id: int | None = None,
    municipality: str | None = None,
    target: str | None = None,
    now: datetime | None = None,
) -> None:
    """Log one change in the caller's transaction (so it is logged exactly if it happens)."""
    session.add(
        AuditEntry(
            at=now or utcnow(),
            actor_id=actor_id,
            action=action,
            subject_id=subject_id,
            municipality=municipality or None,
            target=(target or None) and target[:140],
        )
    )


def recent(session: Session, areas: frozenset[str] | None, limit: int = PAGE) -> list[Logged]:
    """Return the newest entries about `areas` (None: all), newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if areas is not None:
        query = query.where(AuditEntry.municipality.in_(sorted(areas)))
    return [
        Logged(e.at, e.actor_id, e.action, e.subject_id, e.municipality, e.target)
        for e in session.scalars(query)
    ]


def about(session: Session, user_id: int) -> list[Logged]:
    """Return every entry a user made or that is about them, oldest first."""
    query = (
        select(AuditEntry)
        .where(or_(AuditEntry.actor_id == user_id, AuditEntry.subject_id == user_id))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [
        Logged(e.at, e.actor_id, e.action, e.subject_id, e.municipality, e.target)
        for e in session.scalars(query)
    ]


def prune(
    session: Session, older_than_days: int, now: datetime | None = None, limit: int | None = None
) -> int:
    """Delete entries older than the retention period; return how many."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    return delete_due(session, AuditEntry, AuditEntry.at < cutoff, limit)
