"""Free-text questions through the real Application, the real engine and the shipped content."""

from __future__ import annotations

import pytest

from bot.chat.driver import Chat
from bot.db.models import UnansweredQuestion
from bot.i18n import RLM
from bot.services import Services

WHO_CAN_JOIN = "durchstarten-wer"


def title(services: Services, entry_id: str, lang: str) -> str:
    return services.content.faq[entry_id].translations[lang].title


@pytest.fixture
def ambiguous(services: Services) -> str:
    """A one-word German question several shipped entries share, that the engine is unsure of."""
    counts: dict[str, int] = {}
    for entry in services.content.faq.values():
        for word in {w.strip("?„“,.").capitalize() for w in entry.translations["de"].title.split()}:
            counts[word] = counts.get(word, 0) + 1
    candidates = sorted((w for w, n in counts.items() if n >= 2 and len(w) > 4), key=counts.get)
    for word in ["Status", "Bausteine", "Kommune", *candidates]:
        if services.engine.ask(word, "de").kind == "suggest":
            return word
    pytest.fail("the engine offers no 'did you mean' for any word several entries share")


@pytest.mark.parametrize(
    ("lang", "source", "other_language", "check"),
    [
        ("de", "Quelle:", "🌐 In einer anderen Sprache", "✅ Berechtigung prüfen"),
        ("en", "Source:", "🌐 In another language", "✅ Check eligibility"),
        ("ar", "المصدر:", "🌐 بلغة أخرى", "✅ التحقق من الأهلية"),
    ],
)
async def test_a_confident_answer_comes_in_the_users_language_with_the_other_language_button(
    chat_with, services: Services, lang: str, source: str, other_language: str, check: str
) -> None:
    chat = await chat_with(services, language=lang)
    question = title(services, WHO_CAN_JOIN, lang)
    [reply] = await chat.send(question)
    entry = services.content.faq[WHO_CAN_JOIN].translations[lang]
    assert reply.html.lstrip(RLM).startswith(f"<b>{entry.title}</b>")
    assert entry.answer.split("\n")[0][:40] in reply.text
    assert source in reply.text
    assert reply.labels == [other_language, check]  # the entry is about a program: check it


async def test_the_other_language_button_sends_the_same_answer_in_the_chosen_language(
    chat: Chat, services: Services
) -> None:
    await chat.send(title(services, WHO_CAN_JOIN, "de"))
    [choice] = await chat.press("In einer anderen Sprache")
    assert choice.change == "buttons"
    assert {"English", "العربية", "Deutsch"} <= set(choice.labels)
    restored, answer = await chat.press("العربية")
    assert restored.labels == ["🌐 In einer anderen Sprache", "✅ Berechtigung prüfen"]
    arabic = services.content.faq[WHO_CAN_JOIN].translations["ar"]
    assert arabic.title in answer.text and "المصدر:" in answer.text
    lines = [line for line in answer.html.split("\n") if line.strip()]
    assert all(line.startswith(RLM) for line in lines)
    # the buttons speak the user's language
    assert answer.labels == ["🌐 In einer anderen Sprache", "✅ Berechtigung prüfen"]


async def test_the_language_choice_can_be_closed_again(chat: Chat, services: Services) -> None:
    await chat.send(title(services, WHO_CAN_JOIN, "de"))
    await chat.press("In einer anderen Sprache")
    [back] = await chat.press("Zurück")
    assert back.labels == ["🌐 In einer anderen Sprache", "✅ Berechtigung prüfen"]


async def test_an_untranslated_answer_is_shown_in_german_with_a_note(
    chat_with, services_with, services: Services
) -> None:
    from dataclasses import replace

    # Every shipped entry is translated: take the Arabic away from one.
    entry = services.content.faq["gestattung-was"]
    untranslated = replace(
        entry, translations={k: v for k, v in entry.translations.items() if k != "ar"}
    )
    faq = {**services.content.faq, untranslated.id: untranslated}
    content = replace(services.content, faq=faq)
    chat = await chat_with(services_with(content), language="ar")
    [reply] = await chat.send(untranslated.translations["de"].title)
    assert untranslated.translations["de"].title in reply.text
    assert "لا توجد ترجمة لهذه الإجابة بعد" in reply.text
    assert "المصدر:" in reply.text


async def test_did_you_mean_offers_titles_and_a_pressed_one_is_answered(
    chat: Chat, ambiguous: str
) -> None:
    [offer] = await chat.send(ambiguous)
    assert "Meinten Sie eine dieser Fragen?" in offer.text
    titles = offer.labels[:-1]
    assert 2 <= len(titles) <= 3 and offer.labels[-1] == "✖ Nichts davon passt"
    closed, answer = await chat.press(titles[0])
    assert closed.change == "buttons" and not closed.buttons
    assert answer.text.startswith(titles[0].rstrip("…"))  # long titles are shortened


async def test_none_of_these_passes_the_question_on_and_forgets_it(
    chat: Chat, unanswered, ambiguous: str
) -> None:
    await chat.send(ambiguous)
    _, thanks = await chat.press("Nichts davon passt")
    assert "an das Team weitergegeben" in thanks.text
    [row] = unanswered()
    assert (row["text"], row["lang"], row["municipality"]) == (ambiguous, "de", None)
    await chat.press_data("N")  # the same (old) button again: nothing left to record
    assert len(unanswered()) == 1


async def test_an_unknown_question_is_recorded_without_anything_about_the_user(
    chat_with, services: Services, unanswered
) -> None:
    chat = await chat_with(services, user_id=86420, language="en", municipality="koeln")
    [reply] = await chat.send("How do I bake a pizza?")
    assert "I don't know that yet." in reply.text
    assert "passed your question on to the team" in reply.text
    [row] = unanswered()
    assert set(row) == {"id", "text", "lang", "municipality", "created_at", "group_id", "group_key"}
    assert (row["text"], row["lang"], row["municipality"]) == (
        "How do I bake a pizza?",
        "en",
        "koeln",
    )
    assert 86420 not in row.values()
    assert "user" not in " ".join(UnansweredQuestion.__table__.columns.keys())


async def test_another_municipalitys_answer_is_never_shown(chat_with, services: Services) -> None:
    local = services.content.faq["koeln-buendniskerngruppe"]
    question = local.translations["de"].title
    bonn = await chat_with(services, user_id=1, municipality="bonn")
    replies = await bonn.send(question)
    shown = " ".join(r.text + " ".join(r.labels) for r in replies)
    assert local.translations["de"].answer[:60] not in shown
    assert all("koeln" not in data for r in replies for _, data in r.buttons)
    assert await bonn.press_data("A:koeln-buendniskerngruppe") == []
    assert bonn.notices()  # a forged button gets a notice, not the answer
    cologne = await chat_with(services, user_id=2, municipality="koeln")
    [reply] = await cologne.send(question)
    assert local.translations["de"].answer[:60] in reply.text


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("de", "Hallo!", "Hallo! Fragen Sie mich gern"),
        ("en", "thanks", "You're welcome!"),
        ("ar", "شكرا", "على الرحب والسعة"),
        ("de", "???", "Bitte schreiben Sie Ihre Frage in ein paar Worten."),
    ],
)
async def test_small_talk_and_empty_messages_get_a_friendly_reply_and_no_search(
    chat_with, services: Services, unanswered, lang: str, text: str, expected: str
) -> None:
    chat = await chat_with(services, language=lang)
    [reply] = await chat.send(text)
    assert expected in reply.text
    assert not reply.buttons and unanswered() == []


async def test_a_sticker_gets_a_hint_to_type(chat: Chat) -> None:
    sticker = {
        "file_id": "x",
        "file_unique_id": "y",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    [reply] = await chat.process(chat.updates.other(sticker=sticker))
    assert "nur Textnachrichten" in reply.text


async def test_an_unknown_question_names_the_municipalitys_contact(
    chat_with, services_with, services: Services
) -> None:
    from dataclasses import replace

    from bot.catalog.schema import Contact

    contact = Contact(
        id="koeln-ki",
        municipality="koeln",
        role="integrationszentrum",
        phone="0221 221-0",
        email="ki@example.org",
        translations={"de": {"title": "Kommunales Integrationszentrum Köln", "description": "."}},
    )
    other = replace(contact, id="bonn-ki", municipality="bonn")
    content = replace(services.content, contacts={c.id: c for c in (contact, other)})
    chat = await chat_with(
        services_with(content), user_id=86421, language="ar", municipality="koeln"
    )
    [reply] = await chat.send("ما هو لون السماء؟")
    assert "Kommunales Integrationszentrum Köln" in reply.text
    assert "\u20680221 221-0\u2069" in reply.html  # the number keeps its order in Arabic text
    assert "ki@example.org" in reply.text
