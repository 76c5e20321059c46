"""Anonymous counts of free-text questions by outcome: day, municipality and language only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import QuestionStat

#: PostgreSQL advisory lock that serialises the counting (NULLs never collide in a unique key).
LOCK_KEY = 0x10755
#: answered (directly), suggested (did-you-mean buttons), unanswered (passed on). A question
#: counts once, as the bot first answered it: "none of these fits" after suggestions does not
#: move it to unanswered (nothing links the press to the count).
OUTCOMES = ("answered", "suggested", "unanswered")


def _add_one(session: Session, key: list[ColumnElement[bool]]) -> bool:
    done = session.execute(
        update(QuestionStat).where(*key).values(count=QuestionStat.count + 1),
        execution_options={"synchronize_session": False},
    )
    return bool(done.rowcount)


def record_question(
    session: Session, day: date, municipality: str | None, lang: str, outcome: str
) -> None:
    """Count one question and its outcome (runs in the caller's transaction).

    UPDATE first, INSERT when there is no row yet, and UPDATE again if another process
    inserted the same row in between (the style of bot/eligibility/stats.py).
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    town = (
        QuestionStat.municipality.is_(None)
        if municipality is None
        else QuestionStat.municipality == municipality
    )
    key = [
        QuestionStat.day == day,
        town,
        QuestionStat.lang == lang,
        QuestionStat.outcome == outcome,
    ]
    if _add_one(session, key):
        return
    try:
        with session.begin_nested():
            session.add(
                QuestionStat(
                    day=day, municipality=municipality, lang=lang, outcome=outcome, count=1
                )
            )
    except IntegrityError:
        _add_one(session, key)
