"""A reader of published /stats numbers, written apart from bot/admin: what can be worked out.

The reader knows how reports add up, from the cells' names alone: a month's weeks add up to
the month ("2026-11-02" to "2026-11"), months to their quarter, quarters to their year;
municipalities to "all"; a dimension's values to the section's total; and every program of
a check to the same number of checks (which no report shows). A cell a report leaves out is
0. With that, the reader subtracts and adds until nothing more follows, also reading a known
sum of hidden cells that equals their number as all ones.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from bot.admin.stats import Report
from bot.admin.suppression import ALL, TOTAL, Key

CHECKS = "#checks"  # the reader's name for the number of checks nobody sees
Sum = tuple[list[Key], Key]


def parent(when: str) -> str:
    """Return the time a time adds up to ("" for a year)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
        return when[:7]
    if re.fullmatch(r"\d{4}-\d{2}", when):
        return f"{when[:4]}-Q{(int(when[5:]) + 2) // 3}"
    return when[:4] if "-Q" in when else ""


def sums(cells: Iterable[Key]) -> list[Sum]:
    """Return every sum the reader knows of among these cells (and the checks' numbers)."""
    cells = set(cells)
    for section, when, place, _, _ in list(cells):
        if section == "checks":
            cells.add((section, when, place, CHECKS, ALL))
    found: dict[Key, list[Key]] = defaultdict(list)
    by_dimension: dict[tuple[Key, str], list[Key]] = defaultdict(list)
    for key in cells:
        section, when, place, dimension, value = key
        if (up := parent(when)) and (section, up, place, dimension, value) in cells:
            found[section, up, place, dimension, value].append(key)
        if place != ALL and (section, when, ALL, dimension, value) in cells:
            found[section, when, ALL, dimension, value].append(key)
        if dimension not in (TOTAL, CHECKS):
            total = (section, when, place, CHECKS if section == "checks" else TOTAL, ALL)
            by_dimension[total, dimension].append(key)
    # a total is "found" twice (by time and by place): one sum per kind of its members
    out: list[Sum] = []
    for total, members in found.items():
        by_kind: dict[bool, list[Key]] = defaultdict(list)
        for key in members:
            by_kind[key[1] != total[1]].append(key)
        out += [(group, total) for group in by_kind.values()]
    out += [(members, total) for (total, _), members in by_dimension.items() if total in cells]
    return out


class Reader:
    """Works out numbers from known ones, over the sums among some cells."""

    def __init__(self, cells: Iterable[Key]):
        self.sums = sums(cells)
        self.of: dict[Key, list[int]] = defaultdict(list)
        for number, (members, total) in enumerate(self.sums):
            for key in (*members, total):
                self.of[key].append(number)

    def more(
        self, known: Mapping[Key, int], new: Mapping[Key, int] | None = None
    ) -> dict[Key, int]:
        """Return what follows from known and new (all sums when new is None): new ones only."""
        learned = dict(new or {})
        queue = (
            list(range(len(self.sums)))
            if new is None
            else [number for key in learned for number in self.of[key]]
        )

        def value(key: Key) -> int | None:
            return learned.get(key, known.get(key))

        while queue:
            members, total = self.sums[queue.pop()]
            unknown = [key for key in members if value(key) is None]
            whole = value(total)
            if whole is None:
                found = {total: sum(value(key) or 0 for key in members)} if not unknown else {}
            else:
                rest = whole - sum(value(key) or 0 for key in members)
                if len(unknown) == 1:
                    found = {unknown[0]: rest}
                else:
                    found = dict.fromkeys(unknown, 1) if unknown and rest == len(unknown) else {}
            for key, number in found.items():
                learned[key] = number
                queue += self.of[key]
        return learned


def work_out(shown: Mapping[Key, int], hidden: Iterable[Key]) -> dict[Key, int]:
    """Return every number the reader knows or can work out, with its value."""
    return {**shown, **Reader([*shown, *hidden]).more(shown)}


def published(reports: Iterable[Report]) -> tuple[dict[Key, int], set[Key], dict[Key, int]]:
    """Return what a reader of all these reports sees (shown, hidden) and the true counts;
    fail when two reports show the same cell differently."""
    shown: dict[Key, int] = {}
    hidden: set[Key] = set()
    true: dict[Key, int] = {}
    for report in reports:
        for key, count in report.counts.items():
            assert true.setdefault(key, count) == count, key
            if key in report.hidden:
                assert key not in shown, f"{key} shown in one report, hidden in another"
                hidden.add(key)
            else:
                assert key not in hidden, f"{key} hidden in one report, shown in another"
                shown[key] = count
    return shown, hidden, true


def given_away(reports: Iterable[Report]) -> dict[Key, int]:
    """Return the counts under 5 a reader of all these reports can work out (none, we hope)."""
    shown, hidden, true = published(reports)
    known = work_out(shown, hidden)
    for key, value in known.items():  # the reader's arithmetic is right
        assert key not in true or true[key] == value, key
    return {key: true[key] for key in hidden if key in known and true[key] < 5}


def needless(reports: Iterable[Report]) -> list[Key]:
    """Return the hidden counts of 5 or more that could be shown without giving one away."""
    shown, hidden, true = published(reports)
    reader = Reader([*shown, *hidden])
    known = {**shown, **reader.more(shown)}
    secrets = {key for key in hidden if true[key] < 5}
    return [
        key
        for key in sorted(hidden - secrets)
        if not secrets & reader.more(known, {key: true[key]}).keys()
    ]
