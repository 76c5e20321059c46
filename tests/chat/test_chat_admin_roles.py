"""Roles and invitations through the real Application: /invite, the /start link, /users.

An admin of Köln, an admin of Bonn, a superadmin (ADMIN_USER_IDS), an advisor and a
volunteer of Köln on one bot; newcomers arrive through invitation links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.admin.views import REDEEM_ERRORS
from bot.chat.driver import Chat
from bot.chat.transport import UpdateFactory
from bot.clock import FakeClock
from bot.db.models import AuditEntry, Invitation, User, UserRole
from bot.i18n import translator
from bot.services import Services
from bot.users.service import grant_role, revoke_role, set_language, set_municipality

KOELN_ADMIN, BONN_ADMIN, ADVISOR, VOLUNTEER, NEWCOMER = 11, 12, 13, 14, 500
NOT_ADMIN = "Only the admins of Lotse can do that."


@dataclass
class Office:
    koeln: Chat
    bonn: Chat
    superadmin: Chat
    advisor: Chat
    volunteer: Chat
    services: Services
    chat: object

    def stranger(self, user_id: int, username: str | None = None) -> Chat:
        return self.chat(user_id, username)  # type: ignore[operator]


@pytest.fixture
async def office(running, services: Services, admin_id: int) -> Office:
    services.clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    for user_id, role, municipality in (
        (KOELN_ADMIN, "admin", "koeln"),
        (BONN_ADMIN, "admin", "bonn"),
        (ADVISOR, "advisor", "koeln"),
        (VOLUNTEER, None, None),
        (admin_id, None, None),
    ):
        with services.db.session() as session:
            if role:
                grant_role(session, user_id, role, municipality or "")
            set_language(session, user_id, "en")
            set_municipality(session, user_id, municipality or "koeln")
    app, request = await running(services)

    def chat(user_id: int, username: str | None = None) -> Chat:
        return Chat(app, request, UpdateFactory(user_id, "en", username=username))

    return Office(
        chat(KOELN_ADMIN),
        chat(BONN_ADMIN),
        chat(admin_id),
        chat(ADVISOR),
        chat(VOLUNTEER),
        services,
        chat,
    )


def link_of(text: str) -> str:
    match = re.search(r"start=(inv-[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


def roles_of(services: Services, user_id: int) -> set[tuple[str, str]]:
    with services.db.session() as session:
        rows = session.execute(
            select(UserRole.role, UserRole.municipality).where(UserRole.user_id == user_id)
        )
        return {tuple(row) for row in rows}


def snapshot(services: Services) -> tuple:
    """Everything an admin action could change: roles, invitations, audit entries."""
    with services.db.session() as session:
        roles = sorted(
            tuple(r)
            for r in session.execute(select(UserRole.user_id, UserRole.role, UserRole.municipality))
        )
        invites = sorted(
            tuple(r) for r in session.execute(select(Invitation.id, Invitation.used_by))
        )
        logged = session.scalar(select(func.count()).select_from(AuditEntry))
    return roles, invites, logged


async def test_an_invitation_makes_a_newcomer_advisor_of_the_admins_municipality(
    office: Office,
) -> None:
    [made] = await office.koeln.send("/invite advisor")
    assert "Invitation as advisor for Köln" in made.text
    assert "https://t.me/lotse_bot?start=inv-" in made.text
    assert "↩ Withdraw the invitation" in made.labels
    payload = link_of(made.text)

    newcomer = office.stranger(NEWCOMER)
    replies = await newcomer.send(f"/start {payload}")
    assert "Welcome! You are now advisor for Köln in Lotse." in replies[0].text
    assert len(replies) == 2  # then the usual greeting: choose a language
    assert roles_of(office.services, NEWCOMER) == {("advisor", "koeln")}
    with office.services.db.session() as session:
        assert session.get(User, NEWCOMER).municipality == "koeln"
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["invitation_created", "invitation_used"]
    [(to, note)] = newcomer.pushed()
    assert to == KOELN_ADMIN and "Your invitation was used" in note.text


async def test_an_invitation_works_once(office: Office) -> None:
    [made] = await office.koeln.send("/invite coach")
    payload = link_of(made.text)
    await office.stranger(NEWCOMER, "beispiel_coach").send(f"/start {payload}")
    [refused, *_] = await office.stranger(NEWCOMER + 1).send(f"/start {payload}")
    assert "already been used" in refused.text
    assert roles_of(office.services, NEWCOMER + 1) == set()
    with office.services.db.session() as session:  # the coach's username is their handle now
        assert session.get(User, NEWCOMER).handle == "beispiel_coach"


async def test_an_expired_invitation_is_refused(office: Office) -> None:
    [made] = await office.koeln.send("/invite advisor")
    office.services.clock.advance(hours=73)
    [refused, *_] = await office.stranger(NEWCOMER).send(f"/start {link_of(made.text)}")
    assert "This invitation has expired" in refused.text
    assert roles_of(office.services, NEWCOMER) == set()


async def test_a_forged_or_withdrawn_invitation_is_not_valid(office: Office) -> None:
    [forged, *_] = await office.stranger(NEWCOMER).send("/start inv-AAAAAAAAAAAAAAAAAAAAAAAA")
    assert "This invitation link is not valid" in forged.text
    [made] = await office.koeln.send("/invite advisor")
    [gone] = await office.koeln.press("Withdraw the invitation")
    assert "withdrawn" in gone.text
    [refused, *_] = await office.stranger(NEWCOMER).send(f"/start {link_of(made.text)}")
    assert "This invitation link is not valid" in refused.text
    assert roles_of(office.services, NEWCOMER) == set()


async def test_other_start_links_and_a_plain_start_are_left_to_the_greeting(
    office: Office,
) -> None:
    replies = await office.stranger(NEWCOMER).send("/start hello")
    assert len(replies) == 1 and "invitation" not in replies[0].text


async def test_the_role_is_chosen_with_buttons_and_the_place_when_there_are_several(
    office: Office,
) -> None:
    [question] = await office.koeln.send("/invite")
    assert question.labels == ["Advisor", "Coach", "Admin"]
    [made] = await office.koeln.press("Coach")
    assert "Invitation as coach for Köln" in made.text
    with office.services.db.session() as session:
        grant_role(session, KOELN_ADMIN, "admin", "bonn")
    [question] = await office.koeln.send("/invite")
    [places] = await office.koeln.press("Advisor")
    assert sorted(places.labels) == ["Bonn", "Köln"]
    [made] = await office.koeln.press("Bonn")
    assert "Invitation as advisor for Bonn" in made.text


async def test_a_superadmin_invites_admins_by_municipality(office: Office) -> None:
    [made] = await office.superadmin.send("/invite admin Bonn")
    assert "Invitation as admin for Bonn" in made.text
    [unknown] = await office.superadmin.send("/invite admin Atlantis")
    assert "I don't know the municipality “Atlantis”." in unknown.text
    [wrong] = await office.superadmin.send("/invite boss")
    assert "You can invite advisors, coaches and admins" in wrong.text
    [foreign] = await office.koeln.send("/invite advisor bonn")
    assert "only invite people to the municipalities you administer" in foreign.text


async def test_users_lists_roles_and_an_admin_changes_and_revokes_them(office: Office) -> None:
    [listing] = await office.koeln.send("/users")
    assert "Admins: 1" in listing.text and "Advisors: 1" in listing.text
    assert f"User {ADVISOR} · advisor · Köln" in listing.labels
    assert "Bonn" not in listing.text + " ".join(listing.labels)
    [person] = await office.koeln.press(f"User {ADVISOR} · advisor")
    assert "✅ advisor" in person.labels and "➕ coach" in person.labels
    [changed] = await office.koeln.press("➕ coach")
    assert "✅ coach" in changed.labels
    assert roles_of(office.services, ADVISOR) == {("advisor", "koeln"), ("coach", "koeln")}
    [(to, note)] = office.koeln.pushed()
    assert to == ADVISOR and "made you coach for Köln" in note.text
    [changed] = await office.koeln.press("✅ advisor")
    assert roles_of(office.services, ADVISOR) == {("coach", "koeln")}
    assert "taken away your role advisor" in office.koeln.pushed()[0][1].text
    [log] = await office.koeln.press("Back")
    [log] = await office.koeln.press("Recent changes")
    assert f"made User {ADVISOR} coach" in log.text
    assert f"took the role advisor from User {ADVISOR}" in log.text


async def test_an_admin_cannot_take_their_own_admin_role_nor_a_superadmins(
    office: Office, admin_id: int
) -> None:
    await office.koeln.send("/users")
    await office.koeln.press(f"User {KOELN_ADMIN} · admin")
    before = snapshot(office.services)
    await office.koeln.press("✅ admin")
    assert "cannot take away your own admin role" in office.koeln.notices()[0]
    await office.koeln.press_data(f"U:g:{admin_id}:coach:koeln")
    assert "state-wide admin by configuration" in office.koeln.notices()[0]
    assert snapshot(office.services) == before


async def test_a_revoked_admins_old_buttons_do_nothing(office: Office) -> None:
    await office.koeln.send("/users")
    with office.services.db.session() as session:
        session.execute(UserRole.__table__.delete().where(UserRole.user_id == KOELN_ADMIN))
    before = snapshot(office.services)
    await office.koeln.press(f"User {ADVISOR} · advisor")
    assert office.koeln.notices() == [NOT_ADMIN]
    assert snapshot(office.services) == before


COMMANDS = ("/invite", "/invite advisor", "/invite admin koeln", "/users")


def buttons(invitation_id: int) -> tuple[str, ...]:
    return (
        "I:r:advisor",
        "I:m:advisor:koeln",
        f"I:x:{invitation_id}",
        "U:l:0",
        f"U:p:{ADVISOR}",
        f"U:g:{ADVISOR}:coach:koeln",
        f"U:r:{ADVISOR}:advisor:koeln",
        f"U:g:{VOLUNTEER}:admin:koeln",
        "U:a",
    )


@pytest.mark.parametrize("who", ["volunteer", "advisor"])
async def test_every_admin_command_and_button_refuses_people_who_are_no_admins(
    office: Office, who: str
) -> None:
    await office.koeln.send("/invite advisor")
    with office.services.db.session() as session:
        invitation_id = session.scalar(select(func.max(Invitation.id)))
    chat = getattr(office, who)
    before = snapshot(office.services)
    for command in COMMANDS:
        [reply] = await chat.send(command)
        assert reply.text == NOT_ADMIN, command
    for data in buttons(invitation_id):
        sent = await chat.press_data(data)
        assert sent == [] and chat.notices() == [NOT_ADMIN], data
        assert chat.pushed() == []
    assert snapshot(office.services) == before


async def test_an_admin_of_another_municipality_changes_nothing_in_koeln(office: Office) -> None:
    await office.koeln.send("/invite advisor")
    with office.services.db.session() as session:
        invitation_id = session.scalar(select(func.max(Invitation.id)))
    before = snapshot(office.services)
    [listing] = await office.bonn.send("/users")
    assert f"User {ADVISOR}" not in " ".join(listing.labels)
    [refused] = await office.bonn.send("/invite advisor koeln")
    assert "only invite people to the municipalities you administer" in refused.text
    for data in buttons(invitation_id):
        if data in ("U:l:0", "U:a", "I:r:advisor"):
            continue  # their own list, log and an invitation for Bonn
        await office.bonn.press_data(data)
        assert office.bonn.notices(), data
        assert office.bonn.pushed() == []
    assert snapshot(office.services) == before
    [log] = await office.bonn.press_data("U:a")
    assert "invited someone" not in log.text  # Köln's changes are not Bonn's to see


@pytest.mark.parametrize(
    "change",
    ["role revoked", "only Köln revoked (still admin of Bonn)", "erased with /delete_me"],
)
async def test_an_invitation_stops_working_when_its_inviter_can_no_longer_grant_it(
    office: Office, change: str
) -> None:
    with office.services.db.session() as session:
        grant_role(session, KOELN_ADMIN, "admin", "bonn")
    [made] = await office.koeln.send("/invite advisor koeln")
    payload = link_of(made.text)
    if change == "erased with /delete_me":
        await office.koeln.send("/delete_me")
        await office.koeln.press("🗑")
    else:
        everywhere = change == "role revoked"
        with office.services.db.session() as session:
            revoke_role(session, KOELN_ADMIN, "admin", None if everywhere else "koeln")
    newcomer = office.chat(NEWCOMER)  # type: ignore[operator]
    newcomer.updates.language_code = "de"
    [refused, *_] = await newcomer.send(f"/start {payload}")
    # In the newcomer's language; an erased admin's open invitations went with them.
    code = "unknown" if change == "erased with /delete_me" else "inviter"
    assert refused.text == translator("de")(REDEEM_ERRORS[code])
    assert roles_of(office.services, NEWCOMER) == set()
    assert newcomer.pushed() == []
    with office.services.db.session() as session:
        assert session.scalar(select(func.count()).where(Invitation.used_by.is_not(None))) == 0


async def test_a_superadmins_invitation_still_works(office: Office) -> None:
    [made] = await office.superadmin.send("/invite coach koeln")
    replies = await office.stranger(NEWCOMER).send(f"/start {link_of(made.text)}")
    assert "You are now coach for Köln" in replies[0].text
    assert roles_of(office.services, NEWCOMER) == {("coach", "koeln")}


NOT_FOUND = "This person was not found among the people of your municipalities."


async def test_a_forged_press_naming_an_id_outside_or_unknown_gets_the_same_answer(
    office: Office,
) -> None:
    with office.services.db.session() as session:
        grant_role(session, 600, "advisor", "bonn")  # a person of Bonn only
        set_municipality(session, 600, "bonn")
        set_municipality(session, 601, "bonn")  # a volunteer of Bonn
    before = snapshot(office.services)
    for user_id in (600, 601, 424242, 99999999999999999999):  # outside, and nobody at all
        for data in (
            f"U:p:{user_id}",
            f"U:g:{user_id}:advisor:koeln",
            f"U:g:{user_id}:admin:koeln",
            f"U:r:{user_id}:advisor:koeln",
        ):
            assert await office.koeln.press_data(data) == [], data
            assert office.koeln.notices() == [NOT_FOUND], data
            assert office.koeln.pushed() == []
    assert snapshot(office.services) == before


async def test_a_person_of_the_admins_municipality_is_found_and_changed(office: Office) -> None:
    with office.services.db.session() as session:
        set_municipality(session, 602, "koeln")  # a volunteer who chose Köln
    [person] = await office.koeln.press_data("U:p:602")
    assert "User 602" in person.text and "➕ advisor" in person.labels
    await office.koeln.press("➕ advisor")
    assert roles_of(office.services, 602) == {("advisor", "koeln")}
    # Bonn's admin does not learn of them: the same answer as for nobody.
    await office.bonn.press_data("U:p:602")
    assert office.bonn.notices() == [NOT_FOUND]


async def test_taking_a_persons_only_role_here_goes_back_to_the_list(office: Office) -> None:
    with office.services.db.session() as session:
        grant_role(session, 603, "coach", "koeln")
        set_municipality(session, 603, "bonn")
    await office.koeln.press_data("U:p:603")
    [listing] = await office.koeln.press("✅ coach")
    assert roles_of(office.services, 603) == set()
    assert "Admins: 1" in listing.text and office.koeln.notices() == []
