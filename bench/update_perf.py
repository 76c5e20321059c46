"""The full update path through PTB on the fake transport: latency per update and peak memory.

    python bench/update_perf.py [--updates 1000] [--users 50] [--database-url URL] [--rate-limiter]

Builds the real Application (handlers, typed context, database, engine, shipped content),
then feeds it Telegram updates with varied questions (titles, paraphrase-like variants,
keywords, typos, small talk, unknown questions, /start and button presses) from many users
in several languages, timing `Update.de_json` + `process_update` for each. Target: p99 <= 25 ms.

The rate limiter is off by default: it holds sends to Telegram's 30 messages a second, which
would measure the queue, not the bot. `--rate-limiter` keeps it on (expect ~33 ms an update).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application, post_init  # noqa: E402
from bot.catalog.schema import Content  # noqa: E402
from bot.chat.transport import FakeRequest, UpdateFactory  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.services import bootstrap  # noqa: E402

LANGUAGES = ("de", "en", "ar", "fa", "uk", "de", "de", "en")
SMALL_TALK = ("Hallo", "danke!", "hi", "شكرا", "дякую", "Tschüss", "???")
UNKNOWN = (
    "Wie repariere ich mein Fahrrad?",
    "How do I bake a pizza?",
    "Wo kann ich heute Abend Fußball schauen?",
    "Quantenchromodynamik mit Gluonen",
)


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 6:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def questions(content: Content, lang: str, rng: random.Random) -> list[str]:
    """Return varied questions a user writing in lang might send."""
    out: list[str] = []
    for entry in content.faq.values():
        text = entry.translations.get(lang) or entry.translations["de"]
        for question in text.questions:
            out += [question, question.lower().rstrip("?"), _typo(question, rng)]
        words = [w for w in text.title.split() if len(w) > 4]
        if words:
            out.append(" ".join(rng.sample(words, min(2, len(words)))))
    return out


def updates_for(content: Content, count: int, users: int, seed: int = 7) -> list[dict[str, Any]]:
    """Build `count` updates from `users` users: mostly questions, some commands and small talk."""
    rng = random.Random(seed)
    factories = [
        UpdateFactory(user_id=10_000 + n, language_code=LANGUAGES[n % len(LANGUAGES)])
        for n in range(users)
    ]
    pools = {lang: questions(content, lang, rng) for lang in set(LANGUAGES)}
    raws: list[dict[str, Any]] = []
    while len(raws) < count:
        user = rng.choice(factories)
        roll = rng.random()
        if roll < 0.04:
            raws.append(user.message(rng.choice(("/start", "/help", "/language"))))
        elif roll < 0.10:
            raws.append(user.message(rng.choice(SMALL_TALK)))
        elif roll < 0.15:
            raws.append(user.message(rng.choice(UNKNOWN)))
        elif roll < 0.20:
            entry = rng.choice(list(content.faq))
            raws.append(user.callback(rng.choice((f"O:{entry}", f"T:{entry}:en", f"A:{entry}"))))
        else:
            raws.append(user.message(rng.choice(pools[user.language_code or "de"])))
    return raws


async def measure(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        # Each user sends many updates at once: the flood gate would drop them (bench/abuse.py).
        settings = Settings(database_url=url, content_dir=ROOT / "content", flood_burst=10**6)
        services = bootstrap(settings)
        setup = time.perf_counter() - started
        request = FakeRequest()
        app = build_application(services, request=request, rate_limit=args.rate_limiter)
        raws = updates_for(services.content, args.updates, args.users)
        async with app:
            await post_init(app)
            for raw in raws[: args.warmup]:
                await app.process_update(Update.de_json(raw, app.bot))
            timings = []
            for raw in raws:
                begin = time.perf_counter()
                await app.process_update(Update.de_json(raw, app.bot))
                timings.append((time.perf_counter() - begin) * 1000)
        sends = sum(1 for call in request.calls if call.method == "sendMessage")
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"content: {len(services.content.faq)} FAQ entries; database {url.split(':')[0]}")
    print(f"setup (migrate, seed, build engine): {setup * 1000:.0f} ms")
    print(f"updates: {len(timings)} from {args.users} users, {sends} messages sent")
    print(f"per update: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {timings[-1]:.2f} ms")
    print(f"peak RSS: {rss_mb:.0f} MB")
    print(f"target p99 <= 25 ms: {'met' if p99 <= 25 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--rate-limiter", action="store_true", help="keep the rate limiter on")
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
