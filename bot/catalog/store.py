"""Keep the content in the database: per-entry changes and versions, reading it back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, selectinload

from bot.catalog.export import digest, entry_to_dict
from bot.catalog.loader import parse_raw
from bot.catalog.schema import KINDS, Content, Entry
from bot.catalog.translations import stamp
from bot.db.models import (
    ContentEntryRow,
    ContentEntryVersion,
    ContentTranslationRow,
    ContentVersion,
    utcnow,
)

Key = tuple[str, str]  # (kind, entry id)
Version = dict[str, Any]  # the columns of a ContentEntryVersion row to insert


@dataclass(frozen=True)
class ImportResult:
    version: int
    changed: bool
    entries: int


def current_version(session: Session) -> ContentVersion | None:
    """Return the newest content version, or None when the database has no content."""
    return session.scalars(
        select(ContentVersion).order_by(ContentVersion.id.desc()).limit(1)
    ).first()


def version_id(session: Session) -> int:
    """Return the id of the newest content version (0 when there is none)."""
    return session.scalar(select(func.max(ContentVersion.id))) or 0


def has_content(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(ContentEntryRow)))


def stored_form(entry: Entry) -> dict[str, Any]:
    """Return an entry's contract form as versions keep it (hidden is kept apart)."""
    data = entry_to_dict(entry)
    data.pop("hidden", None)
    return data


def save_content(
    session: Session, content: Content, origin: str, author_id: int | None = None
) -> ImportResult:
    """Make the stored content equal to content, entry by entry, in the caller's transaction.

    New entries are added, changed ones updated, missing ones removed; each such entry
    gets a new version. An entry whose `hidden` is None keeps its stored hidden state.
    Nothing is written when nothing changed.
    """
    stored = select(ContentEntryRow).options(selectinload(ContentEntryRow.translations))
    rows = {(r.kind, r.entry_id): r for r in session.scalars(stored)}
    content = resolve_hidden(content, {key for key, row in rows.items() if row.hidden})
    fingerprint = digest(content)
    current = current_version(session)
    if current is not None and current.digest == fingerprint:
        return ImportResult(current.id, False, current.entries)
    numbers = _last_numbers(session)
    versions: list[Version] = []
    changes = 0
    # Nothing is written until the changes are all worked out: on SQLite the first write
    # locks the database for every other writer until the commit, so keep that short.
    with session.no_autoflush:
        for kind, entry in content.entries():
            row = rows.pop((kind, entry.id), None)
            data = stamp(kind, stored_form(entry), _stored(row))
            action = _action(row, data, bool(entry.hidden))
            if action is None:
                continue
            if row is None:
                row = ContentEntryRow(kind=kind, entry_id=entry.id)
                session.add(row)
            else:
                _baseline(versions, numbers, row)
            _write_row(row, data, bool(entry.hidden))
            _add_version(versions, numbers, row, data, action, origin, author_id)
            changes += 1
        for row in rows.values():
            _baseline(versions, numbers, row)
            session.delete(row)
            _add_version(versions, numbers, row, None, "removed", origin, author_id)
            changes += 1
    if current is not None and not changes:
        return ImportResult(current.id, False, current.entries)
    version = ContentVersion(origin=origin, digest=fingerprint, entries=len(content))
    session.add(version)
    session.flush()
    if versions:  # in one statement: they need no ids back, and thousands come with an upload
        session.execute(insert(ContentEntryVersion), versions)
    return ImportResult(version.id, True, len(content))


def resolve_hidden(content: Content, stored_hidden: set[tuple[str, str]]) -> Content:
    """Give every entry its final hidden state: True, or None for visible."""
    kinds: dict[str, dict[str, Entry]] = {}
    for kind in KINDS:
        kept: dict[str, Entry] = {}
        for entry_id, entry in content.of_kind(kind).items():
            hidden = (kind, entry_id) in stored_hidden if entry.hidden is None else entry.hidden
            wanted = True if hidden else None
            kept[entry_id] = entry if entry.hidden is wanted else replace(entry, hidden=wanted)
        kinds[kind] = kept
    return replace(content, **kinds)


def _last_numbers(session: Session) -> dict[Key, int]:
    query = select(
        ContentEntryVersion.kind, ContentEntryVersion.entry_id, func.max(ContentEntryVersion.number)
    ).group_by(ContentEntryVersion.kind, ContentEntryVersion.entry_id)
    return {(kind, entry_id): number for kind, entry_id, number in session.execute(query)}


def _stored(row: ContentEntryRow | None) -> dict[str, Any] | None:
    """Return a stored entry's fields and texts in contract form (None when there is none)."""
    if row is None:
        return None
    return {**row.data, "translations": {t.lang: t.data for t in row.translations}}


def _split(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    fields = dict(data)
    return fields, fields.pop("translations", None) or {}


def _action(row: ContentEntryRow | None, data: dict[str, Any], hidden: bool) -> str | None:
    """Say what saving data does to row: added, changed, hidden, shown or None (nothing)."""
    if row is None:
        return "added"
    fields, texts = _split(data)
    if row.data != fields or {t.lang: t.data for t in row.translations} != texts:
        return "changed"
    if row.hidden != hidden:
        return "hidden" if hidden else "shown"
    return None


def _write_row(row: ContentEntryRow, data: dict[str, Any], hidden: bool) -> None:
    fields, texts = _split(data)
    row.data, row.hidden = fields, hidden
    # Update texts in place: replacing them would insert before deleting (lang is unique).
    have = {t.lang: t for t in row.translations}
    for lang, text in texts.items():
        if lang in have:
            if have[lang].data != text:
                have[lang].data = text
        else:
            row.translations.append(ContentTranslationRow(lang=lang, data=text))
    for lang, translation in have.items():
        if lang not in texts:
            row.translations.remove(translation)


def _baseline(versions: list[Version], numbers: dict[Key, int], row: ContentEntryRow) -> None:
    """Version an entry stored before versions were kept, before it changes (origin baseline)."""
    if (row.kind, row.entry_id) in numbers:
        return
    data = dict(row.data)
    if row.translations:
        data["translations"] = {t.lang: dict(t.data) for t in row.translations}
    _add_version(versions, numbers, row, data, "added", "baseline", None)


def _add_version(
    versions: list[Version],
    numbers: dict[Key, int],
    row: ContentEntryRow,
    data: dict[str, Any] | None,
    action: str,
    origin: str,
    author_id: int | None,
) -> None:
    """Add the next version of row's entry to the versions to insert."""
    key = (row.kind, row.entry_id)
    numbers[key] = numbers.get(key, 0) + 1
    versions.append(
        {
            "kind": row.kind,
            "entry_id": row.entry_id,
            "number": numbers[key],
            "data": data,
            "hidden": bool(row.hidden),
            "action": action,
            "origin": origin,
            "author_id": author_id,
            "created_at": utcnow(),
        }
    )


def load_all(session: Session) -> Content | None:
    """Read every stored entry back, hidden ones marked (None when there is no content)."""
    current = current_version(session)
    if current is None:
        return None
    raw: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    rows = session.scalars(
        select(ContentEntryRow).order_by(ContentEntryRow.kind, ContentEntryRow.entry_id)
    )
    for row in rows:
        item = dict(row.data)
        if row.translations:
            item["translations"] = {t.lang: dict(t.data) for t in row.translations}
        if row.hidden:
            item["hidden"] = True
        raw[row.kind].append(item)
    return replace(parse_raw(raw), version=current.id)


def load_stored(session: Session) -> Content | None:
    """Read the content users see back (None when there is none): without hidden entries."""
    content = load_all(session)
    return content.visible() if content is not None else None
