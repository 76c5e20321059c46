"""Translation status: which German each translation was made from, kept through saves."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import history
from bot.catalog.export import entry_to_dict, export_content
from bot.catalog.loader import ContentError, load_content, parse_files
from bot.catalog.store import load_all, save_content
from bot.catalog.translations import (
    Status,
    fingerprint,
    german_fingerprint,
    report,
    stamp,
    status,
)
from bot.db.session import Database
from bot.text import word_changes
from tests.catalog.conftest import ADMIN, FIXTURE
from tests.catalog.test_versions import edited_copy, entry_versions

OLD = "Junge Geflüchtete von 18 bis 27 Jahren mit Duldung oder Gestattung."
NEW = "Junge Geflüchtete von 18 bis 27 Jahren mit einer Duldung oder einer Gestattung."
ENTRY = "durchstarten-wer"


def stored(db: Database):
    with db.session() as session:
        return load_all(session)


def test_the_fingerprint_counts_what_readers_read_only():
    german = {"questions": ["Wer?", "Für wen?"], "answer": "Alle.", "keywords": ["wer"]}
    same = {"questions": ["Wer?", "Wer darf?"], "answer": "Alle.", "keywords": ["andere"]}
    assert fingerprint(german, "Anlage 1") == fingerprint(same, "Anlage 1")
    assert fingerprint(german, "Anlage 1") != fingerprint({**german, "answer": "Alle!"}, "Anlage 1")
    assert fingerprint(german, "Anlage 1") != fingerprint(german, "Anlage 2")
    assert fingerprint(german, None) != fingerprint({**german, "questions": ["Wie?"]}, None)


def test_translations_without_a_mark_are_current_and_missing_ones_are_counted():
    content = load_content(FIXTURE)
    entry = content.faq[ENTRY]
    assert status(entry, "en") is Status.CURRENT and status(entry, "ar") is Status.CURRENT
    assert status(entry, "uk") is Status.MISSING
    assert status(entry, "de") is Status.CURRENT
    counts = report(content, ["de", "en", "uk"])
    assert set(counts) == {"en", "uk"}
    assert counts["uk"]["faq"].missing == len(content.faq) - sum(
        "uk" in e.translations for e in content.faq.values()
    )
    assert ("faq", ENTRY, Status.MISSING) in counts["uk"]["faq"].open


def test_a_german_change_alone_leaves_the_translations_outdated(seeded: Database, tmp_path: Path):
    mark = german_fingerprint(stored(seeded).faq[ENTRY])
    with seeded.session() as session:
        save_content(session, load_content(edited_copy(tmp_path, OLD, NEW)), "upload", ADMIN)
    entry = stored(seeded).faq[ENTRY]
    assert status(entry, "en") is Status.OUTDATED and status(entry, "ar") is Status.OUTDATED
    assert entry.translations["en"].made_from == mark
    assert entry.translations["de"].made_from is None
    # Other entries, unchanged, stay as they were.
    others = [e for i, e in stored(seeded).faq.items() if i != ENTRY]
    assert all(status(e, lang) is not Status.OUTDATED for e in others for lang in e.translations)
    # The same upload again changes nothing; the German changed back makes them current.
    with seeded.session() as session:
        again = save_content(session, load_content(edited_copy(tmp_path, OLD, NEW)), "upload")
    assert not again.changed
    with seeded.session() as session:
        save_content(session, load_content(FIXTURE), "upload", ADMIN)
    assert status(stored(seeded).faq[ENTRY], "en") is Status.CURRENT


def test_a_translation_changed_with_the_german_is_current(seeded: Database, tmp_path: Path):
    folder = edited_copy(tmp_path, OLD, NEW)
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("with a Duldung or Gestattung", "with Duldung/Gestattung"))
    with seeded.session() as session:
        save_content(session, load_content(folder), "upload", ADMIN)
    entry = stored(seeded).faq[ENTRY]
    assert status(entry, "en") is Status.CURRENT
    assert status(entry, "ar") is Status.OUTDATED


def test_keeping_a_translation_marks_it_current_in_a_new_version(seeded: Database, tmp_path: Path):
    with seeded.session() as session:
        save_content(session, load_content(edited_copy(tmp_path, OLD, NEW)), "upload", ADMIN)
    with seeded.session() as session:
        assert history.made_from_version(session, "faq", ENTRY, _mark(seeded)) == 1
        assert history.german_text(session, "faq", ENTRY, 1).startswith(OLD)
        history.confirm_translation(session, "faq", ENTRY, "en", ADMIN)
    entry = stored(seeded).faq[ENTRY]
    assert status(entry, "en") is Status.CURRENT
    assert status(entry, "ar") is Status.OUTDATED
    assert [v.number for v in entry_versions(seeded, "faq", ENTRY)] == [1, 2, 3]
    # The mark survives an export and the import of that export.
    target = tmp_path / "export"
    export_content(stored(seeded), target)
    text = (target / "faq.yaml").read_text(encoding="utf-8")
    assert f"made_from: {german_fingerprint(entry)}" in text
    assert status(load_content(target).faq[ENTRY], "ar") is Status.OUTDATED


def _mark(db: Database) -> str:
    return stored(db).faq[ENTRY].translations["en"].made_from


def test_keeping_refuses_what_cannot_be_kept(seeded: Database):
    with seeded.session() as session:
        with pytest.raises(history.EditError) as missing:
            history.confirm_translation(session, "faq", ENTRY, "uk", ADMIN)
        assert missing.value.code == "no_translation"
        with pytest.raises(history.EditError) as gone:
            history.confirm_translation(session, "faq", "gibt-es-nicht", "en", ADMIN)
        assert gone.value.code == "not_found"
        with pytest.raises(history.EditError) as foreign:
            history.confirm_translation(session, "faq", ENTRY, "en", ADMIN, frozenset({"koeln"}))
        assert foreign.value.code == "not_yours"
        with pytest.raises(history.EditError) as current:
            history.confirm_translation(session, "faq", ENTRY, "en", ADMIN)
        assert current.value.code == "current"
    assert len(entry_versions(seeded, "faq", ENTRY)) == 1


def test_stamp_leaves_new_and_marked_translations_alone():
    data = {
        "id": "x",
        "translations": {
            "de": {"questions": ["Neu?"], "answer": "Neu."},
            "en": {"questions": ["New?"], "answer": "Old."},
            "ar": {"questions": ["؟"], "answer": "قديم", "made_from": "abc"},
        },
    }
    before = {"id": "x", "translations": {**data["translations"], "de": {"answer": "Alt."}}}
    before["translations"]["ar"] = {"questions": ["؟"], "answer": "قديم"}
    out = stamp("faq", data, before)
    assert out["translations"]["en"]["made_from"] == fingerprint({"answer": "Alt."}, None)
    assert out["translations"]["ar"]["made_from"] == "abc"
    assert "made_from" not in out["translations"]["de"]
    assert stamp("faq", data, None) == data
    assert stamp("municipalities", {"id": "x"}, None) == {"id": "x"}


def test_german_only_needs_a_reason_and_counts_apart():
    base = (FIXTURE / "more" / "faq.yaml").read_text(encoding="utf-8")
    marked = base.replace(
        "  - id: koeln-buendnis\n", "  - id: koeln-buendnis\n    german_only: x\n"
    )
    marked = marked.replace("german_only: x", "german_only: Nur für das Team in Köln")
    files = {"faq.yaml": marked.encode(), "base.yaml": (FIXTURE / "base.yaml").read_bytes()}
    entry = parse_files(files).faq["koeln-buendnis"]
    assert status(entry, "uk") is Status.GERMAN_ONLY
    assert entry_to_dict(entry)["german_only"] == "Nur für das Team in Köln"
    for bad in ("true", '""', "[a, b]"):
        broken = marked.replace("german_only: Nur für das Team in Köln", f"german_only: {bad}")
        with pytest.raises(ContentError) as error:
            parse_files({**files, "faq.yaml": broken.encode()})
        assert "'german_only' must give the reason as text" in str(error.value)


def test_word_changes_show_the_changed_words_with_a_little_context():
    assert word_changes("a b c", "a b c") == []
    assert word_changes("eins zwei drei", "eins vier drei") == [
        ("same", "eins"),
        ("del", "zwei"),
        ("add", "vier"),
        ("same", "drei"),
    ]
    long = " ".join(f"w{i}" for i in range(30))
    changed = word_changes(long + " alt", long + " neu")
    assert changed[0] == ("same", "… w26 w27 w28 w29")
    assert changed[1:] == [("del", "alt"), ("add", "neu")]
