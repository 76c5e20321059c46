"""Send and edit Replies: HTML, split under Telegram's limit, buttons under the last part."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.chat.keyboards import label
from bot.chat.render import Button, Reply, split_html

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
log = logging.getLogger(__name__)


def markup(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Turn rows of buttons into Telegram's inline keyboard (None when there are none)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label(b.label), callback_data=b.data) for b in row] for row in rows]
    )


async def send(bot: ExtBot, chat_id: int, reply: Reply) -> Message:
    """Send a reply as one or more messages; return the last one."""
    chunks = split_html(reply.html)
    message: Message | None = None
    for number, chunk in enumerate(chunks, start=1):
        message = await bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(reply.rows) if number == len(chunks) else None,
            link_preview_options=NO_PREVIEW,
        )
    assert message is not None
    return message


async def push(bot: ExtBot, chat_id: int, reply: Reply) -> bool:
    """Send a reply to another user unasked; say whether it arrived (never raise)."""
    try:
        await send(bot, chat_id, reply)
    except Forbidden:
        log.info("a push was refused: the user has blocked the bot")
        return False
    except TelegramError as exc:
        log.warning("a push failed: %s", type(exc).__name__)
        return False
    return True


async def answer(update: Update, reply: Reply) -> Message:
    """Send a reply into the chat the update came from."""
    chat = update.effective_chat
    assert chat is not None
    return await send(update.get_bot(), chat.id, reply)


async def edit(update: Update, reply: Reply) -> None:
    """Replace the text and buttons of the message whose button was pressed."""
    query = update.callback_query
    assert query is not None
    chunks = split_html(reply.html)
    try:
        await query.edit_message_text(
            chunks[0],
            parse_mode=ParseMode.HTML,
            reply_markup=markup(reply.rows) if len(chunks) == 1 else None,
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as exc:  # pressing the same button twice: "message is not modified"
        if "not modified" not in str(exc).lower():
            raise
    if len(chunks) > 1:
        await answer(update, Reply("\n".join(chunks[1:]), reply.rows))


async def set_buttons(update: Update, rows: Sequence[Sequence[Button]]) -> None:
    """Replace only the buttons of the message whose button was pressed."""
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_reply_markup(markup(rows))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
