"""Telegram handlers for content: an admin's upload (summary, confirm, apply), /export.

An upload is kept in memory (user_data) only until the admin applies or cancels it, under a
serial that its buttons carry, so an older summary's buttons do nothing.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from datetime import datetime

from telegram import InputFile, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.admin import audit, content_views
from bot.admin.guard import admin_only
from bot.catalog.areas import entry_area
from bot.catalog.export import export_yaml
from bot.catalog.problems import ContentError
from bot.catalog.schema import Content
from bot.catalog.store import load_all
from bot.catalog.upload import (
    MAX_UPLOAD_BYTES,
    UploadError,
    UploadPlan,
    apply_plan,
    plan_upload,
    read_upload,
)
from bot.chat.context import LotseContext
from bot.chat.conversation import ack, final, show
from bot.chat.send import answer
from bot.i18n import N_
from bot.services import Services

log = logging.getLogger(__name__)
#: The upload waiting for the admin's confirmation: (serial, plan).
UPLOAD = "content_upload"
COMMANDS = (("export", N_("Download the content as a file")),)


async def receive_upload(update: Update, context: LotseContext) -> None:
    """Check an admin's content file and show what it would change (others: not handled).

    Reading, validating and comparing a file of up to 2 MB takes a while: it runs in a worker
    thread, and other chats are answered meanwhile (bot/chat/lanes.py).
    """
    document = update.effective_message.document if update.effective_message else None
    if document is None or not context.profile.is_admin:
        return  # not an upload: the answers slice says it understands text only
    t = context.t
    try:
        if (document.file_size or 0) > MAX_UPLOAD_BYTES:
            raise UploadError("too_large", size=document.file_size, limit=MAX_UPLOAD_BYTES)
        telegram_file = await document.get_file()
        data = bytes(await telegram_file.download_as_bytearray())
        name, managed = document.file_name or "upload", context.profile.managed
        plan = await asyncio.to_thread(_check, context.services, name, data, managed)
    except UploadError as error:
        await answer(update, content_views.upload_error(t, error))
        raise ApplicationHandlerStop from None
    except ContentError as error:
        report = content_views.problem_report(t, error)
        await answer(update, report.reply)
        if report.file is not None:
            name, body = report.file
            chat_id = update.effective_chat.id if update.effective_chat else context.profile.id
            await context.bot.send_document(chat_id, InputFile(body, filename=name))
        raise ApplicationHandlerStop from None
    serial = secrets.token_hex(4)
    context.user_data[UPLOAD] = (serial, plan)
    reply = content_views.summary(
        t, plan.changes, serial, plan.with_removals is not None, plan.removal_problems
    )
    await answer(update, reply)
    raise ApplicationHandlerStop  # no other slice answers the file


async def upload_in_group(update: Update, context: LotseContext) -> None:
    """Ask an admin to send content in the private chat; look at nothing in a group."""
    if context.profile.is_admin:
        text = context.t("Please send content files in your private chat with Lotse.")
        await answer(update, content_views.say(context.t, text))
        raise ApplicationHandlerStop


def _check(
    services: Services, name: str, data: bytes, managed: frozenset[str] | None
) -> UploadPlan:
    """Read and validate an upload against the stored content (in a worker thread)."""
    files = read_upload(name, data)
    with services.db.session() as session:
        current = load_all(session) or Content()
    return plan_upload(current, files, managed)


def _touched(plan: UploadPlan, remove: bool) -> set[str | None]:
    """The municipalities whose entries the plan changes (None: state-wide)."""
    areas: set[str | None] = set()
    for kind, changes in plan.changes.items():
        ids = (*changes.added, *changes.changed, *(changes.removed if remove else ()))
        content = plan.without_removals
        for entry_id in ids:
            entry = content.of_kind(kind).get(entry_id)
            areas.add(entry_area(entry) if entry is not None else None)
    return areas


@admin_only
async def decide_upload(update: Update, context: LotseContext) -> None:
    """Apply (with or without removals) or cancel the upload waiting under this serial.

    The admin must still hold every municipality the plan changes when they press Apply (a
    role revoked since the upload counts); applying and reloading run in a worker thread.
    """
    verb, serial = context.matches[0].group(1), context.matches[0].group(2)
    waiting = context.user_data.get(UPLOAD)
    t = context.t
    if not waiting or waiting[0] != serial:
        gone = content_views.UploadError("expired")
        await update.callback_query.answer(content_views.error_text(t, gone), show_alert=True)
        return
    context.user_data.pop(UPLOAD, None)
    await ack(update)
    if verb == "x":
        await show(update, content_views.cancelled(t))
        return
    plan: UploadPlan = waiting[1]
    remove = verb == "r"
    profile, now = context.profile, context.services.clock.now()
    areas = _touched(plan, remove)
    if not all(profile.manages(area) for area in areas):
        await show(update, content_views.upload_error(t, UploadError("not_yours_any_more")))
        return
    try:
        version = await asyncio.to_thread(
            _apply, context.services, plan, remove, areas, profile.id, now
        )
    except UploadError as error:
        await show(update, content_views.upload_error(t, error))
        return
    log.info("content upload applied: version %s", version)
    await show(update, content_views.applied(t, version))


def _apply(
    services: Services,
    plan: UploadPlan,
    remove: bool,
    areas: set[str | None],
    admin: int,
    now: datetime,
) -> int:
    """Store the plan, record it for each municipality it touches, swap the content in."""
    with services.db.session() as session:
        result = apply_plan(session, plan, remove, admin)
        for area in sorted(areas, key=str):
            audit.record(
                session,
                admin,
                "content_uploaded",
                municipality=area,
                target=f"version {result.version}",
                now=now,
            )
    services.reload_content()
    return result.version


@admin_only
async def export(update: Update, context: LotseContext) -> None:
    """Send the content the admin may change as one file in the content format."""
    exported = await asyncio.to_thread(_export, context.services, context.profile.managed)
    if exported is None:
        await answer(update, content_views.say(context.t, context.t("There is no content yet.")))
        return
    content, body = exported
    name = f"lotse-content-v{content.version}.yaml"
    caption = context.t(
        "The content you can change, version {version}. Edit it and send it back to change it.",
        version=content.version,
    )
    chat = update.effective_chat
    await context.bot.send_document(chat.id, InputFile(body, filename=name), caption=caption)


def _export(services: Services, managed: frozenset[str] | None) -> tuple[Content, bytes] | None:
    """Read the stored content and write what the admin may change (in a worker thread)."""
    with services.db.session() as session:
        content = load_all(session)
    return None if content is None else (content, export_yaml(content, managed))


def register(app: Application, group: int) -> None:
    """Add this part's handlers to the application in the admin slice's group."""
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.Document.ALL, receive_upload), group)
    app.add_handler(MessageHandler(~private & filters.Document.ALL, upload_in_group), group)
    app.add_handler(CommandHandler("export", final(export)), group)
    app.add_handler(
        CallbackQueryHandler(
            final(decide_upload), pattern=re.compile(r"^P:([arkx]):([0-9a-f]{8})$")
        ),
        group,
    )
