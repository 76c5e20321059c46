"""Find or create users and change their language, municipality and roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db.models import User, UserRole

ROLES = ("volunteer", "advisor", "coach", "admin")


@dataclass(frozen=True)
class Profile:
    """What the handlers may know about the person writing: no name, no message history."""

    id: int
    language: str
    municipality: str | None
    roles: frozenset[str]
    is_new: bool = False
    language_chosen: bool = True

    def has(self, role: str) -> bool:
        return role in self.roles or "admin" in self.roles


def _profile(user: User, default_language: str, is_new: bool = False) -> Profile:
    return Profile(
        id=user.id,
        language=user.language or default_language,
        municipality=user.municipality,
        roles=user.role_names,
        is_new=is_new,
        language_chosen=user.language is not None,
    )


def get_profile(
    session: Session,
    user_id: int,
    *,
    default_language: str,
    admin_ids: frozenset[int] = frozenset(),
    username: str | None = None,
) -> Profile:
    """Return the user's profile, creating the user (with admin role if configured).

    A coach's Telegram username is kept as their handle (offers name coaches by it); nobody
    else's is stored.
    """
    user = session.get(User, user_id)
    is_new = user is None
    if user is None:
        user = User(id=user_id, active=True)
        session.add(user)
    if user_id in admin_ids and "admin" not in user.role_names:
        user.roles.append(UserRole(role="admin"))
    if not user.active:
        user.active = True
    handle = username.lower() if username and "coach" in user.role_names else None
    if handle != user.handle:
        if handle is not None:  # usernames move between accounts: the newest holder has it
            session.execute(
                update(User).where(User.handle == handle, User.id != user_id).values(handle=None)
            )
        user.handle = handle
    session.flush()
    return _profile(user, default_language, is_new)


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


def grant_role(session: Session, user_id: int, role: str) -> None:
    """Give the user a role (idempotent)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = session.get(User, user_id) or User(id=user_id, active=True)
    session.add(user)
    if role not in user.role_names:
        user.roles.append(UserRole(role=role))


def language_of(session: Session, user_id: int, default: str) -> str:
    """Return the language a user chose (the default when they have not or are unknown)."""
    user = session.get(User, user_id)
    return (user.language if user is not None else None) or default
