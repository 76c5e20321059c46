"""Who sees and changes a referral, through the real Application: its advisor and coach
while they hold their roles, the admins of its municipality, and superadmins.

An advisor and the Kalk coach in Köln, an admin of Köln, an admin of Bonn, a superadmin and
a volunteer; referrals are stored directly, the buttons are pressed as Telegram would send
them (or forged: the id of a referral the presser never saw).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flows import KALK, to_list
from sqlalchemy import select

from bot.appointments.words import ERRORS as APPOINTMENT_ERRORS
from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.clock import FakeClock
from bot.db.models import Appointment, Referral
from bot.i18n import translator
from bot.referrals.words import ERRORS
from bot.services import Services
from bot.users.service import grant_role, revoke_role, set_language, set_municipality

ADVISOR, COACH, KOELN_ADMIN, BONN_ADMIN, VOLUNTEER = 101, 201, 11, 12, 301
CODE, NOTE = "A17", "braucht Abendkurs"
de, en = translator("de"), translator("en")
#: Every referral button that carries an id (change, show, write, schedule).
VERBS = ("R:v", "R:a", "R:d", "R:s", "R:c", "R:x", "R:w", "R:q", "R:r", "A:r")


@pytest.fixture
async def place(running, services: Services, admin_id: int):
    """One bot at Monday 23 November 2026 10:00; returns a Chat maker."""
    services.clock = FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    for user_id, role, town in (
        (ADVISOR, "advisor", "koeln"),
        (COACH, "coach", "koeln"),
        (KOELN_ADMIN, "admin", "koeln"),
        (BONN_ADMIN, "admin", "bonn"),
        (VOLUNTEER, None, "koeln"),
        (admin_id, None, "koeln"),
    ):
        with services.db.session() as session:
            if role:
                grant_role(session, user_id, role, town)
            set_language(session, user_id, "de")
            set_municipality(session, user_id, town)
    app, request = await running(services)

    def chat(user_id: int) -> Chat:
        return Chat(app, request, UpdateFactory(user_id, "de"))

    return chat


def referral(services: Services, state: str = "requested", town: str | None = "koeln") -> int:
    with services.db.session() as session:
        row = Referral(
            offer_id="koeln-coaching-kalk",
            offer_type="coaching",
            municipality=town,
            client_code=CODE,
            advisor_id=ADVISOR,
            coach_id=COACH,
            note=NOTE,
            state=state,
        )
        session.add(row)
        session.flush()
        return row.id


def state_of(services: Services, number: int) -> str:
    with services.db.session() as session:
        return session.get(Referral, number).state


def nothing_given_away(chat: Chat) -> None:
    """No message, pop-up or push of the last update shows the client code or the note."""
    said = [str(call.params.get(key, "")) for call in chat.calls for key in ("text", "caption")]
    assert not [text for text in said if CODE in text or NOTE in text], said


async def test_an_admin_of_another_municipality_sees_and_changes_nothing(
    place, services: Services
) -> None:
    number = referral(services)
    bonn = place(BONN_ADMIN)
    for verb in VERBS:
        await bonn.press_data(f"{verb}:{number}")
        nothing_given_away(bonn)
        assert bonn.pushed() == [], verb
    [listing] = await bonn.send("/referrals")
    assert CODE not in listing.text + " ".join(listing.labels)
    assert state_of(services, number) == "requested"
    with services.db.session() as session:
        assert session.scalars(select(Appointment)).all() == []


async def test_an_admin_of_its_municipality_sees_it_and_may_decline_it(
    place, services: Services
) -> None:
    number = referral(services)
    koeln = place(KOELN_ADMIN)
    [shown] = await koeln.press_data(f"R:v:{number}")
    assert CODE in shown.text and NOTE in shown.text
    assert [data for _, data in shown.buttons] == [
        f"R:a:{number}",
        f"R:d:{number}",
        f"R:w:{number}",
        "R:l:0",
    ]  # every change its coach or advisor could make, nothing to write or schedule
    [own] = await koeln.send("/referrals")  # their own referrals only, not Köln's
    assert CODE not in own.text + " ".join(own.labels)
    [declined] = await koeln.press_data(f"R:d:{number}")
    assert de("declined") in declined.text
    assert state_of(services, number) == "declined"
    assert sorted(to for to, _ in koeln.pushed()) == [ADVISOR, COACH]


async def test_only_its_advisor_and_coach_schedule_appointments_for_it(
    place, services: Services, admin_id: int
) -> None:
    number = referral(services, "accepted")
    for admin in (KOELN_ADMIN, BONN_ADMIN, admin_id):
        [refused] = await place(admin).press_data(f"A:r:{number}")
        assert refused.text == de(APPOINTMENT_ERRORS["not_allowed"])
    [shown] = await place(KOELN_ADMIN).press_data(f"R:v:{number}")
    assert f"A:r:{number}" not in [data for _, data in shown.buttons]
    with services.db.session() as session:
        assert session.scalars(select(Appointment)).all() == []


async def test_a_referral_for_all_of_nrw_is_for_superadmins_only(
    place, services: Services, admin_id: int
) -> None:
    number = referral(services, town=None)
    koeln = place(KOELN_ADMIN)
    for verb in ("R:v", "R:a", "R:d"):
        await koeln.press_data(f"{verb}:{number}")
        nothing_given_away(koeln)
    assert state_of(services, number) == "requested"
    [shown] = await place(admin_id).press_data(f"R:v:{number}")
    assert CODE in shown.text
    await place(admin_id).press_data(f"R:a:{number}")
    assert state_of(services, number) == "accepted"


@pytest.mark.parametrize("who", ["coach", "advisor"])
async def test_old_buttons_do_nothing_once_the_role_is_taken_away(
    place, services: Services, who: str
) -> None:
    number = referral(services, "accepted")
    user_id, role = (COACH, "coach") if who == "coach" else (ADVISOR, "advisor")
    chat = place(user_id)
    [shown] = await chat.press_data(f"R:v:{number}")
    assert CODE in shown.text and len(shown.buttons) > 1
    with services.db.session() as session:
        revoke_role(session, user_id, role, None)
    for _, data in shown.buttons:
        await chat.press_on(shown, data)
        nothing_given_away(chat)
        assert chat.pushed() == []
    [listing] = await chat.send("/referrals")
    assert CODE not in listing.text + " ".join(listing.labels)
    assert state_of(services, number) == "accepted"


async def test_a_referral_is_not_sent_when_the_role_went_during_the_dialog(
    place, services: Services
) -> None:
    advisor = place(ADVISOR)
    await to_list(advisor)
    await advisor.press(data="S:o:" + KALK)
    [asked] = await advisor.press(data="R:n:" + KALK)
    assert de("Lotse never stores names of the people you support.") in asked.text
    await advisor.send("B22")
    await advisor.press(de("No note"))
    with services.db.session() as session:
        revoke_role(session, ADVISOR, "advisor", None)
    assert await advisor.press(de("Send referral")) == []
    assert advisor.notices() == [de(ERRORS["role"])]
    with services.db.session() as session:
        assert session.scalars(select(Referral)).all() == []


async def test_an_appointment_is_not_saved_when_the_role_went_during_the_dialog(
    place, services: Services
) -> None:
    number = referral(services, "accepted")
    advisor = place(ADVISOR)
    await advisor.press_data(f"A:r:{number}")
    await advisor.press(de("Tomorrow"))
    await advisor.press("10:00")
    with services.db.session() as session:
        revoke_role(session, ADVISOR, "advisor", None)
    offer_title = services.content.offers["koeln-coaching-kalk"].translations["de"]["title"]
    [refused] = await advisor.press(offer_title)
    assert refused.text == de(APPOINTMENT_ERRORS["role"])
    assert place(COACH).receive() == []
    with services.db.session() as session:
        assert session.scalars(select(Appointment)).all() == []
