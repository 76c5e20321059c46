"""Find municipalities as people type them, and list them page by page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.answers.normalise import normalise
from bot.catalog.schema import Content, Municipality

PAGE_SIZE = 8
MAX_RESULTS = 8
#: The lowest rapidfuzz score a misspelt name may have and still be offered.
FUZZY_CUTOFF = 80


@dataclass(frozen=True)
class Page:
    """One page of municipalities (number counted from 0)."""

    items: tuple[Municipality, ...]
    number: int
    count: int


def sorted_municipalities(content: Content) -> list[Municipality]:
    """Return every municipality sorted by its folded name."""
    return sorted(content.municipalities.values(), key=lambda m: (normalise(m.name), m.id))


def page(content: Content, number: int, size: int = PAGE_SIZE) -> Page:
    """Return page `number` of the sorted municipalities (clamped to the pages there are)."""
    items = sorted_municipalities(content)
    count = max(1, -(-len(items) // size))
    number = min(max(number, 0), count - 1)
    return Page(tuple(items[number * size : (number + 1) * size]), number, count)


def _names(municipality: Municipality) -> list[str]:
    aliases = municipality.extra.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    names = [municipality.name, municipality.id.replace("-", " "), *map(str, aliases)]
    return [n for n in (normalise(name) for name in names) if n]


def _rank(query: str, names: Iterable[str]) -> int | None:
    """Rank one municipality for a folded query: 0 prefix, 1 word prefix, 2 inside, 3 typo."""
    best: int | None = None
    for name in names:
        compact = name.replace(" ", "")
        if name.startswith(query) or compact.startswith(query.replace(" ", "")):
            return 0
        if any(word.startswith(query) for word in name.split()):
            rank = 1
        elif query in name:
            rank = 2
        elif len(query) >= 4 and _misspelt(query, name):
            rank = 3
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def _misspelt(query: str, name: str) -> bool:
    """Say whether query is close to the name, one of its words, or the start of either."""
    candidates = [name, *name.split()]
    return any(
        fuzz.ratio(query, candidate) >= FUZZY_CUTOFF
        or fuzz.ratio(query, candidate[: len(query)]) >= FUZZY_CUTOFF + 5
        for candidate in candidates
    )


def search(content: Content, text: str, limit: int = MAX_RESULTS) -> list[Municipality]:
    """Return the municipalities whose name, id or alias matches what was typed, best first."""
    query = normalise(text)
    if not query:
        return []
    found: list[tuple[int, str, Municipality]] = []
    for municipality in content.municipalities.values():
        rank = _rank(query, _names(municipality))
        if rank is not None:
            found.append((rank, normalise(municipality.name), municipality))
    found.sort(key=lambda item: (item[0], item[1]))
    if found and found[0][0] < 3:
        found = [item for item in found if item[0] < 3]
    return [municipality for _, _, municipality in found[:limit]]


def looks_like_a_name(text: str, words: int = 4, length: int = 40) -> bool:
    """Say whether a message could be a municipality typed in (not a whole question)."""
    return "?" not in text and len(text) <= length and len(text.split()) <= words


def is_search(content: Content, text: str) -> bool:
    """Say whether text typed at the municipality step is a search, not a question.

    One word always is (a misspelt town gets "not found"); a few words only if they match.
    """
    if not looks_like_a_name(text):
        return False
    return len(text.split()) <= 1 or bool(search(content, text, limit=1))


def name_of(content: Content, municipality_id: str | None) -> str | None:
    """Return the municipality's name, or None when it is not set or no longer exists."""
    if municipality_id is None:
        return None
    found = content.municipalities.get(municipality_id)
    return found.name if found else None
