"""Anonymous statistics of finished eligibility checks: counts only, nothing about the person."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import CheckStat
from bot.eligibility.engine import Verdict

#: PostgreSQL advisory lock that serialises the counting (an unknown municipality is NULL,
#: and NULLs never collide in a unique key, so the key alone cannot stop a double insert).
LOCK_KEY = 0x10753  # "lotse"


def _key(
    day: date, municipality: str | None, program: str, result: str
) -> list[ColumnElement[bool]]:
    town = (
        CheckStat.municipality.is_(None)
        if municipality is None
        else CheckStat.municipality == municipality
    )
    return [CheckStat.day == day, town, CheckStat.program == program, CheckStat.result == result]


def _add_one(session: Session, key: list[ColumnElement[bool]]) -> bool:
    done = session.execute(
        update(CheckStat).where(*key).values(count=CheckStat.count + 1),
        execution_options={"synchronize_session": False},
    )
    return bool(done.rowcount)


def record_check(
    session: Session, day: date, municipality: str | None, verdicts: Iterable[Verdict]
) -> None:
    """Count one finished check: one more for each program's result on day in municipality.

    Runs in the caller's transaction. UPDATE first (on SQLite that takes the write lock, so
    concurrent checks queue up), INSERT when there is no row yet, and UPDATE again if another
    process inserted the same row in between.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    for verdict in verdicts:
        key = _key(day, municipality, verdict.program, verdict.result)
        if _add_one(session, key):
            continue
        try:
            with session.begin_nested():
                session.add(
                    CheckStat(
                        day=day,
                        municipality=municipality,
                        program=verdict.program,
                        result=verdict.result,
                        count=1,
                    )
                )
        except IntegrityError:
            _add_one(session, key)


def check_counts(session: Session) -> dict[tuple[date, str | None, str, str], int]:
    """Return every count by (day, municipality, program, result)."""
    rows = session.execute(
        select(
            CheckStat.day,
            CheckStat.municipality,
            CheckStat.program,
            CheckStat.result,
            CheckStat.count,
        )
    )
    counts: dict[tuple[date, str | None, str, str], int] = {}
    for day, municipality, program, result, count in rows:
        key = (day, municipality, program, result)
        counts[key] = counts.get(key, 0) + count
    return counts
