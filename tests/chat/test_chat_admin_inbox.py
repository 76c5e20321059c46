"""/unanswered through the real Application: groups a page at a time, most asked first, within
the admin's municipalities, and every question of a large backlog counted.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flows import seat
from sqlalchemy import insert

from bot.answers.unanswered import record_unanswered
from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.db.models import UnansweredQuestion
from bot.services import Services

ADMIN, BONN = 31, 32
TOPICS = "Fahrrad Bürgeramt Schwimmkurs Zahnarzt Bibliothek Fußballverein Wohnungsamt "
TOPICS += "Musikschule Führerschein Kleiderkammer Nachhilfe"
GONE = "These questions have already been dealt with."


@pytest.fixture
async def admins(running, services: Services) -> tuple[Chat, Chat]:
    """An admin of Köln and one of Bonn, both reading English."""
    seat(services, ((ADMIN, "admin", "koeln", "en"), (BONN, "admin", "bonn", "en")))
    app, request = await running(services)
    return tuple(Chat(app, request, UpdateFactory(user, "en")) for user in (ADMIN, BONN))


def seed_topics(services: Services) -> None:
    """Eleven groups in Köln, asked 1 to 11 times; one question in Bonn."""
    with services.db.session() as session:
        for n, topic in enumerate(TOPICS.split(), start=1):
            for _ in range(n):
                record_unanswered(session, f"{topic}?", "de", "koeln")
        record_unanswered(session, "Wo ist das Bürgeramt in Bonn?", "de", "bonn")


async def test_the_inbox_pages_the_groups_most_asked_first_and_counts_every_question(
    admins, services: Services
) -> None:
    admin, _ = admins
    seed_topics(services)
    [first] = await admin.send("/unanswered")
    assert "66 questions in 11 groups." in first.text
    assert "1. ×11 Nachhilfe? · de · Köln" in first.text
    assert "8. ×4 Zahnarzt? · de · Köln" in first.text and "9." not in first.text
    assert first.labels == [*(str(n) for n in range(1, 9)), "▶"]
    [second] = await admin.press("▶")
    assert second.edited and "9. ×3 Schwimmkurs? · de · Köln" in second.text
    assert "11. ×1 Fahrrad?" in second.text and "Bonn" not in second.text
    assert second.labels == ["9", "10", "11", "◀"]
    [group] = await admin.press("9")
    assert "Asked 3 times in Deutsch · Köln" in group.text and "• Schwimmkurs?" in group.text
    [back] = await admin.press("◀ Back")
    assert "1. ×11 Nachhilfe?" in back.text
    [clamped] = await admin.press_data("Q:l:9999")  # a forged page: the last one
    assert "11. ×1 Fahrrad?" in clamped.text


async def test_a_question_asked_after_the_list_was_shown_joins_the_group_its_button_opens(
    admins, services: Services
) -> None:
    admin, _ = admins
    with services.db.session() as session:
        record_unanswered(session, "Wo kann ich mein Fahrrad reparieren?", "de", "koeln")
    await admin.send("/unanswered")
    with services.db.session() as session:
        record_unanswered(session, "Fahrrad reparieren wo?", "de", "koeln")
    [group] = await admin.press("1")
    assert "Asked 2 times in Deutsch · Köln" in group.text
    assert "• Fahrrad reparieren wo?" in group.text


async def test_an_admin_neither_sees_nor_opens_another_municipalitys_groups(
    admins, services: Services
) -> None:
    admin, bonn = admins
    seed_topics(services)
    [mine] = await bonn.send("/unanswered")
    assert "1 questions in 1 groups." in mine.text and "Bürgeramt in Bonn" in mine.text
    [listing] = await admin.send("/unanswered")
    koeln_group = dict(listing.buttons)["1"]
    await bonn.press_data(koeln_group)
    assert bonn.notices() == [GONE]


async def test_ten_thousand_open_questions_are_all_counted_and_paged(
    admins, services: Services
) -> None:
    admin, bonn = admins
    start = datetime(2026, 11, 1, tzinfo=UTC)
    rows = []
    for n in range(1, 10_001):  # 2,000 groups of five in Köln and Bonn; the first names each
        town = "koeln" if (n - 1) // 5 % 2 == 0 else "bonn"
        row = {"text": f"Frage {(n - 1) // 5}", "lang": "de", "municipality": town}
        row |= {"created_at": start + timedelta(minutes=n), "group_id": n - (n - 1) % 5}
        rows.append(row)
    with services.db.session() as session:
        session.execute(insert(UnansweredQuestion), rows)
    [first] = await admin.send("/unanswered")
    assert "5000 questions in 1000 groups." in first.text
    assert "1. ×5 Frage 1998 · de · Köln" in first.text  # the most recently asked first
    [second] = await admin.press("▶")
    assert "9. ×5 Frage 1982" in second.text and second.labels[-2:] == ["◀", "▶"]
    [group] = await admin.press("9")
    assert "Asked 5 times in Deutsch · Köln" in group.text
    [theirs] = await bonn.send("/unanswered")
    assert "5000 questions in 1000 groups." in theirs.text and "Frage 1999" in theirs.text
