"""The history of each content entry, and the small changes admins make in the chat.

Every change goes through save_content, so it is validated as a whole (references
included), gets a new entry version, and happens in the caller's transaction. The
caller swaps the new content in afterwards (Services.reload_content).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.areas import LOCAL_KINDS, area_problem, entry_area, within
from bot.catalog.export import entry_to_dict
from bot.catalog.loader import check_references
from bot.catalog.parse import entry_label, parse_entry
from bot.catalog.problems import ContentError, Problem, Problems
from bot.catalog.schema import KINDS, REFERENCE_LANGUAGE, Content, Entry, Where
from bot.catalog.store import ImportResult, load_all, save_content
from bot.catalog.translations import (
    Status,
    fingerprint,
    german_fingerprint,
    reading_text,
    status,
)
from bot.catalog.yamlio import dump_yaml
from bot.db.models import ContentEntryRow, ContentEntryVersion

#: Where problems of an entry edited in the chat point (rendered with place=False).
EDIT = Where("<edit>", 0)


class EditError(Exception):
    """Why a change cannot be made; `params` fill the message the handler shows.

    Codes: unknown_kind (kind), not_found (kind, id, number: a version or None for the
    entry), not_yours (the entry belongs to a municipality the admin does not administer),
    not_hideable (kind: only faq, offers and contacts can be hidden), no_translation
    (lang: the FAQ entry has no answer in that language), empty (an empty question),
    current (lang: the translation is not outdated, there is nothing to keep).
    """

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class VersionInfo:
    """One version of an entry, without its data."""

    number: int
    action: str  # added | changed | removed | hidden | shown
    origin: str  # seed | import | upload | edit | rollback | unanswered | ...
    author_id: int | None
    created_at: datetime
    hidden: bool
    removed: bool  # this version removed the entry


def find(session: Session, entry_id: str) -> list[tuple[str, str]]:
    """Return (kind, id) of every entry with this id, current or removed, in contract order."""
    kinds = set(
        session.scalars(select(ContentEntryRow.kind).where(ContentEntryRow.entry_id == entry_id))
    )
    kinds |= set(
        session.scalars(
            select(ContentEntryVersion.kind).where(ContentEntryVersion.entry_id == entry_id)
        )
    )
    return [(kind, entry_id) for kind in KINDS if kind in kinds]


def _rows(session: Session, kind: str, entry_id: str) -> list[ContentEntryVersion]:
    query = (
        select(ContentEntryVersion)
        .where(ContentEntryVersion.kind == kind, ContentEntryVersion.entry_id == entry_id)
        .order_by(ContentEntryVersion.number)
    )
    return list(session.scalars(query))


def versions(session: Session, kind: str, entry_id: str) -> list[VersionInfo]:
    """Return every version of an entry, newest first (empty if it never existed)."""
    return [
        VersionInfo(
            v.number, v.action, v.origin, v.author_id, v.created_at, v.hidden, v.data is None
        )
        for v in reversed(_rows(session, kind, entry_id))
    ]


def _find(rows: list[ContentEntryVersion], kind: str, entry_id: str, number: int | None) -> int:
    index = next((i for i, v in enumerate(rows) if v.number == number), None)
    if number is None and rows:
        index = len(rows) - 1
    if index is None:
        raise EditError("not_found", kind=kind, id=entry_id, number=number)
    return index


def latest_data(session: Session, kind: str, entry_id: str) -> dict[str, Any] | None:
    """Return the newest contract form an entry had (also if removed since; None: never)."""
    found = [v.data for v in _rows(session, kind, entry_id) if v.data is not None]
    return found[-1] if found else None


def known(session: Session, kind: str) -> list[tuple[str, str]]:
    """Return (kind, id) of every entry of kind that exists or once existed, by id."""
    query = select(ContentEntryVersion.entry_id).where(ContentEntryVersion.kind == kind)
    ids = set(session.scalars(query.distinct()))
    ids |= set(
        session.scalars(select(ContentEntryRow.entry_id).where(ContentEntryRow.kind == kind))
    )
    return [(kind, entry_id) for entry_id in sorted(ids)]


def _current(session: Session) -> Content:
    return load_all(session) or Content()


def _write(
    session: Session,
    content: Content,
    kind: str,
    entry_id: str,
    entry: Entry | None,
    origin: str,
    author_id: int | None,
) -> ImportResult:
    """Save content with one entry replaced (or removed, for None), if all stays valid."""
    entries = dict(content.of_kind(kind))
    if entry is None:
        entries.pop(entry_id, None)
    else:
        entries[entry_id] = entry
    changed = replace(content, **{kind: entries})
    problems = Problems()
    check_references(changed, problems)
    if problems:
        raise ContentError(problems)
    return save_content(session, changed, origin, author_id)


def _parse(kind: str, raw: Any, where: Where) -> Entry:
    problems = Problems()
    entry = parse_entry(kind, raw, where, problems)
    if problems or entry is None:
        raise ContentError(problems)
    return entry


def _check_mine(kind: str, entry: Entry | None, areas: frozenset[str] | None) -> None:
    if entry is None or areas is None:
        return
    if kind not in LOCAL_KINDS or not within(entry_area(entry), areas):
        raise EditError("not_yours", kind=kind, id=entry.id)


def rollback(
    session: Session,
    kind: str,
    entry_id: str,
    number: int,
    author_id: int | None,
    areas: frozenset[str] | None = None,
) -> ImportResult:
    """Make a new version of an entry equal to version number (origin "rollback")."""
    target = next((v for v in _rows(session, kind, entry_id) if v.number == number), None)
    if target is None:
        raise EditError("not_found", kind=kind, id=entry_id, number=number)
    content = _current(session)
    entry = None
    if target.data is not None:
        raw = dict(target.data)
        if kind in LOCAL_KINDS:
            raw["hidden"] = bool(target.hidden)  # as it was then, not as it is now
        entry = _parse(kind, raw, EDIT)
    _check_mine(kind, content.of_kind(kind).get(entry_id), areas)
    _check_mine(kind, entry, areas)
    return _write(session, content, kind, entry_id, entry, "rollback", author_id)


def set_hidden(
    session: Session,
    kind: str,
    entry_id: str,
    hidden: bool,
    author_id: int | None,
    areas: frozenset[str] | None = None,
) -> ImportResult:
    """Hide an entry from users, or show it again (a new version: hidden or shown)."""
    if kind not in LOCAL_KINDS:
        raise EditError("not_hideable", kind=kind)
    content = _current(session)
    entry = content.of_kind(kind).get(entry_id)
    if entry is None:
        raise EditError("not_found", kind=kind, id=entry_id, number=None)
    _check_mine(kind, entry, areas)
    return _write(
        session, content, kind, entry_id, replace(entry, hidden=hidden), "edit", author_id
    )


def put_entry(
    session: Session,
    kind: str,
    raw: dict[str, Any],
    author_id: int | None,
    origin: str = "edit",
    areas: frozenset[str] | None = None,
) -> ImportResult:
    """Add or replace one entry from its contract form; raise ContentError if invalid.

    Without a `hidden` key the entry keeps its hidden state.
    """
    if kind not in KINDS:
        raise EditError("unknown_kind", kind=kind)
    entry = _parse(kind, raw, EDIT)
    content = _current(session)
    refused = area_problem(kind, entry, content.of_kind(kind).get(entry.id), areas)
    if refused is not None:
        raise ContentError([Problem(EDIT.file, EDIT.line, refused, entry_label(kind, entry.id))])
    return _write(session, content, kind, entry.id, entry, origin, author_id)


def add_question(
    session: Session,
    faq_id: str,
    lang: str,
    question: str,
    author_id: int | None,
    areas: frozenset[str] | None = None,
    origin: str = "edit",
) -> ImportResult:
    """Add a way of asking to an FAQ entry's translation in lang (nothing if it is there)."""
    question = " ".join(question.split())
    if not question:
        raise EditError("empty")
    content = _current(session)
    entry = content.faq.get(faq_id)
    if entry is None:
        raise EditError("not_found", kind="faq", id=faq_id, number=None)
    _check_mine("faq", entry, areas)
    text = entry.translations.get(lang)
    if text is None:
        raise EditError("no_translation", lang=lang)
    if question in text.questions:
        return ImportResult(content.version, False, len(content))
    texts = {**entry.translations, lang: replace(text, questions=(*text.questions, question))}
    return _write(
        session, content, "faq", faq_id, replace(entry, translations=texts), origin, author_id
    )


def confirm_translation(
    session: Session,
    kind: str,
    entry_id: str,
    lang: str,
    author_id: int | None,
    areas: frozenset[str] | None = None,
) -> ImportResult:
    """Say that an outdated translation still says what the current German says.

    The translation is marked as made from the current German text (a new version).
    """
    content = _current(session)
    entry = content.of_kind(kind).get(entry_id) if kind in KINDS else None
    if entry is None:
        raise EditError("not_found", kind=kind, id=entry_id, number=None)
    _check_mine(kind, entry, areas)
    raw = entry_to_dict(entry)
    texts = raw.get("translations", {})
    if lang == REFERENCE_LANGUAGE or lang not in texts:
        raise EditError("no_translation", lang=lang)
    if status(entry, lang) is not Status.OUTDATED:
        raise EditError("current", lang=lang)
    texts[lang]["made_from"] = german_fingerprint(entry)
    return _write(session, content, kind, entry_id, _parse(kind, raw, EDIT), "edit", author_id)


def _german(version: ContentEntryVersion | None) -> dict[str, Any] | None:
    data = (version.data if version else None) or {}
    german = data.get("translations", {}).get(REFERENCE_LANGUAGE)
    return dict(german) if german is not None else None


def made_from_version(session: Session, kind: str, entry_id: str, mark: str) -> int | None:
    """Return the newest version whose German text has the fingerprint mark (None: none)."""
    for version in reversed(_rows(session, kind, entry_id)):
        german = _german(version)
        if german is not None and fingerprint(german, version.data.get("source")) == mark:
            return version.number
    return None


def german_text(session: Session, kind: str, entry_id: str, number: int) -> str:
    """Return the German reading text of version number (answer or description), or ''."""
    version = next((v for v in _rows(session, kind, entry_id) if v.number == number), None)
    return reading_text(_german(version) or {})


@dataclass(frozen=True)
class FieldChange:
    """One field of an entry as a change left it: its path, the value before and after.

    path: top-level key, or (language, field) for a translation's text, e.g. ("de",
    "answer"). Values are text, or tuples for lists (questions, keywords); None: absent.
    """

    path: tuple[str, ...]
    before: str | tuple[str, ...] | None
    after: str | tuple[str, ...] | None


def _flat(data: dict[str, Any] | None) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for key, value in (data or {}).items():
        if key == "translations" and isinstance(value, dict):
            for lang, fields in value.items():
                for name, text in (fields or {}).items():
                    out[(lang, name)] = _value(text)
        else:
            out[(key,)] = _value(value)
    return out


def _value(value: Any) -> str | tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    if isinstance(value, dict):
        return dump_yaml(value).strip()
    return str(value)


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """Return the fields that differ between two contract forms, German first."""
    old, new = _flat(before), _flat(after)
    paths = sorted(
        set(old) | set(new),
        key=lambda p: (len(p) > 1, p[0] != REFERENCE_LANGUAGE if len(p) > 1 else False, p),
    )
    return [FieldChange(p, old.get(p), new.get(p)) for p in paths if old.get(p) != new.get(p)]


def last_changes(session: Session, kind: str, entry_id: str) -> list[FieldChange]:
    """Return what the newest version of an entry changed, field by field."""
    rows = _rows(session, kind, entry_id)
    if not rows:
        return []
    before = rows[-2].data if len(rows) > 1 else None
    return field_changes(before, rows[-1].data)


def restore_changes(session: Session, kind: str, entry_id: str, number: int) -> list[FieldChange]:
    """Return what restoring version number would change in the entry as it is now."""
    rows = _rows(session, kind, entry_id)
    index = _find(rows, kind, entry_id, number)
    return field_changes(rows[-1].data, rows[index].data)
