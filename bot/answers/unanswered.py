"""The log of questions the bot could not answer: text, language, municipality, time; no user."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.answers.alike import join
from bot.db.models import UnansweredQuestion, utcnow
from bot.db.retention import delete_due
from bot.referrals.codes import mask
from bot.text import clean

MAX_TEXT = 1000


def record_unanswered(session: Session, text: str, lang: str, municipality: str | None) -> None:
    """Keep an unanswered question for the admins (never who asked it, nor contact details)."""
    kept = mask(clean(text).strip())[:MAX_TEXT]
    join(session, UnansweredQuestion(text=kept, lang=lang, municipality=municipality))


def recent_unanswered(session: Session, limit: int = 50) -> list[UnansweredQuestion]:
    """Return the newest unanswered questions first."""
    query = select(UnansweredQuestion).order_by(UnansweredQuestion.created_at.desc()).limit(limit)
    return list(session.scalars(query))


def prune_unanswered(
    session: Session, older_than_days: int, now: datetime | None = None, limit: int | None = None
) -> int:
    """Delete unanswered questions older than the retention period; return how many."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    return delete_due(session, UnansweredQuestion, UnansweredQuestion.created_at < cutoff, limit)
