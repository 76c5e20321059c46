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
            "tag": 0.5,
            "answer": 0.25,
        }
    )
    expansions: dict[str, float] = field(
        default_factory=lambda: {
            "edit1": 0.8,
            "edit2": 0.5,
            "compound": 0.6,
            "edge": 0.5,
            "part": 0.6,
        }
    )
    soft: float = 0.5  # weight of a question word, as a share of its idf
    oov: float = 0.7  # weight of an unmatched word, as a share of the largest idf ...
    oov_length: int = 7  # ... reached at this length (short unknown words weigh less)
    coverage: float = 0.4  # combination weights of the three scores
    overlap: float = 0.3
    fuzzy: float = 0.3
    other_program: float = 0.2  # score cut for an entry about another program than the one named
    candidates: int = 20  # documents per language that get the full score
    answer: float = 0.46  # answer directly at or above this score ...
    margin: float = 0.02  # ... and this far above the runner-up
    suggest: float = 0.3  # below this nothing is plausible: "unknown"

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
    soft: list[bool]  # question words ("wer", "what"): weighed less, never enough alone

    @cached_property
    def total(self) -> float:
        return sum(self.weights) or 1.0

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
    return Query(list(words), expansions, weights, list(soft))


def coverage(
    index: LanguageIndex, query: Query, mask_weights: np.ndarray, allowed: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Return per doc the share of the query's weight it covers (field-weighted, 0 if hidden),
    and whether a visible doc matched a word that is not a question word."""
    acc = np.zeros(len(index))
    hard = np.zeros(len(index), dtype=bool)
    for exp, weight, soft in zip(query.expansions, query.weights, query.soft, strict=True):
        best = acc if len(exp.stems) == 1 else np.zeros(len(index))
        for stem_, ew in exp.stems:
            post = index.match(stem_)
            docs = post >> BITS
            values = ew * mask_weights[post & MASK]
            if best is acc:
                acc[docs] += weight * values
            else:
                best[docs] = np.maximum(best[docs], values)
            if not soft:
                hard[docs] = True
        if best is not acc:
            acc += weight * best
    visible = allowed[index.doc_entry]
    return acc * visible / query.total, bool((hard & (visible > 0)).any())


def overlap(index: LanguageIndex, query: Query, doc: int) -> float:
    """Return the best F1 between the query's words and one question variant's words."""
    best = 0.0
    idf, lookup, weights = index.idf, query.lookup, query.weights
    for variant in index.variants[doc]:
        matched: dict[int, float] = {}
        precision = denom = 0.0
        for stem_ in variant.stems:
            denom += idf[stem_]
            found = lookup.get(stem_)
            if found:
                precision += idf[stem_] * max(ew for _, ew in found)
                for i, ew in found:
                    if ew > matched.get(i, 0.0):
                        matched[i] = ew
        if not matched:
            continue
        recall = sum(weights[i] * ew for i, ew in matched.items()) / query.total
        precision /= denom
        best = max(best, 2 * recall * precision / (recall + precision))
    return best


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
            + tuning.overlap * overlap(index, query, doc)
            + tuning.fuzzy * similarity(index, text, doc)
        )
        entry = int(index.doc_entry[doc])
        if score > scores.get(entry, 0.0):
            scores[entry] = score
    return scores, matched
