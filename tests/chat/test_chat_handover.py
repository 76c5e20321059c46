"""'Ask a person' through the real Application (see bot/handover/handover.mmd).

A volunteer in Köln asks something the bot does not know. Two advisors of Köln take
questions (one writes in English), a third has not opted in, and an advisor of Bonn does.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from telegram.ext import JobQueue

from bot.chat.driver import Chat, Sent
from bot.chat.transport import FakeRequest, UpdateFactory
from bot.db.models import Handover, User
from bot.handover import handlers
from bot.handover import service as s
from bot.handover.words import ERRORS
from bot.i18n import translator
from bot.matching.words import language_name
from bot.services import Services
from bot.users.service import grant_role, revoke_role, set_language, set_municipality

VOLUNTEER, FIRST, SECOND, IDLE, BONN = 301, 101, 102, 103, 104
UNKNOWN = "Wo kann man hier Fahrräder flicken?"
ANSWER = "Im Radhaus Kalk, dienstags von 14 bis 18 Uhr."
de, en = translator("de"), translator("en")


@dataclass
class People:
    volunteer: Chat
    first: Chat
    second: Chat
    idle: Chat
    bonn: Chat
    request: FakeRequest


class NamedRequest(FakeRequest):
    """Telegram as it answers getChat: the user's name and username."""

    def _result(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method != "getChat":
            return super()._result(api_method, params)
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        gifts += ("gifts_from_channels",)
        return {
            "id": int(params["chat_id"]),
            "type": "private",
            "first_name": "Mira",
            "username": "mira_k",
            "accent_color_id": 0,
            "max_reaction_count": 0,
            "accepted_gift_types": dict.fromkeys(gifts, False),
        }


@pytest.fixture
async def people(running, services: Services):
    """Start one bot with the five users (the Köln advisors by role or by their municipality)."""
    queues: list[JobQueue] = []

    async def start(request: FakeRequest | None = None, opted_in: bool = True) -> People:
        app, request = await running(services, request)
        await app.job_queue.start()  # conversation timeouts
        queues.append(app.job_queue)
        with services.db.session() as session:
            for user_id, role, role_place, place, lang, takes in (
                (VOLUNTEER, None, "", "koeln", "de", False),
                (FIRST, "advisor", "", "koeln", "de", opted_in),
                (SECOND, "advisor", "koeln", "koeln", "en", opted_in),
                (IDLE, "advisor", "koeln", "koeln", "de", False),
                (BONN, "advisor", "", "bonn", "de", True),
            ):
                if role:
                    grant_role(session, user_id, role, role_place)
                set_language(session, user_id, lang)
                set_municipality(session, user_id, place)
                session.get(User, user_id).takes_questions = takes

        def chat(user_id: int, lang: str, **names: str) -> Chat:
            return Chat(app, request, UpdateFactory(user_id, lang, **names))

        volunteer = chat(VOLUNTEER, "de", first_name="Mira", username="mira_k")
        return People(
            volunteer,
            chat(FIRST, "de"),
            chat(SECOND, "en"),
            chat(IDLE, "de"),
            chat(BONN, "de"),
            request,
        )

    yield start
    for queue in queues:
        await queue.stop(wait=False)


def stored(services: Services) -> list[Handover]:
    with services.db.session() as session:
        return list(session.scalars(select(Handover).order_by(Handover.id)))


def data_of(message: Sent, prefix: str) -> str:
    return next(data for _, data in message.buttons if data.startswith(prefix))


async def hand_over(p: People, consent: str = "H:n:") -> Sent:
    """Ask what the bot does not know, press "Ask a person", answer the consent question."""
    [unknown] = await p.volunteer.send(UNKNOWN)
    assert de("I don't know that yet.") in unknown.text
    assert unknown.labels == ["🙋 " + de("Ask a person")]
    _, asked = await p.volunteer.press("🙋")
    text = de("May the advisor see your Telegram name, so they can write to you directly?")
    assert text in asked.text
    [passed] = await p.volunteer.press(data=data_of(asked, consent))
    return passed


async def test_the_question_goes_to_the_opted_in_advisors_of_the_municipality_only(
    people, services: Services
) -> None:
    p = await people()
    passed = await hand_over(p)
    assert passed.edited
    assert de("An advisor will answer you here in the chat.") in passed.text
    assert passed.labels == ["↩ " + de("Withdraw the question")]
    assert sorted(chat_id for chat_id, _ in p.volunteer.pushed()) == [FIRST, SECOND]
    [german] = p.first.receive()
    [english] = p.second.receive()
    assert de("Someone in {place} asks, in {language}:", place="Köln", language="Deutsch") in (
        german.text
    )
    assert en("Someone in {place} asks, in {language}:", place="Köln", language="German") in (
        english.text
    )
    for push, t in ((german, de), (english, en)):
        assert UNKNOWN in push.text and push.labels == ["✍ " + t("I'll answer")]
        assert t("The person stays anonymous: please answer here in the chat.") in push.text
        assert str(VOLUNTEER) not in push.html and "mira" not in push.html.lower()
    assert p.idle.receive() == [] and p.bonn.receive() == []
    [row] = stored(services)
    assert (row.state, row.question, row.lang, row.municipality, row.share_identity) == (
        s.OPEN,
        UNKNOWN,
        "de",
        "koeln",
        False,
    )


async def test_the_first_taker_wins_and_the_answer_reaches_the_asker(
    people, services: Services
) -> None:
    p = await people()
    await hand_over(p)
    [german], [english] = p.first.receive(), p.second.receive()
    gone, prompt = await p.first.press("✍")
    assert gone.change == "buttons" and gone.labels == []
    assert de("Please write your answer now.") in prompt.text and UNKNOWN in prompt.text
    assert "tg://" not in prompt.html  # anonymous
    [late] = await p.second.press_on(english, data_of(english, "H:t:"))
    assert late.change == "buttons" and late.labels == []  # their button goes away
    assert p.second.notices() == [en(ERRORS["taken"])]
    [done] = await p.first.send(ANSWER)
    assert done.text == "✅ " + de("Your answer has been passed on.")
    [answer] = p.volunteer.receive()
    assert de("Answer from an advisor:") in answer.text and ANSWER in answer.text
    assert UNKNOWN in answer.text  # the question it answers
    [row] = stored(services)
    assert (row.state, row.taken_by, row.answer) == (s.ANSWERED, FIRST, ANSWER)
    with services.db.session() as session:
        assert [a.answer for a in s.answered(session, {"koeln"})] == [ANSWER]
    # Late presses: the question has been answered.
    await p.second.press_data(data_of(german, "H:t:"))
    assert p.second.notices() == [en(ERRORS["answered"])]


async def test_with_consent_only_the_taker_sees_who_asked(people, services: Services) -> None:
    p = await people(NamedRequest())
    await hand_over(p, consent="H:y:")
    [german], [english] = p.first.receive(), p.second.receive()
    for push in (german, english):
        assert "tg://" not in push.html and str(VOLUNTEER) not in push.html
        assert "Mira" not in push.html
    assert en("Whoever takes it may also write to the person directly.") in english.text
    _, prompt = await p.second.press_on(english, data_of(english, "H:t:"))
    assert f'<a href="tg://user?id={VOLUNTEER}">Mira @mira_k</a>' in prompt.html
    assert en("The person agreed that you may write to them directly:") in prompt.text
    assert stored(services)[0].share_identity is True


async def test_without_the_name_from_telegram_the_link_still_leads_to_the_asker(
    people, services: Services
) -> None:
    p = await people()  # the fake Bot API gives no name
    await hand_over(p, consent="H:y:")
    p.first.receive()
    _, prompt = await p.first.press("✍")
    label = de("Open their chat")
    assert f'<a href="tg://user?id={VOLUNTEER}">{label}</a>' in prompt.html


async def test_cancel_puts_the_question_back_for_a_colleague(people, services: Services) -> None:
    p = await people()
    await hand_over(p)
    p.first.receive()
    [english] = p.second.receive()
    await p.first.press("✍")
    restored, again = await p.first.press("✖")
    assert restored.labels == ["✍ " + de("I'll answer")]
    assert again.text == de("The question is open again, so a colleague can take it.")
    assert stored(services)[0].state == s.OPEN
    await p.first.send(ANSWER)  # not writing any more: just a question to the bot
    assert p.volunteer.receive() == []
    _, prompt = await p.second.press_on(english, data_of(english, "H:t:"))
    assert en("Please write your answer now.") in prompt.text
    await p.second.send("At the bike workshop in Kalk.")
    [answer] = p.volunteer.receive()
    assert "At the bike workshop in Kalk." in answer.text
    assert stored(services)[0].taken_by == SECOND


async def test_another_command_gives_the_question_back_too(people, services: Services) -> None:
    p = await people()
    await hand_over(p)
    p.first.receive()
    await p.first.press("✍")
    back, *_ = await p.first.send("/help")
    assert back.text == de("The question is open again, so a colleague can take it.")
    assert stored(services)[0].state == s.OPEN


async def test_no_button_when_nobody_of_the_municipality_takes_questions(
    people, services: Services
) -> None:
    p = await people(opted_in=False)  # only Bonn's advisor takes questions
    [unknown] = await p.volunteer.send(UNKNOWN)
    assert de("I don't know that yet.") in unknown.text and unknown.labels == []
    text = de("An advisor of your municipality can also answer you here in the chat.")
    assert text not in unknown.text
    assert stored(services) == []


async def test_an_advisor_switching_off_meanwhile_leaves_the_question_with_the_team(
    people, services: Services
) -> None:
    p = await people()
    await p.volunteer.send(UNKNOWN)
    _, asked = await p.volunteer.press("🙋")
    for advisor in (p.first, p.second):
        await advisor.send("/settings")
        await advisor.press(data="G:q:0")
    [told] = await p.volunteer.press_on(asked, data_of(asked, "H:n:"))
    assert de("Right now no advisor of your municipality takes questions.") in told.text
    assert stored(services) == []


async def test_none_of_these_offers_to_ask_a_person_too(people, services: Services) -> None:
    p = await people()
    question = "Was kostet der Kurs?"
    assert services.engine.ask(question, "de", municipality="koeln").kind == "suggest"
    await p.volunteer.send(question)
    _, thanks = await p.volunteer.press(data="N")
    assert thanks.labels == ["🙋 " + de("Ask a person")]
    await p.volunteer.press("🙋")
    await p.volunteer.press(data=data_of(p.volunteer.latest_with_buttons(), "H:n:"))
    assert [row.question for row in stored(services)] == [question]


async def test_stale_and_forged_buttons_change_nothing(people, services: Services) -> None:
    p = await people()
    [older] = await p.volunteer.send(UNKNOWN)
    await p.volunteer.send("Wo kann ich Schlittschuh laufen lernen?")
    [gone] = await p.volunteer.press_on(older, data_of(older, "H:a:"))
    assert gone.change == "buttons" and gone.labels == []
    assert p.volunteer.notices() == [de(ERRORS["stale"])]
    await p.volunteer.press_data("H:y:abc123")
    assert p.volunteer.notices() == [de(ERRORS["stale"])]
    assert stored(services) == []
    await hand_over(p)
    number = stored(services)[0].id
    for chat, t in ((p.volunteer, de), (p.idle, de), (p.bonn, de)):
        assert await chat.press_data(f"H:t:{number}") == []
        assert chat.notices() == [t(ERRORS["not_allowed"])]
    assert await p.second.press_data(f"H:w:{number}") == []
    assert p.second.notices() == [en(ERRORS["asker"])]
    await p.first.press_data("H:t:999999")
    assert p.first.notices() == [de(ERRORS["not_found"])]
    assert await p.first.press_data("H:z:abc123") == []  # not writing: an old Cancel
    [row] = stored(services)
    assert (row.state, row.taken_by) == (s.OPEN, None)


async def test_the_asker_withdraws_and_the_taker_is_told(people, services: Services) -> None:
    p = await people()
    passed = await hand_over(p)
    p.first.receive()
    await p.first.press("✍")
    [withdrawn] = await p.volunteer.press_on(passed, data_of(passed, "H:w:"))
    assert withdrawn.text == de("You have withdrawn your question.")
    [told] = p.first.receive()
    assert told.text == de("The person has withdrawn the question, so you need not answer it.")
    [refused] = await p.first.send(ANSWER)
    assert refused.text == de(ERRORS["closed"])
    assert p.volunteer.receive() == []
    assert stored(services)[0].state == s.CLOSED


async def test_an_answer_too_long_or_to_a_blocked_asker_says_so(people, services: Services) -> None:
    p = await people()
    await hand_over(p)
    p.first.receive()
    await p.first.press("✍")
    [long] = await p.first.send("x" * (s.ANSWER_MAX + 1))
    keep = de.ngettext(
        "Please keep it under {n} character.", "Please keep it under {n} characters.", s.ANSWER_MAX
    )
    assert long.text == keep and str(s.ANSWER_MAX) in keep
    p.request.blocked.add(VOLUNTEER)
    [failed] = await p.first.send(ANSWER)
    assert de("I could not pass your answer on: the person has blocked the bot.") in failed.text
    assert stored(services)[0].state == s.ANSWERED  # kept for the admins


@pytest.mark.filterwarnings("ignore:Ignoring `conversation_timeout`")
async def test_after_a_restart_the_taker_can_take_it_again_and_write(
    people, running, services: Services
) -> None:
    p = await people()
    await hand_over(p)
    [push] = p.first.receive()
    await p.first.press("✍")
    app, request = await running(services)  # memory is gone
    first = Chat(app, request, UpdateFactory(FIRST, "de"))
    _, prompt = await first.press_on(push, data_of(push, "H:t:"))
    assert de("Please write your answer now.") in prompt.text
    await first.send(ANSWER)
    assert stored(services)[0].state == s.ANSWERED


async def test_questions_lists_the_open_ones_to_advisors_who_take_questions(
    people, services: Services
) -> None:
    p = await people()
    await hand_over(p)
    p.first.receive()
    head, question = await p.second.send("/questions")
    assert head.text == en("{n} question is waiting for an answer:", n=1)
    assert UNKNOWN in question.text and question.labels == ["✍ " + en("I'll answer")]
    await p.first.press("✍")
    [empty] = await p.second.send("/questions")
    assert empty.text == en("No questions are waiting for an answer right now.")
    for chat in (p.volunteer, p.idle):
        [told] = await chat.send("/questions")
        assert de("Advisors can switch this on in /settings.") in told.text


async def test_settings_switch_taking_questions_for_advisors_only(
    people, stored_user, services: Services
) -> None:
    p = await people()
    [shown] = await p.idle.send("/settings")
    toggle = "🙋 " + de("Take questions people ask")
    assert toggle in shown.labels and de("Take questions people ask:") in shown.text
    [on] = await p.idle.press(data="G:q:1")
    assert "✓ " + toggle in on.labels and stored_user(IDLE).takes_questions
    await hand_over(p)
    assert [m.text for m in p.idle.receive()] != []  # now they get questions
    await p.idle.press(data="G:q:0")
    assert not stored_user(IDLE).takes_questions
    [mine] = await p.volunteer.send("/settings")
    assert not [d for _, d in mine.buttons if d.startswith("G:q:")]
    assert await p.volunteer.press_data("G:q:1") == []
    assert p.volunteer.notices() == [de("Only advisors can take questions people ask.")]
    assert not stored_user(VOLUNTEER).takes_questions


@pytest.mark.filterwarnings("ignore:Ignoring `conversation_timeout`")
async def test_a_restart_opens_what_was_taken_again(people, running, services) -> None:
    p = await people()
    await hand_over(p)
    p.first.receive()
    [english] = p.second.receive()
    await p.first.press("✍")
    assert stored(services)[0].state == s.TAKEN
    app, request = await running(services)  # the bot restarts: nobody is writing any more
    assert stored(services)[0].state == s.OPEN
    second = Chat(app, request, UpdateFactory(SECOND, "en"))
    _, prompt = await second.press_on(english, data_of(english, "H:t:"))
    assert en("Please write your answer now.") in prompt.text


async def test_no_answer_in_time_gives_the_question_back(
    people, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers, "ANSWER_TIMEOUT", timedelta(seconds=0.2))
    p = await people()
    await hand_over(p)
    p.first.receive()
    await p.first.press("✍")
    await asyncio.sleep(0.6)
    [told] = p.first.receive()
    assert de("The question is open again, so a colleague can take it.") in told.text
    assert stored(services)[0].state == s.OPEN


async def test_an_advisor_whose_role_is_taken_away_can_neither_take_nor_answer(
    people, services: Services
) -> None:
    p = await people()
    await hand_over(p)
    p.first.receive()
    [english] = p.second.receive()
    await p.first.press("✍")  # taken, and the answer is being written
    with services.db.session() as session:
        revoke_role(session, FIRST, "advisor", None)
        revoke_role(session, SECOND, "advisor", None)
    [refused] = await p.first.send(ANSWER)
    assert refused.text == de(ERRORS["not_allowed"])
    assert p.volunteer.receive() == []
    [row] = stored(services)
    assert (row.state, row.taken_by, row.answer) == (s.OPEN, None, None)  # back to the team
    await p.second.press_on(english, data_of(english, "H:t:"))  # an old "I'll answer"
    assert p.second.notices() == [en(ERRORS["not_allowed"])]
    assert [(r.state, r.taken_by) for r in stored(services)] == [(s.OPEN, None)]


async def test_the_asker_sees_in_which_language_the_advisor_answered(
    people, services: Services
) -> None:
    p = await people()
    await hand_over(p)
    p.first.receive(), p.second.receive()
    await p.first.press("✍")
    arabic = "في Radhaus Kalk، أيام الثلاثاء من 14 إلى 18."
    await p.first.send(arabic)
    [answer] = p.volunteer.receive()
    head = de("Answer from an advisor, written in {language}:", language=language_name(de, "ar"))
    assert head in answer.text and arabic in answer.text
    assert f"\u2068{arabic}\u2069" in answer.html  # isolated: it keeps its direction
