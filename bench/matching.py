"""Matching speed: 5,000 generated offers over 50 municipalities; p50/p99 of one match.

Usage: .venv/bin/python bench/matching.py [--offers 5000] [--runs 1000]
(The /find result page through PTB is measured once the /find conversation exists.)
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.catalog.schema import OFFER_TYPES, STATUSES, Content, Municipality, Offer, Program
from bot.eligibility.engine import Facts
from bot.matching.engine import Need, match


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--towns", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()
    content = generate(args.offers, args.towns)
    rnd = random.Random(11)
    on = date(2026, 11, 23)
    print(
        f"matching: {args.offers} offers over {args.towns} municipalities, {args.runs} matches each"
    )
    for label, place in (
        ("municipality or shared location (as /find asks)", True),
        ("no place at all: every offer in NRW (CLI only)", False),
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
        timings.sort()
        p99 = timings[int(len(timings) * 0.99) - 1]
        print(f"  {label}: p50 {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms")
    print("  target: p99 <= 20 ms")
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
