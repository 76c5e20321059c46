"""The flood gate in front of every handler: a burst of updates per user, then a short pause.

Each user has a bucket of `burst` tokens that refills at `per_minute` tokens a minute; every
update (a message, a command, a button press, a file) takes one. An update finding the
bucket empty is dropped before any handler sees it; the first one dropped gets a short
"slow down" in the user's language, the rest nothing until the bucket has refilled.
Buckets live in memory only: a flood is a matter of seconds, and nothing is stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.chat.context import LotseContext
from bot.chat.render import Reply, directed, esc
from bot.chat.send import answer

#: Above this many buckets, full ones (users who paused) are forgotten.
MAX_BUCKETS = 10_000


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False
    #: The last update decided on, and the decision (asking again does not take a token).
    update_id: int | None = None
    decision: tuple[bool, bool] = (True, False)


class FloodGate:
    """Token buckets per user: `allow(user)` says whether an update may pass."""

    def __init__(
        self, burst: int, per_minute: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst, self.rate, self.clock = float(burst), per_minute / 60.0, clock
        self._buckets: dict[int, _Bucket] = {}

    def allow(self, user_id: int, update_id: int | None = None) -> tuple[bool, bool]:
        """Take a token for user_id; return (passes, warn: the first update dropped).

        The update processor asks before an update waits for its chat's lane (so a flood is
        dropped cheaply), the gate handler asks again: the same update_id gets the same answer.
        """
        bucket = self._buckets.get(user_id)
        if bucket is not None and update_id is not None and bucket.update_id == update_id:
            return bucket.decision
        decision = self._take(user_id)
        if update_id is not None:
            bucket = self._buckets[user_id]
            bucket.update_id, bucket.decision = update_id, decision
        return decision

    def _take(self, user_id: int) -> tuple[bool, bool]:
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[user_id] = _Bucket(self.burst, now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            if bucket.tokens >= 1:
                bucket.warned = False  # the pause is over: warn again next time
            return True, False
        warn, bucket.warned = not bucket.warned, True
        return False, warn

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled completely (same as a new bucket)."""
        full = [
            user
            for user, b in self._buckets.items()
            if b.tokens + (now - b.at) * self.rate >= self.burst
        ]
        for user in full:
            del self._buckets[user]

    def __len__(self) -> int:
        return len(self._buckets)


async def gate(update: Update, context: LotseContext) -> None:
    """Let an update pass, or drop it (saying "slow down" once) when its user floods."""
    user = update.effective_user
    flood = context.bot_data.flood
    if user is None or flood is None:
        return
    passes, warn = flood.allow(user.id, update.update_id)
    if passes:
        return
    if warn and update.effective_chat is not None:
        t = context.t
        text = t("You are sending messages very quickly. Please wait a moment, then try again.")
        await answer(update, Reply(directed("⏳ " + esc(text), t.lang)))
    raise ApplicationHandlerStop
