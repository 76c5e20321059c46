"""The table of a report before hiding: counted, added up, the sums between its cells, and
the order they are decided in (why this order: bot/admin/stats.py). No telegram import."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

from bot.admin.periods import MONTH, YEAR, Period
from bot.admin.suppression import ALL, TOTAL, Disclosure, Key

UNKNOWN = "unknown"
Values = tuple[tuple[str, str], ...]  # (dimension, value) pairs
#: (section, first day of the week part, municipality, values, count)
Fact = tuple[str, date, str | None, Values, int]
Slice = tuple[str, str]  # time, municipality


def week_part(day: date) -> date:
    """Return the first day of the week part a day counts in: its Monday, or the 1st."""
    return max(day - timedelta(days=day.weekday()), day.replace(day=1))


def _town(municipality: str | None) -> str:
    return municipality if municipality is not None else UNKNOWN


def _parents(span: Period) -> dict[str, str]:
    """Map each time of a report to the time it adds up to (a week to its month, ...)."""
    up: dict[str, str] = {}
    for part in span.months():
        up |= {day.isoformat(): part.code for day in part.weeks()}
    if span.kind != MONTH:
        for whole in span.quarters():
            up |= {part.code: whole.code for part in whole.months()}
    if span.kind == YEAR:
        up |= {whole.code: span.code for whole in span.quarters()}
    return up


def _steps(span: Period) -> list[list[str]]:
    """The times decided together, in order: each month with its weeks, each quarter, the year."""
    steps = [[part.code, *(day.isoformat() for day in part.weeks())] for part in span.months()]
    steps += [[whole.code] for whole in span.quarters()]
    return [*steps, [span.code]] if span.kind == YEAR else steps


class _Cell:
    """A cell while the table is built: its count, and the cells it adds up."""

    __slots__ = ("count", "key", "number", "parts", "towns")

    def __init__(self, key: Key):
        self.key, self.count, self.number = key, 0, 0
        # a sum's terms (a week's count has none: the shared empty tuple saves 100,000s of lists)
        self.parts: Sequence[_Cell] = ()  # of its time: a month's weeks, a quarter's months, ...
        self.towns: Sequence[_Cell] = ()  # of "all": the municipalities'


class Table:
    """The cells of a report before hiding: counted, added up, and the sums between them."""

    def __init__(self, span: Period, found: Iterable[Fact]):
        self.span = span
        cells: dict[Key, _Cell] = {}
        days: dict[date, str] = {}
        for section, part, town, values, n in found:
            first = days.get(part) or days.setdefault(part, part.isoformat())
            place = _town(town)
            for dimension, value in values:
                key = (section, first, place, dimension, value)
                cell = cells.get(key) or cells.setdefault(key, _Cell(key))
                cell.count += n
        self.towns = sorted({key[2] for key in cells})
        self.aggregate = len(self.towns) > 1
        up = _parents(span)
        _add_up(cells, up, lambda k, when: (k[0], when, k[2], k[3], k[4]), "parts")
        if self.aggregate:
            _add_up(cells, None, lambda k, _: (k[0], k[1], ALL, k[3], k[4]), "towns")
            for cell in [c for c in cells.values() if c.key[2] == ALL]:
                k = cell.key
                if (when := up.get(k[1])) is not None:
                    whole = cells[k[0], when, k[2], k[3], k[4]]
                    assert isinstance(whole.parts, list)  # made by _add_up
                    whole.parts.append(cell)
        virtual = _checks(cells, up)
        self.keys = list(cells)
        for number, cell in enumerate(cells.values()):
            cell.number = number
        self.counts = [cell.count for cell in cells.values()]
        self.virtual = {cells[key].number for key in virtual}
        self.sums: dict[Slice, list[tuple[list[int], int]]] = defaultdict(list)
        by_dimension: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
        for cell in cells.values():
            section, when, place, dimension, _ = cell.key
            for members in (cell.parts, cell.towns):
                if members:
                    self.sums[when, place].append(([m.number for m in members], cell.number))
            if dimension != TOTAL:
                by_dimension[section, when, place, dimension].append(cell.number)
        for (section, when, place, _), members in by_dimension.items():
            if (total := cells.get((section, when, place, TOTAL, ALL))) is not None:
                self.sums[when, place].append((members, total.number))

    def hide(self) -> frozenset[Key]:
        """Decide every cell in the fixed order (see the module) and return the hidden ones."""
        reader = Disclosure(self.counts, self.virtual)
        at: dict[Slice, list[int]] = defaultdict(list)
        for cell, key in enumerate(self.keys):
            at[key[1], key[2]].append(cell)
        places = [*self.towns, *([ALL] if self.aggregate else [])]
        counts, keys = self.counts, self.keys
        order = _order(keys, counts)
        for step in _steps(self.span):
            for when in step:
                for place in places:
                    for members, total in self.sums.get((when, place), ()):
                        reader.add_group(members, total)
            new = [cell for when in step for place in places for cell in at.get((when, place), ())]
            for cell in sorted(new, key=order(step[0])):
                reader.reveal(cell)
        self.leaked = {keys[cell] for cell in reader.leaked}
        return frozenset(
            key
            for cell, key in enumerate(keys)
            if cell not in self.virtual and (not reader.known[cell] or reader.secret(cell))
        )


def _order(keys: list[Key], counts: list[int]) -> Callable[[str], Callable[[int], tuple]]:
    """Return the order to decide a step's cells in (given the step's period).

    The period before its parts, then the biggest first, a municipality's count as if it
    were twice as big (so that a sum over municipalities is hidden rather than the number of
    a municipality that makes up most of it, and a small municipality's number rather than
    a much bigger sum); the cells' names settle ties, as numbers (a sort of numbers gives
    the event loop in the other thread its turn sooner than one of names).
    """
    names = [{name: n for n, name in enumerate(sorted({key[n] for key in keys}))} for n in range(5)]
    ties = []
    for key in keys:
        tie = 0
        for part, number in zip(key, names, strict=True):
            tie = tie * len(number) + number[part]
        ties.append(tie)

    def within(whole: str) -> Callable[[int], tuple]:
        def rank(cell: int) -> tuple[bool, int, int]:
            key = keys[cell]
            return (key[1] != whole, -counts[cell] * (1 if key[2] == ALL else 2), ties[cell])

        return rank

    return within


def _add_up(
    cells: dict[Key, _Cell],
    up: dict[str, str] | None,
    into: Callable[[Key, str], Key],
    relation: str,
) -> None:
    """Add cells up in time (up: each time's parent, in order) or over municipalities."""
    if up is None:
        order: list[list[_Cell]] = [list(cells.values())]
        targets = [""]
    else:
        at: dict[str, list[_Cell]] = defaultdict(list)
        for cell in cells.values():
            at[cell.key[1]].append(cell)
        order, targets = [at[first] for first in up], list(up.values())
    for group, target in zip(order, targets, strict=True):
        for cell in group:
            key = into(cell.key, target)
            whole = cells.get(key)
            if whole is None:
                whole = cells[key] = _Cell(key)
                whole.parts, whole.towns = [], []
                if up is not None:
                    at[target].append(whole)
            whole.count += cell.count
            getattr(whole, relation).append(cell)


def _checks(cells: dict[Key, _Cell], up: dict[str, str]) -> set[Key]:
    """Add the number of checks of each time and place where every program has that many
    results (a cell nobody sees: see Disclosure); return them."""
    sums: dict[Slice, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (section, when, place, program, _), cell in cells.items():
        if section == "checks":
            sums[when, place][program] += cell.count
    made = {}
    for (when, place), per_program in sums.items():
        if len(set(per_program.values())) == 1:
            key = ("checks", when, place, TOTAL, ALL)
            made[when, place] = cells[key] = _Cell(key)
            cells[key].count = next(iter(per_program.values()))
    towns = {place for _, place in sums} - {ALL}
    for (when, place), cell in made.items():
        parts = [(part, place) for part, whole in up.items() if whole == when]
        if place == ALL:
            cell.towns = [made[when, town] for town in towns if (when, town) in sums]
            if len(cell.towns) < len([town for town in towns if (when, town) in sums]):
                cell.towns = []  # a municipality whose programs differ: no sum to tell
        cell.parts = [made[part] for part in parts if part in made]
        if len(cell.parts) < len([part for part in parts if part in sums]):
            cell.parts = []
    return {cell.key for cell in made.values()}
