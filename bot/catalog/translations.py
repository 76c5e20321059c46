"""Translation status: which translation was made from which German text.

Each translation may record `made_from`, a short fingerprint of the German text it was
translated from (an extension of the content contract). German is the reference: when its
reading text (title, answer, description, source line ...) changes, every translation
whose `made_from` is another fingerprint is *outdated* until someone updates it or says
it is still correct. A translation without `made_from` counts as made from the German
beside it; when only the German changes, the store marks the translations that stayed
as they were (see `stamp`).

An entry marked `german_only: <reason>` needs no translations.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.catalog.schema import REFERENCE_LANGUAGE, Content, Entry, FaqEntry, Municipality

#: Kinds whose entries carry texts in several languages.
TRANSLATED_KINDS = ("programs", "faq", "offers", "contacts")
#: Extension keys of a translation that are no text of the reference language.
MARKS = ("made_from",)
#: Fields that help search but that no reader reads as the entry's text.
SEARCH_ONLY = ("keywords",)
#: How many hex digits of the SHA-256 a fingerprint keeps.
FINGERPRINT_LENGTH = 12
GERMAN_ONLY = "german_only"


class Status(StrEnum):
    CURRENT = "current"
    OUTDATED = "outdated"
    MISSING = "missing"
    GERMAN_ONLY = "german_only"


def fingerprint(german: Mapping[str, Any], source: str | None) -> str:
    """Return the fingerprint of a German text (contract form) and its source line.

    Only what a reader reads counts: the first question (the title), not the other
    ways to ask it, and no keywords.
    """
    reading = {k: v for k, v in german.items() if k not in (*MARKS, *SEARCH_ONLY)}
    questions = reading.pop("questions", None)
    if questions:
        reading["title"] = questions[0]
    if source and not reading.get("source"):
        reading["source"] = source
    canonical = json.dumps(reading, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def texts_of(entry: Entry) -> Mapping[str, Mapping[str, Any]]:
    """Return an entry's translations in contract form: language -> fields."""
    if isinstance(entry, Municipality):
        return {}
    if isinstance(entry, FaqEntry):
        return {
            lang: {
                "questions": list(t.questions),
                "answer": t.answer,
                **({"source": t.source} if t.source else {}),
                **({"made_from": t.made_from} if t.made_from else {}),
            }
            for lang, t in entry.translations.items()
        }
    return entry.translations


def reading_text(texts: Mapping[str, Any]) -> str:
    """Return the main text a reader reads in one translation: the answer, else the
    description or summary, else the title."""
    for name in ("answer", "description", "summary", "title"):
        if texts.get(name):
            return str(texts[name]).strip()
    questions = texts.get("questions")
    return str(questions[0]) if questions else ""


def german_fingerprint(entry: Entry) -> str | None:
    """Return the fingerprint of the entry's German text (None for untranslated kinds)."""
    german = texts_of(entry).get(REFERENCE_LANGUAGE)
    if german is None:
        return None
    return fingerprint(german, getattr(entry, "source", None))


def german_only(entry: Entry) -> str | None:
    """Return why the entry exists in German only, or None when it should be translated."""
    reason = entry.extra.get(GERMAN_ONLY)
    return str(reason).strip() or None if reason else None


def status(entry: Entry, lang: str, current: str | None = None) -> Status:
    """Say whether entry's translation into lang is current, outdated or missing.

    current: the German fingerprint when the caller has it already.
    """
    if lang == REFERENCE_LANGUAGE:
        return Status.CURRENT
    texts = texts_of(entry).get(lang)
    if texts is None:
        return Status.GERMAN_ONLY if german_only(entry) else Status.MISSING
    made_from = texts.get("made_from")
    if not made_from:
        return Status.CURRENT
    german = current or german_fingerprint(entry)
    return Status.CURRENT if made_from == german else Status.OUTDATED


def is_outdated(entry: Entry, lang: str) -> bool:
    return status(entry, lang) is Status.OUTDATED


@dataclass
class Tally:
    """How many entries of one kind are current, outdated, missing or German-only."""

    current: int = 0
    outdated: int = 0
    missing: int = 0
    german_only: int = 0
    #: (kind, id) of the entries that are missing or outdated, sorted
    open: list[tuple[str, str, Status]] = field(default_factory=list)

    def add(self, kind: str, entry_id: str, found: Status) -> None:
        setattr(self, found.value, getattr(self, found.value) + 1)
        if found in (Status.MISSING, Status.OUTDATED):
            self.open.append((kind, entry_id, found))

    @property
    def total(self) -> int:
        return self.current + self.outdated + self.missing + self.german_only


def report(content: Content, languages: Iterable[str]) -> dict[str, dict[str, Tally]]:
    """Count, per language and kind, the translations present, outdated and missing."""
    wanted = [lang for lang in languages if lang != REFERENCE_LANGUAGE]
    out: dict[str, dict[str, Tally]] = {lang: {} for lang in wanted}
    for kind in TRANSLATED_KINDS:
        for entry_id, entry in sorted(content.of_kind(kind).items()):
            current = german_fingerprint(entry)
            for lang in wanted:
                tally = out[lang].setdefault(kind, Tally())
                tally.add(kind, entry_id, status(entry, lang, current))
    return out


def stamp(
    kind: str,
    data: Mapping[str, Any],
    stored: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Record in the translations of data (contract form) an older German they were made from.

    A translation that names its `made_from` keeps it. One that does not, and whose text
    is the stored one, keeps the stored translation's German (its mark, or the German
    stored beside it): so a German change alone leaves it outdated. Any other translation
    is taken as made from the German beside it and stays unmarked.
    """
    texts = data.get("translations")
    if kind not in TRANSLATED_KINDS or not isinstance(texts, Mapping):
        return dict(data)
    german = texts.get(REFERENCE_LANGUAGE)
    before = _stored_marks(stored)
    if german is None or not before:
        return dict(data)
    now = fingerprint(german, data.get("source"))
    stamped: dict[str, Any] = {}
    for lang, fields in texts.items():
        mark = None if fields.get("made_from") else before.get(lang, {}).get(_canonical(fields))
        stamped[lang] = {**fields, "made_from": mark} if mark and mark != now else fields
    return {**data, "translations": stamped}


def _canonical(fields: Mapping[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)


def _stored_marks(stored: Mapping[str, Any] | None) -> dict[str, dict[str, str]]:
    """Return, per language, the stored translation's text (canonical) -> its made_from."""
    if not stored:
        return {}
    texts = stored.get("translations") or {}
    german = texts.get(REFERENCE_LANGUAGE)
    if german is None:
        return {}
    was = fingerprint(german, stored.get("source"))
    marks: dict[str, dict[str, str]] = {}
    for lang, fields in texts.items():
        if lang == REFERENCE_LANGUAGE:
            continue
        text = {k: v for k, v in fields.items() if k not in MARKS}
        marks[lang] = {_canonical(text): fields.get("made_from") or was}
    return marks
