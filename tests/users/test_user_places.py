"""Municipalities found as people type them, and listed page by page."""

from __future__ import annotations

import pytest

from bot.catalog.schema import Content
from bot.users.places import PAGE_SIZE, is_search, looks_like_a_name, page, search


@pytest.mark.parametrize("typed", ["koln", "Koeln", "KÖLN", "köl", "cologne", "Colonia"])
def test_cologne_is_found_however_it_is_typed(shipped_content: Content, typed: str) -> None:
    assert search(shipped_content, typed)[0].id == "koeln"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("dussel", "duesseldorf"), ("Duesseldorf", "duesseldorf"), ("Dusseldorff", "duesseldorf")],
)
def test_prefixes_spellings_and_small_typos_find_the_town(
    shipped_content: Content, typed: str, expected: str
) -> None:
    assert search(shipped_content, typed)[0].id == expected


def test_nothing_is_found_for_nonsense(shipped_content: Content) -> None:
    assert search(shipped_content, "Atlantis") == []
    assert search(shipped_content, "  ") == []


def test_pages_cover_every_municipality_once_sorted_by_name(shipped_content: Content) -> None:
    first = page(shipped_content, 0)
    names = [m.name for n in range(first.count) for m in page(shipped_content, n).items]
    assert len(names) == len(shipped_content.municipalities) == len(set(names))
    assert len(first.items) == PAGE_SIZE
    assert page(shipped_content, 999).number == first.count - 1
    assert page(shipped_content, -3).number == 0


def test_a_question_does_not_look_like_a_town() -> None:
    assert looks_like_a_name("Rhein-Sieg-Kreis")
    assert looks_like_a_name("Mülheim an der Ruhr")
    assert not looks_like_a_name("Wer kann bei Durchstarten mitmachen?")
    assert not looks_like_a_name("meine Klientin ist 28 und wohnt in Köln")


def test_a_few_words_only_search_when_they_name_a_town(shipped_content: Content) -> None:
    assert is_search(shipped_content, "Atlantis")  # one word: a misspelt town, say so
    assert is_search(shipped_content, "Mülheim an der Ruhr")
    assert not is_search(shipped_content, "wer kann mitmachen")
    assert search(shipped_content, "wer kann mitmachen") == []
