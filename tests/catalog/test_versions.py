"""Every stored change gets a version of its entry; hidden entries are kept but not shown."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from sqlalchemy import func, select

from bot.catalog.export import export_content
from bot.catalog.loader import ContentError, load_content, parse_files
from bot.catalog.store import current_version, load_all, load_stored, save_content
from bot.db.models import ContentEntryRow, ContentEntryVersion
from bot.db.session import Database
from bot.i18n import translator
from tests.catalog.conftest import ADMIN, FIXTURE
from tests.catalog.test_validation import BASE, CASES

CATALOG = Path(__file__).resolve().parent.parent.parent / "bot" / "catalog"


def entry_versions(db: Database, kind: str, entry_id: str) -> list[ContentEntryVersion]:
    with db.session() as session:
        query = (
            select(ContentEntryVersion)
            .where(ContentEntryVersion.kind == kind, ContentEntryVersion.entry_id == entry_id)
            .order_by(ContentEntryVersion.number)
        )
        return list(session.scalars(query))


def version_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(ContentEntryVersion))


def edited_copy(tmp_path: Path, old: str, new: str) -> Path:
    """Export the fixture content to tmp_path with one text replaced; return the folder."""
    target = tmp_path / "edited"
    export_content(load_content(FIXTURE), target)
    for path in target.iterdir():
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return target


def test_the_seed_adds_a_first_version_of_every_entry(seeded: Database):
    content = load_content(FIXTURE)
    assert version_count(seeded) == len(content)
    (first,) = entry_versions(seeded, "faq", "durchstarten-wer")
    assert (first.number, first.action, first.origin, first.author_id) == (1, "added", "seed", None)
    assert first.data["translations"]["en"]["questions"] == ["Who can take part in Durchstarten?"]
    assert first.hidden is False


def test_an_unchanged_import_writes_no_version(seeded: Database):
    with seeded.session() as session:
        result = save_content(session, load_content(FIXTURE), origin="import")
    assert not result.changed
    assert version_count(seeded) == len(load_content(FIXTURE))


def test_a_change_versions_only_the_changed_entry(seeded: Database, tmp_path: Path):
    before = version_count(seeded)
    changed = load_content(edited_copy(tmp_path, "Seit wann", "Ab wann"))
    with seeded.session() as session:
        result = save_content(session, changed, origin="import", author_id=ADMIN)
    assert result.changed and result.version == 2
    assert version_count(seeded) == before + 1
    last = entry_versions(seeded, "faq", "koeln-buendnis")[-1]
    assert (last.number, last.action, last.origin, last.author_id) == (
        2,
        "changed",
        "import",
        ADMIN,
    )
    assert last.data["translations"]["de"]["questions"][0].startswith("Ab wann")
    with seeded.session() as session:
        assert load_stored(session).faq["koeln-buendnis"] == changed.faq["koeln-buendnis"]


def test_removing_and_adding_entries_are_versioned(seeded: Database, tmp_path: Path):
    folder = edited_copy(tmp_path, "id: koeln-ki", "id: koeln-ki-neu")
    with seeded.session() as session:
        save_content(session, load_content(folder), origin="import")
    removed = entry_versions(seeded, "contacts", "koeln-ki")[-1]
    assert (removed.number, removed.action, removed.data) == (2, "removed", None)
    (added,) = entry_versions(seeded, "contacts", "koeln-ki-neu")
    assert added.action == "added"
    with seeded.session() as session:
        save_content(session, load_content(FIXTURE), origin="import")
    back = entry_versions(seeded, "contacts", "koeln-ki")[-1]
    assert (back.number, back.action) == (3, "added")


def test_a_failed_save_leaves_rows_and_versions_unchanged(seeded: Database, tmp_path: Path):
    before = version_count(seeded)
    changed = load_content(edited_copy(tmp_path, "Seit wann", "Ab wann"))
    with pytest.raises(RuntimeError), seeded.session() as session:
        save_content(session, changed, origin="import")
        raise RuntimeError("crash after the save, before the commit")
    assert version_count(seeded) == before
    with seeded.session() as session:
        assert current_version(session).id == 1


def hidden_copy(tmp_path: Path) -> Path:
    return edited_copy(tmp_path, "- id: koeln-ki\n", "- id: koeln-ki\n  hidden: true\n")


def test_hidden_entries_are_stored_but_not_shown(seeded: Database, tmp_path: Path):
    with seeded.session() as session:
        result = save_content(session, load_content(hidden_copy(tmp_path)), origin="import")
    assert result.changed
    last = entry_versions(seeded, "contacts", "koeln-ki")[-1]
    assert (last.action, last.hidden) == ("hidden", True)
    assert "hidden" not in last.data
    with seeded.session() as session:
        assert "koeln-ki" not in load_stored(session).contacts
        everything = load_all(session)
        row = session.scalars(select(ContentEntryRow).filter_by(entry_id="koeln-ki")).one()
    assert row.hidden and "hidden" not in row.data
    assert everything.contacts["koeln-ki"].hidden is True
    assert everything.hidden_keys() == {("contacts", "koeln-ki")}


def test_hidden_entries_round_trip_through_export_and_import(seeded: Database, tmp_path: Path):
    with seeded.session() as session:
        save_content(session, load_content(hidden_copy(tmp_path)), origin="import")
    with seeded.session() as session:
        export_content(load_all(session), tmp_path / "export")
    assert "hidden: true" in (tmp_path / "export" / "contacts.yaml").read_text(encoding="utf-8")
    with seeded.session() as session:
        result = save_content(session, load_content(tmp_path / "export"), origin="import")
    assert not result.changed and result.version == 2


def test_an_entry_without_hidden_keeps_its_state_and_false_shows_it(
    seeded: Database, tmp_path: Path
):
    with seeded.session() as session:
        save_content(session, load_content(hidden_copy(tmp_path)), origin="import")
    with seeded.session() as session:
        assert not save_content(session, load_content(FIXTURE), origin="import").changed
        assert "koeln-ki" not in load_stored(session).contacts
    shown = edited_copy(tmp_path / "x", "- id: koeln-ki\n", "- id: koeln-ki\n  hidden: false\n")
    with seeded.session() as session:
        assert save_content(session, load_content(shown), origin="import").changed
        assert "koeln-ki" in load_stored(session).contacts
    assert entry_versions(seeded, "contacts", "koeln-ki")[-1].action == "shown"


def test_only_faq_offers_and_contacts_can_be_hidden():
    bad = BASE.replace("    name: Köln\n", "    name: Köln\n    hidden: true\n")
    with pytest.raises(ContentError) as caught:
        parse_files({"base.yaml": bad.encode()})
    assert caught.value.problems == [
        "base.yaml:4: municipality 'koeln': only FAQ entries, offers and contacts can be hidden"
    ]


def fake_german(msgid: str, **params: object) -> str:
    """A stand-in translator: marks every msgid, fills in the parameters untouched."""
    return ("«" + msgid + "»").format(**params)


def test_problems_render_through_a_translator_with_data_untouched():
    files = {
        "base.yaml": BASE.encode(),
        "bad.yaml": b"faq:\n  - id: a\n    scope: bonn\n    translations:\n"
        b"      de: {questions: [q], answer: ''}\n",
    }
    with pytest.raises(ContentError) as caught:
        parse_files(files)
    assert caught.value.problems == [
        "bad.yaml:2: 'scope' of 'a' refers to an unknown municipality 'bonn'",
        "bad.yaml:5: faq 'a' (de): 'answer' is empty",
    ]
    assert caught.value.render(fake_german) == [
        "bad.yaml:2: «'scope' of 'a' refers to an unknown municipality 'bonn'»",
        "bad.yaml:5: «faq 'a' (de)»: «'answer' is empty»",
    ]
    assert caught.value.render(fake_german, place=False)[1] == "«faq 'a' (de)»: «'answer' is empty»"


def test_the_yaml_parsers_own_text_is_a_parameter():
    with pytest.raises(ContentError) as caught:
        parse_files({"bad.yaml": b"faq: [\n  - id: x\n"})
    (problem,) = caught.value.items
    assert problem.msgid == "invalid YAML: {error}"
    assert caught.value.render(fake_german)[0].startswith(
        "bad.yaml:2: «invalid YAML: while parsing"
    )


def test_an_unknown_language_renders_problems_in_english():
    with pytest.raises(ContentError) as caught:
        parse_files({"bad.yaml": textwrap.dedent(CASES[4][1]).encode()})
    assert caught.value.render(translator("xx")) == caught.value.problems


def test_every_problem_msgid_is_marked_for_translation(tmp_path: Path):
    marked = {
        message
        for path in CATALOG.glob("*.py")
        for _, message, _, _ in extract_from_file("python", str(path), keywords={"N_": None})
    }
    found = set()
    for _, text, _, _ in CASES:
        files = {"base.yaml": BASE.encode(), "bad.yaml": textwrap.dedent(text).encode()}
        with pytest.raises(ContentError) as caught:
            parse_files(files)
        for problem in caught.value.items:
            found.add(problem.msgid)
            if problem.subject is not None:
                found.add(problem.subject.msgid)
    assert len(found) > 30
    assert found <= marked, sorted(found - marked)
