"""Anonymous counts of searches for offers, and of those that found nothing (the gaps)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.db.models import OfferMiss, SearchStat
from bot.matching.engine import Miss

#: PostgreSQL advisory lock that serialises the counting (NULLs never collide in a unique key);
#: one for both tables, since a search that finds nothing counts in both.
LOCK_KEY = 0x10754
#: Age groups: (highest age in the group, its name); older than the last is "over 27".
AGE_GROUPS = ((17, "under 18"), (21, "18-21"), (27, "22-27"))
OVER, UNKNOWN = "over 27", "unknown"

MissKey = tuple[date, str | None, str | None, str | None, str]
Counted = type[OfferMiss] | type[SearchStat]


def age_group(age: int | None) -> str:
    """Return the age group an age falls into ("unknown" when the age is not known)."""
    if age is None:
        return UNKNOWN
    return next((name for highest, name in AGE_GROUPS if age <= highest), OVER)


def _is(column: InstrumentedAttribute, value: object) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _add_one(session: Session, model: Counted, key: list[ColumnElement[bool]]) -> bool:
    done = session.execute(
        update(model).where(*key).values(count=model.count + 1),
        execution_options={"synchronize_session": False},
    )
    return bool(done.rowcount)


def _count(session: Session, model: Counted, **values: object) -> None:
    """Add one to the row of model with these values, creating it if there is none.

    Runs in the caller's transaction. UPDATE first, INSERT when there is no row yet, and
    UPDATE again if another process inserted the same row in between (the style of
    bot/eligibility/stats.py).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    key = [_is(getattr(model, name), value) for name, value in values.items()]
    if _add_one(session, model, key):
        return
    try:
        with session.begin_nested():
            session.add(model(**values, count=1))
    except IntegrityError:
        _add_one(session, model, key)


def record_miss(
    session: Session,
    day: date,
    municipality: str | None,
    offer_type: str | None,
    status: str | None,
    age_group: str,
) -> None:
    """Count one search that found nothing (runs in the caller's transaction)."""
    _count(
        session,
        OfferMiss,
        day=day,
        municipality=municipality,
        offer_type=offer_type,
        status=status,
        age_group=age_group,
    )


def record_search(
    session: Session, day: date, municipality: str | None, offer_type: str | None
) -> None:
    """Count one search for offers (None: any municipality or type; the caller's transaction)."""
    _count(session, SearchStat, day=day, municipality=municipality, offer_type=offer_type)


def count_miss(session: Session, day: date, miss: Miss) -> None:
    """Count a search that found nothing, keeping only what the gap report needs."""
    record_miss(session, day, miss.municipality, miss.offer_type, miss.status, age_group(miss.age))


def miss_counts(session: Session) -> dict[MissKey, int]:
    """Return every count by (day, municipality, offer type, status, age group)."""
    rows = session.execute(
        select(
            OfferMiss.day,
            OfferMiss.municipality,
            OfferMiss.offer_type,
            OfferMiss.status,
            OfferMiss.age_group,
            OfferMiss.count,
        )
    )
    counts: dict[MissKey, int] = {}
    for *key, count in rows:
        counts[tuple(key)] = counts.get(tuple(key), 0) + count
    return counts
