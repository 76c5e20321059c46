"""Catalog fixtures: a migrated database, and one holding the test content and an admin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.catalog import yamlio
from bot.catalog.loader import load_content
from bot.catalog.store import save_content
from bot.db.migrate import upgrade
from bot.db.models import User
from bot.db.session import Database

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "content"
#: The user id of the admin who makes changes in these tests.
ADMIN = 4711
#: Both YAML parsers load content: LibYAML (C) when PyYAML has it, PyYAML's own otherwise.
PARSERS = [
    pytest.param(
        True,
        id="libyaml",
        marks=pytest.mark.skipif(yamlio.CParser is None, reason="PyYAML without LibYAML"),
    ),
    pytest.param(False, id="pyyaml"),
]


@pytest.fixture(params=PARSERS)
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Load YAML with LibYAML (True) or with PyYAML's own parser (False) in this test."""
    monkeypatch.setattr(yamlio, "USE_LIBYAML", request.param)
    return request.param


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    upgrade(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def seeded(db: Database) -> Database:
    """A database holding the fixture content (origin "seed") and the user ADMIN."""
    with db.session() as session:
        session.add(User(id=ADMIN))
        save_content(session, load_content(FIXTURE), origin="seed")
    return db
