"""Telegram handlers for /history ID: an entry's versions, its last change, and rollback.

Only entries the admin may change are shown and restored; each press checks again.
"""

from __future__ import annotations

import asyncio
import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.admin import audit, history_views, people
from bot.admin.guard import admin_only
from bot.catalog import history
from bot.catalog.areas import LOCAL_KINDS, raw_area, within
from bot.catalog.problems import ContentError
from bot.catalog.schema import REFERENCE_LANGUAGE
from bot.catalog.translations import TRANSLATED_KINDS, status
from bot.chat.context import LotseContext
from bot.chat.conversation import ack, final, show
from bot.chat.keyboards import TOKEN, resolve
from bot.chat.render import Reply, directed, esc
from bot.chat.send import answer
from bot.i18n import N_, SUPPORTED_LANGUAGES

COMMANDS = (("history", N_("Versions of a content entry, and undo")),)
KIND = "([mpfoc])"


async def _refuse(update: Update, context: LotseContext, code: str, **params: str) -> None:
    text = context.t(history_views.HISTORY_ERRORS[code], **params)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, Reply(directed(esc(text), context.t.lang)))


def _may_change(context: LotseContext, kind: str, entry_id: str) -> bool:
    """Say if the admin may change this entry (as it is now, or as it last was)."""
    areas = context.profile.managed
    if areas is None:
        return True
    if kind not in LOCAL_KINDS:
        return False
    with context.session() as session:
        newest = history.latest_data(session, kind, entry_id)
    return newest is not None and within(raw_area(kind, newest), areas)


async def _show(update: Update, context: LotseContext, kind: str, entry_id: str) -> None:
    if not _may_change(context, kind, entry_id):
        await _refuse(update, context, "not_yours")
        return
    settings = context.services.settings
    with context.session() as session:
        versions = history.versions(session, kind, entry_id)
        change = history.last_changes(session, kind, entry_id) if versions else []
        ids = {v.author_id for v in versions[: history_views.MAX_VERSIONS] if v.author_id}
        who = people.authors(session, ids, context.profile.managed, settings.admin_user_ids)
    entry = context.services.content.of_kind(kind).get(entry_id)
    states = {}
    if entry is not None and kind in TRANSLATED_KINDS:
        states = {lang: status(entry, lang) for lang in _languages()}
    await ack(update)
    reply = history_views.history(
        context.t, kind, entry_id, versions, change, settings.tz, who, _place(context), states
    )
    await show(update, reply)


def _languages() -> list[str]:
    return [lang for lang in SUPPORTED_LANGUAGES if lang != REFERENCE_LANGUAGE]


def _place(context: LotseContext):
    municipalities = context.services.content.municipalities

    def place(municipality: str) -> str:
        found = municipalities.get(municipality)
        return found.name if found else municipality

    return place


@admin_only
async def show_history(update: Update, context: LotseContext) -> None:
    """Show the versions of the entry named: /history ID."""
    entry_id = (context.args or [""])[0].strip().lower()
    if not entry_id:
        await _refuse(update, context, "usage")
        return
    with context.session() as session:
        found = [kind for kind, _ in history.find(session, entry_id)]
    if not found:
        await _refuse(update, context, "unknown", id=entry_id)
    elif len(found) > 1:
        await answer(update, history_views.kinds(context.t, entry_id, found))
    else:
        await _show(update, context, found[0], entry_id)


def _pressed(context: LotseContext) -> tuple[str, str | None]:
    match = context.matches[0]
    kind = history_views.KINDS_BY_CODE[match.group(1)]
    with context.session() as session:
        ids = [entry_id for _, entry_id in history.known(session, kind)]
    return kind, resolve(match.group(2), ids)


@admin_only
async def chose_kind(update: Update, context: LotseContext) -> None:
    """Show the history of the entry pressed (a kind chosen, or Back from a version)."""
    kind, entry_id = _pressed(context)
    if entry_id is None:
        await _refuse(update, context, "not_found")
        return
    await _show(update, context, kind, entry_id)


@admin_only
async def ask_restore(update: Update, context: LotseContext) -> None:
    """Show what restoring the version pressed would change, and ask."""
    kind, entry_id = _pressed(context)
    number = int(context.matches[0].group(3))
    if entry_id is None:
        await _refuse(update, context, "not_found")
        return
    if not _may_change(context, kind, entry_id):
        await _refuse(update, context, "not_yours")
        return
    try:
        with context.session() as session:
            change = history.restore_changes(session, kind, entry_id, number)
    except history.EditError:
        await _refuse(update, context, "not_found")
        return
    await ack(update)
    await show(update, history_views.confirm(context.t, kind, entry_id, number, change))


@admin_only
async def restore(update: Update, context: LotseContext) -> None:
    """Restore the version pressed as a new version; the answers use it at once."""
    kind, entry_id = _pressed(context)
    number = int(context.matches[0].group(3))
    if entry_id is None:
        await _refuse(update, context, "not_found")
        return
    profile, now = context.profile, context.services.clock.now()
    try:
        with context.session() as session:
            result = history.rollback(session, kind, entry_id, number, profile.id, profile.managed)
            newest = history.latest_data(session, kind, entry_id) or {}
            audit.record(
                session,
                profile.id,
                "entry_restored",
                municipality=raw_area(kind, newest),
                target=f"{kind}:{entry_id} v{number}",
                now=now,
            )
    except history.EditError as error:
        await _refuse(update, context, "not_yours" if error.code == "not_yours" else "not_found")
        return
    except ContentError:
        await _refuse(update, context, "invalid")
        return
    await asyncio.to_thread(context.services.reload_content)  # rebuilds the answer index
    await ack(update)
    await show(update, history_views.restored(context.t, entry_id, number, result.version))


def register(app: Application, group: int) -> None:
    """Add the history's handlers in the admin slice's group."""
    app.add_handler(CommandHandler("history", final(show_history)), group)
    buttons = (
        (chose_kind, rf"^V:k:{KIND}:({TOKEN})$"),
        (ask_restore, rf"^V:r:{KIND}:({TOKEN}):(\d{{1,6}})$"),
        (restore, rf"^V:y:{KIND}:({TOKEN}):(\d{{1,6}})$"),
        (chose_kind, rf"^V:s:{KIND}:({TOKEN})$"),
    )
    for callback, pattern in buttons:
        app.add_handler(CallbackQueryHandler(final(callback), pattern=re.compile(pattern)), group)
