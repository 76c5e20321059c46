"""The answering engine: index the FAQ once, then rank and decide for each free-text question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from bot.answers.index import Document, LanguageIndex
from bot.answers.normalise import normalise, words
from bot.answers.programs import Programs
from bot.answers.rank import Tuning, score_merged
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


class AnswerEngine:
    """Answer free-text questions from the FAQ of one content store."""

    def __init__(self, content: Content, tuning: Tuning | None = None) -> None:
        self.tuning = tuning or Tuning()
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
        self._indexes = {
            lang: LanguageIndex(lang, docs, self.tuning.expansions, ALSO_SEARCHED)
            for lang, docs in by_lang.items()
        }
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
        allowed = self._allowed(municipality, today or date.today())
        entries = self._entries
        indexes = [self._indexes[code] for code in langs if code in self._indexes]
        if not indexes:
            return Decision("unknown", None, (), ())
        scored = score_merged(
            indexes, words, soft, self.tuning, allowed, generic(langs) | self._places
        )
        scores, matched = scored.scores, scored.matched
        named = self._programs.named(words)
        if named:
            families = self._programs.families
            for entry in scores:
                if families[entry] and not families[entry] & named:
                    scores[entry] *= 1 - self.tuning.other_program
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_HITS]
        hits = tuple(Hit(entries[i].id, "faq", round(min(float(s), 1.0), 4)) for i, s in ranked)
        if not matched:
            return Decision("unknown", None, (), hits)
        decision = decide(hits, self.tuning)
        if decision.kind == "answer" and not scored.anchored:
            # Only generic words matched ("kindergeld beantragen", "wohnung in köln"): offer.
            return Decision("suggest", None, tuple(h.id for h in hits[:MAX_SUGGESTIONS]), hits)
        return decision

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
