"""/check, the guided eligibility check, through the real Application (see bot/eligibility/check.mmd)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest
from flows import kept
from sqlalchemy import inspect, select

from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.db.models import Base
from bot.eligibility.handlers import KEY
from bot.eligibility.stats import check_counts
from bot.i18n import RLM, translator
from bot.services import Services

PERSON_PROGRAMS = (
    "gemeinsam-klappts",
    "durchstarten",
    "durchstarten-coaching",
    "durchstarten-qualifizierung",
    "durchstarten-hauptschulabschluss",
    "durchstarten-kurse",
)
STALE = (
    "Diese Schaltfläche funktioniert nicht mehr. "
    "Bitte nutzen Sie /start oder stellen Sie Ihre Frage noch einmal."
)


def say(lang: str, message: str, **params: Any) -> str:
    """What the bot says in lang (placeholders filled)."""
    return translator(lang)(message, **params)


AGE_Q = "How old is the person?"
STATUS_Q = "Which residence status does the person have?"
PLACE_Q = "Where does the person live?"


@pytest.fixture
def check_chat(timed_chat):
    return timed_chat


def today(services: Services) -> date:
    return datetime.now(services.settings.tz).date()


def years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def title(services: Services, program: str, lang: str) -> str:
    return services.content.programs[program].text(lang)["title"]


async def to_status(chat: Chat, age: str = "23") -> None:
    await chat.send("/check")
    await chat.send(age)


@pytest.mark.parametrize("lang", ["de", "en", "ar", "fa"])
async def test_a_whole_check_by_buttons_lists_every_program_with_reasons_and_sources(
    check_chat, services: Services, lang: str
) -> None:
    chat = await check_chat(lang)
    [age] = await chat.send("/check")
    assert say(lang, AGE_Q) in age.text
    assert [label.split(" ", 1)[1] for label in age.labels] == [
        say(lang, "I don't know"),
        say(lang, "Cancel"),
    ]
    [status] = await chat.send("23")
    assert say(lang, STATUS_Q) in status.text
    assert {"Gestattung", "Duldung", "Aufenthaltserlaubnis", "Niederlassungserlaubnis"} <= set(
        status.labels
    )
    [place] = await chat.press("Duldung")
    assert place.edited and say(lang, PLACE_Q) in place.text
    assert place.labels[0] == "📍 Köln"
    [result] = await chat.press("📍 Köln")
    assert result.edited
    assert say(lang, "Result of the check") in result.text
    assert "✅ " + say(lang, "Eligible") in result.text
    assert say(lang, "Not eligible") not in result.text
    for program in PERSON_PROGRAMS:
        assert title(services, program, lang) in result.text
        # The source line in the reader's language (German names and § kept in it).
        texts = services.content.programs[program].text(lang)
        assert (texts.get("source") or services.content.programs[program].source) in result.text
    source = say(lang, "Source: {source}", source="")
    assert result.text.count(source) == len(PERSON_PROGRAMS)
    assert "📖 " + title(services, "gemeinsam-klappts", lang)[:40] in " ".join(result.labels)
    assert result.labels[-2] == "🔁 " + say(lang, "Start again")
    assert result.labels[-1] == "🔎 " + say(lang, "Find offers")
    if lang in ("ar", "fa"):
        lines = [line for line in result.html.split("\n") if line]
        assert all(line.startswith(RLM) for line in lines)


async def test_find_offers_after_a_check_reuses_its_answers_then_forgets_them(
    check_chat, services: Services
) -> None:
    chat = await check_chat("fa")
    await to_status(chat)
    await chat.press("Duldung")
    await chat.press("📍 Köln")
    [kinds] = await chat.press("🔎 " + say("fa", "Find offers"))
    assert say("fa", "What kind of offer are you looking for?") in kinds.text
    [langs] = await chat.press(data="S:0:t:coaching")  # age, status and place are known
    assert say("fa", "Which languages does the person speak?") in langs.text
    [listed] = await chat.press("✅ " + say("fa", "Done"))
    kalk = services.content.offers["koeln-coaching-kalk"].translations
    assert any((kalk.get("fa") or kalk["de"])["title"] in label for label in listed.labels)
    await chat.press("✖")  # close the list: the answers are forgotten
    assert kept(chat) == {}


@pytest.mark.parametrize(
    ("lang", "typed"),
    [("de", "23 Jahre"), ("en", "23 years"), ("ar", "٢٣"), ("ar", "٢٣ سنة"), ("fa", "۲۳")],
)
async def test_a_typed_age_is_understood_in_the_users_language_and_digits(
    check_chat, lang: str, typed: str
) -> None:
    chat = await check_chat(lang)
    await chat.send("/check")
    [status] = await chat.send(typed)
    assert say(lang, STATUS_Q) in status.text
    await chat.press("Duldung")
    [result] = await chat.press("📍 Köln")
    t = translator(lang)
    years = t("{low} to {high} years", low=18, high=27)
    assert t("Age {age} is within {years}.", age=23, years=years) in result.text


ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("lang", "pattern"),
    [("de", "%d.%m.%Y"), ("en", "%d/%m/%Y"), ("en", "%Y-%m-%d"), ("ar", "%d/%m/%Y")],
)
async def test_a_birth_date_in_the_local_format_gives_the_age_on_the_day_asked(
    check_chat, services: Services, lang: str, pattern: str
) -> None:
    chat = await check_chat(lang)
    await chat.send("/check")
    born = years_ago(today(services), 23).strftime(pattern)
    [status] = await chat.send(born.translate(ARABIC_DIGITS) if lang == "ar" else born)
    assert say(lang, STATUS_Q) in status.text
    await chat.press("Duldung")
    [result] = await chat.press("📍 Köln")
    t = translator(lang)
    years = t("{low} to {high} years", low=18, high=27)
    assert t("Age {age} is within {years}.", age=23, years=years) in result.text


@pytest.mark.parametrize(
    ("lang", "typed", "message"),
    [
        ("de", "250", "Ein Alter von 250 ist nicht möglich"),
        ("de", "-4", "Ein Alter von -4 ist nicht möglich"),
        ("de", "24.11.2099", "Das Geburtsdatum 24.11.2099 liegt in der Zukunft."),
        ("de", "30.02.2000", "Das Datum 30.02.2000 gibt es nicht"),
        ("de", "ungefähr zwanzig", "Bitte geben Sie das Alter als Zahl"),
        ("en", "250", "An age of 250 is not possible"),
        ("en", "30/02/2000", "There is no date 30/02/2000"),
        ("en", "twenty-ish", "Please type the age as a number"),
        ("ar", "٢٥٠", "عمر 250 غير ممكن"),
        ("ar", "عشرون", "يُرجى كتابة العمر كرقم"),
    ],
)
async def test_a_wrong_answer_gets_a_clear_message_and_the_same_question_again(
    check_chat, lang: str, typed: str, message: str
) -> None:
    chat = await check_chat(lang)
    [first] = await chat.send("/check")
    [again] = await chat.send(typed)
    assert message in again.text and "⚠️" in again.text
    assert say(lang, AGE_Q) in again.text
    assert again.labels == first.labels
    [status] = await chat.send("23")
    assert say(lang, STATUS_Q) in status.text


async def test_a_wrong_answer_later_loses_nothing_already_answered(check_chat) -> None:
    chat = await check_chat("de")
    await to_status(chat, "23")
    [again] = await chat.send("Flüchtling")
    assert "Bitte tippen Sie auf eine der Schaltflächen unten." in again.text
    assert say("de", STATUS_Q) in again.text and "◀ Zurück" in again.labels
    await chat.press("Duldung")
    [result] = await chat.press("📍 Köln")
    assert "Alter 23 erfüllt die Bedingung" in result.text
    assert "✅ Berechtigt" in result.text


async def test_a_typed_status_name_is_taken_as_the_answer(check_chat) -> None:
    chat = await check_chat("de")
    await to_status(chat)
    [place] = await chat.send("gestattung")
    assert say("de", PLACE_Q) in place.text


async def test_i_dont_know_leaves_the_fact_missing_and_it_is_not_asked_again(
    check_chat, services: Services
) -> None:
    chat = await check_chat("de")
    await chat.send("/check")
    [status] = await chat.press("Weiß ich nicht")
    assert say("de", STATUS_Q) in status.text
    await chat.press("Duldung")
    [result] = await chat.press("📍 Köln")
    assert "❓ Weitere Angaben nötig" in result.text
    assert "Berechtigt\n" not in result.text and "Nicht berechtigt" not in result.text
    assert result.text.count("Noch nötig: Alter") == len(PERSON_PROGRAMS)
    assert "Alter noch nicht bekannt (das Programm verlangt 18 bis 27 Jahre)." in result.text
    assert result.labels == ["🔁 Neu starten", "🔎 " + say("de", "Find offers")]  # no FAQ button


async def test_i_dont_know_can_be_typed_too(check_chat) -> None:
    chat = await check_chat("en")
    await chat.send("/check")
    [status] = await chat.send("I don't know")
    assert say("en", STATUS_Q) in status.text


async def test_back_asks_the_previous_question_again_and_only_what_is_needed(
    check_chat,
) -> None:
    chat = await check_chat("de")
    await to_status(chat)
    await chat.press("Duldung")
    [status] = await chat.press("Zurück")
    assert status.edited and say("de", STATUS_Q) in status.text
    [age] = await chat.press("Zurück")
    assert say("de", AGE_Q) in age.text and "◀ Zurück" not in age.labels
    [result] = await chat.send("30")  # outside every age range: nothing more to ask
    assert "❌ Nicht berechtigt" in result.text and "✅" not in result.text
    assert "Alter 30 erfüllt die Bedingung nicht (18 bis 27 Jahre)." in result.text


async def test_cancel_drops_the_answers_and_ends_the_check(check_chat, services: Services) -> None:
    chat = await check_chat("de")
    await to_status(chat)
    assert KEY in kept(chat)
    [cancelled] = await chat.press("Abbrechen")
    assert "Die Prüfung wurde abgebrochen." in cancelled.text
    assert "Ich habe keine der Antworten gespeichert." in cancelled.text
    assert cancelled.labels == ["✅ Berechtigung prüfen"]
    assert KEY not in kept(chat)
    replies = await chat.send("Duldung")  # now an ordinary question, not an answer
    assert all(say("de", PLACE_Q) not in r.text for r in replies)
    with services.db.session() as session:
        assert check_counts(session) == {}


async def test_the_cancel_command_ends_the_check(check_chat) -> None:
    chat = await check_chat("en")
    await to_status(chat)
    [cancelled] = await chat.send("/cancel")
    assert "The check was cancelled." in cancelled.text
    assert KEY not in kept(chat)


async def test_another_command_leaves_the_check_and_runs_as_usual(check_chat) -> None:
    chat = await check_chat("de")
    await to_status(chat)
    [shown] = await chat.send("/help")
    assert "So funktioniert Lotse" in shown.text and "/check" in shown.text
    assert KEY not in kept(chat)


@pytest.mark.parametrize("lang", ["de", "ar"])
async def test_the_explanation_button_explains_the_residence_statuses(
    check_chat, lang: str
) -> None:
    chat = await check_chat(lang)
    await to_status(chat)
    [explained] = await chat.press("ℹ️")
    assert explained.edited
    t = translator(lang)
    for status, meaning in [
        ("gestattung", "The person has applied for asylum and may stay in Germany"),
        ("duldung", "The person is obliged to leave Germany"),
        ("aufenthaltserlaubnis", "A residence permit for a limited time"),
        ("niederlassungserlaubnis", "A permanent residence permit without a time limit."),
    ]:
        assert status.capitalize() in explained.text
        msgid = next(m for m in _explanations() if m.startswith(meaning))
        assert t(msgid) in explained.text
    assert t("This is general information, not legal advice.") in explained.text
    assert "Ausländerbehörde" in explained.text
    assert say(lang, STATUS_Q) in explained.text
    assert "Duldung" in explained.labels and not any("ℹ️" in b for b in explained.labels)
    if lang == "ar":
        assert all(line.startswith(RLM) for line in explained.html.split("\n") if line)
    [place] = await chat.press("Duldung")
    assert say(lang, PLACE_Q) in place.text


def _explanations() -> list[str]:
    from bot.eligibility.words import STATUS_EXPLANATIONS

    return list(STATUS_EXPLANATIONS.values())


async def test_the_result_groups_eligible_before_not_eligible_with_reasons(
    check_chat, services: Services
) -> None:
    chat = await check_chat("de")
    await to_status(chat)
    await chat.press("Aufenthaltserlaubnis")
    [result] = await chat.press("📍 Köln")
    text = result.text
    eligible, not_eligible = text.index("✅ Berechtigt"), text.index("❌ Nicht berechtigt")
    assert eligible < text.index("Gemeinsam klappt's") < not_eligible
    for program in PERSON_PROGRAMS[1:]:
        assert text.index(title(services, program, "de")) > not_eligible
    assert "Der Aufenthaltsstatus Aufenthaltserlaubnis passt nicht" in text
    assert "Die Person wohnt in NRW." in text
    assert "keine rechtliche Entscheidung" in text
    [faq] = [label for label in result.labels if label.startswith("📖")]
    assert "Gemeinsam klappt's" in faq
    [entry] = await chat.press("📖")
    assert not entry.edited and "Köln" in entry.text  # Köln's own entry comes first
    assert "✅ Berechtigung prüfen" in entry.labels
    assert chat.messages[result.message_id].labels == result.labels  # the result stays


async def test_outside_nrw_makes_every_program_not_eligible(check_chat) -> None:
    chat = await check_chat("de", municipality=None)
    await to_status(chat)
    [place] = await chat.press("Duldung")
    assert not place.labels[0].startswith("📍")  # no own municipality to offer
    [result] = await chat.press("Außerhalb von NRW")
    assert "❌ Nicht berechtigt" in result.text and "✅" not in result.text
    assert "Die Person wohnt nicht in NRW." in result.text


async def test_elsewhere_in_nrw_is_enough_for_the_person_programs(check_chat) -> None:
    chat = await check_chat("de")
    await to_status(chat)
    await chat.press("Gestattung")
    [result] = await chat.press("Anderswo in NRW")
    assert "✅ Berechtigt" in result.text and "❓" not in result.text


async def test_the_municipality_can_be_typed_or_found_page_by_page(
    check_chat, services: Services
) -> None:
    chat = await check_chat("de")
    await to_status(chat)
    await chat.press("Duldung")
    [second] = await chat.press("▶")
    assert second.edited and "2/" in " ".join(second.labels)
    [found] = await chat.send("bon")
    assert "Bonn" in found.labels and "📋 Ganze Liste zeigen" in found.labels
    [result] = await chat.press("Bonn")
    assert "✅ Berechtigt" in result.text
    with services.db.session() as session:
        places = {municipality for _, municipality, _, _ in check_counts(session)}
    assert places == {"bonn"}


async def test_only_an_anonymous_count_is_stored_and_the_answers_are_dropped(
    check_chat, services: Services
) -> None:
    chat = await check_chat("de")
    before = _tables(services)
    await to_status(chat)
    await chat.press("Duldung")
    await chat.press("📍 Köln")
    await chat.send("/check")
    await chat.press("Weiß ich nicht")
    await chat.press("Weiß ich nicht")
    await chat.press("Weiß ich nicht")
    await to_status(chat)
    await chat.press("Abbrechen")  # a cancelled check is not counted
    after = _tables(services)
    stats = after.pop("check_stats")
    assert before.pop("check_stats") == []
    assert after == before  # the user's row and everything else unchanged
    day = today(services)
    with services.db.session() as session:
        assert check_counts(session) == {
            **{(day, "koeln", p, "eligible"): 1 for p in PERSON_PROGRAMS},
            **{(day, "koeln", p, "unknown"): 1 for p in PERSON_PROGRAMS},
        }
    assert {tuple(sorted(row)) for row in stats} == {
        ("count", "day", "id", "municipality", "program", "result")
    }
    assert KEY not in kept(chat)
    assert chat.app.persistence is None  # nothing of the conversation is written anywhere


def _tables(services: Services) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as dicts."""
    engine = services.db.engine
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    with engine.connect() as connection:
        return {
            name: [dict(row._mapping) for row in connection.execute(select(table))]
            for name, table in Base.metadata.tables.items()
            if name in names
        }


async def test_the_answers_are_dropped_after_the_conversation_timeout(check_chat) -> None:
    chat = await check_chat("de")
    await to_status(chat)
    [conversation] = [h for h in chat.app.handlers[-1] if getattr(h, "name", None) == "check"]
    [job] = conversation.timeout_jobs.values()
    assert 29 * 60 < (job.next_t - datetime.now(job.next_t.tzinfo)).total_seconds() <= 30 * 60
    seen = len(chat.request.calls)
    await job.run(chat.app)
    [said] = [c.params["text"] for c in chat.request.calls[seen:] if c.method == "sendMessage"]
    assert "30 Minuten lang keine Antwort kam" in said
    assert "Ich habe keine der Antworten gespeichert." in said
    assert KEY not in kept(chat)
    replies = await chat.send("Duldung")  # the check is over: an ordinary question again
    assert all(say("de", PLACE_Q) not in r.text for r in replies)


@pytest.mark.parametrize("data", ["K:1:s:duldung", "K:0:u", "K:2:b", "K:0:x", "K:0:i"])
async def test_check_buttons_without_a_running_check_get_a_friendly_notice(
    check_chat, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    chat = await check_chat("de")
    assert await chat.press_data(data) == []
    assert chat.notices() == [STALE]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "data",
    [
        "K:0:s:duldung",  # the age question's step
        "K:1:s:refugee",  # no such status
        "K:1:m:koeln",  # a place for the status question
        "K:1:l:B1",  # a level for the status question
        "K:1:p:2",  # a page for the status question
        "",  # no data at all
    ],
)
async def test_old_or_forged_buttons_during_a_check_are_refused_and_the_check_goes_on(
    check_chat, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    chat = await check_chat("de")
    await to_status(chat)
    assert await chat.press_data(data) == []
    assert chat.notices() == [STALE]
    assert [c.method for c in chat.calls] == ["answerCallbackQuery"]
    [place] = await chat.press("Duldung")
    assert say("de", PLACE_Q) in place.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_button_of_a_check_from_before_a_restart_gets_a_friendly_notice(
    check_chat, running, services: Services
) -> None:
    chat = await check_chat("de")
    await to_status(chat)
    status = chat.latest_with_buttons()
    app, request = await running(services)  # the bot restarted: nothing in memory
    restarted = Chat(app, request, UpdateFactory(user_id=chat.user_id, language_code="de"))
    assert await restarted.press_on(status, "K:1:s:duldung") == []
    assert restarted.notices() == [STALE]


async def test_the_check_button_under_a_program_answer_starts_the_check(
    check_chat, services: Services
) -> None:
    chat = await check_chat("de")
    question = services.content.faq["durchstarten-wer"].translations["de"].title
    [answer] = await chat.send(question)
    assert answer.labels == ["🌐 In einer anderen Sprache", "✅ Berechtigung prüfen"]
    [asked] = await chat.press("Berechtigung prüfen")
    assert not asked.edited and say("de", AGE_Q) in asked.text
    assert chat.messages[answer.message_id].labels == answer.labels


async def test_only_answers_about_a_program_for_persons_offer_the_check(
    check_chat, services: Services
) -> None:
    chat = await check_chat("en")
    [about_a_program] = await chat.press_data("F:durchstarten-wer")
    assert "✅ Check eligibility" in about_a_program.labels
    no_program = next(e for e in services.content.faq.values() if e.program is None)
    [general] = await chat.press_data(f"F:{no_program.id}")
    assert general.labels == ["🌐 In another language"]
    [for_organisations] = await chat.press_data("F:durchstarten-innovationsfonds")
    assert for_organisations.labels == ["🌐 In another language"]


async def test_the_start_menu_and_help_offer_the_check(check_chat) -> None:
    chat = await check_chat("de")
    [menu] = await chat.send("/start")
    assert "✅ Berechtigung prüfen" in menu.labels
    [asked] = await chat.press("Berechtigung prüfen")
    assert say("de", AGE_Q) in asked.text
    [shown] = await chat.send("/help")
    assert "/check" in shown.text and "✅ Berechtigung prüfen" in shown.labels


async def test_start_again_begins_a_new_check(check_chat) -> None:
    chat = await check_chat("de")
    await to_status(chat, "30")
    [again] = await chat.press("Neu starten")
    assert not again.edited and say("de", AGE_Q) in again.text


async def test_program_titles_and_sources_are_escaped(
    chat_with, services_with, services: Services
) -> None:
    content = services.content
    program = content.programs["gemeinsam-klappts"]
    odd = replace(
        program,
        source="<script>alert(1)</script> & Co",
        translations={"de": {**program.translations["de"], "title": "<b>Fett</b> & mehr"}},
    )
    tricky = replace(content, programs={**content.programs, odd.id: odd})
    chat = await chat_with(services_with(tricky), chosen="de", municipality="koeln")
    await chat.app.job_queue.start()
    try:
        await to_status(chat)
        await chat.press("Duldung")
        [result] = await chat.press("📍 Köln")
    finally:
        await chat.app.job_queue.stop(wait=False)
    assert "&lt;b&gt;Fett&lt;/b&gt; &amp; mehr" in result.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in result.html
    assert "<script>" not in result.html


async def test_every_user_may_check_even_before_choosing_a_language(
    chat_with, services: Services, stored_user
) -> None:
    chat = await chat_with(services, user_id=555, language="en")
    await chat.app.job_queue.start()
    try:
        [asked] = await chat.send("/check")
    finally:
        await chat.app.job_queue.stop(wait=False)
    assert say("en", AGE_Q) in asked.text
    user = stored_user(555)  # the profile was read (and the user created) as for any update
    assert (user.language, user.municipality, user.role_names) == (None, None, frozenset())
