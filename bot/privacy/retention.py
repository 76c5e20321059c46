"""How long each kind of data is kept, and the daily run that deletes what is due.

Every table of the metadata is either pruned by a rule here (with its setting and the
slice's prune function) or listed in KEPT with the reason it holds nothing that expires;
a test makes sure no table is left out. Users who have not used the bot for a long time
are asked once whether they want to stay and erased if they do not answer in time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.admin import audit
from bot.admin.invitations import prune as prune_invitations
from bot.answers.unanswered import prune_unanswered
from bot.appointments.service import prune as prune_appointments
from bot.appointments.service import prune_agendas
from bot.config import Settings
from bot.db.models import User
from bot.db.session import Database
from bot.handover.service import prune as prune_handovers
from bot.privacy.erasure import Erasure, erase_user
from bot.referrals.service import prune as prune_referrals

#: Rows deleted in one transaction: a long run never holds locks for long.
BATCH = 500


@dataclass(frozen=True)
class Rule:
    """A kind of data, the setting that says how many days it is kept, and its pruning."""

    name: str
    setting: str
    prune: Callable[..., int]
    tables: tuple[str, ...]


RULES = (
    Rule("unanswered questions", "unanswered_retention_days", prune_unanswered,
         ("unanswered_questions",)),
    Rule("referrals", "referral_retention_days", prune_referrals, ("referrals",)),
    Rule("appointments", "appointment_retention_days", prune_appointments,
         ("appointments", "appointment_participants", "reminders")),
    Rule("morning agendas", "appointment_retention_days", prune_agendas, ()),
    Rule("invitations", "invitation_retention_days", prune_invitations, ("invitations",)),
    Rule("audit entries", "audit_retention_days", audit.prune, ("audit_log",)),
    Rule("questions asked of a person", "handover_retention_days", prune_handovers,
         ("handovers",)),
)  # fmt: skip
#: Tables no rule prunes, and why.
KEPT = {
    "users": "a profile lives while it is used; see the inactive-user rule",
    "user_roles": "part of the profile",
    "content_versions": "published content, no personal data",
    "content_entries": "published content, no personal data",
    "content_translations": "published content, no personal data",
    "content_entry_versions": "the content's history; authors are forgotten with the user",
    "check_stats": "anonymous counts",
    "question_stats": "anonymous counts",
    "search_stats": "anonymous counts",
    "offer_misses": "anonymous counts",
}


@dataclass
class Outcome:
    """What one run did: deleted rows per kind, users asked, users erased."""

    deleted: dict[str, int] = field(default_factory=dict)
    to_ask: list[tuple[int, str | None]] = field(default_factory=list)
    erased: list[Erasure] = field(default_factory=list)


def prune_all(db: Database, settings: Settings, now: datetime, batch: int = BATCH) -> dict:
    """Delete what every rule says is due, a batch per transaction; return counts per kind."""
    deleted = {}
    for rule in RULES:
        days, total = getattr(settings, rule.setting), 0
        while True:
            with db.session() as session:
                done = rule.prune(session, days, now, limit=batch)
            total += done
            if done < batch:
                break
        deleted[rule.name] = total
    return deleted


def idle_users(session: Session, settings: Settings, now: datetime) -> list[tuple[int, str | None]]:
    """Mark users unseen for too long as asked whether to stay; return (id, language)."""
    cutoff = now - timedelta(days=settings.user_inactive_days)
    users = session.scalars(
        select(User)
        .where(User.last_seen_at < cutoff, User.stay_asked_at.is_(None))
        .where(User.id.not_in(settings.admin_user_ids or {0}))
        .order_by(User.id)
    ).all()
    for user in users:
        user.stay_asked_at = now
    return [(user.id, user.language) for user in users]


def unanswered_users(session: Session, settings: Settings, now: datetime) -> list[int]:
    """Users asked whether to stay who did not answer (nor use the bot) in time."""
    cutoff = now - timedelta(days=settings.user_confirm_days)
    return list(
        session.scalars(
            select(User.id)
            .where(User.stay_asked_at.is_not(None), User.stay_asked_at < cutoff)
            .where(or_(User.last_seen_at.is_(None), and_(User.last_seen_at <= User.stay_asked_at)))
            .order_by(User.id)
        )
    )


def run(db: Database, settings: Settings, now: datetime, batch: int = BATCH) -> Outcome:
    """Apply every retention period once: prune, erase who did not answer, find whom to ask."""
    outcome = Outcome(deleted=prune_all(db, settings, now, batch))
    with db.session() as session:
        leaving = unanswered_users(session, settings, now)
    for user_id in leaving:
        with db.session() as session:  # one erasure, one transaction
            outcome.erased.append(erase_user(session, user_id, now))
    with db.session() as session:
        outcome.to_ask = idle_users(session, settings, now)
    outcome.deleted["inactive users"] = len(leaving)
    return outcome
