"""The real bot in subprocesses against a fake Bot API over HTTP: a few hundred reminders
fall due, the bot is killed with SIGKILL mid-dispatch and started again. Every reminder
arrives; the only repeats are the messages that were in flight when it died. Two bots on
one PostgreSQL database share the work without sending anything twice.

The bots run `python -m bot run` (long polling, the JobQueue ticking every second, the
rate limiter at Telegram's 30 messages a second, as in production); the fake Bot API
(fake_bot_api.py) runs in a thread of the test and records every message. A reminder is
told by its chat and the appointment id in its buttons ("A:c:<id>").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_bot_api import FakeBotApi, Sent
from sqlalchemy import select

from bot.appointments.dispatch import GROUP
from bot.appointments.service import CLAIMED, PENDING, PLANNED, SENT
from bot.config import Settings
from bot.db.models import Appointment, Participant, Reminder, User
from bot.db.session import Database
from bot.services import bootstrap

ROOT = Path(__file__).resolve().parents[2]
#: Reminders falling due at once, spread over this many users.
REMINDERS, USERS = 300, 30
FIRST_USER = 910_000_001
#: Kill after a bot has sent this many: its batch (100 claimed at a time) is half sent.
KILL_AFTER = 50
#: Seconds to wait for everything to be delivered (300 at 30/s is 10 s, plus start-ups).
DEADLINE = 60.0
#: How often the test looks (it shares the CPU with the fake Bot API and the bots).
POLL = 0.2
#: Enough for a child to finish what it was sending when the test looks.
SETTLE = 0.3

Key = tuple[int, int]  # (chat id, appointment id)


def seed(url: str) -> dict[Key, str]:
    """Migrate, load the content, and add REMINDERS reminders due a minute ago for
    appointments in two hours; return the title each (chat, appointment) must see."""
    services = bootstrap(Settings(database_url=url, content_dir=ROOT / "content"))
    now = datetime.now(UTC)
    expected: dict[Key, str] = {}
    with services.db.session() as session:
        for n in range(USERS):
            session.add(User(id=FIRST_USER + n, language=("de", "en", "uk")[n % 3], active=True))
        session.flush()
        for n in range(REMINDERS):
            user, title = FIRST_USER + n % USERS, f"T{n:04d}"
            appointment = Appointment(
                starts_at=now + timedelta(hours=2),
                minutes=60,
                title=title,
                created_by=user,
                state=PLANNED,
                created_at=now,
                updated_at=now,
                participants=[Participant(user_id=user)],
            )
            session.add(appointment)
            session.flush()
            session.add(
                Reminder(
                    user_id=user,
                    appointment_id=appointment.id,
                    kind="before",
                    key=f"before:{appointment.id}:0:60",
                    offset_minutes=60,
                    due_at=now - timedelta(minutes=1),
                    state=PENDING,
                    attempts=0,
                    late=False,
                )
            )
            expected[(user, appointment.id)] = title
    services.db.dispose()
    return expected


def key_of(sent: Sent) -> Key:
    """The reminder a message is: its chat and the appointment of its Confirm button."""
    confirm = next(data for data in sent.buttons if data.startswith("A:c:"))
    return sent.chat_id, int(confirm.rsplit(":", 1)[1])


class Bots:
    """The bot processes of one test: started with the test's settings, logs kept in files,
    every one of them killed at the end."""

    def __init__(self, tmp: Path, api: FakeBotApi, url: str, claim_timeout: int):
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")
        self.env = {name: os.environ[name] for name in keep if name in os.environ}
        self.env.update(
            BOT_TOKEN="123456:TEST-crash",
            TELEGRAM_BASE_URL=api.base_url,
            TELEGRAM_BASE_FILE_URL=api.base_file_url,
            DATABASE_URL=url,
            CONTENT_DIR=str(ROOT / "content"),
            REMINDER_TICK_SECONDS="1",
            REMINDER_CLAIM_TIMEOUT_SECONDS=str(claim_timeout),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        self.tmp = tmp
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def start(self) -> subprocess.Popen:
        log = self.tmp / f"bot-{len(self.started)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env=self.env,
                cwd=self.tmp,  # no .env of the repository
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.started.append((process, log))
        return process

    def kill(self, process: subprocess.Popen) -> None:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def check_alive(self, running: list[subprocess.Popen]) -> None:
        for process in running:
            if process.poll() is not None:
                pytest.fail(f"bot {process.pid} exited with {process.returncode}\n{self.logs()}")

    def stop_all(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.terminate()
        for process, _ in self.started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def logs(self) -> str:
        parts = []
        for process, log in self.started:
            lines = log.read_text(errors="replace").splitlines()
            parts.append(f"--- bot pid {process.pid} (last 40 lines of {log}) ---")
            parts += lines[-40:]
        return "\n".join(parts)


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Callable[[str, int], tuple[FakeBotApi, Bots]]]:
    """Start the fake Bot API; make the bot processes; kill them all afterwards, and show
    their logs if the test failed."""
    made: list[tuple[FakeBotApi, Bots]] = []

    def make(url: str, claim_timeout: int) -> tuple[FakeBotApi, Bots]:
        api = FakeBotApi(log=tmp_path / "sent.jsonl")
        api.start()
        bots = Bots(tmp_path, api, url, claim_timeout)
        made.append((api, bots))
        return api, bots

    try:
        yield make
    finally:
        for api, bots in made:
            bots.stop_all()
            api.stop()


def states(db: Database) -> dict[Key, tuple[str, str]]:
    """Each reminder's state and the worker that claimed it last ("" if none)."""
    query = select(Reminder.user_id, Reminder.appointment_id, Reminder.state, Reminder.claimed_by)
    with db.session() as session:
        return {(u, a): (state, by or "") for u, a, state, by in session.execute(query)}


def sent_by(db: Database, process: subprocess.Popen) -> int:
    """How many reminders one bot process has sent and marked."""
    worker = f"{process.pid}-"
    return sum(1 for state, by in states(db).values() if state == SENT and by.startswith(worker))


def wait_for(
    done: Callable[[], bool], bots: Bots, running: list[subprocess.Popen], what: str
) -> None:
    deadline = time.monotonic() + DEADLINE
    while not done():
        bots.check_alive(running)
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{bots.logs()}")
        time.sleep(POLL)


def all_delivered(api: FakeBotApi, db: Database, expected: dict[Key, str]) -> Callable[[], bool]:
    def done() -> bool:
        if api.count() < len(expected):
            return False
        if not set(expected) <= {key_of(sent) for sent in api.snapshot()}:
            return False
        return all(state == SENT for state, _ in states(db).values())

    return done


def check_messages(sent: list[Sent], expected: dict[Key, str]) -> Counter[Key]:
    """Every message is one of the reminders, with its own title; every reminder came.
    Return how often each arrived."""
    counts = Counter(key_of(one) for one in sent)
    assert set(counts) == set(expected), "a reminder is missing, or a stray message came"
    for one in sent:
        assert expected[key_of(one)] in one.text
    return counts


def in_flight_at_kill(
    api: FakeBotApi, db: Database, worker_pid: int
) -> tuple[set[Key], set[Key], int]:
    """After a kill: the dead worker's claims, those of them Telegram already has (sent,
    not yet marked: these are the ones that will come twice), and the pending rows."""
    time.sleep(SETTLE)  # a request the bot wrote before it died is still being answered
    received = {key_of(sent) for sent in api.snapshot()}
    rows = states(db)
    worker = f"{worker_pid}-"
    mine = {key for key, (state, by) in rows.items() if state == CLAIMED and by.startswith(worker)}
    pending = sum(1 for state, _ in rows.values() if state == PENDING)
    return mine, mine & received, pending


def report(bots: Bots, claimed: set[Key], in_flight: set[Key], repeated: set[Key]) -> None:
    """Say what the kill did (pytest shows it when a test fails, or with -s)."""
    print(
        f"at the kill: {len(claimed)} claimed by the dead bot, {len(in_flight)} of them already"
        f" received; {len(repeated)} reminders came twice; bot logs in {bots.tmp}"
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_bot_killed_mid_dispatch_loses_no_reminder_and_repeats_only_those_in_flight(
    database_url: str, harness
) -> None:
    expected = seed(database_url)
    # Only one bot at a time: a short claim timeout brings the dead one's claims back soon.
    api, bots = harness(database_url, 2)
    db = Database(database_url)
    try:
        first = bots.start()
        wait_for(lambda: sent_by(db, first) >= KILL_AFTER, bots, [first], "the first messages")
        bots.kill(first)
        claimed, in_flight, pending = in_flight_at_kill(api, db, first.pid)
        assert claimed and pending, "the kill should land in the middle of the dispatch"
        second = bots.start()
        wait_for(all_delivered(api, db, expected), bots, [second], "every reminder")
        time.sleep(SETTLE)
        counts = check_messages(api.snapshot(), expected)
    finally:
        db.dispose()
    repeated = {key for key, times in counts.items() if times > 1}
    report(bots, claimed, in_flight, repeated)
    # The dispatcher sends a group of GROUP messages at once and marks them sent right after:
    # the only repeats are the dead bot's claims that Telegram had already received.
    assert repeated == in_flight and len(in_flight) <= GROUP, (repeated, in_flight)
    assert max(counts.values()) <= 2


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_bots_on_postgresql_share_the_reminders_and_send_none_twice(
    database_url: str, harness
) -> None:
    expected = seed(database_url)
    # Longer than sending one claimed batch takes (100 at 30/s: 3.3 s), so neither bot
    # takes over the claims of the other while it is still sending them.
    api, bots = harness(database_url, 10)
    db = Database(database_url)
    try:
        running = [bots.start(), bots.start()]
        wait_for(all_delivered(api, db, expected), bots, running, "every reminder")
        time.sleep(SETTLE)
        counts = check_messages(api.snapshot(), expected)
        workers = {by.split("-")[0] for _, by in states(db).values() if by}
    finally:
        db.dispose()
    assert max(counts.values()) == 1, [key for key, n in counts.items() if n > 1]
    assert workers == {str(p.pid) for p in running}, "both bots should have sent a share"


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_bots_on_postgresql_one_killed_lose_nothing_and_repeat_only_its_in_flight(
    database_url: str, harness
) -> None:
    expected = seed(database_url)
    api, bots = harness(database_url, 8)  # see above: longer than a batch takes to send
    db = Database(database_url)
    try:
        survivor, victim = bots.start(), bots.start()
        running = [survivor, victim]
        wait_for(lambda: sent_by(db, victim) >= KILL_AFTER, bots, running, "the first messages")
        bots.kill(victim)
        claimed, in_flight, _ = in_flight_at_kill(api, db, victim.pid)
        assert claimed, "the killed bot should have held claims"
        restarted = bots.start()
        running = [survivor, restarted]
        wait_for(all_delivered(api, db, expected), bots, running, "every reminder")
        time.sleep(SETTLE)
        counts = check_messages(api.snapshot(), expected)
    finally:
        db.dispose()
    repeated = {key for key, times in counts.items() if times > 1}
    report(bots, claimed, in_flight, repeated)
    assert repeated == in_flight and len(in_flight) <= GROUP, (repeated, in_flight)
