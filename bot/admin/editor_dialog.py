"""What the guided editor's handlers share (see editor.mmd): the dialog's key and states,
showing the step a draft is at, saying why nothing happens, and starting a draft that
answers questions from the inbox (a group of unanswered ones, or one an advisor answered).

The draft lives only in `user_data` under KEY until it is published.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import ConversationHandler

from bot.admin import audit, editor
from bot.admin import editor_views as views
from bot.catalog.problems import ContentError
from bot.catalog.schema import Content
from bot.catalog.store import load_all
from bot.chat.context import LotseContext
from bot.chat.conversation import State, ack, show
from bot.chat.errors import stale_button
from bot.chat.render import Reply
from bot.chat.send import answer

KEY = "editor"
DRAFT, WHICH, CONFIRM, VARIANT = "draft", "which", "confirm", "variant"
END = ConversationHandler.END
TIMEOUT = timedelta(minutes=30)
SERIAL = "([0-9a-f]{6})"


def stored(context: LotseContext) -> Content:
    """Return every entry, hidden ones included (what the admin may change)."""
    with context.session() as session:
        return load_all(session) or Content()


def places(context: LotseContext, kind: str) -> dict[str, str]:
    """Return where the admin may put an entry of kind: id -> name."""
    names = {m: town.name for m, town in context.services.content.municipalities.items()}
    return editor.places_for(kind, context.profile.managed, names)


async def tell(update: Update, context: LotseContext, code: str, **params: object) -> State:
    """Say why nothing happens (a pop-up for a press) and end the dialog."""
    context.user_data.pop(KEY, None)
    code = code if code in views.MESSAGES else "not_found"
    if update.callback_query is not None:
        text = context.t(views.MESSAGES[code], **params)
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, views.say(context.t, code, **params))
    return END


def log(
    session: Session, context: LotseContext, action: str, area: str | None, target: str
) -> None:
    """Record the admin's change in the audit log, in the caller's transaction."""
    now = context.services.clock.now()
    audit.record(session, context.profile.id, action, municipality=area, target=target, now=now)


async def done(update: Update, context: LotseContext, reply: Reply) -> State:
    """Forget the dialog, let the answers use the change at once, and say it is done."""
    context.user_data.pop(KEY, None)
    await asyncio.to_thread(context.services.reload_content)  # rebuilds the answer index
    await ack(update)
    await show(update, reply)
    return END


async def ask(
    update: Update,
    context: LotseContext,
    draft: editor.Draft,
    new: bool = False,
    note: str | None = None,
) -> State:
    """Show what the draft is at: a field, the language question or the preview."""
    context.user_data[KEY] = draft
    t, count = context.t, len(editor.steps(draft))
    if draft.step < count:
        reply = views.field(t, draft, note)
    elif draft.step == count and (pending := editor.undecided(draft)):
        reply = views.translation_choice(t, draft, pending[0])
    elif draft.step == count:
        reply = views.languages(t, draft, note)
    else:
        try:
            entry = editor.entry_of(draft)
        except ContentError as error:
            return await refused(update, context, draft, error, new)
        reply = views.preview(t, draft, entry, context.services.content)
    await show(update, reply, new)
    return DRAFT


async def refused(
    update: Update, context: LotseContext, draft: editor.Draft, error: ContentError, new: bool
) -> State:
    """Show what is wrong, at the field it is about (else at the language question)."""
    note = views.problems(context.t, error.render(context.t, place=False))
    found = next((s for p in error.items if (s := editor.step_of(draft, p)) is not None), None)
    step = len(editor.steps(draft)) if found is None else found
    return await ask(update, context, replace(draft, step=step), new, note)


async def current_draft(
    update: Update, context: LotseContext, serial: str | None = None
) -> editor.Draft | None:
    """Return the draft of this dialog (pressed: of this serial), still in the admin's area."""
    found = context.user_data.get(KEY)
    if not isinstance(found, editor.Draft) or serial not in (None, found.serial):
        await stale_button(update, context)
        return None
    if found.area is not None and not context.profile.manages(found.area):
        await tell(update, context, "not_yours")
        return None
    return found


async def answer_with_entry(
    update: Update,
    context: LotseContext,
    scope: str | None,
    lang: str,
    questions: list[str],
    reply: str | None = None,
    **options: Any,
) -> State:
    """Start a new FAQ entry for questions asked in lang (and an answer given), prefilled."""
    draft = editor.answering(
        secrets.token_hex(3),
        places(context, "faq"),
        stored(context).faq,
        scope,
        lang,
        questions,
        reply,
        **options,
    )
    await ack(update)
    return await ask(update, context, draft, new=True)
