"""Find content entries for admins by a misspelt id or a few words of their title.

`/edit gestatung-was` or `/edit Gestattung arbeiten` should not end in "no such id": the
admin gets the closest entries to choose from. An id is compared as a whole (one or two
typos) and by its words; other words one by one against the words of the entry's id and
titles (German and the admin's language): a query word
counts fully when a title word starts with it (`führerschein` → `Führerscheins`) and
partly by its similarity otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rapidfuzz import fuzz

from bot.catalog.schema import REFERENCE_LANGUAGE, Content, Entry
from bot.catalog.translations import texts_of

#: A match must score this much (0–100), and lie this close to the best one.
THRESHOLD = 80
SPREAD = 8
LIMIT = 6
MIN_WORD = 3
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_SPLIT = re.compile(r"[\W_]+")


def _words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text.casefold().translate(_FOLD)) if len(w) >= MIN_WORD]


def _titles(entry: Entry, langs: Iterable[str]) -> str:
    texts = texts_of(entry)
    parts = []
    for lang in (REFERENCE_LANGUAGE, *langs):
        fields = texts.get(lang) or {}
        questions = fields.get("questions")
        parts.append(str(questions[0]) if questions else str(fields.get("title") or ""))
    return " ".join(parts)


def _word_score(word: str, candidates: set[str]) -> float:
    best = 0.0
    for other in candidates:
        if len(word) >= 4 and other.startswith(word):
            return 100.0
        best = max(best, fuzz.ratio(word, other))
    return best


def find_entries(
    content: Content,
    query: str,
    kinds: Iterable[str],
    allowed: Callable[[str, Entry], bool] = lambda kind, entry: True,
    lang: str = REFERENCE_LANGUAGE,
) -> list[tuple[str, str]]:
    """Return (kind, id) of the entries that best match query, best first (at most LIMIT)."""
    typed = query.strip().casefold()
    words = _words(query)
    if not typed:
        return []
    id_like = "-" in typed and len(typed.split()) == 1
    scored: list[tuple[float, str, str]] = []
    for kind in kinds:
        for entry_id, entry in content.of_kind(kind).items():
            if not allowed(kind, entry):
                continue
            score = fuzz.ratio(typed, entry_id)
            if words:
                # What looks like an id is compared with the id's words; words with titles.
                titles = "" if id_like else _titles(entry, (lang,))
                own = set(_words(entry_id.replace("-", " ") + " " + titles))
                score = max(score, sum(_word_score(w, own) for w in words) / len(words))
            if score >= THRESHOLD:
                scored.append((score, kind, entry_id))
    if not scored:
        return []
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    best = scored[0][0]
    return [(kind, entry_id) for score, kind, entry_id in scored[:LIMIT] if score >= best - SPREAD]
