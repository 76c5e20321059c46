"""Bad uploads through the real Application: a clear `file:line: problem`, one message.

An admin of Köln sends files with values Lotse cannot read or keep (an impossible date, a
5,000-digit number, a billion laughs, bytes that are not UTF-8) and files with hundreds of
problems: each gets the problems in one message (values quoted as short excerpts; the full
list as a text file when it is long), never the generic apology, and nothing changes.
"""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from sqlalchemy import func, select

from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.db.models import ContentVersion
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality
from tests.catalog.test_bad_uploads import FAQ

ADMIN = 21
APOLOGY = "Sorry, something went wrong"


async def admin_chat(running, services: Services, lang: str = "en") -> Chat:
    with services.db.session() as session:
        set_language(session, ADMIN, lang)
        set_municipality(session, ADMIN, "koeln")
        grant_role(session, ADMIN, "admin", "koeln")
    app, request = await running(services)
    return Chat(app, request, UpdateFactory(ADMIN, lang))


def version(services: Services) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.max(ContentVersion.id)))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (FAQ.format(value="2027-02-30").encode(), "koeln.yaml:4: '2027-02-30' is not a real date"),
        (
            FAQ.format(value="9" * 5000).encode(),
            "koeln.yaml:4: '" + "9" * 59 + "…' is not a number Lotse can keep",
        ),
        (b"faq: []\n\xc3\x28\n", "koeln.yaml:2: not UTF-8 text (byte 8)"),
        (b"faq: &a [*a]\n", "koeln.yaml:1: invalid YAML: an alias refers to itself"),
    ],
    ids=["impossible date", "5000 digits", "not utf-8", "recursive alias"],
)
async def test_an_upload_with_a_value_lotse_cannot_keep_gets_file_line_problem(
    running, services: Services, caplog: pytest.LogCaptureFixture, data: bytes, problem: str
) -> None:
    admin = await admin_chat(running, services)
    old = version(services)
    caplog.set_level(logging.ERROR)
    [reply] = await admin.send_file("koeln.yaml", data)
    assert "The upload has 1 problem; nothing was changed." in reply.text
    assert problem in reply.text
    assert APOLOGY not in reply.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert version(services) == old


async def test_a_problem_quotes_a_long_value_only_as_an_excerpt_in_the_admins_language(
    running, services: Services
) -> None:
    admin = await admin_chat(running, services, "de")
    long_type = "x" * 100_000
    data = (
        f"offers:\n  - id: koeln-kurs\n    type: {long_type}\n    municipality: koeln\n"
        "    translations: {de: {title: Kurs}}\n"
    ).encode()
    [reply] = await admin.send_file("kurs.yaml", data)
    assert "Der Upload hat 1 Problem; es wurde nichts geändert." in reply.text
    assert "x" * 59 + "…" in reply.text
    assert "x" * 61 not in reply.text
    assert len(reply.text) < 1500


async def test_hundreds_of_problems_are_one_message_and_a_file_with_every_problem(
    running, services: Services
) -> None:
    admin = await admin_chat(running, services)
    entries = "".join(
        f"  - id: koeln-kurs-{n}\n    type: {'sehr-' * 40}falsch-{n}\n    municipality: koeln\n"
        "    translations: {de: {title: Kurs}}\n"
        for n in range(300)
    )
    old = version(services)
    replies = await admin.send_file("viele.yaml", f"offers:\n{entries}".encode())
    assert len(replies) == 1
    [reply] = replies
    assert "The upload has 300 problems; nothing was changed." in reply.text
    listed = [line for line in reply.text.splitlines() if line.startswith("viele.yaml:")]
    assert 0 < len(listed) <= 25
    assert f"and {300 - len(listed)} more" in reply.text
    assert all(len(line) < 250 for line in listed)
    [document] = admin.request.of("sendDocument")
    [(name, body)] = document["_files"].values()
    assert name.endswith(".txt")
    lines = body.decode().splitlines()
    assert sum(line.startswith("viele.yaml:") for line in lines) == 300
    assert "koeln-kurs-299" in body.decode()
    assert version(services) == old


async def test_a_zip_member_with_a_long_odd_name_is_named_by_an_excerpt(
    running, services: Services
) -> None:
    admin = await admin_chat(running, services)
    name = "\u202e" + "a" * 5000 + ".yaml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"#" * (2 * 1024 * 1024))
    [reply] = await admin.send_file("odd.zip", buffer.getvalue())
    assert "<U+202E>" + "a" * 50 in reply.text and "a" * 61 not in reply.text
    assert "Nothing was changed." in reply.text
    assert "\u202e" not in reply.html
