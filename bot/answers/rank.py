"""Score FAQ entries for a query: field-weighted coverage, variant overlap and fuzzy similarity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz

from bot.answers.index import BITS, FIELDS, MASK, Expansion, LanguageIndex


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
    answer: float = 0.5  # answer directly at or above this score ...
    margin: float = 0.01  # ... and this far above the runner-up
    suggest: float = 0.4  # below this nothing is plausible: "unknown"
    cap: float = 3.0  # a long query's weight counts at most this many largest idfs (0: no cap)

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


def prepare(
    index: LanguageIndex, words: Sequence[str], soft: Sequence[bool], tuning: Tuning
) -> Query:
    """Expand each query word in index and weigh it by the idf of what it matched."""
    expansions = [index.expand(w) for w in words]
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
    """Return the best F1 of the query against one question variant or (weighed) answer sentence."""
    best = 0.0
    for variant in index.variants[doc]:
        best = max(best, _f1(index, query, variant.stems))
    if sentence:
        for stems in index.sentences[doc]:
            best = max(best, sentence * _f1(index, query, stems))
    return best


def _f1(index: LanguageIndex, query: Query, stems: tuple[str, ...]) -> float:
    """Return the F1 of query words found in stems (recall) and stems found (precision)."""
    idf, lookup = index.idf, query.lookup
    matched: dict[int, float] = {}
    precision = denom = 0.0
    for stem_ in stems:
        denom += idf[stem_]
        found = lookup.get(stem_)
        if found:
            precision += idf[stem_] * max(ew for _, ew in found)
            for i, ew in found:
                if ew > matched.get(i, 0.0):
                    matched[i] = ew
    if not matched:
        return 0.0
    recall = min(1.0, sum(query.weights[i] * ew for i, ew in matched.items()) / query.total)
    precision /= denom
    return 2 * recall * precision / (recall + precision)


def similarity(index: LanguageIndex, text: str, doc: int) -> float:
    """Return the best fuzzy similarity (0..1) between the query and a question variant."""
    return (
        max(
            (fuzz.token_sort_ratio(text, v.text) for v in index.variants[doc] if v.text),
            default=0.0,
        )
        / 100.0
    )


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
