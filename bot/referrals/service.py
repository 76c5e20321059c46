"""Referrals: create them, move them through their states, count places, keep the history.

No telegram import. Every look and change checks who asks (the referral's coach, its
advisor, an admin of its municipality: the rules below, `may_see` to `may_schedule`, are the
only place that says so) and the state it is in; taking a place checks the offer's capacity
with the other referrals for that offer locked out (a PostgreSQL advisory lock per offer;
SQLite has one writer at a time), so the last place is never given twice.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from bot.catalog.schema import Content, Offer
from bot.db.models import Appointment, Referral, utcnow
from bot.db.retention import delete_due

REQUESTED, ACCEPTED, DECLINED = "requested", "accepted", "declined"
STARTED, COMPLETED, DROPPED = "started", "completed", "dropped"
WITHDRAWN, OUTSIDE = "withdrawn", "contacted_outside"
#: States in which the referral is still running, and those that hold one of the places.
OPEN = (REQUESTED, ACCEPTED, STARTED)
HOLDS_PLACE = (ACCEPTED, STARTED)
#: What each action does: (state before, action) -> (state after, who may do it).
MOVES = {
    (REQUESTED, "accept"): (ACCEPTED, "coach"),
    (REQUESTED, "decline"): (DECLINED, "coach"),
    (ACCEPTED, "start"): (STARTED, "coach"),
    (ACCEPTED, "drop"): (DROPPED, "coach"),
    (STARTED, "complete"): (COMPLETED, "coach"),
    (STARTED, "drop"): (DROPPED, "coach"),
    (REQUESTED, "withdraw"): (WITHDRAWN, "advisor"),
}
ACTIONS = tuple(dict.fromkeys(action for _, action in MOVES))
#: How far back a client code's history is looked at for "Maßnahme-Karrieren".
HISTORY_DAYS = 365
#: This many dropped referrals in that time (or one open of the same type) earn a warning.
DROPPED_WARNING = 2
#: The namespace of the PostgreSQL advisory locks that guard an offer's places.
LOCK_SPACE = 0x4C07


class ReferralError(Exception):
    """A change that cannot be made: not_found, not_allowed, moved, full, ended."""

    def __init__(self, code: str, referral: Referral | None = None):
        super().__init__(code)
        self.code, self.referral = code, referral


@dataclass(frozen=True)
class Actor:
    """Who presses: their user id, roles (read afresh) and the municipalities they administer."""

    id: int
    roles: frozenset[str]
    #: The municipalities the actor administers; None: all of them (a superadmin).
    managed: frozenset[str] | None = frozenset()


def _lock_offer(session: Session, offer_id: str) -> None:
    """Keep other transactions from counting this offer's places until this one ends."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(offer_id.encode()) - 2**31  # a signed 32-bit int
        lock = text("SELECT pg_advisory_xact_lock(:space, :key)")
        session.execute(lock, {"space": LOCK_SPACE, "key": key})


def taken(session: Session, offer_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Return how many places accepted and started referrals hold, per offer."""
    query = select(Referral.offer_id, func.count()).where(Referral.state.in_(HOLDS_PLACE))
    if offer_ids is not None:
        query = query.where(Referral.offer_id.in_(list(offer_ids)))
    return {offer: count for offer, count in session.execute(query.group_by(Referral.offer_id))}


def places_left(content: Content, held: dict[str, int]) -> dict[str, int]:
    """Return the places left of every offer with a capacity that has referrals holding places."""
    return {
        offer_id: max(content.offers[offer_id].capacity - count, 0)  # type: ignore[operator]
        for offer_id, count in held.items()
        if offer_id in content.offers and content.offers[offer_id].capacity is not None
    }


def free_places(session: Session, offer: Offer) -> int | None:
    """Return the places left of one offer (None: no limit)."""
    if offer.capacity is None:
        return None
    return max(offer.capacity - taken(session, [offer.id]).get(offer.id, 0), 0)


def create(
    session: Session,
    *,
    offer: Offer,
    client_code: str,
    advisor_id: int,
    coach_id: int | None,
    note: str | None,
    on: date,
    now: datetime | None = None,
) -> Referral:
    """Store a referral: requested when the coach uses Lotse, else kept as contacted outside.

    Refused (ReferralError) when the offer has ended or has no place left.
    """
    if offer.ends is not None and offer.ends < on:
        raise ReferralError("ended")
    if free_places(session, offer) == 0:
        raise ReferralError("full")
    now = now or utcnow()
    state = REQUESTED if coach_id is not None else OUTSIDE
    referral = Referral(
        offer_id=offer.id,
        offer_type=offer.type,
        municipality=offer.municipality,
        client_code=client_code,
        advisor_id=advisor_id,
        coach_id=coach_id,
        note=note or None,
        state=state,
        created_at=now,
        updated_at=now,
        closed_at=now if state == OUTSIDE else None,
    )
    session.add(referral)
    session.flush()
    return referral


def give_up(session: Session, referral_id: int, now: datetime | None = None) -> Referral:
    """Keep a referral the coach could not be reached for as contacted outside Lotse."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise ReferralError("not_found")
    now = now or utcnow()
    referral.state, referral.coach_id = OUTSIDE, None
    referral.updated_at = referral.closed_at = now
    session.flush()
    return referral


def may_refer(actor: Actor) -> bool:
    """Advisors and coaches refer people (admins as advisors of their own referrals)."""
    return bool({"advisor", "coach", "admin"} & actor.roles)


def _side(referral: Referral, actor: Actor, who: str) -> bool:
    """Say if the actor is the referral's coach or advisor (`who`) and still holds that role."""
    if who == "coach":
        return actor.id == referral.coach_id and "coach" in actor.roles
    return actor.id == referral.advisor_id and bool({"advisor", "admin"} & actor.roles)


def administers(referral: Referral, actor: Actor) -> bool:
    """Say if the actor is an admin of the referral's municipality (a superadmin: of all).

    A referral without a municipality (its offer is for all of NRW) belongs to no
    municipality's admins: only superadmins administer it, or every admin in NRW could
    read its client code and note.
    """
    if "admin" not in actor.roles:
        return False
    if actor.managed is None:
        return True
    return referral.municipality is not None and referral.municipality in actor.managed


def may_see(referral: Referral, actor: Actor) -> bool:
    """Its advisor, its coach and the admins of its municipality may see a referral."""
    return any(_side(referral, actor, who) for who in ("advisor", "coach")) or administers(
        referral, actor
    )


def may(referral: Referral, actor: Actor, action: str) -> bool:
    """Say if the actor may apply `action` (its coach's or advisor's; its admins' too)."""
    who = next((w for (_, a), (_, w) in MOVES.items() if a == action), None)
    if who is None:
        return False
    return _side(referral, actor, who) or administers(referral, actor)


def may_write(referral: Referral, actor: Actor, to_coach: bool) -> bool:
    """Say if the actor may write to the other side: the advisor to the coach, or back."""
    return _side(referral, actor, "advisor" if to_coach else "coach")


def may_schedule(referral: Referral, actor: Actor) -> bool:
    """Its advisor and coach (not its admins) schedule appointments for a referral."""
    return any(_side(referral, actor, who) for who in ("advisor", "coach"))


def get(session: Session, referral_id: int, actor: Actor) -> Referral:
    """Return a referral the actor may see (ReferralError not_found / not_allowed)."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise ReferralError("not_found")
    if not may_see(referral, actor):
        raise ReferralError("not_allowed")
    return referral


def move(
    session: Session,
    referral_id: int,
    action: str,
    actor: Actor,
    content: Content,
    now: datetime | None = None,
) -> Referral:
    """Apply an action (accept, decline, start, complete, drop, withdraw) to a referral.

    Raises ReferralError: not_found, not_allowed (not theirs), moved (the state no longer
    allows it; `referral` tells the state), full (accepting the offer's last place twice).
    """
    offer_id = session.scalar(select(Referral.offer_id).where(Referral.id == referral_id))
    if offer_id is None:
        raise ReferralError("not_found")
    _lock_offer(session, offer_id)
    now = now or utcnow()
    # Touch the row first: a row lock on PostgreSQL, the write lock on SQLite.
    session.execute(
        update(Referral).where(Referral.id == referral_id).values(updated_at=Referral.updated_at),
        execution_options={"synchronize_session": False},
    )
    referral = session.get(Referral, referral_id, populate_existing=True)
    if referral is None:
        raise ReferralError("not_found")
    step = MOVES.get((referral.state, action))
    if not may(referral, actor, action):
        raise ReferralError("not_allowed", referral)
    if step is None:
        raise ReferralError("moved", referral)
    if step[0] == ACCEPTED:
        offer = content.offers.get(referral.offer_id)
        held = taken(session, [referral.offer_id]).get(referral.offer_id, 0)
        if offer is not None and offer.capacity is not None and held >= offer.capacity:
            raise ReferralError("full", referral)
    referral.state, referral.updated_at = step[0], now
    if step[0] not in OPEN:
        referral.closed_at = now
    session.flush()
    return referral


def history(
    session: Session, advisor_id: int, client_code: str, now: datetime | None = None
) -> list[Referral]:
    """Return the advisor's referrals of this client code in the last year, newest first."""
    since = (now or utcnow()) - timedelta(days=HISTORY_DAYS)
    query = (
        select(Referral)
        .where(
            Referral.advisor_id == advisor_id,
            Referral.client_code == client_code,
            or_(
                Referral.created_at >= since,
                Referral.closed_at >= since,
                Referral.state.in_(OPEN),
            ),
        )
        .order_by(Referral.created_at.desc(), Referral.id.desc())
    )
    return list(session.scalars(query))


def needs_warning(past: Sequence[Referral], offer_type: str) -> bool:
    """A "Maßnahme-Karriere" may be building up: two dropped, or one of this type still open."""
    dropped = sum(1 for r in past if r.state == DROPPED)
    open_same = any(r.state in OPEN and r.offer_type == offer_type for r in past)
    return dropped >= DROPPED_WARNING or open_same


def listing(session: Session, actor: Actor) -> list[Referral]:
    """Return the referrals the user made or handles: open ones first, newest first.

    Only their own, and only while they hold the role (`may_see`): an admin's list is theirs
    too, never their municipality's or another's.
    """
    query = select(Referral).where(
        or_(Referral.advisor_id == actor.id, Referral.coach_id == actor.id)
    )
    found = session.scalars(query.order_by(Referral.updated_at.desc(), Referral.id.desc()))
    own = [r for r in found if may_see(r, actor)]
    return sorted(own, key=lambda r: r.state not in OPEN)


def prune(
    session: Session, older_than_days: int, now: datetime | None = None, limit: int | None = None
) -> int:
    """Delete what the retention period is over for; return how many referrals.

    That is referrals that ended longer ago, and every referral of a client code (an
    advisor's) that has seen no activity for as long: no referral of the code changed and
    no appointment for it since.
    """
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    same = aliased(Referral)
    active = select(same.id).where(
        same.advisor_id == Referral.advisor_id,
        same.client_code == Referral.client_code,
        same.updated_at >= cutoff,
    )
    booked = select(Appointment.id).where(
        Appointment.created_by == Referral.advisor_id,
        Appointment.client_code == Referral.client_code,
        Appointment.starts_at >= cutoff,
    )
    ended = and_(Referral.closed_at.is_not(None), Referral.closed_at < cutoff)
    idle = and_(Referral.updated_at < cutoff, ~active.exists(), ~booked.exists())
    return delete_due(session, Referral, or_(ended, idle), limit)
