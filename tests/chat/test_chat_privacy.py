"""/privacy, /mydata and /delete_me through the real Application, in German and Arabic.

The erasure is checked the strict way: after flows that leave rows in every table, no row
of any table in the metadata refers to the erased user (a table added later is covered).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from privacy_world import COACH, KOELN_ADMIN, NOW, USER, VOLUNTEER, fill, mentions, rows_of
from sqlalchemy import select

from bot.chat.context import LotseContext
from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.clock import FakeClock
from bot.db.models import Appointment, AuditEntry, Handover, Participant, Referral, User
from bot.i18n import RLM, translator
from bot.privacy.handlers import apply_retention
from bot.services import Services
from bot.users.service import revoke_role

DE = translator("de")


@pytest.fixture
async def world(running, services: Services):
    services.clock = FakeClock(NOW)
    ids = fill(services)
    app, request = await running(services)

    def chat(user_id: int, language: str = "de") -> Chat:
        return Chat(app, request, UpdateFactory(user_id, language))

    return services, chat, ids


async def _erase(chat: Chat) -> list:
    [_question] = await chat.send("/delete_me")
    return await chat.press("🗑")


async def test_privacy_explains_what_is_kept_why_how_long_and_who_is_responsible(
    chat_with, services: Services
) -> None:
    services.settings = replace(
        services.settings,
        privacy_controller="Stadt Köln, KI",
        privacy_contact="datenschutz@example.org",
    )
    chat = await chat_with(services, chosen="de")
    [notice] = await chat.send("/privacy")
    text = notice.text
    for expected in (
        "Unbeantwortete Fragen: 90 Tage.",
        "/mydata",
        "/delete_me",
        "Stadt Köln, KI",
        "datenschutz@example.org",
    ):
        assert expected in text, expected
    [greeting] = await chat.send("/start")
    assert "/privacy" in greeting.text


async def test_privacy_in_arabic_is_right_to_left_and_names_the_commands(
    chat_with, services: Services
) -> None:
    chat = await chat_with(services, language="ar", chosen="ar")
    [notice] = await chat.send("/privacy")
    lines = [line for line in notice.html.split("\n") if line.strip()]
    assert all(line.startswith(RLM) for line in lines)
    assert "/delete_me" in notice.text and "Telegram" in notice.text


async def test_mydata_summarises_and_sends_everything_without_giving_others_away(world) -> None:
    _services, chat, ids = world
    me = chat(USER)
    summary, *_ = await me.send("/mydata")
    assert "770077007" in summary.text and "Köln" in summary.text
    assert DE("Referrals you made or received") in summary.text
    [document] = me.request.of("sendDocument")
    [(name, body)] = document["_files"].values()
    assert name == "lotse-my-data.json"
    data = json.loads(body)
    assert data["profile"]["language"] == "de"
    assert {r["role"] for r in data["profile"]["roles"]} == {"advisor", "coach"}
    records = data["records"]
    assert {r["client_code"] for r in records["referrals"]} == {"A17", "B22", "C33"}
    assert {a["id"] for a in records["appointments"]} == set(ids.values())
    assert next(h["question"] for h in records["handovers"]) == "Wer hilft beim Jobcenter?"
    assert {e["action"] for e in records["audit_log"]} == {"role_granted", "content_changed"}
    assert len(records["invitations"]) == 2 and records["reminders"]
    # Other people are "another user", never their ids.
    for other in (COACH, KOELN_ADMIN, VOLUNTEER):
        assert str(other) not in body.decode()
    assert "another user" in body.decode()


async def test_delete_me_leaves_no_row_anywhere_that_refers_to_the_user(world) -> None:
    services, chat, ids = world
    me, coach = chat(USER), chat(COACH)
    await me.send("Quantenchromodynamik Zebrastreifen Vulkanausbruch")  # unanswered
    before = rows_of(services)
    empty = [name for name, rows in before.items() if not rows]
    assert empty == [], f"the flows left these tables empty: {empty}"
    assert any(mentions(v, USER) for rows in before.values() for r in rows for v in r.values())

    [done] = await _erase(me)
    assert done.text.startswith(DE("Everything Lotse stored about you has been erased."))

    after = rows_of(services)
    found = [
        (name, column)
        for name, rows in after.items()
        for row in rows
        for column, value in row.items()
        if mentions(value, USER)
    ]
    assert found == []
    # Shared records stay without the user, and the others are told.
    with services.db.session() as session:
        assert session.get(Appointment, ids["alone"]) is None
        shared = session.get(Appointment, ids["shared"])
        assert shared is not None and shared.created_by is None
        assert shared.people == [COACH]
        assert session.get(Appointment, ids["invited"]).people == [COACH]
        codes = dict(session.execute(select(Referral.client_code, Referral.advisor_id)).all())
        assert codes == {"A17": KOELN_ADMIN, "C33": KOELN_ADMIN}  # Bielefeld has no admin
        coaches = dict(session.execute(select(Referral.client_code, Referral.coach_id)).all())
        assert coaches == {"A17": COACH, "C33": None}
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.actor_id, e.subject_id) for e in audit] == [
            ("role_granted", KOELN_ADMIN, None),
            ("content_changed", None, None),
        ]
        assert [h.asker_id for h in session.scalars(select(Handover))] == [VOLUNTEER]
    told = [text for chat_id, sent in me.pushed() if chat_id == COACH for text in [sent.text]]
    assert len(told) == 2 and all("Lotse" in t for t in told)
    assert "Jobcenter" in " ".join(told)
    coach.receive()


async def test_delete_me_cancelled_keeps_everything_and_the_button_then_does_nothing(
    world,
) -> None:
    services, chat, _ = world
    me = chat(USER)
    before = rows_of(services)
    [question] = await me.send("/delete_me")
    [kept] = await me.press("↩")
    assert kept.text == DE("Nothing was erased.")
    again = await me.press_data(question.buttons[0][1])
    assert again == [] and me.notices() == [
        DE("This button no longer works. Send /delete_me again if you want to erase your data.")
    ]
    assert rows_of(services) == before


async def test_a_strangers_or_an_old_confirmation_erases_nothing(world) -> None:
    services, chat, _ = world
    me, stranger = chat(USER), chat(VOLUNTEER, "ar")
    [question] = await me.send("/delete_me")
    [(_, yes), _no] = question.buttons
    assert await stranger.press_data(yes) == []
    [notice] = stranger.notices()
    assert notice == translator("ar")(
        "This button no longer works. Send /delete_me again if you want to erase your data."
    )
    services.clock.advance(minutes=16)  # too old
    assert await me.press_data(yes) == []
    with services.db.session() as session:
        assert session.get(User, USER) is not None and session.get(User, VOLUNTEER) is not None


async def test_delete_me_twice_and_old_buttons_after_it_are_harmless(world) -> None:
    services, chat, _ = world
    me = chat(USER)
    [question] = await me.send("/delete_me")
    yes = question.buttons[0][1]
    await me.press_on(question, yes)
    assert await me.press_on(question, yes) == []
    assert me.notices()
    await _erase(me)  # a second erasure of the fresh, empty profile
    with services.db.session() as session:
        assert session.get(User, USER) is None
        assert session.scalars(select(Participant).where(Participant.user_id == USER)).all() == []


async def test_delete_me_in_arabic(chat_with, services: Services) -> None:
    chat = await chat_with(services, user_id=880, language="ar", chosen="ar")
    [question] = await chat.send("/delete_me")
    assert question.html.startswith(RLM)
    assert len(question.buttons) == 2
    [done] = await chat.press("🗑")
    assert done.text.lstrip(RLM).startswith(
        translator("ar")("Everything Lotse stored about you has been erased.")
    )
    with services.db.session() as session:
        assert session.get(User, 880) is None


async def test_an_erasure_that_fails_midway_changes_nothing(world, monkeypatch) -> None:
    services, chat, _ = world
    me = chat(USER)
    before = rows_of(services)
    from bot.privacy import erasure

    real = erasure._transfer

    def broken(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(erasure, "_transfer", broken)
    await me.send("/delete_me")
    [sorry] = await me.press("🗑")
    assert sorry.text == DE("Sorry, something went wrong on my side. Please try again in a moment.")
    assert rows_of(services) == before


async def test_client_shows_a_codes_records_to_who_works_with_it_only(world) -> None:
    _services, chat, _ = world
    me, coach, admin, volunteer = chat(USER), chat(COACH), chat(KOELN_ADMIN), chat(VOLUNTEER)
    [mine] = await me.send("/client a17")
    assert DE("Client code {code}", code="A17") in mine.text
    assert "braucht Abendkurs" in mine.text and "Jobcenter" in mine.text
    assert "/client A17 delete" in mine.text
    [theirs] = await coach.send("/client A17")  # the coach it was referred to
    assert "braucht Abendkurs" in theirs.text and "/client A17 delete" not in theirs.text
    [other] = await admin.send("/client A17")  # not their code
    assert other.text == DE(
        "Nothing is stored for the client code {code} that you work with.", code="A17"
    )
    [refused] = await volunteer.send("/client A17")  # a volunteer, writing in Arabic
    assert refused.text.lstrip(RLM) == translator("ar")(
        "Client codes are for advisors and coaches."
    )
    [name] = await me.send("/client Ahmad")
    assert "Name" in name.text
    [usage] = await me.send("/client")
    assert "/client A17" in usage.text


async def test_client_delete_erases_the_code_after_confirmation_and_tells_the_coach(
    world,
) -> None:
    services, chat, ids = world
    me, coach = chat(USER), chat(COACH)
    [refused] = await coach.send("/client A17 delete")
    assert refused.text == DE("Only the advisor who chose this client code can erase it.")
    [question] = await me.send("/client A17 delete")
    assert DE("Referrals: {count}", count=1) in question.text
    [(_, yes), (_, no)] = question.buttons
    assert await coach.press_data(yes) == []  # not theirs
    [kept] = await me.press_on(question, no)
    assert kept.text == DE("Nothing was erased.")
    with services.db.session() as session:
        assert session.scalar(select(Referral).where(Referral.client_code == "A17"))
    [question] = await me.send("/client A17 delete")
    [done] = await me.press("🗑")
    assert done.text == DE(
        "The client code {code} and all its records have been erased.", code="A17"
    )
    with services.db.session() as session:
        assert session.scalar(select(Referral).where(Referral.client_code == "A17")) is None
        assert session.get(Appointment, ids["shared"]) is None
        assert session.get(Appointment, ids["invited"]) is not None  # another code's
    [(to, told)] = me.pushed()
    assert to == COACH and "Jobcenter" in told.text
    [gone] = await me.send("/client A17")
    assert gone.text == DE(
        "Nothing is stored for the client code {code} that you work with.", code="A17"
    )


async def test_a_long_unseen_user_is_asked_once_whether_to_stay_and_can_keep_their_data(
    world,
) -> None:
    services, chat, _ = world
    ar = translator("ar")
    with services.db.session() as session:
        for user_id in (VOLUNTEER, COACH):
            session.get(User, user_id).last_seen_at = NOW - timedelta(days=400)
    volunteer, coach = chat(VOLUNTEER, "ar"), chat(COACH)
    await apply_retention(LotseContext(volunteer.app))
    [question] = volunteer.receive()
    assert ar("Do you still want to use Lotse?") in question.text
    assert question.html.startswith(RLM)
    [_asked] = coach.receive()
    await apply_retention(LotseContext(volunteer.app))
    assert volunteer.receive() == []  # asked once
    [kept] = await volunteer.press("✅")
    assert kept.text.lstrip(RLM) == ar("Thank you. Your data stays, and so does Lotse.")
    services.clock.advance(days=31)
    await apply_retention(LotseContext(volunteer.app))
    with services.db.session() as session:
        assert session.get(User, VOLUNTEER) is not None
        assert session.get(User, COACH) is None  # did not answer: erased


async def test_mydata_and_a_cancelled_erasure_in_arabic(world) -> None:
    services, chat, _ = world
    ar = translator("ar")
    with services.db.session() as session:
        session.get(User, USER).language = "ar"
    me = chat(USER, "ar")
    [summary] = await me.send("/mydata")
    assert all(line.startswith(RLM) for line in summary.html.split("\n") if line.strip())
    assert ar("Referrals you made or received") in summary.text
    [document] = me.request.of("sendDocument")
    assert document["caption"].lstrip(RLM) == ar(
        "Everything Lotse stores about you, as a JSON file."
    )
    [question] = await me.send("/delete_me")
    assert question.html.startswith(RLM)
    [kept] = await me.press("↩")
    assert kept.text.lstrip(RLM) == ar("Nothing was erased.")
    with services.db.session() as session:
        assert session.get(User, USER) is not None


async def test_client_delete_in_arabic(world) -> None:
    services, chat, _ = world
    ar = translator("ar")
    with services.db.session() as session:
        session.get(User, USER).language = "ar"
    me = chat(USER, "ar")
    [question] = await me.send("/client B22 delete")
    assert question.html.startswith(RLM)
    assert (
        ar("Erase the client code {code} and everything linked to it?", code="B22") in question.text
    )
    [done] = await me.press("🗑")
    assert done.text.lstrip(RLM) == ar(
        "The client code {code} and all its records have been erased.", code="B22"
    )


async def test_an_admin_who_erases_themselves_loses_the_admin_menu_of_their_chat(world) -> None:
    services, chat, _ = world
    admin = chat(KOELN_ADMIN)
    await _erase(admin)
    [removed] = admin.request.of("deleteMyCommands")
    assert removed["scope"] == {"type": "chat", "chat_id": KOELN_ADMIN}
    with services.db.session() as session:  # Köln's referrals of the erased admin: dropped
        assert session.scalar(select(Referral).where(Referral.client_code == "C33")) is None


async def test_client_delete_pressed_after_the_role_was_taken_away_erases_nothing(
    world,
) -> None:
    services, chat, _ids = world
    me = chat(USER)
    await me.send("/client A17 delete")
    with services.db.session() as session:
        revoke_role(session, USER, "advisor", None)
        revoke_role(session, USER, "coach", None)
    [refused] = await me.press("🗑")
    assert refused.text == DE("Client codes are for advisors and coaches.")
    assert me.pushed() == []
    with services.db.session() as session:
        assert session.scalar(select(Referral).where(Referral.client_code == "A17"))
