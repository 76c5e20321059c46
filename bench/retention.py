"""How long the daily retention run and one erasure take on a large backlog.

    python bench/retention.py [--rows 100000] [--database-url URL]

Fills a fresh database (a temporary SQLite file, or the PostgreSQL at --database-url,
whose schema is wiped) with a year's backlog that is due: unanswered questions, ended
referrals, past appointments with their participants and reminders, used invitations
and old audit entries, `--rows` in all, plus as many rows that are not due yet. Then runs
the retention once (500 rows a transaction) and prints rows deleted per second and the
longest transaction; then erases an advisor with 1,000 referrals and 1,000 appointments
and prints how long that one transaction takes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text

from bot.config import Settings, normalise_database_url
from bot.db.migrate import upgrade
from bot.db.models import (
    Appointment,
    AuditEntry,
    Invitation,
    Participant,
    Referral,
    Reminder,
    UnansweredQuestion,
    User,
)
from bot.db.session import Database
from bot.privacy import retention
from bot.privacy.erasure import erase_user

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
DAY = timedelta(days=1)
ADVISOR, COACH = 1, 2


def _wipe(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fill(db: Database, rows: int) -> None:
    """Store `rows` due rows over the kinds, and as many that are kept."""
    share = rows // 5
    with db.session() as session:
        session.execute(insert(User), [{"id": i, "active": True} for i in (ADVISOR, COACH, 3)])
        for age, number in ((400, share), (10, share)):  # due, and kept
            at = NOW - age * DAY
            session.execute(
                insert(UnansweredQuestion),
                [{"text": f"q{i}", "lang": "de", "created_at": at} for i in range(number)],
            )
            session.execute(
                insert(AuditEntry), [{"at": at, "action": "role_granted"} for _ in range(number)]
            )
            session.execute(
                insert(Invitation),
                [
                    {"code_hash": f"{age}-{i}", "role": "advisor", "municipality": "koeln",
                     "expires_at": at, "used_at": at, "created_at": at}
                    for i in range(number)
                ],
            )  # fmt: skip
            session.execute(
                insert(Referral),
                [
                    {"offer_id": "o", "offer_type": "coaching", "client_code": f"A{i}",
                     "advisor_id": 3, "state": "completed", "created_at": at,
                     "updated_at": at, "closed_at": at}
                    for i in range(number)
                ],
            )  # fmt: skip
            first = session.execute(
                insert(Appointment).returning(Appointment.id),
                [
                    {"starts_at": at, "title": "t", "created_by": 3, "state": "planned",
                     "created_at": at, "updated_at": at}
                    for _ in range(number)
                ],
            ).scalars().all()  # fmt: skip
            session.execute(
                insert(Participant), [{"appointment_id": a, "user_id": 3} for a in first]
            )
            session.execute(
                insert(Reminder),
                [
                    {"user_id": 3, "appointment_id": a, "kind": "before", "key": f"b:{a}",
                     "due_at": at, "state": "sent"}
                    for a in first
                ],
            )  # fmt: skip
        # The advisor who will be erased: 1,000 referrals and 1,000 shared appointments.
        session.execute(
            insert(Referral),
            [
                {"offer_id": "o", "offer_type": "coaching", "client_code": f"E{i}",
                 "advisor_id": ADVISOR, "coach_id": COACH, "state": "accepted",
                 "municipality": "koeln", "created_at": NOW, "updated_at": NOW}
                for i in range(1000)
            ],
        )  # fmt: skip
        mine = session.execute(
            insert(Appointment).returning(Appointment.id),
            [
                {"starts_at": NOW + DAY, "title": "t", "created_by": ADVISOR,
                 "state": "planned", "created_at": NOW, "updated_at": NOW}
                for _ in range(1000)
            ],
        ).scalars().all()  # fmt: skip
        session.execute(
            insert(Participant),
            [{"appointment_id": a, "user_id": u} for a in mine for u in (ADVISOR, COACH)],
        )


class Timed(Database):
    """A Database that remembers how long its longest transaction took."""

    longest = 0.0

    def session(self):  # type: ignore[override]
        parent = super().session

        class Block:
            def __enter__(block):
                block.start = time.perf_counter()
                block.inner = parent()
                return block.inner.__enter__()

            def __exit__(block, *exc):
                done = block.inner.__exit__(*exc)
                self.longest = max(self.longest, time.perf_counter() - block.start)
                return done

        return Block()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url and normalise_database_url(args.database_url)
        if url:
            _wipe(url)
        else:
            url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        db = Timed(url)
        fill(db, args.rows)
        settings = Settings(database_url=url)
        db.longest = 0.0
        start = time.perf_counter()
        outcome = retention.run(db, settings, NOW)
        took = time.perf_counter() - start
        deleted = sum(outcome.deleted.values())
        backend = db.engine.dialect.name
        print(f"{backend}: retention deleted {deleted} rows in {took:.2f} s "
              f"({deleted / took:,.0f} rows/s), longest transaction {db.longest * 1000:.0f} ms")  # fmt: skip
        for kind, count in outcome.deleted.items():
            print(f"  {kind}: {count}")
        start = time.perf_counter()
        with db.session() as session:
            done = erase_user(session, ADVISOR, NOW)
        took = time.perf_counter() - start
        print(f"{backend}: erasing an advisor with 1,000 referrals and 1,000 appointments "
              f"took {took * 1000:.0f} ms ({done.dropped} referrals deleted, "
              f"{len(done.left)} participants to tell)")  # fmt: skip
        db.dispose()


if __name__ == "__main__":
    main()
