"""Which programs a question names, so that entries about another program rank lower."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from bot.answers.normalise import normalise, stem
from bot.catalog.schema import Content, FaqEntry

#: Name words this long may carry one typo ("klapts" for "klappts").
MIN_TYPO = 5


class Programs:
    """The top-level programs of a content store, named by their id ("gemeinsam-klappts")."""

    def __init__(self, content: Content, entries: Sequence[FaqEntry]) -> None:
        self._root = {pid: _root(content, pid) for pid in content.programs}
        roots = set(self._root.values())
        self._names = {
            root: tuple(stem(w, "de") for w in normalise(root.replace("-", " ")).split())
            for root in roots
        }
        self.families = [self._family(entry) for entry in entries]

    def _family(self, entry: FaqEntry) -> frozenset[str]:
        found = {self._root[entry.program]} if entry.program in self._root else set()
        found |= {tag for tag in entry.tags if tag in self._names}
        return frozenset(found)

    def named(self, words: Sequence[str]) -> frozenset[str]:
        """Return the top-level programs whose every name word occurs among the words."""
        stems = {stem(w, "de") for w in words}
        return frozenset(
            root
            for root, name in self._names.items()
            if name and all(_occurs(part, stems) for part in name)
        )


def _occurs(part: str, stems: set[str]) -> bool:
    if part in stems:
        return True
    return len(part) >= MIN_TYPO and any(
        Levenshtein.distance(part, s, score_cutoff=1) <= 1 for s in stems
    )


def _root(content: Content, pid: str) -> str:
    """Follow parent links to the top-level program (stopping at a cycle)."""
    seen = {pid}
    while (parent := content.programs[pid].parent) in content.programs and parent not in seen:
        pid = parent
        seen.add(pid)
    return pid
