"""/history and the unanswered inbox through the real Application with the fake transport."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.answers.unanswered import record_unanswered
from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.db.models import ContentVersion, UnansweredQuestion
from bot.i18n import translator
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality

ADMIN, BONN, VOLUNTEER = 31, 32, 33
SHIPPED = Path(__file__).resolve().parents[2] / "content" / "faq" / "koeln.yaml"
#: The shipped Köln FAQ with one answer changed.
CHANGED = SHIPPED.read_text().replace(
    "Ja. Die Stadt Köln hat im Oktober 2018",
    "Ja (geänderter Text). Die Stadt Köln hat im Oktober 2018",
)
NOT_ADMIN = translator("de")("Only the admins of Lotse can do that.")
QUESTION = "Macht Köln bei Gemeinsam klappt's mit?"


@pytest.fixture
async def people(running, services: Services) -> tuple[Chat, Chat, Chat]:
    for user_id, town in ((ADMIN, "koeln"), (BONN, "bonn"), (VOLUNTEER, "koeln")):
        with services.db.session() as session:
            set_language(session, user_id, "de" if user_id == VOLUNTEER else "en")
            set_municipality(session, user_id, town)
    with services.db.session() as session:
        grant_role(session, ADMIN, "admin", "koeln")
        grant_role(session, BONN, "admin", "bonn")
    app, request = await running(services)
    return tuple(Chat(app, request, UpdateFactory(u, "en")) for u in (ADMIN, BONN, VOLUNTEER))


def version(services: Services) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.max(ContentVersion.id)))


async def test_history_shows_the_versions_and_the_last_change_and_restores_one(
    people, services: Services
) -> None:
    admin, _, volunteer = people
    [summary] = await admin.send_file("koeln.yaml", CHANGED.encode())
    assert "FAQ entries: 0 new, 1 changed, 0 not in the file" in summary.text
    await admin.press("✅ Apply")
    [changed] = await volunteer.send(QUESTION)
    assert "geänderter Text" in changed.text
    [shown] = await admin.send("/history koeln-teilnahme")
    assert "History of FAQ entries “koeln-teilnahme”" in shown.text
    assert "v2 · " in shown.text and "changed (upload) · admin (Köln)" in shown.text
    assert "v1 · " in shown.text and "added (shipped content)" in shown.text
    # What changed, word by word: struck through what went, bold what came.
    assert "<b>de · answer:</b> <s>Ja.</s> <b>Ja (geänderter Text).</b> Die Stadt" in shown.html
    assert "Translations made from the German before: ar, en, fa, fr, ru, tr, uk" in shown.text
    assert "Translations: ⚠️ en · ⚠️ ar · ⚠️ fa" in shown.text
    assert shown.labels == ["↩ v1"]
    [ask] = await admin.press("↩ v1")
    assert "Restore version 1 of “koeln-teilnahme”?" in ask.text
    assert "<s>Ja (geänderter Text).</s> <b>Ja.</b>" in ask.html
    before = version(services)
    [done] = await admin.press("Restore version 1")
    assert "is as in version 1 again" in done.text
    assert version(services) == before + 1
    [restored] = await volunteer.send(QUESTION)
    assert "geänderter Text" not in restored.text and "Oktober 2018" in restored.text
    [again] = await admin.send("/history koeln-teilnahme")
    assert "v3 · " in again.text and "(rollback)" in again.text
    assert "Translations: ✅ en · ✅ ar" in again.text


async def test_history_refuses_what_the_admin_does_not_administer_and_unknown_ids(
    people, services: Services
) -> None:
    admin, bonn, volunteer = people
    [state_wide] = await admin.send("/history durchstarten-wer")
    assert "content you do not administer" in state_wide.text
    [foreign] = await bonn.send("/history koeln-teilnahme")
    assert "content you do not administer" in foreign.text
    [unknown] = await admin.send("/history gibt-es-nicht")
    assert "There is no entry with the id “gibt-es-nicht”." in unknown.text
    [usage] = await admin.send("/history")
    assert "Please give the id of an entry" in usage.text
    before = version(services)
    for data in ("V:r:f:koeln-teilnahme:1", "V:y:f:koeln-teilnahme:1", "V:s:f:koeln-teilnahme"):
        await bonn.press_data(data)
        assert "do not administer" in bonn.notices()[0]
        await volunteer.press_data(data)
        assert volunteer.notices() == [NOT_ADMIN]
    [refused] = await volunteer.send("/history koeln-teilnahme")
    assert refused.text == NOT_ADMIN
    assert version(services) == before


def seed_questions(services: Services) -> None:
    with services.db.session() as session:
        for text in (
            "Wann hat das Integrationszentrum in Köln geöffnet?",
            "Wann hat das Integrationszentrum Köln offen?",
            "Wann hat das Integrationszentrum in Köln geöffnet?",
        ):
            record_unanswered(session, text, "de", "koeln")
        record_unanswered(session, "Wo ist das Bürgeramt in Bonn?", "de", "bonn")


def unanswered(services: Services) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.count()).select_from(UnansweredQuestion))


async def test_the_inbox_groups_alike_questions_and_dismisses_a_group(
    people, services: Services
) -> None:
    admin, bonn, _ = people
    seed_questions(services)
    [inbox] = await admin.send("/unanswered")
    assert "3 questions in 1 groups." in inbox.text
    assert "×3" in inbox.text and "Bürgeramt" not in inbox.text
    [group] = await admin.press("1")
    assert "Asked 3 times in Deutsch · Köln" in group.text
    [ask] = await admin.press("Dismiss")
    assert "Dismiss these 3 questions" in ask.text
    await bonn.press_on(ask, ask.buttons[0][1])  # not Bonn's to dismiss
    assert "already been dealt with" in bonn.notices()[0]
    assert unanswered(services) == 4
    [done] = await admin.press("Dismiss them")
    assert "Dismissed 3 questions." in done.text
    assert unanswered(services) == 1
    await admin.press_on(ask, ask.buttons[0][1])
    assert "already been dealt with" in admin.notices()[0]


async def test_the_inbox_adds_a_groups_questions_to_an_entry_which_then_answers_them(
    people, services: Services
) -> None:
    admin, _, volunteer = people
    with services.db.session() as session:
        for text in ("Ist Köln bei der Landesinitiative für junge Geflüchtete dabei?",) * 2:
            record_unanswered(session, text, "de", "koeln")
    await admin.send("/unanswered")
    await admin.press("1")
    [offered] = await admin.press("Add to an existing entry")
    # The candidates are named in the admin's language (English), the questions German.
    title = "Does Cologne (Köln) take part in Gemeinsam klappt's?"
    assert title in offered.labels
    [ask] = await admin.press(title)
    assert "Add 1 question as a way to ask" in ask.text
    [done] = await admin.press("Add them")
    assert "Lotse answers them from now on" in done.text
    assert unanswered(services) == 0
    [answer] = await volunteer.send(
        "Ist Köln bei der Landesinitiative für junge Geflüchtete dabei?"
    )
    assert "Oktober 2018" in answer.text


async def test_the_inbox_is_for_admins_only(people, services: Services) -> None:
    _, _, volunteer = people
    seed_questions(services)
    [refused] = await volunteer.send("/unanswered")
    assert refused.text == NOT_ADMIN
    with services.db.session() as session:
        first = session.scalar(select(func.min(UnansweredQuestion.id)))
    for data in (
        "Q:l:0",
        f"Q:v:{first}",
        f"Q:e:{first}",
        f"Q:a:{first}:koeln-teilnahme",
        f"Q:c:{first}:koeln-teilnahme",
        f"Q:d:{first}",
        f"Q:y:{first}",
    ):
        assert await volunteer.press_data(data) == []
        assert volunteer.notices() == [NOT_ADMIN], data
    assert unanswered(services) == 4
