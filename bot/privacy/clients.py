"""A client code's records (GDPR Art. 15 and 17 for the young people advisors support).

A client code belongs to the advisor who chose it; coaches see the referrals they received
under it and the appointments they share. Only its advisor may erase it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from bot.db.models import Appointment, Participant, Referral


@dataclass
class Records:
    """What one user may see of a client code, and whether they own it."""

    referrals: list[Referral] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    owner: bool = False

    @property
    def empty(self) -> bool:
        return not self.referrals and not self.appointments


def records(session: Session, user_id: int, code: str) -> Records:
    """Return the referrals and appointments of `code` that the user works with."""
    referrals = list(
        session.scalars(
            select(Referral)
            .where(
                Referral.client_code == code,
                or_(Referral.advisor_id == user_id, Referral.coach_id == user_id),
            )
            .order_by(Referral.created_at, Referral.id)
        )
    )
    mine = select(Participant.appointment_id).where(Participant.user_id == user_id)
    appointments = list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.client_code == code,
                or_(Appointment.created_by == user_id, Appointment.id.in_(mine)),
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )
    owner = any(r.advisor_id == user_id for r in referrals) or any(
        a.created_by == user_id for a in appointments
    )
    return Records(referrals, appointments, owner)


def erase(session: Session, user_id: int, code: str) -> Records:
    """Delete the advisor's referrals of `code` and the appointments for them; return them.

    Appointments go too when the advisor created them for the code or they were made from
    one of its referrals. The returned records say whom to tell.
    """
    referrals = list(
        session.scalars(
            select(Referral).where(Referral.client_code == code, Referral.advisor_id == user_id)
        )
    )
    ids = [r.id for r in referrals]
    appointments = list(
        session.scalars(
            select(Appointment).where(
                or_(
                    (Appointment.client_code == code) & (Appointment.created_by == user_id),
                    Appointment.referral_id.in_(ids),
                )
            )
        )
    )
    for appointment in appointments:
        appointment.participants  # noqa: B018 (loaded for the messages to the others)
    session.execute(delete(Appointment).where(Appointment.id.in_([a.id for a in appointments])))
    session.execute(delete(Referral).where(Referral.id.in_(ids)))
    return Records(referrals, appointments, owner=bool(referrals or appointments))
