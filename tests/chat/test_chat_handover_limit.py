"""The daily limit of "Ask a person" per user (HANDOVER_DAILY_LIMIT), through the real
Application: over the limit the user is told when they can ask again and what else they can
do, in their language, and nothing is stored. The count comes from the database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flows import seat
from sqlalchemy import func, select

from bot.chat.driver import Chat, Sent
from bot.chat.transport import UpdateFactory
from bot.clock import FakeClock
from bot.config import ConfigError, load_settings
from bot.db.models import Handover, User
from bot.handover import service as s
from bot.i18n import translator
from bot.services import Services

BERLIN = ZoneInfo("Europe/Berlin")
GERMAN, ARABIC, ADVISOR = 401, 402, 101
de, ar = translator("de"), translator("ar")
UNKNOWN = {
    "de": "Wo kann man hier Fahrräder flicken?",
    "ar": "أين يمكنني إصلاح دراجتي الهوائية؟",
}


@pytest.fixture
async def chats(running, services: Services) -> dict[str, Chat]:
    """A German and an Arabic volunteer in Köln, and an advisor of Köln who takes questions."""
    services.clock = FakeClock(datetime(2026, 12, 7, 9, 0, tzinfo=BERLIN))
    services.settings = replace(services.settings, flood_burst=1000)  # many presses at once
    people = ((ADVISOR, "advisor", "koeln", "de"), (GERMAN, None, "koeln", "de"))
    seat(services, (*people, (ARABIC, None, "koeln", "ar")))
    with services.db.session() as session:
        session.get(User, ADVISOR).takes_questions = True
    app, request = await running(services)
    return {
        lang: Chat(app, request, UpdateFactory(user_id, lang))
        for lang, user_id in (("de", GERMAN), ("ar", ARABIC), ("advisor", ADVISOR))
    }


def handed_over(services: Services, user_id: int) -> int:
    with services.db.session() as session:
        query = select(func.count()).select_from(Handover).where(Handover.asker_id == user_id)
        return session.scalar(query)


def data_of(message: Sent, prefix: str) -> str:
    return next(data for _, data in message.buttons if data.startswith(prefix))


async def ask_a_person(chat: Chat, lang: str) -> list[Sent]:
    """Send what the bot does not know and press "Ask a person"; return the bot's replies."""
    [unknown] = await chat.send(UNKNOWN[lang])
    return await chat.press_on(unknown, data_of(unknown, "H:a:"))


async def hand_over(chat: Chat, lang: str) -> Sent:
    """Hand a question to a person (anonymously); return the confirmation."""
    _, consent = await ask_a_person(chat, lang)
    [passed] = await chat.press_on(consent, data_of(consent, "H:n:"))
    return passed


def assert_refused_kindly(reply: Sent, t, per_day: int = 5) -> None:
    expected = t.ngettext(
        "You can ask a person up to {n} question a day.",
        "You can ask a person up to {n} questions a day.",
        per_day,
    )
    assert expected in reply.text
    assert t("You can ask a person again tomorrow.") in reply.text
    assert t("Until then, /find shows local offers and how to contact them.") in reply.text
    assert reply.buttons == []


async def test_a_german_user_hands_over_five_questions_a_day_and_is_told_kindly_after_that(
    chats: dict[str, Chat], services: Services
) -> None:
    german = chats["de"]
    for _ in range(5):
        passed = await hand_over(german, "de")
        assert de("An advisor will answer you here in the chat.") in passed.text
    assert handed_over(services, GERMAN) == 5
    pushed = len(chats["advisor"].receive())
    gone, refused = await ask_a_person(german, "de")
    assert gone.change == "buttons" and gone.labels == []  # "Ask a person" goes away
    assert_refused_kindly(refused, de)
    assert handed_over(services, GERMAN) == 5 and chats["advisor"].receive() == []
    assert pushed == 5


async def test_an_arabic_user_over_the_limit_is_told_in_arabic_and_nothing_is_stored(
    chats: dict[str, Chat], services: Services
) -> None:
    services.settings = replace(services.settings, handover_daily_limit=2)
    arabic = chats["ar"]
    for _ in range(2):
        await hand_over(arabic, "ar")
    _, refused = await ask_a_person(arabic, "ar")
    assert_refused_kindly(refused, ar, per_day=2)
    assert refused.html.startswith("\u200f")  # read right to left
    assert handed_over(services, ARABIC) == 2
    # One user's limit is theirs alone.
    assert (
        de("An advisor will answer you here in the chat.")
        in (await hand_over(chats["de"], "de")).text
    )


async def test_the_limit_holds_for_a_question_handed_over_elsewhere_meanwhile(
    chats: dict[str, Chat], services: Services
) -> None:
    services.settings = replace(services.settings, handover_daily_limit=1)
    german = chats["de"]
    _, consent = await ask_a_person(german, "de")  # allowed: none handed over yet today
    with services.db.session() as session:  # meanwhile, another process stores one
        s.create(
            session,
            asker_id=GERMAN,
            question="Noch eine Frage",
            lang="de",
            municipality="koeln",
            share_identity=False,
            now=services.clock.now(),
        )
    [refused] = await german.press_on(consent, data_of(consent, "H:y:"))
    assert refused.edited
    assert_refused_kindly(refused, de, per_day=1)
    assert handed_over(services, GERMAN) == 1
    with services.db.session() as session:
        assert session.scalar(select(Handover.share_identity)) is False  # only the other one


async def test_the_limit_counts_withdrawn_questions_and_resets_at_midnight_in_berlin(
    chats: dict[str, Chat], services: Services
) -> None:
    services.settings = replace(services.settings, handover_daily_limit=2)
    services.clock.set(datetime(2026, 12, 7, 23, 0, tzinfo=BERLIN))
    german = chats["de"]
    await hand_over(german, "de")
    passed = await hand_over(german, "de")
    await german.press_on(passed, data_of(passed, "H:w:"))  # withdrawn: it still counts
    services.clock.advance(minutes=59)  # 23:59 in Berlin, 22:59 UTC
    _, refused = await ask_a_person(german, "de")
    assert_refused_kindly(refused, de, per_day=2)
    services.clock.advance(minutes=2)  # 00:01 in Berlin: a new day
    passed = await hand_over(german, "de")
    assert de("An advisor will answer you here in the chat.") in passed.text
    assert handed_over(services, GERMAN) == 3


def test_the_day_starts_at_midnight_in_the_bots_time_zone_also_in_summer() -> None:
    summer = datetime(2026, 7, 1, 0, 30, tzinfo=BERLIN)
    assert s.start_of_day(summer, BERLIN) == datetime(2026, 7, 1, tzinfo=BERLIN)
    assert s.start_of_day(summer - timedelta(hours=1), BERLIN) == datetime(
        2026, 6, 30, tzinfo=BERLIN
    )


def test_the_daily_limit_is_a_setting_with_a_sensible_default() -> None:
    assert load_settings({}, dotenv=None).handover_daily_limit == 5
    assert load_settings({"HANDOVER_DAILY_LIMIT": "3"}, dotenv=None).handover_daily_limit == 3
    with pytest.raises(ConfigError, match="HANDOVER_DAILY_LIMIT"):
        load_settings({"HANDOVER_DAILY_LIMIT": "0"}, dotenv=None)
