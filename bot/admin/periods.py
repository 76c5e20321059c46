"""The periods /stats reports on: calendar months, quarters and years that have ended.

Why only these: two periods that differ by one day differ by that day's counts, so a count
hidden as "<5" in one report could be read off the difference of two others (1–30 November
minus 1–29 November). Calendar months, quarters and years never overlap but by nesting (a
month lies in one quarter, a quarter in one year), and a period is reported only once it has
ended, so the same period gives the same numbers on every day. The hiding decides a
period's numbers after those of the periods inside it, and only adds to them (see
bot/admin/stats.py), so no difference of two reports gives a small count away either.

A typed period is snapped to the smallest month, quarter or year that holds it (the
admin is told); one reaching into a second year, or not over yet, is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTH, QUARTER, YEAR = "month", "quarter", "year"
#: The periods on the buttons: the last month, quarter and year that have ended.
KINDS = (MONTH, QUARTER, YEAR)
#: The callback codes of the buttons before periods were fixed, and what they stand for now.
OLD_CODES = {"4w": MONTH, "3m": QUARTER, "12m": YEAR}
_CODE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-[Qq]([1-4]))?$")
_WORD = re.compile(r"^[\dQq.–-]+$")  # digits and what joins them: never a municipality
_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|–|-)\s*|\s+)(\d{4}-\d{2}-\d{2})\s*$")


class PeriodError(ValueError):
    """A typed period that cannot be used: format, order, long (two years), open (not over)."""

    def __init__(self, code: str, period: Period | None = None):
        super().__init__(code)
        self.code = code
        self.period = period


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year: the days from start to end (both included)."""

    kind: str
    start: date
    end: date

    @property
    def code(self) -> str:
        """Return "2026-11", "2026-Q4" or "2026"."""
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        return str(self.start.year)

    def ended(self, today: date) -> bool:
        return self.end < today

    def months(self) -> list[Period]:
        """Return the months of the period, in order."""
        first = self.start.month
        return [month(self.start.year, n) for n in range(first, self.end.month + 1)]

    def quarters(self) -> list[Period]:
        """Return the quarters of the period (none for a month)."""
        if self.kind == MONTH:
            return []
        first = (self.start.month + 2) // 3
        return [quarter(self.start.year, n) for n in range(first, (self.end.month + 2) // 3 + 1)]

    def weeks(self) -> list[date]:
        """Return the first day of every week part of a month: its first day, then Mondays."""
        days = (self.end - self.start).days + 1
        mondays = (self.start + timedelta(days=n) for n in range(1, days))
        return [self.start, *(day for day in mondays if day.weekday() == 0)]


def month(year_: int, number: int) -> Period:
    start = date(year_, number, 1)
    end = date(year_ + number // 12, number % 12 + 1, 1) - timedelta(days=1)
    return Period(MONTH, start, end)


def quarter(year_: int, number: int) -> Period:
    first, last = month(year_, 3 * number - 2), month(year_, 3 * number)
    return Period(QUARTER, first.start, last.end)


def year(number: int) -> Period:
    return Period(YEAR, date(number, 1, 1), date(number, 12, 31))


def of_code(code: str) -> Period | None:
    """Return the period of a code ("2026-11", "2026-Q4", "2026"), or None."""
    found = _CODE.match(code.strip())
    if found is None or not 2000 <= int(found.group(1)) <= 9999:
        return None
    number, in_month, in_quarter = found.groups()
    if in_month:
        return month(int(number), int(in_month))
    if in_quarter:
        return quarter(int(number), int(in_quarter))
    return year(int(number))


def holding(start: date, end: date) -> Period:
    """Return the smallest month, quarter or year that holds the days from start to end."""
    if start > end:
        raise PeriodError("order")
    if start.year != end.year:
        raise PeriodError("long")
    if start.month == end.month:
        return month(start.year, start.month)
    if (start.month - 1) // 3 == (end.month - 1) // 3:
        return quarter(start.year, (start.month + 2) // 3)
    return year(start.year)


def _around(kind: str, day: date) -> Period:
    """Return the month, quarter or year day lies in."""
    if kind == MONTH:
        return month(day.year, day.month)
    if kind == QUARTER:
        return quarter(day.year, (day.month + 2) // 3)
    return year(day.year)


def last(kind: str, today: date) -> Period:
    """Return the last month, quarter or year that ended before today."""
    span = _around(kind, today)
    return _around(kind, span.start - timedelta(days=1))


@dataclass(frozen=True)
class Asked:
    """The period to report on, and the days typed when they were snapped to it."""

    period: Period
    typed: tuple[date, date] | None = None


def is_period_word(word: str) -> bool:
    """Tell whether a word of /stats is (part of) a period rather than a municipality."""
    return bool(_WORD.match(word))


def parse(text: str, today: date) -> Asked:
    """Read a typed period: a code ("2026-11", "2026-Q4", "2026") or one or two days."""
    period = of_code(text)
    if period is None:
        found = _RANGE.match(text) or re.match(r"^\s*(\d{4}-\d{2}-\d{2})()\s*$", text)
        if found is None:
            raise PeriodError("format")
        try:
            start = date.fromisoformat(found.group(1))
            end = date.fromisoformat(found.group(2) or found.group(1))
        except ValueError:
            raise PeriodError("format") from None
        period = holding(start, end)
        asked = Asked(period, None if (start, end) == (period.start, period.end) else (start, end))
    else:
        asked = Asked(period)
    if not period.ended(today):
        raise PeriodError("open", period)
    return asked
