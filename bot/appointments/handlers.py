"""Telegram handlers for appointments (see appointments.mmd): /appointments, one appointment
and its buttons (confirm, cancel, calendar file), and the reminder dispatcher job; creating
and moving are in dialog.py.

Buttons carry the appointment's id and are checked against the database and the
participants on every press, so reminders' buttons work after a restart and do nothing
for anybody else.
"""

from __future__ import annotations

import re
from datetime import timedelta

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.appointments import dialog, ics, settings, views
from bot.appointments import service as s
from bot.appointments.changes import announce
from bot.appointments.dispatch import dispatch
from bot.appointments.words import error_text
from bot.chat.context import LotseContext
from bot.chat.conversation import ack, add_conversation, show
from bot.chat.send import edit
from bot.i18n import N_
from bot.referrals import handlers as referrals

#: Before the referral dialog's group ("Schedule" on a referral starts the dialog).
GROUP = referrals.GROUP - 1
COMMANDS = (
    ("appointment", N_("Create an appointment")),
    ("appointments", N_("Your coming appointments")),
    ("settings", N_("When you are reminded of appointments")),
)


async def _alert(update: Update, context: LotseContext, code: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(error_text(context.t, code), show_alert=True)


def _id(context: LotseContext) -> int:
    return int(context.matches[0].group(1)) if context.matches else 0


async def list_appointments(update: Update, context: LotseContext) -> None:
    """/appointments: the coming appointments the user takes part in."""
    now, tz = context.services.clock.now(), context.services.settings.tz
    with context.session() as session:
        found = s.upcoming(session, context.profile.id, now)
    await ack(update)
    await show(update, views.listing(context.t, found, tz))


async def open_one(update: Update, context: LotseContext) -> None:
    """Show one appointment with its buttons."""
    try:
        with context.session() as session:
            appointment = s.get(session, _id(context), context.profile.id)
    except s.AppointmentError as error:
        await _alert(update, context, error.code)
        return
    await ack(update)
    tz = context.services.settings.tz
    await show(update, views.card(context.t, appointment, tz, context.profile.id))


async def confirm(update: Update, context: LotseContext) -> None:
    """Confirm: the participant will be there."""
    now, tz = context.services.clock.now(), context.services.settings.tz
    try:
        with context.session() as session:
            appointment = s.confirm(session, _id(context), context.profile.id, now=now)
    except s.AppointmentError as error:
        await _alert(update, context, error.code)
        return
    await ack(update)
    await edit(update, views.card(context.t, appointment, tz, context.profile.id))


async def ask_cancel(update: Update, context: LotseContext) -> None:
    """Cancel: ask first (it is cancelled for everyone)."""
    try:
        with context.session() as session:
            appointment = s.get(session, _id(context), context.profile.id)
    except s.AppointmentError as error:
        await _alert(update, context, error.code)
        return
    if appointment.state != s.PLANNED:
        await _alert(update, context, "cancelled")
        return
    await ack(update)
    await show(update, views.really_cancel(context.t, appointment, context.services.settings.tz))


async def cancel(update: Update, context: LotseContext) -> None:
    """Cancel for everyone and tell the other participants."""
    now, tz = context.services.clock.now(), context.services.settings.tz
    try:
        with context.session() as session:
            appointment = s.cancel(session, _id(context), context.profile.id, now=now)
    except s.AppointmentError as error:
        await _alert(update, context, error.code)
        return
    await ack(update)
    await edit(update, views.card(context.t, appointment, tz, context.profile.id))
    await announce(context, appointment, "cancelled")


async def calendar(update: Update, context: LotseContext) -> None:
    """Send the appointment as an .ics file for the user's calendar."""
    now, tz = context.services.clock.now(), context.services.settings.tz
    try:
        with context.session() as session:
            appointment = s.get(session, _id(context), context.profile.id)
    except s.AppointmentError as error:
        await _alert(update, context, error.code)
        return
    body = ics.calendar_file(
        uid=f"appointment-{appointment.id}@lotse",
        starts=appointment.starts_at,
        minutes=appointment.minutes,
        title=appointment.title,
        place=appointment.place,
        description=f"#{appointment.client_code}" if appointment.client_code else None,
        stamp=now,
        sequence=appointment.sequence,
        cancelled=appointment.state == s.CANCELLED,
    )
    name = ics.file_name(appointment.title, appointment.starts_at.astimezone(tz))
    await ack(update)
    chat = update.effective_chat
    assert chat is not None
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
