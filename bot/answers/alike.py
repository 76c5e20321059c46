"""Alike unanswered questions: the key they are compared by, and the group a new one joins.

Questions in one language and municipality whose stemmed content words are alike (rapidfuzz
token-set ratio of their keys at least ALIKE) form a group, named by its first question's id.
A new question is compared once, when it is stored, with the oldest remaining question of
each group there, and joins the oldest group it is alike; so the admins' inbox (bot/admin/
inbox.py) counts and pages groups in SQL instead of comparing every question on every press.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.answers.normalise import content_words, stem
from bot.db.models import UnansweredQuestion as Q

#: Questions this alike (rapidfuzz token-set ratio of their keys, 0-100) form a group.
ALIKE = 75
#: The group a stored question belongs to (a row stored without a group is one of its own).
GROUP: Any = func.coalesce(Q.group_id, Q.id)


#: Content words of a question that make its key (stemming is the costly part; real questions
#: have far fewer, and a pasted essay must not hold up the reply to it).
KEY_WORDS = 32


def key_of(text: str, lang: str) -> str:
    """Return what alike questions share: the sorted stems of the (first) content words."""
    words = list(dict.fromkeys(content_words(text, lang)))[:KEY_WORDS]
    return " ".join(sorted({stem(word, lang) for word in words})) or text.lower()


def first_alike(key: str, heads: list[tuple[int, str]]) -> int | None:
    """Return the oldest group (id, key of its first question) alike `key`, or None."""
    if not heads:
        return None
    keys = [head_key for _, head_key in heads]
    found = process.extract(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=ALIKE, limit=None)
    return min((heads[index][0] for _, _, index in found), default=None)


def _heads(session: Session, lang: str, municipality: str | None) -> list[tuple[int, str]]:
    """Return each group of this language and municipality with its oldest question's key."""
    here = (Q.lang == lang, Q.municipality == municipality)
    oldest = select(func.min(Q.id)).where(*here).group_by(GROUP)
    unkeyed = case((Q.group_key.is_(None), Q.text))  # stored without a key: read the text
    rows = session.execute(select(GROUP, Q.group_key, unkeyed).where(Q.id.in_(oldest)))
    return sorted((group, key or key_of(text or "", lang)) for group, key, text in rows)


def join(session: Session, question: Q) -> Q:
    """Add a new question to the session, in the group it is alike (else in a group of its own)."""
    question.group_key = key_of(question.text, question.lang)
    heads = _heads(session, question.lang, question.municipality)
    question.group_id = first_alike(question.group_key, heads)
    session.add(question)
    if question.group_id is None:
        session.flush()
        question.group_id = question.id
    return question


def group_all(rows: Iterable[tuple[int, str, str, str | None]]) -> Iterator[tuple[int, str, int]]:
    """Group stored questions (id, text, lang, municipality), oldest first, as `join` would.

    Yields (id, key, group id) for each; for a database that has questions without groups.
    """
    heads: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
    for question_id, text, lang, municipality in rows:
        key = key_of(text, lang)
        here = heads.setdefault((lang, municipality), [])
        group = first_alike(key, here)
        if group is None:
            group = question_id
            here.append((question_id, key))
        yield question_id, key, group
