"""A per-language inverted index over FAQ fields, with fuzzy and compound word look-up."""

from __future__ import annotations

import itertools
import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.answers.normalise import stem, words
from bot.answers.stopwords import union, union_questions

#: Fields of a document, in bit order; a posting keeps the set of fields a stem occurs in.
FIELDS = ("title", "question", "keyword", "tag", "answer")
BITS = len(FIELDS)
MASK = (1 << BITS) - 1
_TITLE, _QUESTION, _KEYWORD, _TAG, _ANSWER = (1 << bit for bit in range(BITS))
_TITLE |= _QUESTION
_NAMED = _TITLE | _KEYWORD  # the fields that say what an entry is about
#: Words this short are only matched exactly; longer ones allow 1 edit, long ones 2.
MIN_FUZZY, LONG_WORD = 4, 8
#: A word must be this long to be found inside (or to contain) another word.
MIN_PART = 5
#: A shorter word (but at least this long) is only found at the start or end of another.
MIN_EDGE = 3
MAX_EXPANSIONS = 12
#: A word's first this many letters are searched for the vocabulary words inside it.
MAX_COMPOUND = 40
#: Expansions kept per index: the words people ask stay, a flood of new ones evicts the oldest.
CACHE_SIZE = 4096
#: The most an inexact match (a typo, a part of a compound) can fit, so an exact one wins.
INEXACT = 0.95
#: Share of a stem's idf computed over question variants and keywords only (the rest: all fields).
QUESTION_IDF = 0.6


@dataclass(frozen=True)
class Variant:
    """A question variant or keyword: its normalised content words (for fuzzy scores), stems."""

    text: str
    stems: tuple[str, ...]  # distinct


@dataclass(frozen=True)
class Expansion:
    """What one query word matched in an index: stems with a weight in 0..1 each."""

    word: str
    stems: tuple[tuple[str, float], ...]  # best first
    exact: bool = False  # the word's own stem is in the index

    @property
    def fit(self) -> float:
        """Return how well the word matched: 1 if exactly, else its best weight (below 1)."""
        if self.exact:
            return 1.0
        return min(self.stems[0][1], INEXACT) if self.stems else 0.0


@dataclass(frozen=True)
class Document:
    """The fields of one FAQ entry in one language, before indexing."""

    entry: int
    questions: tuple[str, ...]  # the first is the title
    keywords: tuple[str, ...]
    tags: tuple[str, ...]
    answer: str


class LanguageIndex:
    """Postings stem -> (doc, fields) for the documents of one language."""

    def __init__(
        self,
        lang: str,
        docs: Iterable[Document],
        weights: Mapping[str, float],
        also: tuple[str, ...] = (),
    ) -> None:
        self.lang = lang
        self.weights = weights
        langs = (lang, *also)
        stops = union(langs)
        question_stops = stops - union_questions(langs)
        doc_entry: list[int] = []
        self.variants: list[tuple[Variant, ...]] = []
        self.sentences: list[tuple[tuple[str, ...], ...]] = []  # distinct stems of each sentence
        self.surface: dict[str, str] = {}
        postings: dict[str, list[int]] = {}
        for doc_id, doc in enumerate(docs):
            doc_entry.append(doc.entry)
            masks: dict[str, int] = {}
            variants = []
            for i, phrase in enumerate(doc.questions + doc.keywords):
                found = words(phrase, question_stops)
                stems = tuple(dict.fromkeys(self._stems(found)))
                bits = _TITLE if i == 0 else _QUESTION if i < len(doc.questions) else _KEYWORD
                _mark(masks, stems, bits)
                variants.append(Variant(" ".join(found), stems))
            for tag in doc.tags:
                _mark(masks, self._stems(words(tag, stops)), _TAG)
            sentences = []
            for sentence in _SENTENCE.split(doc.answer):
                stems = tuple(dict.fromkeys(self._stems(words(sentence, stops))))
                _mark(masks, stems, _ANSWER)
                if stems:
                    sentences.append(stems)
            for stem_, mask in masks.items():
                postings.setdefault(stem_, []).append(doc_id << BITS | mask)
            self.variants.append(tuple(variants))
            self.sentences.append(tuple(sentences))
        self.numbers = frozenset(
            s for s, p in postings.items() if s.isdigit() and any(m & _NAMED for m in p)
        )
        self.doc_entry = np.array(doc_entry, dtype=np.int32)
        self.entry_doc = {entry: doc for doc, entry in enumerate(doc_entry)}
        self.postings = {s: np.array(p, dtype=np.int32) for s, p in postings.items()}
        n = len(doc_entry)
        # A word in few entries' questions is distinctive even if many answers mention it
        # (Duldung, Gestattung): blend the idf over all fields with the one over questions.
        self.idf = {
            s: (1 - QUESTION_IDF) * _idf(n, len(p))
            + QUESTION_IDF * _idf(n, sum(1 for m in p if m & _NAMED) or len(p))
            for s, p in postings.items()
        }
        self.max_idf = _idf(n, 0)
        self._buckets: dict[tuple[int, str], list[str]] = {}
        for word in self.surface:
            if len(word) >= MIN_FUZZY - 2:
                self._buckets.setdefault((len(word), word[0]), []).append(word)
                self._buckets.setdefault((len(word), "#" + word[1]), []).append(word)
        self._words = sorted(self.surface)
        #: The longest vocabulary word: no longer word or part of a word can match one.
        self.longest = max(map(len, self._words), default=0)
        self._starts = list(itertools.accumulate((len(w) + 1 for w in self._words), initial=1))
        self._joined = "\n" + "\n".join(self._words) + "\n"
        self._cache: dict[str, Expansion] = {}

    def __len__(self) -> int:
        return len(self.variants)

    def _stems(self, words: list[str]) -> list[str]:
        surface, out = self.surface, []
        for word in words:
            stem_ = surface.get(word)
            if stem_ is None:
                stem_ = surface[word] = stem(word, self.lang)
            out.append(stem_)
        return out

    def expand(self, word: str) -> Expansion:
        """Return the stems a normalised query word matches: exactly, with typos, in compounds."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        weights = self.weights
        stem_ = self.surface.get(word) or stem(word, self.lang)
        found: dict[str, float] = {}
        exact = stem_ in self.postings
        if exact:
            found[stem_] = 1.0
        for other, dist in self._near(word).items():
            if dist:
                _keep(found, self.surface[other], weights[f"edit{dist}"])
        if len(word) >= MIN_EDGE:
            short = len(word) < MIN_PART
            for other in self._containing(word, edge=short):
                _keep(found, self.surface[other], weights["edge" if short else "compound"])
            if not exact and not short:
                for part in self._parts(word):
                    _keep(found, self.surface[part], weights["part"] * len(part) / len(word))
        best = sorted(found.items(), key=lambda kv: kv[1], reverse=True)[:MAX_EXPANSIONS]
        hit = Expansion(word, tuple(best), exact)
        if len(self._cache) >= CACHE_SIZE:
            del self._cache[next(iter(self._cache))]
        self._cache[word] = hit
        return hit

    def _near(self, word: str) -> dict[str, int]:
        """Return vocabulary words within one edit (two for long words) of word.

        Candidates share the word's length (give or take the edits) and its first or its
        second letter: a typo in both is rare, and scanning all words would be slow.
        """
        edits = 2 if len(word) >= LONG_WORD else 1
        if not MIN_FUZZY <= len(word) <= self.longest + edits:
            return {}
        out: dict[str, int] = {}
        for length in range(len(word) - edits, len(word) + edits + 1):
            for key in ((length, word[0]), (length, "#" + word[1])):
                choices = self._buckets.get(key)
                if not choices:
                    continue
                for other, dist, _ in process.extract(
                    word, choices, scorer=Levenshtein.distance, score_cutoff=edits, limit=5
                ):
                    out[other] = int(dist)
        return out

    def _containing(self, word: str, edge: bool = False, limit: int = 20) -> list[str]:
        """Return longer vocabulary words that contain word (Abschluss -> Hauptschulabschluss).

        With edge, only words that start or end with it (вік -> віку, kurs -> deutschkurs).
        """
        out: list[str] = []
        if len(word) >= self.longest:
            return out
        needles = ("\n" + word, word + "\n") if edge else (word,)
        for needle in needles:
            pos = 0
            while len(out) < limit:
                pos = self._joined.find(needle, pos)
                if pos < 0:
                    break
                i = bisect_left(self._starts, pos + 2) - 1
                other = self._words[i]
                if other != word:
                    out.append(other)
                pos = self._starts[i] + len(other) + 1
        return out

    def _parts(self, word: str) -> list[str]:
        """Return vocabulary words of at least MIN_PART letters found inside word, longest first.

        Only parts no longer than the longest vocabulary word, in the first MAX_COMPOUND
        letters, are looked up: at most MAX_COMPOUND per part length, whatever the word.
        """
        out = []
        word = word[:MAX_COMPOUND]
        for size in range(min(len(word) - 1, self.longest), MIN_PART - 1, -1):
            for start in range(len(word) - size + 1):
                part = word[start : start + size]
                if part in self.surface:
                    out.append(part)
        return out

    def match(self, stem_: str) -> np.ndarray:
        """Return the postings of a stem (doc << BITS | field mask), sorted by doc."""
        return self.postings.get(stem_, _EMPTY)


_EMPTY = np.zeros(0, dtype=np.int32)
_SENTENCE = re.compile(r"(?<=[.!?;:؟])\s+|\n+")


def _idf(docs: int, df: int) -> float:
    """Return the BM25 inverse document frequency (always positive)."""
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def _mark(masks: dict[str, int], stems: Iterable[str], bits: int) -> None:
    for stem_ in stems:
        masks[stem_] = masks.get(stem_, 0) | bits


def _keep(found: dict[str, float], stem_: str, weight: float) -> None:
    if weight > found.get(stem_, 0.0):
        found[stem_] = weight
