"""Admins find entries by a misspelt id or a few words of their title."""

from __future__ import annotations

from bot.catalog.finder import find_entries
from bot.catalog.schema import Content

LOCAL = ("faq", "offers", "contacts")


def test_a_misspelt_id_finds_the_entry(shipped_content: Content) -> None:
    assert find_entries(shipped_content, "gestatung-was", LOCAL) == [("faq", "gestattung-was")]
    assert find_entries(shipped_content, "koeln-teilnahm", LOCAL)[0] == ("faq", "koeln-teilnahme")


def test_words_find_titles_in_german_and_in_the_admins_language(shipped_content: Content) -> None:
    assert ("faq", "arbeit-gestattung") in find_entries(
        shipped_content, "Gestattung arbeiten", LOCAL
    )
    assert find_entries(shipped_content, "führerschein", LOCAL)[0][1].startswith("fuehrerschein")
    english = find_entries(shipped_content, "driving licence", LOCAL, lang="en")
    assert english and all(entry_id.startswith("fuehrerschein") for _, entry_id in english)
    assert find_entries(shipped_content, "driving licence", LOCAL) == []


def test_nothing_alike_finds_nothing_and_only_allowed_entries_are_offered(
    shipped_content: Content,
) -> None:
    assert find_entries(shipped_content, "gibt-es-nicht", LOCAL) == []
    assert find_entries(shipped_content, "   ", LOCAL) == []
    found = find_entries(
        shipped_content, "sprachkurs", ("offers",), lambda kind, e: e.municipality == "koeln"
    )
    assert found and all(entry_id.startswith("koeln-") for _, entry_id in found)
    assert len(find_entries(shipped_content, "koeln", LOCAL)) <= 6
