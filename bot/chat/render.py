"""Telegram HTML: escaping, right-to-left lines, clean splitting, and plain-text views.

Pure functions (no telegram import), shared by handlers, the console and tests.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from bot.i18n import FSI, PDI, RLM, is_rtl, isolate, rtl_lines
from bot.text import word_changes

#: Telegram's limit for one message (after entity parsing); we also keep the raw HTML under it.
MAX_MESSAGE = 4096

_TAG = re.compile(r"<(/?)([a-zA-Z0-9-]+)[^>]*>")
_TOKENS = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;|\n{2,}|\n|[ \t]+|[^<&\n \t]+|[<&]")


@dataclass(frozen=True)
class Button:
    """An inline button: its label and its callback data."""

    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    """A message to send: HTML text and rows of buttons (the last chunk gets the buttons)."""

    html: str
    rows: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)


def esc(text: object) -> str:
    """Escape content or user text for Telegram's HTML parse mode."""
    return html.escape(str(text), quote=False)


def bold(text: object) -> str:
    return f"<b>{esc(text)}</b>"


def italic(text: object) -> str:
    return f"<i>{esc(text)}</i>"


def directed(html_text: str, lang: str) -> str:
    """Start every line with a right-to-left mark when lang is written right to left."""
    return rtl_lines(html_text, lang)


def embed(text: str, lang: str) -> str:
    """Isolate text of the other direction than lang's (a Latin name in Arabic, an Arabic note
    in German) so that it keeps its own; each line on its own, as a line break ends a run.

    In a right-to-left language, a line with European digits is isolated too: a phone
    number, a date or a time would otherwise show its groups in reverse order."""
    other = ("L", "EN") if is_rtl(lang) else ("R", "AL")
    return "\n".join(
        isolate(line) if any(unicodedata.bidirectional(ch) in other for ch in line) else line
        for line in text.split("\n")
    )


def marked_changes(old: str, new: str) -> str:
    """A word-level diff as HTML: removed words struck through, added ones bold."""
    parts = []
    for op, words in word_changes(old, new):
        if op == "del":
            parts.append(f"<s>{esc(words)}</s>")
        elif op == "add":
            parts.append(bold(words))
        else:
            parts.append(esc(words))
    return " ".join(parts)


def strip_html(html_text: str) -> str:
    """Return the readable text of a Telegram HTML message (tags dropped, entities unescaped)."""
    text = html.unescape(_TAG.sub("", html_text))
    return text.replace(RLM, "").replace(FSI, "").replace(PDI, "")


def utf16_len(text: str) -> int:
    """Count UTF-16 code units, the way Telegram measures messages."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split HTML into messages under limit at paragraph, line or word breaks, tags kept whole."""
    if utf16_len(text) <= limit:
        return [text]
    size = max(1, min(512, limit // 2))  # room left for reopened tags and their closers
    tokens = [piece for token in _TOKENS.findall(text) for piece in _pieces(token, size)]
    chunks: list[str] = []
    start, opened, rtl = 0, [], None
    while start < len(tokens):
        prefix = (RLM if rtl else "") + "".join(tag for _, tag in opened)
        end, stack, rtl = _cut(tokens, start, list(opened), utf16_len(prefix), limit, rtl)
        closers = "".join(f"</{name}>" for name, _ in reversed(stack))
        chunk = (prefix + "".join(tokens[start:end])).rstrip(" \t\n") + closers
        if strip_html(chunk).strip():
            chunks.append(chunk)
        start, opened = end, stack
        while start < len(tokens) and tokens[start].isspace():
            rtl = None if "\n" in tokens[start] else rtl
            start += 1
    return chunks


def _pieces(token: str, size: int = 512) -> list[str]:
    """Cut an overlong word into pieces so that every token fits into one message."""
    if len(token) <= size or token.startswith("<"):
        return [token]
    return [token[i : i + size] for i in range(0, len(token), size)]


Cut = tuple[int, list[tuple[str, str]], bool | None]


def _cut(
    tokens: list[str],
    start: int,
    stack: list[tuple[str, str]],
    size: int,
    limit: int,
    rtl: bool | None,
) -> Cut:
    """Find the best end of the chunk starting at tokens[start].

    rtl is whether the current line starts right-to-left (None: at a line start, not known yet).
    Returns (end, tags still open there, rtl state there); paragraph breaks beat line breaks,
    line breaks beat spaces, spaces beat anything else.
    """
    best: dict[int, Cut] = {}
    index = start
    while index < len(tokens):
        token = tokens[index]
        size += utf16_len(token)
        match = _TAG.fullmatch(token)
        if match is not None:
            _apply_tag(stack, match, token)
        elif token.startswith("\n"):
            rtl = None
        elif rtl is None and not token.isspace():
            rtl = token.startswith(RLM)
        closing = sum(len(name) + 3 for name, _ in stack)
        if size + closing > limit and index > start:
            break
        rank = 3 if token.startswith("\n\n") else 2 if token == "\n" else int(token.isspace())
        if index == start or match is None or match.group(1):
            best[rank] = (index + 1, list(stack), rtl)
        index += 1
    else:
        return index, stack, rtl
    for rank in (3, 2, 1, 0):
        if rank in best:
            return best[rank]
    return start + 1, stack, rtl


def _apply_tag(stack: list[tuple[str, str]], match: re.Match[str], token: str) -> None:
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        stack.append((name, token))
        return
    for position in range(len(stack) - 1, -1, -1):
        if stack[position][0] == name:
            del stack[position]
            return
