"""Start-up: migrate, load the shipped content once, and pick up content changed elsewhere."""

from __future__ import annotations

from pathlib import Path

from bot.catalog.loader import load_content
from bot.catalog.store import save_content
from bot.config import load_settings
from bot.services import bootstrap

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "content"


def test_bootstrap_loads_the_content_into_an_empty_database_once(database_url: str):
    settings = load_settings({"DATABASE_URL": database_url, "CONTENT_DIR": str(FIXTURE)})
    first = bootstrap(settings)
    assert first.content.version == 1
    assert set(first.content.faq) == {"durchstarten-wer", "koeln-buendnis"}
    first.db.dispose()
    second = bootstrap(settings)
    assert second.content.version == 1
    second.db.dispose()


def test_refresh_picks_up_content_changed_by_another_process(database_url: str, tmp_path: Path):
    settings = load_settings({"DATABASE_URL": database_url, "CONTENT_DIR": str(FIXTURE)})
    services = bootstrap(settings)
    assert services.refresh_content() is False
    smaller = tmp_path / "c"
    smaller.mkdir()
    (smaller / "base.yaml").write_text((FIXTURE / "base.yaml").read_text(encoding="utf-8"))
    with services.db.session() as session:
        save_content(session, load_content(smaller), origin="test")
    assert services.refresh_content() is True
    assert services.content.version == 2
    assert services.content.faq == {}
    services.db.dispose()
