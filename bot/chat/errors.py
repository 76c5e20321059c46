"""The error handler: log what broke (never what the user wrote) and tell the user kindly."""

from __future__ import annotations

import logging
import traceback

from telegram import Update

from bot.chat.context import LotseContext
from bot.chat.render import Reply, directed, esc
from bot.chat.send import answer
from bot.i18n import translator

log = logging.getLogger(__name__)


async def on_error(update: object, context: LotseContext) -> None:
    """Log the error type, update id and stack (no message text) and apologise to the user."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("update %s failed with %s\n%s", update_id, type(error).__name__, frames.rstrip())
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except Exception as exc:  # the button may be long gone
            log.warning("could not answer the button press: %s", type(exc).__name__)
    lang = context.fallback_language
    t = translator(lang)
    text = t("Sorry, something went wrong on my side. Please try again in a moment.")
    try:
        await answer(update, Reply(directed(esc(text), lang)))
    except Exception as exc:  # the apology is best effort
        log.warning("could not tell the user about the error: %s", type(exc).__name__)


async def stale_button(update: Update, context: LotseContext) -> None:
    """Tell the user kindly that a button is too old or not valid (any unknown callback data)."""
    query = update.callback_query
    if query is None:
        return
    text = context.t("This button no longer works. Please use /start or ask your question again.")
    await query.answer(text, show_alert=True)


async def unknown_command(update: Update, context: LotseContext) -> None:
    """Answer a command no handler knows."""
    text = context.t("I don't know this command. Send /help to see what I can do.")
    await answer(update, Reply(directed(esc(text), context.t.lang)))
