"""Reminder dispatch: 10,000 reminders due in the same minute.

    python bench/reminders.py [--reminders 10000] [--limited 600] [--full]
                              [--latency 50] [--database-url URL]

First the dispatcher's own cost per reminder: `dispatch()` through the real PTB bot on the
fake Bot API transport without the rate limiter (claim in batches, read, write, send, mark
each; target <= 1 ms a reminder, 10,000 in <= 10 s). Then with the rate limiter at
Telegram's 30 messages a second, as the bot runs: how late the last reminder is compared
with the ideal N / 30 s. That takes 333 s for 10,000, so by default `--limited` reminders
are sent and the lateness for 10,000 is extrapolated from the measured rate; `--full`
sends all of them. Last, the same with a network round trip of `--latency` ms per call (as
to api.telegram.org), which the fake transport otherwise does not have: the dispatcher
sends one message at a time, so its rate is at most 1 / round trip. A temporary SQLite
database unless `--database-url` names another
(PostgreSQL: its schema is wiped and rebuilt, use a scratch database).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, delete, insert, text
from telegram.warnings import PTBUserWarning

from bot.app import build_application
from bot.appointments.dispatch import dispatch
from bot.appointments.service import PENDING, PLANNED
from bot.chat.transport import FakeRequest
from bot.config import Settings, normalise_database_url
from bot.db.models import Appointment, Participant, Reminder, User
from bot.services import Services, bootstrap

ROOT = Path(__file__).resolve().parent.parent
#: Telegram's limit for one bot, and so AIORateLimiter's default.
PER_SECOND = 30
USERS = 1000
LANGUAGES = ("de", "en", "ar", "uk")


class TimedRequest(FakeRequest):
    """The fake transport, noting when each message went out, optionally `latency` seconds
    late (a network round trip)."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__()
        self.latency = latency
        self.sent_at: list[float] = []

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any):
        if self.latency:
            await asyncio.sleep(self.latency)
        answer = await super().do_request(url, method, *args, **kwargs)
        if url.endswith("/sendMessage"):
            self.sent_at.append(time.perf_counter())
        self.calls.clear()  # 10,000 recorded calls are not what we measure
        return answer


def add_reminders(services: Services, count: int) -> None:
    """Replace all appointments and reminders by `count` reminders due in this minute, one
    for each appointment in two hours, over USERS users."""
    now = datetime.now(UTC)
    starts, due = now + timedelta(hours=2), now - timedelta(seconds=30)
    with services.db.session() as session:
        session.execute(delete(Reminder))
        session.execute(delete(Participant))
        session.execute(delete(Appointment))
        if session.get(User, 1) is None:
            session.execute(
                insert(User),
                [
                    {"id": n, "language": LANGUAGES[n % len(LANGUAGES)], "active": True}
                    for n in range(1, USERS + 1)
                ],
            )
        appointments, people, reminders = [], [], []
        for n in range(1, count + 1):
            user = n % USERS + 1
            appointments.append(
                {
                    "id": n,
                    "starts_at": starts,
                    "minutes": 60,
                    "title": f"Termin {n}",
                    "place": "Rathaus, Zimmer 12",
                    "client_code": f"K{n % 997}",
                    "created_by": user,
                    "state": PLANNED,
                    "sequence": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            people.append({"appointment_id": n, "user_id": user})
            reminders.append(
                {
                    "user_id": user,
                    "appointment_id": n,
                    "kind": "before",
                    "key": f"before:{n}:0:120",
                    "offset_minutes": 120,
                    "due_at": due,
                    "state": PENDING,
                    "attempts": 0,
                    "late": False,
                }
            )
        session.execute(insert(Appointment), appointments)
        session.execute(insert(Participant), people)
        session.execute(insert(Reminder), reminders)


async def run(
    services: Services, rate_limit: bool, latency: float = 0.0
) -> tuple[int, float, list[float]]:
    """Dispatch what is due through the real bot; return (sent, seconds, send moments
    relative to the start)."""
    request = TimedRequest(latency)
    app = build_application(services, request=request, rate_limit=rate_limit)
    async with app:
        start = time.perf_counter()
        done = await dispatch(app.bot, services)
        seconds = time.perf_counter() - start
    return done.sent, seconds, [moment - start for moment in request.sent_at]


def overhead(services: Services, count: int) -> None:
    add_reminders(services, count)
    sent, seconds, _ = asyncio.run(run(services, rate_limit=False))
    print(f"dispatch without rate limit (fake transport): {count} reminders due in one minute")
    print(f"  sent: {sent} in {seconds:.2f} s")
    print(f"  per reminder: {seconds / max(sent, 1) * 1000:.3f} ms")
    print("  target: <= 1 ms a reminder (10,000 in <= 10 s)")


def lateness(services: Services, count: int, total: int, latency: float = 0.0) -> None:
    add_reminders(services, count)
    sent, seconds, moments = asyncio.run(run(services, rate_limit=True, latency=latency))
    last = moments[-1] if moments else 0.0
    ideal = count / PER_SECOND
    # The steady rate, without the limiter's first burst (it lets PER_SECOND through at once).
    steady = moments[PER_SECOND:] if len(moments) > 2 * PER_SECOND else moments
    rate = (len(steady) - 1) / (steady[-1] - steady[0]) if len(steady) > 1 else 0.0
    label = f", {latency * 1000:.0f} ms round trip per call" if latency else ""
    print(f"dispatch with the rate limiter at {PER_SECOND}/s{label}: {count} reminders due")
    print(f"  sent: {sent} in {seconds:.2f} s, steady rate {rate:.1f} messages/s")
    print(f"  last reminder sent after: {last:.2f} s (ideal {count} / {PER_SECOND}: {ideal:.2f} s)")
    print(f"  lateness of the last reminder vs ideal: {last - ideal:+.2f} s")
    if count < total and rate:
        extrapolated = total / rate - total / PER_SECOND
        print(
            f"  extrapolated for {total}: last after {total / rate:.0f} s "
            f"(ideal {total / PER_SECOND:.0f} s), lateness {extrapolated:+.1f} s"
        )


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument(
        "--limited", type=int, default=600, help="reminders sent through the rate limiter"
    )
    parser.add_argument("--full", action="store_true", help="send all --reminders at 30/s")
    parser.add_argument(
        "--latency", type=float, default=50, help="ms round trip for the last part (0: skip)"
    )
    parser.add_argument(
        "--latency-reminders", type=int, default=150, help="reminders sent in the last part"
    )
    parser.add_argument("--database-url", help="a scratch database (default: temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        if args.database_url:
            url = normalise_database_url(args.database_url)
            if url.startswith("postgresql"):
                reset_postgres(url)
        services = bootstrap(Settings(database_url=url, content_dir=ROOT / "content"))
        warnings.filterwarnings("ignore", category=PTBUserWarning)  # per_message notes
        gc.freeze()  # as the bot does once it has started (bot/app.py, run_bot)
        print(f"database: {services.db.engine.dialect.name}")
        overhead(services, args.reminders)
        limited = args.reminders if args.full else min(args.limited, args.reminders)
        lateness(services, limited, args.reminders)
        if args.latency > 0:
            slow = min(args.latency_reminders, args.reminders)
            lateness(services, slow, args.reminders, args.latency / 1000)
        services.db.dispose()


if __name__ == "__main__":
    main()
