"""/start, language and municipality through the real Application (see bot/users/start.mmd)."""

from __future__ import annotations

import pytest

from bot.chat.driver import Chat
from bot.i18n import RLM, translator
from bot.services import Services


async def to_municipality_step(chat: Chat) -> None:
    await chat.send("/start")
    await chat.press("✓")


@pytest.mark.parametrize(
    ("code", "welcome", "ticked"),
    [
        ("de-AT", "Willkommen bei Lotse!", "✓ Deutsch"),
        ("en-GB", "Welcome to Lotse!", "✓ English"),
        ("ar", "أهلًا بك في Lotse!", "✓ العربية"),
    ],
)
async def test_start_greets_in_the_language_telegram_reports_and_ticks_it(
    chat_with, services: Services, code: str, welcome: str, ticked: str
) -> None:
    chat = await chat_with(services, language=code)
    [reply] = await chat.send("/start")
    assert welcome in reply.text
    assert ticked in reply.labels
    assert len(reply.labels) == 8


async def test_arabic_welcome_lines_start_right_to_left(chat_with, services: Services) -> None:
    chat = await chat_with(services, language="ar")
    [reply] = await chat.send("/start")
    lines = [line for line in reply.html.split("\n") if line.strip()]
    assert lines and all(line.startswith(RLM) for line in lines)


async def test_a_language_button_changes_the_language_and_asks_for_the_municipality(
    chat: Chat, stored_user
) -> None:
    await chat.send("/start")
    confirmed, prompt = await chat.press("English")
    assert confirmed.edited and "I will write to you in English." in confirmed.text
    assert "Where do you work?" in prompt.text
    assert "Bielefeld" in prompt.labels and any("Skip" in label for label in prompt.labels)
    assert stored_user(chat.user_id).language == "en"


async def test_municipality_pages_turn_and_a_pressed_municipality_is_saved(
    chat: Chat, services: Services, stored_user
) -> None:
    await to_municipality_step(chat)
    first_page = chat.messages[max(chat.messages)].labels
    [second] = await chat.press("▶")
    assert second.edited and "2/" in " ".join(second.labels)
    names = [label for label in second.labels if label not in first_page and "/" not in label]
    assert names and names[0] not in first_page
    saved, invitation = await chat.press(names[0])
    assert "Gespeichert" in saved.text and names[0] in saved.text
    assert "Jetzt können Sie mich alles fragen" in invitation.text
    assert "Zum Beispiel:" in invitation.text
    chosen = stored_user(chat.user_id).municipality
    assert services.content.municipalities[chosen].name == names[0]


@pytest.mark.parametrize("typed", ["koln", "Koeln", "cologne", "Köln", "KÖLN"])
async def test_typed_letters_find_the_municipality(chat: Chat, stored_user, typed: str) -> None:
    await to_municipality_step(chat)
    [results] = await chat.send(typed)
    assert "Köln" in results.labels
    await chat.press("Köln")
    assert stored_user(chat.user_id).municipality == "koeln"


async def test_typed_letters_matching_nothing_say_so_and_offer_the_list(chat: Chat) -> None:
    await to_municipality_step(chat)
    [reply] = await chat.send("Atlantis")
    assert "keine Kommune gefunden" in reply.text and "„Atlantis“" in reply.text
    assert "Bielefeld" in reply.labels


async def test_skipping_keeps_all_of_nrw(chat: Chat, stored_user) -> None:
    await to_municipality_step(chat)
    saved, _ = await chat.press("Überspringen")
    assert "ganz Nordrhein-Westfalen" in saved.text
    assert stored_user(chat.user_id).municipality is None


async def test_a_question_during_the_municipality_step_is_answered(chat: Chat) -> None:
    await to_municipality_step(chat)
    [reply] = await chat.send("Wer kann bei Durchstarten mitmachen?")
    assert reply.html.startswith("<b>Wer kann bei Durchstarten mitmachen?</b>")


async def test_a_returning_user_gets_a_short_welcome_back_with_the_main_actions(
    chat: Chat,
) -> None:
    await to_municipality_step(chat)
    await chat.send("koeln")
    await chat.press("Köln")
    [back] = await chat.send("/start")
    assert "Willkommen zurück!" in back.text and "Kommune: Köln" in back.text
    assert [label.split(" ", 1)[1] for label in back.labels] == [
        "Sprache",
        "Kommune",
        "Hilfe",
        "Berechtigung prüfen",
        translator("de")("Find offers"),
    ]
    [question] = await chat.press("Sprache")
    assert "In welcher Sprache" in question.text
    [confirmed] = await chat.press("Français")
    assert "Je vous écrirai" in confirmed.text  # no municipality step the second time


async def test_the_municipality_command_shows_the_current_one(chat: Chat) -> None:
    await to_municipality_step(chat)
    await chat.send("koeln")
    await chat.press("Köln")
    [prompt] = await chat.send("/municipality")
    assert "Derzeit: Köln" in prompt.text
    await chat.send("bonn")
    [saved] = await chat.press("Bonn")
    assert "Gespeichert: Bonn" in saved.text


async def test_help_explains_and_lists_the_commands(chat_with, services: Services) -> None:
    chat = await chat_with(services, language="en")
    [reply] = await chat.send("/help")
    assert "How Lotse works" in reply.text
    for command in ("/start", "/help", "/language", "/municipality"):
        assert command in reply.text


async def test_an_arabic_user_is_set_up_and_answered_in_arabic(
    chat_with, services: Services, stored_user
) -> None:
    chat = await chat_with(services, user_id=31, language="ar")
    await chat.send("/start")
    confirmed, prompt = await chat.press("✓ العربية")
    assert "سأكتب إليك من الآن فصاعدًا باللغة العربية" in confirmed.text
    assert "في أي مدينة أو دائرة تعمل؟" in prompt.text
    [results] = await chat.send("koln")
    assert "بلدية واحدة تطابق" in results.text and results.html.startswith(RLM)
    saved, invitation = await chat.press("Köln")
    assert "تم الحفظ" in saved.text and "على سبيل المثال:" in invitation.text
    assert all(line.startswith(RLM) for line in invitation.html.split("\n") if line)
    question = services.content.faq["durchstarten-wer"].translations["ar"].title
    [answer] = await chat.send(question)
    assert question in answer.text and answer.labels == ["🌐 بلغة أخرى", "✅ التحقق من الأهلية"]
    assert (stored_user(31).language, stored_user(31).municipality) == ("ar", "koeln")


async def test_a_question_without_question_mark_at_the_municipality_step_is_answered(
    chat: Chat,
) -> None:
    await to_municipality_step(chat)
    [reply] = await chat.send("wer kann bei durchstarten mitmachen")
    assert "Wer kann bei Durchstarten mitmachen?" in reply.text
