"""Chats are handled side by side: a long upload or /stats never keeps another user waiting.

These tests run the Application as the bot does (`app.start()`, updates through its queue and
the chat-lane update processor), not update by update.
"""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text
from telegram import Update
from telegram.ext import Application

from bot.answers.stats import LOCK_KEY
from bot.chat.lanes import ChatLanes, lane_of
from bot.chat.transport import FakeRequest, UpdateFactory
from bot.db.models import ContentVersion, QuestionStat
from bot.services import Services
from bot.users.service import grant_role, revoke_role, set_language, set_municipality
from tests.chat.test_chat_admin_content import NEW_FAQ as UPLOAD

ADMIN, VOLUNTEER = 41, 42


def big_upload(size: int = 1_980_000) -> bytes:
    """A valid upload of about `size` bytes: a zip (stored) of two files of Köln's FAQ."""
    half = size // 2 - 300
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("eins.yaml", faq_file(half, "a"))
        archive.writestr("zwei.yaml", faq_file(half, "b"))
    return buffer.getvalue()


def faq_file(size: int, prefix: str) -> str:
    """A content file of about `size` bytes: many FAQ entries of Köln."""
    head, entries, n = "faq:\n", [], 0
    answer = "Das Amt für Wohnungswesen der Stadt Köln berät dazu montags bis freitags. " * 8
    while sum(map(len, entries)) + len(head) < size - 1200:
        entries.append(
            f"  - id: koeln-last-{prefix}{n}\n"
            "    scope: koeln\n"
            '    source: "Test"\n'
            "    translations:\n"
            "      de:\n"
            f"        questions: ['Frage Nummer {n} zu Wohnberechtigung und Umzug in Köln?']\n"
            f"        answer: '{answer}'\n"
        )
        n += 1
    return head + "".join(entries)


@pytest.fixture
async def live(running, services: Services) -> AsyncIterator[tuple[Application, FakeRequest]]:
    """A started application (update queue, lanes, job queue) with an admin and a volunteer."""
    with services.db.session() as session:
        for user_id in (ADMIN, VOLUNTEER):
            set_language(session, user_id, "de")
            set_municipality(session, user_id, "koeln")
        grant_role(session, ADMIN, "admin", "koeln")
    app, request = await running(services)
    await app.start()
    yield app, request
    await app.stop()


async def put(app: Application, raw: dict) -> None:
    await app.update_queue.put(Update.de_json(raw, app.bot))


async def sent_to(request: FakeRequest, chat_id: int, count: int = 1, timeout: float = 60) -> float:
    """Wait until `count` messages went to chat_id; return when (monotonic)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len([p for p in request.of("sendMessage") if int(p["chat_id"]) == chat_id]) >= count:
            return time.monotonic()
        await asyncio.sleep(0.005)
    raise AssertionError(f"no message to {chat_id} within {timeout} s")


async def test_a_question_is_answered_while_a_2_mb_upload_is_checked(live, services):
    app, request = live
    admin, volunteer = UpdateFactory(ADMIN, "de"), UpdateFactory(VOLUNTEER, "de")
    data = big_upload()
    assert 1_800_000 < len(data) <= 2 * 1024 * 1024
    await put(app, admin.document(request.add_file(data), "gross.zip", len(data)))
    await asyncio.sleep(0.05)  # the upload is being checked
    await put(app, volunteer.message("Was ist eine Duldung?"))
    answered = await sent_to(request, VOLUNTEER)
    summarised = await sent_to(request, ADMIN)
    assert answered < summarised  # the volunteer did not wait for the check
    [summary] = [p for p in request.of("sendMessage") if int(p["chat_id"]) == ADMIN]
    assert "FAQ" in summary["text"]


async def test_a_question_is_answered_while_a_2_mb_upload_is_applied(live, services):
    app, request = live
    admin, volunteer = UpdateFactory(ADMIN, "de"), UpdateFactory(VOLUNTEER, "de")
    data = big_upload()
    await put(app, admin.document(request.add_file(data), "gross.zip", len(data)))
    await sent_to(request, ADMIN)
    [summary] = [p for p in request.of("sendMessage") if int(p["chat_id"]) == ADMIN]
    apply = next(
        b["callback_data"]
        for row in summary["reply_markup"]["inline_keyboard"]
        for b in row
        if b["callback_data"].startswith("P:k:")
    )
    await put(app, admin.callback(apply))
    await asyncio.sleep(0.05)
    await put(app, volunteer.message("Was ist eine Duldung?"))
    answered = await sent_to(request, VOLUNTEER)
    deadline = time.monotonic() + 120
    while not request.of("editMessageText") and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    applied = time.monotonic()
    assert answered < applied
    assert "koeln-last-a0" in services.content.faq


@contextmanager
def counting_blocked(services: Services) -> Iterator[None]:
    """Hold what counting a question needs, as an upload being applied would.

    SQLite: the only write lock (BEGIN IMMEDIATE). PostgreSQL: the advisory lock that
    serialises the counting.
    """
    with services.db.engine.connect() as connection:
        if services.db.is_postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            if services.db.is_postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            connection.rollback()


def answered_count(services: Services) -> int:
    with services.db.session() as session:
        counted = select(func.coalesce(func.sum(QuestionStat.count), 0))
        return int(session.scalar(counted.where(QuestionStat.outcome == "answered")) or 0)


async def test_a_reply_does_not_wait_for_its_count_while_the_database_is_busy(live, services):
    app, request = live
    before = answered_count(services)
    with counting_blocked(services):
        await put(app, UpdateFactory(VOLUNTEER, "de").message("Was ist eine Duldung?"))
        await sent_to(request, VOLUNTEER, timeout=3)  # the busy_timeout is 5 s
        [reply] = [p for p in request.of("sendMessage") if int(p["chat_id"]) == VOLUNTEER]
        assert "Duldung" in reply["text"]
        assert answered_count(services) == before  # not yet counted: the lock is held
    deadline = time.monotonic() + 10
    while answered_count(services) == before and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert answered_count(services) == before + 1  # counted once the lock was free


async def test_one_chats_updates_stay_in_order():
    lanes, order = ChatLanes(), []

    async def handle(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        order.append(name)

    factory, other = UpdateFactory(1, "de"), UpdateFactory(2, "de")
    first = Update.de_json(factory.message("eins"), None)
    second = Update.de_json(factory.message("zwei"), None)
    third = Update.de_json(other.message("drei"), None)
    await asyncio.gather(
        lanes.process_update(first, handle("eins", 0.05)),
        lanes.process_update(second, handle("zwei", 0)),
        lanes.process_update(third, handle("drei", 0)),
    )
    assert order == ["drei", "eins", "zwei"]  # chat 2 did not wait; chat 1 kept its order
    assert lanes.busy_lanes == 0
    assert lane_of(object()) is None


def test_no_handler_awaits_inside_a_database_session():
    """Updates of several chats run side by side: a transaction must not span an await."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "bot"
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.With | ast.AsyncWith):
                continue
            managers = " ".join(ast.unparse(item.context_expr) for item in node.items)
            if "session" not in managers and "begin" not in managers:
                continue
            for inner in (n for statement in node.body for n in ast.walk(statement)):
                if isinstance(inner, ast.Await | ast.AsyncFor | ast.AsyncWith):
                    found.append(f"{path.relative_to(root.parent)}:{inner.lineno}")
    assert found == []


def versions(services: Services) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.max(ContentVersion.id)))


@pytest.mark.parametrize("lost", ["role", "municipality"])
async def test_an_upload_is_not_applied_when_its_admin_lost_the_municipality_since(
    chat_with, services: Services, lost: str
):
    with services.db.session() as session:
        grant_role(session, ADMIN, "admin", "koeln")
        grant_role(session, ADMIN, "admin", "bonn")
    admin = await chat_with(services, ADMIN, "en", chosen="en", municipality="koeln")
    [summary] = await admin.send_file("koeln.yaml", UPLOAD.encode())
    assert "✅ Apply and keep them" in summary.labels
    with services.db.session() as session:
        if lost == "role":
            revoke_role(session, ADMIN, "admin", None)
        else:
            revoke_role(session, ADMIN, "admin", "koeln")  # still an admin, of Bonn only
    old = versions(services)
    replies = await admin.press("Apply and keep them")
    assert versions(services) == old
    assert "koeln-wohnberechtigung" not in services.content.faq
    shown = " ".join([r.text for r in replies] + admin.notices())
    if lost == "role":  # no admin any more: the press is refused as any stranger's
        assert "Only the admins of Lotse can do that." in shown
    else:  # still an admin, of Bonn: told why the Köln upload was not applied
        assert "You no longer manage every municipality this upload changes" in shown


async def test_an_upload_in_a_group_asks_for_the_private_chat_and_changes_nothing(
    chat_with, services: Services
):
    with services.db.session() as session:
        grant_role(session, ADMIN, "admin", "koeln")
    admin = await chat_with(services, ADMIN, "en", chosen="en", municipality="koeln")
    group = admin.in_group(-1001234)
    old = versions(services)
    [reply] = await group.send_file("koeln.yaml", UPLOAD.encode())
    assert "private chat" in reply.text
    assert reply.buttons == []
    assert not [c for c in group.calls if c.method in ("getFile", "download")]
    assert versions(services) == old
    volunteer = (await chat_with(services, VOLUNTEER, "en")).in_group(-1001234)
    assert await volunteer.send_file("koeln.yaml", UPLOAD.encode()) == []
