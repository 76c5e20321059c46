"""Hand-overs in the database: who may take a question, taking it once, answering, closing.

No telegram import. A question goes to the advisors of the asker's municipality who take
questions (`users.takes_questions`). Every change is one `UPDATE ... WHERE state = ...`, so
of two advisors pressing "I'll answer" at once exactly one wins (PostgreSQL re-checks the
condition after the row lock; SQLite has one writer at a time).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple

from sqlalchemy import and_, exists, func, or_, select, true, update
from sqlalchemy.orm import Session

from bot.db.models import Handover, User, UserRole, utcnow
from bot.db.retention import delete_due
from bot.referrals.codes import mask
from bot.text import clean

OPEN, TAKEN, ANSWERED, CLOSED = "open", "taken", "answered", "closed"
#: How long a question (as asked) and an answer may be.
QUESTION_MAX, ANSWER_MAX = 1000, 3000


class HandoverError(Exception):
    """A change that cannot be made: not_found, not_allowed, limit (the asker's quota for the
    day is used up), or the state that stops it (open, taken, answered, closed)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Answered(NamedTuple):
    """An answered question, for the admins' inbox (to turn it into an FAQ entry)."""

    id: int
    question: str
    answer: str
    lang: str
    municipality: str | None
    answered_at: datetime


class Waiting(NamedTuple):
    """A question nobody has answered yet (open, or taken by an advisor who is writing)."""

    id: int
    question: str
    lang: str
    municipality: str | None
    share_identity: bool
    state: str
    created_at: datetime


def _serves(municipality: str | None) -> Any:
    """The condition "this user is an opted-in advisor for `municipality`"."""
    role = exists().where(
        UserRole.user_id == User.id,
        UserRole.role == "advisor",
        or_(
            UserRole.municipality == municipality,
            and_(UserRole.municipality == "", User.municipality == municipality),
        ),
    )
    return and_(User.active.is_(True), User.takes_questions.is_(True), role)


def advisors_for(
    session: Session, municipality: str | None, *, exclude: int | None = None
) -> list[int]:
    """Return the active advisors of `municipality` who take questions (never `exclude`)."""
    if not municipality:
        return []
    query = select(User.id).where(_serves(municipality))
    if exclude is not None:
        query = query.where(User.id != exclude)
    return list(session.scalars(query.order_by(User.id)))


def may_take(session: Session, user_id: int, municipality: str | None) -> bool:
    """Say if the user is an opted-in advisor of `municipality`."""
    if not municipality:
        return False
    query = select(User.id).where(User.id == user_id, _serves(municipality))
    return session.scalar(query) is not None


def served_by(session: Session, user_id: int) -> frozenset[str]:
    """Return the municipalities whose questions the user takes (none when opted out)."""
    user = session.get(User, user_id)
    if user is None or not user.active or not user.takes_questions:
        return frozenset()
    places = {r.municipality or user.municipality for r in user.roles if r.role == "advisor"}
    return frozenset(p for p in places if p)


@dataclass(frozen=True)
class Quota:
    """At most `per_day` questions handed to a person per user and calendar day in `tz`.

    A calendar day, not the last 24 hours: "again tomorrow" is easy to say and to plan with,
    and a day's questions never block the next morning.
    """

    per_day: int
    tz: tzinfo

    def left(self, session: Session, asker_id: int, now: datetime) -> int:
        """Return how many questions the user may still hand over today."""
        return max(0, self.per_day - asked_since(session, asker_id, start_of_day(now, self.tz)))


def create(
    session: Session,
    *,
    asker_id: int,
    question: str,
    lang: str,
    municipality: str | None,
    share_identity: bool,
    now: datetime | None = None,
    quota: Quota | None = None,
) -> Handover:
    """Store a question handed to the advisors (open until one takes it).

    Raises HandoverError("limit") and stores nothing when the asker's `quota` is used up.
    """
    now = now or utcnow()
    if quota is not None:
        # One hand-over of the asker at a time (PostgreSQL; SQLite has one writer anyway).
        session.execute(select(User.id).where(User.id == asker_id).with_for_update())
        if not quota.left(session, asker_id, now):
            raise HandoverError("limit")
    handover = Handover(
        asker_id=asker_id,
        question=mask(clean(question).strip())[:QUESTION_MAX],
        lang=lang,
        municipality=municipality,
        share_identity=share_identity,
        state=OPEN,
        created_at=now,
    )
    session.add(handover)
    session.flush()
    return handover


def _set(session: Session, handover_id: int, condition: Any, **values: Any) -> bool:
    """Change the row only where `condition` holds; say if it did."""
    done = session.execute(
        update(Handover).where(Handover.id == handover_id, condition).values(**values),
        execution_options={"synchronize_session": False},
    )
    return done.rowcount == 1


def _reload(session: Session, handover_id: int) -> Handover:
    handover = session.get(Handover, handover_id, populate_existing=True)
    if handover is None:
        raise HandoverError("not_found")
    return handover


def take(session: Session, handover_id: int, advisor_id: int) -> Handover:
    """Let an opted-in advisor of the question's municipality take it; the first one wins.

    Taking a question one has already taken again is allowed (to write after a restart).
    Raises HandoverError: not_found, not_allowed, taken (by a colleague), answered, closed.
    """
    handover = session.get(Handover, handover_id)
    if handover is None:
        raise HandoverError("not_found")
    if handover.asker_id == advisor_id or not may_take(session, advisor_id, handover.municipality):
        raise HandoverError("not_allowed")
    free = or_(
        Handover.state == OPEN, and_(Handover.state == TAKEN, Handover.taken_by == advisor_id)
    )
    changed = _set(session, handover_id, free, state=TAKEN, taken_by=advisor_id)
    handover = _reload(session, handover_id)
    if not changed:
        raise HandoverError(handover.state)
    return handover


def give_back(session: Session, handover_id: int, advisor_id: int) -> bool:
    """Make a question the advisor took open again for their colleagues; say if it was theirs."""
    mine = and_(Handover.state == TAKEN, Handover.taken_by == advisor_id)
    return _set(session, handover_id, mine, state=OPEN, taken_by=None)


def answer(
    session: Session, handover_id: int, advisor_id: int, text: str, now: datetime | None = None
) -> Handover:
    """Store the taker's answer.

    Raises HandoverError: not_found, not_allowed (no longer an advisor there), open (given
    back meanwhile), taken (by a colleague), answered, closed.
    """
    text = clean(text).strip()
    if not text or len(text) > ANSWER_MAX:
        raise ValueError("an answer must not be empty or too long")
    found = session.get(Handover, handover_id)
    if found is not None and not may_take(session, advisor_id, found.municipality):
        raise HandoverError("not_allowed")  # the role was taken away while they wrote
    mine = and_(Handover.state == TAKEN, Handover.taken_by == advisor_id)
    values = {"state": ANSWERED, "answer": text, "answered_at": now or utcnow()}
    changed = _set(session, handover_id, mine, **values)
    handover = _reload(session, handover_id)
    if not changed:
        raise HandoverError(handover.state)
    return handover


def withdraw(session: Session, handover_id: int, asker_id: int) -> int | None:
    """Close the asker's unanswered question; return the advisor who was writing, if any.

    Raises HandoverError: not_found, not_allowed (not theirs), answered, closed.
    """
    unanswered = and_(Handover.asker_id == asker_id, Handover.state.in_((OPEN, TAKEN)))
    changed = _set(session, handover_id, unanswered, state=CLOSED)
    handover = _reload(session, handover_id)
    if not changed:
        raise HandoverError("not_allowed" if handover.asker_id != asker_id else handover.state)
    return handover.taken_by


def close(session: Session, handover_id: int, areas: Collection[str] | None = None) -> bool:
    """Close a question (an admin turned it into an FAQ entry, or dismissed it); say if it was.

    `areas`: the municipalities the admin manages (None: all).
    """
    condition = Handover.state != CLOSED
    if areas is not None:
        condition = and_(condition, Handover.municipality.in_(list(areas)))
    return _set(session, handover_id, condition, state=CLOSED)


def _in(areas: Collection[str] | None) -> Any:
    return true() if areas is None else Handover.municipality.in_(list(areas))


def _answered_rows() -> Any:
    return select(
        Handover.id,
        Handover.question,
        Handover.answer,
        Handover.lang,
        Handover.municipality,
        Handover.answered_at,
    ).where(Handover.state == ANSWERED)


def answered(
    session: Session,
    areas: Collection[str] | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[Answered]:
    """Return the answered questions of these municipalities (None: all), newest first."""
    query = (
        _answered_rows()
        .where(_in(areas))
        .order_by(Handover.answered_at.desc(), Handover.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [Answered(*row) for row in session.execute(query)]


def count_answered(session: Session, areas: Collection[str] | None = None) -> int:
    """Count the answered questions of these municipalities (None: all)."""
    query = select(func.count()).where(Handover.state == ANSWERED, _in(areas))
    return session.scalar(query) or 0


def answered_one(
    session: Session, handover_id: int, areas: Collection[str] | None = None
) -> Answered | None:
    """Return this answered question if it belongs to these municipalities (None: all)."""
    row = session.execute(_answered_rows().where(Handover.id == handover_id, _in(areas))).first()
    return Answered(*row) if row else None


def waiting(
    session: Session,
    areas: Collection[str] | None = None,
    states: Collection[str] = (OPEN, TAKEN),
    limit: int | None = None,
) -> list[Waiting]:
    """Return the unanswered questions of these municipalities (None: all), oldest first."""
    query = (
        select(
            Handover.id,
            Handover.question,
            Handover.lang,
            Handover.municipality,
            Handover.share_identity,
            Handover.state,
            Handover.created_at,
        )
        .where(Handover.state.in_(list(states)), _in(areas))
        .order_by(Handover.created_at, Handover.id)
        .limit(limit)
    )
    return [Waiting(*row) for row in session.execute(query)]


def count_waiting(
    session: Session, areas: Collection[str] | None = None, states: Collection[str] = (OPEN, TAKEN)
) -> int:
    """Count the unanswered questions of these municipalities (None: all)."""
    query = select(func.count()).where(Handover.state.in_(list(states)), _in(areas))
    return session.scalar(query) or 0


def asked_since(session: Session, asker_id: int, since: datetime) -> int:
    """Count the questions the user handed to a person since `since` (withdrawn ones too)."""
    query = select(func.count()).where(Handover.asker_id == asker_id, Handover.created_at >= since)
    return session.scalar(query) or 0


def start_of_day(now: datetime, tz: tzinfo) -> datetime:
    """Return the last midnight before `now` in the time zone `tz` (aware, in UTC)."""
    local = now.astimezone(tz)
    midnight = datetime.combine(local.date(), time(), tzinfo=tz)
    return midnight.astimezone(UTC)


def get(session: Session, handover_id: int) -> Handover | None:
    return session.get(Handover, handover_id)


def release_taken(session: Session) -> int:
    """Open every taken question again (after a restart nobody is writing); return how many."""
    done = session.execute(
        update(Handover).where(Handover.state == TAKEN).values(state=OPEN, taken_by=None)
    )
    return done.rowcount or 0


def prune(
    session: Session, older_than_days: int, now: datetime | None = None, limit: int | None = None
) -> int:
    """Delete questions asked longer ago than the retention period; return how many."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    return delete_due(session, Handover, Handover.created_at < cutoff, limit)
