"""The unanswered questions of an admin's municipalities, grouped by similarity, a page at a time.

Alike questions (one language and municipality) are grouped as they are stored
(bot/answers/alike.py); here every press counts and pages the groups in SQL, the most
frequent first, so its work is bounded by a page and a group, not by the backlog. A group
is named by its first question's id, so a button keeps meaning the same group while new,
similar questions join it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, distinct, func, or_, select
from sqlalchemy.orm import Session

from bot.answers.alike import GROUP
from bot.db.models import UnansweredQuestion as Q

#: Questions deleted by one statement (a group can be large; drivers bound the parameters).
CHUNK = 1000


@dataclass(frozen=True)
class Summary:
    """A group as the list shows it: its most asked text and how often it was asked."""

    id: int
    lang: str
    municipality: str | None
    size: int
    last_asked: datetime
    text: str


@dataclass(frozen=True)
class Listing:
    """One page of the groups, and how many questions and groups there are in all."""

    groups: tuple[Summary, ...]
    page: int
    questions: int
    count: int
    per_page: int

    @property
    def more(self) -> bool:
        return (self.page + 1) * self.per_page < self.count


@dataclass(frozen=True)
class Group:
    """Alike questions: the first's id names the group; `texts` are distinct, most asked first."""

    id: int
    lang: str
    municipality: str | None
    ids: tuple[int, ...]
    texts: tuple[str, ...]
    last_asked: datetime

    @property
    def size(self) -> int:
        return len(self.ids)


def _scope(areas: Collection[str] | None) -> list[Any]:
    return [] if areas is None else [Q.municipality.in_(sorted(areas))]


def _in_groups(ids: Collection[int]) -> Any:
    """The questions of these groups (a question stored without a group is one of its own)."""
    return or_(Q.group_id.in_(list(ids)), and_(Q.group_id.is_(None), Q.id.in_(list(ids))))


def _ranked(counts: Sequence[tuple[str, int]]) -> tuple[str, ...]:
    """The distinct texts, the most asked first (alphabetically among equals)."""
    return tuple(text for text, _ in sorted(counts, key=lambda pair: (-pair[1], pair[0])))


def listing(session: Session, areas: Collection[str] | None, page: int, per_page: int) -> Listing:
    """Return a page of the groups of `areas` (None: all), the most asked first."""
    scope = _scope(areas)
    questions, count = session.execute(
        select(func.count(), func.count(distinct(GROUP))).where(*scope)
    ).one()
    page = max(0, min(page, (count - 1) // per_page))
    size, last = func.count().label("asked"), func.max(Q.created_at).label("latest")
    rows = session.execute(
        select(GROUP, Q.lang, Q.municipality, size, last)
        .where(*scope)
        .group_by(GROUP, Q.lang, Q.municipality)
        .order_by(size.desc(), last.desc(), GROUP)
        .limit(per_page)
        .offset(page * per_page)
    ).all()
    texts: dict[int, list[tuple[str, int]]] = {}
    if rows:
        counted = select(GROUP, Q.text, func.count()).where(_in_groups([r[0] for r in rows]))
        for group, text, times in session.execute(counted.group_by(GROUP, Q.text)):
            texts.setdefault(group, []).append((text, times))
    groups = tuple(
        Summary(group, lang, town, size, last, _ranked(texts[group])[0])
        for group, lang, town, size, last in rows
    )
    return Listing(groups, page, questions, count, per_page)


def find(session: Session, areas: Collection[str] | None, group_id: int) -> Group | None:
    """Return the group named `group_id` as it is now, or None when it is gone.

    The rows are read by the group's index alone and kept only where they are in `areas`
    (a municipality condition in SQL would lead the planner to scan the municipality).
    """
    where = _in_groups([group_id])
    members = session.execute(select(Q.id, Q.municipality).where(where).order_by(Q.id))
    ids = tuple(qid for qid, town in members if areas is None or town in areas)
    if not ids:
        return None
    latest = func.max(Q.created_at)
    counted = select(Q.text, func.count(), latest, Q.lang, Q.municipality).where(where)
    rows = session.execute(counted.group_by(Q.text, Q.lang, Q.municipality)).all()
    rows = [row for row in rows if areas is None or row[4] in areas]
    texts = _ranked([(text, times) for text, times, *_ in rows])
    _, _, _, lang, municipality = rows[0]
    return Group(group_id, lang, municipality, ids, texts, max(row[2] for row in rows))


def settle(session: Session, ids: Sequence[int]) -> int:
    """Delete questions that have been answered or dismissed; return how many."""
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        done += session.execute(delete(Q).where(Q.id.in_(chunk))).rowcount or 0
    return done
