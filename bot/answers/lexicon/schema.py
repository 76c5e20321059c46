"""The lexicon's data: concepts with their words per language, read and checked from YAML."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from bot.answers.normalise import words
from bot.answers.stopwords import union
from bot.catalog.yamlio import load_yaml

#: Languages a concept may list words in: the bot's eight, then Pashto, Kurmanji, Tigrinya
#: and Somali (some concepts only).
LANGUAGES = ("de", "en", "ar", "fa", "uk", "ru", "tr", "fr", "ps", "ku", "ti", "so")
#: Languages every concept must list words in: loanwords map to the German term.
REQUIRED = ("de", "en")
#: Keys of a concept besides its languages.
META = ("id", "about")
#: The package that ships the lexicon's YAML files.
PACKAGE = "bot.answers.lexicon"
SUFFIXES = (".yaml", ".yml")
#: Words no term is made of alone: the stop words of every language (question words too).
STOPS = union(LANGUAGES)


class LexiconError(ValueError):
    """The lexicon's files break its schema; `problems` lists each break, one per line."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Concept:
    """One thing people ask about, and the words and phrases for it in each language."""

    id: str
    terms: Mapping[str, tuple[str, ...]]  # language -> words and phrases, as written
    about: str = ""
    source: str = ""  # the file the concept was read from


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The concepts of the field, in file order."""

    concepts: tuple[Concept, ...]

    def __len__(self) -> int:
        return len(self.concepts)

    def counts(self) -> dict[str, int]:
        """Return per language how many concepts list words in it."""
        return {lang: sum(1 for c in self.concepts if c.terms.get(lang)) for lang in LANGUAGES}


EMPTY = Lexicon(())


def parse(raw: Any, source: str) -> tuple[list[Concept], list[str]]:
    """Return the concepts of one file's YAML and the problems found in it."""
    if not isinstance(raw, Mapping) or set(raw) != {"concepts"}:
        return [], [f"{source}: a lexicon file is a mapping with the one key 'concepts'"]
    items = raw["concepts"]
    if not isinstance(items, list) or not items:
        return [], [f"{source}: 'concepts' must be a non-empty list"]
    concepts, problems = [], []
    for n, item in enumerate(items, 1):
        concept, found = _concept(item, f"{source}: concept {n}")
        problems += found
        if concept:
            concepts.append(concept)
    return concepts, problems


def _concept(item: Any, where: str) -> tuple[Concept | None, list[str]]:
    """Return one concept and the problems of its mapping."""
    if not isinstance(item, Mapping):
        return None, [f"{where}: not a mapping"]
    cid = item.get("id")
    if not isinstance(cid, str) or not cid or cid != cid.strip().lower() or " " in cid:
        return None, [f"{where}: 'id' must be a lower-case word such as 'health-insurance'"]
    where = f"{where} '{cid}'"
    problems = [f"{where}: unknown key '{key}'" for key in item if key not in (*META, *LANGUAGES)]
    about = item.get("about", "")
    if not isinstance(about, str):
        problems.append(f"{where}: 'about' must be a text")
    terms: dict[str, tuple[str, ...]] = {}
    for lang in LANGUAGES:
        if lang not in item:
            if lang in REQUIRED:
                problems.append(f"{where}: no words in '{lang}'")
            continue
        words, found = _terms(item[lang], f"{where} [{lang}]")
        problems += found
        if words:
            terms[lang] = words
    return Concept(cid, terms, about if isinstance(about, str) else "", where), problems


def key(term: str) -> str:
    """Return what a term is matched by: its normalised words that are not stop words."""
    return " ".join(words(term, STOPS))


def _terms(raw: Any, where: str) -> tuple[tuple[str, ...], list[str]]:
    """Return a language's words and phrases and the problems of its list."""
    if not isinstance(raw, list) or not raw:
        return (), [f"{where}: must be a non-empty list of words and phrases"]
    problems, seen, out = [], set(), []
    for term in raw:
        if not isinstance(term, str) or not term.strip():
            problems.append(f"{where}: {term!r} is not a word or phrase")
            continue
        found = key(term)
        if not found:
            problems.append(f"{where}: '{term}' has only stop words")
        elif " " not in found and len(words(term, frozenset())) > 1:
            problems.append(f"{where}: '{term}' is only '{found}' without its stop words")
        elif found in seen:
            problems.append(f"{where}: '{term}' is listed twice")
        else:
            seen.add(found)
            out.append(term)
    return tuple(out), problems


def check(concepts: Iterable[Concept]) -> list[str]:
    """Return the problems between concepts: a duplicate id, a term in two of one language.

    Terms are compared by their words without stop words: "keine Arbeit" is "arbeit".
    """
    problems: list[str] = []
    ids: dict[str, str] = {}
    owner: dict[tuple[str, str], str] = {}
    for concept in concepts:
        if concept.id in ids:
            problems.append(f"{concept.source}: duplicate id (first at {ids[concept.id]})")
        ids.setdefault(concept.id, concept.source)
        for lang, terms in concept.terms.items():
            for term in terms:
                first = owner.setdefault((lang, key(term)), concept.id)
                if first != concept.id:
                    problems.append(
                        f"{concept.source} [{lang}]: '{term}' is also a term of '{first}'"
                    )
    return problems


def build(files: Iterable[tuple[str, str]]) -> Lexicon:
    """Return the lexicon of (name, YAML text) files; raise LexiconError on any problem."""
    concepts: list[Concept] = []
    problems: list[str] = []
    for name, text in files:
        try:
            raw = load_yaml(text)
        except yaml.YAMLError as exc:
            problems.append(f"{name}: invalid YAML: {exc}")
            continue
        found, bad = parse(raw, name)
        concepts += found
        problems += bad
    problems += check(concepts)
    if problems:
        raise LexiconError(problems)
    return Lexicon(tuple(concepts))


def load_lexicon(folder: Path | Traversable | None = None) -> Lexicon:
    """Read every YAML file of folder (the shipped lexicon by default), in name order."""
    root = folder if folder is not None else resources.files(PACKAGE)
    files = sorted(
        (f for f in root.iterdir() if f.is_file() and f.name.endswith(SUFFIXES)),
        key=lambda f: f.name,
    )
    return build((f.name, f.read_text(encoding="utf-8")) for f in files)


@cache
def shipped_lexicon() -> Lexicon:
    """Return the lexicon shipped in this package, read once per process."""
    return load_lexicon()
