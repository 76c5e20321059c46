"""Recognise a free-text question that asks for a local offer ("Is there a German course in Köln?").

No telegram here. The words live in `requests.yaml` (data, per language); this module folds
a question like the answering engine does, looks for a kind of offer, a way of asking where
or whether there is one, and a municipality, and says what to search for. The work is
bounded by the question's first `MAX_WORDS` words, whatever the message holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.answers.normalise import normalise
from bot.catalog.schema import Content, Municipality

#: Only a question's start is read: an offer request is a short question.
MAX_CHARS, MAX_WORDS = 600, 64
#: Phrase words up to this long must match a whole word, longer ones a word's start.
WHOLE = 3
#: A municipality's name may carry a case ending of up to NAME_ENDING letters when it has
#: at least NAME_STEM letters ("в Дюссельдорфе", "у Кельні").
NAME_STEM, NAME_ENDING = 4, 2
#: Arabic clitics in front of a word ("the", "and", "with", "for", "so"), longest first.
_CLITICS = ("وال", "بال", "فال", "لل", "ال", "و", "ب", "ل", "ف")
#: The word that folds "Kreis X" to "X" for the names people use for a Kreis.
_KREIS = "kreis"

Phrase = tuple[str, ...]
#: The sections of requests.yaml.
KEYS = ("types", "any", "asks", "keeps_faq")


@dataclass(frozen=True)
class OfferRequest:
    """What a question asks for: an offer type (None: any kind) and the place it names."""

    offer_type: str | None
    municipality: str | None


@dataclass(frozen=True)
class Words:
    """The folded phrases of `requests.yaml`: per offer type, for any kind, and for asking."""

    types: Mapping[str, tuple[Phrase, ...]]
    any: tuple[Phrase, ...]
    asks: tuple[Phrase, ...]
    keeps_faq: tuple[Phrase, ...] = ()


def _phrases(by_language: Mapping[str, Iterable[str]]) -> tuple[Phrase, ...]:
    found = {tuple(normalise(str(p)).split()) for words in by_language.values() for p in words}
    return tuple(sorted((p for p in found if p), key=lambda p: (-len(p), p)))


def parse_words(raw: Mapping[str, Any]) -> Words:
    """Fold the raw data of `requests.yaml` (a ValueError says what is wrong with it)."""
    if set(raw) != set(KEYS):
        raise ValueError(f"requests.yaml needs exactly the keys {', '.join(KEYS)}")
    groups = [(name, raw[name]) for name in KEYS if name != "types"]
    for name, by_language in (*raw["types"].items(), *groups):
        if not isinstance(by_language, dict) or not all(
            isinstance(words, list) and words for words in by_language.values()
        ):
            raise ValueError(f"requests.yaml: {name} needs a non-empty list per language")
    types = {name: _phrases(by_language) for name, by_language in raw["types"].items()}
    return Words(types, _phrases(raw["any"]), _phrases(raw["asks"]), _phrases(raw["keeps_faq"]))


@cache
def words() -> Words:
    """The shipped words (read once)."""
    text = resources.files("bot.matching").joinpath("requests.yaml").read_text("utf-8")
    return parse_words(yaml.safe_load(text))


def _forms(word: str) -> tuple[str, ...]:
    """A word and, for Arabic script, the word without a clitic in front."""
    forms = [word]
    for clitic in _CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 3:
            forms.append(word[len(clitic) :])
    return tuple(forms)


def _fits(phrase_word: str, forms: tuple[str, ...]) -> bool:
    if len(phrase_word) <= WHOLE:
        return phrase_word in forms
    return any(form.startswith(phrase_word) for form in forms)


@dataclass(frozen=True)
class _Text:
    """A question's words (each with its forms) and every form and long prefix in it."""

    words: list[tuple[str, ...]]
    pieces: frozenset[str]

    @classmethod
    def of(cls, words: list[tuple[str, ...]]) -> _Text:
        pieces = {
            form[:end]
            for forms in words
            for form in forms
            for end in range(WHOLE + 1, len(form) + 1)
        }
        return cls(words, frozenset(pieces | {form for forms in words for form in forms}))


def _find(phrase: Phrase, question: _Text) -> bool:
    """Does the phrase occur in the question, word after word?"""
    if not all(word in question.pieces for word in phrase):
        return False  # the quick test: some word of the phrase is nowhere
    text = question.words
    last = len(text) - len(phrase)
    return any(
        all(_fits(word, text[start + i]) for i, word in enumerate(phrase))
        for start in range(last + 1)
    )


def _longest(groups: Mapping[str, tuple[Phrase, ...]], text: _Text) -> str | None:
    """The offer type whose longest phrase in the text is longest (ties: the data's order)."""
    best, size = None, 0
    for name, phrases in groups.items():
        found = next((len(p) for p in phrases if _find(p, text)), 0)
        if found > size:
            best, size = name, found
    return best


def _names(municipality: Municipality) -> set[Phrase]:
    aliases = municipality.extra.get("aliases") or ()
    if isinstance(aliases, str):
        aliases = (aliases,)
    names = {tuple(normalise(n).split()) for n in (municipality.name, *map(str, aliases))}
    names |= {name[1:] for name in names if len(name) > 1 and name[0] == _KREIS}
    return {name for name in names if name}


def _names_word(name_word: str, word: str) -> bool:
    """A name's word, whole or with a short ending ("Дюссельдорфе", "Kölner")."""
    if word == name_word:
        return True
    return (
        len(name_word) >= NAME_STEM
        and word.startswith(name_word)
        and (len(word) - len(name_word) <= NAME_ENDING)
    )


def _named_at(name: Phrase, plain: list[str], start: int) -> bool:
    return all(_names_word(w, plain[start + i]) for i, w in enumerate(name))


def named_place(content: Content, question: _Text) -> str | None:
    """The municipality the text names (whole words, or with a case ending; longest wins)."""
    best, size = None, 0
    plain = [forms[0] for forms in question.words]
    for municipality in content.municipalities.values():
        for name in _names(municipality):
            if len(name) > size and any(
                _named_at(name, plain, i) for i in range(len(plain) - len(name) + 1)
            ):
                best, size = municipality.id, len(name)
    return best


def understand(text: str, content: Content, known: Words | None = None) -> OfferRequest | None:
    """Return what to search for when the text asks for a local offer, else None."""
    folded = normalise(text, limit=MAX_CHARS).split()[:MAX_WORDS]
    if not folded:
        return None
    found = _Text.of([_forms(word) for word in folded])
    known = known or words()
    offer_type = _longest(known.types, found)
    if offer_type is None and not any(_find(p, found) for p in known.any):
        return None
    place = named_place(content, found)
    asks = any(_find(p, found) for p in known.asks)
    if not asks and (place is None or offer_type is None):
        return None  # a kind named beside a place asks for it; "a course" beside one need not
    if place is None and any(_find(p, found) for p in known.keeps_faq):
        return None
    return OfferRequest(offer_type, place)
