"""Telegram handlers for appointments (see appointments.mmd): /appointments, one appointment
and its buttons (confirm, cancel, calendar file), and the reminder dispatcher job; creating
and moving are in dialog.py.

Buttons carry the appointment's id and are checked against the database and the
participants on every press, so reminders' buttons work after a restart and do nothing
for anybody else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.appointments import dialog, ics, settings, views
from bot.appointments import service as s
from bot.appointments.changes import announce
from bot.appointments.common import alert
from bot.appointments.dispatch import dispatch
from bot.chat.context import LotseContext
from bot.chat.conversation import ack, add_conversation, show
from bot.chat.keyboards import parse_id
from bot.chat.render import Reply
from bot.chat.send import edit
from bot.db.models import Appointment
from bot.i18n import N_
from bot.referrals import handlers as referrals

#: Before the referral dialog's group ("Schedule" on a referral starts the dialog).
GROUP = referrals.GROUP - 1
COMMANDS = (
    ("appointment", N_("Create an appointment")),
    ("appointments", N_("Your coming appointments")),
    ("settings", N_("When you are reminded of appointments")),
)


def _id(context: LotseContext) -> int:
    return parse_id(context.matches[0].group(1)) if context.matches else 0


async def _pressed(
    update: Update, context: LotseContext, change: Callable[..., Appointment]
) -> Appointment | None:
    """Run `change(session, appointment id, user id, now)` for the pressed button.

    A refusal (not theirs, cancelled, started...) is said in a pop-up; then None.
    """
    try:
        with context.session() as session:
            now = context.services.clock.now()
            return change(session, _id(context), context.profile.id, now)
    except s.AppointmentError as error:
        await alert(update, context, error.code)
        return None


async def list_appointments(update: Update, context: LotseContext) -> None:
    """/appointments: the coming appointments the user takes part in."""
    now, tz = context.services.clock.now(), context.services.settings.tz
    with context.session() as session:
        found = s.upcoming(session, context.profile.id, now)
    await ack(update)
    await show(update, views.listing(context.t, found, tz))


def _card(context: LotseContext, appointment: Appointment) -> Reply:
    tz = context.services.settings.tz
    return views.card(context.t, appointment, tz, context.profile.id)


async def open_one(update: Update, context: LotseContext) -> None:
    """Show one appointment with its buttons."""
    appointment = await _pressed(update, context, lambda db, a, u, now: s.get(db, a, u))
    if appointment is not None:
        await ack(update)
        await show(update, _card(context, appointment))


async def confirm(update: Update, context: LotseContext) -> None:
    """Confirm: the participant will be there."""
    appointment = await _pressed(
        update, context, lambda db, a, u, now: s.confirm(db, a, u, now=now)
    )
    if appointment is not None:
        await ack(update)
        await edit(update, _card(context, appointment))


async def ask_cancel(update: Update, context: LotseContext) -> None:
    """Cancel: ask first (it is cancelled for everyone)."""
    appointment = await _pressed(update, context, s.changeable)
    if appointment is not None:
        await ack(update)
        tz = context.services.settings.tz
        await show(update, views.really_cancel(context.t, appointment, tz))


async def cancel(update: Update, context: LotseContext) -> None:
    """Cancel for everyone and tell the other participants."""
    appointment = await _pressed(update, context, lambda db, a, u, now: s.cancel(db, a, u, now=now))
    if appointment is not None:
        await ack(update)
        await edit(update, _card(context, appointment))
        await announce(context, appointment, "cancelled")


async def calendar(update: Update, context: LotseContext) -> None:
    """Send the appointment as an .ics file for the user's calendar."""
    appointment = await _pressed(update, context, lambda db, a, u, now: s.get(db, a, u))
    chat = update.effective_chat
    if appointment is None or chat is None:
        return
    body = ics.calendar_file(
        uid=f"appointment-{appointment.id}@lotse",
        starts=appointment.starts_at,
        minutes=appointment.minutes,
        title=appointment.title,
        place=appointment.place,
        description=f"#{appointment.client_code}" if appointment.client_code else None,
        stamp=context.services.clock.now(),
        sequence=appointment.sequence,
        cancelled=appointment.state == s.CANCELLED,
    )
    tz = context.services.settings.tz
    name = ics.file_name(appointment.title, appointment.starts_at.astimezone(tz))
    await ack(update)
    await context.bot.send_document(chat.id, InputFile(body, filename=name))


async def send_reminders(context: LotseContext) -> None:
    """The JobQueue's tick: start sending what is due (on the first tick, what was missed).

    The sending runs as a task of its own, one at a time, so that a long round (thousands
    of reminders at Telegram's pace) never makes the scheduler skip and warn.
    """
    running = context.bot_data.dispatching
    if running is None or running.done():
        context.bot_data.dispatching = context.application.create_task(
            dispatch(context.bot, context.services), name="reminders"
        )


def register(app: Application) -> None:
    """Add the appointment dialog (its own group), the buttons, and the reminder job."""
    add_conversation(app, dialog.conversation(), GROUP)
    settings.register(app)
    app.add_handler(
        CommandHandler("appointments", list_appointments, filters=filters.ChatType.PRIVATE)
    )
    for callback, verb in (
        (list_appointments, "l"),
        (open_one, "v"),
        (confirm, "c"),
        (ask_cancel, "x"),
        (cancel, "y"),
        (calendar, "i"),
    ):
        pattern = re.compile(rf"^A:{verb}:(\d{{1,12}})$")
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    if app.job_queue is not None:
        tick = timedelta(seconds=app.bot_data.services.settings.reminder_tick_seconds)
        app.job_queue.run_repeating(send_reminders, interval=tick, first=1)
