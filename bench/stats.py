"""How long /stats takes for a year of 50 municipalities, and how much of it blocks the bot.

    python bench/stats.py [--municipalities 50] [--runs 3] [--seed 7] [--png FILE]

Fills a temporary SQLite database with a year (2026) of daily counts (questions, checks,
searches, searches that found nothing) and referrals for the municipalities. Then:

1. the steps of a report, p50/p99 in milliseconds: the queries, the hiding (counting, adding
   up and deciding every cell: bot/admin/stats.py), the PNG chart and the CSV, for the year,
   its last quarter and its last month, for a superadmin (all of NRW) and for the admin of
   one municipality (who gets the same numbers, so the same work);
2. `/stats 2026` sent by a superadmin through the real Application (fake Bot API, chat
   lanes), while another user says hello: the time until the files are sent, the part spent
   in the worker thread, the longest the event loop was kept from running anything else,
   and how long the other user waited for the answer.
`--png` keeps the superadmin's chart of the year.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from telegram import Update  # noqa: E402

from bot.admin import stats_handlers  # noqa: E402
from bot.admin.chart import Names, chart_png, csv_bytes  # noqa: E402
from bot.admin.periods import Period, month, quarter, year  # noqa: E402
from bot.admin.stats import build, facts  # noqa: E402
from bot.answers.stats import OUTCOMES  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.catalog.schema import OFFER_TYPES, STATUSES  # noqa: E402
from bot.chat.transport import FakeRequest, UpdateFactory  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import CheckStat, OfferMiss, QuestionStat, Referral, SearchStat  # noqa: E402
from bot.db.session import Database  # noqa: E402
from bot.i18n import translator  # noqa: E402
from bot.referrals import service as referrals  # noqa: E402
from bot.services import bootstrap  # noqa: E402
from bot.users.service import set_language, set_municipality  # noqa: E402

LAST = date(2026, 12, 31)
LANGUAGES = ("de", "ar", "fa", "uk", "en", "tr", "ru", "fr")
PROGRAMS = ("gemeinsam-klappts", "durchstarten", "durchstarten-coaching")
RESULTS = ("eligible", "not_eligible", "unknown")
STATES = (referrals.REQUESTED, referrals.ACCEPTED, referrals.STARTED, referrals.COMPLETED)
SUPERADMIN, VOLUNTEER = 999, 1000


def fill(db: Database, towns: list[str], seed: int) -> int:
    """Store the year 2026 of counts (big towns busier than small ones); return the rows."""
    rng = random.Random(seed)
    rows: dict[Any, list[dict[str, Any]]] = {m: [] for m in (QuestionStat, CheckStat, SearchStat)}
    rows[OfferMiss], rows[Referral] = [], []
    for number, town in enumerate(towns):
        busy = 6.0 / (1 + number / 5)  # questions a day in this town, on average
        for back in range(365):
            day = LAST - timedelta(days=back)
            for lang in rng.sample(LANGUAGES, 3):
                for outcome in OUTCOMES:
                    if (n := rng.randint(0, round(busy))) > 0:
                        rows[QuestionStat].append(
                            {"day": day, "municipality": town, "lang": lang, "outcome": outcome,
                             "count": n}
                        )  # fmt: skip
            if rng.random() < busy / 6:  # a check counts every program
                for program, result in zip(PROGRAMS, rng.choices(RESULTS, k=3), strict=True):
                    rows[CheckStat].append(
                        {"day": day, "municipality": town, "program": program, "result": result,
                         "count": 1}
                    )  # fmt: skip
            kind = rng.choice(OFFER_TYPES)
            if rng.random() < busy / 4:
                rows[SearchStat].append(
                    {"day": day, "municipality": town, "offer_type": kind, "count": 2}
                )
                miss = {"day": day, "municipality": town, "offer_type": kind, "count": 1}
                rows[OfferMiss].append(
                    miss | {"status": rng.choice(STATUSES), "age_group": "18-21"}
                )
            if rng.random() < busy / 10:
                at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
                rows[Referral].append(
                    {"offer_id": f"o-{town}", "offer_type": kind, "municipality": town, "client_code": "A1",
                     "state": rng.choice(STATES), "created_at": at, "updated_at": at}
                )  # fmt: skip
    with db.session() as session:
        for model, values in rows.items():
            session.execute(insert(model), values)
    return sum(len(values) for values in rows.values())


def timed(runs: int, step: Callable[[], Any]) -> tuple[list[float], Any]:
    """Run step `runs` times; return the times in ms and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = step()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def line(name: str, times: list[float], extra: str = "") -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"    {name:<7} p50 {statistics.median(times):8.1f} ms   p99 {p99:8.1f} ms   {extra}"


def steps(db: Database, towns: list[str], runs: int, png_path: Path | None) -> None:
    """Time the queries, the hiding, the chart and the CSV of a year, a quarter and a month."""
    tz, t = Settings().tz, translator("de")
    names = Names({m: m.title() for m in towns}, {p: p for p in PROGRAMS})
    spans: list[Period] = [year(2026), quarter(2026, 4), month(2026, 12)]
    for span in spans:
        for label, scope in (("all of NRW", None), ("one municipality", frozenset(towns[:1]))):
            with db.session() as session:
                took, found = timed(runs, lambda s=session, p=span: list(facts(s, p, tz)))
            print(f"  {span.code}, {label}:")
            print(line("query", took, f"({len(found)} rows)"))
            took, built = timed(runs, lambda p=span, c=scope, f=found: build(p, c, f))
            print(line("hiding", took, f"({len(built.counts)} cells, {len(built.hidden)} hidden)"))
            took, png = timed(runs, lambda r=built: chart_png(r, t, names))
            print(line("chart", took, f"({len(png) // 1024} KiB)"))
            took, data = timed(runs, lambda r=built: csv_bytes(r, t, names))
            print(line("csv", took, f"({len(data) // 1024} KiB)"))
            if png_path and scope is None and span.kind == "year":
                png_path.write_bytes(png)


async def through_the_bot(url: str) -> None:
    """Send /stats 2026 as a superadmin while another user says hello; print what each waited."""
    settings = Settings(
        database_url=url, content_dir=ROOT / "content", admin_user_ids=frozenset({SUPERADMIN})
    )
    services = bootstrap(settings)
    services.clock = FakeClock(datetime(2027, 1, 4, 9, tzinfo=UTC))
    with services.db.session() as session:
        for user_id in (SUPERADMIN, VOLUNTEER):
            set_language(session, user_id, "de")
            set_municipality(session, user_id, "koeln")
    request = FakeRequest()
    app = build_application(services, request=request)
    real, in_thread, started = stats_handlers._files, [], asyncio.Event()
    loop = asyncio.get_running_loop()

    def files(*args: Any) -> Any:
        loop.call_soon_threadsafe(started.set)
        begin = time.perf_counter()
        try:
            return real(*args)
        finally:
            in_thread.append(time.perf_counter() - begin)

    stats_handlers._files = files  # type: ignore[assignment]
    stalls: list[float] = []

    async def heartbeat() -> None:  # how long the loop could not run anything else
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            stalls.append(time.perf_counter() - before - 0.001)

    await app.initialize()
    await app.start()
    beat = asyncio.create_task(heartbeat())
    try:
        begin = time.perf_counter()
        admin, other = UpdateFactory(SUPERADMIN, "de"), UpdateFactory(VOLUNTEER, "de")
        await app.update_queue.put(Update.de_json(admin.message("/stats 2026"), app.bot))
        await started.wait()
        asked = time.perf_counter()
        await app.update_queue.put(Update.de_json(other.message("Hallo!"), app.bot))
        answered = None
        while not request.of("sendDocument"):
            if answered is None and request.of("sendMessage"):
                answered = time.perf_counter()
            await asyncio.sleep(0.001)
        total = time.perf_counter() - begin
    finally:
        beat.cancel()
        stats_handlers._files = real  # type: ignore[assignment]
        await app.stop()
        await app.shutdown()
        services.db.dispose()
    print("  /stats 2026 by a superadmin, through the bot:")
    print(f"    until the files were sent  {total * 1000:8.1f} ms")
    print(f"    of that in the worker      {sum(in_thread) * 1000:8.1f} ms")
    print(f"    longest the loop was busy  {max(stalls) * 1000:8.1f} ms")
    if answered is not None:
        print(f"    another user waited        {(answered - asked) * 1000:8.1f} ms (target < 1000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--png", type=Path)
    args = parser.parse_args()
    towns = [f"gemeinde-{n:02d}" for n in range(args.municipalities)]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/stats.db"
        upgrade(url)
        db = Database(url)
        stored = fill(db, towns, args.seed)
        print(f"{stored} rows for {len(towns)} municipalities over the year 2026")
        steps(db, towns, args.runs, args.png)
        db.dispose()
        asyncio.run(through_the_bot(url))


if __name__ == "__main__":
    main()
