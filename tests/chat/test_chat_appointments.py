"""Appointments through the real Application (see bot/appointments/appointments.mmd):
one line, the dialog with buttons or typed dates, "Schedule" from a referral, move, cancel,
the calendar file, and reminders' buttons pressed by a participant and by a stranger."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flows import STALE
from sqlalchemy import select

from bot.appointments.dispatch import dispatch
from bot.appointments.words import ERRORS, WHEN_ERRORS
from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.clock import FakeClock
from bot.db.models import Appointment, Referral, Reminder
from bot.i18n import translator
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality

BERLIN = ZoneInfo("Europe/Berlin")
ADVISOR, COACH, STRANGER, VOLUNTEER = 101, 201, 102, 301
de, en = translator("de"), translator("en")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture
async def people(running, services: Services):
    """One bot, a clock at Monday 23 November 2026 10:00, and four users."""
    services.clock = FakeClock(at(2026, 11, 23, 10, 0))
    app, request = await running(services)
    for user, role, lang in (
        (ADVISOR, "advisor", "de"),
        (COACH, "coach", "en"),
        (STRANGER, "advisor", "de"),
        (VOLUNTEER, None, "de"),
    ):
        with services.db.session() as session:
            if role:
                grant_role(session, user, role)
            set_language(session, user, lang)
            set_municipality(session, user, "koeln")
    chats = {
        user: Chat(app, request, UpdateFactory(user, lang))
        for user, lang in ((ADVISOR, "de"), (COACH, "en"), (STRANGER, "de"), (VOLUNTEER, "de"))
    }
    return chats, request


def stored(services: Services) -> list[Appointment]:
    with services.db.session() as session:
        return list(session.scalars(select(Appointment).order_by(Appointment.id)))


async def test_one_line_creates_an_appointment_with_place_and_client_code(
    people, services: Services
) -> None:
    chats, _ = people
    [card] = await chats[ADVISOR].send("/appointment 2026-11-24 14:00 Jobcenter @ Raum 12 #a17")
    assert "Jobcenter" in card.text and "Raum 12" in card.text and "A17" in card.text
    assert "Dienstag, 24. November 2026" in card.text
    [saved] = stored(services)
    assert (saved.title, saved.place, saved.client_code) == ("Jobcenter", "Raum 12", "A17")
    assert saved.starts_at == at(2026, 11, 24, 14, 0)
    with services.db.session() as session:
        assert len(session.scalars(select(Reminder)).all()) == 2  # 24 hours and 1 hour before
    [termin] = await chats[ADVISOR].send("/termin 24.11.2026 9:30 Ausländerbehörde 90 min")
    assert "Ausländerbehörde" in termin.text and len(stored(services)) == 2
    assert stored(services)[1].minutes == 90 and stored(services)[1].title == "Ausländerbehörde"


@pytest.mark.parametrize(
    "line, problem",
    [
        ("/appointment 31.02.2027 10:00 Schule", WHEN_ERRORS["invalid_date"]),
        ("/appointment 2026-11-20 10:00 Schule", WHEN_ERRORS["past"]),
        ("/appointment 2027-03-28 02:30 Schule", WHEN_ERRORS["nonexistent"]),
        ("/appointment 2027-10-31 02:30 Schule", WHEN_ERRORS["ambiguous"]),
        ("/appointment 2026-11-24 14:00", ERRORS["title"]),
        ("/appointment irgendwann Schule", WHEN_ERRORS["unknown"]),
        ("/appointment 2026-11-24 14:00 Frau Karimi anrufen", None),
    ],
)
async def test_wrong_times_and_titles_get_a_clear_message_and_nothing_is_saved(
    people, services: Services, line: str, problem: str | None
) -> None:
    chats, _ = people
    [reply] = await chats[ADVISOR].send(line)
    if problem is not None:
        assert de(problem) in reply.text
    assert "/appointment 2026-11-24 14:00 Jobcenter" in reply.text  # how it is written
    assert stored(services) == []


async def test_a_volunteer_cannot_create_appointments(people, services: Services) -> None:
    chats, _ = people
    [reply] = await chats[VOLUNTEER].send("/appointment 2026-11-24 14:00 Jobcenter")
    assert reply.text == de(ERRORS["role"])
    assert stored(services) == []


async def test_the_dialog_with_day_and_time_buttons(people, services: Services) -> None:
    chats, _ = people
    advisor = chats[ADVISOR]
    [days] = await advisor.send("/appointment")
    assert days.labels[:2] == [de("Today"), de("Tomorrow")]
    [times] = await advisor.press(de("Tomorrow"))
    assert "14:00" in times.labels
    [title] = await advisor.press("14:00")
    assert "Dienstag, 24. November 2026" in title.text
    [card] = await advisor.send("Schule @ Raum 3")
    assert "Schule" in card.text and "Raum 3" in card.text
    assert stored(services)[0].starts_at == at(2026, 11, 24, 14, 0)


@pytest.mark.parametrize(
    "lang, typed, expected",
    [
        ("de", "morgen 14 Uhr", at(2026, 11, 24, 14, 0)),
        ("de", "Di 10:30", at(2026, 11, 24, 10, 30)),
        ("de", "24.11. 9:00", at(2026, 11, 24, 9, 0)),
        ("en", "tomorrow 2pm", at(2026, 11, 24, 14, 0)),
    ],
)
async def test_the_dialog_understands_typed_dates(
    people, services: Services, lang: str, typed: str, expected: datetime
) -> None:
    chats, _ = people
    chat = chats[ADVISOR] if lang == "de" else chats[COACH]
    await chat.send("/appointment")
    [title] = await chat.send(typed)
    assert translator(lang)("What is the appointment? Type a short title.") in title.text
    await chat.send("Betrieb")
    assert stored(services)[0].starts_at == expected


async def test_a_typed_day_asks_the_time_and_a_wrong_time_asks_again(
    people, services: Services
) -> None:
    chats, _ = people
    advisor = chats[ADVISOR]
    await advisor.send("/appointment")
    [times] = await advisor.send("Freitag")
    assert "14:00" in times.labels
    [again] = await advisor.send("25:00")
    assert de(WHEN_ERRORS["invalid_date"]) in again.text and "14:00" in again.labels
    await advisor.send("9:15")
    await advisor.send("Sprachkurs")
    assert stored(services)[0].starts_at == at(2026, 11, 27, 9, 15)


async def test_schedule_from_an_accepted_referral_invites_the_coach(
    people, services: Services
) -> None:
    chats, _ = people
    with services.db.session() as session:
        referral = Referral(
            offer_id="koeln-coaching-kalk",
            offer_type="coaching",
            municipality="koeln",
            client_code="A17",
            advisor_id=ADVISOR,
            coach_id=COACH,
            state="accepted",
        )
        session.add(referral)
        session.flush()
        number = referral.id
    advisor, coach = chats[ADVISOR], chats[COACH]
    [shown] = await advisor.press_data(f"R:v:{number}")
    assert f"A:r:{number}" in [data for _, data in shown.buttons]
    await advisor.press_data(f"A:r:{number}")
    await advisor.press(de("Tomorrow"))
    [title] = await advisor.press("10:00")
    offer_title = services.content.offers["koeln-coaching-kalk"].translations["de"]["title"]
    assert offer_title in title.labels
    [card] = await advisor.press(offer_title)
    assert "A17" in card.text
    [invited] = coach.receive()
    assert en("You have a new appointment:") in invited.text and "A17" in invited.text
    [saved] = stored(services)
    assert saved.people == [ADVISOR, COACH] and saved.referral_id == number


async def test_move_and_cancel_are_pushed_to_the_others_and_strangers_change_nothing(
    people, services: Services
) -> None:
    chats, _ = people
    advisor, coach, stranger = chats[ADVISOR], chats[COACH], chats[STRANGER]
    with services.db.session() as session:
        from bot.appointments import service as s

        number = s.create(
            session,
            s.Draft(starts_at=at(2026, 11, 25, 14, 0), title="Schule", client_code="A17"),
            (COACH,),
            by=ADVISOR,
            now=services.clock.now(),
            tz=BERLIN,
        ).id
    for verb in "cmxyi":
        assert await stranger.press_data(f"A:{verb}:{number}") == []
        assert stranger.notices() == [de(ERRORS["not_allowed"])]
    [listed] = await advisor.send("/appointments")
    [card] = await advisor.press(data=listed.buttons[0][1])
    await advisor.press_on(card, f"A:m:{number}")
    [moved] = await advisor.send("26.11. 9:30")
    assert "Donnerstag, 26. November 2026" in moved.text
    [told] = coach.receive()
    assert en("An appointment has been moved:") in told.text
    [ask] = await coach.press_data(f"A:x:{number}")
    assert en("Cancel “{title}” for everyone?", title="Schule") in ask.text
    [gone] = await coach.press(en("Yes, cancel it"))
    assert en("This appointment has been cancelled.") in gone.text
    [heard] = advisor.receive()
    assert de("An appointment has been cancelled:") in heard.text
    assert stored(services)[0].state == "cancelled"
    with services.db.session() as session:
        mine = select(Reminder.state).where(Reminder.appointment_id == number)
        assert session.scalars(mine).all() == []  # its pending reminders are dropped


async def test_a_reminder_is_confirmed_from_its_button_and_the_calendar_file_sent(
    people, services: Services
) -> None:
    chats, request = people
    await chats[ADVISOR].send("/appointment 2026-11-24 14:00 Jobcenter")
    services.clock.set(at(2026, 11, 24, 13, 0))
    await dispatch(chats[ADVISOR].app.bot, services)
    day_before, hour_before = chats[ADVISOR].receive()  # the first one late
    assert "⏰" in hour_before.text and "in 1 Stunde" in hour_before.text  # Babel, German
    assert de("This reminder comes late: Lotse was not running when it was due.") in (
        day_before.text
    )
    [confirmed] = await chats[ADVISOR].press(de("Confirm"))
    assert de("You have confirmed.") in confirmed.text
    await chats[ADVISOR].press(de("Calendar file"))
    [document] = request.of("sendDocument")
    assert int(document["chat_id"]) == ADVISOR
    # After the start nothing can be changed any more.
    services.clock.set(at(2026, 11, 24, 14, 5))
    assert await chats[ADVISOR].press(de("Move")) == []
    assert chats[ADVISOR].notices() == [de(ERRORS["past"])]


async def test_dialog_buttons_of_an_earlier_dialog_are_stale(people, services) -> None:
    chats, _ = people
    advisor = chats[ADVISOR]
    [first] = await advisor.send("/appointment")
    await advisor.send("/appointment")
    old = next(data for _, data in first.buttons if data.startswith("A:d:"))
    assert await advisor.press_data(old) == []
    assert advisor.notices() == [STALE]
    [cancelled] = await advisor.press("✖")
    assert de("Nothing has been saved or changed.") in cancelled.text
    assert stored(services) == []


async def test_settings_change_the_offsets_and_the_coming_reminders(
    people, services: Services
) -> None:
    chats, _ = people
    coach = chats[COACH]
    with services.db.session() as session:
        from bot.appointments import service as s

        s.create(
            session,
            s.Draft(starts_at=at(2026, 11, 25, 14, 0), title="Schule"),
            (COACH,),
            by=ADVISOR,
            now=services.clock.now(),
            tz=BERLIN,
        )
    [shown] = await coach.send("/settings")
    assert "✓ 1 day" in shown.labels and "✓ 1 hour" in shown.labels
    assert "✓ 07:30" in " ".join(shown.labels) or "✓ 7:30 AM" in shown.labels
    [changed] = await coach.press(data="G:o:60")
    assert "1 hour" in changed.labels and "✓ 1 day" in changed.labels
    await coach.press(data="G:o:15")
    await coach.press(data="G:a:off")
    with services.db.session() as session:
        mine = select(Reminder.offset_minutes, Reminder.kind).where(Reminder.user_id == COACH)
        assert sorted(session.execute(mine).all()) == [(15, "before"), (1440, "before")]
    [advisor_view] = await chats[ADVISOR].send("/settings")
    assert not [d for _, d in advisor_view.buttons if d.startswith("G:a:")]  # no agenda
    assert await chats[ADVISOR].press_data("G:a:0700") == []
    assert await coach.press_data("G:o:7") == []  # not a choice
