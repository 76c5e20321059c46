"""Invitations, roles and the audit log in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.admin import audit, invitations, people
from bot.db.migrate import upgrade
from bot.db.models import AuditEntry, Invitation, User
from bot.db.session import Database
from bot.users.service import Profile, get_profile, grant_role, revoke_role

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
KOELN = Profile(
    id=1,
    language="de",
    municipality="koeln",
    roles=frozenset({"admin"}),
    areas=frozenset({"koeln"}),
)
SUPER = Profile(id=2, language="de", municipality=None, roles=frozenset({"admin"}), superadmin=True)


@pytest.fixture
def db(database_url: str) -> Database:
    upgrade(database_url)
    database = Database(database_url)
    with database.session() as session:
        grant_role(session, 1, "admin", "koeln")
        session.add(User(id=2, active=True))
    return database


def test_an_invitation_is_used_once_and_only_its_hash_is_stored(db: Database) -> None:
    with db.session() as session:
        made = invitations.create(session, KOELN, "advisor", "koeln", NOW, DAY)
    with db.session() as session:
        stored = session.scalars(select(Invitation)).one()
        assert made.payload.removeprefix("inv-") not in stored.code_hash
        done = invitations.redeem(session, 7, made.payload, NOW + timedelta(hours=1))
    assert (done.role, done.municipality, done.inviter_id, done.new) == (
        "advisor",
        "koeln",
        1,
        True,
    )
    with db.session() as session:
        profile = get_profile(session, 7, default_language="de")
        assert profile.roles == {"advisor"} and profile.municipality == "koeln"
        with pytest.raises(invitations.InvitationError) as used:
            invitations.redeem(session, 8, made.payload, NOW)
    assert used.value.code == "used"


@pytest.mark.parametrize(
    ("payload", "code"),
    [("inv-" + "A" * 24, "unknown"), ("hello", "unknown"), ("inv-short", "unknown")],
)
def test_forged_codes_are_unknown(db: Database, payload: str, code: str) -> None:
    with db.session() as session, pytest.raises(invitations.InvitationError) as error:
        invitations.redeem(session, 7, payload, NOW)
    assert error.value.code == code


def test_an_expired_invitation_grants_nothing(db: Database) -> None:
    with db.session() as session:
        made = invitations.create(session, KOELN, "coach", "koeln", NOW, DAY)
    with db.session() as session, pytest.raises(invitations.InvitationError) as error:
        invitations.redeem(session, 7, made.payload, NOW + DAY)
    assert error.value.code == "expired"
    with db.session() as session:
        assert session.get(User, 7) is None


@pytest.mark.parametrize(
    ("profile", "role", "municipality", "code"),
    [
        (KOELN, "volunteer", "koeln", "role"),
        (KOELN, "advisor", "bonn", "not_yours"),
        (KOELN, "advisor", "", "needs_municipality"),
        (SUPER, "admin", "", "needs_municipality"),
    ],
)
def test_who_may_invite_whom(db, profile, role, municipality, code) -> None:
    with db.session() as session, pytest.raises(invitations.InvitationError) as error:
        invitations.create(session, profile, role, municipality, NOW, DAY)
    assert error.value.code == code
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Invitation)) == 0


@pytest.mark.parametrize(
    ("change", "works"),
    [
        ("nothing", True),
        ("admin of Köln revoked", False),
        ("admin of Köln revoked, still admin of Bonn", False),
        ("erased", False),
    ],
)
def test_an_invitation_works_only_while_its_inviter_may_still_grant_it(
    db: Database, change: str, works: bool
) -> None:
    with db.session() as session:
        grant_role(session, 1, "admin", "bonn")
        made = invitations.create(session, KOELN, "advisor", "koeln", NOW, DAY)
    with db.session() as session:
        if change.startswith("admin of Köln revoked"):
            revoke_role(session, 1, "admin", "koeln" if "Bonn" in change else None)
        elif change == "erased":
            session.delete(session.get(User, 1))
    with db.session() as session:
        if works:
            assert invitations.redeem(session, 7, made.payload, NOW).role == "advisor"
            return
        with pytest.raises(invitations.InvitationError) as error:
            invitations.redeem(session, 7, made.payload, NOW)
    assert error.value.code in ("inviter", "unknown")  # an erased inviter's go with them
    with db.session() as session:
        assert session.get(User, 7) is None or not session.get(User, 7).roles
        assert session.scalar(select(Invitation.used_by)) is None


def test_a_superadmins_invitation_works_while_they_are_one(db: Database) -> None:
    with db.session() as session:
        made = invitations.create(session, SUPER, "advisor", "", NOW, DAY)
        other = invitations.create(session, SUPER, "coach", "koeln", NOW, DAY)
    with db.session() as session:
        assert invitations.redeem(session, 7, made.payload, NOW, frozenset({2})).role == "advisor"
    with db.session() as session, pytest.raises(invitations.InvitationError) as error:
        invitations.redeem(session, 8, other.payload, NOW, frozenset())  # no longer configured
    assert error.value.code == "inviter"


def test_a_superadmin_invites_anywhere_and_state_wide(db: Database) -> None:
    with db.session() as session:
        invitations.create(session, SUPER, "admin", "bonn", NOW, DAY)
        invitations.create(session, SUPER, "advisor", "", NOW, DAY)
        assert session.scalar(select(func.count()).select_from(Invitation)) == 2


def test_used_and_expired_invitations_and_old_audit_entries_are_pruned(db: Database) -> None:
    with db.session() as session:
        used = invitations.create(session, KOELN, "advisor", "koeln", NOW, DAY)
        invitations.create(session, KOELN, "advisor", "koeln", NOW, DAY)
        invitations.create(session, KOELN, "advisor", "koeln", NOW + 40 * DAY, DAY)
        invitations.redeem(session, 7, used.payload, NOW)
    with db.session() as session:
        assert invitations.prune(session, 30, NOW + 32 * DAY) == 2
        assert audit.prune(session, 365, NOW + 364 * DAY) == 0
        assert audit.prune(session, 365, NOW + 366 * DAY) == 3
        assert audit.prune(session, 365, NOW + 406 * DAY) == 1
        assert session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_role_changes_are_checked_and_logged(db: Database) -> None:
    with db.session() as session:
        grant_role(session, 7, "advisor", "koeln")
        grant_role(session, 8, "advisor", "bonn")
        assert people.change(session, KOELN, 7, "coach", "koeln", True, NOW)
        assert not people.change(session, KOELN, 7, "coach", "koeln", True, NOW)
        assert people.change(session, KOELN, 7, "advisor", "koeln", False, NOW)
        for args, code in (
            ((7, "coach", "bonn", True), "not_yours"),
            ((1, "admin", "koeln", False), "own_admin"),
            ((7, "boss", "koeln", True), "role"),
            ((99, "coach", "koeln", True), "not_found"),  # nobody with this id
            ((8, "coach", "koeln", True), "not_found"),  # somebody, but in Bonn: the same
        ):
            with pytest.raises(people.PeopleError) as error:
                people.change(session, KOELN, *args, NOW)
            assert error.value.code == code
    with db.session() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["role_granted", "role_revoked"]
        assert [h.user_id for h in people.holders(session, frozenset({"koeln"}))] == [1, 7]
        assert [h.user_id for h in people.holders(session, frozenset({"bonn"}))] == [8]
        assert [e.action for e in audit.about(session, 7)] == ["role_granted", "role_revoked"]


def test_an_erased_user_leaves_the_action_in_the_log_without_their_id(db: Database) -> None:
    with db.session() as session:
        grant_role(session, 7, "advisor", "koeln")
        people.change(session, KOELN, 7, "coach", "koeln", True, NOW)
    with db.session() as session:
        session.delete(session.get(User, 7))
    with db.session() as session:
        [entry] = session.scalars(select(AuditEntry)).all()
        assert (entry.action, entry.subject_id, entry.actor_id) == ("role_granted", None, 1)
