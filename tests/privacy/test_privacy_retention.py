"""The daily retention run with an injected clock, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.models import (
    AuditEntry,
    Handover,
    Invitation,
    Referral,
    UnansweredQuestion,
    User,
)
from bot.db.session import Database
from bot.privacy import retention
from bot.users.service import get_profile

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def db(database_url: str) -> Database:
    upgrade(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def _count(db: Database, model) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_each_kind_is_deleted_after_its_period_and_not_a_day_before(db: Database) -> None:
    settings = Settings(database_url=db.url)
    with db.session() as session:
        session.add(User(id=1, active=True, last_seen_at=NOW))
        session.flush()
        for age in (89, 91):
            session.add(UnansweredQuestion(text="x", lang="de", created_at=NOW - age * DAY))
            session.add(Handover(asker_id=1, question="q", lang="de", created_at=NOW - age * DAY))
        for age in (364, 366):
            session.add(AuditEntry(at=NOW - age * DAY, action="role_granted"))
        for age in (29, 31):
            session.add(
                Invitation(code_hash=str(age) * 32, role="advisor", municipality="koeln",
                           expires_at=NOW - age * DAY)
            )  # fmt: skip
        for age in (179, 181):
            session.add(
                Referral(offer_id="o", offer_type="coaching", client_code=f"A{age}",
                         state="completed", created_at=NOW - 400 * DAY,
                         updated_at=NOW - age * DAY, closed_at=NOW - age * DAY)
            )  # fmt: skip
    outcome = retention.run(db, settings, NOW)
    assert outcome.deleted == {
        "unanswered questions": 1,
        "referrals": 1,
        "appointments": 0,
        "morning agendas": 0,
        "invitations": 1,
        "audit entries": 1,
        "questions asked of a person": 1,
        "inactive users": 0,
    }
    for model in (UnansweredQuestion, Handover, AuditEntry, Invitation, Referral):
        assert _count(db, model) == 1, model.__name__
    assert retention.run(db, settings, NOW).deleted["unanswered questions"] == 0


def test_a_long_backlog_is_deleted_in_batches(db: Database) -> None:
    with db.session() as session:
        for _ in range(7):
            session.add(UnansweredQuestion(text="x", lang="de", created_at=NOW - 100 * DAY))
    deleted = retention.prune_all(db, Settings(database_url=db.url), NOW, batch=3)
    assert deleted["unanswered questions"] == 7
    assert _count(db, UnansweredQuestion) == 0


def test_idle_users_are_asked_once_and_erased_if_they_do_not_come_back(db: Database) -> None:
    settings = replace(Settings(database_url=db.url), admin_user_ids=frozenset({9}))
    with db.session() as session:
        for user_id, seen in ((1, 400), (2, 400), (3, 100), (9, 400)):
            session.add(User(id=user_id, active=True, language="ar", last_seen_at=NOW - seen * DAY))
    first = retention.run(db, settings, NOW)
    assert first.to_ask == [(1, "ar"), (2, "ar")]  # a superadmin is never asked
    assert retention.run(db, settings, NOW + DAY).to_ask == []  # asked once only
    with db.session() as session:  # user 2 comes back
        get_profile(session, 2, default_language="de", now=NOW + 10 * DAY)
    later = retention.run(db, settings, NOW + 31 * DAY)
    assert [done.found for done in later.erased] == [True]
    assert later.deleted["inactive users"] == 1
    with db.session() as session:
        assert sorted(session.scalars(select(User.id))) == [2, 3, 9]
        assert session.get(User, 2).stay_asked_at is None
