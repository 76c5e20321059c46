"""The state of one eligibility check: the answers given so far, and which question comes next.

No telegram here. The answers live only as long as the conversation holding them; nothing
in this module stores anything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.catalog.schema import GERMAN_LEVELS, STATUSES, Content
from bot.eligibility.engine import Facts, Verdict, check, next_fact

AGE, STATUS, PLACE, SCHOOL, GERMAN = (
    "age",
    "residence_status",
    "place",
    "has_school_certificate",
    "german_level",
)
#: The question that asks for each fact the engine may miss (a place answers three).
QUESTION_OF = {
    "age": AGE,
    "residence_status": STATUS,
    "municipality": PLACE,
    "lives_in_nrw": PLACE,
    "municipality.alliance": PLACE,
    "has_school_certificate": SCHOOL,
    "german_level": GERMAN,
}
#: What a place answer may be besides a municipality id.
IN_NRW, OUTSIDE_NRW = "nrw", "outside"


@dataclass(frozen=True)
class Interview:
    """The answers given, in order: (question, value); value None means "I don't know"."""

    answers: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, facts: Facts) -> Interview:
        """The answers that facts already known give, in the order the questions come.

        They are answers like any other: Back takes them back one by one.
        """
        place = facts.municipality or {True: IN_NRW, False: OUTSIDE_NRW}.get(facts.lives_in_nrw)
        given = (
            (AGE, facts.birth_date if facts.birth_date is not None else facts.age),
            (STATUS, facts.residence_status),
            (PLACE, place),
            (SCHOOL, facts.has_school_certificate),
            (GERMAN, facts.german_level),
        )
        return cls(tuple((question, value) for question, value in given if value is not None))

    @property
    def step(self) -> int:
        """How many questions have been answered (it numbers the buttons of the next one)."""
        return len(self.answers)

    @property
    def asked(self) -> frozenset[str]:
        return frozenset(question for question, _ in self.answers)

    def answer(self, question: str, value: Any) -> Interview:
        """Return the interview with one more answer."""
        return Interview((*self.answers, (question, value)))

    def back(self) -> Interview:
        """Return the interview without its last answer."""
        return Interview(self.answers[:-1])

    def facts(self) -> Facts:
        """Turn the answers into the facts the rules engine reads."""
        facts = Facts()
        for question, value in self.answers:
            facts = _apply(facts, question, value)
        return facts


def _apply(facts: Facts, question: str, value: Any) -> Facts:
    if value is None:
        return facts
    if question == AGE:
        return (
            replace(facts, birth_date=value)
            if isinstance(value, date)
            else replace(facts, age=value)
        )
    if question == PLACE:
        if value in (IN_NRW, OUTSIDE_NRW):
            return replace(facts, lives_in_nrw=value == IN_NRW)
        return replace(facts, municipality=value)
    return replace(facts, **{question: value})


def valid(question: str, value: Any, content: Content) -> bool:
    """Say whether a pressed value is one the question offers (buttons may be old or forged)."""
    if value is None:
        return True
    if question == STATUS:
        return value in STATUSES
    if question == GERMAN:
        return value in GERMAN_LEVELS
    if question == SCHOOL:
        return isinstance(value, bool)
    if question == PLACE:
        return value in (IN_NRW, OUTSIDE_NRW) or value in content.municipalities
    return question == AGE


def next_question(
    content: Content, interview: Interview, on: date
) -> tuple[str | None, list[Verdict]]:
    """Return the next question still needed for a verdict (None: done) and the verdicts so far.

    A question already answered (also with "I don't know") is not asked again.
    Raises FactError when the answers cannot all be true.
    """
    verdicts = check(content, interview.facts(), on)
    asked = interview.asked
    still_open = [
        replace(v, missing=tuple(f for f in v.missing if QUESTION_OF.get(f, f) not in asked))
        for v in verdicts
    ]
    fact = next_fact(still_open)
    return (QUESTION_OF[fact] if fact is not None else None), verdicts
