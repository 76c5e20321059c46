"""Statistics for admins: the counts of a period in an admin's scope, small numbers hidden.

Only anonymous data feed this: the daily counts of questions, checks, searches and searches
that found nothing, and the offer type, state, municipality and day of referrals (never
their client code, note, advisor or coach). No telegram import.

A report is a table of cells (section, time, municipality, dimension, value) -> count. The
time is the period's code ("2026-11", "2026-Q4" or "2026", see bot/admin/periods.py) or a
part of it: a month's weeks (each by its first day in the month: the 1st, then Mondays), a
quarter's or a year's months, a year's quarters. The municipalities are those in scope and,
when there are several, all of them together ("all"). Per section, its dimensions
(questions: outcome and language; checks: one per program, by result; searches: offer
type; referrals: offer type and state; searches that found nothing: offer type and
residence status) and, except for checks, "total". Cells with no count are left out;
municipality "unknown" holds what was counted without one.

Small numbers: bot/admin/suppression.py has the rule; this module feeds it the sums and the
order to decide the cells in. Everything is decided for all of NRW, whatever the scope, in
one fixed order, so that every report showing a cell shows it alike (an admin of Köln and a
superadmin see the same numbers for Köln, and so does every later report):
- period by period, from the inside out: each month with its weeks, then each quarter, then
  the year. A month is decided before, and without, the quarter it lies in; the quarter's
  numbers only add to what its months' reports showed, so no difference of two reports
  gives a small number away (see bot/admin/periods.py). The flip side: a quarter's or a
  year's count is hidden when exactly one of its parts was hidden, as it would give that
  part away;
- within a period, the period before its parts (weeks, or months), and bigger counts before
  smaller ones, a municipality's count as if it were twice as big: so the sum over
  municipalities is hidden rather than a municipality's own count that makes up most of it
  (Köln's 26 next to 28 for all of NRW, where another place counted 2), and a small
  municipality's count rather than a much bigger sum (NRW's 1172 questions in German).
An admin of several municipalities sees their numbers and the sums over them wherever these
add up shown numbers only (anything more would be a new sum, safe only for all of NRW).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from bot.admin.cube import UNKNOWN, Fact, Table, week_part
from bot.admin.periods import MONTH, Period
from bot.admin.suppression import ALL, TOTAL, Key
from bot.collector import cycles_uncollected
from bot.db.models import CheckStat, OfferMiss, QuestionStat, Referral, SearchStat

HIDDEN = "<5"
ANY = "any"
SECTIONS = ("questions", "checks", "searches", "referrals", "gaps")


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
    def parts(self) -> list[str]:
        """The times the chart draws side by side: a month's weeks, or the months."""
        if self.period.kind == MONTH:
            return [day.isoformat() for day in self.period.weeks()]
        return [span.code for span in self.period.months()]

    @cached_property
    def _slices(self) -> dict[tuple[str, str, str, str], list[Key]]:
        slices: dict[tuple[str, str, str, str], list[Key]] = defaultdict(list)
        for key in self.counts:
            slices[key[:4]].append(key)
        return slices

    @cached_property
    def _order(self) -> dict[str, int]:
        times = [self.period.code, *(q.code for q in self.period.quarters())]
        if self.period.kind == MONTH:
            times += self.parts
        else:
            times += [span.code for span in self.period.months()]
        return {name: n for n, name in enumerate(dict.fromkeys(times))}

    def value(self, key: Key) -> int | None:
        """Return a cell's count (0 when there is none), None when it is hidden."""
        return None if key in self.hidden else self.counts.get(key, 0)

    def values(
        self, section: str, dimension: str, when: str | None = None, place: str | None = None
    ) -> dict[str, int | None]:
        """Return the counts of one dimension by value (None: hidden), period and scope-wide
        by default."""
        slice_ = (section, when or self.period.code, place or self.place, dimension)
        return {key[4]: self.value(key) for key in sorted(self._slices.get(slice_, []))}

    def dimensions(self, section: str) -> list[str]:
        return sorted({key[3] for key in self._slices if key[0] == section})

    def rows(self) -> Iterator[tuple[str, str, str, str, str, str]]:
        """Yield (section, time, municipality, dimension, value, count or "<5") in order.

        Sorted a (section, time) at a time: one big sort would keep the worker thread from
        letting the event loop run for a noticeable while (it holds the GIL throughout).
        """
        by_time: dict[tuple[str, str], list[Key]] = defaultdict(list)
        for key in self.counts:
            by_time[key[:2]].append(key)
        order = self._order
        for section in SECTIONS:
            for when in sorted({w for s, w in by_time if s == section}, key=order.__getitem__):
                for key in sorted(by_time[section, when], key=lambda k: (k[2] != ALL, k[2:])):
                    yield (*key, HIDDEN if key in self.hidden else str(self.counts[key]))


Counted = type[QuestionStat] | type[CheckStat] | type[SearchStat] | type[OfferMiss]


def _part(session: Session, day: Any) -> Any:
    """The SQL for the first day of a day's week part: its Monday, or the 1st of its month."""
    if session.get_bind().dialect.name == "postgresql":
        week, start = func.date_trunc("week", day), func.date_trunc("month", day)
        return cast(func.greatest(week, start), Date)
    return func.max(func.date(day, "-6 days", "weekday 1"), func.date(day, "start of month"))


def _counted(session: Session, model: Counted, span: Period, *columns: Any) -> Iterator[Any]:
    """Yield (week part, municipality, *columns, count) of a counting table in the period."""
    part = _part(session, model.day)
    query = select(part, model.municipality, *columns, func.sum(model.count))
    query = query.where(model.day >= span.start, model.day <= span.end)
    for first, *rest in session.execute(query.group_by(part, model.municipality, *columns)):
        yield date.fromisoformat(str(first)[:10]), *rest


def facts(session: Session, span: Period, tz: ZoneInfo) -> Iterator[Fact]:
    """Yield (section, week part, municipality, dimension values, count) of all counted."""
    q, c, s, m = QuestionStat, CheckStat, SearchStat, OfferMiss
    for part, town, outcome, lang, n in _counted(session, q, span, q.outcome, q.lang):
        yield "questions", part, town, ((TOTAL, ALL), ("outcome", outcome), ("language", lang)), n
    for part, town, program, result, n in _counted(session, c, span, c.program, c.result):
        yield "checks", part, town, ((program, result),), n
    for part, town, kind, n in _counted(session, s, span, s.offer_type):
        yield "searches", part, town, ((TOTAL, ALL), ("offer_type", kind or ANY)), n
    for part, town, kind, status, n in _counted(session, m, span, m.offer_type, m.status):
        values = ((TOTAL, ALL), ("offer_type", kind or ANY), ("status", status or UNKNOWN))
        yield "gaps", part, town, values, n
    start = datetime.combine(span.start, time(), tz)
    end = datetime.combine(span.end + timedelta(days=1), time(), tz)
    r = Referral
    query = select(r.created_at, r.municipality, r.offer_type, r.state)
    query = query.where(r.created_at >= start, r.created_at < end)
    for created, town, kind, state in session.execute(query):  # few: counted here, by local day
        part = week_part(created.astimezone(tz).date())
        yield "referrals", part, town, ((TOTAL, ALL), ("offer_type", kind), ("state", state)), 1


def report(session: Session, span: Period, scope: frozenset[str] | None, tz: ZoneInfo) -> Report:
    """Count everything in the period and show what is in scope (None: all of NRW).

    Everything is counted and decided for all of NRW, whatever the scope, so that every
    admin and superadmin sees the same numbers for the same municipality (see the module).
    """
    return build(span, scope, facts(session, span, tz))


def build(span: Period, scope: frozenset[str] | None, found: Iterable[Fact]) -> Report:
    """Count, add up and hide the facts of all of NRW; keep what is in scope.

    The sums over an admin's several municipalities are shown where they add up shown
    numbers only: they tell nothing the municipalities' own numbers do not.
    """
    with cycles_uncollected():
        table = Table(span, found)
        decided = table.hide()
    virtual = {table.keys[cell] for cell in table.virtual}
    times = {span.code, *(q.code for q in span.quarters())}
    if span.kind == MONTH:
        times |= {day.isoformat() for day in span.weeks()}
    else:
        times |= {part.code for part in span.months()}
    towns = [town for town in table.towns if scope is None or town in scope]
    places = {*towns, *([ALL] if scope is None and table.aggregate else [])}
    counts = {
        key: n
        for key, n in zip(table.keys, table.counts, strict=True)
        if key[1] in times and key[2] in places and key not in virtual
    }
    hidden = {key for key in decided if key in counts}
    if scope is not None and len(towns) > 1:
        sums: dict[Key, int] = defaultdict(int)
        for (section, when, _, dimension, value), n in list(counts.items()):
            sums[section, when, ALL, dimension, value] += n
            if (section, when, _, dimension, value) in hidden:
                hidden.add((section, when, ALL, dimension, value))
        counts |= sums
    return Report(span, scope, counts, frozenset(hidden), tuple(towns))
