"""Admin commands and buttons work in the private chat only: in a group they say so, and
post nothing else (no invitation link, no export, no client codes, no statistics).

An admin of Köln, a superadmin and a volunteer write in a group chat with the bot.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot.admin.guard import PRIVATE_ONLY
from bot.app import admin_commands
from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.db.models import AuditEntry, Invitation, UserRole
from bot.i18n import translator
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality

KOELN_ADMIN, ADVISOR, VOLUNTEER, NEWCOMER = 11, 13, 14, 500
GROUP = -1001234567890
#: Every admin command, bare and with the arguments that would post a link, file or data.
COMMANDS = (
    "/invite",
    "/invite advisor",
    "/invite admin koeln",
    "/users",
    "/export",
    "/unanswered",
    "/history koeln-teilnahme",
    "/translations",
    "/new faq",
    "/edit koeln-teilnahme",
    "/hide koeln-teilnahme",
    "/unhide koeln-teilnahme",
    "/variant koeln-teilnahme",
    "/stats",
    "/stats 2026-01-01 2026-03-31",
    "/stats@lotse_bot koeln",
)
#: Admin buttons pressed on a message in the group (forged: the bot posts none there).
BUTTONS = (
    "I:r:advisor",
    "I:m:advisor:koeln",
    "I:x:1",
    "U:l:0",
    f"U:p:{ADVISOR}",
    f"U:g:{ADVISOR}:coach:koeln",
    "U:a",
    "Q:l:0",
    "Q:k:0",
    "Q:v:1",
    "Q:h:1",
    "Q:n:1",
    "V:k:f:koeln-teilnahme",
    "J:o",
    "J:l:en:0",
    "J:e:en:f:koeln-teilnahme",
    "J:k:en:f:koeln-teilnahme",
    "P:a:deadbeef",
    "Z:4w",
    "Z:12m:koeln",
    "E:z:abcdef",
)
#: Whatever would give something away in a group.
LEAKS = ("sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup")


def snapshot(services: Services) -> tuple:
    with services.db.session() as session:
        roles = sorted(tuple(r) for r in session.execute(select(UserRole.user_id, UserRole.role)))
        invitations = session.scalar(select(func.count()).select_from(Invitation))
        logged = session.scalar(select(func.count()).select_from(AuditEntry))
    return roles, invitations, logged


@pytest.fixture
async def group(running, services: Services, admin_id: int):
    """Chats in one group: the Köln admin, the superadmin, a volunteer (and their private ones)."""
    for user_id, role, lang in (
        (KOELN_ADMIN, "admin", "en"),
        (ADVISOR, "advisor", "de"),
        (VOLUNTEER, None, "ar"),
        (admin_id, None, "de"),
    ):
        with services.db.session() as session:
            if role:
                grant_role(session, user_id, role, "koeln")
            set_language(session, user_id, lang)
            set_municipality(session, user_id, "koeln")
    app, request = await running(services)

    def chat(user_id: int) -> Chat:
        return Chat(app, request, UpdateFactory(user_id, "en"))

    return chat


def test_every_admin_command_is_tried_in_a_group() -> None:
    tried = {re.split(r"[ @]", command)[0][1:] for command in COMMANDS}
    assert tried == {name for name, _ in admin_commands()}


@pytest.mark.parametrize("who", ["koeln admin", "superadmin", "volunteer"])
async def test_admin_commands_in_a_group_only_ask_for_the_private_chat(
    group, services: Services, admin_id: int, who: str
) -> None:
    user_id, lang = {"koeln admin": (KOELN_ADMIN, "en"), "superadmin": (admin_id, "de")}.get(
        who, (VOLUNTEER, "ar")
    )
    in_group = group(user_id).in_group(GROUP)
    before = snapshot(services)
    for command in COMMANDS:
        sent = await in_group.send(command)
        [said] = sent
        assert said.text.strip("\u200f") == translator(lang)(PRIVATE_ONLY), command
        assert [c.method for c in in_group.calls] == ["sendMessage"], command
        assert int(in_group.calls[0].params["chat_id"]) == GROUP
        assert in_group.pushed() == []
    assert snapshot(services) == before


@pytest.mark.parametrize("who", ["koeln admin", "superadmin"])
async def test_admin_buttons_in_a_group_only_say_so_in_a_pop_up(
    group, services: Services, admin_id: int, who: str
) -> None:
    in_group = group(KOELN_ADMIN if who == "koeln admin" else admin_id).in_group(GROUP)
    before = snapshot(services)
    for data in BUTTONS:
        assert await in_group.press_data(data) == [], data
        assert len(in_group.notices()) == 1, data
        assert in_group.pushed() == []
        assert not [c for c in in_group.calls if c.method in LEAKS], data
    assert snapshot(services) == before


async def test_an_invitation_link_is_neither_made_nor_used_in_a_group(
    group, services: Services
) -> None:
    admin = group(KOELN_ADMIN)
    [made] = await admin.send("/invite advisor")  # in the private chat: it works
    payload = re.search(r"start=(inv-[A-Za-z0-9_-]+)", made.text).group(1)
    newcomer = group(NEWCOMER).in_group(GROUP)
    sent = await newcomer.send(f"/start {payload}")
    assert not any("You are now" in m.text for m in sent)
    with services.db.session() as session:
        assert session.scalar(select(Invitation.used_by)) is None
        assert session.scalar(select(UserRole).where(UserRole.user_id == NEWCOMER)) is None
    [welcome, *_] = await group(NEWCOMER).send(f"/start {payload}")  # the private chat
    assert "You are now advisor for Köln" in welcome.text


#: Everyone's buttons that show or change a person's own records, forged on a group message.
OWN_BUTTONS = ("R:v:1", "R:l:0", "R:w:1", "H:w:1", "H:t:1", "A:v:1", "A:i:1", "D:y", "W:y", "M:p:1")


@pytest.mark.parametrize("who", ["advisor", "volunteer"])
async def test_any_button_pressed_in_a_group_only_says_so_in_a_pop_up(
    group, services: Services, who: str
) -> None:
    user_id, lang = {"advisor": (ADVISOR, "de")}.get(who, (VOLUNTEER, "ar"))
    in_group = group(user_id).in_group(GROUP)
    before = snapshot(services)
    for data in OWN_BUTTONS:
        assert await in_group.press_data(data) == [], data
        assert in_group.notices() == [translator(lang)(PRIVATE_ONLY)], data
        assert in_group.pushed() == []
        assert [c.method for c in in_group.calls] == ["answerCallbackQuery"], data
    assert snapshot(services) == before
