"""Handle the updates of different chats at the same time, and those of one chat in order.

PTB handles one update after another by default, so one slow update (an admin's upload
being checked, /stats drawing) kept every other user waiting. Here each chat is a lane: its
updates wait for each other (conversations rely on that), other chats' updates do not.

Handlers open their database sessions without awaiting inside them (a test checks this), so
updates handled side by side never interleave inside one transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.chat.flood import FloodGate

#: Updates handled or waiting at the same time, over all chats (PTB's semaphore). A chat that
#: floods takes at most this many places; the flood gate drops its excess in microseconds.
MAX_CONCURRENT_UPDATES = 1024


def lane_of(update: object) -> int | None:
    """Return the chat (or, without one, the user) whose updates must stay in order."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class ChatLanes(BaseUpdateProcessor):
    """An update processor with one lane (an ordered queue) per chat."""

    def __init__(
        self, flood: FloodGate | None = None, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.flood = flood
        self._lanes: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    @property
    def busy_lanes(self) -> int:
        """Return how many chats have an update being handled or waiting."""
        return len(self._lanes)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await coroutine once every earlier update of the same chat is handled.

        An update the flood gate drops quietly is dropped here, before it waits or costs
        anything; the one that gets the "slow down" goes on to the gate handler.
        """
        if self._flooding(update):
            if isinstance(coroutine, Coroutine):
                coroutine.close()
            return
        key = lane_of(update)
        if key is None:
            await coroutine
            return
        lock, users = self._lanes.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:  # asyncio.Lock wakes its waiters in the order they came
                await coroutine
        finally:
            users[0] -= 1
            if not users[0]:
                del self._lanes[key]

    def _flooding(self, update: object) -> bool:
        """Say if the flood gate drops this update without a word."""
        if self.flood is None or not isinstance(update, Update) or update.effective_user is None:
            return False
        passes, warn = self.flood.allow(update.effective_user.id, update.update_id)
        return not passes and not warn

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close: PTB waits for the updates being handled."""
