"""The engine answers the worst messages we can construct in bounded time and bounded memory.

Speed is measured in bench/abuse.py; the time guard here is only a generous net for a step
that grows with the input again (before the bounds, one 4,096-letter word took 30 s).
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from bot.answers.engine import (
    ALSO_SEARCHED,
    MAX_LETTERS,
    MAX_TEXT,
    MAX_WORD,
    MAX_WORDS,
    AnswerEngine,
)
from bot.answers.index import CACHE_SIZE, MAX_COMPOUND, MIN_PART, Document, LanguageIndex
from bot.answers.normalise import LONGEST_STEMMED, _stem, normalise, stem
from bot.answers.rank import Tuning
from bot.catalog.schema import Content
from tests.answers.hostile import LIMIT, hostile_messages

TODAY = date(2027, 1, 15)
#: Generous: a slow CI machine, shared; the target (bench/abuse.py) is 50 ms.
GUARD_SECONDS = 1.0
LANGUAGES = ("de", "ar", "uk", "en", "fa")
KINDS = {"answer", "suggest", "unknown", "smalltalk", "empty"}


@pytest.fixture(scope="module")
def shipped(shipped_content: Content) -> AnswerEngine:
    """Return an engine over the shipped content."""
    return AnswerEngine(shipped_content)


@pytest.fixture
def german(content: Content) -> LanguageIndex:
    """Return a fresh German index over the small hand-built FAQ (tests/answers/conftest.py)."""
    docs = [
        Document(i, text.questions, text.keywords, entry.tags, text.answer)
        for i, entry in enumerate(content.faq.values())
        if (text := entry.translations.get("de"))
    ]
    return LanguageIndex("de", docs, Tuning().expansions, ALSO_SEARCHED)


@pytest.fixture(scope="module")
def messages(shipped_content: Content) -> dict[str, str]:
    """Return the hostile messages, their near misses made of the shipped FAQ's words."""
    vocabulary = {
        word
        for entry in shipped_content.faq.values()
        for text in entry.translations.values()
        for part in (*text.questions, text.answer)
        for word in normalise(part).split()
    }
    return hostile_messages(sorted(vocabulary))


class CountingSurface(dict):
    """An index's surface forms that count how often a word is looked up with `in`."""

    lookups = 0

    def __contains__(self, key: object) -> bool:
        self.lookups += 1
        return super().__contains__(key)


def test_the_hostile_messages_are_what_telegram_lets_through(messages: dict[str, str]) -> None:
    assert len(messages) >= 25
    assert all(0 < len(text) <= LIMIT for text in messages.values())
    assert len(normalise(messages["㌖ (6 letters each)"])) > 5 * LIMIT  # NFKC expands them
    assert len(normalise(messages["ﷺ (18 characters each)"])) > 15 * LIMIT


def test_every_hostile_message_gets_a_decision_quickly_in_every_language(
    shipped: AnswerEngine, messages: dict[str, str]
) -> None:
    slow = {}
    for kind, text in messages.items():
        for lang in LANGUAGES:
            start = time.perf_counter()
            decision = shipped.ask(text, lang, "koeln", TODAY)
            took = time.perf_counter() - start
            assert decision.kind in KINDS
            if took > GUARD_SECONDS:
                slow[f"{kind} ({lang})"] = round(took, 2)
    assert not slow


def test_a_query_keeps_few_words_of_bounded_length(
    shipped: AnswerEngine, messages: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expanded: list[str] = []
    original = LanguageIndex.expand

    def expand(self: LanguageIndex, word: str):
        expanded.append(word)
        return original(self, word)

    monkeypatch.setattr(LanguageIndex, "expand", expand)
    searched = 3  # the user's language, German and English
    for kind, text in messages.items():
        expanded.clear()
        shipped.ask(text, "ar", None, TODAY)
        assert len(expanded) <= MAX_WORDS * searched, kind
        assert all(len(word) <= MAX_WORD for word in expanded), kind
        assert sum(map(len, expanded)) <= MAX_LETTERS * searched, kind


def test_the_parts_looked_up_in_a_word_are_bounded_whatever_its_length(
    german: LanguageIndex, messages: dict[str, str]
) -> None:
    german.surface = counting = CountingSurface(german.surface)
    bound = MAX_COMPOUND * (german.longest - MIN_PART + 1)
    for kind in ("latin word", "compound of known words", "near-miss compound"):
        word = normalise(messages[kind]).split()[0]
        for size in (MAX_WORD, len(word)):
            counting.lookups = 0
            german.expand(word[:size])
            assert 0 < counting.lookups <= bound, (kind, size)


def test_a_compound_still_finds_the_words_inside_it(german: LanguageIndex) -> None:
    found = dict(german.expand(normalise("Hauptschulabschlusskurse")).stems)
    assert german.surface["hauptschulabschluss"] in found


def test_normalising_with_a_limit_folds_only_the_start_of_an_expanding_text(
    messages: dict[str, str],
) -> None:
    for kind, text in messages.items():
        head = normalise(text, MAX_TEXT)
        assert len(head) <= 3 * MAX_TEXT, kind  # casefold makes at most three of one letter
        whole = normalise(text)
        assert whole.startswith(head.rsplit(" ", 1)[0]), kind
    question = "Wie kann ich den Hauptschulabschluss nachholen? ﷺ"
    assert normalise(question, MAX_TEXT) == normalise(question)


def test_a_flood_of_new_words_cannot_grow_the_expansion_cache(german: LanguageIndex) -> None:
    for number in range(CACHE_SIZE + 500):
        german.expand(f"flood{number}word")
    assert len(german._cache) == CACHE_SIZE
    assert "flood0word" not in german._cache  # the oldest went first
    assert german.expand("flood0word").word == "flood0word"


def test_long_words_are_their_own_stem_and_are_not_cached() -> None:
    cached = _stem.cache_info().currsize
    for lang in ("de", "ar", "fa", "fr"):
        word = "ب" * 4096 if lang in ("ar", "fa") else "a" * 4096
        start = time.perf_counter()
        assert stem(word, lang) == word
        assert time.perf_counter() - start < GUARD_SECONDS
    assert stem("x" * (LONGEST_STEMMED + 1), "de") == "x" * (LONGEST_STEMMED + 1)
    assert _stem.cache_info().currsize == cached
    assert _stem.cache_info().maxsize <= 1 << 15
    assert stem("anmeldungen", "de") == "anmeld"
