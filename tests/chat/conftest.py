"""A real Application on a fake Bot API, and Chats that talk to it like Telegram users."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from telegram.ext import Application

from bot.app import build_application, post_init
from bot.catalog.schema import Content
from bot.chat.driver import Chat
from bot.chat.transport import FakeRequest, UpdateFactory
from bot.config import Settings
from bot.db.models import UnansweredQuestion, User
from bot.services import Services, bootstrap
from bot.users.service import set_language, set_municipality

ROOT = Path(__file__).resolve().parents[2]
ADMIN_ID = 999


def settings_for(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        content_dir=ROOT / "content",
        admin_user_ids=frozenset({ADMIN_ID}),
        # Tests click through whole dialogs in milliseconds: the flood gate has its own tests.
        flood_burst=1000,
    )


@pytest.fixture
def admin_id() -> int:
    return ADMIN_ID


@pytest.fixture
def services(database_url: str) -> Services:
    """Services on a fresh database seeded with the shipped content."""
    return bootstrap(settings_for(database_url))


@pytest.fixture
def services_with(database_url: str) -> Callable[[Content], Services]:
    """Build services around the given content (on a fresh, migrated database)."""

    def build(content: Content) -> Services:
        base = bootstrap(settings_for(database_url), seed=False)
        return Services(settings=base.settings, db=base.db, content=content)

    return build


@pytest.fixture
async def running() -> AsyncIterator[Callable[..., Awaitable[tuple[Application, FakeRequest]]]]:
    """Start applications (post_init included) on a fake transport; shut them down after."""
    started: list[Application] = []

    async def start(
        services: Services, request: FakeRequest | None = None
    ) -> tuple[Application, FakeRequest]:
        request = request or FakeRequest()
        app = build_application(services, request=request)
        await app.initialize()
        started.append(app)
        await post_init(app)
        return app, request

    yield start
    for app in started:
        await app.shutdown()


@pytest.fixture
def chat_with(running) -> Callable[..., Awaitable[Chat]]:
    """Make a Chat for a user whose Telegram language code is `language`.

    `municipality` and `chosen` (a language the user picked before) are stored up front.
    """

    async def make(
        services: Services,
        user_id: int = 4711,
        language: str | None = "de",
        *,
        chosen: str | None = None,
        municipality: str | None = None,
    ) -> Chat:
        with services.db.session() as session:
            if chosen:
                set_language(session, user_id, chosen)
            if municipality:
                set_municipality(session, user_id, municipality)
        app, request = await running(services)
        return Chat(app, request, UpdateFactory(user_id=user_id, language_code=language))

    return make


@pytest.fixture
async def timed_chat(chat_with, services: Services):
    """Make a Chat (own municipality Köln unless given) whose application runs its job
    queue, for dialogs with a timeout; the queues stop at the end of the test."""
    queues = []

    async def make(
        lang: str = "de", *, municipality: str | None = "koeln", user_id: int = 4711
    ) -> Chat:
        chat = await chat_with(
            services, user_id=user_id, language=lang, chosen=lang, municipality=municipality
        )
        await chat.app.job_queue.start()
        queues.append(chat.app.job_queue)
        return chat

    yield make
    for queue in queues:
        await queue.stop(wait=False)


@pytest.fixture
async def chat(chat_with, services: Services) -> Chat:
    """A German-speaking Telegram user and the shipped content."""
    return await chat_with(services)


@pytest.fixture
def stored_user(services: Services) -> Callable[[int], User]:
    """Read a user back from the database."""

    def read(user_id: int) -> User:
        with services.db.session() as session:
            user = session.scalars(select(User).where(User.id == user_id)).one()
            session.expunge(user)
            return user

    return read


@pytest.fixture
def unanswered(services: Services) -> Callable[[], list[dict[str, Any]]]:
    """Read the unanswered-questions log back as dicts of every column."""

    def read() -> list[dict[str, Any]]:
        with services.db.session() as session:
            rows = session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id))
            columns = UnansweredQuestion.__table__.columns.keys()
            return [{name: getattr(row, name) for name in columns} for row in rows]

    return read
