"""/settings: when each user is reminded of appointments, and a coach's morning agenda.

Buttons: `G:o:<minutes>` ticks or unticks a reminder offset, `G:a:<HHMM|off>` sets the
agenda time (every change re-plans the user's coming reminders at once), `G:q:<1|0>` lets an
advisor take questions people ask ("Ask a person") or stop.
"""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import format_time, format_timedelta
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.appointments import service as s
from bot.chat.context import LotseContext
from bot.chat.conversation import ack, show
from bot.chat.errors import stale_button
from bot.chat.keyboards import data, grid
from bot.chat.render import Button, Reply, bold, directed, esc
from bot.db.models import User
from bot.i18n import Translator


def _offset_name(t: Translator, minutes: int) -> str:
    return format_timedelta(timedelta(minutes=minutes), threshold=1.0, locale=t.lang)


def view(t: Translator, user: User, coach: bool, advisor: bool = False) -> Reply:
    """The user's reminder offsets, agenda time (coaches) and questions (advisors), as toggles."""
    offsets = s.offsets_of(user)
    chosen = [_offset_name(t, minutes) for minutes in offsets]
    lines = [
        bold(t("Settings")),
        "",
        bold(t("Reminders before an appointment:")),
        esc(t.join_and(chosen) if chosen else t("none")),
        esc(t("Tap to switch a reminder on or off.")),
    ]
    toggles = [
        Button(
            ("✓ " if minutes in offsets else "") + _offset_name(t, minutes),
            data("G", "o", str(minutes)),
        )
        for minutes in s.OFFSET_CHOICES
    ]
    rows = list(grid(toggles, 3))
    if coach:
        agenda = s.agenda_of(user)
        current = format_time(agenda, format="short", locale=t.lang) if agenda else t("off")
        lines += ["", bold(t("Morning agenda on days with appointments:")), esc(current)]
        times = []
        for choice in s.AGENDA_CHOICES:
            label = t("off") if choice == "off" else choice
            now = "off" if agenda is None else agenda.strftime("%H:%M")
            mark = "✓ " if choice == now else ""
            times.append(Button(mark + label, data("G", "a", choice.replace(":", ""))))
        rows += list(grid(times, 3))
    if advisor:
        taking = user.takes_questions
        lines += ["", bold(t("Take questions people ask:")), esc(t("on") if taking else t("off"))]
        lines.append(esc(t("When I cannot answer someone in your municipality, they can ask you.")))
        toggle = ("✓ " if taking else "") + "🙋 " + t("Take questions people ask")
        rows.append((Button(toggle, data("G", "q", "0" if taking else "1")),))
    return Reply(directed("\n".join(lines), t.lang), tuple(rows))


def _advisor(context: LotseContext) -> bool:
    """Only advisors take questions (read from the database for every update)."""
    return "advisor" in context.profile.roles


async def show_settings(update: Update, context: LotseContext) -> None:
    """/settings: show the user's reminder settings."""
    with context.session() as session:
        user = session.get(User, context.profile.id)
        reply = view(context.t, user, context.profile.has("coach"), _advisor(context))
    await ack(update)
    await show(update, reply)


async def change(update: Update, context: LotseContext) -> None:
    """Tick or untick an offset, set the agenda time (re-plan), or take questions or stop."""
    verb, value = context.matches[0].group(1, 2) if context.matches else ("", "")
    coach, advisor = context.profile.has("coach"), _advisor(context)
    if (verb == "o" and int(value) not in s.OFFSET_CHOICES) or (verb == "a" and not coach):
        await stale_button(update, context)
        return
    if verb == "q" and not advisor:
        text = context.t("Only advisors can take questions people ask.")
        await update.callback_query.answer(text, show_alert=True)
        return
    now, tz = context.services.clock.now(), context.services.settings.tz
    with context.session() as session:
        user = session.get(User, context.profile.id)
        assert user is not None
        if verb == "o":
            offsets = set(s.offsets_of(user)) ^ {int(value)}
            user.reminder_offsets = ",".join(str(m) for m in sorted(offsets, reverse=True))
        elif verb == "a":
            user.agenda_at = "off" if value == "off" else f"{value[:2]}:{value[2:]}"
        else:
            user.takes_questions = value == "1"
        session.flush()
        if verb != "q":
            s.replan_user(session, user.id, now, tz)
        reply = view(context.t, user, coach, advisor)
    await ack(update)
    await show(update, reply)


def register(app: Application) -> None:
    """Add /settings and its buttons."""
    app.add_handler(CommandHandler("settings", show_settings, filters=filters.ChatType.PRIVATE))
    agenda = "|".join(c.replace(":", "") for c in s.AGENDA_CHOICES)
    for pattern in (r"^G:(o):(\d{1,5})$", rf"^G:(a):({agenda})$", r"^G:(q):([01])$"):
        app.add_handler(CallbackQueryHandler(change, pattern=re.compile(pattern)))
