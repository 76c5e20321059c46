"""Understand typed answers: an age or a birth date in the user's local format, and choices.

No telegram here. Digits may be written in any script ("٢٣", "۲۳"); the order of day, month
and year follows the language's short date pattern from Babel (English as written in
Germany and Britain: day first). A four-digit year written first is always ISO (1998-11-24).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Any

from babel.dates import get_date_format

from bot.catalog.schema import GERMAN_LEVELS, STATUSES
from bot.eligibility.engine import FactError, age_on
from bot.eligibility.interview import AGE, GERMAN, SCHOOL, STATUS
from bot.eligibility.words import STATUS_NAMES
from bot.i18n import Translator

#: Locales whose date order we use for a language (English: day first, as in Germany).
DATE_LOCALES = {"en": "en_GB"}
#: The example birth date the age question shows.
EXAMPLE = date(1998, 11, 24)
MAX_AGE = 120
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u2066\u2067\u2068\u2069\u202a\u202b\u202c"))
#: . / - Arabic separators or a comma, with spaces around, or spaces alone (each space is
#: matched one way only, so that a long run of spaces costs no backtracking).
_SEP = r"(?:\s*[./\-\u066b\u066c\u060c,]\s*|\s+)"
_DATE = re.compile(rf"^\s*(\d{{1,4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,4}})\s*(?:\.\s*)?$")
_NUMBER = re.compile(r"(?:(-)\s*)?(\d+)")


def ascii_digits(text: str) -> str:
    """Write every decimal digit (Arabic-Indic, Persian, ...) as 0-9 and drop direction marks."""
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text.translate(_MARKS)
    )


@cache
def date_order(lang: str) -> str:
    """Return the order of day, month and year in lang's short date format, e.g. "dmy"."""
    pattern = get_date_format("short", locale=DATE_LOCALES.get(lang, lang)).pattern
    letters = [ch for ch in re.sub(r"'[^']*'", "", pattern) if ch in "dMy"]
    order = "".join(dict.fromkeys(ch.lower() for ch in letters))
    return order if sorted(order) == ["d", "m", "y"] else "dmy"


def date_example(lang: str, day: date = EXAMPLE) -> str:
    """Write day as people of lang type a birth date (24.11.1998, 24/11/1998, 1998/11/24)."""
    pattern = get_date_format("short", locale=DATE_LOCALES.get(lang, lang)).pattern
    separator = next((ch for ch in pattern if ch in "./-"), ".")
    parts = {"d": f"{day.day:02d}", "m": f"{day.month:02d}", "y": f"{day.year:04d}"}
    return separator.join(parts[field] for field in date_order(lang))


def _full_year(year: int, digits: int, today: date) -> int:
    """Read a two-digit year as the most recent year that is not in the future."""
    if digits > 2:
        return year
    century = today.year - today.year % 100
    return century + year if century + year <= today.year else century - 100 + year


def parse_date(text: str, lang: str, today: date) -> date | None:
    """Read a date typed in lang's format; None if text is not shaped like a date.

    Raises FactError("no_such_date") for a date that does not exist (30.02.2000).
    """
    match = _DATE.match(ascii_digits(text))
    if match is None:
        return None
    groups = match.groups()
    if len(groups[0]) == 4:
        year, month, day = groups
        digits = 4
    else:
        order = date_order(lang)
        if order[0] == "y" and len(groups[2]) == 4:
            order = "dmy"  # a Persian user typing the year last
        values = dict(zip(order, groups, strict=True))
        year, month, day = values["y"], values["m"], values["d"]
        digits = len(year)
    try:
        return date(_full_year(int(year), digits, today), int(month), int(day))
    except ValueError:
        raise FactError("no_such_date", date=text.strip()) from None


def parse_age(text: str, lang: str, today: date) -> int | date:
    """Read an age ("23", "23 Jahre", "٢٣") or a birth date; raise FactError when impossible."""
    born = parse_date(text, lang, today)
    if born is not None:
        if born > today:
            raise FactError("birth_date_in_future", birth_date=text.strip())
        if age_on(born, today) > MAX_AGE:
            raise FactError("age_out_of_range", age=age_on(born, today))
        return born
    numbers = _NUMBER.findall(ascii_digits(text))
    if len(numbers) != 1:
        raise FactError("not_a_number", example=date_example(lang))
    sign, digits = numbers[0]
    age = int(sign + digits)
    if not 0 <= age <= MAX_AGE:
        raise FactError("age_out_of_range", age=age)
    return age


def fold(text: str) -> str:
    """Fold a short answer for comparing it with button labels."""
    text = unicodedata.normalize("NFKC", text.translate(_MARKS)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def choose(text: str, choices: Iterable[tuple[Any, str]]) -> tuple[Any] | None:
    """Return (value,) for the first choice whose label the typed text names, else None."""
    typed = fold(text)
    return next(((value,) for value, label in choices if typed and fold(label) == typed), None)


def _choices(question: str, t: Translator) -> list[tuple[Any, str]]:
    """The labels a typed answer may name, in the user's language and in English."""
    if question == STATUS:
        return [(s, name) for s in STATUSES for name in (t(STATUS_NAMES[s]), STATUS_NAMES[s], s)]
    if question == SCHOOL:
        return [(True, t("Yes")), (False, t("No")), (True, "yes"), (False, "no")]
    if question == GERMAN:
        return [(level, level) for level in GERMAN_LEVELS] + [("none", t("No German yet"))]
    return []


def dont_know(text: str, t: Translator) -> bool:
    """Say whether the typed text is "I don't know" (in the user's language or in English)."""
    return choose(text, [(None, t("I don't know")), (None, "I don't know")]) is not None


def understand(question: str, text: str, t: Translator, today: date) -> Any:
    """Read a typed answer to question (None: "I don't know"); raise FactError when unreadable."""
    if dont_know(text, t):
        return None
    if question == AGE:
        return parse_age(text, t.lang, today)
    chosen = choose(text, _choices(question, t))
    if chosen is None:
        raise FactError("choose_a_button")
    return chosen[0]
