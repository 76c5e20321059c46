"""What hostile input costs Lotse: the engine on the worst messages, regular expressions on user text.

Usage: python bench/abuse.py [SECTION ...] [--runs 3] [--give-up 60]

Sections (all by default):
  engine  the answering engine, built on the shipped content, on each hostile message of
          tests/answers/hostile.py (each asked in German, Arabic and Ukrainian): the best and
          the worst of --runs runs, each run with fresh random words so that no cache helps;
          then the normal questions of bench/questions (p50/p99), to show they did not slow.
  regex   each scrubber and parser of user text on adversarial strings of 1,024 and 4,096
          characters: the worst time at 4,096 and how it grows from 1,024 (x4 is linear,
          x16 quadratic).

A section is a function of the parsed arguments in SECTIONS that prints its table and returns
whether its targets were met; the exit code is 1 if any was missed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402
from stats import fill as fill_stats  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import Application  # noqa: E402

from bot.answers.engine import AnswerEngine  # noqa: E402
from bot.answers.normalise import normalise  # noqa: E402
from bot.app import build_application, post_init  # noqa: E402
from bot.appointments import titles, when  # noqa: E402
from bot.catalog.loader import load_content  # noqa: E402
from bot.catalog.schema import Content  # noqa: E402
from bot.chat import render  # noqa: E402
from bot.chat.transport import FakeRequest, UpdateFactory  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.eligibility import typed  # noqa: E402
from bot.referrals import codes  # noqa: E402
from bot.services import Services, bootstrap  # noqa: E402
from bot.users.service import set_language, set_municipality  # noqa: E402
from tests.answers.hostile import hostile_messages  # noqa: E402
from tests.chat.test_chat_lanes import big_upload  # noqa: E402

TODAY = date(2027, 1, 15)
#: The engine's target: any message up to 4,096 characters answered within this.
ENGINE_TARGET_MS = 50.0
#: Each regular expression on 4,096 characters within this, growing about linearly.
REGEX_TARGET_MS = 20.0
REGEX_GROWTH = 8.0  # time at 4,096 / time at 1,024 characters (linear: 4, quadratic: 16)
LANGUAGES = ("de", "ar", "uk")


class GaveUp(Exception):
    """A measurement took longer than --give-up seconds."""


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Raise GaveUp inside the block once seconds have passed (Unix: a timer signal)."""

    def expire(signum: int, frame: object) -> None:
        raise GaveUp

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def timed(
    give_up: float,
    call: Callable[..., object],
    *args: object,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Return how long call(*args) took in ms on clock (infinity if it had to be stopped)."""
    start = clock()
    try:
        with budget(give_up):
            call(*args)
    except GaveUp:
        return float("inf")
    return (clock() - start) * 1000


def ms(value: float, give_up: float) -> str:
    return f">{give_up:.0f} s" if value == float("inf") else f"{value:.1f}"


def vocabulary(content: Content) -> list[str]:
    """Return the normalised words of every FAQ text (what near misses are made of)."""
    found: set[str] = set()
    for entry in content.faq.values():
        for text in entry.translations.values():
            for part in (*text.questions, *text.keywords, text.answer):
                found.update(normalise(part).split())
    return sorted(found)


def normal_questions() -> list[tuple[str, str, str | None]]:
    """Return the questions of bench/questions (dev and test) as (text, lang, municipality)."""
    out = []
    for name in ("dev.yaml", "test.yaml"):
        path = ROOT / "bench" / "questions" / name
        if path.exists():
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            out += [(r["q"], r["lang"], r.get("municipality")) for r in raw]
    return out


def engine_section(args: argparse.Namespace) -> bool:
    """Time the engine on each hostile message (worst of three languages) and on normal ones."""
    content = load_content(ROOT / "content")
    engine = AnswerEngine(content)
    words = vocabulary(content)
    asked = normal_questions()
    for lang in LANGUAGES:  # load stop words, stemmers and the masks of visible entries
        engine.ask("Wer kann mitmachen?", lang, None, TODAY)
    runs = [hostile_messages(words, seed=run) for run in range(args.runs)]
    print(f"engine on hostile messages ({engine.entry_count} FAQ entries; ms per message, "
          f"worst of {'/'.join(LANGUAGES)}; {args.runs} runs, fresh words each)")  # fmt: skip
    print(f"  {'message':<32}{'chars':>7}{'normalised':>11}{'best':>10}{'worst':>10}")
    worst_all = 0.0
    for kind in runs[0]:
        times = []
        for messages in runs:
            text = messages[kind]
            times.append(
                max(timed(args.give_up, engine.ask, text, lang, None, TODAY) for lang in LANGUAGES)
            )
        text = runs[0][kind]
        worst_all = max(worst_all, max(times))
        print(
            f"  {kind:<32}{len(text):>7}{len(normalise(text)):>11}"
            f"{ms(min(times), args.give_up):>10}{ms(max(times), args.give_up):>10}"
        )
    times = sorted(timed(args.give_up, engine.ask, *question, TODAY) for question in asked)
    p99 = times[int(0.99 * (len(times) - 1))]
    print(f"  normal questions ({len(times)}): p50 {statistics.median(times):.2f} ms, "
          f"p99 {p99:.2f} ms, max {times[-1]:.2f} ms")  # fmt: skip
    ok = worst_all <= ENGINE_TARGET_MS
    worst = ms(worst_all, args.give_up)
    print(f"  target: every message under {ENGINE_TARGET_MS:.0f} ms: worst {worst} ms: "
          f"{'met' if ok else 'MISSED'}\n")  # fmt: skip
    return ok


def adversarial(size: int) -> dict[str, str]:
    """Return strings of size characters that make backtracking patterns work hardest."""
    half = size // 2
    return {
        "letters": "a" * size,
        "a@a@": "a@" * half,
        "@a.a.": "@" + "a." * (half - 1),
        "a.a.@": "a." * (half - 1) + "@",
        "x@aaaa": "x@" + "a" * (size - 2),
        "digits": "1" * size,
        "1 1 1": "1 " * half,
        "1-1-x": "1-" * (half - 1) + "x",
        "1.1.": "1." * half,
        "1 spaces x": "1" + " " * (size - 2) + "x",
        "1 spaces 1 spaces x": "1" + " " * (half - 2) + "1" + " " * (half - 1) + "x",
        "spaces x": " " * (size - 1) + "x",
        "herr herr": "herr " * (size // 5),
        "herr spaces": "herr" + " " * (size - 4),
        "#digits": "#" + "1" * (size - 1),
        "<<<<": "<" * size,
    }


#: The regex section measures CPU time: growth by input size is clearer on a busy machine.
CPU = time.process_time
NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def _quietly(call: Callable[[str], object]) -> Callable[[str], object]:
    """Return call, ignoring the errors a parser raises for text it does not understand."""

    def run(text: str) -> object:
        try:
            return call(text)
        except ValueError:  # Refused, WhenError, FactError
            return None

    return run


SCRUBBERS: dict[str, Callable[[str], object]] = {
    "codes._EMAIL.search": codes._EMAIL.search,
    "codes._PHONE (all)": lambda s: list(codes._PHONE.finditer(s)),
    "codes._mails": codes._mails,
    "codes._ADDRESS.search": codes._ADDRESS.search,
    "codes._NAMED.sub": lambda s: codes._NAMED.sub("", s),
    "codes.mask": codes.mask,
    "codes.client_code": _quietly(codes.client_code),
    "codes.note": _quietly(codes.note),
    "when.parse_when": _quietly(lambda s: when.parse_when(s, "de", NOW, BERLIN)),
    "when.split_when": _quietly(lambda s: when.split_when(s, "de", NOW, BERLIN)),
    "when.local_day": _quietly(lambda s: when.local_day(s, "de", NOW, BERLIN)),
    "titles.details": _quietly(titles.details),
    "typed.parse_age": _quietly(lambda s: typed.parse_age(s, "de", NOW.date())),
    "typed.parse_date": _quietly(lambda s: typed.parse_date(s, "de", NOW.date())),
    "typed.fold": typed.fold,
    # A message's HTML holds user text only escaped: no "<" of the user's reaches these.
    "render._TOKENS (escaped)": lambda s: render._TOKENS.findall(render.esc(s)),
    "render._TAG (escaped)": lambda s: render._TAG.sub("", render.esc(s)),
}


def regex_section(args: argparse.Namespace) -> bool:
    """Time each scrubber and parser on adversarial strings; print the worst and its growth."""
    small, large = adversarial(1024), adversarial(4096)
    print("regular expressions on user text (CPU ms, best of 3, worst adversarial string)")
    print(f"  {'function':<30}{'1,024 chars':>12}{'4,096 chars':>12}{'growth':>8}   worst string")
    ok = True
    for name, call in SCRUBBERS.items():
        worst = (0.0, 0.0, "")
        for kind in large:
            at_small = min(timed(args.give_up, call, small[kind], clock=CPU) for _ in range(3))
            at_large = min(timed(args.give_up, call, large[kind], clock=CPU) for _ in range(3))
            if at_large > worst[1]:
                worst = (at_small, at_large, kind)
        at_small, at_large, kind = worst
        growth = at_large / at_small if at_small else 0.0
        fine = at_large <= REGEX_TARGET_MS and (at_large < 2 or growth <= REGEX_GROWTH)
        ok = ok and fine
        print(
            f"  {name:<30}{ms(at_small, args.give_up):>12}{ms(at_large, args.give_up):>12}"
            f"{growth:>7.1f}x   {kind}{'' if fine else '  <- MISSED'}"
        )
    print(f"  target: each under {REGEX_TARGET_MS:.0f} ms at 4,096 characters, growing at most "
          f"x{REGEX_GROWTH:.0f} from 1,024 (or under 2 ms): {'met' if ok else 'MISSED'}\n")  # fmt: skip
    return ok


# ---------------------------------------------------------------------------------------------
# Flood and busy admin: the bot as it runs (app.start(), the update queue, chat lanes).

PROBE_QUESTION = "Was ist eine Duldung?"
PROBERS = range(800_000, 800_030)  # users who ask one question each now and then


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    """Yield the bench's database URL: the one given (wiped first), or a temporary SQLite."""
    if url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(sql("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sql("CREATE SCHEMA public"))
        engine.dispose()
        yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'abuse.db'}"


async def _started(url: str, admin: int) -> tuple[Application, FakeRequest, Services]:
    settings = Settings(
        database_url=url, content_dir=ROOT / "content", admin_user_ids=frozenset({admin})
    )
    services = bootstrap(settings)
    with services.db.session() as session:
        for user in PROBERS:
            set_municipality(session, user, "koeln")
    request = FakeRequest()
    app = build_application(services, request=request, rate_limit=False)
    await app.initialize()
    await post_init(app)
    await app.start()
    return app, request, services


def _to(request: FakeRequest, chat_id: int) -> int:
    return sum(1 for p in request.of("sendMessage") if int(p["chat_id"]) == chat_id)


async def _probe(app: Application, request: FakeRequest, busy: asyncio.Future) -> list[float]:
    """Ask a question every 100 ms (another user each time) until busy is done: reply times."""
    times: list[float] = []
    for n in itertools.count():
        if busy.done():
            break
        user = PROBERS[n % len(PROBERS)]
        before = _to(request, user)
        start = time.perf_counter()
        await app.update_queue.put(
            Update.de_json(UpdateFactory(user, "de").message(PROBE_QUESTION), app.bot)
        )
        while _to(request, user) == before:
            await asyncio.sleep(0.001)
        times.append(time.perf_counter() - start)
        await asyncio.sleep(0.1)
    return times


async def _until(request: FakeRequest, chat_id: int, count: int, method: str = "sendMessage"):
    while sum(1 for p in request.of(method) if int(p["chat_id"]) == chat_id) < count:
        await asyncio.sleep(0.005)


async def _during(app, request, work: Awaitable[Any]) -> tuple[float, list[float]]:
    """Run work while probing; return how long work took and the probes' reply times."""
    start = time.perf_counter()
    busy = asyncio.ensure_future(work)
    times = await _probe(app, request, busy)
    await busy
    return time.perf_counter() - start, times


def _row(name: str, seconds: float, times: list[float]) -> bool:
    worst = max(times) * 1000 if times else float("nan")
    median = statistics.median(times) * 1000 if times else float("nan")
    verdict = "ok" if times and max(times) < 1.0 else "OVER"
    print(f"  {name:<34} {seconds:7.2f} s  {len(times):4d}  {median:8.1f}  {worst:8.1f}  {verdict}")
    return verdict == "ok"


async def _flood(url: str | None) -> bool:
    """One user floods (500 at once, then 200 a second); others ask meanwhile (target: < 1 s)."""
    flooder = 700_001
    with _database(url) as database:
        app, request, services = await _started(database, admin=1)
        factory = UpdateFactory(flooder, "de")
        count = itertools.count()

        async def put(n: int) -> None:
            for _ in range(n):
                raw = factory.message(f"Wie repariere ich mein Fahrrad? {next(count)}")
                await app.update_queue.put(Update.de_json(raw, app.bot))

        async def burst() -> None:
            await put(500)
            await app.update_queue.join()

        async def sustained() -> None:
            for _ in range(5 * 20):  # 5 s, 10 messages every 50 ms
                await put(10)
                await asyncio.sleep(0.05)
            await app.update_queue.join()

        try:
            burst_s, burst_times = await _during(app, request, burst())
            sustained_s, sustained_times = await _during(app, request, sustained())
            answered = _to(request, flooder)
        finally:
            await app.stop()
            await app.shutdown()
    print("\nflood: one user floods; another user asks every 100 ms (target: each reply < 1 s)")
    print(f"  {'':<34} {'busy':>9}  {'asks':>4}  {'p50 ms':>8}  {'max ms':>8}")
    ok = _row("500 messages at once", burst_s, burst_times)
    ok &= _row("then 200 a second for 5 s", sustained_s, sustained_times)
    burst = services.settings.flood_burst
    print(
        f"  of {next(count) - 1} messages the flooder got {answered} replies "
        f"(a burst of {burst}, {services.settings.flood_per_minute} a minute, slow-downs)"
    )
    return ok


async def _busy(url: str | None) -> bool:
    """Others ask while an admin's 2 MB upload is checked, applied, and while /stats draws."""
    admin = 700_002
    with _database(url) as database:
        app, request, services = await _started(database, admin=admin)
        try:
            fill_stats(services.db, sorted(services.content.municipalities), seed=7)
            with services.db.session() as session:
                set_language(session, admin, "de")
            services.clock = FakeClock(datetime(2027, 1, 15, 9, tzinfo=UTC))  # 2026 is over
            factory = UpdateFactory(admin, "de")
            data = big_upload()
            file_id = request.add_file(data)
            upload = factory.document(file_id, "gross.zip", len(data))
            sent = _to(request, admin)

            async def check() -> None:
                await app.update_queue.put(Update.de_json(upload, app.bot))
                await _until(request, admin, sent + 1)

            check_s, check_times = await _during(app, request, check())
            [summary] = [p for p in request.of("sendMessage") if int(p["chat_id"]) == admin][-1:]
            apply = next(
                b["callback_data"]
                for row in summary["reply_markup"]["inline_keyboard"]
                for b in row
                if b["callback_data"].startswith("P:k:")
            )
            edits = len(request.of("editMessageText"))

            async def applying() -> None:
                await app.update_queue.put(Update.de_json(factory.callback(apply), app.bot))
                while len(request.of("editMessageText")) == edits:
                    await asyncio.sleep(0.005)

            apply_s, apply_times = await _during(app, request, applying())
            documents = len(request.of("sendDocument"))

            async def stats() -> None:  # the chart, then the CSV of all NRW's year 2026
                await app.update_queue.put(Update.de_json(factory.message("/stats 2026"), app.bot))
                while len(request.of("sendDocument")) == documents:
                    await asyncio.sleep(0.005)

            stats_s, stats_times = await _during(app, request, stats())
        finally:
            await app.stop()
            await app.shutdown()
    print(
        f"\nbusy admin: others ask every 100 ms (target: each reply under 1 s); {len(data):,} bytes"
    )
    print(f"  {'':<34} {'busy':>9}  {'asks':>4}  {'p50 ms':>8}  {'max ms':>8}")
    ok = _row("while a 2 MB upload is checked", check_s, check_times)
    ok &= _row("while it is applied", apply_s, apply_times)
    ok &= _row("while /stats draws a year", stats_s, stats_times)
    return ok


def flood_section(args: argparse.Namespace) -> bool:
    """Another user's reply time while one user floods (target: each under 1 s)."""
    return asyncio.run(_flood(args.database_url))


def busy_section(args: argparse.Namespace) -> bool:
    """Another user's reply time during an upload and /stats (target: each under 1 s)."""
    return asyncio.run(_busy(args.database_url))


SECTIONS: dict[str, Callable[[argparse.Namespace], bool]] = {
    "engine": engine_section,
    "regex": regex_section,
    "flood": flood_section,
    "busy": busy_section,
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections (all by default) and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", metavar="SECTION", help=", ".join(SECTIONS))
    parser.add_argument("--runs", type=int, default=3, help="runs per hostile message")
    parser.add_argument(
        "--give-up", type=float, default=60.0, help="seconds after which one call is stopped"
    )
    parser.add_argument(
        "--database-url", help="flood and busy: a PostgreSQL URL (wiped!) instead of SQLite"
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.sections if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {', '.join(unknown)} (choose from {', '.join(SECTIONS)})")
    chosen = args.sections or list(SECTIONS)
    results = [SECTIONS[name](args) for name in chosen]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
