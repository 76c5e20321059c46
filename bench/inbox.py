"""/unanswered with a large backlog: the time of each press an admin makes in the inbox.

    python bench/inbox.py [--questions 10000] [--runs 20] [--postgres URL]

Fills a fresh database (a temporary SQLite file, then the PostgreSQL at --postgres or
TEST_DATABASE_URL, whose schema is wiped) with `--questions` open unanswered questions as
the bot stores them (`record_unanswered`): many distinct ones, some asked again and again,
small variants, in several municipalities and languages. Then, through the real Application
on the fake Bot API transport, a superadmin (all of NRW) and an admin of Köln each send
/unanswered, turn to the next page and open a group, `--runs` times; prints the median and
the slowest of each press (`Update.de_json` + `process_update`). Target: well under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from bot.answers.unanswered import record_unanswered  # noqa: E402
from bot.app import build_application, post_init  # noqa: E402
from bot.chat.driver import Chat, Sent  # noqa: E402
from bot.chat.transport import FakeRequest, UpdateFactory  # noqa: E402
from bot.config import Settings, normalise_database_url  # noqa: E402
from bot.services import Services, bootstrap  # noqa: E402
from bot.users.service import grant_role, set_language, set_municipality  # noqa: E402

SUPERADMIN, KOELN_ADMIN = 900_001, 900_002
#: Where the questions come from (weights): a big city, smaller ones, and nowhere chosen.
PLACES = (("koeln", 30), ("duesseldorf", 15), ("dortmund", 15), ("essen", 12), ("bonn", 10))
PLACES += (("bielefeld", 8), (None, 10))
LANGUAGES = (("de", 55), ("ar", 12), ("fa", 8), ("uk", 10), ("en", 8), ("tr", 4), ("ru", 3))
#: Question patterns per language; {thing} and {where} are filled from the lists below.
PATTERNS = {
    "de": (
        "Wo finde ich {thing} in {where}?",
        "Wann hat {thing} in {where} geöffnet?",
        "Wer hilft mir mit {thing}?",
        "Brauche ich einen Termin für {thing} in {where}?",
        "Was kostet {thing}?",
        "Gibt es {thing} auch am Wochenende in {where}?",
    ),
    "en": (
        "Where can I find {thing} in {where}?",
        "Who helps with {thing}?",
        "Do I need an appointment for {thing} in {where}?",
    ),
    "ar": ("أين أجد {thing} في {where}؟", "من يساعدني في {thing}؟", "متى يفتح {thing} في {where}؟"),
    "fa": ("کجا می‌توانم {thing} را در {where} پیدا کنم؟", "چه کسی در مورد {thing} کمک می‌کند؟"),
    "uk": ("Де знайти {thing} у {where}?", "Хто допоможе з {thing}?", "Коли працює {thing}?"),
    "tr": ("{where} içinde {thing} nerede?", "{thing} için kim yardım eder?"),
    "ru": ("Где найти {thing} в {where}?", "Кто поможет с {thing}?"),
}
THINGS = {
    "de": [
        "Sprachkurs",
        "Fahrradwerkstatt",
        "Kinderarzt",
        "Zahnarzt",
        "Jobcenter",
        "Ausländerbehörde",
        "Schwimmkurs",
        "Nachhilfe",
        "Kleiderkammer",
        "Tafel",
        "Bibliothek",
        "Sportverein",
        "Wohnungsamt",
        "Familienkasse",
        "Rechtsberatung",
        "Schuldnerberatung",
        "Hausaufgabenhilfe",
        "Fußballtraining",
        "Musikschule",
        "Deutschtest",
        "Praktikum",
        "Ausbildung",
        "Führerschein",
        "Fahrkarte",
        "Bürgeramt",
    ],
    "en": [
        "language course",
        "bike repair",
        "pediatrician",
        "dentist",
        "job center",
        "library",
        "swimming lessons",
        "tutoring",
        "housing office",
        "legal advice",
    ],
    "ar": [
        "دورة لغة",
        "طبيب أطفال",
        "طبيب أسنان",
        "مكتب العمل",
        "مكتبة",
        "دروس سباحة",
        "مساعدة قانونية",
    ],
    "fa": ["کلاس زبان", "دکتر کودکان", "دندانپزشک", "کتابخانه", "کلاس شنا", "مشاوره حقوقی"],
    "uk": ["мовні курси", "дитячий лікар", "стоматолог", "бібліотека", "уроки плавання", "юрист"],
    "tr": ["dil kursu", "çocuk doktoru", "diş hekimi", "kütüphane", "yüzme kursu", "avukat"],
    "ru": ["языковые курсы", "детский врач", "стоматолог", "библиотека", "уроки плавания", "юрист"],
}
WHERE = [
    "Kalk",
    "Ehrenfeld",
    "Mülheim",
    "Nippes",
    "Porz",
    "Innenstadt",
    "Süd",
    "Nord",
    "Mitte",
    "Altstadt",
]
#: Questions many people ask in the same words (about 15 % of all).
POPULAR = {
    "de": ("Wie melde ich mich für den Integrationskurs an?", "Wo ist das Bürgeramt?"),
    "ar": ("كيف أسجل في دورة الاندماج؟",),
    "uk": ("Як записатися на інтеграційний курс?",),
}


def _pick(rng: random.Random, weighted: tuple) -> object:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def question(rng: random.Random, lang: str) -> str:
    """One question as a user might write it: mostly distinct, some popular, some varied."""
    if lang in POPULAR and rng.random() < 0.15:
        return rng.choice(POPULAR[lang])
    pattern = rng.choice(PATTERNS[lang])
    asked = pattern.format(thing=rng.choice(THINGS[lang]), where=rng.choice(WHERE))
    roll = rng.random()
    if roll < 0.2:
        asked = asked.lower().rstrip("?؟")
    elif roll < 0.3:
        asked += f" ({rng.randrange(1, 500)})"  # a detail that makes it distinct
    elif roll < 0.4:
        asked = "Hallo, " + asked if lang == "de" else asked + " 🙏"
    return asked


def fill(services: Services, count: int, seed: int = 7) -> list[float]:
    """Store `count` open questions, 200 a transaction; return the time of each store (ms)."""
    rng, timings = random.Random(seed), []
    done = 0
    while done < count:
        with services.db.session() as session:
            for _ in range(min(200, count - done)):
                lang = str(_pick(rng, LANGUAGES))
                place = _pick(rng, PLACES)
                asked = question(rng, lang)
                begin = time.perf_counter()
                record_unanswered(session, asked, lang, place)  # type: ignore[arg-type]
                session.flush()
                timings.append((time.perf_counter() - begin) * 1000)
                done += 1
    with services.db.session() as session:
        grant_role(session, KOELN_ADMIN, "admin", "koeln")
        for user_id in (SUPERADMIN, KOELN_ADMIN):
            set_language(session, user_id, "en")
            set_municipality(session, user_id, "koeln")
    return timings


async def timed(step) -> tuple[list[Sent], float]:
    begin = time.perf_counter()
    sent = await step
    return sent, (time.perf_counter() - begin) * 1000


async def presses(chat: Chat, runs: int) -> dict[str, list[float]]:
    """Open the inbox, turn a page, open a group, `runs` times; return the times per press."""
    times: dict[str, list[float]] = {"first page": [], "next page": [], "open a group": []}
    for _ in range(runs):
        [listing], first = await timed(chat.send("/unanswered"))
        pages = [data for label, data in listing.buttons if label == "▶"]
        [page], turn = await timed(chat.press_on(listing, pages[0]))
        groups = [data for _, data in page.buttons if data.startswith("Q:v:")]
        _, opened = await timed(chat.press_on(page, groups[0]))
        times["first page"].append(first)
        times["next page"].append(turn)
        times["open a group"].append(opened)
    return times


def _wipe(url: str) -> None:
    engine = create_engine(normalise_database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


async def measure(url: str, args: argparse.Namespace) -> None:
    settings = Settings(
        database_url=url,
        content_dir=ROOT / "content",
        admin_user_ids=frozenset({SUPERADMIN}),
        flood_burst=10**6,
    )
    services = bootstrap(settings)
    begin = time.perf_counter()
    stores = sorted(fill(services, args.questions))
    filled = time.perf_counter() - begin
    p99 = stores[int(len(stores) * 0.99)]
    print(f"database {url.split(':')[0]}: {args.questions} open questions stored in {filled:.1f} s")
    print(f"  one store: p50 {statistics.median(stores):.2f} ms, p99 {p99:.2f} ms")
    request = FakeRequest()
    app = build_application(services, request=request)
    async with app:
        await post_init(app)
        for who, user_id in (("superadmin (all)", SUPERADMIN), ("admin of Köln", KOELN_ADMIN)):
            chat = Chat(app, request, UpdateFactory(user_id=user_id, language_code="en"))
            [listing] = await chat.send("/unanswered")
            print(f"  {who}: {listing.text.splitlines()[1]}")
            for press, times in (await presses(chat, args.runs)).items():
                worst = max(times)
                print(
                    f"    {press:>13}: median {statistics.median(times):7.1f} ms,"
                    f" max {worst:7.1f} ms"
                )
    services.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(measure(f"sqlite:///{tmp}/bench.db", args))
    if args.postgres and not args.sqlite_only:
        _wipe(args.postgres)
        asyncio.run(measure(normalise_database_url(args.postgres), args))


if __name__ == "__main__":
    main()
