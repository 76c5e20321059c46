"""Text that one person writes and another reads: no hidden controls, short quotes.

Whatever a user types for someone else (a referral note, a question for an advisor and
its answer, an appointment's title and place) goes through `clean` where it comes in:
control characters go (newlines stay, tabs become spaces), and so do the invisible
characters that reorder or hide text (bidi embeddings, overrides and isolates, direction
marks, zero-width spaces, the byte-order mark). The joiners that Persian and Arabic
spelling needs (ZWNJ U+200C, ZWJ U+200D) stay. Showing the text in a message of another
direction is then the renderer's job (bot.chat.render.embed isolates it).

`excerpt` quotes a value in a diagnostic: one line, at most a few dozen characters, with
invisible characters made visible as `<U+202E>` so that the reader sees what is there.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

#: Controls (C0 but newline, DEL, C1), bidi embeddings/overrides/isolates and marks
#: (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), and other invisible formatters
#: that can hide or spoof text (zero-width space, word joiner and invisible operators,
#: deprecated format characters, interlinear annotations, the byte-order mark).
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
#: What `excerpt` shows literally despite being a format character: the joiners.
_JOINERS = frozenset("\u200c\u200d")


def clean(text: str) -> str:
    """Remove control and invisible formatting characters; keep newlines, make tabs spaces."""
    text = _BREAKS.sub("\n", text).replace("\t", " ")
    return _HIDDEN.sub("", text)


def clean_line(text: str) -> str:
    """Clean text that must stay on one line (a title, a place): line breaks become spaces."""
    return " ".join(clean(text).split())


def excerpt(value: object, limit: int = 60) -> str:
    """Quote value on one line, invisible characters shown as <U+XXXX>, cut to limit with "…"."""
    whole = str(value)
    text = whole[: limit * 4]
    shown: list[str] = []
    for ch in text:
        if ch in "\n\r\t":
            shown.append(" ")
        elif ch not in _JOINERS and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            shown.append(f"<U+{ord(ch):04X}>")
        else:
            shown.append(ch)
    line = "".join(shown)
    if len(line) <= limit and len(text) == len(whole):
        return line
    return line[: limit - 1].rstrip() + "…"


def word_changes(old: str, new: str, context: int = 4) -> list[tuple[str, str]]:
    """Return how new differs from old, word by word: ("same" | "del" | "add", words).

    Runs of unchanged words longer than twice `context` keep `context` words at each end
    around an "…"; two equal texts give [].
    """
    before, after = old.split(), new.split()
    if before == after:
        return []
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            words = before[a1:a2]
            if len(words) > 2 * context:
                first = words[:context] if out else []
                last = words[-context:] if a2 < len(before) or b2 < len(after) else []
                words = [*first, "…", *last]
            out.append(("same", " ".join(words)))
            continue
        if a2 > a1:
            out.append(("del", " ".join(before[a1:a2])))
        if b2 > b1:
            out.append(("add", " ".join(after[b1:b2])))
    return [(op, words) for op, words in out if words]
