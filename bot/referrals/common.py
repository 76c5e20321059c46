"""What the referral handlers share: who presses, pop-up errors, pushes to other users."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update

from bot.chat.context import LotseContext
from bot.chat.render import Reply, directed, esc
from bot.chat.send import answer, push
from bot.db.models import Referral
from bot.i18n import Translator, translator
from bot.referrals import service as s
from bot.referrals.words import error_text
from bot.users.service import language_of


def say(t: Translator, text: str) -> Reply:
    """A plain message in the reader's direction."""
    return Reply(directed(esc(text), t.lang))


def presser(context: LotseContext) -> s.Actor:
    """Who pressed or wrote: their id, roles and admin's municipalities, read for this update."""
    profile = context.profile
    return s.Actor(profile.id, profile.roles, profile.managed)


async def alert(update: Update, context: LotseContext, code: str, state: str | None = None):
    """Tell the presser in a pop-up why nothing happened (or answer a message)."""
    text = error_text(context.t, code, state)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, say(context.t, text))


def load(context: LotseContext, referral_id: int) -> Referral | None:
    """Read a referral the user may see, or None."""
    try:
        with context.session() as session:
            return s.get(session, referral_id, presser(context))
    except s.ReferralError:
        return None


async def notify(context: LotseContext, user_id: int, build: Callable[[Translator], Reply]) -> bool:
    """Push a message to another user in their own language."""
    default = context.services.settings.default_language
    with context.session() as session:
        lang = language_of(session, user_id, default)
    return await push(context.bot, user_id, build(translator(lang)))
