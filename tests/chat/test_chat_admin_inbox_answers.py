"""Questions advisors answered ("Ask a person") in the admins' /unanswered, through the real
Application: turned into an FAQ entry (Publish also closes the hand-over), or closed.

A volunteer of Köln asks, an advisor of Köln answers; the Köln admin deals with it; an
advisor, a volunteer and an admin of Bonn press the same buttons and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flows import seat, walk_to
from sqlalchemy import func, select

from bot.chat.driver import Chat, Sent
from bot.chat.transport import UpdateFactory
from bot.db.models import AuditEntry, ContentVersion, Handover, User
from bot.handover import service as s
from bot.i18n import translator
from bot.services import Services

KOELN_ADMIN, BONN_ADMIN, ADVISOR, VOLUNTEER, ARABIC = 41, 42, 43, 44, 45
NOT_ADMIN = "Only the admins of Lotse can do that."
DEALT_WITH = "This question has already been dealt with."
UNKNOWN = "Wo kann man hier Fahrräder flicken?"
ANSWER = "Im Radhaus Kalk, dienstags von 14 bis 18 Uhr."
ARABIC_QUESTION = "أين يمكنني إصلاح دراجتي الهوائية؟"
ARABIC_ANSWER = "في ورشة الدراجات في كالك، أيام الثلاثاء من الساعة 14 إلى 18."
GERMAN_TITLE = "Wo kann ich mein Fahrrad in Köln reparieren lassen?"
de = translator("de")

pytestmark = pytest.mark.filterwarnings("ignore:Ignoring `conversation_timeout`")


@dataclass
class Office:
    koeln: Chat
    bonn: Chat
    superadmin: Chat
    advisor: Chat
    volunteer: Chat
    arabic: Chat
    services: Services


@pytest.fixture
async def office(running, services: Services, admin_id: int) -> Office:
    seat(
        services,
        (
            (KOELN_ADMIN, "admin", "koeln", "en"),
            (BONN_ADMIN, "admin", "bonn", "en"),
            (ADVISOR, "advisor", "koeln", "en"),
            (VOLUNTEER, None, "koeln", "de"),
            (ARABIC, None, "koeln", "ar"),
            (admin_id, None, "koeln", "en"),
        ),
    )
    with services.db.session() as session:
        session.get(User, ADVISOR).takes_questions = True
    app, request = await running(services)

    def chat(user_id: int, lang: str = "en") -> Chat:
        return Chat(app, request, UpdateFactory(user_id, lang))

    return Office(
        chat(KOELN_ADMIN),
        chat(BONN_ADMIN),
        chat(admin_id),
        chat(ADVISOR),
        chat(VOLUNTEER, "de"),
        chat(ARABIC, "ar"),
        services,
    )


def answered(
    services: Services,
    question: str,
    answer: str,
    lang: str = "de",
    municipality: str | None = "koeln",
) -> int:
    """Store a hand-over an advisor has answered (as the advisor's answer leaves it)."""
    with services.db.session() as session:
        handover = s.create(
            session,
            asker_id=VOLUNTEER,
            question=question,
            lang=lang,
            municipality=municipality,
            share_identity=True,
        )
        handover.state, handover.taken_by, handover.answer = s.ANSWERED, ADVISOR, answer
        handover.answered_at = handover.created_at
        return handover.id


def state_of(services: Services, handover_id: int) -> str:
    with services.db.session() as session:
        return session.get(Handover, handover_id).state


def snapshot(services: Services) -> tuple:
    """What a change would touch: the hand-overs' states, content versions, the log."""
    with services.db.session() as session:
        states = tuple(session.scalars(select(Handover.state).order_by(Handover.id)))
        counts = tuple(
            session.scalar(select(func.count()).select_from(table))
            for table in (ContentVersion, AuditEntry)
        )
        return states, counts


def actions(services: Services) -> list[tuple[str, str | None, str | None]]:
    with services.db.session() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.municipality, AuditEntry.target).order_by(
                AuditEntry.id
            )
        )
        return [tuple(row) for row in rows]


def entry_asked(services: Services, question: str, lang: str):
    """The FAQ entry that has question among its questions in lang."""
    return next(
        e
        for e in services.content.faq.values()
        if lang in e.translations and question in e.translations[lang].questions
    )


async def hand_over(office: Office) -> int:
    """The volunteer asks a person; the advisor takes the question and answers it."""
    volunteer, advisor = office.volunteer, office.advisor
    [unknown] = await volunteer.send(UNKNOWN)
    assert de("I don't know that yet.") in unknown.text
    _, consent = await volunteer.press("🙋")
    await volunteer.press(data=next(d for _, d in consent.buttons if d.startswith("H:n:")))
    advisor.receive()
    await advisor.press("✍")
    [done] = await advisor.send(ANSWER)
    assert "Your answer has been passed on." in done.text
    [relayed] = volunteer.receive()
    assert ANSWER in relayed.text
    with office.services.db.session() as session:
        [item] = s.answered(session, {"koeln"})
    return item.id


async def open_answered(admin: Chat, question: str) -> Sent:
    """Open the answered question from /unanswered."""
    [listing] = await admin.send("/unanswered")
    assert "Answered by advisors: 1" in listing.text
    [answers] = await admin.press("Show the answered questions")
    assert question in answers.text
    [item] = await admin.press("1")
    return item


async def test_an_answer_becomes_an_faq_entry_that_answers_the_same_question_next_time(
    office: Office,
) -> None:
    admin, services = office.koeln, office.services
    number = await hand_over(office)
    item = await open_answered(admin, UNKNOWN)
    assert "Asked in Deutsch · Köln" in item.text
    assert UNKNOWN in item.text and ANSWER in item.text
    assert str(VOLUNTEER) not in item.html and str(ADVISOR) not in item.html
    assert item.labels == ["✍ Turn into an FAQ entry", "🗑 Close", "◀ Back"]
    [asked] = await admin.press("Turn into an FAQ entry")
    assert "Type the question in German, as people would ask it." in asked.text
    assert f"Now:\n• {UNKNOWN}" in asked.text and "✓ Keep" in asked.labels
    [asked] = await admin.press("Keep")
    assert "Type the answer in German." in asked.text and f"Now:\n{ANSWER}" in asked.text
    [asked] = await admin.press("Keep")
    assert "Which id should it have?" in asked.text  # German only: no other texts asked
    await walk_to(admin, "another language")
    [preview] = await admin.press("No, show the preview")
    assert f"<b>{UNKNOWN}</b>\n\n{ANSWER}" in preview.html
    assert state_of(services, number) == s.ANSWERED  # nothing written before Publish
    [done] = await admin.press("Publish")
    assert "The question the advisor answered has left the inbox." in done.text
    assert state_of(services, number) == s.CLOSED
    entry = entry_asked(services, UNKNOWN, "de")
    assert entry.scope == "koeln" and entry.translations["de"].answer == ANSWER
    assert actions(services) == [("entry_published", "koeln", f"faq:{entry.id}")]
    [again] = await office.volunteer.send(UNKNOWN)
    assert ANSWER in again.text
    [listing] = await admin.send("/unanswered")
    assert "Answered by advisors" not in listing.text
    for data in (f"Q:h:{number}", f"Q:f:{number}", f"Q:z:{number}"):
        assert await admin.press_data(data) == []  # the old buttons
        assert admin.notices() == [DEALT_WITH]


async def test_an_arabic_answer_asks_the_german_title_and_answer_too(office: Office) -> None:
    admin, services = office.koeln, office.services
    number = answered(services, ARABIC_QUESTION, ARABIC_ANSWER, "ar")
    item = await open_answered(admin, ARABIC_QUESTION)
    assert "Asked in العربية · Köln" in item.text and ARABIC_ANSWER in item.text
    [asked] = await admin.press("Turn into an FAQ entry")
    # German first (required), with what was asked and answered in Arabic beside it.
    assert "Type the question in German, as people would ask it." in asked.text
    assert "As asked in Arabic:" in asked.text and ARABIC_QUESTION in asked.text
    assert asked.labels == ["✖ Cancel"]  # German is required
    [asked] = await admin.send(GERMAN_TITLE)
    assert "Type the answer in German." in asked.text
    assert "The answer in Arabic:" in asked.text and ARABIC_ANSWER in asked.text
    [asked] = await admin.send(ANSWER)
    assert "Suggested: koeln-fahrrad-reparieren-lassen" in asked.text
    # Then Arabic, prefilled: kept here (it could be skipped).
    asked = await walk_to(admin, "Type the question in Arabic, as people would ask it.")
    assert ARABIC_QUESTION in asked.text and "⏭ Skip this language" in asked.labels
    await admin.press("Keep")
    await admin.press("Keep")
    await walk_to(admin, "another language")
    [preview] = await admin.press("No, show the preview")
    assert "— Deutsch —" in preview.text and "— العربية —" in preview.text
    await admin.press("Publish")
    assert state_of(services, number) == s.CLOSED
    entry = services.content.faq["koeln-fahrrad-reparieren-lassen"]
    assert entry.translations["ar"].questions == (ARABIC_QUESTION,)
    assert entry.translations["ar"].answer == ARABIC_ANSWER
    [reply] = await office.arabic.send(ARABIC_QUESTION)
    assert ARABIC_ANSWER in reply.text
    [reply] = await office.volunteer.send(GERMAN_TITLE)
    assert ANSWER in reply.text


async def test_a_question_can_be_kept_or_changed_before_it_becomes_an_entry(
    office: Office,
) -> None:
    admin, services = office.koeln, office.services
    english = "Where can I get my bike repaired?"
    number = answered(services, english, "At the bike workshop in Kalk.", "en")
    await open_answered(admin, english)
    [asked] = await admin.press("Turn into an FAQ entry")
    assert "Type the question in German" in asked.text and english in asked.text
    await admin.send(GERMAN_TITLE)
    await admin.send(ANSWER)
    await walk_to(admin, "Type the question in English")
    [asked] = await admin.send(english + "\nWhere is a bike workshop in Cologne?")
    assert "Type the answer in English." in asked.text
    assert "At the bike workshop in Kalk." in asked.text  # the advisor's answer, to keep
    await admin.send("At the bike workshop in Kalk, on Tuesdays.")
    await walk_to(admin, "another language")
    await admin.press("No, show the preview")
    await admin.press("Publish")
    entry = entry_asked(services, "Where is a bike workshop in Cologne?", "en")
    assert entry.translations["en"].answer == "At the bike workshop in Kalk, on Tuesdays."
    assert state_of(services, number) == s.CLOSED


async def test_cancel_writes_nothing_and_the_question_stays(office: Office) -> None:
    admin, services = office.koeln, office.services
    number = answered(services, UNKNOWN, ANSWER)
    old = snapshot(services)
    await open_answered(admin, UNKNOWN)
    await admin.press("Turn into an FAQ entry")
    [cancelled] = await admin.press("Cancel")
    assert "Cancelled. Nothing was changed." in cancelled.text
    assert snapshot(services) == old and state_of(services, number) == s.ANSWERED


async def test_close_takes_the_question_out_of_the_inbox_without_an_entry(
    office: Office,
) -> None:
    admin, services = office.koeln, office.services
    number = answered(services, UNKNOWN, ANSWER)
    versions = snapshot(services)[1][0]
    await open_answered(admin, UNKNOWN)
    [confirm] = await admin.press("Close")
    assert "Close this question without an FAQ entry?" in confirm.text
    [back] = await admin.press("Back")  # changes nothing
    assert UNKNOWN in back.text and state_of(services, number) == s.ANSWERED
    await admin.press("Close")
    [closed] = await admin.press("Close it")
    assert "Closed: the question has left the inbox." in closed.text
    assert state_of(services, number) == s.CLOSED
    assert snapshot(services)[1][0] == versions  # no FAQ entry
    assert actions(services) == [("handover_closed", "koeln", f"handover:{number}")]
    [empty] = await admin.press("Back")
    assert "No answered questions are waiting." in empty.text
    [listing] = await admin.send("/unanswered")
    assert "There are no unanswered questions." in listing.text
    assert "Answered by advisors" not in listing.text
    assert await admin.press_data(f"Q:z:{number}") == []
    assert admin.notices() == [DEALT_WITH]


async def test_a_superadmin_turns_a_question_without_a_municipality_into_a_state_wide_entry(
    office: Office,
) -> None:
    services = office.services
    number = answered(services, UNKNOWN, ANSWER, municipality=None)
    [listing] = await office.koeln.send("/unanswered")
    assert "Answered by advisors" not in listing.text  # not a Köln question
    await open_answered(office.superadmin, UNKNOWN)
    await office.superadmin.press("Turn into an FAQ entry")
    await walk_to(office.superadmin, "another language")
    await office.superadmin.press("No, show the preview")
    await office.superadmin.press("Publish")
    assert entry_asked(services, UNKNOWN, "de").scope == "nrw"
    assert state_of(services, number) == s.CLOSED


@pytest.mark.parametrize("who", ["volunteer", "advisor", "bonn"])
async def test_every_button_is_refused_to_people_who_may_not_use_it(
    office: Office, who: str
) -> None:
    services = office.services
    number = answered(services, UNKNOWN, ANSWER)
    other: Chat = getattr(office, who)
    refused = translator(other.updates.language_code)(NOT_ADMIN)  # the volunteer reads German
    old = snapshot(services)
    if who == "bonn":
        [listing] = await other.send("/unanswered")
        assert "Answered by advisors" not in listing.text
        [answers] = await other.press_data("Q:k:0")
        assert "No answered questions are waiting." in answers.text
        assert UNKNOWN not in answers.text
    else:
        assert await other.press_data("Q:k:0") == []
        assert other.notices() == [refused]
    for data in ("h", "f", "x", "z"):
        assert await other.press_data(f"Q:{data}:{number}") == []
        # Another municipality's question: the same answer as for one dealt with (no leak).
        assert other.notices() == [DEALT_WITH if who == "bonn" else refused], data
    assert snapshot(services) == old
    item = await open_answered(office.koeln, UNKNOWN)  # still there for the Köln admin
    assert ANSWER in item.text
