"""Telegram handlers for /translations: which translations are missing or outdated.

An admin sees the entries they may change (a superadmin: all), per language; each press
checks the role and the entry's municipality again.
"""

from __future__ import annotations

import asyncio
import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.admin import audit
from bot.admin import translations_views as views
from bot.admin.guard import admin_only
from bot.admin.history_views import KINDS_BY_CODE
from bot.catalog import history
from bot.catalog.areas import LOCAL_KINDS, entry_area, within
from bot.catalog.problems import ContentError
from bot.catalog.schema import REFERENCE_LANGUAGE, Content, Entry
from bot.catalog.translations import (
    TRANSLATED_KINDS,
    Status,
    report,
    status,
    texts_of,
)
from bot.chat.context import LotseContext
from bot.chat.conversation import ack, final, show
from bot.chat.keyboards import TOKEN, resolve
from bot.chat.render import Reply, directed, esc
from bot.chat.send import answer
from bot.i18n import N_, SUPPORTED_LANGUAGES

COMMANDS = (("translations", N_("Which translations are missing or outdated")),)
KIND = "([pfoc])"
LANG = "([a-z]{2,3})"


def _languages() -> list[str]:
    return [lang for lang in SUPPORTED_LANGUAGES if lang != REFERENCE_LANGUAGE]


def _may_change(context: LotseContext, kind: str, entry: Entry) -> bool:
    areas = context.profile.managed
    if areas is None:
        return True
    return kind in LOCAL_KINDS and within(entry_area(entry), areas)


def _mine(context: LotseContext) -> Content:
    """The content users see, narrowed to the entries this admin may change."""
    content = context.services.content
    if context.profile.managed is None:
        return content
    kinds = {
        kind: {i: e for i, e in content.of_kind(kind).items() if _may_change(context, kind, e)}
        for kind in TRANSLATED_KINDS
    }
    return Content(municipalities=content.municipalities, **kinds)


async def _refuse(update: Update, context: LotseContext, code: str) -> None:
    text = context.t(views.TRANSLATION_ERRORS[code])
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, Reply(directed(esc(text), context.t.lang)))


@admin_only
async def show_overview(update: Update, context: LotseContext) -> None:
    """Show, per language, how many translations are current, outdated and missing."""
    counts = report(_mine(context), _languages())
    await ack(update)
    await show(update, views.overview(context.t, counts, context.profile.managed is None))


def _open_items(context: LotseContext, lang: str) -> list[tuple[str, Entry, Status]]:
    content = _mine(context)
    counts = report(content, [lang])[lang]
    items = [
        (kind, content.of_kind(kind)[entry_id], found)
        for tally in counts.values()
        for kind, entry_id, found in tally.open
    ]
    # Outdated first: a reader sees those already, in words that may be wrong.
    return sorted(items, key=lambda item: (item[2] is not Status.OUTDATED, item[0], item[1].id))


@admin_only
async def show_language(update: Update, context: LotseContext) -> None:
    """List the entries whose translation into the language pressed is missing or outdated."""
    lang, page = context.matches[0].group(1), int(context.matches[0].group(2))
    if lang not in _languages():
        await _refuse(update, context, "no_translation")
        return
    await ack(update)
    await show(update, views.language_list(context.t, lang, _open_items(context, lang), page))


def _pressed(context: LotseContext) -> tuple[str, str, Entry | None]:
    match = context.matches[0]
    lang, kind = match.group(1), KINDS_BY_CODE[match.group(2)]
    entries = context.services.content.of_kind(kind)
    entry_id = resolve(match.group(3), entries)
    return lang, kind, entries.get(entry_id) if entry_id else None


async def _pressed_mine(update: Update, context: LotseContext) -> tuple[str, str, Entry] | None:
    """The language, kind and entry pressed, if it still exists and is the admin's to change
    (else say why not and return None)."""
    lang, kind, entry = _pressed(context)
    if entry is None:
        await _refuse(update, context, "not_found")
        return None
    if not _may_change(context, kind, entry):
        await _refuse(update, context, "not_yours")
        return None
    return lang, kind, entry


@admin_only
async def open_entry(update: Update, context: LotseContext) -> None:
    """Show one entry in German and in the language pressed, with what changed in German."""
    if (pressed := await _pressed_mine(update, context)) is None:
        return
    lang, kind, entry = pressed
    found = status(entry, lang)
    item = views.Opened(kind, entry, lang, found)
    mark = texts_of(entry).get(lang, {}).get("made_from")
    if found is Status.OUTDATED and mark:
        with context.session() as session:
            then = history.made_from_version(session, kind, entry.id, str(mark))
            newest = history.versions(session, kind, entry.id)
            before = history.german_text(session, kind, entry.id, then) if then else ""
        now = newest[0].number if newest else None
        item = views.Opened(kind, entry, lang, found, then, now, before)
    await ack(update)
    await show(update, views.opened(context.t, item))


@admin_only
async def keep_translation(update: Update, context: LotseContext) -> None:
    """Mark an outdated translation as still correct for the current German text."""
    if (pressed := await _pressed_mine(update, context)) is None:
        return
    lang, kind, entry = pressed
    if lang not in _languages():
        await _refuse(update, context, "no_translation")
        return
    profile, now = context.profile, context.services.clock.now()
    try:
        with context.session() as session:
            history.confirm_translation(session, kind, entry.id, lang, profile.id, profile.managed)
            audit.record(
                session,
                profile.id,
                "translation_kept",
                municipality=entry_area(entry),
                target=f"{kind}:{entry.id} {lang}",
                now=now,
            )
    except history.EditError as error:
        code = error.code if error.code in views.TRANSLATION_ERRORS else "not_found"
        await _refuse(update, context, code)
        return
    except ContentError:
        await _refuse(update, context, "invalid")
        return
    await asyncio.to_thread(context.services.reload_content)
    await ack(update)
    await show(update, views.kept(context.t, entry.id, lang))


def register(app: Application, group: int) -> None:
    """Add the translation overview's handlers in the admin slice's group."""
    app.add_handler(CommandHandler("translations", final(show_overview)), group)
    buttons = (
        (show_overview, r"^J:o$"),
        (show_language, rf"^J:l:{LANG}:(\d{{1,4}})$"),
        (open_entry, rf"^J:e:{LANG}:{KIND}:({TOKEN})$"),
        (keep_translation, rf"^J:k:{LANG}:{KIND}:({TOKEN})$"),
    )
    for callback, pattern in buttons:
        app.add_handler(CallbackQueryHandler(final(callback), pattern=re.compile(pattern)), group)
