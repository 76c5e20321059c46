"""Write content back as contract YAML, and fingerprint it for change detection."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from bot.catalog.areas import LOCAL_KINDS, entry_area, within
from bot.catalog.schema import (
    KINDS,
    Contact,
    Content,
    Entry,
    FaqEntry,
    Municipality,
    Offer,
    Program,
)
from bot.catalog.yamlio import dump_yaml


def _plain(value: Any) -> Any:
    """Turn mappings, tuples and dates into plain YAML/JSON-friendly values."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _drop_empty(data: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in keep or v not in (None, (), [], {})}


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    """Return the contract form of one entry (what import reads back to an equal entry)."""
    if isinstance(entry, Municipality):
        data = {
            "id": entry.id,
            "name": entry.name,
            "kreis": entry.kreis,
            "alliance": entry.alliance,
            "coordinator": entry.coordinator,
            "geo": entry.geo,
        }
        keep: tuple[str, ...] = ("kreis", "alliance", "coordinator")
    elif isinstance(entry, Program):
        data = {
            "id": entry.id,
            "parent": entry.parent,
            "audience": entry.audience,
            "source": entry.source,
            "eligibility": entry.eligibility,
            "translations": entry.translations,
        }
        keep = ()
    elif isinstance(entry, FaqEntry):
        data = {
            "id": entry.id,
            "scope": entry.scope,
            "tags": entry.tags,
            "program": entry.program,
            "source": entry.source,
            "valid_until": entry.valid_until,
            "translations": {
                lang: _drop_empty(
                    {
                        "questions": t.questions,
                        "answer": t.answer,
                        "keywords": t.keywords,
                        "source": t.source,
                        "made_from": t.made_from,
                    }
                )
                for lang, t in entry.translations.items()
            },
        }
        keep = ()
    elif isinstance(entry, Offer):
        data = {
            "id": entry.id,
            "type": entry.type,
            "program": entry.program,
            "municipality": entry.municipality,
            "provider": entry.provider,
            "address": entry.address,
            "geo": entry.geo,
            "languages": entry.languages,
            "audience": entry.audience,
            "starts": entry.starts,
            "ends": entry.ends,
            "capacity": entry.capacity,
            "coach": entry.coach,
            "contact": entry.contact,
            "translations": entry.translations,
        }
        keep = ("starts", "ends", "capacity")
    elif isinstance(entry, Contact):
        data = {
            "id": entry.id,
            "municipality": entry.municipality,
            "role": entry.role,
            "phone": entry.phone,
            "email": entry.email,
            "url": entry.url,
            "translations": entry.translations,
        }
        keep = ()
    else:  # pragma: no cover - Entry is a closed union
        raise TypeError(f"not a content entry: {entry!r}")
    data.update(entry.extra)
    if entry.hidden:  # an extension key; right after the id, where people see it
        data = {"id": data.pop("id"), "hidden": True, **data}
    return _plain(_drop_empty(data, keep))


def content_to_raw(content: Content) -> dict[str, list[dict[str, Any]]]:
    """Return every entry in contract form, per kind, sorted by id."""
    return {
        kind: [entry_to_dict(e) for _, e in sorted(content.of_kind(kind).items())] for kind in KINDS
    }


def digest(content: Content) -> str:
    """Return a fingerprint of the content that ignores file layout and order."""
    canonical = json.dumps(content_to_raw(content), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def export_content(content: Content, directory: str | Path) -> list[Path]:
    """Write one YAML file per kind into directory; return the files written."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, entries in content_to_raw(content).items():
        if not entries:
            continue
        path = target / f"{kind}.yaml"
        path.write_text(dump_yaml({kind: entries}), encoding="utf-8")
        written.append(path)
    return written


def export_yaml(content: Content, areas: frozenset[str] | None) -> bytes:
    """Return one YAML file of every entry an admin of areas may change (None: everything).

    Hidden entries are marked `hidden: true`; uploading the file back changes nothing.
    """
    kinds = KINDS if areas is None else LOCAL_KINDS
    data = {
        kind: [
            entry_to_dict(entry)
            for _, entry in sorted(content.of_kind(kind).items())
            if within(entry_area(entry), areas)
        ]
        for kind in kinds
    }
    return dump_yaml(data).encode("utf-8")
