"""A report as a chart (PNG, matplotlib's object API on Agg) and as a CSV file. No telegram.

The chart shows only what the CSV shows: hidden cells ("<5") are left out of stacked bars
and marked "<5" on plain bars, and no total is drawn that the CSV does not hold.

Languages: matplotlib neither shapes Arabic letters nor lays out right-to-left text, so a
chart for an admin who reads Arabic or Farsi is labelled in the bot's default language
(`chart_language`); the message around it stays in the admin's own language. Cyrillic,
Turkish and French render well with matplotlib's own font (DejaVu Sans).

The CSV is UTF-8 with a byte order mark and semicolons, so a double click opens it in a
German Excel. Its first two lines start with "#" and say, in the admin's language, what it
holds and what "<5" means (the chart's title and note: spreadsheets show them above the
table, and pandas, R and most CSV readers skip them as comments: `comment="#"`). Then one
row per (section, period, municipality, dimension, value, count): codes, not words; the
period a code ("2026-11", "2026-Q4", "2026") or a week by its first day in the month; the
count a number or "<5".
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date, format_skeleton

from bot.admin.periods import MONTH, QUARTER, Period
from bot.admin.stats import ALL, ANY, HIDDEN, TOTAL, UNKNOWN, Report
from bot.answers.stats import OUTCOMES
from bot.catalog.schema import Content
from bot.eligibility.words import RESULTS, result_text, status_name
from bot.i18n import N_, Translator, is_rtl
from bot.matching.words import language_name, type_name
from bot.referrals.words import state_name

HEADER = ("section", "period", "municipality", "dimension", "value", "count")
#: What "<5" means, under the chart and at the top of the CSV file.
NOTE = N_(
    "“<5”: fewer than 5, or hidden so that such a number cannot be worked out from the totals."
)
OUTCOME_NAMES = {
    "answered": N_("answered directly"),
    "suggested": N_("answered by a suggestion"),
    "unanswered": N_("not answered"),
}
#: Okabe–Ito colours: told apart with every kind of colour blindness.
COLOURS = ("#0072B2", "#E69F00", "#999999", "#009E73", "#D55E00", "#56B4E9", "#CC79A7")
#: At most this many bars in one panel (the CSV has them all).
MAX_BARS = 12


def chart_language(lang: str, fallback: str) -> str:
    """Return the language to label a chart in: lang, unless it is written right to left."""
    if not is_rtl(lang):
        return lang
    return fallback if not is_rtl(fallback) else "en"


@dataclass(frozen=True)
class Names:
    """The names of municipalities and programs in the chart's language."""

    municipalities: Mapping[str, str]
    programs: Mapping[str, str]

    @classmethod
    def of(cls, content: Content, lang: str) -> Names:
        towns = {m.id: m.name for m in content.municipalities.values()}
        programs = {p.id: p.text(lang).get("title", p.id) for p in content.programs.values()}
        return cls(towns, programs)


def _comment(text: str) -> str:
    """Return text as one comment line of the CSV: no field separator, quote or line break."""
    return "# " + " ".join(text.replace(";", ",").replace('"', "'").split())


def csv_bytes(report: Report, t: Translator, names: Names) -> bytes:
    """Return the report as CSV: UTF-8 with a byte order mark, two "#" lines, semicolons, CRLF."""
    buffer = io.StringIO()
    buffer.write(_comment(title(t, report, names)) + "\r\n")
    buffer.write(_comment(t(NOTE)) + "\r\n")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(report.rows())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def place_name(t: Translator, scope: frozenset[str] | None, names: Names) -> str:
    """Say whose numbers these are: all of NRW, or the municipalities in scope."""
    if scope is None:
        return t("all of North Rhine-Westphalia")
    towns = sorted(_town(t, names, m) for m in scope)
    if len(towns) <= 3:
        return t.join_and(towns)
    return t.ngettext("{n} municipality", "{n} municipalities", len(towns))


def day_text(t: Translator, day: date) -> str:
    """Write a day as the reader's language does (medium length: "23.11.2026")."""
    return format_date(day, format="medium", locale=t.lang)


def period_name(t: Translator, period: Period) -> str:
    """Name a period as the reader's language does: "November 2026", "4th quarter 2026"."""
    skeleton = {MONTH: "yMMMM", QUARTER: "yQQQQ"}.get(period.kind, "y")
    return format_skeleton(skeleton, period.start, locale=t.lang)


def title(t: Translator, report: Report, names: Names) -> str:
    """Say whose numbers of which period these are."""
    return t(
        "Lotse statistics for {place}, {start} to {end}",
        place=place_name(t, report.scope, names),
        start=day_text(t, report.period.start),
        end=day_text(t, report.period.end),
    )


def _plain(text: str) -> str:
    """Keep a name from being read as matplotlib's math ("$...$")."""
    return text.replace("$", r"\$")


def _town(t: Translator, names: Names, municipality: str) -> str:
    if municipality == UNKNOWN:
        return t("municipality not known")
    return names.municipalities.get(municipality, municipality)


def _kind(t: Translator, offer_type: str) -> str:
    return t("any type") if offer_type == ANY else type_name(t, offer_type)


def _status(t: Translator, status: str) -> str:
    return t("status not known") if status == UNKNOWN else status_name(t, status)


def _title(ax: Any, title: str) -> None:
    ax.set_title(textwrap.fill(title, 38), loc="left", fontsize=11, fontweight="bold")


def _empty(ax: Any, t: Translator) -> None:
    ax.text(0.5, 0.5, t("No numbers in this period."), ha="center", va="center", color="#666")
    ax.set_axis_off()


def _bars(ax: Any, t: Translator, title: str, items: list[tuple[str, int | None]]) -> None:
    """Draw horizontal bars, biggest first; hidden ones get "<5" and no bar."""
    _title(ax, title)
    if not items:
        return _empty(ax, t)
    items = sorted(items, key=lambda item: (item[1] is None, -(item[1] or 0), item[0]))
    more = len(items) - MAX_BARS
    items = items[:MAX_BARS]
    rows = range(len(items))
    ax.barh(rows, [count or 0 for _, count in items], color=COLOURS[0])
    ax.set_yticks(rows, [label for label, _ in items])
    ax.invert_yaxis()
    for row, (_, count) in enumerate(items):
        ax.annotate(
            f" {HIDDEN if count is None else count}",
            (count or 0, row),
            va="center",
            fontsize=9,
            color="#666" if count is None else "#000",
        )
    if any(count for _, count in items):
        ax.margins(x=0.15)
        ax.locator_params(axis="x", nbins=5)
    else:  # every bar hidden: no scale to read
        ax.set_xlim(0, 1)
        ax.set_xticks([])
    if more > 0:
        ax.set_xlabel(t.ngettext("{n} more in the CSV file", "{n} more in the CSV file", more))


def _stacked(
    ax: Any,
    t: Translator,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[int | None]]],
    horizontal: bool = False,
) -> None:
    """Draw stacked bars (one per label) of several series; hidden parts are left out."""
    _title(ax, title)
    if not labels:
        return _empty(ax, t)
    base = [0] * len(labels)
    positions = list(range(len(labels)))
    for (name, values), colour in zip(series, COLOURS, strict=False):
        heights = [value or 0 for value in values]
        if horizontal:
            bars = ax.barh(positions, heights, left=base, label=name, color=colour)
            numbers = [str(value) if value else "" for value in values]
            ax.bar_label(bars, numbers, label_type="center", fontsize=8, color="white")
        else:
            ax.bar(positions, heights, bottom=base, label=name, color=colour)
        base = [b + h for b, h in zip(base, heights, strict=True)]
    if horizontal:  # half a row wide: the legend goes under the bars, not beside the title
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        return
    ax.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1, 1), ncols=3, frameon=False)
    step = max(1, len(labels) // 12)
    ax.set_xticks(positions[::step], labels[::step], rotation=45, ha="right", fontsize=8)


def _over_time(ax: Any, t: Translator, report: Report) -> None:
    """Draw the questions of each week (of a month) or month, stacked by outcome."""
    parts = report.parts
    by_part = [report.values("questions", "outcome", part) for part in parts]
    series = [(t(OUTCOME_NAMES[o]), [part.get(o, 0) for part in by_part]) for o in OUTCOMES]
    labels: list[str] = []
    if report.values("questions", TOTAL):
        if report.period.kind == MONTH:
            labels = [day_text(t, date.fromisoformat(part)) for part in parts]
        else:
            labels = [
                format_skeleton("MMM", span.start, locale=t.lang) for span in report.period.months()
            ]
    heading = t("Questions per week") if report.period.kind == MONTH else t("Questions per month")
    _stacked(ax, t, heading, labels, series)


def _checks(ax: Any, t: Translator, report: Report, names: Names) -> None:
    """Draw the results of the checks, one bar per program."""
    programs = report.dimensions("checks")
    counts = {p: report.values("checks", p) for p in programs}
    series = [(result_text(t, r), [counts[p].get(r, 0) for p in programs]) for r in RESULTS]
    labels = [_plain(textwrap.fill(names.programs.get(p, p), 24)) for p in programs]
    _stacked(ax, t, t("Eligibility checks by result"), labels, series, horizontal=True)


def _gaps_by_town(ax: Any, t: Translator, report: Report, names: Names) -> None:
    """Draw the searches that found nothing in each municipality (superadmins: NRW)."""
    code = report.period.code
    items = [
        (_plain(_town(t, names, m)), report.value(("gaps", code, m, TOTAL, ALL)))
        for m in report.municipalities
        if ("gaps", code, m, TOTAL, ALL) in report.counts
    ]
    _bars(ax, t, t("Searches that found nothing, by municipality"), items)


def chart_png(report: Report, t: Translator, names: Names) -> bytes:
    """Return the report as a PNG chart labelled through t (see chart_language)."""
    from matplotlib.figure import Figure  # imported late: it takes a second, and is rarely used

    figure = Figure(figsize=(12, 19), dpi=100, layout="constrained")
    grid = figure.add_gridspec(5, 2, height_ratios=(1.2, 1, 1, 1, 1))
    figure.suptitle(_plain(title(t, report, names)), fontsize=14, fontweight="bold")
    _over_time(figure.add_subplot(grid[0, :]), t, report)
    panels: list[tuple[str, str, str, Callable[[str], str]]] = [
        ("questions", "language", t("Questions by language"), lambda c: language_name(t, c)),
        ("searches", "offer_type", t("Searches for offers by type"), lambda k: _kind(t, k)),
        ("gaps", "offer_type", t("Searches that found nothing, by type"), lambda k: _kind(t, k)),
        ("referrals", "offer_type", t("Referrals by offer type"), lambda k: _kind(t, k)),
        ("referrals", "state", t("Referrals by state"), lambda s: state_name(t, s)),
        (
            "gaps",
            "status",
            t("Searches that found nothing, by residence status"),
            lambda s: _status(t, s),
        ),
    ]
    cells = [grid[1, 0], grid[2, 0], grid[2, 1], grid[3, 0], grid[3, 1], grid[4, 0]]
    for (section, dimension, heading, name), cell in zip(panels, cells, strict=True):
        items = [(name(v), n) for v, n in report.values(section, dimension).items()]
        _bars(figure.add_subplot(cell), t, heading, items)
    _checks(figure.add_subplot(grid[1, 1]), t, report, names)
    if report.place == ALL:
        _gaps_by_town(figure.add_subplot(grid[4, 1]), t, report, names)
    figure.supxlabel(t(NOTE), fontsize=9, color="#444")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
