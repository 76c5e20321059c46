"""What the appointment handlers share: the time now, plain replies and pop-up errors."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from bot.appointments.words import error_text
from bot.chat.context import LotseContext
from bot.chat.render import Reply, directed, esc
from bot.chat.send import answer


def say(context: LotseContext, text: str) -> Reply:
    """A plain message in the reader's direction."""
    return Reply(directed(esc(text), context.t.lang))


def now(context: LotseContext) -> datetime:
    """The time now (the services' clock, which tests move by hand)."""
    return context.services.clock.now()


def local_now(context: LotseContext) -> datetime:
    """The time now in the bot's time zone (what "tomorrow" is relative to)."""
    return now(context).astimezone(context.services.settings.tz)


async def alert(update: Update, context: LotseContext, code: str) -> None:
    """Say why a change cannot be made: a pop-up for a button, else a message."""
    text = error_text(context.t, code)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, say(context, text))
