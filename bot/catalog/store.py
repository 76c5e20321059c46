"""Keep the content in the database: all-or-nothing import, versions, reading it back."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.catalog.export import content_to_raw, digest
from bot.catalog.loader import parse_raw
from bot.catalog.schema import KINDS, Content
from bot.db.models import ContentEntryRow, ContentTranslationRow, ContentVersion


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


def has_content(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(ContentEntryRow)))


def save_content(session: Session, content: Content, origin: str) -> ImportResult:
    """Replace the stored content by content in the caller's transaction (no-op if equal)."""
    fingerprint = digest(content)
    current = current_version(session)
    if current is not None and current.digest == fingerprint:
        return ImportResult(current.id, False, current.entries)
    session.execute(delete(ContentTranslationRow))
    session.execute(delete(ContentEntryRow))
    for kind, items in content_to_raw(content).items():
        for item in items:
            translations = item.pop("translations", None) or {}
            row = ContentEntryRow(kind=kind, entry_id=item["id"], data=item)
            row.translations = [
                ContentTranslationRow(lang=lang, data=data) for lang, data in translations.items()
            ]
            session.add(row)
    version = ContentVersion(origin=origin, digest=fingerprint, entries=len(content))
    session.add(version)
    session.flush()
    return ImportResult(version.id, True, len(content))


def load_stored(session: Session) -> Content | None:
    """Read the current content back from the database (None when there is none)."""
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
        raw[row.kind].append(item)
    return replace(parse_raw(raw), version=current.id)
