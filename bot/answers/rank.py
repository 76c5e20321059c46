"""Score FAQ entries for a query: field-weighted coverage, variant overlap and fuzzy similarity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz

from bot.answers.index import BITS, FIELDS, MASK, Expansion, LanguageIndex
from bot.answers.lexicon import MARK, Found, stand_in

#: Languages written in Arabic script (Tuning.answer_arabic).
ARABIC_SCRIPT = frozenset({"ar", "fa", "ps", "ur", "ckb"})


@dataclass(frozen=True)
class Tuning:
    """Weights and thresholds, chosen on bench/questions/dev.yaml (never on the test set)."""

    fields: dict[str, float] = field(
        default_factory=lambda: {
            "title": 1.2,
            "question": 0.85,
            "keyword": 0.8,
            "tag": 0.3,
            "answer": 1.0,
        }
    )
    expansions: dict[str, float] = field(
        default_factory=lambda: {
            "edit1": 0.9,
            "edit2": 0.5,
            "compound": 0.5,
            "edge": 0.5,
            "part": 1.2,  # times the share of the word the part covers
            "concept": 0.9,  # a concept of the lexicon the word names (times its fit)
            "canon": 0.8,  # fuzzy similarity of query and variant with concepts as tokens
        }
    )
    soft: float = 1.0  # weight of a question word or number, as a share of its idf
    oov: float = 0.7  # weight of an unmatched word, as a share of the largest idf ...
    oov_length: int = 7  # ... reached at this length (short unknown words weigh less)
    coverage: float = 0.4  # combination weights of the three scores
    overlap: float = 0.2
    sentence: float = 1.0  # an answer sentence's overlap counts this much of a question's
    fuzzy: float = 0.4
    other_program: float = 0.2  # score cut for an entry about another program than the one named
    candidates: int = 12  # documents per language that get the full score
    answer: float = 0.6  # answer directly at or above this score ...
    margin: float = 0.01  # ... and this far above the runner-up
    # ... or at this score in a language written in Arabic script, whose words (with their
    # clitics and unwritten vowels) match less fully (chosen, like answer, on both dev sets)
    answer_arabic: float = 0.5
    suggest: float = 0.4  # below this nothing is plausible: "unknown"
    anchor: float = 0.9  # a word anchors a direct answer if it matched this well ...
    anchor_length: int = 6  # ... and, unless it matched exactly, is at least this long
    cap: float = 3.0  # a long query's weight counts at most this many largest idfs (0: no cap)
    semantic: float = 0.3  # share of the semantic similarity (only with SEMANTIC_MODEL)
    doubt: float = 0.5  # a direct answer must hold with the lexicon's concepts weighed this much

    def for_language(self, lang: str) -> Tuning:
        """Return the tuning for questions in lang (its own answer threshold)."""
        if lang in ARABIC_SCRIPT and self.answer_arabic != self.answer:
            return self._in_arabic_script
        return self

    @cached_property
    def _in_arabic_script(self) -> Tuning:
        """This tuning with the Arabic-script threshold (made once, with its mask weights)."""
        return replace(self, answer=self.answer_arabic)

    @cached_property
    def mask_weights(self) -> np.ndarray:
        """Return the weight of every field mask: the best field the stem occurs in."""
        weights = [self.fields[name] for name in FIELDS]
        return np.array(
            [
                max((w for bit, w in enumerate(weights) if mask >> bit & 1), default=0.0)
                for mask in range(MASK + 1)
            ]
        )


@dataclass
class Query:
    """A query prepared for one language index: expansions and their weights."""

    words: list[str]
    expansions: list[Expansion]
    weights: list[float]
    soft: list[bool]  # question words ("wer", "what") and numbers: never enough alone
    cap: float = 0.0  # the most the total may be (0: no cap), so long messages are not punished

    @cached_property
    def total(self) -> float:
        total = sum(self.weights) or 1.0
        return min(total, self.cap) if self.cap else total

    @cached_property
    def lookup(self) -> dict[str, list[tuple[int, float]]]:
        """Map each matched stem to the (query word, weight) pairs that reach it."""
        out: dict[str, list[tuple[int, float]]] = {}
        for i, exp in enumerate(self.expansions):
            for stem_, ew in exp.stems:
                out.setdefault(stem_, []).append((i, ew))
        return out

    @cached_property
    def top(self) -> dict[str, float]:
        """Map each matched stem to the best weight a query word reaches it with."""
        return {stem_: max(ew for _, ew in found) for stem_, found in self.lookup.items()}


def prepare(
    index: LanguageIndex,
    words: Sequence[str],
    soft: Sequence[bool],
    tuning: Tuning,
    named: Sequence[Found] = (),
) -> Query:
    """Expand each query word in index and weigh it by the idf of what it matched.

    named holds per word the lexicon's concepts it names, (token, fit) pairs: a word also
    matches the texts that name one, at tuning.expansions["concept"] times the fit.
    """
    expansions = [index.expand(w) for w in words]
    if named:
        weight = tuning.expansions["concept"]
        expansions = [
            index.with_concepts(exp, [(mark, weight * fit) for mark, fit in found])
            if found
            else exp
            for exp, found in zip(expansions, named, strict=True)
        ]
    weights = []
    for exp, is_soft in zip(expansions, soft, strict=True):
        if exp.stems:
            weight = index.idf[exp.stems[0][0]]
        else:
            weight = tuning.oov * index.max_idf * min(1.0, len(exp.word) / tuning.oov_length)
        weights.append(weight * tuning.soft if is_soft else weight)
    return Query(list(words), expansions, weights, list(soft), tuning.cap * index.max_idf)


def coverage(
    index: LanguageIndex, query: Query, mask_weights: np.ndarray, allowed: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Return each doc's weighted share of the query, and if a visible doc met a content word."""
    acc = np.zeros(len(index))
    visible = allowed[index.doc_entry]
    matched = False
    for exp, weight, soft in zip(query.expansions, query.weights, query.soft, strict=True):
        if not exp.stems:
            continue
        posts = [index.match(stem_) for stem_, _ in exp.stems]
        docs = np.concatenate([post >> BITS for post in posts])
        values = np.concatenate(
            [ew * mask_weights[post & MASK] for post, (_, ew) in zip(posts, exp.stems, strict=True)]
        )
        if len(posts) > 1:  # a doc counts once per word, with its best-matching stem
            best = np.zeros(len(index))
            np.maximum.at(best, docs, values)
            docs = np.flatnonzero(best)
            values = best[docs]
        acc[docs] += weight * values
        matched = matched or (not soft and bool(visible[docs].any()))
    return acc * visible / query.total, matched


def overlap(index: LanguageIndex, query: Query, doc: int, sentence: float) -> float:
    """Return the best F1 of the query against one question variant or (weighed) answer sentence.

    A text that holds none of the query's stems scores 0 and is skipped.
    """
    best = 0.0
    matched = query.lookup.keys()
    for variant in index.variants[doc]:
        if not matched.isdisjoint(variant.stems):
            best = max(best, _f1(index, query, variant.stems))
    if sentence:
        for stems in index.sentences[doc]:
            if not matched.isdisjoint(stems):
                best = max(best, sentence * _f1(index, query, stems))
    return best


def _f1(index: LanguageIndex, query: Query, stems: tuple[str, ...]) -> float:
    """Return the F1 of query words found in stems (recall) and stems found (precision)."""
    idf, lookup, top = index.idf, query.lookup, query.top
    matched: dict[int, float] = {}
    precision = denom = 0.0
    for stem_ in stems:
        weight = idf[stem_]
        denom += weight
        found = lookup.get(stem_)
        if found:
            precision += weight * top[stem_]
            for i, ew in found:
                if ew > matched.get(i, 0.0):
                    matched[i] = ew
    if not matched:
        return 0.0
    recall = min(1.0, sum(query.weights[i] * ew for i, ew in matched.items()) / query.total)
    precision /= denom
    return 2 * recall * precision / (recall + precision)


def similarity(
    index: LanguageIndex, text: str, doc: int, canon: str = "", weight: float = 0.0
) -> float:
    """Return the best fuzzy similarity (0..1) between the query and a question variant.

    With canon (the query with its concept words as stand-ins), a variant that names a concept
    also counts read the same way, at weight times its similarity: synonyms and translations
    then match.
    """
    best = 0.0
    for v in index.variants[doc]:
        if v.text:
            best = max(best, fuzz.token_sort_ratio(text, v.text))
        if canon and v.canon:
            best = max(best, weight * fuzz.token_sort_ratio(canon, v.canon))
    return best / 100.0


def score_language(
    index: LanguageIndex,
    words: Sequence[str],
    soft: Sequence[bool],
    tuning: Tuning,
    allowed: np.ndarray,
) -> tuple[dict[int, float], bool]:
    """Return entry -> combined score (0..1) in one language, and whether any word matched."""
    query = prepare(index, words, soft, tuning)
    cov, matched = coverage(index, query, tuning.mask_weights, allowed)
    found = np.flatnonzero(cov)
    if len(found) > tuning.candidates:
        found = found[np.argpartition(-cov[found], tuning.candidates)[: tuning.candidates]]
    text = " ".join(words)
    scores: dict[int, float] = {}
    for doc in found.tolist():
        score = (
            tuning.coverage * float(cov[doc])
            + tuning.overlap * overlap(index, query, doc, tuning.sentence)
            + tuning.fuzzy * similarity(index, text, doc)
        )
        entry = int(index.doc_entry[doc])
        if score > scores.get(entry, 0.0):
            scores[entry] = score
    return scores, matched


def _word_values(
    index: LanguageIndex, exp: Expansion, mask_weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the docs one expanded word reaches in index and its best match value in each."""
    posts = [index.match(stem_) for stem_, _ in exp.stems]
    docs = np.concatenate([post >> BITS for post in posts])
    values = np.concatenate(
        [ew * mask_weights[post & MASK] for post, (_, ew) in zip(posts, exp.stems, strict=True)]
    )
    return docs, values


def _by_word(exp: Expansion, index: LanguageIndex) -> np.ndarray:
    """Return which of _word_values' docs the word reached by itself, not through a concept."""
    own = [not s.startswith(MARK) for s, _ in exp.stems]
    return np.repeat(own, [len(index.match(s)) for s, _ in exp.stems])


def _own_stems(exp: Expansion, anchor: float) -> tuple[str, ...]:
    """Return the stems a word matches by itself well enough to anchor an answer."""
    return tuple(s for s, w in exp.stems if w >= anchor and not s.startswith(MARK))


def _without_concepts(exp: Expansion) -> Expansion:
    """Return exp matched by the word alone: without the concepts of the lexicon it names."""
    stems = tuple((s, w) for s, w in exp.stems if not s.startswith(MARK))
    return exp if len(stems) == len(exp.stems) else Expansion(exp.word, stems, exp.exact)


@dataclass
class Doubt:
    """What a query matched without the lexicon's concepts: to weigh them again for a decision.

    coverage is each entry's coverage by literal matches; queries are the query in each index
    without its concepts, text the query as typed (for the fuzzy score).
    """

    coverage: np.ndarray
    indexes: Sequence[LanguageIndex]
    queries: list[Query]
    text: str
    tuning: Tuning

    def score(self, entry: int) -> float:
        """Return the combined score of entry by the query's own words alone."""
        lap = sim = 0.0
        for index, query in zip(self.indexes, self.queries, strict=True):
            doc = index.entry_doc.get(entry)
            if doc is not None:
                lap = max(lap, overlap(index, query, doc, self.tuning.sentence))
                sim = max(sim, similarity(index, self.text, doc))
        tuning = self.tuning
        return (
            tuning.coverage * float(self.coverage[entry])
            + tuning.overlap * lap
            + tuning.fuzzy * sim
        )


class Scored(NamedTuple):
    """Entry -> combined score (0..1); if a content word matched; if a word anchors an answer.

    literal holds per index the stems by which anchoring words matched by themselves, not
    through a concept of the lexicon, and doubt what the query matched without concepts
    (both None when the query names no concept).
    """

    scores: dict[int, float]
    matched: bool
    anchored: bool
    literal: tuple[tuple[LanguageIndex, tuple[str, ...]], ...] | None = None
    doubt: Doubt | None = None

    def anchors(self, entry: int) -> bool:
        """Return whether a word anchors a direct answer with entry.

        With concepts in the query, the word must match the entry by itself: a word that
        matched one entry literally does not anchor another found through a concept.
        """
        if not self.anchored or self.literal is None:
            return self.anchored
        return any(index.holds(entry, stems) for index, stems in self.literal)


def score_merged(
    indexes: Sequence[LanguageIndex],
    words: Sequence[str],
    soft: Sequence[bool],
    tuning: Tuning,
    allowed: np.ndarray,
    generic: frozenset[str] = frozenset(),
    named: Sequence[Found] = (),
) -> Scored:
    """Return entry -> combined score (0..1) over several languages, and what matched.

    A word anchors a direct answer if it is not soft, not generic ("beantragen", a place
    name) and matched exactly, or with one typo if it is long enough for a typo to be safe.

    Each query word counts in whichever language matches an entry best, so a mixed message
    ("can someone with Gestattung join Durchstarten") or an entry without a translation in
    the user's language is scored as one entry rather than once per language.

    named holds per word the lexicon's concepts it names (see prepare).
    """
    n = len(allowed)
    queries = [prepare(index, words, soft, tuning, named) for index in indexes]
    # Each word counts in the languages where it matched best (an exact match beats a typo)
    # and weighs what it weighs there; a word that matched nowhere keeps its oov weight.
    fits = [max(q.expansions[i].fit for q in queries) for i in range(len(words))]
    literal = [max(q.expansions[i].literal_fit for q in queries) for i in range(len(words))]
    chosen = [
        [fit > 0 and q.expansions[i].fit >= fit - 1e-9 for q in queries]
        for i, fit in enumerate(fits)
    ]
    weights = [
        queries[0].weights[i]
        if use[0]
        else max((q.weights[i] for q, ok in zip(queries, use, strict=True) if ok), default=0.0)
        or min(q.weights[i] for q in queries)
        for i, use in enumerate(chosen)
    ]
    cap = tuning.cap * max(index.max_idf for index in indexes)
    total = sum(weights) or 1.0
    if cap:
        total = min(total, cap)
    # Where a word matched in the first (the user's) language, an entry translated into it is
    # judged by that translation alone: other translations only stand in for missing ones.
    untranslated = np.ones(n, dtype=bool)
    untranslated[indexes[0].doc_entry] = False
    acc = np.zeros(n)
    matched = anchored = False
    # With concepts of the lexicon in the query, also keep what its words match by themselves.
    lexical = any(named)
    reached: list[tuple[LanguageIndex, tuple[str, ...]]] = []
    literal_acc = np.zeros(n)
    for i, is_soft in enumerate(soft):
        anchor = (
            not is_soft
            and words[i] not in generic
            and literal[i] >= tuning.anchor
            and (literal[i] >= 1.0 or len(words[i]) >= tuning.anchor_length)
        )
        anchored = anchored or anchor
        if anchor and lexical:
            for index, query in zip(indexes, queries, strict=True):
                stems = _own_stems(query.expansions[i], tuning.anchor)
                if stems:
                    reached.append((index, stems))
        best = np.zeros(n)
        alone = np.zeros(n)
        for k, (index, query) in enumerate(zip(indexes, queries, strict=True)):
            if not chosen[i][k]:
                continue
            exp = query.expansions[i]
            docs, values = _word_values(index, exp, tuning.mask_weights)
            entries = index.doc_entry[docs]
            values = weights[i] * values
            own = _by_word(exp, index) if lexical else None
            if k and chosen[i][0]:
                keep = untranslated[entries]
                entries, values = entries[keep], values[keep]
                own = None if own is None else own[keep]
            np.maximum.at(best, entries, values)
            if lexical:
                np.maximum.at(alone, entries[own], values[own])
        best *= allowed
        acc += best
        literal_acc += alone * allowed
        matched = matched or (not is_soft and bool(best.any()))
    cov = acc / total
    found = np.flatnonzero(cov)
    if len(found) > tuning.candidates:
        found = found[np.argpartition(-cov[found], tuning.candidates)[: tuning.candidates]]
    text = " ".join(words)
    canon, canon_weight = _canon(words, named), tuning.expansions["canon"]
    merged = [Query(list(words), q.expansions, weights, list(soft), cap) for q in queries]
    scores: dict[int, float] = {}
    for entry in found.tolist():
        lap = sim = 0.0
        for index, query in zip(indexes, merged, strict=True):
            doc = index.entry_doc.get(entry)
            if doc is None:
                continue
            lap = max(lap, overlap(index, query, doc, tuning.sentence))
            sim = max(sim, similarity(index, text, doc, canon, canon_weight))
        scores[entry] = (
            tuning.coverage * float(cov[entry]) + tuning.overlap * lap + tuning.fuzzy * sim
        )
    if not lexical:
        return Scored(scores, matched, anchored)
    alone_queries = [
        Query(list(words), [_without_concepts(e) for e in q.expansions], weights, list(soft), cap)
        for q in queries
    ]
    doubt = Doubt(literal_acc / total, indexes, alone_queries, text, tuning)
    return Scored(scores, matched, anchored, tuple(reached), doubt)


def _canon(words: Sequence[str], named: Sequence[Found]) -> str:
    """Return the query with each word that names a concept as its best concept's stand-in."""
    if not any(named):
        return ""
    canon = (stand_in(found[0][0]) if found else w for w, found in zip(words, named, strict=True))
    return " ".join(dict.fromkeys(canon))
