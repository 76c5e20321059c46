"""Inline keyboard layouts and short, strictly parsed callback data (at most 64 bytes).

Callback data look like `L:de` or `A:durchstarten-wer`: a one-letter verb and its arguments.
They survive restarts (nothing is kept in memory); every handler matches them with a full
regular expression and checks the values again, so old or forged buttons get a friendly reply.
Ids in callback data are read with `parse_id()`: ASCII digits (a pattern's digit class also
matches other scripts' digits) within the range of the column they name, or 0 (no row).
A few buttons lead from one slice into another; they are built here, next to their data:
`K:go` starts an eligibility check, `S:go` a search for offers, `S:k` a search for offers
with the facts of the check just finished, `F:<entry>` shows a FAQ entry, `R:n:<offer>`
starts a referral to an offer's coach.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence

from bot.chat.render import Button
from bot.i18n import LANGUAGE_NAMES, Translator

MAX_DATA = 64
MAX_LABEL = 60
#: Ids up to this length go into callback data as they are; longer ones as a short hash.
MAX_PLAIN_ID = 40
#: The data of the button that starts an eligibility check.
START_CHECK = "K:go"
#: The data of the buttons that start a search for offers (afresh, or after a check).
START_FIND, FIND_AFTER_CHECK = "S:go", "S:k"
#: The regular expression that matches what `token()` produces.
TOKEN = r"[a-z0-9-]{1,40}|~[A-Za-z0-9_-]{11}"
#: The largest row id a button may name (PostgreSQL's integer is 32-bit).
MAX_ROW_ID = 2**31 - 1
#: The largest Telegram user id a button may name (Telegram's ids fit into 52 bits).
MAX_USER_ID = 2**52


def data(*parts: str) -> str:
    """Join callback data parts with ':'; refuse anything Telegram would reject."""
    joined = ":".join(parts)
    if len(joined.encode()) > MAX_DATA:
        raise ValueError(f"callback data longer than {MAX_DATA} bytes")
    return joined


def parse_id(text: str | None, largest: int = MAX_ROW_ID) -> int:
    """Return the id in a piece of callback data: ASCII digits up to largest, else 0.

    0 names no row and no user, so a handler answers an impossible id (twelve digits, a
    number past the column's range, digits of another script) as it answers an unknown one.
    """
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(largest)):
        return 0
    value = int(text)
    return value if value <= largest else 0


def token(entry_id: str) -> str:
    """Return a short stand-in for an id that fits into callback data."""
    if len(entry_id) <= MAX_PLAIN_ID:
        return entry_id
    digest = hashlib.blake2b(entry_id.encode(), digest_size=8).digest()
    return "~" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def resolve(value: str, ids: Iterable[str]) -> str | None:
    """Return the id a token stands for, or None when no id matches."""
    if not value.startswith("~"):
        return value if value in set(ids) else None
    return next((entry_id for entry_id in ids if token(entry_id) == value), None)


def label(text: str) -> str:
    """Shorten a button label that would be cut off on a phone."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def grid(buttons: Sequence[Button], columns: int = 2) -> tuple[tuple[Button, ...], ...]:
    """Arrange buttons in rows of `columns`."""
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def language_buttons(
    prefix: str, languages: Iterable[str], current: str | None = None
) -> tuple[tuple[Button, ...], ...]:
    """Return buttons `prefix:lang` with each language's own name, the current one ticked."""
    buttons = [
        Button(
            ("✓ " if lang == current else "") + LANGUAGE_NAMES.get(lang, lang), data(prefix, lang)
        )
        for lang in languages
    ]
    return grid(buttons, 2)


def check_button(t: Translator) -> Button:
    """The button that starts an eligibility check (start menu, help, program answers)."""
    return Button("✅ " + t("Check eligibility"), START_CHECK)


def find_button(t: Translator, after_check: bool = False) -> Button:
    """The button that starts a search for offers (start menu, help, result of a check)."""
    return Button("🔎 " + t("Find offers"), FIND_AFTER_CHECK if after_check else START_FIND)


def entry_button(text: str, entry_id: str) -> Button:
    """A button that shows a FAQ entry as a new message (the pressed message stays as it is)."""
    return Button(text, data("F", token(entry_id)))


def refer_button(t: Translator, offer_id: str) -> Button:
    """The button on an offer's card that refers a person to the offer's coach."""
    return Button("📨 " + t("Refer a person"), data("R", "n", token(offer_id)))
