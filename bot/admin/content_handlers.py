"""Telegram handlers for content: an admin's upload (summary, confirm, apply), /export.

An upload is kept in memory (user_data) only until the admin applies or cancels it, under a
serial that its buttons carry, so an older summary's buttons do nothing.
"""

from __future__ import annotations

import logging
import re
import secrets

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

log = logging.getLogger(__name__)
#: The upload waiting for the admin's confirmation: (serial, plan).
UPLOAD = "content_upload"
COMMANDS = (("export", N_("Download the content as a file")),)


async def receive_upload(update: Update, context: LotseContext) -> None:
    """Check an admin's content file and show what it would change (others: not handled)."""
    document = update.effective_message.document if update.effective_message else None
    if document is None or not context.profile.is_admin:
        return  # not an upload: the answers slice says it understands text only
    t = context.t
    try:
        if (document.file_size or 0) > MAX_UPLOAD_BYTES:
            raise UploadError("too_large", size=document.file_size, limit=MAX_UPLOAD_BYTES)
        telegram_file = await document.get_file()
        data = bytes(await telegram_file.download_as_bytearray())
        files = read_upload(document.file_name or "upload", data)
        with context.session() as session:
            current = load_all(session) or Content()
        plan = plan_upload(current, files, context.profile.managed)
    except UploadError as error:
        await answer(update, content_views.upload_error(t, error))
        raise ApplicationHandlerStop from None
    except ContentError as error:
        await answer(update, content_views.problems(t, error))
        raise ApplicationHandlerStop from None
    serial = secrets.token_hex(4)
    context.user_data[UPLOAD] = (serial, plan)
    removal_problems = [p.render(t) for p in plan.removal_problems]
    reply = content_views.summary(
        t, plan.changes, serial, plan.with_removals is not None, removal_problems
    )
    await answer(update, reply)
    raise ApplicationHandlerStop  # no other slice answers the file


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
    """Apply (with or without removals) or cancel the upload waiting under this serial."""
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
    try:
        with context.session() as session:
            result = apply_plan(session, plan, remove, profile.id)
            for area in sorted(_touched(plan, remove), key=str):
                audit.record(
                    session,
                    profile.id,
                    "content_uploaded",
                    municipality=area,
                    target=f"version {result.version}",
                    now=now,
                )
    except UploadError as error:
        await show(update, content_views.upload_error(t, error))
        return
    context.services.reload_content()
    log.info("content upload applied: version %s", result.version)
    await show(update, content_views.applied(t, result.version))


@admin_only
async def export(update: Update, context: LotseContext) -> None:
    """Send the content the admin may change as one file in the content format."""
    with context.session() as session:
        content = load_all(session)
    if content is None:
        await answer(update, content_views.say(context.t, context.t("There is no content yet.")))
        return
    body = export_yaml(content, context.profile.managed)
    name = f"lotse-content-v{content.version}.yaml"
    caption = context.t(
        "The content you can change, version {version}. Edit it and send it back to change it.",
        version=content.version,
    )
    chat = update.effective_chat
    await context.bot.send_document(chat.id, InputFile(body, filename=name), caption=caption)


def register(app: Application, group: int) -> None:
    """Add this part's handlers to the application in the admin slice's group."""
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.Document.ALL, receive_upload), group)
    app.add_handler(CommandHandler("export", final(export)), group)
    app.add_handler(
        CallbackQueryHandler(
            final(decide_upload), pattern=re.compile(r"^P:([arkx]):([0-9a-f]{8})$")
        ),
        group,
    )
