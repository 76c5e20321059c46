"""Outdated translations as readers and admins see them, through the real Application."""

from __future__ import annotations

import pytest
from flows import seat

from bot.catalog.translations import Status, status
from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.services import Services
from tests.chat.test_chat_admin_history import CHANGED, version

ADMIN, BONN, VOLUNTEER = 41, 42, 43
NOT_ADMIN = "Only the admins of Lotse can do that."
QUESTION = "Does Cologne take part in Gemeinsam klappt's?"
OUTDATED_NOTE = "The German text of this answer has changed since it was translated"


@pytest.fixture
async def people(running, services: Services) -> tuple[Chat, Chat, Chat]:
    seat(
        services,
        (
            (ADMIN, "admin", "koeln", "en"),
            (BONN, "admin", "bonn", "en"),
            (VOLUNTEER, None, "koeln", "en"),
        ),
    )
    app, request = await running(services)
    return tuple(Chat(app, request, UpdateFactory(u, "en")) for u in (ADMIN, BONN, VOLUNTEER))


async def test_a_reader_of_an_outdated_translation_is_told_and_gets_the_current_german(
    people, services: Services
) -> None:
    admin, _, volunteer = people
    [before] = await volunteer.send(QUESTION)
    assert "Cologne" in before.text and OUTDATED_NOTE not in before.text
    assert "🇩🇪 Current German text" not in before.labels
    await admin.send_file("koeln.yaml", CHANGED.encode())
    await admin.press("✅ Apply")
    [after] = await volunteer.send(QUESTION)
    assert OUTDATED_NOTE in after.text and "Cologne" in after.text
    assert after.labels[0] == "🇩🇪 Current German text"
    *_, german = await volunteer.press("🇩🇪 Current German text")
    assert "Ja (geänderter Text). Die Stadt Köln" in german.text
    assert OUTDATED_NOTE not in german.text
    # The answer keeps its German button after "another language" and back.
    await volunteer.press_on(after, "O:koeln-teilnahme")
    [back] = await volunteer.press_on(after, "B:koeln-teilnahme")
    assert back.labels[0] == "🇩🇪 Current German text"


async def test_translations_lists_outdated_ones_shows_the_german_change_and_keeps_one(
    people, services: Services
) -> None:
    admin, _, volunteer = people
    [overview] = await admin.send("/translations")
    assert "Translations (the content you administer)" in overview.text
    assert "0 outdated" in overview.text
    await admin.send_file("koeln.yaml", CHANGED.encode())
    await admin.press("✅ Apply")
    [overview] = await admin.send("/translations")
    assert "English: " in overview.text and "1 outdated" in overview.text
    assert "English (1)" in overview.labels
    assert any(label.startswith("العربية (") for label in overview.labels)
    [listed] = await admin.press("English (1)")
    assert "English: translations to do (1)" in listed.text
    assert listed.labels[0].startswith("⚠️ Macht Köln bei Gemeinsam klappt's mit?")
    [opened] = await admin.press(listed.labels[0])
    assert "Status: outdated" in opened.text
    assert "Translated from German version 1; the German text is now version 2." in opened.text
    assert "Ja (geänderter Text). Die Stadt Köln" in opened.text
    assert "<b>(geänderter Text).</b>" in opened.html or "<b>Ja (geänderter" in opened.html
    assert "<s>Ja.</s>" in opened.html
    assert "/edit koeln-teilnahme" in opened.text
    before = version(services)
    [kept] = await admin.press("✓ Still correct")
    assert "the English translation of “koeln-teilnahme” is marked as current" in kept.text
    assert version(services) == before + 1
    entry = services.content.faq["koeln-teilnahme"]
    assert status(entry, "en") is Status.CURRENT and status(entry, "ar") is Status.OUTDATED
    [answer] = await volunteer.send(QUESTION)
    assert OUTDATED_NOTE not in answer.text
    [listed] = await admin.press("◀ Back to the list")
    assert "English: translations to do (0)" in listed.text
    assert "Every translation is current." in listed.text
    [again] = await admin.press_data("U:a")
    assert "kept the translation faq:koeln-teilnahme en as still correct" in again.text


async def test_translations_refuses_other_people_and_wrong_buttons(
    people, services: Services
) -> None:
    admin, bonn, volunteer = people
    await admin.send_file("koeln.yaml", CHANGED.encode())
    await admin.press("✅ Apply")
    [bonns] = await bonn.send("/translations")
    assert "0 outdated" in bonns.text
    before = version(services)
    for data in ("J:e:en:f:koeln-teilnahme", "J:k:en:f:koeln-teilnahme"):
        await bonn.press_data(data)
        assert "do not administer" in bonn.notices()[0]
        await volunteer.press_data(data)
        assert volunteer.notices() == [NOT_ADMIN]
    await admin.press_data("J:k:en:f:gibt-es-nicht")
    assert admin.notices() == ["This entry no longer exists."]
    await admin.press_data("J:k:uk:f:koeln-buendniskerngruppe")
    assert admin.notices() == ["This translation is current already."]
    await admin.press_data("J:k:ps:f:koeln-teilnahme")
    assert admin.notices() == ["This entry has no translation in that language."]
    await admin.press_data("J:l:xx:0")
    assert admin.notices() == ["This entry has no translation in that language."]
    [refused] = await volunteer.send("/translations")
    assert refused.text == NOT_ADMIN
    assert version(services) == before
