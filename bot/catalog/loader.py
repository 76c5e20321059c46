"""Load a content directory (or uploaded files) all-or-nothing, per the content contract."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from bot.catalog.parse import entry_label, parse_entry
from bot.catalog.problems import ContentError, Message, Problem, Problems, file_problem
from bot.catalog.rules import check_rule
from bot.catalog.schema import KINDS, Content, Entry, Where
from bot.catalog.yamlio import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    DuplicateKeyError,
    LimitError,
    ValueProblem,
    error_line,
    error_text,
    load_yaml,
)
from bot.collector import cycles_uncollected
from bot.i18n import N_

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "ContentError",
    "Problem",
    "check_references",
    "load_content",
    "parse_entries",
    "parse_files",
    "parse_raw",
    "read_files",
]

#: A single content file may be at most this large (bytes); larger files are refused.
MAX_FILE_BYTES = 1024 * 1024
#: A whole content directory or upload may be at most this large (bytes).
MAX_TOTAL_BYTES = 16 * 1024 * 1024
#: Files in a directory that count as content.
SUFFIXES = (".yaml", ".yml")
DUPLICATE = {
    "municipalities": N_("duplicate municipality id '{id}' (first at {first})"),
    "programs": N_("duplicate program id '{id}' (first at {first})"),
    "faq": N_("duplicate faq id '{id}' (first at {first})"),
    "offers": N_("duplicate offer id '{id}' (first at {first})"),
    "contacts": N_("duplicate contact id '{id}' (first at {first})"),
}
UNKNOWN = {
    "municipalities": N_("'{field}' of '{id}' refers to an unknown municipality '{target}'"),
    "programs": N_("'{field}' of '{id}' refers to an unknown program '{target}'"),
}
YAML_LIMITS = {
    "too_deep": N_("invalid YAML: it nests deeper than {limit} levels"),
    "too_many_aliases": N_("invalid YAML: its aliases repeat more than {limit} values"),
    "recursive_alias": N_("invalid YAML: an alias refers to itself"),
}
UNSAFE_TAG = N_("invalid YAML: unsafe or unknown YAML tag (only plain YAML is allowed)")
VALUE_PROBLEMS = {
    "bad_date": N_("'{value}' is not a real date"),
    "bad_number": N_("'{value}' is not a number Lotse can keep (too long, too large or infinite)"),
    "bad_text": N_("the text '{value}' holds a character that cannot be stored"),
    "bad_value": N_("'{value}' cannot be read as the type its tag names"),
    "not_plain": UNSAFE_TAG,
}

Found = dict[str, dict[str, Entry]]


def read_files(path: str | Path) -> dict[str, bytes]:
    """Read a content file or every *.yaml below a directory, keyed by relative path."""
    root = Path(path)
    if root.is_file():
        return {root.name: _read_limited(root, root.name)}
    if not root.is_dir():
        raise file_problem(str(path), None, N_("no such file or directory"))
    files = sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    if not files:
        raise file_problem(str(path), None, N_("no *.yaml files found"))
    out = {
        p.relative_to(root).as_posix(): _read_limited(p, p.relative_to(root).as_posix())
        for p in files
    }
    total = sum(map(len, out.values()))
    if total > MAX_TOTAL_BYTES:
        raise file_problem(
            str(path),
            0,
            N_("content is {size} bytes, more than {limit}"),
            size=total,
            limit=MAX_TOTAL_BYTES,
        )
    return out


def _read_limited(path: Path, name: str) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise file_problem(
            name,
            0,
            N_("file is {size} bytes, more than the limit of {limit}"),
            size=size,
            limit=MAX_FILE_BYTES,
        )
    return path.read_bytes()


def load_content(path: str | Path) -> Content:
    """Load and validate a content file or directory; raise ContentError on any problem."""
    return parse_files(read_files(path))


def parse_files(files: Mapping[str, bytes]) -> Content:
    """Parse and validate named YAML files as one content store, all or nothing."""
    problems = Problems()
    found, _ = parse_entries(files, problems)
    content = Content(**found)
    check_references(content, problems)
    if problems:
        raise ContentError(problems)
    return content


def parse_entries(files: Mapping[str, bytes], problems: Problems) -> tuple[Found, set[str]]:
    """Parse named YAML files into entries per kind (no references checked).

    Return the entries and the kinds the files name (even with an empty list).
    """
    found: Found = {kind: {} for kind in KINDS}
    named: set[str] = set()
    with cycles_uncollected():  # a million objects, hardly any in a cycle
        for name, data in sorted(files.items()):
            _parse_file(name, data, found, named, problems)
    return found, named


def _parse_file(name: str, data: bytes, found: Found, named: set[str], problems: Problems) -> None:
    """Parse one named file into found (entries per kind), noting the kinds it names."""
    if len(data) > MAX_FILE_BYTES:
        problems.add(
            Where(name, 0),
            0,
            N_("file is {size} bytes, more than {limit}"),
            size=len(data),
            limit=MAX_FILE_BYTES,
        )
        return
    for kind, raw, where in _documents(name, data, problems, named):
        entry = parse_entry(kind, raw, where, problems)
        if entry is None:
            continue
        first = found[kind].get(entry.id)
        if first is not None:
            problems.add(where, None, DUPLICATE[kind], id=entry.id, first=str(first.where))
            continue
        found[kind][entry.id] = entry


def parse_raw(raw: Mapping[str, list[Any]], name: str = "<database>") -> Content:
    """Parse already-decoded entries (e.g. from the database) with the same rules."""
    problems = Problems()
    found: Found = {kind: {} for kind in KINDS}
    for kind in KINDS:
        for index, item in enumerate(raw.get(kind, ())):
            entry = parse_entry(kind, item, Where(name, index + 1), problems)
            if entry is not None:
                found[kind][entry.id] = entry
    content = Content(**found)
    check_references(content, problems)
    if problems:
        raise ContentError(problems)
    return content


def _documents(
    name: str, data: bytes, problems: Problems, named: set[str]
) -> Iterator[tuple[str, Any, Where]]:
    """Yield (kind, raw entry, where) for every entry of one file, reporting shape errors."""
    top = Where(name, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.add(top, line, N_("not UTF-8 text (byte {byte})"), byte=exc.start)
        return
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as exc:
        _yaml_problem(top, exc, problems)
        return
    if doc is None:
        return
    kinds = ", ".join(KINDS)
    if not isinstance(doc, Mapping):
        problems.add(top, 1, N_("the file must be a mapping with keys among: {kinds}"), kinds=kinds)
        return
    for key, items in doc.items():
        line = doc.line_of(key)
        if key not in KINDS:
            problems.add(
                top,
                line,
                N_("unknown top-level key '{key}' (allowed: {kinds})"),
                key=key,
                kinds=kinds,
            )
            continue
        named.add(key)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.add(top, line, N_("'{key}' must be a list of entries"), key=key)
            continue
        for item in items:
            yield key, item, Where(name, getattr(item, "line", line))


def _yaml_problem(top: Where, exc: yaml.YAMLError, problems: Problems) -> None:
    line = error_line(exc)
    if isinstance(exc, LimitError):
        limit = {"too_deep": MAX_DEPTH, "too_many_aliases": MAX_ALIAS_NODES}.get(exc.code)
        params = {"limit": limit} if limit else {}
        problems.add(top, line, YAML_LIMITS[exc.code], **params)
        return
    if isinstance(exc, ValueProblem):
        problems.add(top, line, VALUE_PROBLEMS[exc.code], value=exc.value)
        return
    if isinstance(exc, DuplicateKeyError):
        problems.add(top, line, N_("invalid YAML: the key '{key}' appears twice"), key=exc.key)
        return
    text = error_text(exc)
    if text is None:
        problems.add(top, line, UNSAFE_TAG)
    else:
        problems.add(top, line, N_("invalid YAML: {error}"), error=text)


def check_references(content: Content, problems: Problems) -> None:
    """Report links to entries that do not exist and invalid eligibility rules."""
    towns = content.municipalities

    def missing(entry: Entry, field: str, target: str, target_kind: str) -> None:
        problems.add(
            entry.where or Where("?", 0),
            _line(entry),
            UNKNOWN[target_kind],
            field=field,
            id=entry.id,
            target=target,
        )

    for m in towns.values():
        if m.kreis and m.kreis not in towns:
            missing(m, "kreis", m.kreis, "municipalities")
    for p in content.programs.values():
        if p.parent and p.parent not in content.programs:
            missing(p, "parent", p.parent, "programs")
        if p.eligibility is not None:
            where = p.where or Where("?", 0)
            subject = Message(N_("program '{id}' eligibility"), {"id": p.id})
            check_rule(p.eligibility, towns, partial(problems.add, where, subject=subject))
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
                    N_("'parent' forms a cycle"),
                    subject=entry_label("programs", program.id),
                )
                break
            seen.add(parent)
            parent = content.programs[parent].parent
