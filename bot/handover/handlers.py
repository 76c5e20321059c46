"""Telegram handlers for "Ask a person" (see handover.mmd): the asker's buttons, an advisor's
"I'll answer" and the answer they write (a ConversationHandler), and /questions.

The asker's question stays in memory (`user_data`) until they say whether the advisor may
know who they are; only then is it stored and pushed to the advisors who take questions.
Buttons that change a stored question carry its id and are checked against the database and
the presser's role on every press, so old or forged ones change nothing.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    filters,
)

from bot.admin import handlers as admin
from bot.chat.context import LotseContext
from bot.chat.conversation import State, ack, add_conversation, button, serial_cancel, typed
from bot.chat.conversation import conversation as build_conversation
from bot.chat.keyboards import parse_id
from bot.chat.render import Button
from bot.chat.send import answer, edit, set_buttons
from bot.handover import service as s
from bot.handover import views
from bot.handover.words import error_text
from bot.i18n import N_
from bot.referrals.common import notify
from bot.text import clean
from bot.users.places import name_of

log = logging.getLogger(__name__)
#: The asker's question until they answer the consent question; the answer being written.
QUESTION, KEY = "handover_question", "handover_answer"
WRITING = "writing"
END = ConversationHandler.END
#: A question taken but not answered in this time goes back to the colleagues.
ANSWER_TIMEOUT = timedelta(minutes=60)
#: How many waiting questions /questions shows at once (the oldest first).
LIST_MAX = 10
SERIAL = r"([0-9a-f]{6})"
#: Before the admins' group: an advisor's typed answer must reach no other conversation.
GROUP = admin.GROUP - 1
COMMANDS = (("questions", N_("Questions people asked the advisors")),)


@dataclass(frozen=True)
class Asking:
    """A question the bot could not answer, offered to be handed to a person."""

    serial: str
    text: str


@dataclass(frozen=True)
class Writing:
    """An advisor writing the answer to a question they took."""

    handover: int
    serial: str


def _serial() -> str:
    return secrets.token_hex(3)


def _number(context: LotseContext) -> int:
    return parse_id(context.matches[0].group(1)) if context.matches else 0


def _place(context: LotseContext, municipality: str | None) -> str:
    return name_of(context.services.content, municipality) or municipality or ""


async def _alert(update: Update, context: LotseContext, code: str) -> None:
    """Say why nothing happened: a pop-up for a button, else a message."""
    text = error_text(context.t, code)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, views.say(context.t, text))


def offer(context: LotseContext, text: str) -> Button | None:
    """Keep the question for "Ask a person" when an advisor could take it; return the button."""
    profile = context.profile
    with context.session() as session:
        found = s.advisors_for(session, profile.municipality, exclude=profile.id)
    if not found:
        context.user_data.pop(QUESTION, None)
        return None
    asking = Asking(_serial(), clean(text).strip()[: s.QUESTION_MAX])
    context.user_data[QUESTION] = asking
    return views.ask_button(context.t, asking.serial)


def _asking(context: LotseContext, serial: str | None) -> Asking | None:
    found = context.user_data.get(QUESTION)
    return found if isinstance(found, Asking) and found.serial == serial else None


async def _stale(update: Update, context: LotseContext) -> None:
    """The question behind the button is gone (a newer one, or a restart): say so kindly."""
    await _alert(update, context, "stale")
    await set_buttons(update, ())


# --- the asker -------------------------------------------------------------------------


def _quota(context: LotseContext) -> s.Quota:
    """How many questions a user may hand to a person a day (HANDOVER_DAILY_LIMIT)."""
    settings = context.services.settings
    return s.Quota(settings.handover_daily_limit, settings.tz)


async def ask(update: Update, context: LotseContext) -> None:
    """Ask whether the advisor may know who asks (after "Ask a person"), if still allowed today."""
    serial = context.matches[0].group(1) if context.matches else None
    if _asking(context, serial) is None:
        return await _stale(update, context)
    quota, now = _quota(context), context.services.clock.now()
    with context.session() as session:
        left = quota.left(session, context.profile.id, now)
    await ack(update)
    await set_buttons(update, ())
    if not left:
        context.user_data.pop(QUESTION, None)
        log.info("handover refused: the daily limit is reached")
        await answer(update, views.limit_reached(context.t, quota.per_day))
        return
    await answer(update, views.consent(context.t, serial or ""))


async def agree(update: Update, context: LotseContext) -> None:
    """Store the question as agreed (anonymous or not) and push it to the advisors."""
    verb, serial = context.matches[0].group(1, 2) if context.matches else ("", "")
    asking, profile, t = _asking(context, serial), context.profile, context.t
    if asking is None:
        return await _stale(update, context)
    context.user_data.pop(QUESTION, None)
    quota, now = _quota(context), context.services.clock.now()
    try:
        with context.session() as session:
            advisors = s.advisors_for(session, profile.municipality, exclude=profile.id)
            handover = None
            if advisors:
                handover = s.create(
                    session,
                    asker_id=profile.id,
                    question=asking.text,
                    lang=profile.language,
                    municipality=profile.municipality,
                    share_identity=verb == "y",
                    now=now,
                    quota=quota,
                )
    except s.HandoverError:  # the limit: another question was handed over meanwhile
        log.info("handover refused: the daily limit is reached")
        await ack(update)
        await edit(update, views.limit_reached(t, quota.per_day))
        return
    await ack(update)
    if handover is None:
        await edit(update, views.nobody(t))
        return
    await edit(update, views.passed(t, handover.id))
    place = _place(context, handover.municipality)
    for advisor in advisors:
        await notify(context, advisor, lambda other: views.question(other, handover, place))
    log.info("handover %s passed to %s advisors", handover.id, len(advisors))


async def withdraw(update: Update, context: LotseContext) -> None:
    """Withdraw one's unanswered question; tell the advisor writing an answer, if any."""
    try:
        with context.session() as session:
            taker = s.withdraw(session, _number(context), context.profile.id)
    except s.HandoverError as error:
        await _alert(update, context, "asker" if error.code == "not_allowed" else error.code)
        if error.code != "not_allowed":
            await set_buttons(update, ())
        return
    await ack(update)
    await edit(update, views.withdrawn(context.t))
    if taker is not None:
        await notify(context, taker, views.withdrawn_for_taker)


# --- the advisor -----------------------------------------------------------------------


async def _asker_name(context: LotseContext, user_id: int) -> str | None:
    """The asker's Telegram name and username (asked from Telegram, never stored)."""
    try:
        chat = await context.bot.get_chat(user_id)
    except Exception as exc:  # the link works without the name
        log.info("could not read the asker's name: %s", type(exc).__name__)
        return None
    parts = [chat.full_name or "", f"@{chat.username}" if chat.username else ""]
    return " ".join(part for part in parts if part) or None


async def take(update: Update, context: LotseContext) -> State:
    """Give the question to the first opted-in advisor who presses "I'll answer"; ask them."""
    number, t = _number(context), context.t
    earlier = context.user_data.get(KEY)
    try:
        with context.session() as session:
            handover = s.take(session, number, context.profile.id)
    except s.HandoverError as error:
        await _alert(update, context, error.code)
        if error.code != "not_allowed":
            await set_buttons(update, ())
        return WRITING if isinstance(earlier, Writing) else END
    if isinstance(earlier, Writing) and earlier.handover != handover.id:
        await _give_back(context)
        await answer(update, views.given_back(t))
    writing = Writing(handover.id, _serial())
    context.user_data[KEY] = writing
    log.info("handover %s taken", handover.id)
    name = await _asker_name(context, handover.asker_id) if handover.share_identity else None
    await ack(update)
    await set_buttons(update, ())
    place = _place(context, handover.municipality)
    await answer(update, views.write(t, handover, place, writing.serial, name))
    return WRITING


async def typed_answer(update: Update, context: LotseContext) -> State:
    """Store the typed answer and pass it on to the asker, in the bot."""
    writing, t = context.user_data.get(KEY), context.t
    text = clean((update.effective_message.text if update.effective_message else "") or "").strip()
    if not isinstance(writing, Writing):
        return END
    if not text or len(text) > s.ANSWER_MAX:
        limit = t.ngettext(
            "Please keep it under {n} character.",
            "Please keep it under {n} characters.",
            s.ANSWER_MAX,
        )
        await answer(update, views.say(t, limit))
        return WRITING
    context.user_data.pop(KEY, None)
    try:
        with context.session() as session:
            now = context.services.clock.now()
            handover = s.answer(session, writing.handover, context.profile.id, text, now)
    except s.HandoverError as error:
        if error.code == "not_allowed":  # no advisor there any more: the colleagues take it
            with context.session() as session:
                s.give_back(session, writing.handover, context.profile.id)
        await _alert(update, context, error.code)
        return END
    arrived = await notify(context, handover.asker_id, lambda other: views.relayed(other, handover))
    log.info("handover %s answered (%s)", handover.id, "delivered" if arrived else "undelivered")
    await answer(update, views.delivered(t) if arrived else views.undelivered(t))
    return END


async def _give_back(context: LotseContext) -> int | None:
    """Open the question being written again for the colleagues; return its id if it was."""
    writing = context.user_data.pop(KEY, None)
    if not isinstance(writing, Writing):
        return None
    with context.session() as session:
        back = s.give_back(session, writing.handover, context.profile.id)
    if back:
        log.info("handover %s given back", writing.handover)
    return writing.handover if back else None


async def cancel(update: Update, context: LotseContext) -> State:
    """Cancel (the button or /cancel): give the question back, with "I'll answer" again."""
    number = await _give_back(context)
    await ack(update)
    if update.callback_query is not None:
        await set_buttons(update, views.take_rows(context.t, number) if number else ())
    await answer(update, views.given_back(context.t))
    return END


async def leave(update: Update, context: LotseContext) -> State:
    """Another command: give the question back and let the command run."""
    if await _give_back(context):
        await answer(update, views.given_back(context.t))
    return END


async def expire(update: Update, context: LotseContext) -> None:
    """No answer in time: give the question back."""
    if await _give_back(context):
        minutes = int(ANSWER_TIMEOUT.total_seconds() // 60)
        await answer(update, views.timed_out(context.t, minutes))


async def list_questions(update: Update, context: LotseContext) -> None:
    """/questions: the open questions of the advisor's municipalities, each to take."""
    with context.session() as session:
        areas = s.served_by(session, context.profile.id)
        count = s.count_waiting(session, areas, (s.OPEN,)) if areas else 0
        found = s.waiting(session, areas, (s.OPEN,), LIST_MAX) if count else []
    t = context.t
    if not areas:
        await answer(update, views.not_taking(t))
        return
    await answer(update, views.waiting_head(t, count))
    for waiting in found:
        await answer(update, views.question(t, waiting, _place(context, waiting.municipality)))


async def release(app: Application) -> None:
    """At start (post_init): open again what was taken (nobody is writing after a restart)."""
    with app.bot_data.services.db.session() as session:
        count = s.release_taken(session)
    if count:
        log.info("%s taken questions opened again at the start", count)


def conversation() -> ConversationHandler:
    """Build the advisor's answer: "I'll answer", then the typed answer (handover.mmd)."""
    stop = button(serial_cancel(KEY, cancel), rf"^H:z:{SERIAL}$")
    return build_conversation(
        "handover",
        [button(take, r"^H:t:(\d{1,12})$")],
        {WRITING: [typed(typed_answer), stop]},
        (cancel, leave, expire),
        ANSWER_TIMEOUT,
    )


def register(app: Application) -> None:
    """Add the advisor's conversation (its own group), the asker's buttons and /questions."""
    add_conversation(app, conversation(), GROUP)
    app.add_handler(CommandHandler("questions", list_questions, filters=filters.ChatType.PRIVATE))
    for callback, pattern in (
        (ask, rf"^H:a:{SERIAL}$"),
        (agree, rf"^H:([yn]):{SERIAL}$"),
        (withdraw, r"^H:w:(\d{1,12})$"),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=re.compile(pattern)))
