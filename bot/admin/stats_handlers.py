"""Telegram handlers for /stats: pick a period, get a chart (PNG) and the numbers (CSV).

`/stats` offers the periods as buttons; `/stats Köln`, `/stats 2026-01-01 2026-03-31` and
`/stats koeln 2026-01-01 2026-03-31` name a municipality or type the period. An admin sees
the municipalities they administer, a superadmin all of NRW. The command and every button
go through `admin_only` (the role read afresh on each use), and a municipality named in
either must be one the admin administers; otherwise only the refusal is sent.
Callback data: `Z:<period>` or `Z:<period>:<municipality token>`.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.admin.chart import Names, chart_language, chart_png, csv_bytes, day_text, place_name
from bot.admin.guard import admin_only, refuse
from bot.admin.stats import PERIODS, Period, PeriodError, parse_period, period, report
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
PERIOD_LABELS = {
    "4w": N_("Last 4 weeks"),
    "3m": N_("Last 3 months"),
    "12m": N_("Last 12 months"),
    "year": N_("This year"),
}
PERIOD_ERRORS = {
    "format": N_("Please type the period as two dates, for example {example}."),
    "order": N_("The period ends before it starts."),
    "long": N_("A period can be at most three years long."),
}
NOT_YOURS = N_("You can only see the statistics of the municipalities you administer.")
EXAMPLE = "/stats 2026-01-01 2026-03-31"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Stands for a scope the admin may not see.
REFUSED = frozenset({""})
Scope = frozenset[str] | None


def _today(context: LotseContext) -> date:
    services = context.services
    return services.clock.now().astimezone(services.settings.tz).date()


def _say(t: Translator, text: str) -> Reply:
    return Reply(directed(esc(text), t.lang))


def _example(t: Translator) -> str:
    return embed(EXAMPLE, t.lang)  # a command keeps left to right inside Arabic or Farsi


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


def _choice(context: LotseContext, scope: Scope, municipality: str | None) -> Reply:
    """Ask which period; the buttons carry the municipality asked for, if any."""
    t = context.t
    extra = (token(municipality),) if municipality else ()
    buttons = [Button(t(PERIOD_LABELS[code]), data("Z", code, *extra)) for code in PERIODS]
    place = place_name(t, scope, Names.of(context.services.content, t.lang))
    ask = t("Which period should the statistics for {place} cover?", place=place)
    typed = t("You can also type a period, for example {example}.", example=_example(t))
    return Reply(directed(f"{esc(ask)}\n{esc(typed)}", t.lang), grid(buttons, 2))


def _files(services: Services, lang: str, span: Period, scope: Scope) -> tuple[bytes, bytes] | None:
    """Count, hide small numbers, draw the chart and write the CSV (None: nothing counted)."""
    with services.db.session() as session:
        built = report(session, span, scope, services.settings.tz)
    if not built.counts:
        return None
    return chart_png(built, translator(lang), Names.of(services.content, lang)), csv_bytes(built)


async def _send(update: Update, context: LotseContext, span: Period, scope: Scope) -> None:
    """Send the chart and the CSV of the period, or say that nothing was counted."""
    t, chat = context.t, update.effective_chat
    assert chat is not None
    services = context.services
    lang = chart_language(t.lang, services.settings.default_language)
    files = await asyncio.to_thread(_files, services, lang, span, scope)  # up to a second or two
    place = place_name(t, scope, Names.of(services.content, t.lang))
    when = {"place": place, "start": day_text(t, span.start), "end": day_text(t, span.end)}
    if files is None:
        nothing = t("Nothing was counted for {place} from {start} to {end}.", **when)
        await answer(update, _say(t, nothing))
        return
    png, table = files
    caption = " ".join(
        (
            t("Statistics for {place} from {start} to {end}.", **when),
            t("Numbers under 5 are hidden, and so are a few others that would give them away."),
        )
    )
    await context.bot.send_photo(chat.id, png, caption=directed(caption, t.lang))
    name = f"lotse-stats-{span.start.isoformat()}-{span.end.isoformat()}.csv"
    note = directed(t("The numbers as a CSV file, for Excel and other spreadsheets."), t.lang)
    await context.bot.send_document(chat.id, InputFile(table, filename=name), caption=note)


@admin_only
async def stats(update: Update, context: LotseContext) -> None:
    """Offer the periods, or send the statistics of a typed period right away."""
    t, words = context.t, context.args or []
    dates = [word for word in words if _DATE.match(word)]
    typed = " ".join(word for word in words if not _DATE.match(word))
    municipality = _municipality(context, typed) if typed else None
    if typed and municipality is None:
        unknown = t("I do not know the municipality '{municipality}'.", municipality=typed)
        await answer(update, _say(t, unknown))
        return
    scope = _scope(context, municipality)
    if scope is REFUSED:
        await refuse(update, context, t(NOT_YOURS))
        return
    if not dates:
        await answer(update, _choice(context, scope, municipality))
        return
    try:
        span = parse_period(" ".join(dates), _today(context))
    except PeriodError as error:
        await answer(update, _say(t, t(PERIOD_ERRORS[error.code], example=_example(t))))
        return
    await _send(update, context, span, scope)


@admin_only
async def pressed(update: Update, context: LotseContext) -> None:
    """Send the statistics of the period pressed (the municipality is checked again)."""
    code, value = context.matches[0].group(1, 2) if context.matches else ("", None)
    municipality = resolve(value, context.services.content.municipalities) if value else None
    if code not in PERIODS or (value and municipality is None):  # a municipality gone since
        await stale_button(update, context)
        return
    scope = _scope(context, municipality)
    if scope is REFUSED:
        await refuse(update, context, context.t(NOT_YOURS))
        return
    await update.callback_query.answer()
    await _send(update, context, period(code, _today(context)), scope)


def register(app: Application) -> None:
    """Add /stats and its period buttons."""
    app.add_handler(CommandHandler("stats", stats, filters=filters.ChatType.PRIVATE))
    pattern = re.compile(rf"^Z:({'|'.join(PERIODS)})(?::({TOKEN}))?$")
    app.add_handler(CallbackQueryHandler(pressed, pattern=pattern))
