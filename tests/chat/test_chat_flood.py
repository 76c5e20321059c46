"""The flood gate: a user who floods is slowed down; nobody else notices.

Driven through the real Application on the fake transport, with the default limits.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from bot.chat.flood import FloodGate
from bot.config import Settings
from bot.db.models import UnansweredQuestion
from bot.services import Services

FLOODER, OTHER = 31, 32
QUESTION = "Wie flicke ich mein Fahrrad?"  # unknown: each one that passes is logged


@pytest.fixture
def limited(services: Services) -> Services:
    """The services with the product's default flood limits (the chat tests lift them)."""
    defaults = Settings()
    services.settings = replace(
        services.settings,
        flood_burst=defaults.flood_burst,
        flood_per_minute=defaults.flood_per_minute,
    )
    return services


def logged(services: Services) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.count()).select_from(UnansweredQuestion))


async def test_a_flood_gets_one_slow_down_and_the_excess_is_dropped(chat_with, limited):
    chat = await chat_with(limited, FLOODER, "de")
    burst = limited.settings.flood_burst
    replies = [await chat.send(f"{QUESTION} {n}") for n in range(burst + 6)]
    assert all(len(r) == 1 and "Fahrrad" not in r[0].text for r in replies[:burst])
    [slow] = replies[burst]
    assert "sehr schnell" in slow.text and "einen Moment" in slow.text
    assert all(r == [] for r in replies[burst + 1 :])  # dropped quietly
    assert logged(limited) == burst  # nothing of the dropped messages was stored


async def test_the_slow_down_is_in_the_users_language(chat_with, limited):
    chat = await chat_with(limited, FLOODER, "ar", chosen="ar")
    for n in range(limited.settings.flood_burst):
        await chat.send(f"سؤال {n}")
    [slow] = await chat.send("سؤال آخر")
    assert slow.html.startswith("\u200f")  # right to left
    assert any("\u0600" <= ch <= "\u06ff" for ch in slow.text)


async def test_button_presses_count_too_and_are_dropped_without_a_reply(chat_with, limited):
    chat = await chat_with(limited, FLOODER, "de")
    for _ in range(limited.settings.flood_burst):
        await chat.press_data("M:p:1")
    assert len(await chat.press_data("M:p:1")) == 1  # the one slow-down
    assert await chat.press_data("M:p:1") == []


async def test_another_user_is_answered_while_one_floods(chat_with, limited):
    flooder = await chat_with(limited, FLOODER, "de")
    other = await chat_with(limited, OTHER, "de")
    for n in range(limited.settings.flood_burst + 20):
        await flooder.send(f"{QUESTION} {n}")
    [reply] = await other.send("Was ist eine Duldung?")
    assert "Duldung" in reply.text


def test_the_bucket_refills_and_warns_again_after_a_pause():
    now = [0.0]
    gate = FloodGate(burst=3, per_minute=60, clock=lambda: now[0])
    assert [gate.allow(1) for _ in range(5)] == [
        (True, False),
        (True, False),
        (True, False),
        (False, True),
        (False, False),
    ]
    now[0] = 1.0  # one token back
    assert gate.allow(1) == (True, False)
    assert gate.allow(1) == (False, False)  # still the same flood: no second warning
    now[0] = 10.0  # full again
    assert [gate.allow(1) for _ in range(4)][-1] == (False, True)
    assert gate.allow(2) == (True, False)  # other users have their own bucket


def test_full_buckets_are_forgotten_when_there_are_many():
    now = [0.0]
    gate = FloodGate(burst=2, per_minute=60, clock=lambda: now[0])
    for user in range(10_000):
        gate.allow(user)
    now[0] = 100.0
    gate.allow(10_001)
    assert len(gate) == 1
