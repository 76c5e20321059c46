"""Find or create users and change their language, municipality and roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import User, UserRole, utcnow

ROLES = ("volunteer", "advisor", "coach", "admin")
#: How often the time a user last used the bot is written (it is kept to the day).
SEEN_STEP = timedelta(hours=12)


@dataclass(frozen=True)
class Profile:
    """What the handlers may know about the person writing: no name, no message history.

    `areas` are the municipalities the user administers; a superadmin (ADMIN_USER_IDS)
    administers all of them and the state-wide content.
    """

    id: int
    language: str
    municipality: str | None
    roles: frozenset[str]
    is_new: bool = False
    language_chosen: bool = True
    areas: frozenset[str] = frozenset()
    superadmin: bool = False

    def has(self, role: str) -> bool:
        return role in self.roles or "admin" in self.roles

    @property
    def is_admin(self) -> bool:
        return self.superadmin or bool(self.areas)

    @property
    def managed(self) -> frozenset[str] | None:
        """The municipalities this user administers; None: all, and state-wide content."""
        return None if self.superadmin else self.areas

    def manages(self, municipality: str | None) -> bool:
        """Say if this user administers `municipality` (None: state-wide, superadmins only)."""
        if self.superadmin:
            return True
        return municipality is not None and municipality in self.areas


def admin_areas(user: User) -> frozenset[str]:
    """Return the municipalities a user holds the admin role for."""
    return frozenset(r.municipality for r in user.roles if r.role == "admin" and r.municipality)


def _profile(
    user: User, default_language: str, is_new: bool = False, superadmin: bool = False
) -> Profile:
    roles = user.role_names | {"admin"} if superadmin else user.role_names
    return Profile(
        id=user.id,
        language=user.language or default_language,
        municipality=user.municipality,
        roles=frozenset(roles),
        is_new=is_new,
        language_chosen=user.language is not None,
        areas=admin_areas(user),
        superadmin=superadmin,
    )


def get_profile(
    session: Session,
    user_id: int,
    *,
    default_language: str,
    admin_ids: frozenset[int] = frozenset(),
    username: str | None = None,
    now: datetime | None = None,
) -> Profile:
    """Return the user's profile, creating the user; ids in admin_ids are superadmins.

    A coach's Telegram username is kept as their handle (offers name coaches by it); nobody
    else's is stored. Using the bot counts as being seen, and answers the question whether
    to stay that a long time without use brings.
    """
    user = session.get(User, user_id)
    is_new = user is None
    if user is None:
        user = User(id=user_id, active=True)
        session.add(user)
    if not user.active:
        user.active = True
    now = now or utcnow()
    if user.last_seen_at is None or now - user.last_seen_at >= SEEN_STEP:
        user.last_seen_at = now
        user.stay_asked_at = None
    handle = username.lower() if username and "coach" in user.role_names else None
    if handle != user.handle:
        if handle is not None:  # usernames move between accounts: the newest holder has it
            session.execute(
                update(User).where(User.handle == handle, User.id != user_id).values(handle=None)
            )
        user.handle = handle
    session.flush()
    return _profile(user, default_language, is_new, superadmin=user_id in admin_ids)


def stored_profile(
    session: Session, user_id: int, *, admin_ids: frozenset[int], default_language: str = "de"
) -> Profile | None:
    """Return a stored user's profile as it is now, without creating or touching the user."""
    user = session.get(User, user_id)
    if user is None:
        return None
    return _profile(user, default_language, superadmin=user_id in admin_ids)


def coach_by_handle(session: Session, handle: str | None) -> int | None:
    """Return the id of the coach whose Telegram username is `handle` ("@name"), if any."""
    name = (handle or "").strip().lstrip("@").lower()
    if not name:
        return None
    user = session.scalars(select(User).where(User.handle == name, User.active.is_(True))).first()
    return user.id if user is not None and "coach" in user.role_names else None


def set_language(session: Session, user_id: int, language: str) -> None:
    """Store the user's chosen language."""
    user = session.get(User, user_id) or User(id=user_id, active=True)
    user.language = language
    session.add(user)


def set_municipality(session: Session, user_id: int, municipality: str | None) -> None:
    """Store the user's municipality (an id from the content)."""
    user = session.get(User, user_id) or User(id=user_id, active=True)
    user.municipality = municipality
    session.add(user)


def grant_role(session: Session, user_id: int, role: str, municipality: str = "") -> bool:
    """Give the user a role for a municipality ("" for none); say if it is new."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = session.get(User, user_id) or User(id=user_id, active=True)
    session.add(user)
    if any(r.role == role and r.municipality == municipality for r in user.roles):
        return False
    user.roles.append(UserRole(role=role, municipality=municipality))
    session.flush()
    return True


def revoke_role(session: Session, user_id: int, role: str, municipality: str | None) -> int:
    """Take a role away (for one municipality, or for all with None); return how many rows."""
    user = session.get(User, user_id)
    if user is None:
        return 0
    gone = [r for r in user.roles if r.role == role and municipality in (None, r.municipality)]
    for row in gone:
        user.roles.remove(row)
    if role == "coach" and gone and "coach" not in user.role_names:
        user.handle = None
    session.flush()
    return len(gone)


def language_of(session: Session, user_id: int, default: str) -> str:
    """Return the language a user chose (the default when they have not or are unknown)."""
    user = session.get(User, user_id)
    return (user.language if user is not None else None) or default
