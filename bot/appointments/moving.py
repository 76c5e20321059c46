"""Moving an appointment: ask for the new time, move it, tell the other participants."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ConversationHandler

from bot.appointments import service as s
from bot.appointments import views
from bot.appointments.changes import announce
from bot.appointments.common import alert, local_now, now, say
from bot.appointments.when import WhenError, parse_when
from bot.appointments.words import error_text, when_error
from bot.chat.context import LotseContext
from bot.chat.conversation import State, ack
from bot.chat.keyboards import parse_id
from bot.chat.send import answer

KEY = "appointment"
MOVING = "moving"
END = ConversationHandler.END


@dataclass(frozen=True)
class Moving:
    """An appointment whose new time is being asked for."""

    serial: str
    appointment: int


async def begin_move(update: Update, context: LotseContext) -> State:
    """Move: ask for the new date and time."""
    number = parse_id(context.matches[0].group(1)) if context.matches else 0
    try:
        with context.session() as session:
            appointment = s.changeable(session, number, context.profile.id, now(context))
    except s.AppointmentError as error:
        await alert(update, context, error.code)
        return END
    moving = Moving(secrets.token_hex(3), appointment.id)
    context.user_data[KEY] = moving
    await ack(update)
    tz = context.services.settings.tz
    await answer(update, views.ask_new_time(context.t, appointment, tz, moving.serial))
    return MOVING


async def typed_move(update: Update, context: LotseContext) -> State:
    """The new time: move the appointment and tell the others."""
    moving, t, tz = context.user_data.get(KEY), context.t, context.services.settings.tz
    text = (update.effective_message.text or "") if update.effective_message else ""
    if not isinstance(moving, Moving):
        return END
    try:
        starts = parse_when(text, t.lang, local_now(context), tz)
        with context.session() as session:
            appointment = s.move(
                session, moving.appointment, context.profile.id, starts, now=now(context), tz=tz
            )
    except WhenError as error:
        await answer(update, say(context, when_error(t, error.code)))
        return MOVING
    except s.AppointmentError as error:
        context.user_data.pop(KEY, None)
        await answer(update, say(context, error_text(t, error.code)))
        return END
    context.user_data.pop(KEY, None)
    heading = "🕑 " + t("The appointment has been moved.")
    await answer(update, views.card(t, appointment, tz, context.profile.id, heading=heading))
    await announce(context, appointment, "moved")
    return END
