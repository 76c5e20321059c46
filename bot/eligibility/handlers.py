"""Telegram handlers for /check, the guided eligibility check (see check.mmd).

The answers live only in `user_data` (memory) while the conversation runs and are dropped when
it ends, is cancelled, is left for another command, or times out. Only anonymous counts are
stored. The conversation runs in a handler group before the others: each of its handlers stops
the update there, except when another command leaves the check, which then runs as usual.

A typed question about one person's eligibility ("My client is 24 with a Duldung, can he
join?", see freetext.py) enters the check too, with what it says filled in. It has to be an
entry point of this conversation, in this group: a ConversationHandler knows only the states
its own handlers return, so a check started from the answers slice (group 0) would not see
its next answer. Any other text passes on to the answers slice untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.answers.lookup import program_entry
from bot.catalog.schema import Municipality
from bot.chat.context import LotseContext
from bot.chat.conversation import (
    State,
    TypedQuestion,
    ack,
    add_conversation,
    button,
    conversation,
    exits,
    final,
    show,
    typed,
)
from bot.chat.errors import stale_button
from bot.chat.keyboards import START_CHECK, TOKEN
from bot.chat.send import answer, edit
from bot.eligibility import freetext, views
from bot.eligibility.engine import ELIGIBLE, FactError, Facts, Verdict
from bot.eligibility.interview import PLACE, STATUS, Interview, next_question, valid
from bot.eligibility.stats import record_check
from bot.eligibility.typed import dont_know, understand
from bot.eligibility.words import fact_error_text
from bot.i18n import N_, negotiate
from bot.matching.asking import hand_over
from bot.users.places import page, search

if TYPE_CHECKING:
    from bot.services import Services

KEY = "eligibility_check"
ASKING = "asking"
END = ConversationHandler.END
#: An unfinished check is dropped after this long without an answer.
CHECK_TIMEOUT = timedelta(minutes=30)
#: The handler group of the check: before group 0, so that it sees typed answers first.
GROUP = -1
COMMANDS = (("check", N_("Check who may join which program")),)


def _today(context: LotseContext) -> date:
    return datetime.now(context.services.settings.tz).date()


def _own(context: LotseContext) -> Municipality | None:
    """The user's own municipality, offered as a one-tap answer to "where does the person live"."""
    return context.services.content.municipalities.get(context.profile.municipality or "")


def _asked(context: LotseContext, interview: Interview) -> str | None:
    """Return the question the interview is at (None if none, or if it no longer adds up)."""
    try:
        return next_question(context.services.content, interview, _today(context))[0]
    except FactError:
        return None


async def _next(
    update: Update,
    context: LotseContext,
    interview: Interview,
    *,
    new: bool,
    note: str | None = None,
) -> State:
    """Ask the next question still needed, or show the result when none is."""
    content = context.services.content
    try:
        asked, verdicts = next_question(content, interview, _today(context))
    except FactError as error:  # the content changed under the answers: take the last one back
        note = fact_error_text(context.t, error)
        return await _next(update, context, interview.back(), new=new, note=note)
    if asked is None:
        return await _finish(update, context, interview, verdicts, new)
    context.user_data[KEY] = interview
    reply = views.question(
        context.t, asked, interview.step, own=_own(context), first=page(content, 0), note=note
    )
    await show(update, reply, new)
    return ASKING


async def _finish(
    update: Update, context: LotseContext, interview: Interview, verdicts: list[Verdict], new: bool
) -> int:
    """Count the check anonymously, forget its answers and show the result."""
    content, profile, today = context.services.content, context.profile, _today(context)
    context.user_data.pop(KEY, None)
    hand_over(context.user_data, interview.facts())  # for "Find offers", kept 30 minutes at most
    with context.session() as session:
        where = interview.facts().municipality or profile.municipality
        record_check(session, today, where, verdicts)
    entries = {
        v.program: entry
        for v in verdicts
        if v.result == ELIGIBLE
        and (entry := program_entry(content, v.program, profile.municipality, today)) is not None
    }
    await show(update, views.result(context.t, content, verdicts, entries), new)
    return END


def _pressed(context: LotseContext) -> tuple[Interview, re.Match[str]] | None:
    """Return the running interview and the button's match if it is of the current question."""
    interview = context.user_data.get(KEY)
    match = context.matches[0] if context.matches else None
    if not isinstance(interview, Interview) or match is None:
        return None
    return (interview, match) if int(match.group(1)) == interview.step else None


async def begin(update: Update, context: LotseContext) -> State:
    """Start a check (the command or a button): forget earlier answers, ask the first question."""
    context.user_data.pop(KEY, None)
    await ack(update)
    return await _next(update, context, Interview(), new=True)


async def start_check_with(
    update: Update, context: LotseContext, facts: Facts, unclear: Iterable[str] = ()
) -> State:
    """Start a check with facts already known: say which in one line, ask only the rest.

    `unclear` names facts the user named in a way that cannot be used (age 300, two
    statuses); they are left open, so the check asks for them if a program needs them.
    """
    context.user_data.pop(KEY, None)
    await ack(update)
    unclear = tuple(unclear)
    if facts != Facts() or unclear:
        content, today = context.services.content, _today(context)
        await answer(update, views.understood(context.t, content, facts, unclear, today))
    return await _next(update, context, Interview.of(facts), new=True)


async def from_question(update: Update, context: LotseContext) -> State:
    """Start a check from a typed question about one person, with what it says filled in.

    The filter let only such questions in; should the reading differ now (the content
    changed in between), the text goes on: as an answer to a running check, else to the
    answers slice (nothing is stopped, the conversation does not start).
    """
    message = update.effective_message
    text = (message.text if message else None) or ""
    content = context.services.content
    reading = freetext.understand(text, context.t.lang, content, _today(context))
    if reading is not None:
        raise ApplicationHandlerStop(
            await start_check_with(update, context, reading.facts, reading.unclear)
        )
    if isinstance(context.user_data.get(KEY), Interview):
        raise ApplicationHandlerStop(await typed_answer(update, context))
    return END


def asks_about_one_person(text: str, message: Message, services: Services) -> bool:
    """Does the text ask about one person's eligibility and name a fact (freetext.py)?

    A filter cannot see the user's profile: it reads number words in the language of the
    user's Telegram app; `from_question` reads the text again in the language they chose.
    """
    settings = services.settings
    code = message.from_user.language_code if message.from_user else None
    lang = negotiate(code, settings.default_language)
    today = datetime.now(settings.tz).date()
    return freetext.understand(text, lang, services.content, today) is not None


async def pressed_answer(update: Update, context: LotseContext) -> State:
    """Take an answer pressed on a button: a status, a place, yes/no, a level, "I don't know"."""
    found = _pressed(context)
    if found is None:
        return await stale_button(update, context)
    interview, match = found
    asked, content = _asked(context, interview), context.services.content
    value = views.pressed_value(asked, match.group(2), match.group(3), content)
    if asked is None or value is views.NO_VALUE or not valid(asked, value, content):
        return await stale_button(update, context)
    await ack(update)
    return await _next(update, context, interview.answer(asked, value), new=False)


async def go_back(update: Update, context: LotseContext) -> State:
    """Take back the last answer and ask that question again."""
    found = _pressed(context)
    if found is None:
        return await stale_button(update, context)
    await ack(update)
    return await _next(update, context, found[0].back(), new=False)


async def explain_statuses(update: Update, context: LotseContext) -> State:
    """Explain the residence statuses in plain words, with the status question below."""
    found = _pressed(context)
    if found is None or _asked(context, found[0]) != STATUS:
        return await stale_button(update, context)
    await ack(update)
    await edit(update, views.status_question(context.t, found[0].step, explain=True))
    return ASKING


async def turn_page(update: Update, context: LotseContext) -> State:
    """Show another page of municipalities in the same message."""
    found = _pressed(context)
    if found is None or _asked(context, found[0]) != PLACE:
        return await stale_button(update, context)
    shown = page(context.services.content, int(found[1].group(2)))
    await ack(update)
    await edit(update, views.place_question(context.t, found[0].step, shown, _own(context)))
    return ASKING


async def typed_answer(update: Update, context: LotseContext) -> State:
    """Take a typed answer; one that cannot be right gets a note and the same question again."""
    interview = context.user_data.get(KEY)
    text = (update.effective_message.text if update.effective_message else None) or ""
    asked = _asked(context, interview) if isinstance(interview, Interview) else None
    if not isinstance(interview, Interview) or asked is None:
        return END
    t = context.t
    if asked == PLACE and not dont_know(text, t):
        found = search(context.services.content, text)
        await answer(update, views.place_results(t, interview.step, text, found, _own(context)))
        return ASKING
    try:
        value = understand(asked, text, t, _today(context))
    except FactError as error:
        return await _next(update, context, interview, new=True, note=fact_error_text(t, error))
    return await _next(update, context, interview.answer(asked, value), new=True)


cancel, leave, timed_out = exits(KEY, views.cancelled, views.timed_out, CHECK_TIMEOUT)


def register(app: Application) -> None:
    """Add the check conversation to the application, in its own group before the others."""
    add_conversation(
        app, _conversation(TypedQuestion(app, "AsksAboutOnePerson", asks_about_one_person)), GROUP
    )


def _conversation(asks: filters.MessageFilter) -> ConversationHandler:
    """Build the check conversation: one state that asks whatever is still needed."""
    step = r"^K:(\d{1,2}):"
    buttons = (
        (pressed_answer, step + rf"([usmnovl])(?::({TOKEN}|[A-C][12]))?$"),
        (go_back, step + "b$"),
        (explain_statuses, step + "i$"),
        (turn_page, step + r"p:(\d{1,3})$"),
        (cancel, r"^K:\d{1,2}:x$"),
    )
    asking = [button(f, p) for f, p in buttons]
    asking.append(typed(typed_answer))
    entry_points = [
        CommandHandler("check", final(begin), filters=filters.ChatType.PRIVATE),
        button(begin, f"^{START_CHECK}$"),
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & asks, from_question
        ),
    ]
    ways_out = (cancel, leave, timed_out)
    return conversation("check", entry_points, {ASKING: asking}, ways_out, CHECK_TIMEOUT)
