"""Creating and moving appointments (see appointments.mmd): one line, a guided dialog with
day and time buttons or typed dates in the user's language, "Schedule" from a referral.

What is being written lives only in `user_data` until the appointment is saved. Dialog
buttons carry a serial, so a button of an earlier dialog is stale.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from telegram import Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    filters,
)

from bot.appointments import service as s
from bot.appointments import views
from bot.appointments.changes import announce
from bot.appointments.common import local_now, now, say
from bot.appointments.moving import KEY, MOVING, begin_move, typed_move
from bot.appointments.titles import details
from bot.appointments.when import WhenError, local_day, parse_when, split_when
from bot.appointments.words import error_text, when_error
from bot.chat.context import LotseContext
from bot.chat.conversation import State, ack, button, exits, final, serial_cancel, show, typed
from bot.chat.conversation import conversation as build_conversation
from bot.chat.errors import stale_button
from bot.chat.keyboards import parse_id
from bot.chat.send import answer
from bot.db.models import Referral
from bot.referrals import service as referrals
from bot.referrals.codes import Refused
from bot.referrals.common import presser
from bot.referrals.words import refusal_text

DAY, TIME, TITLE = "day", "time", "title"
END = ConversationHandler.END
TIMEOUT = timedelta(minutes=30)
SERIAL = r"([0-9a-f]{6})"


@dataclass(frozen=True)
class Plan:
    """A new appointment being written."""

    serial: str
    day: date | None = None
    starts: datetime | None = None
    people: tuple[int, ...] = ()
    client_code: str | None = None
    referral: int | None = None
    suggested: str | None = None


def _may_create(context: LotseContext) -> bool:
    return context.profile.has("advisor") or context.profile.has("coach")


def _schedulable(context: LotseContext, referral_id: int) -> Referral | str:
    """Return the referral the user may schedule for, or why not (role, not_found, not_allowed).

    Asked when "Schedule" is pressed and again when the appointment is saved.
    """
    if not _may_create(context):
        return "role"
    me = presser(context)
    try:
        with context.session() as session:
            referral = referrals.get(session, referral_id, me)
    except referrals.ReferralError as error:
        return "not_found" if error.code == "not_found" else "not_allowed"
    return referral if referrals.may_schedule(referral, me) else "not_allowed"


def _refusal(context: LotseContext, referral_id: int | None) -> str | None:
    """Why the user may no longer save this appointment (a role taken away meanwhile), if so."""
    if referral_id is None:
        return None if _may_create(context) else "role"
    found = _schedulable(context, referral_id)
    return found if isinstance(found, str) else None


#: "90 min" in a title sets the length (the word for minutes in the supported languages).


async def command(update: Update, context: LotseContext) -> State:
    """/appointment (or /termin): with a date, time and title create it; without, ask."""
    if not _may_create(context):
        await answer(update, say(context, error_text(context.t, "role")))
        return END
    text = (update.effective_message.text or "") if update.effective_message else ""
    rest = text.split(maxsplit=1)[1] if len(text.split(maxsplit=1)) > 1 else ""
    if not rest.strip():
        return await _ask_day(update, context, Plan(serial=secrets.token_hex(3)), new=True)
    await _one_line(update, context, rest)
    return END


async def _one_line(update: Update, context: LotseContext, rest: str) -> None:
    t, tz = context.t, context.services.settings.tz
    try:
        starts, tail = split_when(rest, t.lang, local_now(context), tz)
        title, place, code, minutes = details(tail)
    except WhenError as error:
        await answer(update, views.usage(t, when_error(t, error.code)))
        return
    except Refused as refused:
        await answer(update, views.usage(t, refusal_text(t, refused.code)))
        return
    if not title:
        await answer(update, views.usage(t, error_text(t, "title")))
        return
    draft = s.Draft(starts, title, minutes=minutes, place=place, client_code=code)
    await _save(update, context, draft, (), new=True)


async def _save(
    update: Update, context: LotseContext, draft: s.Draft, people: tuple[int, ...], new: bool
) -> State:
    """Store the appointment, show it, and tell the other participants."""
    me, tz = context.profile.id, context.services.settings.tz
    if (refusal := _refusal(context, draft.referral_id)) is not None:
        context.user_data.pop(KEY, None)
        await show(update, say(context, error_text(context.t, refusal)), new)
        return END
    try:
        with context.session() as session:
            appointment = s.create(session, draft, people, by=me, now=now(context), tz=tz)
    except s.AppointmentError as error:
        await show(update, views.usage(context.t, error_text(context.t, error.code)), new)
        return END
    context.user_data.pop(KEY, None)
    heading = "📅 " + context.t("The appointment is saved. I will remind you before it.")
    await show(update, views.card(context.t, appointment, tz, me, heading=heading), new)
    await announce(context, appointment, "created")
    return END


async def _ask_day(
    update: Update, context: LotseContext, plan: Plan, new: bool, note_: str | None = None
) -> State:
    context.user_data[KEY] = plan
    today = local_now(context).date()
    await show(update, views.ask_day(context.t, plan.serial, today, note_), new)
    return DAY


async def schedule(update: Update, context: LotseContext) -> State:
    """ "Schedule" on an accepted referral: its coach and advisor, its client code, its offer."""
    number = parse_id(context.matches[0].group(1)) if context.matches else 0
    referral = _schedulable(context, number)
    if isinstance(referral, str):
        await ack(update)
        await answer(update, say(context, error_text(context.t, referral)))
        return END
    if referral.state not in referrals.HOLDS_PLACE:
        return await stale_button(update, context)
    content = context.services.content
    offer = content.offers.get(referral.offer_id)
    title = (
        (offer.translations.get(context.t.lang) or offer.translations["de"]).get("title")
        if offer
        else None
    )
    people = tuple(p for p in (referral.advisor_id, referral.coach_id) if p is not None)
    plan = Plan(
        serial=secrets.token_hex(3),
        people=people,
        client_code=referral.client_code,
        referral=referral.id,
        suggested=title,
    )
    await ack(update)
    return await _ask_day(update, context, plan, new=True)


def _plan(context: LotseContext) -> Plan | None:
    found = context.user_data.get(KEY)
    serial = context.matches[0].group(1) if context.matches else None
    if not isinstance(found, Plan) or (serial is not None and serial != found.serial):
        return None
    return found


def _button_day(raw: str) -> date | None:
    """Read a day button's YYYYMMDD (None: not ASCII digits, or no such day)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) == 8):
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return None


async def pick_day(update: Update, context: LotseContext) -> State:
    """A day button: ask the time."""
    plan = _plan(context)
    raw = context.matches[0].group(2) if context.matches else ""
    day = _button_day(raw)
    if plan is None or day is None:
        return await stale_button(update, context)
    await ack(update)
    return await _ask_time(update, context, replace(plan, day=day), new=False)


async def _ask_time(
    update: Update, context: LotseContext, plan: Plan, new: bool, note_: str | None = None
) -> State:
    context.user_data[KEY] = plan
    assert plan.day is not None
    await show(update, views.ask_time(context.t, plan.serial, plan.day, note_), new)
    return TIME


async def typed_day(update: Update, context: LotseContext) -> State:
    """A typed day (then the time is asked) or a typed day and time (then the title)."""
    plan, t, tz = _plan(context), context.t, context.services.settings.tz
    text = (update.effective_message.text or "") if update.effective_message else ""
    if plan is None:
        return END
    try:
        starts = parse_when(text, t.lang, local_now(context), tz)
    except WhenError as error:
        if error.code not in ("no_time", "unknown"):
            return await _ask_day(update, context, plan, True, when_error(t, error.code))
        try:
            day = local_day(text, t.lang, local_now(context), tz)
        except WhenError as second:
            return await _ask_day(update, context, plan, True, when_error(t, second.code))
        return await _ask_time(update, context, replace(plan, day=day), new=True)
    return await _ask_title(update, context, replace(plan, starts=starts), new=True)


async def pick_time(update: Update, context: LotseContext) -> State:
    """A time button: check it (past, daylight-saving change) and ask the title."""
    plan = _plan(context)
    raw = context.matches[0].group(2) if context.matches else ""
    if plan is None or plan.day is None:
        return await stale_button(update, context)
    await ack(update)
    return await _take_time(update, context, plan, f"{raw[:2]}:{raw[2:]}", new=False)


async def typed_time(update: Update, context: LotseContext) -> State:
    """A typed time (or a whole new date and time)."""
    plan = _plan(context)
    text = (update.effective_message.text or "") if update.effective_message else ""
    if plan is None or plan.day is None:
        return END
    return await _take_time(update, context, plan, text, new=True)


async def _take_time(
    update: Update, context: LotseContext, plan: Plan, text: str, new: bool
) -> State:
    t, tz, wall = context.t, context.services.settings.tz, local_now(context)
    assert plan.day is not None
    try:
        starts = parse_when(f"{plan.day.isoformat()} {text}", t.lang, wall, tz)
    except WhenError as error:
        try:
            starts = parse_when(text, t.lang, wall, tz)
        except WhenError:
            return await _ask_time(update, context, plan, new, when_error(t, error.code))
    return await _ask_title(update, context, replace(plan, starts=starts), new)


async def _ask_title(
    update: Update, context: LotseContext, plan: Plan, new: bool, note_: str | None = None
) -> State:
    context.user_data[KEY] = plan
    assert plan.starts is not None
    reply = views.ask_title(
        context.t, plan.serial, plan.starts, context.services.settings.tz, plan.suggested, note_
    )
    await show(update, reply, new)
    return TITLE


async def typed_title(update: Update, context: LotseContext) -> State:
    """The title (with an optional " @ place" and "#CODE"): save the appointment."""
    plan, t = _plan(context), context.t
    text = (update.effective_message.text or "") if update.effective_message else ""
    if plan is None or plan.starts is None:
        return END
    try:
        title, place, code, minutes = details(text)
    except Refused as refused:
        return await _ask_title(update, context, plan, True, refusal_text(t, refused.code))
    if not title:
        return await _ask_title(update, context, plan, True, error_text(t, "title"))
    draft = s.Draft(
        plan.starts,
        title,
        minutes=minutes,
        place=place,
        client_code=code or plan.client_code,
        referral_id=plan.referral,
    )
    return await _save(update, context, draft, plan.people, new=True)


async def suggested_title(update: Update, context: LotseContext) -> State:
    """The title button (the offer's title, for an appointment from a referral)."""
    plan = _plan(context)
    if plan is None or plan.starts is None or not plan.suggested:
        return await stale_button(update, context)
    await ack(update)
    draft = s.Draft(
        plan.starts, plan.suggested, client_code=plan.client_code, referral_id=plan.referral
    )
    return await _save(update, context, draft, plan.people, new=False)


cancel, leave, timed_out = exits(KEY, views.not_saved, views.timed_out, TIMEOUT)
cancel_dialog = serial_cancel(KEY, cancel)


def conversation() -> ConversationHandler:
    """Build the appointment dialog: day, time, title; or the new time of a move."""
    stop = button(cancel_dialog, rf"^A:z:{SERIAL}$")
    entry_points = [
        CommandHandler(["appointment", "termin"], final(command), filters=filters.ChatType.PRIVATE),
        button(schedule, r"^A:r:(\d{1,12})$"),
        button(begin_move, r"^A:m:(\d{1,12})$"),
    ]
    states = {
        DAY: [typed(typed_day), button(pick_day, rf"^A:d:{SERIAL}:(\d{{8}})$"), stop],
        TIME: [typed(typed_time), button(pick_time, rf"^A:t:{SERIAL}:(\d{{4}})$"), stop],
        TITLE: [typed(typed_title), button(suggested_title, rf"^A:u:{SERIAL}$"), stop],
        MOVING: [typed(typed_move), stop],
    }
    return build_conversation(
        "appointment", entry_points, states, (cancel, leave, timed_out), TIMEOUT
    )
