"""A per-language inverted index over FAQ fields, with fuzzy and compound word look-up."""

from __future__ import annotations

import functools
import gc
import itertools
import math
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from bot.answers.fuzzy import within
from bot.answers.lexicon import MARK, ConceptMatcher, Reading
from bot.answers.normalise import Folder, script_of, stem
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
#: Arabic script: the article (with a clitic before it) does not count towards a word's
#: length, and a word needs one letter more for a typo to be safe (السماء is not اسماء).
_ARTICLE = re.compile("^[وفبلك]?ال")
MAX_EXPANSIONS = 12
#: A word's first this many letters are searched for the vocabulary words inside it.
MAX_COMPOUND = 40
#: Expansions kept per index: the words people ask stay, a flood of new ones evicts the oldest.
CACHE_SIZE = 4096
#: The most an inexact match (a typo, a part of a compound) can fit, so an exact one wins.
INEXACT = 0.95
#: Share of a stem's idf computed over question variants and keywords only (the rest: all fields).
QUESTION_IDF = 0.6


@dataclass(frozen=True, slots=True)
class Variant:
    """A question variant or keyword: its normalised content words (for fuzzy scores), stems.

    canon is text with the words that name a concept of the lexicon as its token ("" if none).
    """

    text: str
    stems: tuple[str, ...]  # distinct, then the tokens of the concepts they name
    canon: str = ""


@dataclass(frozen=True)
class Expansion:
    """What one query word matched in an index: stems with a weight in 0..1 each."""

    word: str
    stems: tuple[tuple[str, float], ...]  # best first
    exact: bool = False  # the word's own stem is in the index
    literal: float | None = None  # the fit without the concepts the word names (None: same)

    @property
    def fit(self) -> float:
        """Return how well the word matched: 1 if exactly, else its best weight (below 1)."""
        if self.exact:
            return 1.0
        return min(self.stems[0][1], INEXACT) if self.stems else 0.0

    @property
    def literal_fit(self) -> float:
        """Return how well the word itself matched, leaving out the concepts it names."""
        return self.fit if self.literal is None else self.literal


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
        concepts: ConceptMatcher | None = None,
    ) -> None:
        self.lang = lang
        self.weights = weights
        self.concepts = concepts
        langs = (lang, *also)
        stops = union(langs)
        doc_entry: list[int] = []
        self.variants: list[tuple[Variant, ...]] = []
        self.sentences: list[tuple[tuple[str, ...], ...]] = []  # distinct stems of each sentence
        # The postings in one go: each document's stems, with their field masks.
        posted: list[str] = []
        masks: list[int] = []
        sizes: list[int] = []
        with _uncollected():
            reader = _Reader(_Vocabulary(lang, concepts), stops, stops - union_questions(langs))
            self.surface = reader.words.surface
            for doc in docs:
                doc_entry.append(doc.entry)
                fields, variants, sentences = reader.document(doc)
                posted.extend(fields)
                masks.extend(fields.values())
                sizes.append(len(fields))
                self.variants.append(variants)
                self.sentences.append(sentences)
            del reader  # its tables of tokens go before the young objects are collected
        self.doc_entry = np.array(doc_entry, dtype=np.int32)
        self.entry_doc = {entry: doc for doc, entry in enumerate(doc_entry)}
        self._index(posted, masks, sizes)
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
        self._whole: dict[str, tuple[str, ...]] = {}

    def _index(self, posted: list[str], masks: list[int], sizes: list[int]) -> None:
        """Build the postings (views of one array) and weigh each stem by its idf.

        posted holds each document's stems in turn (sizes[doc] of them), masks their fields.
        """
        ids = {s: i for i, s in enumerate(dict.fromkeys(posted))}
        stem_ids = np.fromiter(map(ids.__getitem__, posted), dtype=np.int64, count=len(posted))
        docs = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        values = docs << BITS | np.array(masks, dtype=np.int32)
        order = np.argsort(stem_ids, kind="stable")  # by stem, then (as posted) by doc
        flat = values[order]
        df = np.bincount(stem_ids, minlength=len(ids))
        ends = np.cumsum(df)
        starts = ends - df
        named = np.zeros(len(flat) + 1, dtype=np.int64)
        np.cumsum(flat & _NAMED != 0, out=named[1:])
        in_named = (named[ends] - named[starts]).tolist()
        self.postings = {
            s: flat[start:end]
            for s, start, end in zip(ids, starts.tolist(), ends.tolist(), strict=True)
        }
        self.numbers = frozenset(s for s, k in zip(ids, in_named, strict=True) if k and s.isdigit())
        # A word in few entries' questions is distinctive even if many answers mention it
        # (Duldung, Gestattung): blend the idf over all fields with the one over questions.
        blend = _Blend(len(sizes))
        self.idf = {s: blend[d, k] for s, d, k in zip(ids, df.tolist(), in_named, strict=True)}
        self.max_idf = _idf(len(sizes), 0)

    def __len__(self) -> int:
        return len(self.variants)

    def with_concepts(self, exp: Expansion, named: Iterable[tuple[str, float]]) -> Expansion:
        """Return exp with the concepts a query word names (token, weight) that index holds.

        A stem the word already matches at least as well keeps its own weight.
        """
        have = dict(exp.stems)
        extra = [(mark, w) for mark, w in named if mark in self.postings and w > have.get(mark, 0)]
        if not extra:
            return exp
        have.update(extra)
        stems = sorted(have.items(), key=lambda kv: kv[1], reverse=True)
        return Expansion(exp.word, tuple(stems), exp.exact, exp.fit)

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

    def whole(self, word: str) -> tuple[str, ...]:
        """Return the stems word matches as a whole: exactly, with typos, or inside a longer
        word (Abschluss -> Hauptschulabschluss), but not by a part of it (Führerschein does
        not match "Schein"): what a word must match for an entry to be about it."""
        hit = self._whole.get(word)
        if hit is not None:
            return hit
        found = self._cache.get(word) or self.expand(word)  # expanded when the query was ranked
        parts = {self.surface[p] for p in self._parts(word)} if len(word) >= MIN_PART else set()
        whole = {self.surface[w] for w in self._near(word)}
        whole.update(self.surface[w] for w in self._containing(word))
        own = self.surface.get(word) or stem(word, self.lang)
        hit = tuple(s for s, _ in found.stems if s == own or s in whole or s not in parts)
        if len(self._whole) >= CACHE_SIZE:
            del self._whole[next(iter(self._whole))]
        self._whole[word] = hit
        return hit

    def _near(self, word: str) -> dict[str, int]:
        """Return vocabulary words within one edit (two for long words) of word.

        Candidates share the word's length (give or take the edits) and its first or its
        second letter: a typo in both is rare, and scanning all words would be slow.
        """
        edits = 2 if len(word) >= LONG_WORD else 1
        if not MIN_FUZZY <= len(word) <= self.longest + edits:
            return {}
        if script_of(word) == "arabic" and len(_ARTICLE.sub("", word)) <= MIN_FUZZY:
            return {}
        return dict(within(self._buckets, word, edits, limit=5))

    def _containing(self, word: str, edge: bool = False, limit: int = 20) -> list[str]:
        """Return longer vocabulary words that contain word (Abschluss -> Hauptschulabschluss).

        With edge, only words that start or end with it (вік -> віку, kurs -> deutschkurs).
        """
        out: list[str] = []
        if len(word) >= self.longest:
            return out
        if edge:
            # In Arabic script a word ending in another is mostly an inflection (يعملون
            # ends in لون, "colour"): only words that start with it.
            arabic = script_of(word) == "arabic"
            needles = ("\n" + word,) if arabic else ("\n" + word, word + "\n")
        else:
            needles = (word,)
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
                pos = self._starts[i] + len(other)  # the newline that starts the next word
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

    def holds(self, entry: int, stems: Iterable[str]) -> bool:
        """Return whether the document of entry in this language holds one of stems."""
        doc = self.entry_doc.get(entry)
        if doc is None:
            return False
        for stem_ in stems:
            post = self.match(stem_)
            pos = int(np.searchsorted(post, doc << BITS))
            if pos < len(post) and post[pos] >> BITS == doc:
                return True
        return False

    def match(self, stem_: str) -> np.ndarray:
        """Return the postings of a stem (doc << BITS | field mask), sorted by doc."""
        return self.postings.get(stem_, _EMPTY)


class _Vocabulary:
    """The words of one index's documents: their stems, and how they read to the lexicon."""

    def __init__(self, lang: str, concepts: ConceptMatcher | None) -> None:
        self.lang = lang
        self.concepts = concepts
        self.surface: dict[str, str] = {}
        #: How each word reads to the lexicon; the words that name a concept or may start a
        #: phrase.
        self.readings: dict[str, Reading] = {}
        self.hot: dict[str, Reading] = {}
        self.folder = Folder()

    def stem(self, word: str) -> str:
        """Return the stem of a word, remembering how it reads to the lexicon."""
        stem_ = self.surface.get(word)
        if stem_ is None:
            stem_ = self.surface[word] = stem(word, self.lang)
            if self.concepts:
                reading = self.readings[word] = self.concepts.read(word, stem_)
                if reading and (reading[1] or reading[2]):
                    self.hot[word] = reading
        return stem_


class _Reader:
    """Read the documents of one index into stems, looking each distinct token up once."""

    def __init__(
        self, words: _Vocabulary, stops: frozenset[str], question_stops: frozenset[str]
    ) -> None:
        self.words = words
        self._answers = _Tokens(words, stops)  # and tags
        self._questions = _Tokens(words, question_stops)  # and keywords
        self._tags: dict[str, tuple[str, ...]] = {}

    def document(
        self, doc: Document
    ) -> tuple[dict[str, int], tuple[Variant, ...], tuple[tuple[str, ...], ...]]:
        """Return the stems of a document with the fields they occur in, variants, sentences."""
        masks: dict[str, int] = {}
        variants = []
        for i, text in enumerate(doc.questions + doc.keywords):
            found, stems, hot = self.read(text, self._questions)
            bits = _TITLE if i == 0 else _QUESTION if i < len(doc.questions) else _KEYWORD
            _mark(masks, stems, bits)
            variants.append(Variant(" ".join(found), stems, self._canon(found) if hot else ""))
        for tag in doc.tags:
            _mark(masks, self._tag(tag), _TAG)
        sentences = self._sentences(doc.answer)
        # Most stems occur only in the answer: mark them all, then the few in other fields too.
        fields = dict.fromkeys(itertools.chain.from_iterable(sentences), _ANSWER)
        for stem_, mask in masks.items():
            masks[stem_] = mask | fields.get(stem_, 0)
        fields.update(masks)
        return fields, tuple(variants), sentences

    def read(self, text: str, tokens: _Tokens) -> tuple[list[str], tuple[str, ...], bool]:
        """Return the normalised content words of a text, their distinct stems and concepts,
        and whether a word names a concept or may start a phrase."""
        split = text.split()
        stems = tuple(dict.fromkeys(itertools.chain.from_iterable(map(tokens.__getitem__, split))))
        found = list(itertools.chain.from_iterable(map(tokens.found.__getitem__, split)))
        if tokens.hot.isdisjoint(split):
            return found, stems, False
        return found, stems + self._concepts(found), True

    def _sentences(self, answer: str) -> tuple[tuple[str, ...], ...]:
        """Return the distinct stems of each sentence of an answer (that has any), then the
        concepts it names; read by maps alone, as answers are most of the text."""
        tokens = self._answers
        split = list(map(str.split, _SENTENCE.split(answer)))
        read = map(functools.partial(map, tokens.__getitem__), split)
        out = list(map(tuple, map(dict.fromkeys, map(itertools.chain.from_iterable, read))))
        if not tokens.hot.isdisjoint(itertools.chain.from_iterable(split)):
            for i, words in enumerate(split):
                if not tokens.hot.isdisjoint(words):
                    found = itertools.chain.from_iterable(map(tokens.found.__getitem__, words))
                    out[i] += self._concepts(list(found))
        return tuple(filter(None, out))

    def _tag(self, tag: str) -> tuple[str, ...]:
        """Return the stems of a tag (tags repeat across documents: each is read once)."""
        stems = self._tags.get(tag)
        if stems is None:
            stems = self._tags[tag] = self.read(tag, self._answers)[1]
        return stems

    def _concepts(self, found: list[str]) -> tuple[str, ...]:
        """Return the tokens of the concepts words name (some name one or start a phrase)."""
        hot, readings, concepts = self.words.hot, self.words.readings, self.words.concepts
        named = hot.keys() & found
        marks: set[str] = set()
        for word in named:
            marks.update(hot[word][1])
        if any(hot[word][2] for word in named):
            assert concepts is not None  # only the lexicon makes words hot
            marks.update(concepts.in_phrases([readings[w] for w in found]))
        return tuple(sorted(marks))

    def _canon(self, found: list[str]) -> str:
        """Return words as text with the concept words as tokens, or "" if none names one.

        Called on the words of a text that read found hot, so every word has its reading.
        """
        words = self.words
        assert words.concepts is not None  # only the lexicon makes words hot
        canon = words.concepts.canonical(found, [words.readings[w] for w in found])
        return " ".join(canon) if any(w.startswith(MARK) for w in canon) else ""


class _Tokens(dict[str, tuple[str, ...]]):
    """Token as written -> the stems of its normalised content words, for one kind of text.

    found holds each token's content words, hot the tokens with a word that names a concept
    or may start a phrase.
    """

    def __init__(self, words: _Vocabulary, stops: frozenset[str]) -> None:
        super().__init__()
        self.words = words
        self.stops = stops
        self.found: dict[str, tuple[str, ...]] = {}
        self.hot: set[str] = set()

    def __missing__(self, token: str) -> tuple[str, ...]:
        words, stops = self.words, self.stops
        found = self.found[token] = tuple(
            w for w in words.folder[token] if w not in stops and (len(w) > 1 or w.isdigit())
        )
        stems = self[token] = tuple(map(words.stem, found))
        if not words.hot.keys().isdisjoint(found):
            self.hot.add(token)
        return stems


class _Blend(dict[tuple[int, int], float]):
    """The idf of a stem by (documents, documents naming it in a question or keyword)."""

    def __init__(self, docs: int) -> None:
        super().__init__()
        self.docs = docs

    def __missing__(self, key: tuple[int, int]) -> float:
        df, named = key
        idf = (1 - QUESTION_IDF) * _idf(self.docs, df) + QUESTION_IDF * _idf(self.docs, named or df)
        self[key] = idf
        return idf


_EMPTY = np.zeros(0, dtype=np.int32)
#: Where an answer's sentences part: white space after a full stop (or the like), line breaks.
#: The stop goes with the white space: normalised, it would be a space.
_SENTENCE = re.compile(r"[.!?;:؟\n](?:(?<=\n)|\s)\s*")


@contextmanager
def _uncollected() -> Iterator[None]:
    """Pause the cyclic garbage collector while documents are read, then collect once.

    Reading makes a million small objects and no cycles: collecting again and again among them
    as they are made took a fifth of the build. The collector is paused for the whole process
    (it has no other switch) and resumed only if it ran before, so builds may overlap.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
            gc.collect(1)  # the young objects once, here rather than in the next answer


def _idf(docs: int, df: int) -> float:
    """Return the BM25 inverse document frequency (always positive)."""
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def _mark(masks: dict[str, int], stems: Iterable[str], bits: int) -> None:
    for stem_ in stems:
        masks[stem_] = masks.get(stem_, 0) | bits


def _keep(found: dict[str, float], stem_: str, weight: float) -> None:
    if weight > found.get(stem_, 0.0):
        found[stem_] = weight
