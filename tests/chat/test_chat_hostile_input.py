"""Hostile messages through the real Application: each gets the ordinary reply, quickly."""

from __future__ import annotations

import time

import pytest

from bot.answers.unanswered import MAX_TEXT
from bot.referrals.codes import EMAIL
from bot.services import Services
from tests.answers.hostile import LIMIT

#: Generous: a slow CI machine, shared (bench/abuse.py measures the engine's 50 ms).
GUARD_SECONDS = 2.0


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("㌖" * LIMIT, id="one character NFKC makes six letters, 4,096 times"),
        pytest.param("\ufdfa" * LIMIT, id="one character NFKC makes eighteen, 4,096 times"),
        pytest.param("x\u200b" * (LIMIT // 2), id="letters between zero-width spaces"),
        pytest.param("hauptschulabschlussaufenthaltserlaubnis" * 105, id="a compound of 4,095"),
    ],
)
async def test_a_hostile_message_gets_the_ordinary_reply_quickly(
    chat_with, services: Services, unanswered, message: str
) -> None:
    chat = await chat_with(services, language="en")
    start = time.perf_counter()
    [reply] = await chat.send(message)
    assert time.perf_counter() - start < GUARD_SECONDS
    assert "I don't know that yet." in reply.text or "Did you mean" in reply.text
    assert all(len(row["text"]) <= MAX_TEXT for row in unanswered())


async def test_a_long_run_of_address_characters_is_kept_fast_and_masked(
    chat_with, services: Services, unanswered
) -> None:
    chat = await chat_with(services, language="en")
    message = "Write to " + "a." * (LIMIT // 2 - 20) + "b@example.org"
    start = time.perf_counter()
    [reply] = await chat.send(message)
    if "Did you mean" in reply.text:
        await chat.press("None of these")
    assert time.perf_counter() - start < GUARD_SECONDS
    [row] = unanswered()
    assert row["text"] == f"Write to {EMAIL}"
