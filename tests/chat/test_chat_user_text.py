"""Text one user writes and another reads, through the real Application.

A referral note, a question handed to an advisor and its answer, an appointment's title and
place: control characters and bidi overrides are gone before anyone reads them (and before
they are stored), and text of the other direction than the reader's is isolated (FSI…PDI)
so that it keeps its own, in German and in Arabic chats alike.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flows import KALK, to_list
from sqlalchemy import select

from bot.chat.driver import Chat, Sent
from bot.chat.transport import UpdateFactory
from bot.clock import FakeClock
from bot.db.models import Appointment, Handover, Referral, User
from bot.i18n import FSI, PDI, RLM, translator
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality

ADVISOR, COACH, ASKER = 101, 201, 301
HANDLE = "beispiel_coach_koeln_kalk"
#: Characters that reorder, hide or garble text: none may reach a reader.
HIDDEN = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u200e\u200b\ufeff\x07\x1b\x00"
de, en, ar = translator("de"), translator("en"), translator("ar")


def seat(services: Services, user_id: int, role: str | None, lang: str) -> None:
    with services.db.session() as session:
        if role:
            grant_role(session, user_id, role)
        set_language(session, user_id, lang)
        set_municipality(session, user_id, "koeln")


def without_hidden(*texts: str) -> bool:
    return not any(ch in text for text in texts for ch in HIDDEN)


def buttons_of(chat: Chat, prefix: str) -> str:
    for message in reversed(list(chat.messages.values())):
        for _, data in message.buttons:
            if data.startswith(prefix):
                return data
    raise LookupError(prefix)


async def test_a_referral_note_reaches_the_coach_without_overrides_and_isolated(
    running, services: Services
) -> None:
    app, request = await running(services)
    seat(services, ADVISOR, "advisor", "de")
    seat(services, COACH, "coach", "en")
    advisor = Chat(app, request, UpdateFactory(ADVISOR, "de"))
    coach = Chat(app, request, UpdateFactory(COACH, "en", username=HANDLE))
    await coach.send("/referrals")  # Lotse knows the coach by their username
    await to_list(advisor)
    await advisor.press(data="S:o:" + KALK)
    await advisor.press(data="R:n:" + KALK)
    await advisor.send("A17")
    typed = "يحتاج\u202e دورة\x07 مسائية\u2066.\u200f\nBraucht\u202d einen\x1b[0m Abendkurs."
    [confirm] = await advisor.send(typed)
    cleaned = "يحتاج دورة مسائية.\nBraucht einen[0m Abendkurs."
    assert without_hidden(confirm.html)
    assert "يحتاج دورة مسائية." in confirm.text
    await advisor.press(data=buttons_of(advisor, "R:y:"))
    with services.db.session() as session:
        [referral] = session.scalars(select(Referral)).all()
        assert referral.note == cleaned
    [pushed] = coach.receive()
    assert without_hidden(pushed.html)
    assert f"{FSI}يحتاج دورة مسائية.{PDI}\nBraucht einen[0m Abendkurs." in pushed.html


async def test_an_arabic_question_reaches_a_german_advisor_and_the_answer_comes_back_readable(
    running, services: Services
) -> None:
    app, request = await running(services)
    seat(services, ADVISOR, "advisor", "de")
    seat(services, ASKER, None, "ar")
    with services.db.session() as session:
        session.get(User, ADVISOR).takes_questions = True
    asker = Chat(app, request, UpdateFactory(ASKER, "ar"))
    advisor = Chat(app, request, UpdateFactory(ADVISOR, "de"))
    question = "هل\u202e يوجد\u0007 لون\u2067 أزرق\u200b للسماء؟"
    [unknown] = await asker.send(question)
    assert ar("Ask a person") in " ".join(unknown.labels)
    _, consent = await asker.press("🙋")
    await asker.press(data=next(d for _, d in consent.buttons if d.startswith("H:n:")))
    cleaned = "هل يوجد لون أزرق للسماء؟"
    with services.db.session() as session:
        [stored] = session.scalars(select(Handover)).all()
        assert stored.question == cleaned
    [pushed] = advisor.receive()
    assert without_hidden(pushed.html)
    assert f"{RLM}{FSI}{cleaned}{PDI}" in pushed.html  # right to left, whole, in German
    await advisor.press("✍")
    await advisor.send("Ja:\u202e im Jugendzentrum\x07 Kalk.\nDienstags\u2066 ab 17 Uhr.")
    [answer] = asker.receive()
    assert without_hidden(answer.html)
    assert f"{RLM}{FSI}Ja: im Jugendzentrum Kalk.{PDI}\n{RLM}{FSI}Dienstags ab 17 Uhr.{PDI}" in (
        answer.html
    )
    assert cleaned in answer.text  # the question it answers


async def test_an_appointment_title_and_place_reach_the_other_participant_clean(
    running, services: Services
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    services.clock = FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=berlin))
    app, request = await running(services)
    seat(services, ADVISOR, "advisor", "de")
    seat(services, COACH, "coach", "ar")
    with services.db.session() as session:
        referral = Referral(
            offer_id=KALK,
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
    advisor = Chat(app, request, UpdateFactory(ADVISOR, "de"))
    coach = Chat(app, request, UpdateFactory(COACH, "ar"))
    await advisor.press_data(f"A:r:{number}")
    await advisor.press(de("Tomorrow"))
    await advisor.press("10:00")
    [card] = await advisor.send("Job\u202ecenter\x07 @ Raum\u2067 12\u200f\nhinten")
    assert without_hidden(card.html)
    with services.db.session() as session:
        [saved] = session.scalars(select(Appointment)).all()
        assert (saved.title, saved.place) == ("Jobcenter", "Raum 12 hinten")
    [invited] = coach.receive()
    told: Sent = invited
    assert without_hidden(told.html)
    assert f"{FSI}Jobcenter{PDI}" in told.html and f"{FSI}Raum 12 hinten{PDI}" in told.html
