"""The words of `freetext.yaml`, folded and indexed once, and the content's place names.

No telegram here. Every phrase becomes an entry of one lexicon with its kind ("asks",
"person", "status", "unit", ...) and value (the status id, say); number words stay a table
per language; the municipalities of the content become a lexicon of their own, built once
per content.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.answers.normalise import normalise
from bot.catalog.schema import STATUSES, Content
from bot.eligibility.phrases import Entry, Lexicon, name, parse
from bot.i18n import SUPPORTED_LANGUAGES

#: Sections of phrases per language and the kind their entries get ("a.b": b under a).
KINDS = {
    "asks": "asks",
    "person": "person",
    "not_status": "not_status",
    "age.units": "unit",
    "age.cues": "cue",
    "age.after": "after",
    "age.approx": "approx",
    "born": "born",
    "school": "school",
    "wants": "wants",
    "negations.before": "negation_before",
    "negations.after": "negation_after",
    "negations.stop": "negation_stop",
    "nrw": "nrw",
    "outside_nrw": "outside",
    "places.prepositions": "preposition",
    "places.postpositions": "postposition",
}
#: A Kreis is also called by its name alone ("Kreis Kleve": "Kleve").
_KREIS = ("kreis", "stadteregion")


@dataclass(frozen=True)
class Words:
    """The folded data: one lexicon of phrases, number words, extra place names."""

    lexicon: Lexicon
    numbers: Mapping[str, Mapping[str, int]]
    aliases: Mapping[str, tuple[str, ...]]
    need_preposition: frozenset[str]


def _section(raw: Mapping[str, Any], path: str) -> Any:
    value: Any = raw
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            raise ValueError(f"freetext.yaml: {path} is missing")
        value = value[key]
    return value


def _by_language(value: Any, path: str) -> Mapping[str, Any]:
    """A mapping with exactly the supported languages as keys."""
    if not isinstance(value, Mapping) or set(value) != set(SUPPORTED_LANGUAGES):
        raise ValueError(f"freetext.yaml: {path} needs exactly {', '.join(SUPPORTED_LANGUAGES)}")
    return value


def _phrases(value: Any, path: str) -> Iterator[str]:
    for lang, phrases in _by_language(value, path).items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ValueError(f"freetext.yaml: {path}.{lang} needs a list of phrases")
        yield from phrases


def _numbers(value: Any) -> dict[str, dict[str, int]]:
    tables = {}
    for lang, table in _by_language(value, "numbers").items():
        if not isinstance(table, Mapping) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in table.values()
        ):
            raise ValueError(f"freetext.yaml: numbers.{lang} needs words with whole numbers")
        tables[lang] = {normalise(str(word)): n for word, n in table.items()}
    return tables


def parse_words(raw: Mapping[str, Any]) -> Words:
    """Fold the raw data of `freetext.yaml` (a ValueError says what is wrong with it)."""
    entries = [
        Entry(parse(p), kind)
        for path, kind in KINDS.items()
        for p in _phrases(_section(raw, path), path)
    ]
    statuses = _section(raw, "statuses")
    if not isinstance(statuses, Mapping) or set(statuses) != set(STATUSES):
        raise ValueError(f"freetext.yaml: statuses needs exactly {', '.join(STATUSES)}")
    for status, by_language in statuses.items():
        path = f"statuses.{status}"
        entries += [Entry(parse(p), "status", status) for p in _phrases(by_language, path)]
    aliases = _section(raw, "places.aliases")
    need = _section(raw, "places.need_preposition")
    if not isinstance(aliases, Mapping) or not all(isinstance(v, list) for v in aliases.values()):
        raise ValueError("freetext.yaml: places.aliases needs a list of names per id")
    if not isinstance(need, list):
        raise ValueError("freetext.yaml: places.need_preposition needs a list of names")
    return Words(
        lexicon=Lexicon(entries),
        numbers=_numbers(_section(raw, "numbers")),
        aliases={str(key): tuple(map(str, names)) for key, names in aliases.items()},
        need_preposition=frozenset(normalise(str(n)) for n in need),
    )


@cache
def words() -> Words:
    """The shipped words (read once)."""
    text = resources.files("bot.eligibility").joinpath("freetext.yaml").read_text("utf-8")
    return parse_words(yaml.safe_load(text))


def _names(content: Content, known: Words) -> Iterator[tuple[str, str]]:
    """(municipality id, a name people use for it): its name, aliases and extra spellings."""
    for town in content.municipalities.values():
        aliases = town.extra.get("aliases") or ()
        if isinstance(aliases, str):
            aliases = (aliases,)
        for each in (town.name, *map(str, aliases), *known.aliases.get(town.id, ())):
            yield town.id, each


def place_entries(content: Content, known: Words) -> Iterator[Entry]:
    """One entry per name of each municipality (value: its id and whether it needs "in")."""
    for town_id, each in _names(content, known):
        phrase = name(each)
        variants = {phrase}
        if len(phrase) > 1 and phrase[0].text in _KREIS:
            variants.add(phrase[1:])
        for variant in variants:
            folded = " ".join(pattern.text for pattern in variant)
            yield Entry(variant, "place", (town_id, folded in known.need_preposition))


class _Places:
    """The place lexicon of the content last asked about (built again when it changes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._for: tuple[object, object] | None = None
        self._lexicon = Lexicon(())

    def of(self, content: Content, known: Words) -> Lexicon:
        with self._lock:
            if (
                self._for is None
                or self._for[0] is not content.municipalities
                or (self._for[1] is not known)
            ):
                self._lexicon = Lexicon(place_entries(content, known))
                self._for = (content.municipalities, known)
            return self._lexicon


places = _Places().of
