"""Small helpers shared by conversation handlers: stop other groups, answer presses, show."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.chat.render import Reply
from bot.chat.send import answer, edit

State = str | int | None


def final(callback: Callable[[Update, Any], Awaitable[State]]) -> Callable[..., Any]:
    """Run a conversation handler and keep the other handler groups from seeing the update."""

    @wraps(callback)
    async def run(update: Update, context: Any) -> None:
        raise ApplicationHandlerStop(await callback(update, context))

    return run


async def ack(update: Update) -> None:
    """Answer a button press (so the client stops its spinner); nothing for messages."""
    if update.callback_query is not None:
        await update.callback_query.answer()


async def show(update: Update, reply: Reply, new: bool = False) -> None:
    """Edit the message whose button was pressed, or send a new one."""
    if update.callback_query is not None and not new:
        await edit(update, reply)
    else:
        await answer(update, reply)
