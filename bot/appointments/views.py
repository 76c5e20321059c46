"""Appointments, reminders and agendas as Replies (no telegram import).

Buttons carry `A:<verb>:<appointment id>` and are checked against the database on every
press: c confirm, m move, x cancel (y: really cancel), i calendar file, v open, l list.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, format_timedelta

from bot.chat.keyboards import data, grid
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic
from bot.db.models import Appointment
from bot.i18n import Translator

Rows = tuple[tuple[Button, ...], ...]
EXAMPLE = "/appointment 2026-11-24 14:00 Jobcenter"


def _reply(t: Translator, lines: Sequence[str], rows: Rows = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


def when(t: Translator, moment: datetime, tz: ZoneInfo) -> str:
    """A moment as the reader's locale writes a full date and a short time, in the bot's zone."""
    local = moment.astimezone(tz)
    day = format_date(local.date(), format="full", locale=t.lang)
    hour = format_time(local, format="short", tzinfo=tz, locale=t.lang)
    pattern = Locale.parse(t.lang).datetime_formats.get("full", "{1} {0}")
    return str(pattern).replace("{1}", day).replace("{0}", hour)


def short(t: Translator, moment: datetime, tz: ZoneInfo) -> str:
    """A moment in a list: weekday, day and time."""
    return format_datetime(moment.astimezone(tz), "EEE d.M. HH:mm", tzinfo=tz, locale=t.lang)


def clock_time(t: Translator, moment: datetime, tz: ZoneInfo) -> str:
    return format_time(moment.astimezone(tz), format="short", tzinfo=tz, locale=t.lang)


def _field(t: Translator, label: str, value: str) -> str:
    return f"{bold(label)} {esc(embed(value, t.lang))}"


def _facts(t: Translator, appointment: Appointment, tz: ZoneInfo, viewer: int) -> list[str]:
    lines = [
        bold(embed(appointment.title, t.lang)),
        _field(t, t("When:"), when(t, appointment.starts_at, tz)),
        _field(t, t("Duration:"), t.ngettext("{n} minute", "{n} minutes", appointment.minutes)),
    ]
    if appointment.place:
        lines.append(_field(t, t("Place:"), appointment.place))
    if appointment.client_code:
        lines.append(_field(t, t("Client code:"), appointment.client_code))
    others = len(appointment.participants) - 1
    if others > 0:
        confirmed = sum(
            1 for p in appointment.participants if p.confirmed_at and p.user_id != viewer
        )
        lines.append(
            esc(t.ngettext("With {n} other participant", "With {n} other participants", others))
            + " "
            + esc(t("({k} confirmed)", k=confirmed))
        )
    mine = next((p for p in appointment.participants if p.user_id == viewer), None)
    if mine is not None and mine.confirmed_at is not None:
        lines.append("✅ " + esc(t("You have confirmed.")))
    return lines


def _rows(t: Translator, appointment: Appointment, with_list: bool = False) -> Rows:
    number = str(appointment.id)
    rows: list[tuple[Button, ...]] = []
    if appointment.state == "planned":
        rows.append(
            (
                Button("✅ " + t("Confirm"), data("A", "c", number)),
                Button("🕑 " + t("Move"), data("A", "m", number)),
                Button("✖ " + t("Call off"), data("A", "x", number)),
            )
        )
    rows.append((Button("📅 " + t("Calendar file"), data("A", "i", number)),))
    if with_list:
        rows.append((Button("◀ " + t("All appointments"), data("A", "l", "0")),))
    return tuple(rows)


def card(
    t: Translator,
    appointment: Appointment,
    tz: ZoneInfo,
    viewer: int,
    *,
    heading: str | None = None,
    with_list: bool = True,
) -> Reply:
    """One appointment with its buttons."""
    lines = [bold(heading), ""] if heading else []
    if appointment.state == "cancelled":
        lines += ["✖ " + bold(t("This appointment has been cancelled.")), ""]
    lines += _facts(t, appointment, tz, viewer)
    return _reply(t, lines, _rows(t, appointment, with_list))


def reminder(
    t: Translator,
    appointment: Appointment,
    tz: ZoneInfo,
    viewer: int,
    now: datetime,
    late: bool,
) -> Reply:
    """A reminder before an appointment, with Confirm / Move / Cancel."""
    ahead = format_timedelta(
        appointment.starts_at - now, threshold=1.0, add_direction=True, locale=t.lang
    )
    lines = ["⏰ " + bold(t("Reminder: an appointment {when}", when=ahead))]
    if late:
        lines.append(italic(t("This reminder comes late: Lotse was not running when it was due.")))
    lines += ["", *_facts(t, appointment, tz, viewer)]
    return _reply(t, lines, _rows(t, appointment))


def agenda(t: Translator, appointments: Sequence[Appointment], tz: ZoneInfo, late: bool) -> Reply:
    """A coach's morning agenda: the day's appointments, each a button."""
    lines = ["☀️ " + bold(t("Your appointments today:"))]
    if late:
        lines.append(italic(t("This reminder comes late: Lotse was not running when it was due.")))
    rows = []
    for item in appointments:
        line = f"{clock_time(t, item.starts_at, tz)} {item.title}"
        if item.client_code:
            line += f" ({item.client_code})"
        lines.append("– " + esc(embed(line, t.lang)))
        rows.append((Button(line, data("A", "v", str(item.id))),))
    return _reply(t, lines, tuple(rows))


def listing(t: Translator, appointments: Sequence[Appointment], tz: ZoneInfo) -> Reply:
    """The user's coming appointments as buttons (soonest first)."""
    if not appointments:
        lines = [
            esc(t("You have no coming appointments.")),
            esc(t("Create one with /appointment, for example: {example}", example=EXAMPLE)),
        ]
        return _reply(t, lines)
    lines = [
        bold(t.ngettext("{n} coming appointment:", "{n} coming appointments:", len(appointments)))
    ]
    rows = tuple(
        (
            Button(
                f"{short(t, a.starts_at, tz)} · {a.title}",
                data("A", "v", str(a.id)),
            ),
        )
        for a in appointments[:20]
    )
    return _reply(t, lines, rows)


def changed(t: Translator, appointment: Appointment, tz: ZoneInfo, viewer: int, what: str) -> Reply:
    """Tell another participant that the appointment was moved, cancelled or confirmed."""
    headings = {
        "moved": "🕑 " + t("An appointment has been moved:"),
        "cancelled": "✖ " + t("An appointment has been cancelled:"),
        "created": "📅 " + t("You have a new appointment:"),
        "unreachable": "⚠️ "
        + t("A participant can no longer be reached by Lotse (they have blocked the bot):"),
    }
    return card(t, appointment, tz, viewer, heading=headings[what], with_list=False)


def ask_new_time(t: Translator, appointment: Appointment, tz: ZoneInfo, serial: str) -> Reply:
    """Ask for the new date and time of an appointment being moved."""
    lines = [
        bold(
            t("When should “{title}” take place instead?", title=embed(appointment.title, t.lang))
        ),
        esc(t("Now: {when}", when=when(t, appointment.starts_at, tz))),
        esc(t("Type the new date and time, for example “tomorrow 14:00” or “24.11. 9:30”.")),
    ]
    return _reply(t, lines, ((Button("✖ " + t("Keep the time"), data("A", "z", serial)),),))


def really_cancel(t: Translator, appointment: Appointment, tz: ZoneInfo) -> Reply:
    """Ask before cancelling an appointment for everyone."""
    lines = [
        bold(t("Cancel “{title}” for everyone?", title=embed(appointment.title, t.lang))),
        esc(when(t, appointment.starts_at, tz)),
    ]
    rows = (
        (
            Button("✖ " + t("Yes, cancel it"), data("A", "y", str(appointment.id))),
            Button("◀ " + t("No, keep it"), data("A", "v", str(appointment.id))),
        ),
    )
    return _reply(t, lines, rows)


def usage(t: Translator, problem: str) -> Reply:
    """Say what is wrong with a one-line /appointment and how it is written."""
    lines = [
        "⚠️ " + esc(problem),
        "",
        esc(t("Write the date, the time and a title, for example:")),
        esc(EXAMPLE),
        esc("/appointment " + t("tomorrow 14:00 Jobcenter @ Room 12 #A17")),
        esc(t("“@” adds the place, “#” the client code. /appointment alone asks step by step.")),
        esc(t("“90 min” sets the length; without it an appointment lasts 60 minutes.")),
    ]
    return _reply(t, lines)


def _stop(t: Translator, serial: str) -> tuple[Button, ...]:
    return (Button("✖ " + t("Cancel"), data("A", "z", serial)),)


def ask_day(t: Translator, serial: str, today: date, note: str | None = None) -> Reply:
    """Ask the day: the next seven days as buttons, or a typed date (with a time, too)."""
    lines = [*(["⚠️ " + esc(note), ""] if note else [])]
    lines += [
        bold(t("On which day is the appointment?")),
        esc(t("Tap a day or type a date, with the time if you like: “24.11. 9:30”, “Tue 10:30”.")),
    ]
    days = [today + timedelta(days=n) for n in range(7)]
    labels = [t("Today"), t("Tomorrow")] + [
        format_date(day, "EEE d.M.", locale=t.lang) for day in days[2:]
    ]
    buttons = [
        Button(label, data("A", "d", serial, day.strftime("%Y%m%d")))
        for label, day in zip(labels, days, strict=True)
    ]
    return _reply(t, lines, (*grid(buttons, 4), _stop(t, serial)))


def ask_time(t: Translator, serial: str, day: date, note: str | None = None) -> Reply:
    """Ask the time of day: buttons from 8 to 18 o'clock, or a typed time."""
    lines = [*(["⚠️ " + esc(note), ""] if note else [])]
    lines += [
        bold(t("At what time on {day}?", day=format_date(day, format="full", locale=t.lang))),
        esc(t("Tap a time or type one, for example “9:30”.")),
    ]
    buttons = [
        Button(
            format_time(time(hour, 0), format="short", locale=t.lang),
            data("A", "t", serial, f"{hour:02d}00"),
        )
        for hour in range(8, 19)
    ]
    return _reply(t, lines, (*grid(buttons, 4), _stop(t, serial)))


def ask_title(
    t: Translator,
    serial: str,
    starts: datetime,
    tz: ZoneInfo,
    suggested: str | None,
    note: str | None = None,
) -> Reply:
    """Ask what the appointment is (its title, and optionally the place and client code)."""
    lines = [*(["⚠️ " + esc(note), ""] if note else [])]
    lines += [
        esc(when(t, starts, tz)),
        "",
        bold(t("What is the appointment? Type a short title.")),
        esc(t("“@” adds the place, “#” the client code: “Jobcenter @ Room 12 #A17”.")),
        esc(t("No names, phone numbers or e-mail addresses, please.")),
    ]
    rows: tuple[tuple[Button, ...], ...] = ()
    if suggested:
        rows = ((Button(suggested, data("A", "u", serial)),),)
    return _reply(t, lines, (*rows, _stop(t, serial)))


def not_saved(t: Translator) -> Reply:
    """Confirm that nothing was saved or changed."""
    return _reply(t, [esc(t("Nothing has been saved or changed."))])


def timed_out(t: Translator, minutes: int) -> Reply:
    """Say that an unfinished appointment ended after the timeout."""
    ended = t.ngettext(
        "Nothing has been saved because there was no answer for {n} minute.",
        "Nothing has been saved because there was no answer for {n} minutes.",
        minutes,
    )
    return _reply(t, [esc(ended)])
