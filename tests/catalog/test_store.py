"""Content in the database: all-or-nothing import, versions, export round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.catalog.export import export_content
from bot.catalog.loader import ContentError, load_content
from bot.catalog.store import current_version, load_stored, save_content
from bot.db.migrate import upgrade
from bot.db.models import ContentEntryRow
from bot.db.session import Database

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "content"


@pytest.fixture
def db(database_url: str):
    upgrade(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def test_stored_content_reads_back_equal(db: Database):
    content = load_content(FIXTURE)
    with db.session() as session:
        result = save_content(session, content, origin="test")
    assert result.changed and result.version == 1
    with db.session() as session:
        stored = load_stored(session)
    assert stored is not None and stored.version == 1
    assert stored.faq == content.faq
    assert stored.programs == content.programs
    assert stored.offers == content.offers
    assert stored.municipalities == content.municipalities
    assert stored.contacts == content.contacts


def test_importing_an_export_changes_nothing(db: Database, tmp_path: Path):
    with db.session() as session:
        save_content(session, load_content(FIXTURE), origin="test")
    with db.session() as session:
        export_content(load_stored(session), tmp_path / "export")
    reimported = load_content(tmp_path / "export")
    with db.session() as session:
        result = save_content(session, reimported, origin="test")
    assert not result.changed and result.version == 1
    with db.session() as session:
        assert current_version(session).id == 1


def test_changed_content_gets_a_new_version(db: Database, tmp_path: Path):
    with db.session() as session:
        save_content(session, load_content(FIXTURE), origin="test")
    export_content(load_content(FIXTURE), tmp_path)
    faq = tmp_path / "faq.yaml"
    faq.write_text(
        faq.read_text(encoding="utf-8").replace("Seit wann", "Ab wann"), encoding="utf-8"
    )
    with db.session() as session:
        result = save_content(session, load_content(tmp_path), origin="test")
    assert result.changed and result.version == 2


def test_a_failed_import_leaves_the_stored_content_unchanged(db: Database, tmp_path: Path):
    with db.session() as session:
        save_content(session, load_content(FIXTURE), origin="test")
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(ContentEntryRow))
    (tmp_path / "bad.yaml").write_text("faq:\n  - id: x\n", encoding="utf-8")
    with pytest.raises(ContentError), db.session() as session:
        save_content(session, load_content(tmp_path), origin="test")
    with pytest.raises(RuntimeError), db.session() as session:
        save_content(session, load_content(FIXTURE).__class__(), origin="test")
        raise RuntimeError("crash in the middle of an import")
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ContentEntryRow)) == before
        assert current_version(session).id == 1
