"""The role check every admin command and button press goes through, on each use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.chat.context import LotseContext
from bot.chat.render import Reply, directed, esc
from bot.chat.send import answer

Callback = Callable[[Update, LotseContext], Awaitable[Any]]


async def refuse(update: Update, context: LotseContext, text: str | None = None) -> int:
    """Tell the user (a pop-up for a button) that this is not theirs to do; change nothing."""
    text = text or context.t("Only the admins of Lotse can do that.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, Reply(directed(esc(text), context.t.lang)))
    return ConversationHandler.END


def admin_only(callback: Callback) -> Callback:
    """Run callback only for an admin (of any municipality) or a superadmin, read afresh.

    The profile is read from the database for every update, so a role revoked a moment
    ago no longer counts; what an admin may touch within is checked by the callback.
    """

    @wraps(callback)
    async def guarded(update: Update, context: LotseContext) -> Any:
        if not context.profile.is_admin:
            return await refuse(update, context)
        return await callback(update, context)

    return guarded


def superadmin_only(callback: Callback) -> Callback:
    """Run callback only for a superadmin (ADMIN_USER_IDS)."""

    @wraps(callback)
    async def guarded(update: Update, context: LotseContext) -> Any:
        if not context.profile.superadmin:
            return await refuse(
                update, context, context.t("Only the state-wide admins of Lotse can do that.")
            )
        return await callback(update, context)

    return guarded
