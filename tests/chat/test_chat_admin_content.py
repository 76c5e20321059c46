"""Content by upload and /export through the real Application with the fake transport.

An admin of Köln uploads YAML (or a zip of it); the answering index uses the change at
once. Wrong files change nothing; volunteers' files are not uploads.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.db.models import AuditEntry, ContentVersion
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality

ADMIN, VOLUNTEER = 21, 22
NEW_FAQ = """\
faq:
  - id: koeln-wohnberechtigung
    scope: koeln
    source: "Test"
    translations:
      de:
        questions:
          - Wo bekomme ich in Köln einen Wohnberechtigungsschein?
        answer: Beim Amt für Wohnungswesen der Stadt Köln.
"""
BROKEN = """\
faq:
  - id: koeln-kaputt
    scope: koeln
    program: gibt-es-nicht
    translations:
      de:
        questions: ["Eine Frage?"]
        answer: Eine Antwort.
  - id: bonn-fremd
    scope: bonn
    translations:
      de:
        questions: ["Noch eine Frage?"]
        answer: Noch eine Antwort.
"""


@pytest.fixture
async def people(running, services: Services) -> tuple[Chat, Chat]:
    for user_id in (ADMIN, VOLUNTEER):
        with services.db.session() as session:
            set_language(session, user_id, "en")
            set_municipality(session, user_id, "koeln")
    with services.db.session() as session:
        grant_role(session, ADMIN, "admin", "koeln")
    app, request = await running(services)
    return (
        Chat(app, request, UpdateFactory(ADMIN, "en")),
        Chat(app, request, UpdateFactory(VOLUNTEER, "en")),
    )


def version(services: Services) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.max(ContentVersion.id)))


def zipped(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


async def test_a_valid_upload_shows_a_summary_and_changes_the_answers_once_applied(
    people, services: Services
) -> None:
    admin, volunteer = people
    question = "Wo bekomme ich in Köln einen Wohnberechtigungsschein?"
    [before] = await volunteer.send(question)
    assert "Amt für Wohnungswesen" not in before.text
    [summary] = await admin.send_file("koeln.yaml", NEW_FAQ.encode())
    assert "FAQ entries: 1 new, 0 changed, 3 not in the file" in summary.text
    assert "+ koeln-wohnberechtigung" in summary.text
    assert summary.labels == ["✅ Apply and remove them", "✅ Apply and keep them", "✖ Cancel"]
    old = version(services)
    [done] = await admin.press("Apply and keep them")
    assert "Done: the content is now version" in done.text
    assert version(services) == old + 1
    [after] = await volunteer.send(question)
    assert "Amt für Wohnungswesen" in after.text
    assert "koeln-teilnahme" in services.content.faq  # kept
    with services.db.session() as session:
        [action] = session.scalars(select(AuditEntry.action)).all()
    assert action == "content_uploaded"


async def test_an_upload_with_errors_lists_them_by_line_and_changes_nothing(
    people, services: Services
) -> None:
    admin, _ = people
    old = version(services)
    [reply] = await admin.send_file("kaputt.yaml", BROKEN.encode())
    assert "The upload has 2 problems; nothing was changed." in reply.text
    assert "kaputt.yaml:2:" in reply.text and "gibt-es-nicht" in reply.text
    assert "kaputt.yaml:9: faq 'bonn-fremd'" in reply.text
    assert reply.buttons == []
    assert version(services) == old


async def test_a_cancelled_upload_changes_nothing_and_its_buttons_then_do_nothing(
    people, services: Services
) -> None:
    admin, _ = people
    old = version(services)
    [summary] = await admin.send_file("koeln.yaml", NEW_FAQ.encode())
    [cancelled] = await admin.press("Cancel")
    assert "Cancelled. Nothing was changed." in cancelled.text
    await admin.press_on(summary, summary.buttons[1][1])
    assert "no longer waiting" in admin.notices()[0]
    assert version(services) == old
    assert "koeln-wohnberechtigung" not in services.content.faq


async def test_an_older_summarys_buttons_do_not_apply_a_newer_upload(
    people, services: Services
) -> None:
    admin, _ = people
    [first] = await admin.send_file("koeln.yaml", NEW_FAQ.encode())
    await admin.send_file("koeln.yaml", NEW_FAQ.replace("Beim Amt", "Im Amt").encode())
    await admin.press_on(first, first.buttons[1][1])
    assert "no longer waiting" in admin.notices()[0]


async def test_a_zip_of_yaml_files_is_an_upload_and_a_zip_bomb_is_refused(
    people, services: Services
) -> None:
    admin, _ = people
    [summary] = await admin.send_file("inhalt.zip", zipped({"faq/koeln.yaml": NEW_FAQ}))
    assert "+ koeln-wohnberechtigung" in summary.text
    bomb = zipped({"faq/huge.yaml": b"#" * (20 * 1024 * 1024)})
    [refused] = await admin.send_file("bomb.zip", bomb)
    assert "Nothing was changed." in refused.text
    [wrong] = await admin.send_file("notes.pdf", b"%PDF-1.4")
    assert "Please send content as a .yaml file or a .zip" in wrong.text


async def test_unsafe_yaml_is_refused(people, services: Services) -> None:
    admin, _ = people
    [refused] = await admin.send_file("evil.yaml", b"faq: !!python/object/apply:os.system ['ls']")
    assert "nothing was changed" in refused.text
    assert "evil.yaml:1:" in refused.text


async def test_a_file_from_someone_who_is_no_admin_is_not_an_upload(
    people, services: Services
) -> None:
    _, volunteer = people
    old = version(services)
    [reply] = await volunteer.send_file("koeln.yaml", NEW_FAQ.encode())
    assert "FAQ entries" not in reply.text
    assert volunteer.request.of("getFile") == []
    assert version(services) == old


async def test_export_sends_the_admins_content_as_a_file_and_is_for_admins_only(
    people, services: Services
) -> None:
    admin, volunteer = people
    await admin.send("/export")
    [document] = admin.request.of("sendDocument")
    [(name, body)] = document["_files"].values()
    assert name.startswith("lotse-content-v") and name.endswith(".yaml")
    text = body.decode()
    assert "koeln-teilnahme" in text and "scope: nrw" not in text
    [refused] = await volunteer.send("/export")
    assert refused.text == "Only the admins of Lotse can do that."
    assert len(admin.request.of("sendDocument")) == 1
