"""The unanswered questions of an admin's municipalities, grouped by similarity.

Questions in one language whose stemmed content words are alike form a group; the most
frequent groups come first. A group is named by its oldest question's id, so a button
keeps meaning the same group while new, similar questions join it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.answers.normalise import tokens
from bot.db.models import UnansweredQuestion

#: Questions this alike (rapidfuzz token-set ratio of their stems, 0-100) form a group.
ALIKE = 75
#: The newest questions that are grouped (older ones wait until these are dealt with).
WINDOW = 1000


@dataclass(frozen=True)
class Asked:
    id: int
    text: str
    lang: str
    municipality: str | None
    created_at: datetime


@dataclass(frozen=True)
class Group:
    """Alike questions: the oldest's id names the group; `texts` are distinct, most asked first."""

    id: int
    lang: str
    municipality: str | None
    questions: tuple[Asked, ...]

    @property
    def size(self) -> int:
        return len(self.questions)

    @property
    def ids(self) -> list[int]:
        return [q.id for q in self.questions]

    @property
    def texts(self) -> list[str]:
        counts: dict[str, int] = {}
        for q in self.questions:
            counts[q.text] = counts.get(q.text, 0) + 1
        return sorted(counts, key=lambda text: (-counts[text], text))

    @property
    def last_asked(self) -> datetime:
        return max(q.created_at for q in self.questions)


def _scope(areas: frozenset[str] | None):
    if areas is None:
        return []
    return [UnansweredQuestion.municipality.in_(sorted(areas))]


def questions(session: Session, areas: frozenset[str] | None) -> list[Asked]:
    """Return the newest unanswered questions of `areas` (None: all), oldest first."""
    query = (
        select(UnansweredQuestion)
        .where(*_scope(areas))
        .order_by(UnansweredQuestion.id.desc())
        .limit(WINDOW)
    )
    rows = [
        Asked(q.id, q.text, q.lang, q.municipality, q.created_at) for q in session.scalars(query)
    ]
    return rows[::-1]


def group(asked: Sequence[Asked]) -> list[Group]:
    """Group alike questions (same language and municipality), most frequent first."""
    heads: list[tuple[str, str, str | None, list[Asked]]] = []
    for question in asked:
        key = " ".join(sorted(set(tokens(question.text, question.lang)))) or question.text.lower()
        for head, lang, municipality, members in heads:
            if (lang, municipality) == (question.lang, question.municipality) and (
                fuzz.token_set_ratio(key, head) >= ALIKE
            ):
                members.append(question)
                break
        else:
            heads.append((key, question.lang, question.municipality, [question]))
    groups = [Group(m[0].id, lang, town, tuple(m)) for _, lang, town, m in heads]
    return sorted(groups, key=lambda g: (-g.size, -g.last_asked.timestamp(), g.id))


def groups(session: Session, areas: frozenset[str] | None) -> list[Group]:
    """Return the groups of unanswered questions an admin of `areas` deals with."""
    return group(questions(session, areas))


def find(session: Session, areas: frozenset[str] | None, group_id: int) -> Group | None:
    """Return the group named `group_id` as it is now, or None when it is gone."""
    return next((g for g in groups(session, areas) if g.id == group_id), None)


def settle(session: Session, ids: Sequence[int]) -> int:
    """Delete questions that have been answered or dismissed; return how many."""
    if not ids:
        return 0
    done = session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.id.in_(list(ids))))
    return done.rowcount or 0
