"""Telegram handlers for referrals (see refer.mmd): the coach's and advisor's buttons that
change a referral, one referral, /referrals; the Refer dialog is in dialog.py.

Buttons that change a referral carry its id and are checked against the database, the role
and the owner (or the admin's municipalities) on every press, by the rules in service.py, so
they work after a restart and do nothing for anybody else.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.chat.context import LotseContext
from bot.chat.conversation import ack, add_conversation, show
from bot.chat.keyboards import parse_id
from bot.chat.send import edit
from bot.i18n import N_
from bot.matching import handlers as matching
from bot.referrals import dialog, views
from bot.referrals import service as s
from bot.referrals.common import alert, load, notify, presser
from bot.referrals.words import ACTIONS_BY_VERB

#: Before the search's group: typed client codes must not reach other conversations.
GROUP = matching.GROUP - 1
COMMANDS = (("referrals", N_("Your referrals to coaches")),)


async def change(update: Update, context: LotseContext) -> None:
    """Accept, decline, start, complete, drop or withdraw; tell the other side."""
    verb, number = context.matches[0].group(1, 2) if context.matches else ("", "0")
    actor, content, tz = presser(context), context.services.content, context.services.settings.tz
    try:
        with context.session() as session:
            referral = s.move(session, parse_id(number), ACTIONS_BY_VERB[verb], actor, content)
    except s.ReferralError as error:
        now = load(context, parse_id(number))
        await alert(update, context, error.code, now.state if now else None)
        if now is not None and error.code == "moved":
            await edit(update, views.details(context.t, content, now, actor, tz))
        return
    await ack(update)
    await edit(update, views.details(context.t, content, referral, actor, tz))
    for other in {referral.advisor_id, referral.coach_id} - {actor.id, None}:
        assert other is not None
        await notify(context, other, lambda t: views.outcome(t, content, referral))


async def show_one(update: Update, context: LotseContext) -> None:
    """Show one referral with the buttons the user may press."""
    number = parse_id(context.matches[0].group(1)) if context.matches else 0
    referral = load(context, number)
    if referral is None:
        await alert(update, context, "not_found")
        return
    await ack(update)
    reply = views.details(
        context.t,
        context.services.content,
        referral,
        presser(context),
        context.services.settings.tz,
        with_list=True,
    )
    await show(update, reply)


async def list_referrals(update: Update, context: LotseContext) -> None:
    """/referrals and its pages: the referrals the user made or handles."""
    number = int(context.matches[0].group(1)) if context.matches else 0
    actor = presser(context)
    with context.session() as session:
        found = s.listing(session, actor)
    if not found and not s.may_refer(actor):
        await alert(update, context, "role")
        return
    await ack(update)
    await show(update, views.listing(context.t, context.services.content, found, number))


def register(app: Application) -> None:
    """Add the referral dialog (its own group, before the search's) and the referral buttons."""
    add_conversation(app, dialog.conversation(), GROUP)
    app.add_handler(CommandHandler("referrals", list_referrals, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(list_referrals, pattern=re.compile(r"^R:l:(\d{1,3})$")))
    app.add_handler(CallbackQueryHandler(show_one, pattern=re.compile(r"^R:v:(\d{1,12})$")))
    app.add_handler(CallbackQueryHandler(change, pattern=re.compile(r"^R:([adscxw]):(\d{1,12})$")))
