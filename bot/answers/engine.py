"""The answering engine: index the FAQ once, then rank and decide for each free-text question."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np

from bot.answers.index import Document, LanguageIndex
from bot.answers.lexicon import ConceptMatcher, Found, Lexicon, matcher, shipped_lexicon
from bot.answers.lexicon.schema import LANGUAGES as LEXICON_LANGUAGES
from bot.answers.meaning import Meaning
from bot.answers.normalise import normalise, words
from bot.answers.programs import Programs
from bot.answers.rank import Scored, Tuning, score_merged
from bot.answers.semantic import SemanticRanker, fuse
from bot.answers.smalltalk import smalltalk
from bot.answers.stopwords import generic, union, union_questions
from bot.catalog.schema import REFERENCE_LANGUAGE, Content, FaqEntry

#: Languages searched besides the user's own: people mix in German and English terms.
ALSO_SEARCHED = (REFERENCE_LANGUAGE, "en")
MAX_HITS = 10
MAX_SUGGESTIONS = 3
#: The most of a message the engine reads, in normalised characters (Telegram's limit) ...
MAX_TEXT = 4096
#: ... the distinct content words it keeps (the first ones), the letters it keeps of each
#: (no vocabulary word is nearly that long) and of all: stemming takes time per letter.
MAX_WORDS, MAX_WORD, MAX_LETTERS = 32, 40, 256


@dataclass(frozen=True)
class Hit:
    """One ranked entry and its score in 0..1."""

    id: str
    kind: str
    score: float


@dataclass(frozen=True)
class Decision:
    """What to do with a question: answer, suggest, say unknown, reply to small talk, or nothing."""

    kind: str  # "answer" | "suggest" | "unknown" | "smalltalk" | "empty"
    answer_id: str | None
    suggestions: tuple[str, ...]
    hits: tuple[Hit, ...]
    smalltalk: str | None = None  # "greeting" | "thanks" | "bye" when kind == "smalltalk"


EMPTY = Decision("empty", None, (), ())
#: The words of a message as written (for their frequency in general language).
_WRITTEN = re.compile(r"\w+")


class _Asked(NamedTuple):
    """A question read for ranking: its words, which are soft, the concepts they name, where."""

    words: list[str]
    soft: list[bool]
    meanings: Sequence[Found]
    indexes: list[LanguageIndex]
    allowed: np.ndarray
    generic: frozenset[str]


class AnswerEngine:
    """Answer free-text questions from the FAQ of one content store."""

    def __init__(
        self,
        content: Content,
        tuning: Tuning | None = None,
        lexicon: Lexicon | None = None,
        ranker: SemanticRanker | None = None,
        meaning: Meaning | None = None,
    ) -> None:
        """Index content; lexicon is the shipped one unless given (lexicon.EMPTY: none).

        ranker (SEMANTIC_MODEL) adds a semantic similarity to the lexical score; meaning
        tells the words that carry a question's meaning (Meaning(rare=0): none do).
        """
        self.tuning = tuning or Tuning()
        self.lexicon = shipped_lexicon() if lexicon is None else lexicon
        self.meaning = meaning or Meaning()
        self._entries: list[FaqEntry] = list(content.faq.values())
        by_lang: dict[str, list[Document]] = {}
        for i, entry in enumerate(self._entries):
            program = content.programs.get(entry.program) if entry.program else None
            for lang, text in entry.translations.items():
                extra = program.text(lang).get("title", "") if program else ""
                tags = tuple(t.replace("-", " ") for t in entry.tags) + ((extra,) if extra else ())
                by_lang.setdefault(lang, []).append(
                    Document(i, text.questions, text.keywords, tags, text.answer)
                )
        self._masks: dict[tuple[str | None, date], np.ndarray] = {}
        self._scopes = np.array([e.scope for e in self._entries], dtype=object)
        self._until = np.array(
            [
                e.valid_until.toordinal() if e.valid_until else date.max.toordinal()
                for e in self._entries
            ],
            dtype=np.int64,
        )
        self._programs = Programs(content, self._entries)
        self._ranker = ranker
        self._vectors = ranker.index_entries([_texts(e) for e in self._entries]) if ranker else None
        self._indexes = {
            lang: LanguageIndex(
                lang, docs, self.tuning.expansions, ALSO_SEARCHED, self._matcher(lang)
            )
            for lang, docs in by_lang.items()
        }
        self.meaning.warm({*self._indexes, *LEXICON_LANGUAGES})  # not on a user's question
        #: Numbers a question variant or keyword names ("17", "28"): content words, not filler.
        self._numbers = frozenset().union(*(i.numbers for i in self._indexes.values()))
        #: Place names ("köln", "кельн"): they say where, not what, so never anchor an answer.
        self._places = frozenset(
            word
            for m in content.municipalities.values()
            for name in (m.id, m.name, *_aliases(m.extra.get("aliases")))
            for word in normalise(name.replace("-", " ")).split()
        )

    @property
    def entry_count(self) -> int:
        """Return how many FAQ entries the engine indexed."""
        return len(self._entries)

    def ask(
        self,
        text: str,
        lang: str,
        municipality: str | None = None,
        today: date | None = None,
    ) -> Decision:
        """Rank the FAQ entries a user may see for text, then decide how to reply."""
        normal = normalise(text, MAX_TEXT)
        if not normal:
            return EMPTY
        kind = smalltalk(normal)
        if kind:
            return Decision("smalltalk", None, (), (), smalltalk=kind)
        langs = tuple(dict.fromkeys((lang, *ALSO_SEARCHED)))
        stops = union(langs)
        question = union_questions(langs)
        words = _words(normal, stops - question)
        soft = [w in question or (w.isdigit() and w not in self._numbers) for w in words]
        if all(soft):
            return Decision("unknown", None, (), ())
        indexes = [self._indexes[code] for code in langs if code in self._indexes]
        if not indexes:
            return Decision("unknown", None, (), ())
        concepts = self._matcher(lang)
        asked = _Asked(
            words,
            soft,
            concepts.in_query(words, self.tuning.expansions) if concepts else (),
            indexes,
            self._allowed(municipality, today or date.today()),
            generic(langs) | self._places,
        )
        tuning = self.tuning.for_language(lang)
        ranked, hits, scored = self._rank(asked, tuning, text)
        if not scored.matched:
            return Decision("unknown", None, (), hits)
        decision = decide(hits, tuning)
        if decision.kind == "answer" and not (
            scored.anchors(ranked[0][0]) and self._holds(scored, ranked, tuning)
        ):
            # Only generic words matched ("kindergeld beantragen", "wohnung in köln"), or the
            # entry is only as likely as this through the lexicon's concepts: offer.
            return Decision("suggest", None, tuple(h.id for h in hits[:MAX_SUGGESTIONS]), hits)
        if decision.kind == "answer":
            return self._covered(decision, asked, ranked, _written(text), lang)
        return decision

    def _covered(
        self,
        decision: Decision,
        asked: _Asked,
        ranked: list[tuple[int, float]],
        written: dict[str, str],
        lang: str,
    ) -> Decision:
        """Answer only if every word carrying the question's meaning matched the entry.

        "Kindergeld mit Duldung?" is not answered by the entry about the Duldung: the
        entries that cover all such words are offered instead, and when none does, Lotse
        says it does not know and shows the best entries as answers that might help.
        """
        carrying = [
            i
            for i, word in enumerate(asked.words)
            if not asked.soft[i]
            and word not in asked.generic
            and self._known(asked, i)
            and self.meaning.carries(written.get(word, word), lang)
        ]
        if not carrying:
            return decision

        def covers(entry: int) -> bool:
            return all(self._matches(asked, i, entry) for i in carrying)

        if covers(ranked[0][0]):
            return decision
        best = tuple(h.id for h in decision.hits[:MAX_SUGGESTIONS])
        fitting = tuple(
            self._entries[e].id for e, _ in ranked[1 : MAX_SUGGESTIONS + 1] if covers(e)
        )
        if fitting:
            return Decision("suggest", None, fitting, decision.hits)
        return Decision("unknown", None, best, decision.hits)

    @staticmethod
    def _known(asked: _Asked, i: int) -> bool:
        """Does query word i name a topic of the field (a concept of the lexicon)?

        Only a topic can make an entry the wrong answer: a rare word Lotse knows nothing of
        ("Schützling", "Maler") is the asker's own detail, and a rare verb ("beachten",
        "beitreten") says how, not what about.
        """
        return bool(asked.meanings and asked.meanings[i])

    @staticmethod
    def _matches(asked: _Asked, i: int, entry: int) -> bool:
        """Does query word i match the entry, by itself or through a concept it names?"""
        word = asked.words[i]
        marks = [mark for mark, _ in asked.meanings[i]] if asked.meanings else []
        return any(index.holds(entry, [*index.whole(word), *marks]) for index in asked.indexes)

    def _rank(
        self, asked: _Asked, tuning: Tuning, text: str = ""
    ) -> tuple[list[tuple[int, float]], tuple[Hit, ...], Scored]:
        """Return the best entries with their scores, as hits, and how the question matched."""
        scored = score_merged(
            asked.indexes,
            asked.words,
            asked.soft,
            tuning,
            asked.allowed,
            asked.generic,
            asked.meanings,
        )
        scores = dict(scored.scores)
        if self._ranker is not None and self._vectors is not None and tuning.semantic and text:
            scores = self._fused(text, scores, asked.allowed)
        named = self._programs.named(asked.words)
        if named:
            families = self._programs.families
            for entry in scores:
                if families[entry] and not families[entry] & named:
                    scores[entry] *= 1 - tuning.other_program
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_HITS]
        entries = self._entries
        # Scores above 1 (a question that is an entry's own, and more) are scaled down
        # together, so that the runner-up stays as far behind as it is.
        top = max(1.0, ranked[0][1]) if ranked else 1.0
        hits = tuple(Hit(entries[i].id, "faq", round(float(s) / top, 4)) for i, s in ranked)
        return ranked, hits, scored

    def _fused(self, text: str, scores: dict[int, float], allowed: np.ndarray) -> dict[int, float]:
        """Fuse the lexical scores with the semantic ranker's similarity (SEMANTIC_MODEL)."""
        assert self._ranker is not None and self._vectors is not None
        lexical = np.zeros(len(self._entries))
        for entry, score in scores.items():
            lexical[entry] = score
        semantic = self._ranker.similarities(text[:MAX_TEXT], self._vectors)
        fused = fuse(lexical, semantic, self.tuning.semantic) * allowed
        return {int(i): float(fused[i]) for i in np.flatnonzero(fused)}

    def _holds(self, scored: Scored, ranked: list[tuple[int, float]], tuning: Tuning) -> bool:
        """Return whether the first entry stays the direct answer with the lexicon in doubt.

        Where the question names concepts of the lexicon, they lift the scores; a direct
        answer must hold with what they add weighed at Tuning.doubt (the best few entries
        scored again), else the entries are offered.
        """
        if scored.doubt is None:
            return True
        share = tuning.doubt
        again = []
        for entry, score in ranked[:MAX_SUGGESTIONS]:
            raw = scored.scores.get(entry, 0.0)  # 0: found by the semantic ranker alone
            alone = scored.doubt.score(entry) * (score / raw if raw else 1.0)
            again.append((entry, alone + share * max(0.0, score - alone)))
        again.sort(key=lambda kv: (-kv[1], kv[0]))
        entries = self._entries
        hits = tuple(Hit(entries[i].id, "faq", s) for i, s in again)
        decision = decide(hits, tuning)
        return decision.kind == "answer" and again[0][0] == ranked[0][0]

    def _matcher(self, lang: str) -> ConceptMatcher | None:
        """Return the lexicon's matcher for texts of lang, or None without a lexicon."""
        return matcher(self.lexicon, lang) if self.lexicon.concepts else None

    def _allowed(self, municipality: str | None, day: date) -> np.ndarray:
        """Return per entry 1.0 if a user in municipality may see it on day, else 0.0."""
        key = (municipality, day)
        mask = self._masks.get(key)
        if mask is None:
            if len(self._masks) > 64:
                self._masks.clear()
            scoped = (self._scopes == "nrw") | (self._scopes == (municipality or "nrw"))
            mask = self._masks[key] = (scoped & (self._until >= day.toordinal())).astype(float)
        return mask


def _texts(entry: FaqEntry) -> list[str]:
    """Every question variant and answer of an entry, in every language (semantic vectors)."""
    return [t for x in entry.translations.values() for t in (*x.questions, x.answer)]


def _written(text: str) -> dict[str, str]:
    """Map each folded word of text to the word as written (lower case, accents kept)."""
    written: dict[str, str] = {}
    for token in _WRITTEN.findall(text[:MAX_TEXT].casefold())[:MAX_LETTERS]:
        for folded in normalise(token).split():
            written.setdefault(folded, token)
    return written


def _aliases(raw: object) -> tuple[str, ...]:
    """Return a municipality's aliases extension as strings (it may be missing or malformed)."""
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, list | tuple):
        return tuple(a for a in raw if isinstance(a, str))
    return ()


def _words(normal: str, stops: frozenset[str]) -> list[str]:
    """Return the first distinct words of a normalised query that are not stop words.

    At most MAX_WORDS words of at most MAX_WORD letters, MAX_LETTERS in all: so the work per
    query is bounded whatever the message says.
    """
    kept: list[str] = []
    letters = 0
    for word in dict.fromkeys(w[:MAX_WORD] for w in words(normal, stops)):
        letters += len(word)
        if len(kept) == MAX_WORDS or letters > MAX_LETTERS:
            break
        kept.append(word)
    return kept


def decide(hits: tuple[Hit, ...], tuning: Tuning) -> Decision:
    """Answer above the threshold with a margin, suggest the plausible, else say unknown."""
    if not hits or hits[0].score < tuning.suggest:
        return Decision("unknown", None, (), hits)
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if hits[0].score >= tuning.answer and hits[0].score - runner_up >= tuning.margin:
        return Decision("answer", hits[0].id, (), hits)
    suggestions = tuple(h.id for h in hits[:MAX_SUGGESTIONS] if h.score >= tuning.suggest)
    return Decision("suggest", None, suggestions, hits)
