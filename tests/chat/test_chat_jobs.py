"""The housekeeping jobs: content changed elsewhere is picked up; old questions are deleted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import refresh_content
from bot.catalog.loader import load_content
from bot.catalog.store import save_content
from bot.chat.context import LotseContext
from bot.db.models import Referral, UnansweredQuestion, utcnow
from bot.privacy.handlers import apply_retention
from bot.services import Services

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"


async def test_the_bot_picks_up_content_imported_by_another_process(services: Services, running):
    app, _ = await running(services)
    assert "durchstarten-bausteine" in services.content.faq
    with services.db.session() as session:
        save_content(session, load_content(FIXTURE), origin="import")
    await refresh_content(LotseContext(app))
    assert set(services.content.faq) == {"durchstarten-wer", "koeln-buendnis"}
    assert services.engine.ask("Bausteine von Durchstarten", "de").answer_id != (
        "durchstarten-bausteine"
    )


async def test_the_retention_job_deletes_old_unanswered_questions(services: Services, running):
    app, _ = await running(services)
    with services.db.session() as session:
        session.add(
            UnansweredQuestion(text="x", lang="de", created_at=utcnow() - timedelta(days=400))
        )
        session.add(UnansweredQuestion(text="y", lang="de"))
    await apply_retention(LotseContext(app))
    with services.db.session() as session:
        assert [q.text for q in session.scalars(select(UnansweredQuestion))] == ["y"]


async def test_the_retention_job_deletes_ended_referrals_and_idle_client_codes(
    services: Services, running
):
    app, _ = await running(services)
    old, recent = utcnow() - timedelta(days=181), utcnow() - timedelta(days=179)
    with services.db.session() as session:
        for code, closed, touched in (
            ("A1", old, old),  # ended long ago
            ("A2", utcnow(), utcnow()),  # ended today
            ("A3", None, recent),  # running, with recent activity
            ("A4", None, old),  # running, but nothing happened for the whole period
        ):
            session.add(
                Referral(
                    offer_id="koeln-coaching-kalk",
                    offer_type="coaching",
                    client_code=code,
                    state="dropped" if closed else "accepted",
                    created_at=old,
                    updated_at=touched,
                    closed_at=closed,
                )
            )
    await apply_retention(LotseContext(app))
    with services.db.session() as session:
        assert sorted(session.scalars(select(Referral.client_code))) == ["A2", "A3"]
