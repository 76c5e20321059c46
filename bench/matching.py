"""Matching speed: 5,000 generated offers over 50 municipalities, p50/p99 of one match,
and of the /find answers through the real PTB Application on the fake Bot API transport.

    python bench/matching.py [--offers 5000] [--towns 50] [--runs 1000] [--searches 200]

The /find part stores one user per municipality in a temporary SQLite database, then runs
whole searches by buttons (type, own municipality, age, status, a language) and times only
the answers a person waits for: the result list after the last answer, the next page of
the list, and an offer's card. Each time is `Update.de_json` + `process_update`: profile,
matching, rendering and the fake send (plus the conversation's timeout job).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_application, post_init
from bot.catalog.schema import OFFER_TYPES, STATUSES, Content, Municipality, Offer, Program
from bot.chat.driver import Chat, Sent
from bot.chat.transport import FakeRequest, UpdateFactory
from bot.config import Settings
from bot.eligibility.engine import Facts
from bot.matching.engine import Need, match
from bot.services import Services, bootstrap
from bot.users.service import set_language, set_municipality

#: The languages the /find users write in (one each, in turn).
USER_LANGUAGES = ("de", "en", "ar", "fa", "uk")
#: The statuses and spoken languages the searches answer with.
SEARCH_STATUSES = ("gestattung", "duldung", "aufenthaltserlaubnis")
SPOKEN = ("ar", "fa", "uk", "tr", "ru")


def generate(offers: int, towns: int, seed: int = 7) -> Content:
    """Build a content store with `offers` offers spread over `towns` municipalities."""
    rnd = random.Random(seed)
    munis = {
        f"town-{i}": Municipality(
            id=f"town-{i}", name=f"Town {i}", geo=(50.3 + rnd.random() * 2, 6.0 + rnd.random() * 3)
        )
        for i in range(towns)
    }
    program = Program(
        id="durchstarten-coaching",
        audience="person",
        source="bench",
        translations={"de": {"title": "Coaching"}},
        eligibility={"all": [{"fact": "age", "min": 18, "max": 27}]},
    )
    items = {}
    for n in range(offers):
        town = munis[f"town-{rnd.randrange(towns)}"]
        starts = date(2026, 9, 1) + timedelta(days=rnd.randrange(300))
        items[f"offer-{n}"] = Offer(
            id=f"offer-{n}",
            type=rnd.choice(OFFER_TYPES),
            municipality=town.id,
            translations={"de": {"title": f"Angebot {n}"}},
            program="durchstarten-coaching" if rnd.random() < 0.4 else None,
            geo=(town.geo[0] + rnd.uniform(-0.05, 0.05), town.geo[1] + rnd.uniform(-0.05, 0.05)),
            languages=tuple(rnd.sample(["de", "ar", "fa", "uk", "tr", "ru", "fr", "en"], 2)),
            audience={"min_age": 18, "max_age": 27, "statuses": rnd.sample(STATUSES, 3)}
            if rnd.random() < 0.6
            else {},
            starts=starts,
            ends=starts + timedelta(days=rnd.randrange(30, 400)) if rnd.random() < 0.7 else None,
            capacity=rnd.choice([None, 0, 5, 10, 20]),
        )
    return Content(municipalities=munis, programs={program.id: program}, offers=items)


def percentiles(timings: list[float]) -> str:
    """Return "p50 X ms, p99 Y ms" for timings in milliseconds."""
    if not timings:
        return "no runs"
    ordered = sorted(timings)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    return f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms"


def measure_matching(content: Content, args: argparse.Namespace) -> None:
    """Time one `match()` call, with a place as /find asks and with none (the CLI)."""
    rnd = random.Random(11)
    on = date(2026, 11, 23)
    print(
        f"matching: {args.offers} offers over {args.towns} municipalities, {args.runs} matches each"
    )
    for label, place in (
        ("municipality or shared location (as /find asks)", True),
        ("no place at all: every offer in NRW (CLI, or /find's place unknown)", False),
    ):
        timings = []
        for _ in range(args.runs):
            town = f"town-{rnd.randrange(args.towns)}"
            by_location = place and rnd.random() < 0.4
            need = Need(
                facts=Facts(
                    age=rnd.randrange(16, 30),
                    residence_status=rnd.choice(STATUSES),
                    municipality=town if place and not by_location else None,
                ),
                offer_type=rnd.choice([None, *OFFER_TYPES]),
                languages=(rnd.choice(["ar", "fa", "uk"]),),
                near=content.municipalities[town].geo if by_location else None,
            )
            start = time.perf_counter()
            match(content, need, on)
            timings.append((time.perf_counter() - start) * 1000)
        print(f"  {label}: {percentiles(timings)}")
    print("  target: p99 <= 20 ms")


@dataclass
class FindTimings:
    """Milliseconds per answer of /find: the result list, the next page, an offer's card."""

    lists: list[float] = field(default_factory=list)
    pages: list[float] = field(default_factory=list)
    cards: list[float] = field(default_factory=list)


async def timed(pressing: Awaitable[list[Sent]]) -> tuple[list[Sent], float]:
    """Await one update through the Application; return what it sent and the milliseconds."""
    start = time.perf_counter()
    sent = await pressing
    return sent, (time.perf_counter() - start) * 1000


def offer_buttons(sent: Sent) -> list[str]:
    """Return the callback data of the offers a result list (or card) shows."""
    return [data for _, data in sent.buttons if data.startswith("S:o:")]


async def answer_questions(chat: Chat, rnd: random.Random) -> None:
    """Start /find and answer every question but the last "Done" by buttons (and the age)."""
    await chat.send("/find")
    kind = rnd.choice([*OFFER_TYPES, None])
    await chat.press(data=f"S:0:t:{kind}" if kind else "S:0:a")
    await chat.press("📍 ")  # the user's own municipality
    await chat.send(str(rnd.randrange(18, 28)))
    await chat.press(data=f"S:3:s:{rnd.choice(SEARCH_STATUSES)}")
    await chat.press(data=f"S:4:g:{rnd.choice(SPOKEN)}")


async def search_once(chat: Chat, rnd: random.Random, timings: FindTimings) -> None:
    """Run one whole search; time the list, turning its page (if it has two) and a card."""
    await answer_questions(chat, rnd)
    sent, ms = await timed(chat.press(data="S:4:d"))
    # Every list, and the "nothing fits" answer too, ends with the Close button (S:e).
    if len(sent) != 1 or "S:e" not in [data for _, data in sent[0].buttons]:
        raise RuntimeError(f"the last answer did not show the result list: {sent!r}")
    timings.lists.append(ms)
    listed = sent[0]
    if "S:r:1" in [data for _, data in listed.buttons]:
        [listed], ms = await timed(chat.press(data="S:r:1"))
        timings.pages.append(ms)
    offers = offer_buttons(listed)
    if offers:
        _, ms = await timed(chat.press(data=rnd.choice(offers)))
        timings.cards.append(ms)


def find_services(content: Content, url: str, towns: int) -> Services:
    """Migrate a database for `content` and store one user per municipality in it."""
    # Each user searches many times at once: the flood gate would drop them (bench/abuse.py).
    base = bootstrap(Settings(database_url=url, flood_burst=10**6), seed=False)
    with base.db.session() as session:
        for n in range(towns):
            set_language(session, user_id(n), user_language(n))
            set_municipality(session, user_id(n), f"town-{n}")
    return Services(settings=base.settings, db=base.db, content=content)


def user_id(n: int) -> int:
    """The Telegram user id of the bench's n-th user (who lives in town-n)."""
    return 50_000 + n


def user_language(n: int) -> str:
    """The language the bench's n-th user writes in (and has chosen)."""
    return USER_LANGUAGES[n % len(USER_LANGUAGES)]


async def measure_find(content: Content, args: argparse.Namespace) -> FindTimings:
    """Run the searches through the Application (job queue running, as in the bot)."""
    rnd = random.Random(13)
    timings = FindTimings()
    with tempfile.TemporaryDirectory() as tmp:
        services = find_services(content, f"sqlite:///{tmp}/bench.db", args.towns)
        request = FakeRequest()
        app = build_application(services, request=request, rate_limit=False)
        async with app:
            await post_init(app)
            await app.job_queue.start()
            chats = [
                Chat(app, request, UpdateFactory(user_id(n), user_language(n)))
                for n in range(args.towns)
            ]
            for n in range(args.warmup + args.searches):
                kept = timings if n >= args.warmup else FindTimings()
                await search_once(chats[n % len(chats)], rnd, kept)
                request.clear()
            await app.job_queue.stop(wait=False)
        services.db.dispose()
    return timings


def report_find(timings: FindTimings, args: argparse.Namespace) -> None:
    """Print p50/p99 of each /find answer."""
    print(
        f"/find through PTB (fake transport, SQLite): {args.searches} searches, {args.towns} users"
    )
    for label, runs in (
        ("result list after the last answer", timings.lists),
        ("next page of the list", timings.pages),
        ("an offer's card", timings.cards),
    ):
        print(f"  {label}: {percentiles(runs)} ({len(runs)} runs)")
    print("  target (any update, bench/update_perf.py): p99 <= 25 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--towns", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1000, help="match() calls per kind")
    parser.add_argument("--searches", type=int, default=200, help="whole /find searches")
    parser.add_argument("--warmup", type=int, default=10, help="untimed searches first")
    args = parser.parse_args()
    content = generate(args.offers, args.towns)
    gc.freeze()  # as the bot does once it has started (bot/app.py, run_bot)
    measure_matching(content, args)
    report_find(asyncio.run(measure_find(content, args)), args)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
