"""Understand a typed question about one person's eligibility ("My client is 24 with a
Duldung, can he join?"): whether it is one, and which facts it gives.

No telegram here. The words live in `freetext.yaml` (data, per language; see vocabulary.py).
A question counts when it asks whether someone may take part, names one concrete person and
names at least one fact; a general question ("Who can take part in Durchstarten?") does
not. A fact named in two ways ("Duldung und Gestattung") or impossibly (age 300) is left out
and listed as unclear, so that the check asks for it. Only the message's first MAX_CHARS
characters (and MAX_WORDS words) are read, and every step is linear in them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from bot.answers.normalise import normalise
from bot.catalog.schema import Content
from bot.eligibility.engine import FactError, Facts, age_on
from bot.eligibility.phrases import Forms, Match, forms, longest
from bot.eligibility.typed import MAX_AGE, ascii_digits, parse_date
from bot.eligibility.vocabulary import Words, places, words

#: Only the start of a message is read (a Telegram message has at most 4,096 characters),
#: and of that at most MAX_WORDS words: a question about one person is short.
MAX_CHARS, MAX_WORDS = 4096, 400
#: How many words may stand between a negation and its fact (before it, after it), between
#: "born" and the date, and between a school word and a word saying it is still wanted.
NEGATION_BEFORE, NEGATION_AFTER, BORN_REACH, WANTS_REACH = 2, 1, 3, 3
#: Markers put into the text for a sentence break and for a date (letters only, so that
#: folding keeps each as one word).
STOP, DATE = "qxstopqx", "qxdateqx"
#: A number with more digits is no age when only its neighbours make it one.
AGE_DIGITS = 3
#: The word that joins tens and units in Arabic and Persian ("بیست و چهار").
AND = "\u0648"
_DATES = re.compile(r"(?<![\d./-])\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?!\d)")
_STOPS = re.compile('[.,;:!?()\\[\\]{}"«»“”„\n\u060c\u061b\u061f]+')
_LEVEL = re.compile("[abc][12]")
#: What may follow "ist 24" for the number to be an age: a sentence goes on with a word
#: under `after` ("und", "with") or with a phrase of the question or of another fact.
_GOES_ON = ("after", "asks", "person", "status", "school", "nrw", "outside", "place")

T = TypeVar("T")


@dataclass(frozen=True)
class Reading:
    """What a question about one person gives: facts, and the facts named but unclear."""

    facts: Facts
    unclear: tuple[str, ...] = ()


@dataclass
class _Question:
    """A question's folded words, its dates as typed, and where the data's phrases are."""

    words: list[str]
    dates: list[str]
    forms: list[Forms] = field(init=False)
    found: dict[str, list[Match]] = field(default_factory=lambda: defaultdict(list))
    ends: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    starts: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def __post_init__(self) -> None:
        self.forms = [forms(word) for word in self.words]

    def add(self, matches: Iterable[Match]) -> None:
        for match in matches:
            self.found[match.kind].append(match)
            self.ends[match.kind].add(match.end)
            self.starts[match.kind].add(match.start)

    def stop(self, position: int) -> bool:
        """Say whether a sentence breaks (or the text begins or ends) at this word."""
        return not 0 <= position < len(self.words) or self.words[position] == STOP

    def _open(self, start: int, end: int) -> bool:
        """Say whether nothing between two words ends a negation's reach."""
        return not any(self.stop(p) or p in self.starts["negation_stop"] for p in range(start, end))

    def negated(self, match: Match) -> bool:
        """Say whether a negation ("kein", "no", "بدون", "yok") belongs to the match."""
        before = range(max(0, match.start - NEGATION_BEFORE), match.start + 1)
        after = range(match.end, match.end + NEGATION_AFTER + 1)
        return any(
            p in self.ends["negation_before"] and self._open(p, match.start) for p in before
        ) or any(p in self.starts["negation_after"] and self._open(match.end, p) for p in after)

    def near(self, kind: str, start: int, end: int, reach: int) -> bool:
        """Say whether a phrase of kind ends or starts within reach words of start..end."""
        return any(p in self.ends[kind] for p in range(start - reach, start + 1)) or any(
            p in self.starts[kind] for p in range(end, end + reach + 1)
        )


def _one(values: Iterable[T]) -> tuple[T | None, bool]:
    """The one value named, and whether different values were named (then None)."""
    distinct = list(dict.fromkeys(values))
    return (distinct[0] if len(distinct) == 1 else None), len(distinct) > 1


def _question(text: str) -> _Question:
    """Fold the start of text into words, with markers for sentence breaks and dates.

    Folding is capped too: NFKC makes up to 18 letters of one character ("ﷺ").
    """
    digits = ascii_digits(text[:MAX_CHARS])
    marked = _STOPS.sub(f" {STOP} ", _DATES.sub(f" {DATE} ", digits))
    folded = normalise(marked, limit=MAX_CHARS).split()[:MAX_WORDS]
    return _Question(folded, _DATES.findall(digits))


def _numbers(question: _Question, table: Mapping[str, int]) -> Iterator[tuple[int, int, int]]:
    """(start, end, value) of each number: digits, or number words that add up."""
    found, position = question.words, 0
    while position < len(found):
        word = found[position]
        if word.isdigit():
            value = int(word) if len(word) <= AGE_DIGITS else MAX_AGE + 1
            yield position, position + 1, value
            position += 1
            continue
        first = _number_word(question.forms[position], table)
        if first is None:
            position += 1
            continue
        nxt = (
            position + 2
            if position + 1 < len(found) and found[position + 1] == AND
            else position + 1
        )
        second = _number_word(question.forms[nxt], table) if nxt < len(found) else None
        if second is not None and _adds_up(first, second):
            yield position, nxt + 1, first + second
            position = nxt + 1
        else:
            yield position, position + 1, first
            position += 1


def _number_word(word_forms: Forms, table: Mapping[str, int]) -> int | None:
    return next((table[form] for form in word_forms if form in table), None)


def _adds_up(first: int, second: int) -> bool:
    """Tens and units in either order ("twenty four", "أربعة وعشرون", "dix sept")."""
    return (first % 10 == 0 and second < 10) or (first < 10 and second % 10 == 0)


def _is_age(question: _Question, start: int, end: int, digits: int) -> bool:
    """Say whether the number at start..end is an age, by the words around it."""
    if end in question.starts["unit"]:
        return True  # "24 Jahre", "24-year-old", "٢٤ سنة"
    if digits > AGE_DIGITS:
        return False
    ends_here = question.stop(end) or any(end in question.starts[kind] for kind in _GOES_ON)
    if (start in question.ends["cue"] or start in question.ends["approx"]) and ends_here:
        return True  # "er ist 24 und ...", "aged 24.", "über 27, ..."
    return question.stop(start - 1) and question.stop(end)  # "Klient (24), Duldung"


def _digits(word: str) -> int:
    return len(word) if word.isdigit() else 0


def _ages(question: _Question, table: Mapping[str, int]) -> list[int | None]:
    """The ages named; None for one that is no exact age ("über 27", "almost 18")."""
    return [
        None if start in question.ends["approx"] else value
        for start, end, value in _numbers(question, table)
        if _is_age(question, start, end, _digits(question.words[start]))
    ]


def _births(question: _Question, lang: str, today: date) -> list[date | None]:
    """The birth dates named ("geboren am 24.11.2001", "am 24.11.2001 geboren"); None for
    one that cannot be (30.02.2001, a date in the future)."""
    typed = iter(question.dates)
    born: list[date | None] = []
    for position, word in enumerate(question.words):
        raw = next(typed, None) if word == DATE else None
        if raw is None or not question.near("born", position, position + 1, BORN_REACH):
            continue
        try:
            day = parse_date(raw, lang, today)
        except FactError:
            day = None
        ok = day is not None and day <= today and age_on(day, today) <= MAX_AGE
        born.append(day if ok else None)
    return born


def _age_facts(question: _Question, lang: str, today: date, known: Words) -> tuple[Facts, bool]:
    """The age or birth date named, and whether what was named is unclear."""
    ages = _ages(question, known.numbers.get(lang, {}))
    births = _births(question, lang, today)
    age, several_ages = _one(a for a in ages if a is not None and 0 <= a <= MAX_AGE)
    born, several_births = _one(b for b in births if b is not None)
    unclear = several_ages or several_births or None in births or None in ages
    unclear = unclear or any(a is not None and not 0 <= a <= MAX_AGE for a in ages)
    if born is not None and age is not None and age_on(born, today) != age:
        unclear = True
    if unclear:
        return Facts(), True
    return (Facts(birth_date=born) if born else Facts(age=age)), False


def _status(question: _Question) -> tuple[str | None, bool]:
    named = longest(question.found["status"] + question.found["not_status"])
    return _one(m.value for m in named if m.kind == "status" and not question.negated(m))


def _school(question: _Question) -> tuple[bool | None, bool]:
    named = [
        m
        for m in longest(question.found["school"])
        if not question.near("wants", m.start, m.end, WANTS_REACH)
    ]
    return _one(not question.negated(m) for m in named)


def _german(question: _Question) -> tuple[str | None, bool]:
    return _one(word.upper() for word in question.words if _LEVEL.fullmatch(word))


def _town(question: _Question) -> tuple[str | None, bool]:
    def placed(match: Match) -> bool:
        return not match.value[1] or (
            match.start in question.ends["preposition"]
            or match.end in question.starts["postposition"]
        )

    named = [m for m in longest(question.found["place"]) if placed(m)]
    return _one(m.value[0] for m in named if not question.negated(m))


def _in_nrw(question: _Question) -> tuple[bool | None, bool]:
    nrw = [not question.negated(m) for m in question.found["nrw"]]
    elsewhere = [False for m in question.found["outside"] if not question.negated(m)]
    return _one(nrw + elsewhere)


def _facts(question: _Question, lang: str, today: date, known: Words) -> Reading:
    """Read every fact the question names; the unclear ones are left out and listed."""
    facts, age_unclear = _age_facts(question, lang, today, known)
    unclear = ["age"] if age_unclear else []
    status, several = _status(question)
    unclear += ["residence_status"] if several else []
    town, several_towns = _town(question)
    in_nrw, several_places = _in_nrw(question)
    if town is not None and in_nrw is False:
        town, in_nrw, several_towns = None, None, True
    unclear += ["municipality"] if several_towns or several_places else []
    school, several = _school(question)
    unclear += ["has_school_certificate"] if several else []
    level, several = _german(question)
    unclear += ["german_level"] if several else []
    return Reading(
        Facts(
            age=facts.age,
            birth_date=facts.birth_date,
            residence_status=status,
            lives_in_nrw=None if town else in_nrw,
            municipality=town,
            has_school_certificate=school,
            german_level=level,
        ),
        tuple(unclear),
    )


def understand(
    text: str, lang: str, content: Content, today: date, known: Words | None = None
) -> Reading | None:
    """Return the facts a question about one person's eligibility gives; None for any
    other text (a general question, a question about something else, no fact at all)."""
    known = known or words()
    question = _question(text)
    question.add(known.lexicon.find(question.forms))
    if not (question.found["asks"] and question.found["person"]):
        return None
    question.add(places(content, known).find(question.forms))
    reading = _facts(question, lang, today, known)
    if reading.facts == Facts() and not reading.unclear:
        return None
    return reading
