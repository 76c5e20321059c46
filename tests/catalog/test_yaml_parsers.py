"""LibYAML and PyYAML's own parser read every text alike: the same values at the same lines,
or the same problem at the same line, so the fast parser changes nothing but the time."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog import yamlio
from bot.catalog.yamlio import LineDict, error_line, error_text, load_yaml
from tests.catalog.conftest import FIXTURE

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED = sorted(
    [*(ROOT / "content").rglob("*.yaml"), *(ROOT / "bot" / "answers" / "lexicon").glob("*.yaml")]
)
needs_libyaml = pytest.mark.skipif(yamlio.CParser is None, reason="PyYAML without LibYAML")


def shape(value: Any) -> Any:
    """Return value with the line of every mapping and key, to compare two readings."""
    if isinstance(value, LineDict):
        return (value.line, [(shape(k), value.line_of(k), shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    return (type(value).__name__, value)


def reading(text: str, libyaml: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return what load_yaml makes of text (values and lines, or the problem and its line)."""
    monkeypatch.setattr(yamlio, "USE_LIBYAML", libyaml)
    try:
        return shape(load_yaml(text))
    except yaml.YAMLError as exc:
        return type(exc).__name__, error_line(exc), error_text(exc)


@needs_libyaml
@pytest.mark.parametrize(
    "path",
    [*SHIPPED, *sorted(FIXTURE.rglob("*.yaml"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_shipped_content_reads_the_same_with_both_parsers(path: Path, monkeypatch):
    text = path.read_text(encoding="utf-8")
    assert reading(text, True, monkeypatch) == reading(text, False, monkeypatch)


@needs_libyaml
def test_shipped_content_is_read_by_libyaml_alone(monkeypatch):
    def refuse(text: str) -> None:
        raise AssertionError("PyYAML's own parser was asked")

    monkeypatch.setattr(yamlio, "_LineLoader", refuse)
    for path in SHIPPED:
        load_yaml(path.read_text(encoding="utf-8"))


#: Texts LibYAML reads (or would read) otherwise than PyYAML; PyYAML's reading must win.
DIFFERENT = [
    ("a: b\t\n", "a tab after a value"),
    ("a: [b,\tc]\n", "a tab inside [...]"),
    ("tags: [asyl? blg, b]\n", "a question mark in a plain word inside [...]"),
    ("a: {max: 27? }\n", "a question mark at a plain word's end inside {...}"),
    ("a: [b:]\n", "a colon at a plain word's end inside [...] (LibYAML refuses it)"),
    ("a: !\n", "the non-specific tag alone"),
    ("a: |#\n  x\n", "a comment right after a block scalar's header"),
    ("a: 1\n\ufeff# c\n", "a byte order mark at a line's start"),
    ("\ufeff\ufeffa: 1\n", "a second byte order mark"),
    ("a: &x [b]\nc: *x\nd: [x?]\n", "an alias, then a question mark inside [...]"),
]


@needs_libyaml
@pytest.mark.parametrize(("text", "what"), DIFFERENT, ids=[d[1] for d in DIFFERENT])
def test_where_libyaml_reads_otherwise_pyyaml_decides(text: str, what: str, monkeypatch):
    assert reading(text, True, monkeypatch) == reading(text, False, monkeypatch)


#: Pieces of YAML where parsers tend to differ: spliced anywhere into a valid file.
PIECES = (
    "\t", "\ufeff", "\x85", "\u2028", "\r", "\r\n", "\n", "\n  ", " ", "?", "? ", ": ", ":", ",",
    "[", "]", "{", "}", "- ", "-", "#", " #", "|", ">", "|-", ">+", "|2", "!", "!!str", "!e",
    "&a ", "*a", "<<: *a", "'", '"', '"\\/"', '"\\x41"', "%YAML 1.2\n---\n", "---\n", "...\n",
    "~", "a:b", "x?", "1:2", ".inf", "0o7", "2027-01-01", "\xa0", "\U0001f600", "\x00",
)  # fmt: skip
BASES = (
    "faq:\n  - id: a\n    tags: [x, y]\n    translations:\n      de:\n"
    "        questions: [Wer?, 'Wie?']\n        answer: |\n          Eine Antwort.\n",
    "a: &x {b: 1, c: [1, 2]}\nd: *x\ne:\n  <<: *x\n  f: >\n    g\n    h\n",
)


@needs_libyaml
@settings(max_examples=400, derandomize=True, database=None, deadline=None)
@given(
    st.sampled_from(BASES),
    st.lists(st.tuples(st.integers(0, 120), st.sampled_from(PIECES)), min_size=1, max_size=4),
)
def test_any_splice_reads_the_same_with_both_parsers(base: str, splices):
    text = base
    for position, piece in splices:
        text = text[:position] + piece + text[position:]
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert reading(text, True, monkeypatch) == reading(text, False, monkeypatch)
