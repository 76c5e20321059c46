"""A typed question about one person starts /check with its facts filled in (freetext.py),
through the real Application: only the rest is asked, a general question stays a question."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from flows import kept

from bot.eligibility.handlers import KEY
from bot.eligibility.stats import check_counts
from bot.i18n import RLM, translator
from bot.services import Services

AGE_Q = "How old is the person?"
STATUS_Q = "Which residence status does the person have?"
PLACE_Q = "Where does the person live?"
RESULT = "Result of the check"


def say(lang: str, message: str, **params: Any) -> str:
    return translator(lang)(message, **params)


def understood(lang: str, *given: tuple[str, str]) -> str:
    """The line that names the facts taken from the question, as the user reads it."""
    t = translator(lang)
    facts = t.join_and([f"{t(name)}: {value}" for name, value in given])
    return t("I understood: {facts}.", facts=facts)


def within(lang: str, age: int) -> str:
    t = translator(lang)
    return t(
        "Age {age} is within {years}.", age=age, years=t("{low} to {high} years", low=18, high=27)
    )


@pytest.fixture
def check_chat(timed_chat):
    return timed_chat


QUESTIONS = [
    ("de", "Mein Klient ist 24 und hat eine Duldung. Kann er bei Durchstarten mitmachen?"),
    ("en", "My client is 24 with a Duldung, can he join?"),
    ("ar", "موكلي عمره ٢٤ سنة ولديه دولدونغ، هل يمكنه المشاركة؟"),
    ("fa", "موکلم ۲۴ سالشه و دولدونگ داره، می‌تونه شرکت کنه؟"),
    ("uk", "Моєму клієнту 24 роки, у нього Дульдунг. Чи може він взяти участь?"),
    ("ru", "Моему клиенту 24 года, у него Дульдунг. Может ли он участвовать?"),
    ("tr", "Danışanım 24 yaşında, Duldung'u var. Katılabilir mi?"),
    ("fr", "Mon client a 24 ans et a une Duldung. Peut-il participer ?"),
]


@pytest.mark.parametrize(("lang", "question"), QUESTIONS)
async def test_a_question_about_one_person_starts_the_check_and_asks_only_the_rest(
    check_chat, lang: str, question: str
) -> None:
    chat = await check_chat(lang)
    [line, asked] = await chat.send(question)
    status = translator(lang)("Duldung")
    assert line.text.strip(RLM) == understood(lang, ("age", "24"), ("residence status", status))
    assert line.buttons == []
    assert say(lang, PLACE_Q) in asked.text  # age and status are not asked again
    assert say(lang, AGE_Q) not in asked.text and say(lang, STATUS_Q) not in asked.text
    assert asked.labels[0] == "📍 Köln"
    assert KEY in kept(chat)
    [result] = await chat.press("📍 Köln")
    assert say(lang, RESULT) in result.text and "✅ " + say(lang, "Eligible") in result.text
    assert within(lang, 24) in result.text
    assert KEY not in kept(chat)
    if lang in ("ar", "fa"):
        assert line.html.startswith(RLM)


async def test_a_question_that_names_every_fact_gets_the_result_at_once(
    check_chat, services: Services
) -> None:
    chat = await check_chat("en")
    question = "Is she eligible? She is 19, has a Gestattung and lives in Cologne."
    [line, result] = await chat.send(question)
    given = (("age", "19"), ("residence status", "Gestattung"), ("municipality", "Köln"))
    assert line.text == understood("en", *given)
    assert RESULT in result.text and within("en", 19) in result.text
    assert "❓" not in result.text  # nothing is missing
    day = datetime.now(services.settings.tz).date()
    with services.db.session() as session:
        assert {(d, town) for d, town, _, _ in check_counts(session)} == {(day, "koeln")}
    assert KEY not in kept(chat)


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("de", "Wer darf bei Durchstarten mitmachen?"),
        ("en", "Who can take part in Durchstarten?"),
        ("en", "Can refugees with a Duldung join?"),
        ("de", "Darf ich mit Gestattung arbeiten?"),
    ],
)
async def test_a_general_question_stays_a_question_for_the_answers(
    check_chat, lang: str, question: str
) -> None:
    chat = await check_chat(lang)
    replies = await chat.send(question)
    assert replies and all(say(lang, AGE_Q) not in r.text for r in replies)
    line = say(lang, "I understood: {facts}.", facts="\x00").split("\x00")[0]
    assert all(line not in r.text for r in replies)
    assert KEY not in kept(chat)


async def test_odd_facts_are_named_unclear_and_asked_by_the_check(check_chat) -> None:
    chat = await check_chat("de")
    question = "Mein Klient ist 300 Jahre alt und hat Duldung und Gestattung, darf er mitmachen?"
    [line, asked] = await chat.send(question)
    t = translator("de")
    names = t.join_and([t("age"), t("residence status")])
    assert line.text == t("Not taken over because it is unclear: {facts}.", facts=names)
    assert say("de", AGE_Q) in asked.text
    [status] = await chat.send("23")  # the conversation runs: a typed answer is an answer
    assert say("de", STATUS_Q) in status.text
    await chat.press("Duldung")
    [result] = await chat.press("📍 Köln")
    assert within("de", 23) in result.text


async def test_back_takes_a_filled_in_fact_back_to_correct_it(check_chat) -> None:
    chat = await check_chat("de")
    await chat.send("Sie ist 19 und hat eine Gestattung, darf sie mitmachen?")
    [status] = await chat.press("Zurück")
    assert status.edited and say("de", STATUS_Q) in status.text
    await chat.press("Aufenthaltserlaubnis")
    [result] = await chat.press("📍 Köln")
    assert "Der Aufenthaltsstatus Aufenthaltserlaubnis passt nicht" in result.text
    assert within("de", 19) in result.text


async def test_a_check_started_by_a_question_can_be_cancelled_and_times_out(check_chat) -> None:
    chat = await check_chat("de")
    await chat.send("Mein Klient ist 24, kann er mitmachen?")
    [conversation] = [h for h in chat.app.handlers[-1] if getattr(h, "name", None) == "check"]
    assert len(conversation.timeout_jobs) == 1  # the conversation is running
    [cancelled] = await chat.send("/cancel")
    assert "Die Prüfung wurde abgebrochen." in cancelled.text
    assert KEY not in kept(chat) and not conversation.timeout_jobs
    replies = await chat.send("Duldung")  # now an ordinary question again
    assert all(say("de", PLACE_Q) not in r.text for r in replies)


async def test_a_new_question_during_a_check_starts_over_with_its_facts(check_chat) -> None:
    chat = await check_chat("de")
    await chat.send("/check")
    [line, asked] = await chat.send("Sie ist 19 und hat eine Gestattung, darf sie mitmachen?")
    assert line.text == understood("de", ("age", "19"), ("residence status", "Gestattung"))
    assert say("de", PLACE_Q) in asked.text
    [result] = await chat.press("📍 Köln")
    assert within("de", 19) in result.text


async def test_ordinary_typed_answers_during_a_check_stay_answers(check_chat) -> None:
    chat = await check_chat("en")
    await chat.send("/check")
    [status] = await chat.send("24 years")
    assert say("en", STATUS_Q) in status.text
    [place] = await chat.send("Duldung")
    assert say("en", PLACE_Q) in place.text


async def test_a_user_who_never_chose_a_language_is_understood_in_their_apps(
    chat_with, services: Services
) -> None:
    chat = await chat_with(services, user_id=556, language="en")
    await chat.app.job_queue.start()
    try:
        [line, asked] = await chat.send("He is twenty and lives in Bonn, can he join?")
    finally:
        await chat.app.job_queue.stop(wait=False)
    assert line.text == understood("en", ("age", "20"), ("municipality", "Bonn"))
    assert say("en", STATUS_Q) in asked.text


async def test_a_text_the_filter_took_but_the_chosen_language_reads_otherwise_goes_on(
    chat_with, services: Services
) -> None:
    # The filter reads number words in the app's language (Turkish: "yirmi dört" is 24); the
    # user chose German, in which the question names no fact: it is no check question then.
    chat = await chat_with(services, user_id=557, language="tr", chosen="de")
    await chat.app.job_queue.start()
    question = "Danışanım yirmi dört yaşında, katılabilir mi?"
    try:
        replies = await chat.send(question)
        assert replies and all(say("de", AGE_Q) not in r.text for r in replies)
        assert KEY not in kept(chat)  # answered as a question, no check started
        await chat.send("/check")
        [again] = await chat.send(question)  # during a check: an answer to its question
    finally:
        await chat.app.job_queue.stop(wait=False)
    assert "⚠️" in again.text and say("de", AGE_Q) in again.text
    assert KEY in kept(chat)
