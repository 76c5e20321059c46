"""One-time, expiring invitations to a role for a municipality, used as a /start deep link.

Only a SHA-256 hash of the code is stored: whoever reads the database cannot use an open
invitation, and a forged code matches nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.admin import audit
from bot.db.models import Invitation, User
from bot.db.retention import delete_due
from bot.users.service import Profile, grant_role, set_municipality, stored_profile

#: The roles an invitation can grant (everyone is a volunteer without one).
INVITABLE = ("advisor", "coach", "admin")
#: A /start payload that is an invitation: the prefix and the code.
PAYLOAD = re.compile(r"^inv-([A-Za-z0-9_-]{16,48})$")


class InvitationError(Exception):
    """Why an invitation cannot be made or used.

    Codes: role (not a role one can be invited to), needs_municipality (an admin invitation
    needs one), not_yours (not a municipality the inviter administers), unknown (forged,
    withdrawn or deleted), used, expired, inviter (its inviter can no longer grant it),
    not_found (nothing to withdraw).
    """

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Created:
    id: int
    payload: str
    role: str
    municipality: str
    expires_at: datetime


@dataclass(frozen=True)
class Redeemed:
    role: str
    municipality: str
    inviter_id: int | None
    new: bool


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def check_inviter(profile: Profile, role: str, municipality: str) -> None:
    """Raise InvitationError unless profile may invite someone to role in municipality."""
    if role not in INVITABLE:
        raise InvitationError("role")
    if not municipality:
        if role == "admin" or not profile.superadmin:
            raise InvitationError("needs_municipality")
        return
    if not profile.manages(municipality):
        raise InvitationError("not_yours")


def create(
    session: Session, profile: Profile, role: str, municipality: str, now: datetime, ttl: timedelta
) -> Created:
    """Make an invitation (after checking the inviter) and log it; return its payload once."""
    check_inviter(profile, role, municipality)
    code = secrets.token_urlsafe(18)
    invitation = Invitation(
        code_hash=_hash(code),
        role=role,
        municipality=municipality,
        created_by=profile.id,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        profile.id,
        "invitation_created",
        municipality=municipality,
        target=role,
        now=now,
    )
    return Created(invitation.id, f"inv-{code}", role, municipality, invitation.expires_at)


def _inviter_may_still(
    session: Session, invitation: Invitation, superadmins: frozenset[int]
) -> bool:
    """Say if the inviter could make this invitation now (still admin there, or superadmin)."""
    if invitation.created_by is None:
        return False
    inviter = stored_profile(session, invitation.created_by, admin_ids=superadmins)
    if inviter is None:
        return False
    try:
        check_inviter(inviter, invitation.role, invitation.municipality)
    except InvitationError:
        return False
    return True


def redeem(
    session: Session,
    user_id: int,
    payload: str,
    now: datetime,
    superadmins: frozenset[int] = frozenset(),
) -> Redeemed:
    """Use an invitation: grant its role once, to this user; raise InvitationError if not.

    The inviter must still hold what the invitation grants (admin of its municipality, or
    a superadmin among `superadmins`) at this moment: a role taken away takes its open
    invitations' power with it.
    """
    match = PAYLOAD.match(payload.strip())
    if match is None:
        raise InvitationError("unknown")
    invitation = session.scalars(
        select(Invitation).where(Invitation.code_hash == _hash(match.group(1)))
    ).first()
    if invitation is None:
        raise InvitationError("unknown")
    if invitation.used_at is not None:
        raise InvitationError("used")
    if invitation.expires_at <= now:
        raise InvitationError("expired")
    if not _inviter_may_still(session, invitation, superadmins):
        raise InvitationError("inviter")
    if session.get(User, user_id) is None:
        session.add(User(id=user_id, active=True))
        session.flush()
    taken = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now, used_by=user_id),
        execution_options={"synchronize_session": False},
    )
    if not taken.rowcount:  # someone else used it a moment ago
        raise InvitationError("used")
    new = grant_role(session, user_id, invitation.role, invitation.municipality)
    if invitation.municipality:
        user = session.get(User, user_id)
        if user is not None and user.municipality is None:
            set_municipality(session, user_id, invitation.municipality)
    audit.record(
        session,
        user_id,
        "invitation_used",
        subject_id=user_id,
        municipality=invitation.municipality,
        target=invitation.role,
        now=now,
    )
    return Redeemed(invitation.role, invitation.municipality, invitation.created_by, new)


def withdraw(session: Session, profile: Profile, invitation_id: int, now: datetime) -> Created:
    """Delete an open invitation the user may manage, so its link no longer works."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise InvitationError("not_found")
    if not (
        invitation.created_by == profile.id or profile.manages(invitation.municipality or None)
    ):
        raise InvitationError("not_yours")
    if invitation.used_at is not None:
        raise InvitationError("used")
    gone = Created(invitation.id, "", invitation.role, invitation.municipality, now)
    session.delete(invitation)
    audit.record(
        session,
        profile.id,
        "invitation_withdrawn",
        municipality=invitation.municipality,
        target=invitation.role,
        now=now,
    )
    return gone


def prune(session: Session, older_than_days: int, now: datetime, limit: int | None = None) -> int:
    """Delete invitations used or expired longer ago than the retention period."""
    cutoff = now - timedelta(days=older_than_days)
    due = or_(Invitation.used_at < cutoff, Invitation.expires_at < cutoff)
    return delete_due(session, Invitation, due, limit)
