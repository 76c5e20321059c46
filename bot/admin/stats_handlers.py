"""Telegram handlers for /stats: pick a period, get a chart (PNG) and the numbers (CSV).

`/stats` offers the last month, quarter and year that have ended as buttons; `/stats Köln`,
`/stats 2026-10`, `/stats 2026-Q3`, `/stats 2025`, `/stats 2026-01-01 2026-03-31` and
`/stats koeln 2026-Q3` name a municipality or type the period. Typed days are snapped to the
month, quarter or year that holds them, and the admin is told (why: bot/admin/periods.py).
An admin sees the municipalities they administer, a superadmin all of NRW. The command and
every button go through `admin_only` (the role read afresh on each use), and a municipality
named in either must be one the admin administers; otherwise only the refusal is sent.

Everything heavy (the queries, the hiding, the chart, the CSV) runs in a worker thread, so
other chats are answered meanwhile.
Callback data: `Z:<period>` or `Z:<period>:<municipality token>`, the period a code
("2026-10", "2026-Q3", "2025") or one of the buttons before periods were fixed (4w, 3m, 12m:
the last month, quarter, year; year: this year, which has not ended).
"""

from __future__ import annotations

import asyncio
import re
from datetime import date

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.admin.chart import (
    Names,
    chart_language,
    chart_png,
    csv_bytes,
    day_text,
    period_name,
    place_name,
)
from bot.admin.guard import admin_only, refuse
from bot.admin.periods import (
    KINDS,
    OLD_CODES,
    QUARTER,
    Asked,
    Period,
    PeriodError,
    is_period_word,
    last,
    of_code,
    parse,
    year,
)
from bot.admin.stats import report
from bot.chat.context import LotseContext
from bot.chat.errors import stale_button
from bot.chat.keyboards import TOKEN, data, grid, resolve, token
from bot.chat.render import Button, Reply, directed, embed, esc
from bot.chat.send import answer
from bot.i18n import N_, Translator, translator
from bot.services import Services

COMMANDS: tuple[tuple[str, str], ...] = ()
#: In an admin's own menu only.
ADMIN_COMMANDS = (("stats", N_("Statistics for your municipality")),)
WHY = N_(
    "Statistics cover whole months, quarters and years that have ended, so that comparing "
    "two periods cannot give a small number away."
)
TYPE = N_("Please type a month, a quarter or a year, for example {example}.")
PERIOD_ERRORS = {
    "format": TYPE,
    "order": N_("The period ends before it starts."),
    "long": N_("A period must lie within one calendar year."),
}
NOT_YOURS = N_("You can only see the statistics of the municipalities you administer.")
_PERIOD = r"\d{4}(?:-(?:0[1-9]|1[0-2])|-Q[1-4])?|4w|3m|12m|year"
#: Stands for a scope the admin may not see.
REFUSED = frozenset({""})
Scope = frozenset[str] | None


def _today(context: LotseContext) -> date:
    services = context.services
    return services.clock.now().astimezone(services.settings.tz).date()


def _say(t: Translator, text: str, rows: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    return Reply(directed(esc(text), t.lang), rows)


def _command(t: Translator, period: Period) -> str:
    return embed(f"/stats {period.code}", t.lang)  # a command keeps left to right in Arabic


def _municipality(context: LotseContext, text: str) -> str | None:
    """Return the id of the municipality typed (its id or its name), or None."""
    wanted = " ".join(text.split()).casefold()
    for town in context.services.content.municipalities.values():
        if wanted in (town.id, town.name.casefold()):
            return town.id
    return None


def _scope(context: LotseContext, municipality: str | None) -> Scope:
    """Return the municipalities to count (None: all of NRW), or REFUSED."""
    profile = context.profile
    if municipality is None:
        return profile.managed
    return frozenset({municipality}) if profile.manages(municipality) else REFUSED


def _place(context: LotseContext, scope: Scope) -> str:
    t = context.t
    return place_name(t, scope, Names.of(context.services.content, t.lang))


def _buttons(context: LotseContext, municipality: str | None) -> tuple[tuple[Button, ...], ...]:
    """The last month, quarter and year that have ended; they carry the municipality, if any."""
    t, today = context.t, _today(context)
    extra = (token(municipality),) if municipality else ()
    spans = [last(kind, today) for kind in KINDS]
    return grid([Button(period_name(t, s), data("Z", s.code, *extra)) for s in spans], 1)


def _choice(context: LotseContext, scope: Scope, municipality: str | None) -> Reply:
    """Ask which period."""
    t, today = context.t, _today(context)
    ask = t("Which period should the statistics for {place} cover?", place=_place(context, scope))
    month, quarter, whole = (last(kind, today) for kind in KINDS)
    typed = t(
        "You can also type a month, a quarter or a year, for example {month}, {quarter} or {year}.",
        month=_command(t, month),
        quarter=_command(t, quarter),
        year=_command(t, whole),
    )
    text = "\n".join((esc(ask), esc(typed), esc(t(WHY))))
    return Reply(directed(text, t.lang), _buttons(context, municipality))


def _not_over(context: LotseContext, period: Period, municipality: str | None) -> Reply:
    """Say that the period has not ended, why that matters, and offer those that have."""
    t = context.t
    text = " ".join((t("{period} is not over yet.", period=period_name(t, period)), t(WHY)))
    return _say(t, text, _buttons(context, municipality))


def _files(
    services: Services, lang: str, chart_lang: str, span: Period, scope: Scope
) -> tuple[bytes, bytes] | None:
    """Count, hide small numbers, draw the chart and write the CSV (None: nothing counted).

    Runs in a worker thread: the event loop only waits for it.
    """
    with services.db.session() as session:
        built = report(session, span, scope, services.settings.tz)
    if not built.counts:
        return None
    content = services.content
    png = chart_png(built, translator(chart_lang), Names.of(content, chart_lang))
    return png, csv_bytes(built, translator(lang), Names.of(content, lang))


async def _send(update: Update, context: LotseContext, asked: Asked, scope: Scope) -> None:
    """Send the chart and the CSV of the period, or say that nothing was counted."""
    t, chat, span = context.t, update.effective_chat, asked.period
    assert chat is not None
    services = context.services
    lang = chart_language(t.lang, services.settings.default_language)
    files = await asyncio.to_thread(_files, services, t.lang, lang, span, scope)
    when = {"place": _place(context, scope), "start": day_text(t, span.start)}
    when["end"] = day_text(t, span.end)
    snapped = ""
    if asked.typed is not None:
        start, end = (day_text(t, day) for day in asked.typed)
        snapped = t(
            "You asked for {start} to {end}; these are the numbers of {period}, which holds "
            "those days.",
            start=start,
            end=end,
            period=period_name(t, span),
        )
        snapped = f"{snapped} {t(WHY)}"
    if files is None:
        nothing = t("Nothing was counted for {place} from {start} to {end}.", **when)
        await answer(update, _say(t, f"{snapped} {nothing}".strip()))
        return
    png, table = files
    caption = " ".join(
        part
        for part in (
            t("Statistics for {place} from {start} to {end}.", **when),
            t("Numbers under 5 are hidden, and so are a few others that would give them away."),
            snapped,
        )
        if part
    )
    await context.bot.send_photo(chat.id, png, caption=directed(caption, t.lang))
    name = f"lotse-stats-{span.code}.csv"
    note = directed(t("The numbers as a CSV file, for Excel and other spreadsheets."), t.lang)
    await context.bot.send_document(chat.id, InputFile(table, filename=name), caption=note)


async def _period(
    update: Update, context: LotseContext, text: str, scope: Scope, municipality: str | None
) -> None:
    """Send the statistics of a typed period, or say why it cannot be used."""
    t = context.t
    try:
        asked = parse(text, _today(context))
    except PeriodError as error:
        if error.period is not None:  # not over yet
            await answer(update, _not_over(context, error.period, municipality))
            return
        example = _command(t, last(QUARTER, _today(context)))
        message = t(PERIOD_ERRORS[error.code], example=example)
        if error.code != "format":
            message = f"{message} {t(TYPE, example=example)}"
        await answer(update, _say(t, message))
        return
    await _send(update, context, asked, scope)


@admin_only
async def stats(update: Update, context: LotseContext) -> None:
    """Offer the periods, or send the statistics of a typed period right away."""
    t, words = context.t, context.args or []
    period = [word for word in words if is_period_word(word)]
    typed = " ".join(word for word in words if not is_period_word(word))
    municipality = _municipality(context, typed) if typed else None
    if typed and municipality is None:
        unknown = t("I do not know the municipality '{municipality}'.", municipality=typed)
        await answer(update, _say(t, unknown))
        return
    scope = _scope(context, municipality)
    if scope is REFUSED:
        await refuse(update, context, t(NOT_YOURS))
        return
    if not period:
        await answer(update, _choice(context, scope, municipality))
        return
    await _period(update, context, " ".join(period), scope, municipality)


def _pressed_period(code: str, today: date) -> Period | None:
    """Return the period a button stands for (old buttons too), or None."""
    if code in OLD_CODES:
        return last(OLD_CODES[code], today)
    return year(today.year) if code == "year" else of_code(code)


@admin_only
async def pressed(update: Update, context: LotseContext) -> None:
    """Send the statistics of the period pressed (the municipality is checked again)."""
    code, value = context.matches[0].group(1, 2) if context.matches else ("", None)
    municipality = resolve(value, context.services.content.municipalities) if value else None
    span = _pressed_period(code, _today(context))
    if span is None or (value and municipality is None):  # a municipality gone since
        await stale_button(update, context)
        return
    scope = _scope(context, municipality)
    if scope is REFUSED:
        await refuse(update, context, context.t(NOT_YOURS))
        return
    await update.callback_query.answer()
    if not span.ended(_today(context)):
        await answer(update, _not_over(context, span, municipality))
        return
    await _send(update, context, Asked(span), scope)


def register(app: Application) -> None:
    """Add /stats and its period buttons."""
    app.add_handler(CommandHandler("stats", stats, filters=filters.ChatType.PRIVATE))
    pattern = re.compile(rf"^Z:({_PERIOD})(?::({TOKEN}))?$")
    app.add_handler(CallbackQueryHandler(pressed, pattern=pattern))
