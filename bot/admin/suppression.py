"""Hide small counts, and whatever would give them away through a total.

The cells of a report add up in three ways: the weeks to the period (week "all"), the
municipalities to all of them (municipality "all"), and the values of a dimension to its
section's "total" (for checks: to the number of checks, which is not shown but is the same
for every program, like the number of questions is for outcome and language).

A count from 1 to 4 is hidden. Then, for every such set of cells whose total is known (the
total is shown, or for a dimension's values another dimension of the same people is shown
whole), the hidden cells must not be workable out: there must be none, or at least two
whose sum exceeds their number (else all could only be 1). While that fails, the smallest
shown cell of the set is hidden too (complementary suppression), or the total when that
cell is all of another set (hiding it would take that set's total along); if hiding all of
them is not enough, the total goes as well. A hidden total must not be the sum of shown
cells: one of them is hidden with it. This is repeated until nothing changes (hiding only
grows), the most aggregated sets first, so that fewer cells are hidden in all.

So no hidden count can be worked out from one total and the shown cells, which is the usual
way back. It is not a full audit of every combination of totals (a linear program over the
whole table): a determined reader may narrow a hidden count down, but not to one value by
subtraction from a single total.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Counts under this are hidden.
THRESHOLD = 5
ALL, TOTAL = "all", "total"

Key = tuple[str, str, str, str, str]  # section, week, municipality, dimension, value
Slice = tuple[str, str, str]  # section, week, municipality


@dataclass(frozen=True)
class Group:
    """Cells that add up to a total; `slice` is set for the values of a dimension."""

    members: tuple[Key, ...]
    total: Key | None
    slice: Slice | None = None


def groups(keys: Iterable[Key]) -> list[Group]:
    """Return every set of cells that adds up to a total (for a dimension: maybe unshown)."""
    keys = set(keys)
    weeks: dict[Key, list[Key]] = defaultdict(list)
    places: dict[Key, list[Key]] = defaultdict(list)
    values: dict[tuple[str, str, str, str], list[Key]] = defaultdict(list)
    for key in keys:
        section, week, place, dimension, value = key
        if week != ALL:
            weeks[section, ALL, place, dimension, value].append(key)
        if place != ALL:
            places[section, week, ALL, dimension, value].append(key)
        if dimension != TOTAL:
            values[section, week, place, dimension].append(key)
    found = [
        Group(tuple(m), total) for total, m in (*weeks.items(), *places.items()) if total in keys
    ]
    for (section, week, place, _), members in values.items():
        total: Key = (section, week, place, TOTAL, ALL)
        found.append(
            Group(tuple(members), total if total in keys else None, (section, week, place))
        )
    return found


def _level(group: Group) -> int:
    """Count how aggregated a set is: 0 for one week in one municipality, up to 2."""
    where = group.slice or group.total or group.members[0]
    return (where[1] == ALL) + (where[2] == ALL)


def suppress(counts: Mapping[Key, int]) -> frozenset[Key]:
    """Return the cells to hide: counts under THRESHOLD, and what protects them (see above)."""
    return _Suppression(counts).run()


class _Suppression:
    """The state of one run: the sets, which cells are hidden, which sets to look at again."""

    def __init__(self, counts: Mapping[Key, int]):
        self.counts = counts
        self.hidden = {key for key, count in counts.items() if count < THRESHOLD}
        self.found = groups(counts)
        self.of_key: dict[Key, list[int]] = defaultdict(list)
        self.of_slice: dict[Slice, list[int]] = defaultdict(list)
        for number, group in enumerate(self.found):
            for key in (*group.members, *((group.total,) if group.total else ())):
                self.of_key[key].append(number)
            if group.slice:
                self.of_slice[group.slice].append(number)
        #: Cells that are all of some set, or the total of one: hiding one hides the other too.
        single = [g for g in self.found if len(g.members) == 1]
        self.alone = {g.members[0] for g in single} | {g.total for g in single if g.total}
        # The most aggregated first, a dimension's values before weeks and municipalities: a
        # cell hidden up there is often enough for the sets below it, so fewer are hidden.
        # (Ties go by the set's place in the cube, so every run hides the same cells.)
        self.order = [
            (-_level(g), g.slice is None, g.slice or g.total, g.members[0][3], n)
            for n, g in enumerate(self.found)
        ]
        self.waiting = sorted(self.order)
        self.queued = set(range(len(self.found)))

    def hide(self, key: Key) -> None:
        self.hidden.add(key)
        for number in self.of_key[key]:
            place = self.found[number].slice
            for other in self.of_slice[place] if place else (number,):
                if other not in self.queued:
                    self.queued.add(other)
                    heapq.heappush(self.waiting, self.order[other])

    def shown(self, group: Group) -> list[Key]:
        """The group's shown cells, the best to hide first: small, and not all of a set."""
        cells = (key for key in group.members if key not in self.hidden)
        return sorted(cells, key=lambda key: (key in self.alone, self.counts[key], key))

    def whole(self, group: Group) -> bool:
        return not any(key in self.hidden for key in group.members)

    def run(self) -> frozenset[Key]:
        while self.waiting:
            *_, number = heapq.heappop(self.waiting)
            self.queued.discard(number)
            self.protect(self.found[number])
        return frozenset(self.hidden)

    def protect(self, group: Group) -> None:
        """Hide more of the group (or its total) until its hidden cells cannot be worked out."""
        secret = [key for key in group.members if key in self.hidden]
        if group.total is not None and group.total in self.hidden:
            if not secret:  # a hidden total must not be the sum of shown cells
                self.hide(self.shown(group)[0])
            return
        siblings = [self.found[n] for n in self.of_slice[group.slice]] if group.slice else []
        known = group.total is not None or any(self.whole(g) for g in siblings if g is not group)
        if not secret or not known:
            return
        rest, slack = self.shown(group), sum(self.counts[key] for key in secret) - len(secret)
        while rest and (len(secret) < 2 or slack < 1):
            if group.slice is None and rest[0] in self.alone and group.total not in self.alone:
                rest = []  # hiding the total sets off less than hiding that cell would
                break
            key = rest.pop(0)
            self.hide(key)
            secret.append(key)
            slack += self.counts[key] - 1
        if len(secret) < 2 or slack < 1:  # (all) hidden, and still they could be worked out
            if group.total is not None:
                self.hide(group.total)
            for sibling in siblings:
                if sibling is not group and self.whole(sibling):
                    self.hide(self.shown(sibling)[0])
