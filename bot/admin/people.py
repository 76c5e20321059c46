"""Who holds which role in an admin's municipalities, and changing or revoking it (logged)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from bot.admin import audit
from bot.db.models import User, UserRole
from bot.users.service import Profile, grant_role, revoke_role

#: The roles an admin hands out or takes back, in the order they are listed.
MANAGED_ROLES = ("admin", "advisor", "coach")


class PeopleError(Exception):
    """Why a role cannot be changed. Codes: role, not_yours, not_found, own_admin, superadmin.

    not_found stands for a user who does not exist and for one outside the admin's
    municipalities alike: no admin learns whether an arbitrary Telegram id uses Lotse.
    """

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Holder:
    user_id: int
    role: str
    municipality: str


@dataclass(frozen=True)
class Person:
    user_id: int
    municipality: str | None
    #: (role, municipality) pairs the viewing admin may see.
    roles: tuple[tuple[str, str], ...]
    active: bool


def _visible(areas: frozenset[str] | None):
    if areas is None:
        return true()
    return UserRole.municipality.in_(sorted(areas))


def holders(session: Session, areas: frozenset[str] | None) -> list[Holder]:
    """Return everyone with a role in `areas` (None: all), by role, municipality and id."""
    rows = session.execute(
        select(UserRole.user_id, UserRole.role, UserRole.municipality)
        .where(_visible(areas), UserRole.role.in_(MANAGED_ROLES))
        .order_by(UserRole.role, UserRole.municipality, UserRole.user_id)
    )
    return [Holder(*row) for row in rows]


def volunteers(session: Session, areas: frozenset[str] | None) -> int:
    """Count the users in `areas` (None: all) who hold no role: the volunteers."""
    with_role = select(UserRole.user_id).where(UserRole.role.in_(MANAGED_ROLES))
    query = select(func.count()).select_from(User).where(User.id.not_in(with_role))
    if areas is not None:
        query = query.where(User.municipality.in_(sorted(areas)))
    return session.scalar(query) or 0


def person(session: Session, user_id: int, areas: frozenset[str] | None) -> Person | None:
    """Return a user as the admin of `areas` may see them, or None if not theirs to see.

    This is the one rule of who is in an admin's municipalities: a role there, or living
    there (a superadmin's, `areas` None: everyone). Unknown and outside are both None.
    """
    if not 0 < user_id < 2**63:  # no Telegram id (and none a BIGINT column could hold)
        return None
    user = session.get(User, user_id)
    if user is None:
        return None
    roles = tuple(
        sorted(
            (r.role, r.municipality)
            for r in user.roles
            if r.role in MANAGED_ROLES and (areas is None or r.municipality in areas)
        )
    )
    if not roles and not (areas is None or user.municipality in areas):
        return None
    return Person(user.id, user.municipality, roles, user.active)


def change(
    session: Session,
    actor: Profile,
    user_id: int,
    role: str,
    municipality: str,
    grant: bool,
    now: datetime,
    superadmins: frozenset[int] = frozenset(),
) -> bool:
    """Grant or revoke role in municipality for user_id; log it; say if anything changed."""
    if role not in MANAGED_ROLES:
        raise PeopleError("role")
    if not actor.manages(municipality or None) and not (actor.superadmin and not municipality):
        raise PeopleError("not_yours")
    if person(session, user_id, actor.managed) is None:
        raise PeopleError("not_found")
    if user_id in superadmins:
        raise PeopleError("superadmin")
    if user_id == actor.id and role == "admin" and not grant:
        raise PeopleError("own_admin")
    if grant:
        changed = grant_role(session, user_id, role, municipality)
    else:
        changed = bool(revoke_role(session, user_id, role, municipality))
    if changed:
        audit.record(
            session,
            actor.id,
            "role_granted" if grant else "role_revoked",
            subject_id=user_id,
            municipality=municipality,
            target=role,
            now=now,
        )
    return changed


def admin_languages(
    session: Session, superadmins: frozenset[int], default: str
) -> list[tuple[int, str]]:
    """Return (user id, language) of every admin and superadmin who uses Lotse."""
    admins = set(session.scalars(select(UserRole.user_id).where(UserRole.role == "admin")))
    rows = session.execute(
        select(User.id, User.language).where(User.id.in_(sorted(admins | set(superadmins))))
    )
    return [(user_id, lang or default) for user_id, lang in rows]


def is_admin(session: Session, user_id: int, superadmins: frozenset[int]) -> bool:
    """Say if a user administers any municipality (or is a superadmin)."""
    if user_id in superadmins:
        return True
    found = session.scalar(
        select(UserRole.user_id).where(UserRole.user_id == user_id, UserRole.role == "admin")
    )
    return found is not None


@dataclass(frozen=True)
class Author:
    """Who made a change, as an admin of `areas` may see them: roles there and a handle."""

    user_id: int
    roles: tuple[tuple[str, str], ...]
    handle: str | None
    superadmin: bool = False


def authors(
    session: Session,
    user_ids: set[int],
    areas: frozenset[str] | None,
    superadmins: frozenset[int] = frozenset(),
) -> dict[int, Author]:
    """Return the authors of changes by id: their roles in `areas` (None: all), handle."""
    if not user_ids:
        return {}
    roles: dict[int, list[tuple[str, str]]] = {user_id: [] for user_id in user_ids}
    query = (
        select(UserRole.user_id, UserRole.role, UserRole.municipality)
        .where(UserRole.user_id.in_(sorted(user_ids)), _visible(areas))
        .order_by(UserRole.role, UserRole.municipality)
    )
    for user_id, role, municipality in session.execute(query):
        roles[user_id].append((role, municipality))
    query_handles = select(User.id, User.handle).where(User.id.in_(sorted(user_ids)))
    handles = {user_id: handle for user_id, handle in session.execute(query_handles)}
    return {
        user_id: Author(user_id, tuple(held), handles.get(user_id), user_id in superadmins)
        for user_id, held in roles.items()
    }
