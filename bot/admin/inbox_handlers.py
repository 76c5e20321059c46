"""Telegram handlers for /unanswered: groups of questions Lotse could not answer.

From a group an admin adds the questions as new ways to ask an existing FAQ entry, answers
them with a new FAQ entry (the guided editor, prefilled), or dismisses them. Every press
checks the role again and finds the group afresh in the admin's municipalities. Below the
groups the list counts the questions advisors answered (their buttons: inbox_answers).
"""

from __future__ import annotations

import asyncio
import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.admin import audit, inbox, inbox_views
from bot.admin.guard import admin_only
from bot.catalog.areas import entry_area, within
from bot.catalog.export import entry_to_dict
from bot.catalog.history import EditError, put_entry
from bot.catalog.problems import ContentError
from bot.catalog.schema import FaqEntry
from bot.chat.context import LotseContext
from bot.chat.conversation import ack, final, show
from bot.chat.keyboards import TOKEN, parse_id, resolve
from bot.handover import service as handovers
from bot.i18n import N_
from bot.users.places import name_of

COMMANDS = (("unanswered", N_("Questions Lotse could not answer")),)
#: How many FAQ entries are offered to add a group's questions to.
CANDIDATES = 8


def place_namer(context: LotseContext) -> inbox_views.Place:
    """Return how the inbox names a municipality (None: all of NRW)."""
    content = context.services.content

    def place(municipality: str | None) -> str:
        if not municipality:
            return context.t("all of North Rhine-Westphalia")
        return name_of(content, municipality) or municipality

    return place


def _group_id(context: LotseContext) -> int:
    return parse_id(context.matches[0].group(1))


async def _group(update: Update, context: LotseContext) -> inbox.Group | None:
    """Find the pressed group as it is now; say so in a pop-up when it is gone."""
    with context.session() as session:
        found = inbox.find(session, context.profile.managed, _group_id(context))
    if found is None and update.callback_query is not None:
        await update.callback_query.answer(inbox_views.gone(context.t), show_alert=True)
    return found


@admin_only
async def listing(update: Update, context: LotseContext) -> None:
    """List the unanswered groups of the admin's municipalities; count the answered ones."""
    page = int(context.matches[0].group(1)) if context.matches else 0
    areas = context.profile.managed
    with context.session() as session:
        found = inbox.listing(session, areas, page, inbox_views.PAGE)
        answered = handovers.count_answered(session, areas)
    await ack(update)
    await show(update, inbox_views.listing(context.t, found, place_namer(context), answered))


@admin_only
async def open_group(update: Update, context: LotseContext) -> None:
    """Show one group and what can be done with it."""
    if (group := await _group(update, context)) is None:
        return
    await ack(update)
    await show(update, inbox_views.group(context.t, group, place_namer(context)))


def _mine(context: LotseContext, entry: FaqEntry) -> bool:
    return within(entry_area(entry), context.profile.managed)


def _candidates(context: LotseContext, group: inbox.Group) -> list[FaqEntry]:
    """FAQ entries the admin may change in the group's language: the engine's finds first."""
    content, ranked = context.services.content, {}
    for text in group.texts[:3]:
        decision = context.services.engine.ask(text, group.lang, municipality=group.municipality)
        for hit in decision.hits:
            ranked.setdefault(hit.id, len(ranked))
    mine = [e for e in content.faq.values() if group.lang in e.translations and _mine(context, e)]
    mine.sort(key=lambda e: (ranked.get(e.id, len(ranked)), e.id))
    return mine[:CANDIDATES]


@admin_only
async def choose_entry(update: Update, context: LotseContext) -> None:
    """Offer the FAQ entries the group's questions could be added to."""
    if (group := await _group(update, context)) is None:
        return
    await ack(update)
    await show(update, inbox_views.candidates(context.t, group, _candidates(context, group)))


def _entry(context: LotseContext) -> FaqEntry | None:
    content = context.services.content
    entry_id = resolve(context.matches[0].group(2), content.faq)
    return content.faq.get(entry_id) if entry_id else None


@admin_only
async def confirm_add(update: Update, context: LotseContext) -> None:
    """Ask before adding the group's questions to the entry pressed."""
    if (group := await _group(update, context)) is None:
        return
    entry = _entry(context)
    if entry is None or not _mine(context, entry):
        await update.callback_query.answer(inbox_views.gone(context.t), show_alert=True)
        return
    await ack(update)
    await show(update, inbox_views.confirm_add(context.t, group, entry))


@admin_only
async def add(update: Update, context: LotseContext) -> None:
    """Add the group's questions as ways to ask the entry, and settle them."""
    t = context.t
    if (group := await _group(update, context)) is None:
        return
    entry = _entry(context)
    if entry is None or group.lang not in entry.translations:
        await update.callback_query.answer(inbox_views.gone(t), show_alert=True)
        return
    raw = entry_to_dict(entry)
    questions = list(raw["translations"][group.lang]["questions"])
    new = [q for q in group.texts[: inbox_views.SHOWN] if q not in questions]
    raw["translations"][group.lang]["questions"] = questions + new
    profile, now = context.profile, context.services.clock.now()
    try:
        with context.session() as session:
            put_entry(session, "faq", raw, profile.id, "unanswered", profile.managed)
            inbox.settle(session, group.ids)
            audit.record(
                session,
                profile.id,
                "questions_added",
                municipality=entry_area(entry),
                target=f"faq:{entry.id}",
                now=now,
            )
    except (ContentError, EditError):
        await update.callback_query.answer(t("That did not work."), show_alert=True)
        return
    await asyncio.to_thread(context.services.reload_content)  # rebuilds the answer index
    await ack(update)
    await show(update, inbox_views.added(t, len(new), entry.text(group.lang)[0].title))


@admin_only
async def confirm_dismiss(update: Update, context: LotseContext) -> None:
    """Ask before dismissing a group."""
    if (group := await _group(update, context)) is None:
        return
    await ack(update)
    await show(update, inbox_views.confirm_dismiss(context.t, group))


@admin_only
async def dismiss(update: Update, context: LotseContext) -> None:
    """Delete the group's questions without an answer."""
    if (group := await _group(update, context)) is None:
        return
    with context.session() as session:
        count = inbox.settle(session, group.ids)
        audit.record(
            session,
            context.profile.id,
            "questions_dismissed",
            municipality=group.municipality,
            target=str(count),
            now=context.services.clock.now(),
        )
    await ack(update)
    await show(update, inbox_views.dismissed(context.t, count))


def register(app: Application, group: int) -> None:
    """Add the inbox's handlers in the admin slice's group."""
    app.add_handler(CommandHandler("unanswered", final(listing)), group)
    buttons = (
        (listing, r"^Q:l:(\d{1,4})$"),
        (open_group, r"^Q:v:(\d{1,12})$"),
        (choose_entry, r"^Q:e:(\d{1,12})$"),
        (confirm_add, rf"^Q:a:(\d{{1,12}}):({TOKEN})$"),
        (add, rf"^Q:c:(\d{{1,12}}):({TOKEN})$"),
        (confirm_dismiss, r"^Q:d:(\d{1,12})$"),
        (dismiss, r"^Q:y:(\d{1,12})$"),
    )
    for callback, pattern in buttons:
        app.add_handler(CallbackQueryHandler(final(callback), pattern=re.compile(pattern)), group)
