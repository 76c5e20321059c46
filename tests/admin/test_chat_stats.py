"""/stats through the real Application on the fake Bot API: periods, scope, refusals, files.

A superadmin (ADMIN_USER_IDS), the admins of Köln and of Bonn, an advisor and a volunteer
of Köln on one bot, on a database with counts seeded for November 2026.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from bot.app import build_application
from bot.chat.driver import Chat
from bot.chat.transport import FakeRequest, UpdateFactory
from bot.clock import FakeClock
from bot.config import Settings
from bot.db.models import QuestionStat, SearchStat
from bot.i18n import RLM
from bot.services import Services, bootstrap
from bot.users.service import grant_role, revoke_role, set_language, set_municipality

ROOT = Path(__file__).resolve().parents[2]
SUPERADMIN, KOELN_ADMIN, BONN_ADMIN, ADVISOR, VOLUNTEER = 999, 11, 12, 13, 14
NOT_YOURS = "You can only see the statistics of the municipalities you administer."
NOT_ADMIN = "Only the admins of Lotse can do that."
PNG = b"\x89PNG\r\n\x1a\n"


@dataclass
class Office:
    superadmin: Chat
    koeln: Chat
    bonn: Chat
    advisor: Chat
    volunteer: Chat
    services: Services
    request: FakeRequest


@pytest.fixture
async def office(database_url: str) -> AsyncIterator[Office]:
    """One bot, five people, and two weeks of questions in Köln, Bonn and nowhere known."""
    settings = Settings(
        database_url=database_url,
        content_dir=ROOT / "content",
        admin_user_ids=frozenset({SUPERADMIN}),
    )
    services = bootstrap(settings)
    services.clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    with services.db.session() as session:
        for user_id, role, town in (
            (SUPERADMIN, None, "koeln"),
            (KOELN_ADMIN, "admin", "koeln"),
            (BONN_ADMIN, "admin", "bonn"),
            (ADVISOR, "advisor", "koeln"),
            (VOLUNTEER, None, "koeln"),
        ):
            if role:
                grant_role(session, user_id, role, town if role == "admin" else "")
            set_language(session, user_id, "en")
            set_municipality(session, user_id, town)
        rows = [(date(2026, 11, 19), "koeln", "fa", "unanswered", 2)]  # the one small count
        for day in (date(2026, 11, 10), date(2026, 11, 17)):  # two weeks alike
            rows += [(day, "koeln", "de", "answered", 20), (day, "koeln", "ar", "answered", 10),
                     (day, "koeln", "ar", "suggested", 8), (day, "koeln", "uk", "unanswered", 6),
                     (day, "bonn", "de", "answered", 15), (day, "bonn", "ar", "suggested", 6),
                     (day, None, "fa", "unanswered", 7)]  # fmt: skip
        session.execute(
            insert(QuestionStat),
            [{"day": d, "municipality": m, "lang": lang, "outcome": o, "count": n}
             for d, m, lang, o, n in rows],
        )  # fmt: skip
    request = FakeRequest()
    app = build_application(services, request=request)
    await app.initialize()
    await app.job_queue.start()  # conversation timeouts (the search for offers)

    def chat(user_id: int) -> Chat:
        return Chat(app, request, UpdateFactory(user_id, "en"))

    yield Office(
        chat(SUPERADMIN), chat(KOELN_ADMIN), chat(BONN_ADMIN), chat(ADVISOR), chat(VOLUNTEER),
        services, request,
    )  # fmt: skip
    await app.job_queue.stop(wait=False)
    await app.shutdown()


def files(request: FakeRequest, chat_id: int) -> tuple[bytes, list[dict[str, str]]]:
    """Return the PNG and the CSV rows the bot sent to chat_id (exactly one of each)."""
    [photo] = [p for p in request.of("sendPhoto") if int(p["chat_id"]) == chat_id]
    [document] = [d for d in request.of("sendDocument") if int(d["chat_id"]) == chat_id]
    [(_, png)] = photo["_files"].values()
    [(name, data)] = document["_files"].values()
    assert name.startswith("lotse-stats-") and name.endswith(".csv")
    assert data.startswith(b"\xef\xbb\xbf")
    return png, list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def count(rows: list[dict[str, str]], week: str, place: str, dimension: str, value: str) -> str:
    [found] = [
        r["count"] for r in rows
        if (r["section"], r["week"], r["municipality"], r["dimension"], r["value"])
        == ("questions", week, place, dimension, value)
    ]  # fmt: skip
    return found


async def test_a_superadmin_picks_a_period_and_gets_a_chart_and_a_csv_of_all_nrw(
    office: Office,
) -> None:
    [choice] = await office.superadmin.send("/stats")
    assert "North Rhine-Westphalia" in choice.text
    assert choice.labels == ["Last 4 weeks", "Last 3 months", "Last 12 months", "This year"]
    await office.superadmin.press("Last 4 weeks")
    png, rows = files(office.request, SUPERADMIN)
    assert png.startswith(PNG) and 30_000 < len(png) < 2_000_000
    [photo] = office.request.of("sendPhoto")
    assert photo["caption"].startswith("Statistics for all of North Rhine-Westphalia from")
    assert {r["municipality"] for r in rows} == {"all", "bonn", "koeln", "unknown"}
    assert count(rows, "all", "all", "total", "all") == "146"
    totals = [count(rows, "all", town, "total", "all") for town in ("koeln", "bonn", "unknown")]
    assert totals == ["90", "42", "14"]
    assert count(rows, "all", "koeln", "outcome", "answered") == "60"
    assert count(rows, "2026-11-16", "koeln", "language", "fa") == "<5"
    # the 2 in Farsi, and one more of Köln's languages: 90 minus the others gives no 2 back
    koeln = [count(rows, "all", "koeln", "language", lang) for lang in ("de", "ar", "uk", "fa")]
    assert koeln.count("<5") >= 2 and koeln[3] == "<5"
    assert all(r["count"] == "<5" or int(r["count"]) >= 5 for r in rows)


async def test_a_municipal_admin_sees_only_their_municipality(office: Office) -> None:
    [choice] = await office.koeln.send("/stats")
    assert "Köln" in choice.text and "North Rhine-Westphalia" not in choice.text
    await office.koeln.press("This year")
    _, rows = files(office.request, KOELN_ADMIN)
    assert {r["municipality"] for r in rows} == {"koeln"}
    assert count(rows, "all", "koeln", "total", "all") == "90"
    assert count(rows, "2026-11-09", "koeln", "outcome", "answered") == "30"
    assert count(rows, "all", "koeln", "language", "fa") == "<5"


async def test_a_typed_period_is_sent_at_once_and_a_bad_one_is_explained(office: Office) -> None:
    sent = await office.bonn.send("/stats 2026-11-01 2026-11-15")
    assert sent == []  # only the photo and the file
    _, rows = files(office.request, BONN_ADMIN)
    assert {r["week"] for r in rows} == {"2026-11-09", "all"}
    assert count(rows, "2026-11-09", "bonn", "outcome", "answered") == "15"
    [wrong] = await office.bonn.send("/stats 2026-11-15 2026-11-01")
    assert wrong.text == "The period ends before it starts."
    [empty] = await office.bonn.send("/stats 2025-01-01 2025-01-31")
    assert empty.text.startswith("Nothing was counted for Bonn from")


async def test_a_superadmin_may_narrow_to_one_municipality_by_name(office: Office) -> None:
    [choice] = await office.superadmin.send("/stats Köln")
    assert "Köln" in choice.text
    await office.superadmin.press("Last 3 months")
    _, rows = files(office.request, SUPERADMIN)
    assert {r["municipality"] for r in rows} == {"koeln"}
    [unknown] = await office.superadmin.send("/stats Atlantis")
    assert unknown.text == "I do not know the municipality 'Atlantis'."


@pytest.mark.parametrize("who", ["volunteer", "advisor", "bonn"])
async def test_others_get_the_refusal_for_the_command_and_every_button(
    office: Office, who: str
) -> None:
    chat: Chat = getattr(office, who)
    refusal = NOT_YOURS if who == "bonn" else NOT_ADMIN
    [reply] = await chat.send("/stats koeln" if who == "bonn" else "/stats")
    assert reply.text == refusal and not reply.buttons
    for data in ("Z:4w", "Z:3m", "Z:12m", "Z:year"):
        pressed = data if who != "bonn" else f"{data}:koeln"
        assert await chat.press_data(pressed) == []
        assert chat.notices() == [refusal]
    assert office.request.of("sendPhoto") == office.request.of("sendDocument") == []


async def test_an_old_button_of_someone_no_longer_admin_sends_nothing(office: Office) -> None:
    [choice] = await office.koeln.send("/stats")
    with office.services.db.session() as session:
        revoke_role(session, KOELN_ADMIN, "admin", None)
    assert await office.koeln.press_on(choice, "Z:4w") == []
    assert office.koeln.notices() == [NOT_ADMIN]
    assert office.request.of("sendPhoto") == []


async def test_questions_are_counted_by_outcome_but_small_talk_is_not(office: Office) -> None:
    await office.volunteer.send("Hallo!")
    await office.volunteer.send("How do I bake a pizza?")
    columns = (
        QuestionStat.municipality,
        QuestionStat.lang,
        QuestionStat.outcome,
        QuestionStat.count,
    )
    with office.services.db.session() as session:
        rows = session.execute(select(*columns).where(QuestionStat.lang == "en")).all()
    assert rows == [("koeln", "en", "unanswered", 1)]  # the seeded counts have no English


async def test_a_search_for_offers_is_counted(office: Office) -> None:
    chat = office.volunteer
    await chat.send("/find")
    await chat.press(data="S:0:t:coaching")
    await chat.press("📍 ")
    await chat.send("23")
    await chat.press(data="S:3:s:duldung")
    await chat.press(data="S:4:d")
    with office.services.db.session() as session:
        rows = session.execute(
            select(SearchStat.municipality, SearchStat.offer_type, SearchStat.count)
        ).all()
    assert rows == [("koeln", "coaching", 1)]


async def test_an_arabic_speaking_admin_gets_a_right_to_left_caption_and_the_chart(
    office: Office,
) -> None:
    with office.services.db.session() as session:
        set_language(session, KOELN_ADMIN, "ar")
    assert await office.koeln.send("/stats 2026-11-01 2026-11-22") == []
    png, rows = files(office.request, KOELN_ADMIN)
    [photo] = office.request.of("sendPhoto")
    assert png.startswith(PNG) and photo["caption"].startswith(RLM)
    assert count(rows, "all", "koeln", "total", "all") == "90"
