"""Telegram handlers for free-text questions and the buttons under answers and suggestions."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, datetime

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.answers import views
from bot.answers.lookup import checkable, first_contact, visible_entry
from bot.answers.stats import record_question
from bot.answers.unanswered import record_unanswered
from bot.catalog.schema import FaqEntry
from bot.catalog.translations import is_outdated
from bot.chat.context import LotseContext
from bot.chat.errors import stale_button
from bot.chat.keyboards import TOKEN, resolve
from bot.chat.render import Button, Reply
from bot.chat.send import answer, edit, set_buttons
from bot.handover import handlers as handover

#: The question a user was offered suggestions for; kept in memory only until they choose.
PENDING = "pending_question"
COMMANDS: tuple[tuple[str, str], ...] = ()


def _today(context: LotseContext) -> date:
    return datetime.now(context.services.settings.tz).date()


def _entry(context: LotseContext, value: str) -> FaqEntry | None:
    """Return the entry a button stands for, if this user may see it today."""
    content = context.services.content
    entry_id = resolve(value, content.faq)
    if entry_id is None:
        return None
    return visible_entry(content, entry_id, context.profile.municipality, _today(context))


def _checkable(context: LotseContext, entry: FaqEntry) -> bool:
    return checkable(context.services.content, entry)


def _entry_reply(context: LotseContext, entry: FaqEntry, lang: str | None = None) -> Reply:
    """An answer with its buttons (the eligibility check under an answer about a program)."""
    return views.entry_reply(context.t, entry, lang, _checkable(context, entry))


@dataclass(frozen=True)
class _Tally:
    """What a question leaves behind: its outcome's count, and the question when unanswered."""

    day: date
    municipality: str | None
    lang: str
    outcome: str
    unanswered: str | None = None


def _tally(context: LotseContext, outcome: str, unanswered: str | None = None) -> _Tally:
    profile = context.profile
    return _Tally(_today(context), profile.municipality, profile.language, outcome, unanswered)


def _record(context: LotseContext, tally: _Tally) -> None:
    """Count a question's outcome (anonymously: the day, municipality and language only)."""
    with context.session() as session:
        if tally.unanswered is not None:
            record_unanswered(session, tally.unanswered, tally.lang, tally.municipality)
        record_question(session, tally.day, tally.municipality, tally.lang, tally.outcome)


def _decide(context: LotseContext, text: str) -> tuple[Reply, _Tally | None]:
    """Ask the engine and turn its decision into a reply and what to record about it."""
    profile, t = context.profile, context.t
    decision = context.services.engine.ask(
        text, profile.language, municipality=profile.municipality, today=_today(context)
    )
    context.user_data.pop(PENDING, None)
    if decision.kind == "answer" and (entry := _entry(context, decision.answer_id or "")):
        return _entry_reply(context, entry), _tally(context, "answered")
    offered = [e for e in (_entry(context, i) for i in decision.suggestions) if e is not None]
    if decision.kind in ("answer", "suggest") and offered:
        context.user_data[PENDING] = text
        return views.suggestions(t, offered), _tally(context, "suggested")
    if decision.kind in ("smalltalk", "empty"):
        return views.smalltalk(t, decision.smalltalk), None
    hints = [e for e in (_entry(context, i) for i in decision.suggestions) if e is not None]
    contact = first_contact(context.services.content, profile.municipality)
    reply = views.unknown(t, handover.offer(context, text), hints, contact)
    return reply, _tally(context, "unanswered", text)


async def on_text(update: Update, context: LotseContext) -> None:
    """Answer a free-text question, offer choices, or say honestly that I don't know yet.

    The reply goes out first and the counting follows in a worker thread: on SQLite a
    write waits while an admin's upload holds the only write lock, and nobody's answer
    should wait for a statistic (the chat's next update still waits in its lane).
    """
    text = update.effective_message.text if update.effective_message else None
    reply, tally = _decide(context, text or "")
    await answer(update, reply)
    if tally is not None:
        await asyncio.to_thread(_record, context, tally)


async def on_other(update: Update, context: LotseContext) -> None:
    """Say that only text messages are understood."""
    await answer(update, views.text_only(context.t))


async def show_suggestion(update: Update, context: LotseContext) -> None:
    """Show the answer a user picked from the suggestions."""
    entry = _entry(context, context.matches[0].group(1)) if context.matches else None
    if entry is None:
        return await stale_button(update, context)
    context.user_data.pop(PENDING, None)
    await update.callback_query.answer()
    await set_buttons(update, ())
    await answer(update, _entry_reply(context, entry))


async def show_entry(update: Update, context: LotseContext) -> None:
    """Show an entry a button links to (after a check, say), leaving that message as it is."""
    entry = _entry(context, context.matches[0].group(1)) if context.matches else None
    if entry is None:
        return await stale_button(update, context)
    await update.callback_query.answer()
    await answer(update, _entry_reply(context, entry))


async def none_fits(update: Update, context: LotseContext) -> None:
    """Pass the pending question on to the team, then forget it."""
    question = context.user_data.pop(PENDING, None)
    await update.callback_query.answer()
    if not question:
        await edit(update, views.ask_again(context.t))
        return
    profile = context.profile
    with context.session() as session:
        record_unanswered(session, question, profile.language, profile.municipality)
    await set_buttons(update, ())
    await answer(update, views.passed_on(context.t, handover.offer(context, question)))


async def choose_language(update: Update, context: LotseContext) -> None:
    """Swap the button under an answer for the languages the answer is written in."""
    entry = _entry(context, context.matches[0].group(1)) if context.matches else None
    if entry is None:
        return await stale_button(update, context)
    await update.callback_query.answer()
    await set_buttons(update, views.language_choice(context.t, entry))


async def back_to_answer(update: Update, context: LotseContext) -> None:
    """Put the "in another language" button back under the answer."""
    entry = _entry(context, context.matches[0].group(1)) if context.matches else None
    if entry is None:
        return await stale_button(update, context)
    await update.callback_query.answer()
    await set_buttons(update, _rows(context, entry))


def _rows(context: LotseContext, entry: FaqEntry) -> tuple[tuple[Button, ...], ...]:
    """The buttons under an answer shown in the user's language."""
    outdated = is_outdated(entry, context.t.lang)
    return views.entry_rows(context.t, entry, _checkable(context, entry), outdated)


async def show_in_language(update: Update, context: LotseContext) -> None:
    """Send the same answer in the language pressed, ready to forward."""
    match = context.matches[0] if context.matches else None
    entry = _entry(context, match.group(1)) if match else None
    if entry is None or match is None or match.group(2) not in entry.translations:
        return await stale_button(update, context)
    await update.callback_query.answer()
    await set_buttons(update, _rows(context, entry))
    await answer(update, _entry_reply(context, entry, match.group(2)))


def register(app: Application) -> None:
    """Add this slice's handlers to the application (after the set-up conversation)."""
    buttons = (
        (show_suggestion, rf"^A:({TOKEN})$"),
        (show_entry, rf"^F:({TOKEN})$"),
        (none_fits, r"^N$"),
        (choose_language, rf"^O:({TOKEN})$"),
        (back_to_answer, rf"^B:({TOKEN})$"),
        (show_in_language, rf"^T:({TOKEN}):([a-z]{{2,3}})$"),
    )
    for callback, pattern in buttons:
        app.add_handler(CallbackQueryHandler(callback, pattern=re.compile(pattern)))
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(
        MessageHandler(
            private & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, on_other
        )
    )
