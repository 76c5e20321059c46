"""Typed, immutable content entries as the content contract describes them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

REFERENCE_LANGUAGE = "de"
KINDS = ("municipalities", "programs", "faq", "offers", "contacts")
STATUSES = (
    "gestattung",
    "duldung",
    "aufenthaltserlaubnis",
    "niederlassungserlaubnis",
    "eu",
    "german",
    "other",
)
GERMAN_LEVELS = ("none", "A1", "A2", "B1", "B2", "C1", "C2")
AUDIENCES = ("person", "municipality", "organisation")
OFFER_TYPES = (
    "coaching",
    "qualification",
    "school_certificate",
    "preparation_course",
    "language_course",
    "counselling",
    "other",
)
#: Facts the eligibility engine knows, and the kind of value each takes.
FACTS: dict[str, str] = {
    "age": "int",
    "residence_status": "status",
    "lives_in_nrw": "bool",
    "municipality": "municipality",
    "municipality.alliance": "bool",
    "has_school_certificate": "bool",
    "german_level": "german_level",
}


@dataclass(frozen=True)
class Where:
    """Where an entry was written: a file (relative to the content dir) and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Municipality:
    id: str
    name: str
    kreis: str | None = None
    alliance: bool | None = None  # None: not known
    coordinator: str | None = None
    geo: tuple[float, float] | None = None  # extension: approximate centre, for distances
    extra: Mapping[str, Any] = field(default_factory=dict)  # extension keys, kept verbatim
    #: Hidden from users (faq, offers, contacts only); None: not said (visible, or as stored)
    hidden: bool | None = None
    where: Where | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Program:
    id: str
    audience: str
    source: str
    translations: Mapping[str, Mapping[str, str]]  # lang -> {title, summary, ...}
    parent: str | None = None
    eligibility: Mapping[str, Any] | None = None  # raw rule tree: {all: [...], any: [...]}
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Hidden from users (faq, offers, contacts only); None: not said (visible, or as stored)
    hidden: bool | None = None
    where: Where | None = field(default=None, compare=False)

    def text(self, lang: str) -> Mapping[str, str]:
        """Return the translation for lang, falling back to German."""
        return self.translations.get(lang) or self.translations[REFERENCE_LANGUAGE]


@dataclass(frozen=True)
class FaqText:
    questions: tuple[str, ...]
    answer: str
    keywords: tuple[str, ...] = ()
    source: str | None = None  # extension: the source line in this language
    made_from: str | None = None  # extension: fingerprint of the German it was made from

    @property
    def title(self) -> str:
        return self.questions[0]


@dataclass(frozen=True)
class FaqEntry:
    id: str
    scope: str  # "nrw" or a municipality id
    translations: Mapping[str, FaqText]
    tags: tuple[str, ...] = ()
    program: str | None = None
    source: str | None = None
    valid_until: date | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Hidden from users (faq, offers, contacts only); None: not said (visible, or as stored)
    hidden: bool | None = None
    where: Where | None = field(default=None, compare=False)

    def text(self, lang: str) -> tuple[FaqText, str]:
        """Return (translation, its language) for lang, falling back to German."""
        if lang in self.translations:
            return self.translations[lang], lang
        return self.translations[REFERENCE_LANGUAGE], REFERENCE_LANGUAGE

    def visible_on(self, day: date) -> bool:
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class Offer:
    id: str
    type: str
    municipality: str
    translations: Mapping[str, Mapping[str, str]]  # lang -> {title, description}
    program: str | None = None
    provider: str | None = None
    address: str | None = None
    geo: tuple[float, float] | None = None
    languages: tuple[str, ...] = ()
    audience: Mapping[str, Any] = field(default_factory=dict)
    starts: date | None = None
    ends: date | None = None
    capacity: int | None = None
    coach: str | None = None
    contact: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Hidden from users (faq, offers, contacts only); None: not said (visible, or as stored)
    hidden: bool | None = None
    where: Where | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Contact:
    id: str
    translations: Mapping[str, Mapping[str, str]]
    municipality: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Hidden from users (faq, offers, contacts only); None: not said (visible, or as stored)
    hidden: bool | None = None
    where: Where | None = field(default=None, compare=False)


Entry = Municipality | Program | FaqEntry | Offer | Contact


@dataclass(frozen=True)
class Content:
    """A whole, validated content store. Each mapping is keyed by entry id."""

    municipalities: Mapping[str, Municipality] = field(default_factory=dict)
    programs: Mapping[str, Program] = field(default_factory=dict)
    faq: Mapping[str, FaqEntry] = field(default_factory=dict)
    offers: Mapping[str, Offer] = field(default_factory=dict)
    contacts: Mapping[str, Contact] = field(default_factory=dict)
    version: int = 0  # the database's content version; 0 when loaded from files

    def of_kind(self, kind: str) -> Mapping[str, Entry]:
        return getattr(self, kind)

    def entries(self) -> Iterator[tuple[str, Entry]]:
        """Yield (kind, entry) for every entry, kinds in contract order."""
        for kind in KINDS:
            for entry in self.of_kind(kind).values():
                yield kind, entry

    def languages(self) -> set[str]:
        """Return every language any FAQ entry is written in."""
        return {lang for entry in self.faq.values() for lang in entry.translations}

    def __len__(self) -> int:
        return sum(len(self.of_kind(kind)) for kind in KINDS)

    def hidden_keys(self) -> frozenset[tuple[str, str]]:
        """Return (kind, id) of every hidden entry."""
        return frozenset((kind, e.id) for kind, e in self.entries() if e.hidden)

    def visible(self) -> Content:
        """Return the content users see: without hidden entries."""
        if not self.hidden_keys():
            return self
        kept = {
            kind: {i: e for i, e in self.of_kind(kind).items() if not e.hidden} for kind in KINDS
        }
        return replace(self, **kept)
