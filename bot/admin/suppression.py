"""Hide small counts, and only what would give one of them away.

The rule:

1. A count from 1 to 4 is hidden (a "secret").
2. A count of 5 or more is shown, unless showing it would let a reader work out a secret
   from the numbers already shown. Working out means what a reader can do with the sums a
   report is made of (`Disclosure.add_group`: weeks and months add up to their period,
   municipalities to all of them, the values of a dimension to the section's total):
   - a sum whose total and all terms but one are known gives that one away;
   - a sum whose terms are all known gives its total away;
   - a known sum whose unknown terms add up to exactly as many as there are of them gives
     them all away (each is at least 1, so each is 1);
   and so on, over and over, with every number worked out so far. A cell left out of a
   report counts 0 and is known; a hidden one is at least 1, with no upper bound (the
   reader cannot tell a secret from a count hidden to protect one).
3. The counts are decided one at a time, in an order the caller gives (the biggest and the
   most aggregated first), and a decision is never taken back: so every hidden count of 5
   or more was needed when it was decided, and still is (the reader only ever learns more).
   A count that can already be worked out is shown: hiding it would protect nothing.

So a total is shown when the hidden terms under it cannot be told apart (two or more whose
sum is more than their number). Where the total is decided first (the order puts it
first), a row with one small term hides one more term, the smallest, and nothing else:
not its total, nor anything outside the row. Where the terms were decided before the total
(a quarter is decided after its months were published), the total is hidden when exactly
one of its terms is, as it would give that one away.

What this does not do: a full audit of every combination of sums (a linear program over the
whole table). A determined reader may narrow a hidden count down with several sums at once,
but not pin it by subtraction, the usual way back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: Counts under this are hidden.
THRESHOLD = 5
ALL, TOTAL = "all", "total"

Key = tuple[str, str, str, str, str]  # section, time, municipality, dimension, value


class Disclosure:
    """What a reader can know of a table of counts, grown one shown count at a time.

    Cells are numbered (their counts in a list). `virtual` cells are sums the reader knows
    exist but never sees (the number of checks, the same for every program): never shown,
    and not secret.
    """

    def __init__(self, counts: Sequence[int], virtual: Iterable[int] = ()):
        self.counts = counts
        self.virtual = bytearray(len(counts))
        for cell in virtual:
            self.virtual[cell] = 1
        self.known = bytearray(len(counts))
        #: Secrets a new sum gave away from numbers decided before it (see add_group).
        self.leaked: set[int] = set()
        self._members: list[Sequence[int]] = []
        self._totals: list[int] = []
        self._unknown: list[int] = []  # per sum: its terms not known
        self._sum: list[int] = []  # per sum: its known terms added up
        self._terms: dict[int, list[int]] = {}  # cell -> the sums it is a term of
        self._tops: dict[int, list[int]] = {}  # cell -> the sums it is the total of

    def secret(self, cell: int) -> bool:
        return not self.virtual[cell] and self.counts[cell] < THRESHOLD

    def add_group(self, members: Sequence[int], total: int) -> None:
        """Tell the reader that members add up to total; learn what follows from it."""
        number = len(self._members)
        known, counts, terms = self.known, self.counts, self._terms
        unknown = added = 0
        for cell in members:
            if cell in terms:
                terms[cell].append(number)
            else:
                terms[cell] = [number]
            if known[cell]:
                added += counts[cell]
            else:
                unknown += 1
        self._members.append(members)
        self._totals.append(total)
        self._unknown.append(unknown)
        self._sum.append(added)
        self._tops.setdefault(total, []).append(number)
        if found := self._worked_out(number):
            learned: list[int] = []
            self._learn(found, learned, strict=False)
            self.leaked |= {cell for cell in learned if self.secret(cell)}

    def reveal(self, cell: int) -> bool:
        """Show cell unless that gives a secret away; return whether it is shown."""
        if self.known[cell]:
            return True
        if self.virtual[cell] or self.counts[cell] < THRESHOLD:
            return False
        learned: list[int] = []
        if self._learn([cell], learned, strict=True):
            return True
        for other in reversed(learned):  # undo: the reader never saw it
            self.known[other] = 0
            for number in self._terms.get(other, ()):
                self._unknown[number] += 1
                self._sum[number] -= self.counts[other]
        return False

    def _learn(self, cells: list[int], learned: list[int], strict: bool) -> bool:
        """Know cells and all that follows; False (halfway) at a secret when strict."""
        known, counts, stack = self.known, self.counts, list(cells)
        while stack:
            cell = stack.pop()
            if known[cell]:
                continue
            if strict and self.secret(cell):
                return False
            known[cell] = 1
            learned.append(cell)
            count = counts[cell]
            for number in self._terms.get(cell, ()):
                self._unknown[number] -= 1
                self._sum[number] += count
                stack += self._worked_out(number)
            for number in self._tops.get(cell, ()):
                stack += self._worked_out(number)
        return True

    def _worked_out(self, number: int) -> list[int]:
        """Return the cells one sum gives away, as things stand."""
        unknown, total = self._unknown[number], self._totals[number]
        if not self.known[total]:
            return [total] if unknown == 0 else []
        if unknown == 0 or (unknown > 1 and self.counts[total] - self._sum[number] != unknown):
            return []
        return [cell for cell in self._members[number] if not self.known[cell]]
