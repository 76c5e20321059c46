"""Telegram handlers for the questions advisors answered ("Ask a person"), in /unanswered.

An admin sees the question and the advisor's answer (never who asked or who answered),
turns them into a new FAQ entry (the guided editor, prefilled; Publish also closes the
hand-over) or closes the hand-over without one. Every press checks the role again and
finds the hand-over afresh among the answered ones of the admin's municipalities.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.admin import audit, inbox_views
from bot.admin.editor_dialog import END, answer_with_entry
from bot.admin.guard import admin_only
from bot.admin.inbox_handlers import place_namer
from bot.chat.context import LotseContext
from bot.chat.conversation import State, ack, final, show
from bot.chat.keyboards import parse_id
from bot.handover import service as handovers
from bot.handover.service import Answered


def _number(context: LotseContext) -> int:
    return parse_id(context.matches[0].group(1))


async def _answered(update: Update, context: LotseContext) -> Answered | None:
    """Find the pressed hand-over as it is now; say in a pop-up when it is not there.

    One answer for a question dealt with, one of another municipality and one that never
    existed: a forged press learns nothing about other municipalities' questions.
    """
    number, areas = _number(context), context.profile.managed
    with context.session() as session:
        found = handovers.answered_one(session, number, areas)
    if found is None:
        await update.callback_query.answer(inbox_views.dealt_with(context.t), show_alert=True)
    return found


@admin_only
async def listing(update: Update, context: LotseContext) -> None:
    """List the questions advisors answered in the admin's municipalities."""
    page, areas, per_page = _number(context), context.profile.managed, inbox_views.PAGE
    with context.session() as session:
        count = handovers.count_answered(session, areas)
        page = max(0, min(page, (count - 1) // per_page))
        items = handovers.answered(session, areas, offset=page * per_page, limit=per_page)
    await ack(update)
    reply = inbox_views.answered_list(context.t, items, count, place_namer(context), page)
    await show(update, reply)


@admin_only
async def open_answered(update: Update, context: LotseContext) -> None:
    """Show one answered question with its answer and what can be done with it."""
    if (item := await _answered(update, context)) is None:
        return
    await ack(update)
    await show(update, inbox_views.answered_item(context.t, item, place_namer(context)))


@admin_only
async def confirm_close(update: Update, context: LotseContext) -> None:
    """Ask before closing an answered question without an FAQ entry."""
    if (item := await _answered(update, context)) is None:
        return
    await ack(update)
    await show(update, inbox_views.confirm_close(context.t, item))


@admin_only
async def close(update: Update, context: LotseContext) -> None:
    """Close the answered question without an FAQ entry."""
    if (item := await _answered(update, context)) is None:
        return
    profile = context.profile
    with context.session() as session:
        closed = handovers.close(session, item.id, profile.managed)
        if closed:
            now = context.services.clock.now()
            where, target = item.municipality, f"handover:{item.id}"
            audit.record(
                session, profile.id, "handover_closed", municipality=where, target=target, now=now
            )
    if not closed:
        await update.callback_query.answer(inbox_views.dealt_with(context.t), show_alert=True)
        return
    await ack(update)
    await show(update, inbox_views.closed(context.t))


@admin_only
async def to_entry(update: Update, context: LotseContext) -> State:
    """Start a new FAQ entry from an answered question: its question and answer prefilled."""
    if (item := await _answered(update, context)) is None:
        return END
    return await answer_with_entry(
        update,
        context,
        item.municipality,
        item.lang,
        [item.question],
        item.answer,
        closes=(item.id,),
    )


def register(app: Application, group: int) -> None:
    """Add the answered questions' buttons in the admin slice's group (Q:f: the editor's)."""
    buttons = (
        (listing, r"^Q:k:(\d{1,4})$"),
        (open_answered, r"^Q:h:(\d{1,12})$"),
        (confirm_close, r"^Q:x:(\d{1,12})$"),
        (close, r"^Q:z:(\d{1,12})$"),
    )
    for callback, pattern in buttons:
        app.add_handler(CallbackQueryHandler(final(callback), pattern=re.compile(pattern)), group)
