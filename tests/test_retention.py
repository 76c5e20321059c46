"""Unanswered questions are kept without who asked, and only for the retention period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, select

from bot.answers.unanswered import prune_unanswered, record_unanswered
from bot.db.migrate import upgrade
from bot.db.models import UnansweredQuestion
from bot.db.session import Database


def test_old_unanswered_questions_are_deleted_and_recent_ones_kept(database_url: str):
    upgrade(database_url)
    db = Database(database_url)
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    with db.session() as session:
        record_unanswered(session, "alt", "de", None)
        record_unanswered(session, "neu", "ar", "koeln")
        session.flush()
        old, new = session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id))
        old.created_at = now - timedelta(days=91)
        new.created_at = now - timedelta(days=89)
    with db.session() as session:
        assert prune_unanswered(session, 90, now=now) == 1
    with db.session() as session:
        assert [q.text for q in session.scalars(select(UnansweredQuestion))] == ["neu"]
    db.dispose()


def test_the_unanswered_log_has_no_column_for_who_asked(database_url: str):
    upgrade(database_url)
    db = Database(database_url)
    columns = {c["name"] for c in inspect(db.engine).get_columns("unanswered_questions")}
    assert columns == {"id", "text", "lang", "municipality", "created_at", "group_id", "group_key"}
    db.dispose()
