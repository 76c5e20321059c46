"""Telegram handlers for /find, the search for local offers for a person (see find.mmd).

The answers live only in `user_data` (memory) while the conversation runs and are dropped
when it ends, is cancelled, is left for another command, or times out. A search that finds
nothing is counted anonymously. The conversation runs in a handler group of its own before
the eligibility check's; each of its handlers stops the update there, except when another
command leaves the search, which then runs as usual.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.ext import (
    Application,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

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
from bot.chat.keyboards import FIND_AFTER_CHECK, START_FIND, TOKEN, resolve
from bot.chat.send import answer, edit
from bot.eligibility import handlers as check
from bot.eligibility.engine import FactError, Facts
from bot.eligibility.words import fact_error_text
from bot.i18n import N_
from bot.matching import card, freetext, views
from bot.matching.asking import (
    AGE,
    LANGUAGES,
    PLACE,
    STATUS,
    TYPE,
    Near,
    Search,
    taken_over,
    understand,
    valid,
)
from bot.matching.engine import Match, Result, match
from bot.matching.stats import count_miss, record_search
from bot.referrals import service as referrals
from bot.users.places import page, search

if TYPE_CHECKING:
    from bot.services import Services

KEY = "offer_search"
ASKING, LISTING = "asking", "listing"
END = ConversationHandler.END
#: An unfinished search (or an open list) is dropped after this long without a press.
FIND_TIMEOUT = timedelta(minutes=30)
#: Before the check's group, so that a /find during a check is not taken as leaving it.
GROUP = check.GROUP - 1
COMMANDS = (("find", N_("Find local offers for a person")),)


def _today(context: LotseContext) -> date:
    return datetime.now(context.services.settings.tz).date()


def _own(context: LotseContext) -> Municipality | None:
    return context.services.content.municipalities.get(context.profile.municipality or "")


def _search(context: LotseContext) -> Search | None:
    found = context.user_data.get(KEY)
    return found if isinstance(found, Search) else None


def _match(context: LotseContext, wanted: Search) -> Result:
    """Match with the places that accepted referrals hold (a full offer is never listed)."""
    content = context.services.content
    with context.session() as session:
        left = referrals.places_left(content, referrals.taken(session))
    return match(content, wanted.need(), _today(context), left)


def _listed(context: LotseContext, offer_id: str) -> tuple[Result, Match] | None:
    """Return the result and the offer's match if the running search lists the offer."""
    wanted = _search(context)
    if wanted is None or wanted.next_question() is not None:
        return None
    result = _match(context, wanted)
    found = next((m for m in (*result.matches, *result.alternatives) if m.offer == offer_id), None)
    return (result, found) if found is not None else None


def joinable(context: LotseContext, offer_id: str) -> Match | None:
    """Return the offer's match if the running search lists it (as a fit or an alternative)."""
    listed = _listed(context, offer_id)
    return listed[1] if listed else None


async def _next(
    update: Update, context: LotseContext, wanted: Search, *, new: bool, note: str | None = None
) -> State:
    """Ask the next question still needed, or show the offers when none is."""
    asked = wanted.next_question()
    context.user_data[KEY] = wanted
    if asked is not None:
        first = page(context.services.content, 0)
        reply = views.question(context.t, asked, wanted, own=_own(context), first=first, note=note)
        await show(update, reply, new)
        return ASKING
    try:
        result = _match(context, wanted)
    except FactError as error:  # answers that cannot all be true: take the last one back
        return await _next(
            update, context, wanted.back(), new=new, note=fact_error_text(context.t, error)
        )
    need = wanted.need()
    with context.session() as session:
        record_search(session, _today(context), need.facts.municipality, need.offer_type)
        if result.miss is not None:
            count_miss(session, _today(context), result.miss)
    await show(update, views.result_list(context.t, context.services.content, result, 0), new)
    return LISTING


async def start_find_with(update: Update, context: LotseContext, facts: Facts | None) -> State:
    """Start a search that reuses facts already known (from a check); None: start afresh."""
    context.user_data.pop(KEY, None)
    context.user_data.pop(check.KEY, None)  # a /find during a check leaves the check
    await ack(update)
    return await _next(update, context, Search(known=facts or Facts()), new=True)


async def begin(update: Update, context: LotseContext) -> State:
    """Start a search (the command or a button): forget earlier answers, ask the first question."""
    taken_over(context.user_data)  # a fresh search forgets facts a check handed over
    return await start_find_with(update, context, None)


async def from_text(update: Update, context: LotseContext) -> State:
    """Show the offers a typed question asks for ("Is there a German course in Köln?").

    The place is the one named, else the user's own; what is not said (age, status,
    languages) counts as "I don't know", so the list comes at once, as /find shows it,
    with what to check with the provider. Without any place, /find asks for one first.
    """
    message = update.effective_message
    request = freetext.understand(message.text or "", context.services.content) if message else None
    if request is None:  # the content changed in between: the question goes on as a question
        return END
    taken_over(context.user_data)
    context.user_data.pop(check.KEY, None)
    place = request.municipality or context.profile.municipality
    wanted = Search(known=Facts(municipality=place)).answer(TYPE, request.offer_type)
    if place is not None:
        wanted = wanted.answer(AGE, None).answer(STATUS, None).answer(LANGUAGES, ())
    return await _next(update, context, wanted, new=True)


def asks_for_offers(text: str, message: Message, services: Services) -> bool:
    """Does the text ask for a local offer (freetext.py)?"""
    return freetext.understand(text, services.content) is not None


async def after_check(update: Update, context: LotseContext) -> State:
    """Start a search with the facts of the check just finished (afresh if they are gone)."""
    return await start_find_with(update, context, taken_over(context.user_data))


def _pressed(context: LotseContext) -> tuple[Search, re.Match[str]] | None:
    """Return the running search and the button's match if it is of the current question."""
    wanted, found = _search(context), context.matches[0] if context.matches else None
    if wanted is None or found is None or int(found.group(1)) != wanted.step:
        return None
    return wanted, found


async def pressed_answer(update: Update, context: LotseContext) -> State:
    """Take an answer pressed on a button: a type, a place, a status, or "I don't know"."""
    found = _pressed(context)
    asked = found[0].next_question() if found else None
    if found is None or asked is None:
        return await stale_button(update, context)
    value = views.pressed_value(asked, *found[1].group(2, 3), context.services.content)
    if value is views.NO_VALUE:
        return await stale_button(update, context)
    await ack(update)
    return await _next(update, context, found[0].answer(asked, value), new=False)


async def toggle_language(update: Update, context: LotseContext) -> State:
    """Tick or untick a language the person speaks (Done takes them)."""
    found = _pressed(context)
    if found is None or found[0].next_question() != LANGUAGES:
        return await stale_button(update, context)
    wanted = found[0]
    if found[1].group(2) == "d":
        await ack(update)
        return await _next(update, context, wanted.answer(LANGUAGES, wanted.ticked), new=False)
    if not valid(LANGUAGES, (found[1].group(3),), context.services.content):
        return await stale_button(update, context)
    await ack(update)
    return await _next(update, context, wanted.toggle(found[1].group(3)), new=False)


async def go_back(update: Update, context: LotseContext) -> State:
    """Take back the last answer and ask that question again."""
    found = _pressed(context)
    if found is None or not found[0].step:
        return await stale_button(update, context)
    await ack(update)
    return await _next(update, context, found[0].back(), new=False)


async def turn_page(update: Update, context: LotseContext) -> State:
    """Show another page of municipalities in the same message."""
    found = _pressed(context)
    if found is None or found[0].next_question() != PLACE:
        return await stale_button(update, context)
    shown = page(context.services.content, int(found[1].group(3)))
    await ack(update)
    await edit(update, views.place_question(context.t, found[0].step, shown, _own(context)))
    return ASKING


async def typed_answer(update: Update, context: LotseContext) -> State:
    """Take a typed answer: letters of a town, an age, a status; else the question again."""
    wanted, t = _search(context), context.t
    text = (update.effective_message.text if update.effective_message else None) or ""
    asked = wanted.next_question() if wanted else None
    if wanted is None or asked is None:
        return END
    if asked == PLACE:
        found = search(context.services.content, text)
        await answer(update, views.place_results(t, wanted.step, text, found, _own(context)))
        return ASKING
    try:
        value = understand(asked, text, t, _today(context))
    except FactError as error:
        return await _next(update, context, wanted, new=True, note=fact_error_text(t, error))
    return await _next(update, context, wanted.answer(asked, value), new=True)


async def shared_location(update: Update, context: LotseContext) -> State:
    """Take a shared location as the place to search around."""
    wanted = _search(context)
    location = update.effective_message.location if update.effective_message else None
    if wanted is None or location is None or wanted.next_question() != PLACE:
        return await _next(update, context, wanted, new=True) if wanted else END
    near = Near(location.latitude, location.longitude)
    return await _next(update, context, wanted.answer(PLACE, near), new=True)


async def show_list(update: Update, context: LotseContext) -> State:
    """Show a page of the offers that fit (visibility is checked again on every press)."""
    wanted = _search(context)
    if wanted is None or wanted.next_question() is not None:
        return await stale_button(update, context)
    number = int(context.matches[0].group(1)) if context.matches else 0
    await ack(update)
    await edit(
        update,
        views.result_list(context.t, context.services.content, _match(context, wanted), number),
    )
    return LISTING


async def open_offer(update: Update, context: LotseContext) -> State:
    """Show an offer's card and where it is; only offers the person can still join."""
    content = context.services.content
    offer_id = resolve(context.matches[0].group(1), content.offers) if context.matches else None
    listed = _listed(context, offer_id) if offer_id is not None else None
    if offer_id is None or listed is None:
        return await stale_button(update, context)
    with context.session() as session:
        left = referrals.free_places(session, content.offers[offer_id])
    profile = context.profile
    refer = referrals.may_refer(referrals.Actor(profile.id, profile.roles))  # R:n checks again
    back = views.page_of(listed[0], offer_id)
    await ack(update)
    await edit(update, card.card(context.t, content, listed[1], back, left=left, can_refer=refer))
    place = card.venue(content, offer_id, context.t.lang)
    if place is not None and update.effective_chat is not None:
        await context.bot.send_venue(
            update.effective_chat.id, place.lat, place.lon, place.title, place.address
        )
    return LISTING


async def close(update: Update, context: LotseContext) -> State:
    """Close the list: forget the answers."""
    context.user_data.pop(KEY, None)
    await ack(update)
    await edit(update, views.closed(context.t))
    return END


cancel, leave, timed_out = exits(KEY, views.cancelled, views.timed_out, FIND_TIMEOUT)


def register(app: Application) -> None:
    """Add the search conversation to the application, in its own group before the check's."""
    add_conversation(
        app, _conversation(TypedQuestion(app, "AsksForOffers", asks_for_offers)), GROUP
    )


def _conversation(asks: filters.MessageFilter) -> ConversationHandler:
    """Build the search conversation: ask what is missing, then list the offers (find.mmd)."""
    step = r"^S:(\d{1,2}):"
    buttons = (
        (pressed_answer, step + rf"([tasmu])(?::({TOKEN}|[a-z_]{{1,32}}))?$"),
        (toggle_language, step + r"([gd])(?::([a-z]{2,3}))?$"),
        (go_back, step + "(b)$"),
        (turn_page, step + r"(p):(\d{1,3})$"),
        (cancel, step + "x$"),
    )
    asking = [button(f, p) for f, p in buttons]
    asking += [typed(typed_answer), MessageHandler(filters.LOCATION, final(shared_location))]
    listing = [
        button(show_list, r"^S:r:(\d{1,3})$"),
        button(open_offer, rf"^S:o:({TOKEN})$"),
        button(close, r"^S:e$"),
    ]
    entry_points = [
        CommandHandler("find", final(begin), filters=filters.ChatType.PRIVATE),
        button(begin, f"^{START_FIND}$"),
        button(after_check, f"^{FIND_AFTER_CHECK}$"),
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & asks, final(from_text)),
    ]
    states = {ASKING: asking, LISTING: listing}
    return conversation("find", entry_points, states, (cancel, leave, timed_out), FIND_TIMEOUT)
