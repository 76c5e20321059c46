"""Referrals through the real Application with three users on one bot (see bot/referrals/refer.mmd).

An advisor and a second advisor in Köln, and the coach of the Kalk coaching (Telegram
username as the offer names it) who writes in English.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from flows import KALK, STALE, to_list
from sqlalchemy import func, select

from bot.catalog.schema import Content
from bot.chat.driver import Chat, Sent
from bot.chat.transport import FakeRequest, UpdateFactory
from bot.db.models import Referral
from bot.i18n import translator
from bot.referrals import service as s
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality

ADVISOR, SECOND, COACH, VOLUNTEER = 101, 102, 201, 301
HANDLE = "beispiel_coach_koeln_kalk"
de, en = translator("de"), translator("en")


@dataclass
class Team:
    advisor: Chat
    second: Chat
    coach: Chat
    volunteer: Chat
    services: Services


def _user(services: Services, user_id: int, role: str | None, lang: str) -> None:
    with services.db.session() as session:
        if role:
            grant_role(session, user_id, role)
        set_language(session, user_id, lang)
        set_municipality(session, user_id, "koeln")


@pytest.fixture
async def team(running):
    """Start one bot and give it four users; the coach has written once (so Lotse knows them)."""
    queues = []

    async def start(services: Services, request: FakeRequest | None = None) -> Team:
        app, request = await running(services, request)
        await app.job_queue.start()  # conversation timeouts
        queues.append(app.job_queue)
        for user_id, role, lang in (
            (ADVISOR, "advisor", "de"),
            (SECOND, "advisor", "de"),
            (COACH, "coach", "en"),
            (VOLUNTEER, None, "de"),
        ):
            _user(services, user_id, role, lang)

        def chat(user_id: int, lang: str, username: str | None = None) -> Chat:
            return Chat(app, request, UpdateFactory(user_id, lang, username=username))

        coach = chat(COACH, "en", HANDLE)
        await coach.send("/referrals")
        return Team(chat(ADVISOR, "de"), chat(SECOND, "de"), coach, chat(VOLUNTEER, "de"), services)

    yield start
    for queue in queues:
        await queue.stop(wait=False)


def with_capacity(content: Content, offer: str, capacity: int | None) -> Content:
    offers = dict(content.offers)
    offers[offer] = replace(offers[offer], capacity=capacity)
    return replace(content, offers=offers)


def button(chat: Chat, prefix: str) -> str:
    """The data of the newest button whose data starts with prefix."""
    for message in reversed(list(chat.messages.values())):
        for _, data in message.buttons:
            if data.startswith(prefix):
                return data
    raise LookupError(prefix)


async def refer(
    chat: Chat, code: str = "A17", note: str | None = None, offer: str = KALK, kind="coaching"
) -> Sent:
    """Search, open the offer's card, refer with code and note; return the confirmation."""
    await to_list(chat, kind=kind)
    [card] = await chat.press(data="S:o:" + offer)
    assert de("Refer a person") in " ".join(card.labels)
    [asked] = await chat.press(data="R:n:" + offer)
    assert de("Lotse never stores names of the people you support.") in asked.text
    await chat.send(code)
    if note is None:
        [confirm] = await chat.press(data=button(chat, "R:k:"))
    else:
        [confirm] = await chat.send(note)
    return confirm


async def send(chat: Chat) -> Sent:
    [done] = await chat.press(data=button(chat, "R:y:"))
    return done


def referrals(services: Services) -> list[Referral]:
    with services.db.session() as session:
        return list(session.scalars(select(Referral).order_by(Referral.id)))


async def test_refer_then_the_coach_accepts_and_the_advisor_hears_back(
    team, services: Services
) -> None:
    t = await team(services)
    confirm = await refer(t.advisor, "a17", note="Braucht Hilfe bei der Bewerbung")
    assert de("Please check the referral:") in confirm.text
    assert "A17" in confirm.text and "Braucht Hilfe bei der Bewerbung" in confirm.text
    assert de("The coach gets the referral in Lotse and can accept or decline it.") in confirm.text
    done = await send(t.advisor)
    assert "A17" in done.text and "/referrals" in done.text
    [push] = t.coach.receive()
    assert en("New referral") in push.text and "A17" in push.text  # in the coach's language
    assert "Braucht Hilfe bei der Bewerbung" in push.text
    assert push.labels == [en("✅ Accept"), en("✖ Decline"), "❓ " + en("Ask a question")]
    [stored] = referrals(services)
    assert (stored.state, stored.client_code, stored.advisor_id, stored.coach_id) == (
        s.REQUESTED,
        "A17",
        ADVISOR,
        COACH,
    )
    [accepted] = await t.coach.press(en("✅ Accept"))
    assert accepted.edited and en("accepted") in accepted.text
    assert en("▶ Started") in accepted.labels
    [heard] = t.advisor.receive()
    assert heard.text == de(
        "✅ The coach of “{offer}” has accepted the referral for {code}.",
        offer=services.content.offers[KALK].translations["de"]["title"],
        code="A17",
    )
    assert referrals(services)[0].state == s.ACCEPTED
    # The place is taken: the card says so.
    await to_list(t.second)
    [card] = await t.second.press(data="S:o:" + KALK)
    assert de("{left} of {total}", left=14, total=15) in card.text


async def test_the_coach_declines_and_the_advisor_is_pointed_to_other_offers(
    team, services: Services
) -> None:
    t = await team(services)
    await refer(t.advisor)
    await send(t.advisor)
    t.coach.receive()
    [declined] = await t.coach.press(en("✖ Decline"))
    assert en("declined") in declined.text and declined.labels == []
    [heard] = t.advisor.receive()
    assert de("/find shows other offers that could fit.") in heard.text
    assert referrals(services)[0].state == s.DECLINED
    assert referrals(services)[0].closed_at is not None


async def test_the_whole_way_to_completed_and_the_lists_of_both(team, services) -> None:
    t = await team(services)
    await refer(t.advisor)
    await send(t.advisor)
    t.coach.receive()
    await t.coach.press(en("✅ Accept"))
    [started] = await t.coach.press(en("▶ Started"))
    assert en("🏁 Completed") in started.labels and en("⏹ Dropped out") in started.labels
    [completed] = await t.coach.press(en("🏁 Completed"))
    assert completed.labels == []
    heard = [m.text for m in t.advisor.receive()]
    assert len(heard) == 3 and "A17" in heard[-1]
    [mine] = await t.advisor.send("/referrals")
    assert mine.labels[0].startswith("A17 · ") and de("completed") in mine.labels[0]
    [shown] = await t.advisor.press(data=mine.buttons[0][1])
    assert de("Status:") in shown.text and de("completed") in shown.text
    [coach_list] = await t.coach.send("/referrals")
    assert coach_list.labels[0].startswith("A17 · ")
    [second_list] = await t.second.send("/referrals")
    assert de("You have no referrals yet.") in second_list.text


async def test_the_last_place_taken_twice_gives_one_acceptance(
    team, services_with, shipped_content
):
    services = services_with(with_capacity(shipped_content, KALK, 1))
    t = await team(services)
    await refer(t.advisor, "A17")
    await send(t.advisor)
    await refer(t.second, "B22")
    await send(t.second)
    first, second = t.coach.receive()
    await t.coach.press_on(first, button_of(first, "R:a:"))
    assert await t.coach.press_on(second, button_of(second, "R:a:")) == []
    assert t.coach.notices() == [en(s_full())]
    assert [r.state for r in referrals(services)] == [s.ACCEPTED, s.REQUESTED]
    assert [m.text for m in t.second.receive()] == []  # nothing changed for them
    # The full offer is not listed any more for a new search.
    listed = await to_list(t.advisor)
    assert "S:o:" + KALK not in [data for _, data in listed.buttons]


def s_full() -> str:
    from bot.referrals.words import ERRORS

    return ERRORS["full"]


def button_of(message: Sent, prefix: str) -> str:
    return next(data for _, data in message.buttons if data.startswith(prefix))


async def test_buttons_pressed_by_someone_else_change_nothing(team, services: Services) -> None:
    t = await team(services)
    await refer(t.advisor)
    await send(t.advisor)
    [push] = t.coach.receive()
    accept = button_of(push, "R:a:")
    not_yours = de("This referral is not yours, so you cannot change it.")
    for other in (t.second, t.advisor, t.volunteer):  # forged or copied presses
        assert await other.press_data(accept) == []
        assert other.notices() in ([not_yours], [de("This referral no longer exists.")])
    assert await t.second.press_data(accept.replace("R:a:", "R:v:")) == []
    assert await t.second.press_data(accept.replace("R:a:", "R:q:")) == []
    assert [r.state for r in referrals(services)] == [s.REQUESTED]
    assert [m for m in t.advisor.receive()] == []
    # The advisor may withdraw it; then the coach's Accept says it has moved.
    [withdrawn] = await t.advisor.press_data(accept.replace("R:a:", "R:w:"))
    assert de("withdrawn") in withdrawn.text
    [told] = t.coach.receive()
    assert "A17" in told.text
    [changed] = await t.coach.press_on(push, accept)
    assert en("withdrawn") in changed.text and changed.labels == []
    assert t.coach.notices() == [
        en("This referral has already been changed: it is now “{state}”.", state=en("withdrawn"))
    ]


async def test_a_volunteer_sees_no_refer_button_and_a_forged_one_is_refused(
    team, services: Services
) -> None:
    t = await team(services)
    await to_list(t.volunteer)
    [card] = await t.volunteer.press(data="S:o:" + KALK)
    assert not [data for _, data in card.buttons if data.startswith("R:")]
    assert await t.volunteer.press_data("R:n:" + KALK) == []
    assert t.volunteer.notices() == [de("Only advisors and coaches can refer people to offers.")]
    [told] = await t.volunteer.send("/referrals")
    assert told.text == de("Only advisors and coaches can refer people to offers.")
    assert referrals(services) == []


@pytest.mark.parametrize(
    "typed, refusal",
    [
        ("Ahmad Karimi", "name"),
        ("Ahmad", "name"),
        ("ahmad.k@example.org", "email"),
        ("+49 170 1234567", "phone"),
        ("A 17 !", "format"),
    ],
)
async def test_names_phones_and_emails_are_refused_as_client_codes(
    team, services: Services, typed: str, refusal: str
) -> None:
    from bot.referrals.words import REFUSALS

    t = await team(services)
    await to_list(t.advisor)
    await t.advisor.press(data="S:o:" + KALK)
    await t.advisor.press(data="R:n:" + KALK)
    [again] = await t.advisor.send(typed)
    assert de(REFUSALS[refusal]) in again.text
    assert (
        de("Please type a short client code that you choose and note in your own records.")
        in again.text
    )
    [note] = await t.advisor.send("K-2")
    assert "K-2" in note.text
    [refused] = await t.advisor.send("Bitte Herrn Karimi anrufen: 0221 1234567")
    assert de(REFUSALS["phone"]) in refused.text
    assert referrals(services) == []


async def test_no_coach_in_lotse_gives_the_contact_details_and_keeps_it_outside(
    team, services: Services
) -> None:
    t = await team(services)
    offer = "koeln-qualifizierung-logistik"  # the content names no coach
    confirm = await refer(t.advisor, offer=offer, kind="qualification")
    assert (
        de(
            "The coach of this offer does not use Lotse yet: I will show you the offer's "
            "contact details instead."
        )
        in confirm.text
    )
    done = await send(t.advisor)
    contact = services.content.offers[offer].contact
    assert all(value in done.text for value in contact.values())
    [stored] = referrals(services)
    assert stored.state == s.OUTSIDE and stored.coach_id is None and stored.closed_at


async def test_a_coach_who_blocked_the_bot_counts_as_not_in_lotse(team, services) -> None:
    request = FakeRequest()
    t = await team(services, request)
    await refer(t.advisor)
    request.blocked.add(COACH)
    done = await send(t.advisor)
    assert services.content.offers[KALK].contact["phone"] in done.text
    [stored] = referrals(services)
    assert stored.state == s.OUTSIDE and stored.coach_id is None


async def test_earlier_dropped_referrals_warn_against_a_massnahme_karriere(
    team, services: Services
) -> None:
    t = await team(services)
    now = datetime.now(UTC)
    with services.db.session() as session:
        for days, state, kind in ((200, s.DROPPED, "language_course"), (40, s.DROPPED, "other")):
            session.add(
                Referral(
                    offer_id="koeln-sprachkurs-a2",
                    offer_type=kind,
                    municipality="koeln",
                    client_code="A17",
                    advisor_id=ADVISOR,
                    state=state,
                    created_at=now - timedelta(days=days),
                    updated_at=now - timedelta(days=days - 10),
                    closed_at=now - timedelta(days=days - 10),
                )
            )
    confirm = await refer(t.advisor, "A17")
    assert de("Please check whether this offer really helps the person further.") in confirm.text
    assert de("Earlier referrals of this client code:") in confirm.text
    assert confirm.text.count(de("dropped out")) == 2
    other = await refer(t.second, "A17")  # the same code of another advisor: someone else
    assert de("Earlier referrals of this client code:") not in other.text


async def test_an_open_referral_of_the_same_type_warns_too(team, services: Services) -> None:
    t = await team(services)
    await refer(t.advisor, "C3")
    await send(t.advisor)
    again = await refer(t.advisor, "C3")
    assert de("Please check whether this offer really helps the person further.") in again.text
    fresh = await refer(t.advisor, "C4")
    assert de("Please check whether this offer really helps the person further.") not in fresh.text


async def test_the_coach_asks_a_question_and_the_advisor_answers(team, services) -> None:
    t = await team(services)
    await refer(t.advisor)
    await send(t.advisor)
    t.coach.receive()
    [prompt] = await t.coach.press("❓ ")
    assert "A17" in prompt.text
    [passed] = await t.coach.send("Can the person come on Tuesday?")
    assert en("✅ Passed on.") in passed.text
    [question] = t.advisor.receive()
    assert "Can the person come on Tuesday?" in question.text
    await t.advisor.press("💬 ")
    await t.advisor.send("Ja, ab 10 Uhr.")
    [reply] = t.coach.receive()
    assert "Ja, ab 10 Uhr." in reply.text and en("✅ Accept") in reply.labels
    # Nothing of the exchange is stored.
    with services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Referral)) == 1
        assert session.scalars(select(Referral.note)).one() is None


async def test_cancel_and_other_commands_keep_nothing(team, services: Services) -> None:
    t = await team(services)
    await refer(t.advisor)
    [cancelled] = await t.advisor.press(data=button(t.advisor, "R:z:"))
    assert de("The referral was not sent. I have not kept anything of it.") in cancelled.text
    await refer(t.advisor)
    await t.advisor.send("/help")
    assert await t.advisor.press_data(button(t.advisor, "R:y:")) == []
    assert t.advisor.notices() == [STALE]
    assert referrals(services) == []


async def test_after_a_restart_coach_buttons_work_and_dialog_buttons_are_stale(
    team, running, services: Services
) -> None:
    t = await team(services)
    await refer(t.advisor)
    await send(t.advisor)
    [push] = t.coach.receive()
    await refer(t.advisor, "B5")  # a second referral, left at the confirmation
    send_again = button(t.advisor, "R:y:")
    app, request = await running(services)  # the bot restarts: memory is gone
    coach = Chat(app, request, UpdateFactory(COACH, "en", username=HANDLE))
    advisor = Chat(app, request, UpdateFactory(ADVISOR, "de"))
    [accepted] = await coach.press_on(push, button_of(push, "R:a:"))
    assert en("accepted") in accepted.text
    assert await advisor.press_data(send_again) == []
    assert advisor.notices() == [STALE]
    assert [r.client_code for r in referrals(services)] == ["A17"]


async def test_a_too_long_or_undeliverable_question_says_so(team, services) -> None:
    request = FakeRequest()
    t = await team(services, request)
    await refer(t.advisor)
    [again] = await t.advisor.send("noch etwas")  # typed at the confirmation: shown again
    assert de("Please check the referral:") in again.text
    await send(t.advisor)
    t.coach.receive()
    await t.coach.press("❓ ")
    [long] = await t.coach.send("x" * 1001)
    keep = en.ngettext(
        "Please keep it under {n} character.", "Please keep it under {n} characters.", 1000
    )
    assert long.text == keep == "Please keep it under 1000 characters."
    request.blocked.add(ADVISOR)
    [failed] = await t.coach.send("Does Tuesday work?")
    assert failed.text == en("I could not pass it on: the other person cannot be reached.")
