"""Find the lexicon's concepts in words, with the terms stemmed as in a text of one language."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from threading import Lock
from weakref import WeakKeyDictionary

from bot.answers.fuzzy import within
from bot.answers.lexicon.schema import LANGUAGES, STOPS, Lexicon
from bot.answers.normalise import PREFIX, SCRIPT, normalise, stem, words

#: A concept's token in an index: no normalised word contains this character.
MARK = "~"
#: A German word this short is not looked for in texts of another Latin-script language
#: ("Kind", "Arzt", "Pass" are English or French words too); phrases and longer words are.
MIN_BORROWED = 5
#: A query word this long may match a one-word term with one typo, from LONG_TERM with two.
MIN_FUZZY_TERM, LONG_TERM = 6, 10
#: A phrase of n words is found when the others stand within n - 1 + SPREAD words of its
#: first one, in any order ("wer bezahlt den Arzt" in "Arzt: wer bezahlt das?").
SPREAD = 1
#: A one-word term is also found by its stem if the stem keeps this share of its letters:
#: Persian "دادگاه" (court) stems to "داد" (gave), which says nothing of a court.
MIN_STEM_SHARE = 0.7
#: Query words whose concepts are kept per matcher: the words people ask stay.
CACHE_SIZE = 4096
#: The most concepts one query word is given.
MAX_CONCEPTS = 3
_SCRIPT = {**SCRIPT, "so": "latin", "ti": "ethiopic"}
#: The Arabic article, alone and after a particle (و ب ف ك ل), longest first.
_ARTICLES = ("وال", "بال", "فال", "كال", "لل", "ال")
#: Letters a stemmer may put back into a normalised word (Turkish "borclarim" -> "borç").
_FOLD = str.maketrans("çğşıâîûéèêàäöü", "cgsiaiueeeaaou")
_NEIGHBOURS = {"fa": ("ps",), "ps": ("fa",), "uk": ("ru",), "ru": ("uk",)}

#: The concepts one query word names: (concept token, fit in 0..1) pairs, best first.
Found = tuple[tuple[str, float], ...]
#: How a word of a text reads: its folded stem, the concepts it names, whether a phrase may start
#: with it; None for a stop word.
Reading = tuple[str, tuple[str, ...], bool] | None


def token(concept_id: str) -> str:
    """Return the index token that stands for a concept."""
    return MARK + concept_id


def stand_in(mark: str) -> str:
    """Return a concept's stand-in for fuzzy comparisons: as long as an ordinary word.

    A token such as "~health-insurance" would weigh as much as three words in a comparison of
    letters; its stand-in weighs as one.
    """
    return MARK + format(zlib.crc32(mark.encode()) & 0xFFFFFF, "06x")


def _borrowed(term_lang: str, lang: str) -> bool:
    """Return whether terms of term_lang are looked for in texts of lang.

    A language's own terms are, and those of its neighbour (Dari and Pashto, Ukrainian and
    Russian are written mixed); German ones everywhere (people write "Duldung", "Jobcenter"
    in every language) and English ones in a non-Latin text; terms of another script
    everywhere (a loanword in Arabic or Cyrillic letters is no word of a Latin-script text).
    Other same-script terms are not: Turkish "kar" (snow) is Kurmanji for work, Arabic "رد"
    (reply) is Persian for rejection.
    """
    mine, theirs = _SCRIPT.get(lang, "latin"), _SCRIPT.get(term_lang, "latin")
    if term_lang == lang or term_lang in _NEIGHBOURS.get(lang, ()) or term_lang == "de":
        return True
    if theirs == "latin":
        return mine != "latin" and term_lang == "en"
    return mine != theirs


class ConceptMatcher:
    """The lexicon's terms for texts of one language: one-word terms and phrases, by stem."""

    def __init__(self, lexicon: Lexicon, lang: str) -> None:
        """Stem every term the texts of lang may hold (see _borrowed) as a text of lang."""
        self.lang = lang
        self.single: dict[str, tuple[str, ...]] = {}
        self.phrases: dict[str, list[tuple[frozenset[str], str]]] = {}
        self._surface: dict[str, tuple[str, ...]] = {}
        for concept in lexicon.concepts:
            mark = token(concept.id)
            for term_lang, terms in concept.terms.items():
                if not _borrowed(term_lang, lang):
                    continue
                foreign = term_lang != lang and _SCRIPT.get(lang, "latin") == "latin"
                for term in terms:
                    self._add(term, mark, foreign and _SCRIPT.get(term_lang) == "latin")
        self._buckets: dict[tuple[int, str], list[str]] = {}
        for word in self._surface:
            if len(word) >= MIN_FUZZY_TERM - 1:
                self._buckets.setdefault((len(word), word[0]), []).append(word)
                self._buckets.setdefault((len(word), "#" + word[1]), []).append(word)
        self._cache: dict[str, tuple[tuple[str, int], ...]] = {}
        self._lock = Lock()

    def _add(self, term: str, mark: str, borrowed: bool) -> None:
        found = words(term, STOPS)
        if borrowed and len(found) == 1 and len(found[0]) < MIN_BORROWED:
            return
        stems = list(dict.fromkeys(self._stem(w) for w in found))
        if len(stems) == 1:
            if len(found) == 1:
                _add_to(self._surface, found[0], mark)
            if len(found) > 1 or _keeps_enough(found[0], stems[0]):
                _add_to(self.single, stems[0], mark)
        elif stems:
            phrase = (frozenset(stems[1:]), mark)
            if phrase not in self.phrases.get(stems[0], ()):
                self.phrases.setdefault(stems[0], []).append(phrase)

    def read(self, word: str, stem_: str) -> Reading:
        """Return how a word of a text (and its stem in this language) reads to the lexicon."""
        if word in STOPS:
            return None
        key = self._key(word, stem_)
        return key, self._single(word, key), key in self.phrases

    def plain(self, word: str, stem_: str) -> Reading:
        """Return how a word reads that names no concept and starts no phrase (see read)."""
        return None if word in STOPS else (self._key(word, stem_), (), False)

    def in_text(self, readings: Sequence[Reading]) -> set[str]:
        """Return the concept tokens that words name, alone or in phrases (see read)."""
        out: set[str] = set()
        head = False
        for reading in readings:
            if reading:
                out.update(reading[1])
                head = head or reading[2]
        if head:
            out.update(self.in_phrases(readings))
        return out

    def in_phrases(self, readings: Sequence[Reading]) -> set[str]:
        """Return the concept tokens of the phrases that words hold (see read)."""
        return {mark for _, mark in self._phrases([r[0] for r in readings if r])}

    def canonical(self, found: Sequence[str], readings: Sequence[Reading]) -> list[str]:
        """Return words with each one that names a concept (alone or in a phrase) as its stand-in.

        Two texts that say the same in other words then read alike ("wer bezahlt den Arzt",
        "Krankenkasse": both the stand-in of health-insurance, see stand_in).
        """
        out = list(found)
        positions = [i for i, r in enumerate(readings) if r]
        for covered, mark in self._phrases([readings[i][0] for i in positions]):
            for p in covered:
                out[positions[p]] = stand_in(mark)
        for i in positions:
            marks = readings[i][1]
            if marks and out[i] == found[i]:
                out[i] = stand_in(marks[0])
        return list(dict.fromkeys(out))

    def in_query(self, found: Sequence[str], weights: Mapping[str, float]) -> list[Found]:
        """Return per query word the concepts it names, alone or in a phrase, with their fit.

        A one-word term matched exactly fits 1, with a typo weights["edit1"] or ["edit2"];
        a phrase fits 1 for each of its words.
        """
        out = [
            tuple((mark, weights[f"edit{dist}"] if dist else 1.0) for mark, dist in self._word(w))
            for w in found
        ]
        positions = [i for i, w in enumerate(found) if w not in STOPS]
        kept = [self._stem(found[i]) for i in positions]
        for covered, mark in self._phrases(kept):
            for p in covered:
                i = positions[p]
                if all(m != mark for m, _ in out[i]):
                    out[i] = ((mark, 1.0), *out[i])[:MAX_CONCEPTS]
        return out

    def _key(self, word: str, stem_: str) -> str:
        """Return what a word of a text is looked up by, given its stem in the index."""
        return self._stem(word) if _article(word) else _fold(stem_)

    def _stem(self, word: str) -> str:
        """Return the stem of a normalised word in this language, folded like the word.

        An Arabic word loses its article first: the stemmer cuts "التامين" to "تام" but
        "تامين" (insurance) to "تامين".
        """
        cut = _article(word)
        return _fold(stem(word[cut:], self.lang))

    def _single(self, word: str, stem_: str) -> tuple[str, ...]:
        """Return the concepts of the one-word term word is, else of those sharing its stem.

        The word itself decides where a stem is shared ("лікарня" hospital, "лікар" doctor
        share "лікар" as Ukrainian is cut to a prefix).
        """
        return self._surface.get(word) or self.single.get(stem_, ())

    def _phrases(self, stems: Sequence[str]) -> list[tuple[list[int], str]]:
        """Return the phrases found in content-word stems: positions covered and the token."""
        out = []
        present = set(stems)
        for i, stem_ in enumerate(stems):
            for rest, mark in self.phrases.get(stem_, ()):
                if not rest <= present:  # the rest of the phrase is nowhere in the text
                    continue
                spread = len(rest) + SPREAD
                window = range(max(0, i - spread), min(len(stems), i + spread + 1))
                near = [j for j in window if stems[j] in rest]
                if {stems[j] for j in near} == rest:
                    out.append(([i, *near], mark))
        return out

    def _word(self, word: str) -> tuple[tuple[str, int], ...]:
        """Return the concepts one query word names by itself, with the edits it took (cached)."""
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        hit = ()
        if word not in STOPS:
            marks = self._single(word, self._stem(word))
            hit = tuple((m, 0) for m in marks) if marks else self._near(word)
        hit = hit[:MAX_CONCEPTS]
        with self._lock:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.pop(next(iter(self._cache)), None)
            self._cache[word] = hit
        return hit

    def _near(self, word: str) -> tuple[tuple[str, int], ...]:
        """Return the concepts of one-word terms within one edit (two for long words) of word."""
        if len(word) < MIN_FUZZY_TERM:
            return ()
        edits = 2 if len(word) >= LONG_TERM else 1
        best: dict[str, int] = {}
        for other, dist in within(self._buckets, word, edits, limit=3):
            for mark in self._surface[other]:
                best[mark] = min(best.get(mark, edits), dist)
        return tuple(sorted(best.items(), key=lambda kv: kv[1]))


def _article(word: str) -> int:
    """Return the length of the Arabic article (with a particle) a word starts with, or 0."""
    if "\u0600" <= word[:1] <= "\u06ff":
        for prefix in _ARTICLES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                return len(prefix)
    return 0


def _keeps_enough(word: str, stem_: str) -> bool:
    """Return whether a stem says enough of its word for the word to be found by it.

    A word cut to a prefix (Ukrainian and the other languages without a stemmer) always is.
    """
    return len(stem_) >= MIN_STEM_SHARE * len(word) or stem_ == word[:PREFIX]


def _fold(stem_: str) -> str:
    return stem_ if stem_.isascii() else stem_.translate(_FOLD)


def _add_to(table: dict[str, tuple[str, ...]], key: str, mark: str) -> None:
    if mark not in table.get(key, ()):
        table[key] = (*table.get(key, ()), mark)


_MATCHERS: WeakKeyDictionary[Lexicon, dict[str, ConceptMatcher]] = WeakKeyDictionary()
_BUILD = Lock()


def matcher(lexicon: Lexicon, lang: str) -> ConceptMatcher:
    """Return the matcher of a lexicon for texts of lang, built once per lexicon and language.

    A language the lexicon does not know is read with the German matcher.
    """
    lang = lang if lang in LANGUAGES else "de"
    with _BUILD:
        built = _MATCHERS.setdefault(lexicon, {})
        if lang not in built:
            built[lang] = ConceptMatcher(lexicon, lang)
        return built[lang]


def concepts_of(lexicon: Lexicon, text: str, lang: str) -> set[str]:
    """Return the concept ids a text of language lang names (for tests and tooling)."""
    found = normalise(text).split()
    match = matcher(lexicon, lang)
    marks = match.in_text([match.read(w, stem(w, lang)) for w in found])
    return {m[len(MARK) :] for m in marks}
