"""Find phrases written as data in a folded text, word by word, in time linear in the text.

No telegram here. A phrase is words separated by spaces, folded as the answering engine folds
text. A word ending in "*" matches any word that starts with it, one starting with "*" any
word that ends with it, a plain word only itself; a place name's word ("stem") also matches
with a short case ending ("Кельне", "Kölner"). An Arabic-script word of the text also
matches without a clitic in front (ال و ب ل ف). The text's words are looked up in
dictionaries keyed by the phrases' first words (whole, and cut to each length a start or an
end pattern has), so the work per word is bounded by the data, not by the text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.answers.normalise import normalise

WORD, START, END, STEM = "word", "start", "end", "stem"
#: A stem matches a word with at most this many letters more, if it has STEM_MIN letters.
STEM_ENDING, STEM_MIN = 2, 4
#: Arabic clitics in front of a word ("and the", "with the", "the", "and", ...).
CLITICS = ("وال", "بال", "فال", "لل", "ال", "و", "ب", "ل", "ف")
#: What is left of a word after a clitic is taken off: at least this many letters.
CLITIC_REST = 3

Forms = tuple[str, ...]


@dataclass(frozen=True)
class Pattern:
    """One word of a phrase and how it matches."""

    text: str
    how: str = WORD

    def fits(self, forms: Forms) -> bool:
        """Say whether a word of the text (in any of its forms) is matched by this pattern."""
        if self.how == WORD:
            return self.text in forms
        if self.how == START:
            return any(form.startswith(self.text) for form in forms)
        if self.how == END:
            return any(form.endswith(self.text) for form in forms)
        return any(
            form.startswith(self.text) and len(form) - len(self.text) <= STEM_ENDING
            for form in forms
        )


Phrase = tuple[Pattern, ...]


def parse(phrase: str) -> Phrase:
    """Fold a phrase as the data writes it ("mein* klient*", "*duldung") into patterns."""
    patterns: list[Pattern] = []
    for raw in phrase.split():
        words = normalise(raw.strip("*")).split()
        if not words:
            continue
        start, end = raw.endswith("*"), raw.startswith("*")
        patterns += [Pattern(word) for word in words]
        if start:
            patterns[-1] = Pattern(words[-1], START)
        if end:
            first = len(patterns) - len(words)
            patterns[first] = Pattern(words[0], END)
    return tuple(patterns)


def name(text: str) -> Phrase:
    """Fold a place name into patterns: long words as stems, short ones whole."""
    return tuple(
        Pattern(word, STEM if len(word) >= STEM_MIN else WORD) for word in normalise(text).split()
    )


def forms(word: str) -> Forms:
    """A folded word and, for Arabic script, the word without a clitic in front."""
    if not word or not "\u0600" <= word[0] <= "\u06ff":
        return (word,)
    found = [word]
    for clitic in CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= CLITIC_REST:
            found.append(word[len(clitic) :])
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Entry:
    """A phrase of the data, what kind of thing it names and the value it stands for."""

    phrase: Phrase
    kind: str
    value: Any = None


@dataclass(frozen=True)
class Match:
    """Where an entry occurs in the text: words start to end (exclusive)."""

    start: int
    end: int
    kind: str
    value: Any = None

    @property
    def size(self) -> int:
        return self.end - self.start


class Lexicon:
    """Entries indexed by their first word, to find them all in a text in one pass."""

    def __init__(self, entries: Iterable[Entry]):
        self._whole: dict[str, list[Entry]] = defaultdict(list)
        self._starts: dict[str, list[Entry]] = defaultdict(list)
        self._ends: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            if not entry.phrase:
                continue
            first = entry.phrase[0]
            index = {WORD: self._whole, END: self._ends}.get(first.how, self._starts)
            index[first.text].append(entry)
        self._start_sizes = sorted({len(text) for text in self._starts})
        self._end_sizes = sorted({len(text) for text in self._ends})

    def _candidates(self, word_forms: Forms) -> Iterator[Entry]:
        """The entries whose first pattern may match this word (checked by the caller)."""
        for form in word_forms:
            yield from self._whole.get(form, ())
            for size in self._start_sizes:
                if size > len(form):
                    break
                yield from self._starts.get(form[:size], ())
            for size in self._end_sizes:
                if size > len(form):
                    break
                yield from self._ends.get(form[-size:], ())

    def find(self, words: Sequence[Forms]) -> list[Match]:
        """Return every occurrence of every entry in the text's words, in text order."""
        found: list[Match] = []
        for start, word_forms in enumerate(words):
            seen: set[int] = set()  # an entry found by two forms of a word counts once
            for entry in self._candidates(word_forms):
                end = start + len(entry.phrase)
                if id(entry) in seen or end > len(words):
                    continue
                seen.add(id(entry))
                if all(pattern.fits(words[start + i]) for i, pattern in enumerate(entry.phrase)):
                    found.append(Match(start, end, entry.kind, entry.value))
        return found


def longest(matches: Iterable[Match]) -> list[Match]:
    """Keep the longest of overlapping matches (the earlier one on a tie), in text order."""
    kept: list[Match] = []
    taken: set[int] = set()
    for match in sorted(matches, key=lambda m: (-m.size, m.start)):
        span = range(match.start, match.end)
        if not taken.intersection(span):
            kept.append(match)
            taken.update(span)
    return sorted(kept, key=lambda m: m.start)
