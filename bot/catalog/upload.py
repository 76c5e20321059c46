"""Content uploaded by an admin: read it safely, plan what it changes, apply the plan.

An upload replaces, for each kind it names, that kind's entries within the uploader's
municipalities (everything for a superadmin); kinds it does not name stay as they are.
Entries of those kinds missing from the upload are removed only if the admin says so.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy.orm import Session

from bot.catalog import loader
from bot.catalog.areas import area_problem, entry_area, within
from bot.catalog.loader import check_references, parse_entries
from bot.catalog.parse import entry_label
from bot.catalog.problems import ContentError, Problem, Problems
from bot.catalog.schema import KINDS, Content, Entry, Where
from bot.catalog.store import ImportResult, save_content, stored_form, version_id

#: An uploaded file (a YAML file or a zip) may be at most this large (bytes).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: A zip may hold at most this many files (folders and __MACOSX/ do not count).
MAX_FILES = 200
#: Unpacked bytes are read this many at a time, so a zip bomb costs no memory.
CHUNK_BYTES = 64 * 1024


class UploadError(Exception):
    """Why an upload is refused; `params` fill the message the handler shows.

    Codes: too_large (size, limit), not_content (name), bad_zip, too_many_files
    (count, limit), file_too_large (name, limit), unpacks_too_large (limit), no_yaml,
    stale (the content changed since the plan was made), removals_break_references.
    """

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code, self.params = code, params


def read_upload(file_name: str, data: bytes) -> dict[str, bytes]:
    """Return the YAML files of an upload (a .yaml/.yml file or a .zip of them) by name."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError("too_large", size=len(data), limit=MAX_UPLOAD_BYTES)
    name = PurePosixPath(file_name.replace("\\", "/")).name
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in loader.SUFFIXES:
        if len(data) > loader.MAX_FILE_BYTES:
            raise UploadError("file_too_large", name=name, limit=loader.MAX_FILE_BYTES)
        return {name: data}
    if suffix == ".zip":
        return _read_zip(data)
    raise UploadError("not_content", name=name)


def _ignored(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return "__MACOSX" in parts or (bool(parts) and parts[-1].startswith("._"))


def _read_zip(data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UploadError("bad_zip") from exc
    with archive:
        members = [i for i in archive.infolist() if not i.is_dir() and not _ignored(i.filename)]
        if len(members) > MAX_FILES:
            raise UploadError("too_many_files", count=len(members), limit=MAX_FILES)
        out: dict[str, bytes] = {}
        total = 0
        for info in members:
            if PurePosixPath(info.filename).suffix.lower() not in loader.SUFFIXES:
                continue
            if info.filename in out or info.flag_bits & 0x1:  # twice, or encrypted
                raise UploadError("bad_zip")
            out[info.filename] = _read_member(archive, info, total)
            total += len(out[info.filename])
    if not out:
        raise UploadError("no_yaml")
    return out


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int) -> bytes:
    """Unpack one member a chunk at a time, stopping at the file and total limits."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK_BYTES):
                size += len(chunk)
                if size > loader.MAX_FILE_BYTES:
                    raise UploadError(
                        "file_too_large", name=info.filename, limit=loader.MAX_FILE_BYTES
                    )
                if total + size > loader.MAX_TOTAL_BYTES:
                    raise UploadError("unpacks_too_large", limit=loader.MAX_TOTAL_BYTES)
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError) as exc:
        raise UploadError("bad_zip") from exc
    return b"".join(chunks)


@dataclass(frozen=True)
class KindChanges:
    """What an upload does to one kind: ids added, changed, and (if wanted) removed."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class UploadPlan:
    """The content an upload would make, with and without removals, and what changes.

    `with_removals` is None when removing would break references; `removal_problems`
    then says which (file:line of the entries that would point at nothing).
    """

    base_version: int
    without_removals: Content
    with_removals: Content | None
    changes: Mapping[str, KindChanges]  # per kind the upload names, in contract order
    removal_problems: tuple[Problem, ...] = ()

    @property
    def changed(self) -> bool:
        return any(c.added or c.changed for c in self.changes.values())

    @property
    def removes(self) -> bool:
        return any(c.removed for c in self.changes.values())


def plan_upload(
    current: Content, files: Mapping[str, bytes], areas: frozenset[str] | None
) -> UploadPlan:
    """Check uploaded files against current (every stored entry, hidden ones too) and plan.

    areas: the municipalities the uploader administers (None: a superadmin). Raise
    ContentError with every problem (file:line) if the upload cannot be applied.
    """
    problems = Problems()
    found, named = parse_entries(files, problems)
    for kind in KINDS:
        for entry in found[kind].values():
            refused = area_problem(kind, entry, current.of_kind(kind).get(entry.id), areas)
            if refused is not None:
                where = entry.where or Where("?", 0)
                problems.extend(
                    [Problem(where.file, where.line, refused, entry_label(kind, entry.id))]
                )
    merged = {kind: {**current.of_kind(kind), **found[kind]} for kind in KINDS}
    without = Content(**merged, version=current.version)
    check_references(without, problems)
    if problems:
        raise ContentError(problems)
    removed = {
        kind: tuple(
            sorted(
                i
                for i, e in current.of_kind(kind).items()
                if i not in found[kind] and within(entry_area(e), areas)
            )
        )
        for kind in named
    }
    kept = {
        kind: {i: e for i, e in entries.items() if i not in removed.get(kind, ())}
        for kind, entries in merged.items()
    }
    with_removals: Content | None = Content(**kept, version=current.version)
    broken = Problems()
    check_references(with_removals, broken)
    if broken:
        with_removals = None
    changes = {
        kind: KindChanges(
            added=tuple(sorted(i for i in found[kind] if i not in current.of_kind(kind))),
            changed=tuple(
                sorted(
                    i
                    for i, e in found[kind].items()
                    if i in current.of_kind(kind) and _differs(e, current.of_kind(kind)[i])
                )
            ),
            removed=removed[kind],
        )
        for kind in KINDS
        if kind in named
    }
    return UploadPlan(current.version, without, with_removals, changes, tuple(broken.sorted()))


def _differs(new: Entry, old: Entry) -> bool:
    """Say if saving new over old changes it (a new entry without `hidden` keeps old's)."""
    hidden = bool(old.hidden) if new.hidden is None else new.hidden
    return hidden != bool(old.hidden) or stored_form(new) != stored_form(old)


def apply_plan(
    session: Session, plan: UploadPlan, remove: bool, author_id: int | None
) -> ImportResult:
    """Write a plan in the caller's transaction (origin "upload"), all or nothing."""
    if version_id(session) != plan.base_version:
        raise UploadError("stale")
    content = plan.with_removals if remove else plan.without_removals
    if content is None:
        raise UploadError("removals_break_references")
    return save_content(session, content, "upload", author_id)
