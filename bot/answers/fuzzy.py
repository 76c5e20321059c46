"""Words within a few edits of a word, looked up in buckets by length and first letters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

Buckets = Mapping[tuple[int, str], Sequence[str]]


def within(buckets: Buckets, word: str, edits: int, limit: int) -> Iterator[tuple[str, int]]:
    """Yield (other word, distance) for the nearest words within `edits` of word.

    Only words that share the first or the second letter are compared: a typo in both is
    rare, and comparing against every word would be slow. Each bucket gives at most limit.
    """
    for length in range(len(word) - edits, len(word) + edits + 1):
        for key in ((length, word[0]), (length, "#" + word[1])):
            choices = buckets.get(key)
            if not choices:
                continue
            for other, dist, _ in process.extract(
                word, choices, scorer=Levenshtein.distance, score_cutoff=edits, limit=limit
            ):
                yield other, int(dist)
