"""The checks every admin command and button press goes through, on each use: the chat is
the admin's private chat with Lotse, and the role, read afresh, is still held."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ConversationHandler

from bot.chat.context import LotseContext
from bot.chat.render import Reply, directed, esc
from bot.chat.send import answer
from bot.i18n import N_

Callback = Callable[[Update, LotseContext], Awaitable[Any]]
#: What an admin command or button says anywhere but the private chat (and nothing else).
PRIVATE_ONLY = N_("Please use this command in your private chat with Lotse.")


async def refuse(update: Update, context: LotseContext, text: str | None = None) -> int:
    """Tell the user (a pop-up for a button) that this is not theirs to do; change nothing."""
    text = text or context.t("Only the admins of Lotse can do that.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, Reply(directed(esc(text), context.t.lang)))
    return ConversationHandler.END


def in_private(update: Update) -> bool:
    """Say if the update comes from a private chat (a press: on a message in one)."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def private_only(update: Update, context: LotseContext) -> int:
    """Ask for the private chat: in a group nothing but this is posted (a press: a pop-up)."""
    return await refuse(update, context, context.t(PRIVATE_ONLY))


def admin_only(callback: Callback) -> Callback:
    """Run callback only in a private chat, for an admin (of any municipality) or a superadmin.

    The profile is read from the database for every update, so a role revoked a moment
    ago no longer counts; what an admin may touch within is checked by the callback. In a
    group the command or press only says to use the private chat: no invitation link,
    export, client data or statistics is ever posted where others read.
    """

    @wraps(callback)
    async def guarded(update: Update, context: LotseContext) -> Any:
        if not in_private(update):
            return await private_only(update, context)
        if not context.profile.is_admin:
            return await refuse(update, context)
        return await callback(update, context)

    return guarded


def superadmin_only(callback: Callback) -> Callback:
    """Run callback only in a private chat, for a superadmin (ADMIN_USER_IDS)."""

    @wraps(callback)
    async def guarded(update: Update, context: LotseContext) -> Any:
        if not in_private(update):
            return await private_only(update, context)
        if not context.profile.superadmin:
            return await refuse(
                update, context, context.t("Only the state-wide admins of Lotse can do that.")
            )
        return await callback(update, context)

    return guarded
