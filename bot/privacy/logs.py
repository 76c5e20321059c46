"""Logs that give nobody away: no message texts, names or usernames, user ids as a keyed hash.

Lotse's own log lines carry ids of rows and counts only. As a second line of defence the
`Redactor` filter sits on every log handler: while an update is handled it knows that
update's user and what they typed (`remember`, the first handler of every update) and
replaces them in any record, whoever logged it. The DEBUG lines of libraries that would log
whole requests and updates (PTB, httpx, APScheduler) are held back.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import sys
from contextvars import ContextVar
from dataclasses import dataclass

#: Libraries whose DEBUG lines hold request bodies, update JSON or URLs with the token.
CHATTY = {"telegram": logging.INFO, "httpx": logging.WARNING, "httpcore": logging.WARNING,
          "apscheduler": logging.INFO, "alembic.runtime.plugins": logging.WARNING}  # fmt: skip
TEXT, NAME = "[text]", "[name]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@dataclass(frozen=True)
class Writing:
    """Who the update being handled is from, and the texts in it that must not be logged."""

    user_id: int | None
    texts: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


CURRENT: ContextVar[Writing | None] = ContextVar("lotse_writing", default=None)


def pseudonym(user_id: int, key: str) -> str:
    """A short keyed hash that stands for a user id in logs (the same id, the same code)."""
    digest = hmac.new(key.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
    return "user-" + digest[:10]


class Redactor(logging.Filter):
    """Replace the current update's user id, texts and names in every record."""

    def __init__(self, key: str | None = None):
        super().__init__()
        self.key = key or secrets.token_hex(16)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < _floor(record.name):
            return False
        writing = CURRENT.get()
        if writing is None:
            return True
        message = original = record.getMessage()
        for text in sorted(writing.texts, key=len, reverse=True):
            message = message.replace(text, TEXT)
        for name in writing.names:
            message = message.replace(name, NAME)
        if writing.user_id is not None:
            mark = pseudonym(writing.user_id, self.key)
            message = re.sub(rf"(?<!\d){writing.user_id}(?!\d)", mark, message)
        if message != original:
            record.msg, record.args = message, None
        return True


def remember(user_id: int | None, texts: list[str | None], names: list[str | None]) -> None:
    """Say which user and texts the log lines from now on (this update) must not show."""
    CURRENT.set(
        Writing(
            user_id,
            tuple(t for t in texts if t and len(t) >= 3),
            tuple(n for n in names if n and len(n) >= 2),
        )
    )


def _floor(logger: str) -> int:
    """The lowest level a record of this logger may have to be written."""
    for name, floor in CHATTY.items():
        if logger == name or logger.startswith(name + "."):
            return floor
    return logging.NOTSET


def protect(handler: logging.Handler, key: str | None = None) -> Redactor:
    """Put the redactor on a handler (it also holds back the chatty libraries' DEBUG lines)."""
    redactor = Redactor(key)
    handler.addFilter(redactor)
    return redactor


def configure(level: str, key: str | None) -> None:
    """Log to stderr at `level`, through the redactor."""
    logging.basicConfig(level=level, format=FORMAT, stream=sys.stderr)
    for handler in logging.getLogger().handlers:
        protect(handler, key)
