"""Load a content directory (or uploaded files) all-or-nothing, per the content contract."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.catalog.parse import SINGULAR, Problems, parse_entry
from bot.catalog.rules import check_rule
from bot.catalog.schema import KINDS, Content, Entry, Where
from bot.catalog.yamlio import error_line, error_text, load_yaml

#: A single content file may be at most this large (bytes); larger files are refused.
MAX_FILE_BYTES = 1024 * 1024
#: A whole content directory or upload may be at most this large (bytes).
MAX_TOTAL_BYTES = 16 * 1024 * 1024
#: Files in a directory that count as content.
SUFFIXES = (".yaml", ".yml")


class ContentError(Exception):
    """Content that breaks the contract; `problems` lists `file:line: what is wrong`."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_files(path: str | Path) -> dict[str, bytes]:
    """Read a content file or every *.yaml below a directory, keyed by relative path."""
    root = Path(path)
    if root.is_file():
        return {root.name: _read_limited(root, root.name)}
    if not root.is_dir():
        raise ContentError([f"{path}: no such file or directory"])
    files = sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    if not files:
        raise ContentError([f"{path}: no *.yaml files found"])
    out = {
        p.relative_to(root).as_posix(): _read_limited(p, p.relative_to(root).as_posix())
        for p in files
    }
    total = sum(map(len, out.values()))
    if total > MAX_TOTAL_BYTES:
        raise ContentError([f"{path}:0: content is {total} bytes, more than {MAX_TOTAL_BYTES}"])
    return out


def _read_limited(path: Path, name: str) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ContentError(
            [f"{name}:0: file is {size} bytes, more than the limit of {MAX_FILE_BYTES}"]
        )
    return path.read_bytes()


def load_content(path: str | Path) -> Content:
    """Load and validate a content file or directory; raise ContentError on any problem."""
    return parse_files(read_files(path))


def parse_files(files: Mapping[str, bytes]) -> Content:
    """Parse and validate named YAML files as one content store, all or nothing."""
    problems = Problems()
    found: dict[str, dict[str, Entry]] = {kind: {} for kind in KINDS}
    for name, data in sorted(files.items()):
        if len(data) > MAX_FILE_BYTES:
            problems.add(
                Where(name, 0), 0, f"file is {len(data)} bytes, more than {MAX_FILE_BYTES}"
            )
            continue
        for kind, raw, where in _documents(name, data, problems):
            entry = parse_entry(kind, raw, where, problems)
            if entry is None:
                continue
            first = found[kind].get(entry.id)
            if first is not None:
                problems.add(
                    where,
                    None,
                    f"duplicate {SINGULAR[kind]} id '{entry.id}' (first at {first.where})",
                )
                continue
            found[kind][entry.id] = entry
    content = Content(**found)
    check_references(content, problems)
    if problems:
        raise ContentError(problems.lines())
    return content


def parse_raw(raw: Mapping[str, list[Any]], name: str = "<database>") -> Content:
    """Parse already-decoded entries (e.g. from the database) with the same rules."""
    problems = Problems()
    found: dict[str, dict[str, Entry]] = {kind: {} for kind in KINDS}
    for kind in KINDS:
        for index, item in enumerate(raw.get(kind, ())):
            entry = parse_entry(kind, item, Where(name, index + 1), problems)
            if entry is not None:
                found[kind][entry.id] = entry
    content = Content(**found)
    check_references(content, problems)
    if problems:
        raise ContentError(problems.lines())
    return content


def _documents(name: str, data: bytes, problems: Problems):
    """Yield (kind, raw entry, where) for every entry of one file, reporting shape errors."""
    top = Where(name, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.add(top, 1, f"not UTF-8 text (byte {exc.start})")
        return
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as exc:
        problems.add(top, error_line(exc), error_text(exc))
        return
    if doc is None:
        return
    if not isinstance(doc, Mapping):
        problems.add(top, 1, f"the file must be a mapping with keys among: {', '.join(KINDS)}")
        return
    for key, items in doc.items():
        line = doc.line_of(key)
        if key not in KINDS:
            problems.add(top, line, f"unknown top-level key '{key}' (allowed: {', '.join(KINDS)})")
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            problems.add(top, line, f"'{key}' must be a list of entries")
            continue
        for item in items:
            yield key, item, Where(name, getattr(item, "line", line))


def check_references(content: Content, problems: Problems) -> None:
    """Report links to entries that do not exist and invalid eligibility rules."""
    towns = content.municipalities

    def missing(entry: Entry, field: str, target: str, kind: str) -> None:
        problems.add(
            entry.where or Where("?", 0),
            _line(entry),
            f"'{field}' of '{entry.id}' refers to an unknown {SINGULAR[kind]} '{target}'",
        )

    for m in towns.values():
        if m.kreis and m.kreis not in towns:
            missing(m, "kreis", m.kreis, "municipalities")
    for p in content.programs.values():
        if p.parent and p.parent not in content.programs:
            missing(p, "parent", p.parent, "programs")
        if p.eligibility is not None:
            where = p.where or Where("?", 0)
            check_rule(
                p.eligibility,
                towns,
                lambda line, text, where=where, pid=p.id: problems.add(
                    where, line, f"program '{pid}' eligibility: {text}"
                ),
            )
    _check_parent_cycles(content, problems)
    for f in content.faq.values():
        if f.scope != "nrw" and f.scope not in towns:
            missing(f, "scope", f.scope, "municipalities")
        if f.program and f.program not in content.programs:
            missing(f, "program", f.program, "programs")
    for o in content.offers.values():
        if o.municipality not in towns:
            missing(o, "municipality", o.municipality, "municipalities")
        if o.program and o.program not in content.programs:
            missing(o, "program", o.program, "programs")
    for c in content.contacts.values():
        if c.municipality and c.municipality not in towns:
            missing(c, "municipality", c.municipality, "municipalities")


def _line(entry: Entry) -> int:
    return entry.where.line if entry.where else 0


def _check_parent_cycles(content: Content, problems: Problems) -> None:
    for program in content.programs.values():
        seen = {program.id}
        parent = program.parent
        while parent and parent in content.programs:
            if parent in seen:
                problems.add(
                    program.where or Where("?", 0),
                    _line(program),
                    f"program '{program.id}': 'parent' forms a cycle",
                )
                break
            seen.add(parent)
            parent = content.programs[parent].parent
