"""Statistics for admins: the period, the counts in an admin's scope, small numbers hidden.

Only anonymous data feed this: the daily counts of questions, checks, searches and searches
that found nothing, and the offer type, state, municipality and day of referrals (never
their client code, note, advisor or coach). No telegram import.

A report is a cube of cells (section, week, municipality, dimension, value) -> count: the
weeks (by their Monday; the first and last may be cut by the period) and the whole period
(week "all"); the municipalities and, when there are several, all of them (municipality
"all"); per section, its dimensions (questions: outcome and language; checks: one per
program, by result; searches: offer type; referrals: offer type and state; searches that
found nothing: offer type and residence status) and, except for checks, "total". Cells
with no count are left out; municipality "unknown" holds what was counted without one.

Small numbers: no count under 5 is shown, and no total lets one be worked out; see
bot/admin/suppression.py for how (complementary suppression) and its limits. Every hidden
cell reads "<5", those hidden to protect others as well, so the two cannot be told apart.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from bot.admin.suppression import ALL, TOTAL, Key, suppress
from bot.db.models import CheckStat, OfferMiss, QuestionStat, Referral, SearchStat

HIDDEN = "<5"
UNKNOWN, ANY = "unknown", "any"
SECTIONS = ("questions", "checks", "searches", "referrals", "gaps")
#: The periods on the buttons, by code; a typed period may span at most MAX_DAYS.
PERIODS = ("4w", "3m", "12m", "year")
MAX_DAYS = 3 * 366


class PeriodError(ValueError):
    """A typed period that cannot be used: format, order, span."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Period:
    """The days from start to end (both included)."""

    start: date
    end: date

    def weeks(self) -> list[date]:
        """Return the Monday of every week the period touches."""
        first = monday(self.start)
        return [first + timedelta(weeks=n) for n in range((monday(self.end) - first).days // 7 + 1)]


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _months_back(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def period(code: str, today: date) -> Period:
    """Return the period a button stands for: 4w, 3m, 12m (up to today) or year (this year)."""
    if code == "4w":
        return Period(monday(today) - timedelta(weeks=3), today)
    if code in ("3m", "12m"):
        return Period(_months_back(today, int(code[:-1])) + timedelta(days=1), today)
    if code == "year":
        return Period(date(today.year, 1, 1), today)
    raise PeriodError("unknown")


_TYPED = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|-|\s)\s*(\d{4}-\d{2}-\d{2})\s*$")


def parse_period(text: str, today: date) -> Period:
    """Read a typed period like "2026-01-01 2026-03-31"; the end is cut at today."""
    found = _TYPED.match(text)
    if found is None:
        raise PeriodError("format")
    try:
        start, end = (date.fromisoformat(part) for part in found.groups())
    except ValueError:
        raise PeriodError("format") from None
    end = min(end, today)
    if start > end:
        raise PeriodError("order")
    if (end - start).days > MAX_DAYS:
        raise PeriodError("long")
    return Period(start, end)


@dataclass(frozen=True)
class Report:
    """The counts of one period in a scope (None: all of NRW); `hidden` are shown as "<5".

    `municipalities` are those with counts in the period ("unknown" for none known).
    """

    period: Period
    scope: frozenset[str] | None
    counts: Mapping[Key, int]
    hidden: frozenset[Key]
    municipalities: tuple[str, ...]

    @property
    def place(self) -> str:
        """The municipality the scope-wide numbers are under: "all", or the only one."""
        return ALL if len(self.municipalities) != 1 else self.municipalities[0]

    @property
    def weeks(self) -> list[str]:
        return [day.isoformat() for day in self.period.weeks()]

    @cached_property
    def _slices(self) -> dict[tuple[str, str, str, str], list[Key]]:
        slices: dict[tuple[str, str, str, str], list[Key]] = defaultdict(list)
        for key in self.counts:
            slices[key[:4]].append(key)
        return slices

    def value(self, key: Key) -> int | None:
        """Return a cell's count (0 when there is none), None when it is hidden."""
        return None if key in self.hidden else self.counts.get(key, 0)

    def values(
        self, section: str, dimension: str, week: str = ALL, place: str | None = None
    ) -> dict[str, int | None]:
        """Return the counts of one dimension by value (None: hidden), scope-wide by default."""
        keys = self._slices.get((section, week, place or self.place, dimension), [])
        return {key[4]: self.value(key) for key in sorted(keys)}

    def dimensions(self, section: str) -> list[str]:
        return sorted({key[3] for key in self._slices if key[0] == section})

    def rows(self) -> Iterator[tuple[str, str, str, str, str, str]]:
        """Yield (section, week, municipality, dimension, value, count or "<5") in order."""
        order = {name: n for n, name in enumerate(SECTIONS)}
        for key in sorted(self.counts, key=lambda k: (order[k[0]], k[1], k[2] != ALL, k[2:])):
            yield (*key, HIDDEN if key in self.hidden else str(self.counts[key]))


def _town(municipality: str | None) -> str:
    return municipality if municipality is not None else UNKNOWN


Counted = type[QuestionStat] | type[CheckStat] | type[SearchStat] | type[OfferMiss]
Values = tuple[tuple[str, str], ...]  # (dimension, value) pairs
#: (section, week's Monday, municipality, values, count)
Fact = tuple[str, str, str | None, Values, int]


def _week(session: Session, day: Any) -> Any:
    """The SQL for the Monday of a day's week (PostgreSQL's and ISO's weeks start then)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("week", day), Date)
    return func.date(day, "-6 days", "weekday 1")


def _counted(
    session: Session, model: Counted, span: Period, scope: frozenset[str] | None, *columns: Any
) -> Iterator[Any]:
    """Yield (week, municipality, *columns, count) of a counting table in the period."""
    week = _week(session, model.day)
    query = select(week, model.municipality, *columns, func.sum(model.count))
    query = query.where(model.day >= span.start, model.day <= span.end)
    if scope is not None:
        query = query.where(model.municipality.in_(sorted(scope)))
    for monday_, *rest in session.execute(query.group_by(week, model.municipality, *columns)):
        yield str(monday_), *rest


def _facts(
    session: Session, span: Period, scope: frozenset[str] | None, tz: ZoneInfo
) -> Iterator[Fact]:
    """Yield (section, week, municipality, dimension values, count) of everything counted."""
    q, c, s, m = QuestionStat, CheckStat, SearchStat, OfferMiss
    for week, town, outcome, lang, n in _counted(session, q, span, scope, q.outcome, q.lang):
        yield "questions", week, town, ((TOTAL, ALL), ("outcome", outcome), ("language", lang)), n
    for week, town, program, result, n in _counted(session, c, span, scope, c.program, c.result):
        yield "checks", week, town, ((program, result),), n
    for week, town, kind, n in _counted(session, s, span, scope, s.offer_type):
        yield "searches", week, town, ((TOTAL, ALL), ("offer_type", kind or ANY)), n
    for week, town, kind, status, n in _counted(session, m, span, scope, m.offer_type, m.status):
        values = ((TOTAL, ALL), ("offer_type", kind or ANY), ("status", status or UNKNOWN))
        yield "gaps", week, town, values, n
    start = datetime.combine(span.start, time(), tz)
    end = datetime.combine(span.end + timedelta(days=1), time(), tz)
    r = Referral
    query = select(r.created_at, r.municipality, r.offer_type, r.state)
    query = query.where(r.created_at >= start, r.created_at < end)
    if scope is not None:
        query = query.where(r.municipality.in_(sorted(scope)))
    for created, town, kind, state in session.execute(query):  # few: counted here, by local day
        values = ((TOTAL, ALL), ("offer_type", kind), ("state", state))
        yield "referrals", monday(created.astimezone(tz).date()).isoformat(), town, values, 1


def report(
    session: Session,
    span: Period,
    scope: frozenset[str] | None,
    tz: ZoneInfo,
) -> Report:
    """Count everything in the period for the municipalities in scope (None: all of NRW)."""
    weekly: dict[tuple[str, str, str, Values], int] = defaultdict(int)
    for section, week, town, values, count in _facts(session, span, scope, tz):
        weekly[section, week, _town(town), values] += count
    counts: dict[Key, int] = defaultdict(int)
    for (section, week, place, values), count in weekly.items():
        for dimension, value in values:
            counts[section, week, place, dimension, value] += count
            counts[section, ALL, place, dimension, value] += count
    towns = {key[2] for key in weekly}
    if len(towns) > 1:
        for (section, week, _, dimension, value), count in list(counts.items()):
            counts[section, week, ALL, dimension, value] += count
    counts = {key: count for key, count in counts.items() if count > 0}
    return Report(span, scope, counts, suppress(counts), tuple(sorted(towns)))
