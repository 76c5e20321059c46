"""The command menu: everyone's commands for all chats, an admin's own menu in their chat."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import BotCommand, BotCommandScopeChat
from telegram.ext import ExtBot

from bot.i18n import translator

log = logging.getLogger(__name__)
Commands = Sequence[tuple[str, str]]


async def set_menu(
    bot: ExtBot, user_id: int, lang: str, commands: Commands, admin_commands: Commands, admin: bool
) -> None:
    """Give an admin's chat the menu with the admin commands; take it away from others.

    Best effort: a failure is logged (without the user) and never stops what called it.
    """
    scope = BotCommandScopeChat(user_id)
    try:
        if admin:
            t = translator(lang)
            menu = [BotCommand(name, t(text)) for name, text in (*commands, *admin_commands)]
            await bot.set_my_commands(menu, scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except Exception as exc:  # an optional call
        log.warning("could not set an admin's command menu: %s", type(exc).__name__)
