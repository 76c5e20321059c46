"""/stats through the real Application on the fake Bot API: periods, scope, refusals, files.

A superadmin (ADMIN_USER_IDS), the admins of Köln and of Bonn, an advisor and a volunteer
of Köln on one bot, on a database with counts seeded for November 2026, on 4 January 2027:
the buttons offer December 2026 (nothing counted), the 4th quarter and the year 2026.
"""

from __future__ import annotations

import asyncio
import csv
import io
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from telegram import Update

from bot.admin import stats_handlers
from bot.admin.chart import NOTE
from bot.app import build_application
from bot.chat.driver import Chat
from bot.chat.transport import FakeRequest, UpdateFactory
from bot.clock import FakeClock
from bot.config import Settings
from bot.db.models import QuestionStat, SearchStat
from bot.i18n import RLM, translator
from bot.services import Services, bootstrap
from bot.users.service import grant_role, revoke_role, set_language, set_municipality

ROOT = Path(__file__).resolve().parents[2]
SUPERADMIN, KOELN_ADMIN, BONN_ADMIN, ADVISOR, VOLUNTEER = 999, 11, 12, 13, 14
NOT_YOURS = "You can only see the statistics of the municipalities you administer."
NOT_ADMIN = "Only the admins of Lotse can do that."
WHY = (
    "Statistics cover whole months, quarters and years that have ended, so that comparing "
    "two periods cannot give a small number away."
)
BUTTONS = ["December 2026", "4th quarter 2026", "2026"]
Q4, NOV = "2026-Q4", "2026-11"
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
    services.clock = FakeClock(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
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


def files(request: FakeRequest, chat_id: int) -> tuple[bytes, bytes, list[dict[str, str]]]:
    """Return the PNG, the CSV and its rows the bot sent to chat_id (exactly one of each)."""
    [photo] = [p for p in request.of("sendPhoto") if int(p["chat_id"]) == chat_id]
    [document] = [d for d in request.of("sendDocument") if int(d["chat_id"]) == chat_id]
    [(_, png)] = photo["_files"].values()
    [(name, data)] = document["_files"].values()
    assert name.startswith("lotse-stats-") and name.endswith(".csv")
    assert data.startswith(b"\xef\xbb\xbf# ")
    text = data.decode("utf-8-sig")
    table = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
    return png, data, list(csv.DictReader(io.StringIO(table), delimiter=";"))


def count(rows: list[dict[str, str]], when: str, place: str, dimension: str, value: str) -> str:
    [found] = [
        r["count"] for r in rows
        if (r["section"], r["period"], r["municipality"], r["dimension"], r["value"])
        == ("questions", when, place, dimension, value)
    ]  # fmt: skip
    return found


async def test_a_superadmin_picks_a_period_and_gets_a_chart_and_a_csv_of_all_nrw(
    office: Office,
) -> None:
    [choice] = await office.superadmin.send("/stats")
    assert "North Rhine-Westphalia" in choice.text and WHY in choice.text
    assert "/stats 2026-12, /stats 2026-Q4 or /stats 2026" in choice.text
    assert choice.labels == BUTTONS
    await office.superadmin.press("4th quarter 2026")
    png, data, rows = files(office.request, SUPERADMIN)
    assert png.startswith(PNG) and 30_000 < len(png) < 2_000_000
    [photo] = office.request.of("sendPhoto")
    assert photo["caption"].startswith("Statistics for all of North Rhine-Westphalia from")
    assert data.decode("utf-8-sig").splitlines()[1].startswith("# “<5”: fewer than 5")
    assert {r["municipality"] for r in rows} == {"all", "bonn", "koeln", "unknown"}
    assert {r["period"] for r in rows} == {Q4, NOV}  # October and December: nothing counted
    assert count(rows, Q4, "all", "total", "all") == "146"
    totals = [count(rows, Q4, town, "total", "all") for town in ("koeln", "bonn", "unknown")]
    assert totals == ["90", "42", "14"]
    assert count(rows, Q4, "koeln", "outcome", "answered") == "60"
    assert count(rows, NOV, "koeln", "language", "fa") == "<5"
    # the 2 in Farsi, and one more of Köln's languages: 90 minus the others gives no 2 back
    koeln = [count(rows, Q4, "koeln", "language", lang) for lang in ("de", "ar", "uk", "fa")]
    assert koeln == ["40", "36", "<5", "<5"]
    assert all(r["count"] == "<5" or int(r["count"]) >= 5 for r in rows)


async def test_a_municipal_admin_sees_only_their_municipality_with_the_superadmins_numbers(
    office: Office,
) -> None:
    [choice] = await office.koeln.send("/stats")
    assert "Köln" in choice.text and "North Rhine-Westphalia" not in choice.text
    await office.koeln.press(data="Z:2026")  # the label "2026" is in "December 2026" too
    _, _, rows = files(office.request, KOELN_ADMIN)
    assert {r["municipality"] for r in rows} == {"koeln"}
    assert {r["period"] for r in rows} == {"2026", Q4, NOV}
    assert count(rows, "2026", "koeln", "total", "all") == "90"
    assert count(rows, NOV, "koeln", "outcome", "answered") == "60"
    assert count(rows, "2026", "koeln", "language", "fa") == "<5"
    await office.superadmin.send("/stats 2026")
    _, _, everything = files(office.request, SUPERADMIN)
    assert [r for r in everything if r["municipality"] == "koeln"] == rows


async def test_a_typed_period_is_sent_at_once_and_a_bad_one_is_explained(office: Office) -> None:
    sent = await office.bonn.send("/stats 2026-11")
    assert sent == []  # only the photo and the file
    _, _, rows = files(office.request, BONN_ADMIN)
    assert {r["period"] for r in rows} == {NOV, "2026-11-09", "2026-11-16"}
    assert count(rows, "2026-11-09", "bonn", "outcome", "answered") == "15"
    [wrong] = await office.bonn.send("/stats 2026-11-15 2026-11-01")
    assert wrong.text.startswith("The period ends before it starts. Please type a month")
    [long] = await office.bonn.send("/stats 2025-12-01 2026-01-31")
    assert long.text.startswith("A period must lie within one calendar year.")
    [junk] = await office.bonn.send("/stats 2026-13")
    assert junk.text == "Please type a month, a quarter or a year, for example /stats 2026-Q4."
    [empty] = await office.bonn.send("/stats 2025-01")
    assert empty.text.startswith("Nothing was counted for Bonn from")
    [open_] = await office.bonn.send("/stats 2027-01")
    assert open_.text == f"January 2027 is not over yet. {WHY}" and open_.labels == BUTTONS


async def test_periods_typed_a_day_apart_get_the_same_numbers_and_are_told_so(
    office: Office,
) -> None:
    csvs = []
    for typed in ("2026-11-01 2026-11-30", "2026-11-01 2026-11-29", "2026-11"):
        office.request.clear()
        assert await office.superadmin.send(f"/stats {typed}") == []
        csvs.append(files(office.request, SUPERADMIN)[1])
        [photo] = office.request.of("sendPhoto")
        snapped = (
            "You asked for Nov 1, 2026 to Nov 29, 2026; these are the numbers of November 2026"
        )
        assert (snapped in photo["caption"]) == (typed == "2026-11-01 2026-11-29")
    assert csvs[0] == csvs[1] == csvs[2]


async def test_a_superadmin_may_narrow_to_one_municipality_by_name(office: Office) -> None:
    [choice] = await office.superadmin.send("/stats Köln")
    assert "Köln" in choice.text
    await office.superadmin.press("4th quarter 2026")
    _, _, rows = files(office.request, SUPERADMIN)
    assert {r["municipality"] for r in rows} == {"koeln"}
    [unknown] = await office.superadmin.send("/stats Atlantis")
    assert unknown.text == "I do not know the municipality 'Atlantis'."


async def test_the_buttons_of_old_messages_still_work(office: Office) -> None:
    assert await office.koeln.press_data("Z:3m") == []  # was "Last 3 months": the last quarter
    _, _, rows = files(office.request, KOELN_ADMIN)
    assert {r["period"] for r in rows} == {Q4, NOV}
    [not_over] = await office.koeln.press_data("Z:year")  # was "This year"
    assert not_over.text.startswith("2027 is not over yet.") and not_over.labels == BUTTONS
    [nothing] = await office.koeln.press_data("Z:4w")  # was "Last 4 weeks": December
    assert nothing.text.startswith("Nothing was counted for Köln from")


@pytest.mark.parametrize("who", ["volunteer", "advisor", "bonn"])
async def test_others_get_the_refusal_for_the_command_and_every_button(
    office: Office, who: str
) -> None:
    chat: Chat = getattr(office, who)
    refusal = NOT_YOURS if who == "bonn" else NOT_ADMIN
    [reply] = await chat.send("/stats koeln" if who == "bonn" else "/stats")
    assert reply.text == refusal and not reply.buttons
    for data in ("Z:2026-12", "Z:2026-Q4", "Z:2026", "Z:2027", "Z:4w", "Z:3m", "Z:12m", "Z:year"):
        pressed = data if who != "bonn" else f"{data}:koeln"
        assert await chat.press_data(pressed) == []
        assert chat.notices() == [refusal]
    assert office.request.of("sendPhoto") == office.request.of("sendDocument") == []


async def test_an_old_button_of_someone_no_longer_admin_sends_nothing(office: Office) -> None:
    [choice] = await office.koeln.send("/stats")
    with office.services.db.session() as session:
        revoke_role(session, KOELN_ADMIN, "admin", None)
    assert await office.koeln.press_on(choice, "Z:2026-Q4") == []
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


async def test_an_arabic_speaking_admin_gets_a_right_to_left_caption_the_chart_and_the_note(
    office: Office,
) -> None:
    with office.services.db.session() as session:
        set_language(session, KOELN_ADMIN, "ar")
    assert await office.koeln.send("/stats 2026-11") == []
    png, data, rows = files(office.request, KOELN_ADMIN)
    [photo] = office.request.of("sendPhoto")
    assert png.startswith(PNG) and photo["caption"].startswith(RLM)
    note = data.decode("utf-8-sig").splitlines()[1]
    assert note == "# " + translator("ar")(NOTE) and note != "# " + NOTE
    assert count(rows, NOV, "koeln", "total", "all") == "90"


async def test_the_queries_the_hiding_the_chart_and_the_csv_run_off_the_event_loop(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While /stats counts (held until the other chat was answered), another chat is answered."""
    app, request = office.koeln.app, office.request
    loop_thread, threads, answered = threading.get_ident(), {}, threading.Event()

    def spy(name: str, real: Callable) -> Callable:
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            threads[name] = threading.get_ident()
            if name == "report":
                assert answered.wait(30), "the other chat was not answered while /stats counted"
            return real(*args, **kwargs)

        return wrapped

    for name in ("report", "chart_png", "csv_bytes"):
        monkeypatch.setattr(stats_handlers, name, spy(name, getattr(stats_handlers, name)))
    await app.start()
    try:
        koeln, volunteer = UpdateFactory(KOELN_ADMIN, "en"), UpdateFactory(VOLUNTEER, "en")
        await app.update_queue.put(Update.de_json(koeln.message("/stats 2026"), app.bot))
        while "report" not in threads:
            await asyncio.sleep(0.005)
        await app.update_queue.put(Update.de_json(volunteer.message("Hallo!"), app.bot))
        deadline = time.monotonic() + 30
        while not [m for m in request.of("sendMessage") if int(m["chat_id"]) == VOLUNTEER]:
            assert time.monotonic() < deadline, "the volunteer got no answer"
            await asyncio.sleep(0.005)
        answered.set()
        while not request.of("sendDocument"):
            assert time.monotonic() < deadline + 60, "/stats sent nothing"
            await asyncio.sleep(0.01)
    finally:
        answered.set()
        await app.stop()
    assert set(threads) == {"report", "chart_png", "csv_bytes"}
    assert loop_thread not in threads.values()
