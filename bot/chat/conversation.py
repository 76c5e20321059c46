"""Small helpers shared by conversation handlers: stop other groups, answer presses, show."""

from __future__ import annotations

import re
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import wraps
from typing import TYPE_CHECKING, Any

from telegram import Message, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.chat.errors import stale_button
from bot.chat.render import Reply
from bot.chat.send import answer, edit
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.services import Services

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


Handler = Callable[[Update, Any], Awaitable[Any]]


def exits(
    key: str,
    cancelled: Callable[[Translator], Reply],
    timed_out: Callable[[Translator, int], Reply],
    timeout: timedelta,
) -> tuple[Handler, Handler, Handler]:
    """Build the cancel, leave and timeout handlers of a conversation keeping its answers at key.

    Each forgets every answer: cancel (a button or /cancel) says so, leave (another command)
    ends quietly so that command runs as usual, and the timeout says the answers are gone.
    """

    async def cancel(update: Update, context: Any) -> State:
        context.user_data.pop(key, None)
        await ack(update)
        await show(update, cancelled(context.t))
        return ConversationHandler.END

    async def leave(update: Update, context: Any) -> State:
        context.user_data.pop(key, None)
        return ConversationHandler.END

    async def expire(update: Update, context: Any) -> None:
        if context.user_data.pop(key, None) is not None:
            minutes = int(timeout.total_seconds() // 60)
            await answer(update, timed_out(context.t, minutes))

    return cancel, leave, expire


async def _pass_on(update: Update, context: Any) -> None:
    """Do nothing: a press without data goes on to the stale-button handler of group 0."""


def add_conversation(app: Application, conversation: ConversationHandler, group: int) -> None:
    """Add a conversation in a handler group of its own (one state per user)."""
    # A press without data would match every pattern of the conversation: keep it out.
    app.add_handler(CallbackQueryHandler(_pass_on, pattern=re.compile("^$")), group=group)
    app.add_handler(conversation, group=group)


def button(
    callback: Callable[[Update, Any], Awaitable[State]], pattern: str
) -> CallbackQueryHandler:
    """A conversation's button: `callback` for callback data matching `pattern` (final)."""
    return CallbackQueryHandler(final(callback), pattern=re.compile(pattern))


def typed(callback: Callable[[Update, Any], Awaitable[State]]) -> MessageHandler:
    """A conversation's typed answer: any text that is not a command (final)."""
    return MessageHandler(filters.TEXT & ~filters.COMMAND, final(callback))


def conversation(
    name: str,
    entry_points: list[BaseHandler],
    states: dict[object, list[BaseHandler]],
    ways_out: tuple[Handler, Handler, Handler],
    timeout: timedelta,
) -> ConversationHandler:
    """Build a conversation kept per user, with the ways out every conversation has.

    `ways_out` is (cancel, leave, timed out) from `exits()`: /cancel cancels, any other
    command leaves quietly (and then runs as usual), and after `timeout` without an answer
    the conversation ends; starting it again restarts it.
    """
    cancel, leave, timed_out = ways_out
    with warnings.catch_warnings():
        # per_message=False is what we want (state per user); PTB warns about it regardless.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states={**states, ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)]},
            fallbacks=[
                CommandHandler("cancel", final(cancel)),
                MessageHandler(filters.COMMAND, leave),
            ],
            conversation_timeout=timeout,
            allow_reentry=True,
            name=name,
        )


def serial_cancel(key: str, cancel: Handler) -> Handler:
    """The Cancel button of a dialog whose state at `key` carries a `serial` (as its buttons
    do): the button of an earlier dialog only gets the stale-button notice."""

    async def stop(update: Update, context: Any) -> State:
        found = context.user_data.get(key)
        serial = context.matches[0].group(1) if context.matches else None
        if serial is None or getattr(found, "serial", None) != serial:
            return await stale_button(update, context)
        return await cancel(update, context)

    return stop


#: Does a slice's core recognise a typed text? (text, the message, the running services)
Recognise = Callable[[str, Message, "Services"], bool]


class TypedQuestion(filters.MessageFilter):
    """A private text (not a command) that a slice's core recognises, such as an offer request.

    A conversation enters on such a text before the FAQ sees it; `recognises` asks the core,
    with the services of the running application (the content changes while it runs).
    """

    def __init__(self, app: Application, name: str, recognises: Recognise) -> None:
        super().__init__(name=name)
        self._app, self._recognises = app, recognises

    def filter(self, message: Message) -> bool:
        services = self._app.bot_data.services
        text = message.text
        if services is None or not text or text.startswith("/"):
            return False
        return self._recognises(text, message, services)
