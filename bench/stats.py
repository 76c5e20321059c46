"""How long /stats takes to build its report, chart and CSV for a year of 50 municipalities.

    python bench/stats.py [--municipalities 50] [--runs 5] [--seed 7] [--png FILE]

Fills a temporary SQLite database with a year of daily counts (questions, checks,
searches, searches that found nothing) and referrals for the municipalities, then builds
the report (query and small-number suppression), the PNG chart and the CSV for the last
12 months, for a superadmin (all of NRW) and for the admin of one municipality, and prints
p50/p99 in milliseconds of each step. `--png` keeps the superadmin's chart.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bot.admin.chart import Names, chart_png, csv_bytes
from bot.admin.stats import period, report
from bot.answers.stats import OUTCOMES
from bot.catalog.schema import OFFER_TYPES, STATUSES
from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.models import CheckStat, OfferMiss, QuestionStat, Referral, SearchStat
from bot.db.session import Database
from bot.i18n import translator
from bot.referrals import service as referrals

TODAY = date(2026, 11, 23)
LANGUAGES = ("de", "ar", "fa", "uk", "en", "tr", "ru", "fr")
PROGRAMS = ("gemeinsam-klappts", "durchstarten", "durchstarten-coaching")
RESULTS = ("eligible", "not_eligible", "unknown")
STATES = (referrals.REQUESTED, referrals.ACCEPTED, referrals.STARTED, referrals.COMPLETED)


def fill(db: Database, towns: list[str], seed: int) -> int:
    """Store a year of counts up to TODAY (big towns busier than small ones); return rows."""
    rng = random.Random(seed)
    rows: dict[Any, list[dict[str, Any]]] = {m: [] for m in (QuestionStat, CheckStat, SearchStat)}
    rows[OfferMiss], rows[Referral] = [], []
    for number, town in enumerate(towns):
        busy = 6.0 / (1 + number / 5)  # questions a day in this town, on average
        for back in range(365):
            day = TODAY - timedelta(days=back)
            for lang in rng.sample(LANGUAGES, 3):
                for outcome in OUTCOMES:
                    if (n := rng.randint(0, round(busy))) > 0:
                        rows[QuestionStat].append(
                            {
                                "day": day,
                                "municipality": town,
                                "lang": lang,
                                "outcome": outcome,
                                "count": n,
                            }
                        )
            for program, result in zip(PROGRAMS, rng.choices(RESULTS, k=3), strict=True):
                if rng.random() < busy / 6:
                    rows[CheckStat].append(
                        {
                            "day": day,
                            "municipality": town,
                            "program": program,
                            "result": result,
                            "count": 1,
                        }
                    )
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


def line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"  {name:<8} p50 {statistics.median(times):8.1f} ms   p99 {p99:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--png", type=Path)
    args = parser.parse_args()
    towns = [f"gemeinde-{n:02d}" for n in range(args.municipalities)]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/stats.db"
        upgrade(url)
        db = Database(url)
        stored = fill(db, towns, args.seed)
        print(f"{stored} rows for {len(towns)} municipalities over 365 days; last 12 months:")
        tz, t = Settings().tz, translator("de")
        names = Names({m: m.title() for m in towns}, {p: p for p in PROGRAMS})
        span = period("12m", TODAY)
        for label, scope in (("all of NRW", None), ("one municipality", frozenset(towns[:1]))):
            with db.session() as session:
                took, built = timed(args.runs, lambda s=session, c=scope: report(s, span, c, tz))
            hidden = len(built.hidden)
            print(f"{label}: {len(built.counts)} cells, {hidden} hidden")
            print(line("report", took))
            took_png, png = timed(args.runs, lambda r=built: chart_png(r, t, names))
            print(line("chart", took_png) + f"   ({len(png) // 1024} KiB)")
            took_csv, data = timed(args.runs, lambda r=built: csv_bytes(r))
            print(line("csv", took_csv) + f"   ({len(data) // 1024} KiB)")
            if args.png and scope is None:
                args.png.write_bytes(png)
        db.dispose()


if __name__ == "__main__":
    main()
