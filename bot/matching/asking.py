"""The state of one search for offers: what is known, what was answered, what comes next.

No telegram here. The answers live only as long as the conversation holding them; nothing
in this module stores anything. Facts handed over from a finished eligibility check are
`known`: their questions are not asked again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from bot.catalog.schema import STATUSES, Content
from bot.eligibility import interview as check
from bot.eligibility.engine import FactError, Facts
from bot.eligibility.typed import understand as understand_check
from bot.i18n import SUPPORTED_LANGUAGES, Translator
from bot.matching.engine import Need
from bot.matching.words import OFFER_TYPES

TYPE, PLACE, AGE, STATUS, LANGUAGES = "type", "place", "age", "status", "languages"
#: The questions in the order they are asked.
ORDER = (TYPE, PLACE, AGE, STATUS, LANGUAGES)
#: The languages a person can be said to speak (toggle buttons).
SPOKEN = SUPPORTED_LANGUAGES
#: Where facts handed over by a finished check wait for its "Find offers" button, and how long.
HANDOVER, HANDOVER_TIME = "offer_search_facts", timedelta(minutes=30)


@dataclass(frozen=True)
class Near:
    """A location shared in the chat: the search looks around it instead of in a municipality."""

    lat: float
    lon: float


@dataclass(frozen=True)
class Search:
    """Known facts, the answers given in order (None: "I don't know") and languages ticked."""

    known: Facts = field(default_factory=Facts)
    answers: tuple[tuple[str, Any], ...] = ()
    ticked: tuple[str, ...] = ()

    @property
    def step(self) -> int:
        """How many questions have been answered (it numbers the buttons of the next one)."""
        return len(self.answers)

    def answer(self, question: str, value: Any) -> Search:
        """Return the search with one more answer (and no languages ticked)."""
        return replace(self, answers=(*self.answers, (question, value)), ticked=())

    def back(self) -> Search:
        """Return the search without its last answer."""
        return replace(self, answers=self.answers[:-1], ticked=())

    def toggle(self, lang: str) -> Search:
        """Tick or untick a language at the language question."""
        ticked = set(self.ticked) ^ {lang}
        return replace(self, ticked=tuple(code for code in SPOKEN if code in ticked))

    def next_question(self) -> str | None:
        """Return the first question neither answered nor known from a check (None: done)."""
        answered = {question for question, _ in self.answers}
        known = self.known
        already = {
            PLACE: known.municipality is not None,
            AGE: known.age is not None or known.birth_date is not None,
            STATUS: known.residence_status is not None,
        }
        return next((q for q in ORDER if q not in answered and not already.get(q)), None)

    def need(self) -> Need:
        """Turn the known facts and the answers into what the matching engine reads."""
        facts, offer_type, languages, near = self.known, None, (), None
        for question, value in self.answers:
            if value is None:
                continue
            if question == TYPE:
                offer_type = value
            elif question == LANGUAGES:
                languages = tuple(value)
            elif question == PLACE and isinstance(value, Near):
                near = (value.lat, value.lon)
            elif question == PLACE:
                facts = replace(facts, municipality=value)
            elif question == AGE and isinstance(value, date):
                facts = replace(facts, birth_date=value, age=None)
            elif question == AGE:
                facts = replace(facts, age=value, birth_date=None)
            elif question == STATUS:
                facts = replace(facts, residence_status=value)
        return Need(facts=facts, offer_type=offer_type, languages=languages, near=near)


def valid(question: str, value: Any, content: Content) -> bool:
    """Say whether a pressed value is one the question offers (buttons may be old or forged)."""
    if value is None:
        return question != LANGUAGES
    if question == TYPE:
        return value in OFFER_TYPES
    if question == PLACE:
        return isinstance(value, Near) or value in content.municipalities
    if question == STATUS:
        return value in STATUSES
    if question == LANGUAGES:
        return all(code in SPOKEN for code in value)
    return question == AGE


def understand(question: str, text: str, t: Translator, today: date) -> Any:
    """Read a typed age or status as the check does; raise FactError for anything else."""
    if question not in (AGE, STATUS):
        raise FactError("choose_a_button")
    return understand_check(check.AGE if question == AGE else check.STATUS, text, t, today)


def hand_over(store: dict, facts: Facts) -> None:
    """Keep a finished check's facts in a user's memory store for HANDOVER_TIME."""
    store[HANDOVER] = (facts, time.monotonic() + HANDOVER_TIME.total_seconds())


def forget_expired(store: dict) -> bool:
    """Drop handed-over facts whose time is up; say whether something was dropped."""
    handed = store.get(HANDOVER)
    if handed is not None and time.monotonic() >= handed[1]:
        del store[HANDOVER]
        return True
    return False


def taken_over(store: dict) -> Facts | None:
    """Take the facts a check handed over (None when there are none or they are too old)."""
    facts, until = store.pop(HANDOVER, (None, 0.0))
    return facts if time.monotonic() < until else None
