"""A coach's Telegram username is kept as their handle (offers name coaches by it); nobody else's."""

from __future__ import annotations

import pytest

from bot.db.migrate import upgrade
from bot.db.models import User
from bot.db.session import Database
from bot.users.service import coach_by_handle, get_profile, grant_role


@pytest.fixture
def db(database_url: str):
    upgrade(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def seen(db: Database, user_id: int, username: str | None) -> None:
    with db.session() as session:
        get_profile(session, user_id, default_language="de", username=username)


def handle(db: Database, user_id: int) -> str | None:
    with db.session() as session:
        return session.get(User, user_id).handle


def test_only_coaches_have_their_username_kept(db: Database) -> None:
    seen(db, 1, "Some_Volunteer")
    assert handle(db, 1) is None
    with db.session() as session:
        grant_role(session, 2, "coach")
    seen(db, 2, "Coach_Koeln")
    assert handle(db, 2) == "coach_koeln"
    with db.session() as session:
        assert coach_by_handle(session, "@COACH_koeln") == 2
        assert coach_by_handle(session, "@someone_else") is None
        assert coach_by_handle(session, None) is None
        assert coach_by_handle(session, "@some_volunteer") is None


def test_a_changed_or_moved_username_follows_telegram(db: Database) -> None:
    with db.session() as session:
        grant_role(session, 2, "coach")
        grant_role(session, 3, "coach")
    seen(db, 2, "coach_koeln")
    seen(db, 2, None)  # the coach removed their username
    assert handle(db, 2) is None
    seen(db, 2, "coach_koeln")
    seen(db, 3, "coach_koeln")  # the name now belongs to another account
    assert (handle(db, 2), handle(db, 3)) == (None, "coach_koeln")
    with db.session() as session:
        assert coach_by_handle(session, "@coach_koeln") == 3
