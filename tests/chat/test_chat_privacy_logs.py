"""No log record gives anyone away: a marker in everything users type (and their names and
ids) appears in no log line, at DEBUG level, and only in the tables where it belongs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flows import KALK, to_list
from privacy_world import mentions, rows_of

from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.clock import FakeClock
from bot.db.models import User
from bot.privacy.logs import protect, pseudonym
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality

MARK = "Zqxmarker"
VOLUNTEER, ADVISOR, ARABIC, ADMIN = 612345001, 612345002, 612345003, 612345004
NAMES = ("Mirabella", "mirabella_k", "Karimova")
#: Where what users type may be stored (and nowhere else).
BELONGS = {
    "unanswered_questions",
    "handovers",
    "appointments",
    "referrals",
    "content_translations",
    "content_entry_versions",
}


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[Collect]:
    root, handler = logging.getLogger(), Collect()
    protect(handler, "a test key")
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


async def test_no_typed_text_name_or_user_id_reaches_the_logs(
    running, services: Services, logs: Collect
) -> None:
    services.clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    with services.db.session() as session:
        grant_role(session, ADVISOR, "advisor", "koeln")
        grant_role(session, ADMIN, "admin", "koeln")
        for user_id, lang in ((VOLUNTEER, "de"), (ADVISOR, "de"), (ARABIC, "ar"), (ADMIN, "en")):
            set_language(session, user_id, lang)
            set_municipality(session, user_id, "koeln")
        session.get(User, ADVISOR).takes_questions = True
    app, request = await running(services)
    first, last, username = NAMES
    volunteer = Chat(
        app, request, UpdateFactory(VOLUNTEER, "de", first_name=f"{first} {last}",
                                    username=username)
    )  # fmt: skip
    advisor = Chat(app, request, UpdateFactory(ADVISOR, "de"))
    arabic = Chat(app, request, UpdateFactory(ARABIC, "ar"))
    admin = Chat(app, request, UpdateFactory(ADMIN, "en"))

    # Questions, known and unknown, in two languages; a question handed to a person.
    await volunteer.send(f"Wer darf bei Durchstarten mitmachen {MARK}1")
    await arabic.send(f"من يمكنه المشاركة في Durchstarten؟ {MARK}2")
    await volunteer.send(f"Wo kann man hier Fahrräder {MARK}3 flicken?")
    asked = await volunteer.press("🙋")
    consent = next(d for m in asked for _, d in m.buttons if d.startswith("H:y:"))
    await volunteer.press(data=consent)
    [offer] = advisor.receive()
    await advisor.press_on(offer, next(d for _, d in offer.buttons if d.startswith("H:t:")))
    await advisor.send(f"Im Radhaus Kalk {MARK}4, dienstags.")
    # An appointment with a title and a place; settings and commands with odd arguments.
    await advisor.send(f"/appointment 2026-12-10 14:00 Jobcenter {MARK}5 @ Raum {MARK}6")
    await advisor.send(f"/client {MARK}7")
    await volunteer.send(f"/stats {MARK}8")
    await volunteer.send(f"/nonsense {MARK}9")
    await volunteer.send_file(f"{MARK}10.yaml", f"faq: {MARK}11".encode())
    await volunteer.send("/mydata")
    await volunteer.send("/municipality")
    await volunteer.send(f"Kö{MARK}16")
    # A check with a typed answer; a search; a referral with a note.
    await volunteer.send("/check")
    await volunteer.send(f"{MARK}12 Jahre")
    await volunteer.send("/cancel")
    await to_list(advisor)
    await advisor.press(data="S:o:" + KALK)
    await advisor.press(data="R:n:" + KALK)
    await advisor.send("A17")
    [confirm] = await advisor.send(f"braucht einen Abendkurs {MARK}13")
    await advisor.press_on(confirm, next(d for _, d in confirm.buttons if d.startswith("R:y:")))
    # An admin writes an FAQ entry step by step.
    await admin.send("/new faq")
    await admin.send(f"Wo repariere ich ein Fahrrad {MARK}14?")
    await admin.send(f"Im Radhaus Kalk {MARK}15.")
    await admin.send("koeln-fahrrad-test")
    await admin.send("Stadt Köln")
    await admin.send("31.12.2027")
    await admin.press("No, show the preview")
    [published] = await admin.press("Publish")
    assert "Published" in published.text

    assert logs.lines, "nothing was logged: the test would prove nothing"
    ids = [str(user_id) for user_id in (VOLUNTEER, ADVISOR, ARABIC, ADMIN)]
    leaks = [
        line
        for line in logs.lines
        if MARK in line or any(i in line for i in ids) or any(n in line for n in NAMES)
    ]
    assert leaks == []
    stored = {
        name
        for name, rows in rows_of(services).items()
        for row in rows
        for value in row.values()
        if isinstance(value, str | dict | list) and MARK in str(value)
    }
    assert stored == BELONGS


def test_a_user_id_stands_as_the_same_keyed_hash_and_another_key_gives_another() -> None:
    assert pseudonym(4711, "k") == pseudonym(4711, "k") != pseudonym(4712, "k")
    assert pseudonym(4711, "k") != pseudonym(4711, "other key")
    assert "4711" not in pseudonym(4711, "k")
    assert not mentions(pseudonym(4711, "k"), 4711)


def test_the_redactor_replaces_the_current_users_id_and_text_in_any_record() -> None:
    from bot.privacy.logs import Redactor, remember

    redactor = Redactor("k")
    remember(4711, ["a secret question"], ["Mira"])
    record = logging.LogRecord("x", logging.INFO, "f", 1, "user %s asked %r (%s)",
                               (4711, "a secret question", "Mira"), None)  # fmt: skip
    assert redactor.filter(record)
    assert record.getMessage() == f"user {pseudonym(4711, 'k')} asked '[text]' ([name])"
    chatty = logging.LogRecord("telegram.ext.ExtBot", logging.DEBUG, "f", 1, "body", (), None)
    assert not redactor.filter(chatty)
    remember(None, [], [])
