"""Reminders on SQLite and PostgreSQL with a clock we move by hand: planning, offsets,
morning agendas, daylight-saving changes, catch-up after downtime, Telegram's errors,
claims by two workers, and retention."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import build_application
from bot.appointments import reminders as r
from bot.appointments import service as s
from bot.appointments.dispatch import dispatch
from bot.chat.transport import FakeRequest
from bot.clock import FakeClock
from bot.config import Settings
from bot.db.models import Appointment, Reminder, User
from bot.i18n import translator
from bot.services import Services, bootstrap
from bot.users.service import grant_role, set_language

ROOT = Path(__file__).resolve().parents[2]
BERLIN = ZoneInfo("Europe/Berlin")
ADVISOR, COACH, STRANGER = 11, 21, 31
START = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)


def at(*args: int) -> datetime:
    """A Berlin wall-clock moment."""
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def world(database_url: str):
    """Services with a fake clock, a coach (English) and an advisor (German)."""
    base = bootstrap(Settings(database_url=database_url, content_dir=ROOT / "content"))
    clock = FakeClock(START)
    services = Services(settings=base.settings, db=base.db, content=base.content, clock=clock)
    with services.db.session() as session:
        grant_role(session, ADVISOR, "advisor")
        grant_role(session, COACH, "coach")
        grant_role(session, STRANGER, "advisor")
        set_language(session, ADVISOR, "de")
        set_language(session, COACH, "en")
    yield services, clock
    services.db.dispose()


def make(services: Services, starts: datetime, people=(COACH,), title="Jobcenter") -> int:
    with services.db.session() as session:
        draft = s.Draft(starts_at=starts, title=title, client_code="A17")
        return s.create(session, draft, people, by=ADVISOR, now=services.clock.now(), tz=BERLIN).id


def rows(services: Services) -> list[tuple[int, str, datetime, str]]:
    with services.db.session() as session:
        found = session.scalars(select(Reminder).order_by(Reminder.due_at, Reminder.user_id))
        return [(x.user_id, x.kind, x.due_at, x.state) for x in found]


def test_reminders_are_planned_per_participant_with_the_coach_agenda(world) -> None:
    services, _ = world
    make(services, at(2026, 11, 25, 14, 0))
    assert rows(services) == [
        (ADVISOR, "before", at(2026, 11, 24, 14, 0), "pending"),
        (COACH, "before", at(2026, 11, 24, 14, 0), "pending"),
        (COACH, "agenda", at(2026, 11, 25, 7, 30), "pending"),
        (ADVISOR, "before", at(2026, 11, 25, 13, 0), "pending"),
        (COACH, "before", at(2026, 11, 25, 13, 0), "pending"),
    ]


def test_own_offsets_and_agenda_time_are_used_and_past_ones_skipped(world) -> None:
    services, _ = world
    with services.db.session() as session:
        session.get(User, COACH).reminder_offsets = "180,15"
        session.get(User, COACH).agenda_at = "off"
    make(services, at(2026, 11, 23, 12, 0))  # in two hours: the 24-hour reminder is past
    assert rows(services) == [
        (ADVISOR, "before", at(2026, 11, 23, 11, 0), "pending"),
        (COACH, "before", at(2026, 11, 23, 11, 45), "pending"),
    ]


@pytest.mark.parametrize(
    "starts, day_before, hour_before",
    [
        # spring: the night of 29 March 2026 has 23 hours
        (at(2026, 3, 29, 10, 0), at(2026, 3, 28, 9, 0), at(2026, 3, 29, 9, 0)),
        (at(2026, 3, 29, 3, 30), at(2026, 3, 28, 2, 30), at(2026, 3, 29, 1, 30)),
        # autumn: the night of 25 October 2026 has 25 hours
        (at(2026, 10, 25, 10, 0), at(2026, 10, 24, 11, 0), at(2026, 10, 25, 9, 0)),
    ],
)
def test_offsets_are_real_hours_across_daylight_saving_changes(
    world, starts, day_before, hour_before
) -> None:
    services, clock = world
    clock.set(at(2026, 3, 1, 8, 0) if starts.month == 3 else at(2026, 10, 1, 8, 0))
    make(services, starts, people=())
    assert [row[2] for row in rows(services)] == [day_before, hour_before]
    assert all(
        starts - row[2] in (timedelta(hours=24), timedelta(hours=1)) for row in rows(services)
    )


def app_for(services: Services, request: FakeRequest | None = None):
    request = request or FakeRequest()
    return build_application(services, request=request, rate_limit=False), request


async def run(services: Services, request: FakeRequest, **options):
    app, _ = app_for(services, request)
    async with app:
        return await dispatch(app.bot, services, **options)


def sent_to(request: FakeRequest, user: int) -> list[str]:
    return [c["text"] for c in request.of("sendMessage") if int(c["chat_id"]) == user]


async def test_due_reminders_are_sent_once_in_each_language_with_buttons(world) -> None:
    services, clock = world
    appointment = make(services, at(2026, 11, 25, 14, 0))
    request = FakeRequest()
    clock.set(at(2026, 11, 24, 14, 0, 5))
    done = await run(services, request)
    assert done.sent == 2
    [german] = sent_to(request, ADVISOR)
    [english] = sent_to(request, COACH)
    assert "Jobcenter" in german and "A17" in german
    assert translator("en")("Reminder: an appointment {when}", when="in 24 hours") in english
    buttons = request.of("sendMessage")[0]["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == [f"A:{v}:{appointment}" for v in "cmx"]
    assert (await run(services, request)).sent == 0  # never twice
    assert len(request.of("sendMessage")) == 2


async def test_the_coach_gets_a_morning_agenda_of_the_day(world) -> None:
    services, clock = world
    make(services, at(2026, 11, 25, 14, 0), title="Schule")
    make(services, at(2026, 11, 25, 9, 0), title="Betrieb")
    clock.set(at(2026, 11, 24, 15, 0))
    await run(services, FakeRequest())  # the reminders of the day before
    request = FakeRequest()
    clock.set(at(2026, 11, 25, 7, 30))
    await run(services, request)
    [agenda] = sent_to(request, COACH)
    assert agenda.index("Betrieb") < agenda.index("Schule")
    assert not [text for text in sent_to(request, ADVISOR) if "Schule" in text]


async def test_after_downtime_late_reminders_are_marked_and_started_ones_dropped(
    world, caplog
) -> None:
    caplog.set_level("INFO")
    services, clock = world
    make(services, at(2026, 11, 24, 9, 0), people=())
    make(services, at(2026, 11, 24, 18, 0), people=())
    request = FakeRequest()
    clock.set(at(2026, 11, 24, 12, 0))  # the bot was down since Monday morning
    done = await run(services, request)
    late = translator("de")("This reminder comes late: Lotse was not running when it was due.")
    texts = sent_to(request, ADVISOR)
    # 9:00 has started: its 1-hour reminder is dropped; 18:00's 24-hour one is sent late.
    assert done.sent == 1 and done.dropped == 1
    assert len(texts) == 1 and late in texts[0] and "18:00" in texts[0]
    assert [row[3] for row in rows(services)] == ["sent", "dropped", "pending"]
    assert "dropped" in caplog.text


async def test_a_cancelled_or_moved_appointment_sends_no_old_reminder(world) -> None:
    services, clock = world
    first = make(services, at(2026, 11, 25, 14, 0), people=())
    second = make(services, at(2026, 11, 25, 16, 0), people=())
    with services.db.session() as session:
        s.cancel(session, first, ADVISOR, now=clock.now())
        s.move(session, second, ADVISOR, at(2026, 11, 26, 16, 0), now=clock.now(), tz=BERLIN)
    request = FakeRequest()
    clock.set(at(2026, 11, 25, 16, 0))
    await run(services, request)
    assert len(sent_to(request, ADVISOR)) == 1  # the moved one's new 24-hour reminder


async def test_a_user_who_blocked_the_bot_is_given_up_and_the_others_are_told(world) -> None:
    services, clock = world
    make(services, at(2026, 11, 25, 14, 0))
    request = FakeRequest()
    request.blocked.add(COACH)
    clock.set(at(2026, 11, 24, 14, 0))
    done = await run(services, request)
    assert done.sent == 1 and done.failed == 1
    with services.db.session() as session:
        assert session.get(User, COACH).active is False
        coach_rows = session.scalars(select(Reminder.state).where(Reminder.user_id == COACH))
        assert set(coach_rows) == {"failed"}
    told = sent_to(request, ADVISOR)
    assert any("blocked the bot" in text or "blockiert" in text for text in told)


async def test_retry_after_is_waited_out(world) -> None:
    services, clock = world
    make(services, at(2026, 11, 25, 14, 0), people=())
    request, waited = FakeRequest(), []
    request.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    clock.set(at(2026, 11, 24, 14, 0))
    done = await run(services, request, sleep=sleep)
    assert done.sent == 1 and waited == [3.0]


async def test_network_errors_are_retried_with_backoff_then_given_back_then_given_up(
    world,
) -> None:
    services, clock = world
    make(services, at(2026, 11, 26, 14, 0), people=())
    request, waited = FakeRequest(), []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    request.fail_next("sendMessage", 502, "Bad Gateway", times=4)
    clock.set(at(2026, 11, 25, 14, 0))
    done = await run(services, request, sleep=sleep)
    assert (done.sent, done.retried) == (0, 1) and waited == [0.5, 1.0]
    assert rows(services)[0][3] == "pending"  # given back for a later round
    assert (await run(services, request, sleep=sleep)).sent == 0  # not at once
    clock.advance(seconds=30)
    done = await run(services, request, sleep=sleep)  # one more failure, then it goes out
    assert done.sent == 1
    request.fail_next("sendMessage", 502, "Bad Gateway", times=100)
    clock.set(at(2026, 11, 26, 13, 0))
    for _ in range(r.MAX_ATTEMPTS):
        await run(services, request, sleep=sleep)
        clock.advance(seconds=30)
    assert rows(services)[-1][3] == "failed"


def test_a_dead_workers_claims_are_released_after_a_while(world) -> None:
    services, clock = world
    make(services, at(2026, 11, 25, 14, 0), people=())
    clock.set(at(2026, 11, 24, 14, 0))
    with services.db.session() as session:
        assert len(r.claim(session, clock.now(), "dead", 10)) == 1
        assert r.claim(session, clock.now(), "other", 10) == []
        assert r.release_stale(session, clock.now()) == 0
    clock.advance(minutes=3)
    with services.db.session() as session:
        assert r.release_stale(session, clock.now()) == 1
        assert len(r.claim(session, clock.now(), "other", 10)) == 1


def test_two_workers_claiming_at_once_never_share_a_reminder(world) -> None:
    services, clock = world
    for hour in range(8, 20):
        make(services, at(2026, 11, 30, hour, 0), people=(COACH, STRANGER))
    clock.set(at(2026, 12, 1, 0, 0))
    total = len(rows(services))
    barrier, taken = threading.Barrier(4), [[] for _ in range(4)]

    def work(index: int) -> None:
        barrier.wait()
        while True:
            with services.db.session() as session:
                got = r.claim(session, clock.now(), f"w{index}", 5)
            if not got:
                return
            taken[index].extend(got)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    claimed = [one for chunk in taken for one in chunk]
    assert len(claimed) == len(set(claimed))
    due = [row for row in rows(services) if row[2] <= clock.now()]
    assert len(claimed) == len(due) and total >= len(due)


def test_only_participants_see_or_change_an_appointment(world) -> None:
    services, clock = world
    number = make(services, at(2026, 11, 25, 14, 0))
    for change in (
        lambda session: s.get(session, number, STRANGER),
        lambda session: s.cancel(session, number, STRANGER, now=clock.now()),
        lambda session: s.move(
            session, number, STRANGER, at(2026, 11, 26, 9, 0), now=clock.now(), tz=BERLIN
        ),
        lambda session: s.confirm(session, number, STRANGER, now=clock.now()),
    ):
        with pytest.raises(s.AppointmentError) as raised, services.db.session() as session:
            change(session)
        assert raised.value.code == "not_allowed"
    with pytest.raises(s.AppointmentError) as raised, services.db.session() as session:
        s.move(session, number, COACH, at(2026, 11, 20, 9, 0), now=clock.now(), tz=BERLIN)
    assert raised.value.code == "past"


def test_past_appointments_are_deleted_after_the_retention_period(world) -> None:
    services, clock = world
    old = make(services, at(2026, 11, 24, 9, 0))
    make(services, at(2026, 12, 20, 9, 0))
    clock.set(at(2026, 12, 24, 8, 0))
    with services.db.session() as session:
        assert s.prune(session, 30, clock.now()) == 0
    clock.set(at(2026, 12, 24, 9, 1))
    with services.db.session() as session:
        assert s.prune(session, 30, clock.now()) == 1
        assert old not in session.scalars(select(Appointment.id)).all()
        assert old not in session.scalars(select(Reminder.appointment_id)).all()


def test_stored_moments_come_back_aware_in_utc(world) -> None:
    services, _ = world
    number = make(services, at(2026, 11, 25, 14, 0))
    with services.db.session() as session:
        starts = session.get(Appointment, number).starts_at
    assert starts.tzinfo is UTC and starts == at(2026, 11, 25, 14, 0)
