"""Forged button presses: every button the Application knows, pressed with data it never sent.

The test walks every CallbackQueryHandler of the real Application (inside conversations too:
entry points, states and fallbacks), makes callback data that its pattern matches (generated
by hypothesis, plus hand-made oversized ids, impossible dates and times, unknown serials and
digits of other scripts) and presses each as an ordinary user, an advisor and an admin, in a
world where every table holds rows. A forged press is refused quietly: the error handler is
never reached, and the database stays as it was. Conversation states are entered without
their dialog's data too (as after a restart or a timeout).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, ConversationHandler

from bot.chat.driver import Chat
from bot.chat.keyboards import MAX_DATA
from bot.chat.transport import UpdateFactory
from bot.db.models import Base
from bot.services import Services
from tests.chat.privacy_world import KOELN_ADMIN, USER, VOLUNTEER, fill

#: How many data hypothesis makes per pattern.
SAMPLES = 5
#: Stand-ins for a run of digits in callback data: ids too large for a 32-bit column (or any
#: 64-bit one), a number one past PostgreSQL's integer, impossible days and times, zero, and
#: digits of another script (which `\d` matches).
DIGIT_RUNS = (
    "999999999999",
    "2147483648",
    "99999999999999999999",
    "20270230",
    "99999999",
    "00000000",
    "2460",
    "9999",
    "0",
    "١٢",
)
#: Stand-ins for a serial or token: one no dialog made.
SERIALS = ("ffffff", "00000000", "zzzzzzzz")
#: Presses that change the presser's own settings (their users row): allowed to change it.
OWN_SETTINGS = re.compile(r"^\^?(?:L:|M:|G:|D:|C:)")
#: Tables of the content, compared by their number of rows (every change adds versions).
CONTENT_TABLES = ("content_entries", "content_translations", "content_entry_versions")


@dataclass(frozen=True)
class Button:
    """A CallbackQueryHandler: where it is (a conversation state or a group) and its pattern."""

    where: str
    pattern: re.Pattern[str]
    conversation: ConversationHandler | None = None
    state: object = None


def buttons(app: Application) -> list[Button]:
    """Every CallbackQueryHandler of the application with a pattern, in every conversation."""

    def walk(handler: BaseHandler, where: str) -> Iterator[Button]:
        if isinstance(handler, ConversationHandler):
            name = handler.name or "conversation"
            for inner in (*handler.entry_points, *handler.fallbacks):
                yield from walk(inner, f"{where}/{name}")
            for state, handlers in handler.states.items():
                for inner in handlers:
                    for found in walk(inner, f"{where}/{name}:{state}"):
                        yield Button(found.where, found.pattern, handler, state)
        elif isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, re.Pattern):
            yield Button(where, handler.pattern)

    return [
        found
        for group, handlers in sorted(app.handlers.items())
        for handler in handlers
        for found in walk(handler, str(group))
        if found.pattern.pattern != "^$"
    ]


def generated(pattern: re.Pattern[str]) -> list[str]:
    """Callback data that fully match pattern, made by hypothesis (repeatable), ≤ 64 bytes."""
    found: list[str] = []
    strategy = st.from_regex(pattern, fullmatch=True).filter(
        lambda text: len(text.encode()) <= MAX_DATA
    )

    @settings(
        max_examples=SAMPLES,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(text: str) -> None:
        found.append(text)

    collect()
    return found


def swap(data: str, part: int, value: str) -> str:
    """Return data with its colon-separated part number `part` replaced by value."""
    parts = data.split(":")
    parts[part] = value
    return ":".join(parts)


def swaps(data: str) -> list[tuple[int, str]]:
    """(part, bad value) for every part after the prefix: a number, a serial or a token."""
    parts = data.split(":")
    return [
        (index, value)
        for index, part in enumerate(parts)
        if index > 0
        for value in (*(DIGIT_RUNS if part.isdigit() else ()), *SERIALS)
        if value != part
    ]


def forged(pattern: re.Pattern[str], examples: list[str]) -> list[str]:
    """Examples with one part swapped for a hand-made bad value, where the pattern allows it."""
    made = {swap(example, part, value) for example in examples for part, value in swaps(example)}
    return sorted(d for d in made if pattern.fullmatch(d) and len(d.encode()) <= MAX_DATA)


def stored(services: Services, own: frozenset[int] = frozenset()) -> dict[str, Any]:
    """What a press must not change: every row (the content by its number of rows, as every
    content change adds versions), less when users were last seen; with `own`, less those
    users' rows and the reminders (their own settings re-plan them)."""
    with services.db.session() as session:
        rows: dict[str, Any] = {
            table.name: sorted(
                (dict(row) for row in session.execute(select(table)).mappings()), key=repr
            )
            for table in Base.metadata.sorted_tables
            if table.name not in CONTENT_TABLES
        }
        for name in CONTENT_TABLES:
            rows[name] = session.scalar(select(func.count()).select_from(text(name)))
    rows["users"] = [
        {k: v for k, v in row.items() if k not in ("last_seen_at", "stay_asked_at")}
        for row in rows["users"]
        if row["id"] not in own
    ]
    if own:
        rows.pop("reminders")
    return rows


def known_ids(services: Services) -> set[int]:
    """Every whole number that names a row or a user in the world."""
    with services.db.session() as session:
        return {
            value
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(*table.primary_key.columns))
            for value in row
            if isinstance(value, int)
        }


def may_be_real(data: str, known: set[int]) -> bool:
    """Say whether data names a row or user that exists (pressing it may rightly act)."""
    return any(int(run) in known for run in re.findall(r"[0-9]+", data))


Failures = dict[tuple[str, str], str]


def note_errors(caplog: pytest.LogCaptureFixture, failures: Failures, where: str, what: str):
    """Keep one example per (button, exception) that reached the error handler."""
    for record in (r for r in caplog.records if r.levelno >= logging.ERROR):
        broke = str(record.args[1]) if len(record.args or ()) > 1 else record.getMessage()
        failures.setdefault((where, broke), what)
    caplog.clear()


@pytest.fixture
async def world(running, services: Services) -> tuple[Application, dict[str, Chat]]:
    """The bot with rows in every table, and chats of a volunteer, an advisor and an admin."""
    fill(services)
    app, request = await running(services)
    app.bot_data.flood = None  # thousands of presses: the flood gate has its own tests
    chats = {
        "volunteer": Chat(app, request, UpdateFactory(VOLUNTEER, "ar")),
        "advisor": Chat(app, request, UpdateFactory(USER, "de")),
        "admin": Chat(app, request, UpdateFactory(KOELN_ADMIN, "de")),
    }
    return app, chats


async def press(chat: Chat, button: Button, data: str) -> None:
    """Press data on a button of chat, inside the button's conversation state if it has one."""
    key = (chat.user_id, chat.user_id)
    if button.conversation is not None:
        button.conversation._conversations[key] = button.state  # no dialog data in user_data
    try:
        await chat.press_data(data)
    finally:
        if button.conversation is not None:
            button.conversation._conversations.pop(key, None)


async def test_every_button_refuses_forged_data_quietly_and_changes_nothing(
    world, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    app, chats = world
    caplog.set_level(logging.ERROR)
    known = known_ids(services)
    failures: Failures = {}
    for button in buttons(app):
        examples = generated(button.pattern)
        candidates = [*examples, *forged(button.pattern, examples[:1])]
        where = button.pattern.pattern
        own = frozenset(c.user_id for c in chats.values()) if OWN_SETTINGS.match(where) else None
        before = stored(services, own or frozenset())
        for who, chat in chats.items():
            for data in (d for d in candidates if not may_be_real(d, known)):
                await press(chat, button, data)
                note_errors(caplog, failures, where, f"{who} {data!r}")
        if stored(services, own or frozenset()) != before:
            failures.setdefault((where, "changed the database"), "")
        for who, chat in chats.items():
            for data in (d for d in candidates if may_be_real(d, known)):
                await press(chat, button, data)  # a real row: it may act, but never break
                note_errors(caplog, failures, where, f"{who} {data!r}")
    assert not failures, "\n".join(f"{p} {b}: {e}" for (p, b), e in failures.items())


#: Commands that show buttons (and open dialogs whose buttons carry serials).
OPENERS = (
    "/start",
    "/referrals",
    "/appointments",
    "/appointment",
    "/settings",
    "/questions",
    "/find",
    "/check",
    "/unanswered",
    "/users",
    "/invite",
    "/history",
    "/new",
    "/privacy",
)


async def test_forged_values_on_the_buttons_of_open_dialogs_are_refused_quietly(
    world, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    app, chats = world
    caplog.set_level(logging.ERROR)
    patterns = [button.pattern for button in buttons(app)]
    failures: Failures = {}
    for who, chat in chats.items():
        for opener in OPENERS:
            shown = [data for m in await chat.send(opener) for _, data in m.buttons]
            note_errors(caplog, failures, opener, who)
            firsts: dict[str, int] = {}  # one button per pattern: the others are alike
            for position, data in enumerate(shown):
                kind = next((p.pattern for p in patterns if p.fullmatch(data)), None)
                if kind is not None:
                    firsts.setdefault(kind, position)
            for kind, position in firsts.items():
                data = shown[position]
                for part, value in swaps(data):
                    fresh = [d for m in await chat.send(opener) for _, d in m.buttons]
                    if len(fresh) != len(shown):
                        continue  # the opener shows something else now
                    bad = swap(fresh[position], part, value)
                    if bad in fresh or not any(p.fullmatch(bad) for p in patterns):
                        continue
                    before = stored(services)
                    await chat.press_data(bad)
                    note_errors(caplog, failures, kind, f"{who} {bad!r}")
                    if stored(services) != before:
                        failures.setdefault((kind, "changed the database"), f"{who} {bad!r}")
    assert not failures, "\n".join(f"{p} {b}: {e}" for (p, b), e in failures.items())
