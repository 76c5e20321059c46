"""A bot whose every table holds something of one user, for the erasure and export tests.

The user (USER, an advisor in Köln) asked questions, was invited, changed content, handed a
question to a person and answered another, referred people and was referred to as a coach,
created appointments and takes part in one; the statistics and content are filled too.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.appointments import service as appointments
from bot.db.models import (
    AuditEntry,
    Base,
    CheckStat,
    ContentEntryVersion,
    Handover,
    Invitation,
    OfferMiss,
    Referral,
    SearchStat,
)
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality

USER, COACH, KOELN_ADMIN, VOLUNTEER = 770077007, 770000002, 770000003, 770000004
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KALK = "koeln-coaching-kalk"


def _referral(advisor: int | None, coach: int | None, code: str, municipality: str, **kw: Any):
    return Referral(
        offer_id=KALK,
        offer_type="coaching",
        municipality=municipality,
        client_code=code,
        advisor_id=advisor,
        coach_id=coach,
        note=kw.pop("note", None),
        state=kw.pop("state", "accepted"),
        created_at=NOW,
        updated_at=NOW,
        **kw,
    )


def fill(services: Services) -> dict[str, int]:
    """Give every table rows that involve USER (where a table can); return the appointment ids."""
    tz = services.settings.tz
    with services.db.session() as session:
        for user_id, role in ((USER, "advisor"), (COACH, "coach"), (KOELN_ADMIN, "admin")):
            grant_role(session, user_id, role, "koeln")
            set_language(session, user_id, "de")
            set_municipality(session, user_id, "koeln")
        grant_role(session, USER, "coach", "koeln")
        set_language(session, VOLUNTEER, "ar")
        session.flush()  # the users first: the rows below refer to them
        later = NOW + timedelta(days=3)
        session.add_all(
            [
                Invitation(code_hash="a" * 64, role="advisor", municipality="koeln",
                           created_by=KOELN_ADMIN, expires_at=later, used_at=NOW, used_by=USER),
                Invitation(code_hash="b" * 64, role="coach", municipality="koeln",
                           created_by=USER, expires_at=later),
                AuditEntry(at=NOW, actor_id=KOELN_ADMIN, action="role_granted",
                           subject_id=USER, municipality="koeln", target="advisor"),
                AuditEntry(at=NOW, actor_id=USER, action="content_changed",
                           municipality="koeln", target="faq:koeln-teilnahme"),
                ContentEntryVersion(kind="faq", entry_id="koeln-teilnahme", number=99,
                                    data={"id": "koeln-teilnahme"}, action="changed",
                                    origin="edit", author_id=USER),
                Handover(asker_id=USER, question="Wer hilft beim Jobcenter?", lang="de",
                         municipality="koeln", share_identity=True, state="open"),
                Handover(asker_id=VOLUNTEER, question="متى يبدأ الكورس؟", lang="ar",
                         municipality="koeln", state="answered", taken_by=USER,
                         answer="Im Januar.", answered_at=NOW),
                _referral(USER, COACH, "A17", "koeln", note="braucht Abendkurs"),
                _referral(USER, None, "B22", "bielefeld", state="contacted_outside"),
                _referral(KOELN_ADMIN, USER, "C33", "koeln"),
                CheckStat(day=NOW.date(), municipality="koeln", program="durchstarten",
                          result="yes", count=3),
                SearchStat(day=NOW.date(), municipality="koeln", offer_type="coaching", count=2),
                OfferMiss(day=NOW.date(), municipality="koeln", offer_type="course",
                          status="duldung", age_group="18-20", count=1),
            ]
        )  # fmt: skip
        session.flush()
        referral = session.scalar(select(Referral.id).where(Referral.client_code == "A17"))
        shared = appointments.create(
            session,
            appointments.Draft(NOW + timedelta(days=2), "Jobcenter", client_code="A17",
                               referral_id=referral),
            [COACH], by=USER, now=NOW, tz=tz,
        )  # fmt: skip
        alone = appointments.create(
            session, appointments.Draft(NOW + timedelta(days=4), "Vorbereitung"), [],
            by=USER, now=NOW, tz=tz,
        )  # fmt: skip
        invited = appointments.create(
            session, appointments.Draft(NOW + timedelta(days=5), "Kursbeginn"), [USER],
            by=COACH, now=NOW, tz=tz,
        )  # fmt: skip
        return {"shared": shared.id, "alone": alone.id, "invited": invited.id}


def rows_of(services: Services) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the metadata, as dicts."""
    with services.db.session() as session:
        return {
            table.name: [
                dict(row)
                for row in session.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in Base.metadata.sorted_tables
        }


def mentions(value: Any, user_id: int) -> bool:
    """Say whether a stored value refers to the user id (as a number, or inside text/JSON)."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return value == user_id
    if isinstance(value, datetime | date):
        return False
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return str(user_id) in text
