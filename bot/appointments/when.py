"""Typed appointment times, in the user's language, to aware UTC datetimes (or why not).

Case, accents and other marks (Arabic harakat too), Arabic-Indic and Persian digits, the
zero-width non-joiner, apostrophes, dots in names and extra spaces do not matter; a comma
after a word is ignored. Understood:

Days
  - ISO ``2026-11-24``; day first with dots or slashes: ``24.11.2026``, ``24.11.26``,
    ``24.11.``, ``24.11``, ``24/11/2026``, ``24/11`` (never the US month/day order).
  - A day and a CLDR month name (wide or abbreviated, format or stand-alone, so the
    genitive ``24 ноября``, ``24 листопада``; Levantine Arabic ``تشرين الثاني`` too), either
    way round, with an optional four-digit year: ``24. November``, ``24 nov 2026``,
    ``1er décembre``, ``Nov 24``.
  - Today, tomorrow and the day after tomorrow (`RELATIVE_DAYS`).
  - CLDR weekday names and abbreviations (``Di``, ``Dienstag``, ``tue``, ``mardi``, ``вт``,
    ``вівторок``, ``salı``, ``الثلاثاء``, ``سه‌شنبه``), in Russian and Ukrainian also the
    accusative (``в среду``, ``у пʼятницю``). A weekday may stand before a date
    (``Di 24.11.``); it must then be that date's weekday.
  - Each optionally after a word like "am", "on", "le", "в", "يوم" (`DAY_WORDS`).

Times
  - ``14:00``, ``9.30``, ``14h``, ``14h30``, ``14 Uhr``, ``14:30 Uhr``, ``2pm``,
    ``2:30 p.m.`` and the language's CLDR am/pm (``2:30 م``, ``2:30 ب.ظ.``, ``2:30 ÖS``),
    optionally after a word like "um", "at", "à", "saat", "الساعة", "ساعت" (`TIME_WORDS`).
  - A bare hour is never a time (``morgen 9``, ``um 9``): it could be 9:00 or 21:00, so
    it needs "Uhr", "h", am or pm. am/pm only follow the hours 1 to 12.

A day and a time, in either order (``morgen 14 Uhr``, ``14 Uhr morgen``), ISO
``2026-11-24T14:00``, or a time alone. Names are looked up in the user's language first,
then in German (letters and text messages in Germany) and English.

Resolved in the user's time zone, relative to ``now``:
  - a time alone is today if still ahead, else tomorrow;
  - a weekday is the next such day, today only if the time is still ahead (without a
    time, for `local_day`, today's weekday is today);
  - a date without a year is this year if today or later, else next year (``29.02.``: the
    next leap year);
  - ``a.b`` without a final dot is a day when a time follows (``24.11 9:00``); otherwise
    a time if it can be one (``9.30``; ``10.11`` is 10:11), else a day (``24.11``, which
    then lacks a time). For `local_day` it is always a day.

Not understood: bare hours, seconds, time zones or offsets in the text, month/day order,
Solar Hijri (Persian) dates, words for parts of the day ("morgens", "вечера"), Turkish
postpositions ("salı günü", "14:00'te") and other relative phrases ("in 2 Tagen", "next
week").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names, get_month_names, get_period_names

#: Today (0), tomorrow (1) and the day after (2) per language. Spellings that differ only
#: in case, marks, spaces, apostrophes, hyphens or the ZWNJ need no entry (غدا = غداً).
RELATIVE_DAYS: dict[str, dict[str, int]] = {
    "de": {"heute": 0, "morgen": 1, "übermorgen": 2},
    "en": {"today": 0, "tomorrow": 1, "day after tomorrow": 2},
    "fr": {"aujourd'hui": 0, "demain": 1, "après-demain": 2},
    "tr": {"bugün": 0, "yarın": 1, "öbür gün": 2},
    "ru": {"сегодня": 0, "завтра": 1, "послезавтра": 2},
    "uk": {"сьогодні": 0, "завтра": 1, "післязавтра": 2},
    "ar": {"اليوم": 0, "غدا": 1, "بكرة": 1, "بعد غد": 2, "بعد بكرة": 2},
    "fa": {"امروز": 0, "فردا": 1, "پس‌فردا": 2},
    "ps": {"نن": 0, "سبا": 1, "بل سبا": 2},
    "ku": {"îro": 0, "sibê": 1, "dusibê": 2},
    "ti": {"ሎሚ": 0, "ጽባሕ": 1, "ድሕሪ ጽባሕ": 2},
    "so": {"maanta": 0, "berri": 1, "saadambe": 2},
}
#: Words that may stand before a day: "am Dienstag", "le 24 novembre", "в среду".
DAY_WORDS: dict[str, tuple[str, ...]] = {
    "de": ("am",),
    "en": ("on",),
    "fr": ("le",),
    "ru": ("в", "во"),
    "uk": ("в", "у"),
    "ar": ("يوم",),
    "fa": ("روز",),
}
#: Words that may stand before a time: "um 14 Uhr", "at 2pm", "saat 10:30".
TIME_WORDS: dict[str, tuple[str, ...]] = {
    "de": ("um",),
    "en": ("at",),
    "fr": ("à",),
    "tr": ("saat",),
    "ru": ("в",),
    "uk": ("о", "об"),
    "ar": ("الساعة",),
    "fa": ("ساعت",),
    "ku": ("saet",),
    "ti": ("ሰዓት",),
    "so": ("saacadda",),
}
#: Words after a number that make it a time of day in every language ("14 Uhr", "14h").
CLOCK_WORDS = ("uhr", "h")
#: Languages whose words are understood after the user's own.
FALLBACK = ("de", "en")
#: CLDR locales whose names count for a language (Syria and Iraq name the months apart).
LOCALES = {"ar": ("ar", "ar_SY")}
#: Weekday endings that change in the accusative ("среда" → "в среду", "неділя" → "у неділю").
ACCUSATIVE = {"ru": {"а": "у", "я": "ю"}, "uk": {"а": "у", "я": "ю"}}

_LONGEST_NAME = 3  # tokens: "day after tomorrow", "تشرين الثاني"
#: Tokens read at most: a day and a time take 12 at most ("am" weekday day month year, "um"
#: hour am/pm, names of up to three), so more only tell that the text is more than that.
_MAX_TOKENS = 32
_NEXT_LEAP = 9  # years to look ahead for a day without a year (29.02.)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_FOLD = str.maketrans(
    {"ı": "i", "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ـ": None}
    | dict.fromkeys(" \u200c\u200d'’ʼ`-.", None)
)
_TRAILING = ",;،؛"
_ISO_DATE_TIME = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})t(.+)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})([./])(\d{1,2})(?:\2(\d{4}|\d{2})?)?")
_DAY_NUMBER = re.compile(r"(\d{1,2})(?:\.|st|nd|rd|th|er)?")
_YEAR = re.compile(r"\d{4}")
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2})|h(\d{2}))?(.*)")
_SEPARATORS = re.compile(r"^[\s,;:|\-–—،؛]+")

_T = TypeVar("_T")
_R = TypeVar("_R")


class WhenError(ValueError):
    """Why a typed time cannot be used; `code` is one of: "unknown" (not understood),
    "no_time" (a day but no time of day), "invalid_date" (e.g. 31.02., 25:00),
    "past", "nonexistent" (skipped by a daylight-saving change, e.g. 29.03.2026 02:30
    Europe/Berlin), "ambiguous" (happens twice, e.g. 25.10.2026 02:30 Europe/Berlin)."""

    code: str

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class _Token:
    """One word of the input: `norm` for numbers, `key` for names, `end` in the raw text."""

    norm: str
    key: str
    end: int


@dataclass(frozen=True)
class _Lexicon:
    """The words of one language (and the fallbacks), by their keys."""

    weekdays: dict[str, int]
    months: dict[str, int]
    relative: dict[str, int]
    day_words: frozenset[str]
    time_words: frozenset[str]
    suffixes: dict[str, str]  # "" for a 24-hour clock word, else "am" or "pm"


@dataclass(frozen=True)
class _Relative:
    """Today (0), tomorrow (1) or the day after (2)."""

    offset: int


@dataclass(frozen=True)
class _Weekday:
    """The next such weekday (0 = Monday)."""

    weekday: int


@dataclass(frozen=True)
class _Calendar:
    """A date; without a year the next one; with a weekday that must match."""

    month: int
    day: int
    year: int | None = None
    weekday: int | None = None


_Day = _Relative | _Weekday | _Calendar


@dataclass(frozen=True)
class _Clock:
    """A typed time of day, not yet checked; `period` is "", "am" or "pm"."""

    hour: int
    minute: int
    period: str


@dataclass(frozen=True)
class _Reading:
    """One way to read the first `end` tokens."""

    day: _Day | None
    clock: _Clock | None
    end: int


_Tokens = Sequence[_Token]


def parse_when(text: str, lang: str, now: datetime, tz: ZoneInfo) -> datetime:
    """Return the aware UTC datetime the user means, `now` being an aware datetime."""
    tokens = _tokens(text)
    readings = [r for r in _readings(tokens, _lexicon(lang)) if r.end == len(tokens)]
    return _first(readings, lambda reading: _moment(reading, now, tz))[0]


def split_when(text: str, lang: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, str]:
    """For one-line commands: parse the longest leading date+time part of `text` and
    return (UTC datetime, the rest stripped), e.g. "2026-11-24 14:00 Jobcenter Termin"
    → (…13:00 UTC, "Jobcenter Termin"). Raises WhenError like parse_when.

    Separators between the two parts ("-", ":", ",") are stripped from the rest too.
    """
    tokens = _tokens(text)
    readings = list(_readings(tokens, _lexicon(lang)))
    longest = max((r.end for r in readings), default=0)
    longest_readings = [r for r in readings if r.end == longest]
    moment, reading = _first(longest_readings, lambda r: _moment(r, now, tz))
    rest = text[tokens[reading.end - 1].end :]
    return moment, _SEPARATORS.sub("", rest).strip()


def local_day(text: str, lang: str, now: datetime, tz: ZoneInfo) -> date:
    """A typed day without time ("morgen", "Di", "24.11."), for a date-picker dialog
    that asks the time separately; raises WhenError("unknown"/"invalid_date"/"past")."""
    tokens = _tokens(text)
    wall_now = _wall_now(now, tz)
    days = [day for day, end in _days(tokens, 0, _lexicon(lang)) if end == len(tokens)]
    found = _first(days, lambda day: _date(day, wall_now, None))[0]
    if found < wall_now.date():
        raise WhenError("past")
    return found


def _first(candidates: Sequence[_T], resolve: Callable[[_T], _R]) -> tuple[_R, _T]:
    """The first candidate that resolves (with its value); else the first one's error."""
    first_error: WhenError | None = None
    for candidate in candidates:
        try:
            return resolve(candidate), candidate
        except WhenError as error:
            first_error = first_error or error
    raise first_error or WhenError("unknown")


# --- words -------------------------------------------------------------------------------


def _normalise(word: str) -> str:
    """NFKC, casefolded, ASCII digits, without a trailing comma."""
    return unicodedata.normalize("NFKC", word).casefold().translate(_DIGITS).rstrip(_TRAILING)


def _key(norm: str) -> str:
    """A normalised word or name without marks, spaces, dots, hyphens, apostrophes, joiners."""
    bare = "".join(c for c in unicodedata.normalize("NFD", norm) if unicodedata.category(c) != "Mn")
    return bare.translate(_FOLD)


def _spelling(word: str) -> str:
    """The key of a word or name as written in a table or by CLDR."""
    return _key(_normalise(word))


def _tokens(text: str) -> list[_Token]:
    """The first `_MAX_TOKENS` words of `text` (an ISO date-time counts as two)."""
    tokens: list[_Token] = []
    for match in re.finditer(r"\S+", text):
        if len(tokens) >= _MAX_TOKENS:
            break
        norm = _normalise(match.group())
        iso = _ISO_DATE_TIME.fullmatch(norm)
        parts = iso.groups() if iso else (norm,)
        tokens.extend(_Token(part, _key(part), match.end()) for part in parts if part)
    return tokens


@lru_cache(maxsize=32)
def _lexicon(lang: str) -> _Lexicon:
    """The words understood for `lang`: its own first, then those of `FALLBACK`."""
    weekdays: dict[str, int] = {}
    months: dict[str, int] = {}
    relative: dict[str, int] = {}
    suffixes = dict.fromkeys(CLOCK_WORDS, "")
    day_words: set[str] = set()
    time_words: set[str] = set()
    for code in dict.fromkeys((lang, *FALLBACK)):
        for locale in _locales(code):
            _add(weekdays, _accusatives(_cldr_names(get_day_names, locale), code))
            _add(months, _cldr_names(get_month_names, locale))
            _add(suffixes, _periods(locale))
        _add(relative, {_spelling(word): n for word, n in RELATIVE_DAYS.get(code, {}).items()})
        day_words.update(map(_spelling, DAY_WORDS.get(code, ())))
        time_words.update(map(_spelling, TIME_WORDS.get(code, ())))
    return _Lexicon(
        weekdays, months, relative, frozenset(day_words), frozenset(time_words), suffixes
    )


def _locales(lang: str) -> list[Locale]:
    """The CLDR locales for `lang`; none when Babel does not know it."""
    try:
        return [Locale.parse(code) for code in LOCALES.get(lang, (lang,))]
    except (UnknownLocaleError, ValueError):
        return []


def _add(target: dict[str, _T], entries: dict[str, _T]) -> None:
    """Add `entries` without overriding words already known."""
    for word, value in entries.items():
        target.setdefault(word, value)


def _cldr_names(getter: Callable[..., dict[int, str]], locale: Locale) -> dict[str, int]:
    """Every wide and abbreviated, format and stand-alone name of `getter`, by key."""
    return {
        _spelling(name): number
        for width in ("wide", "abbreviated")
        for context in ("format", "stand-alone")
        for number, name in getter(width, context, locale).items()
    }


def _accusatives(weekdays: dict[str, int], lang: str) -> dict[str, int]:
    """`weekdays` plus their accusative forms where `lang` has them (среда → среду)."""
    endings = ACCUSATIVE.get(lang, {})
    extra = {key[:-1] + endings[key[-1]]: n for key, n in weekdays.items() if key[-1:] in endings}
    return weekdays | extra


def _periods(locale: Locale) -> dict[str, str]:
    """The CLDR am/pm markers of `locale` (abbreviated and wide), by key."""
    return {
        _spelling(name): period
        for width in ("abbreviated", "wide")
        for period, name in get_period_names(width, "format", locale).items()
        if period in ("am", "pm")
    }


# --- readings ----------------------------------------------------------------------------


def _readings(tokens: _Tokens, lex: _Lexicon) -> Iterator[_Reading]:
    """Every way to read a leading day and/or time, day first."""
    for day, i in _days(tokens, 0, lex):
        yield _Reading(day, None, i)
        for clock, j in _times(tokens, i, lex):
            yield _Reading(day, clock, j)
    for clock, i in _times(tokens, 0, lex):
        yield _Reading(None, clock, i)
        for day, j in _days(tokens, i, lex):
            yield _Reading(day, clock, j)


def _names(tokens: _Tokens, i: int, names: dict[str, int]) -> Iterator[tuple[int, int]]:
    """(value, next index) for each name in `names` spelt by one to three tokens from i."""
    key = ""
    for j in range(i, min(i + _LONGEST_NAME, len(tokens))):
        key += tokens[j].key
        if key in names:
            yield names[key], j + 1


def _days(tokens: _Tokens, i: int, lex: _Lexicon) -> Iterator[tuple[_Day, int]]:
    """Each day read from token i on, maybe after a word like "am"."""
    yield from _bare_days(tokens, i, lex)
    if i < len(tokens) and tokens[i].key in lex.day_words:
        yield from _bare_days(tokens, i + 1, lex)


def _bare_days(tokens: _Tokens, i: int, lex: _Lexicon) -> Iterator[tuple[_Day, int]]:
    """Each relative day, weekday (maybe with a date) or date from token i on."""
    for offset, j in _names(tokens, i, lex.relative):
        yield _Relative(offset), j
    for weekday, j in _names(tokens, i, lex.weekdays):
        yield _Weekday(weekday), j
        for day, k in _dates(tokens, j, lex):
            yield replace(day, weekday=weekday), k
    yield from _dates(tokens, i, lex)


def _dates(tokens: _Tokens, i: int, lex: _Lexicon) -> Iterator[tuple[_Calendar, int]]:
    """Each calendar date from token i on: numeric, or with a month name."""
    if i < len(tokens) and (day := _numeric_date(tokens[i].norm)):
        yield day, i + 1
    if i + 1 < len(tokens) and (number := _DAY_NUMBER.fullmatch(tokens[i].norm)):
        for month, j in _names(tokens, i + 1, lex.months):
            yield from _with_year(_Calendar(month, int(number[1])), tokens, j)
    for month, j in _names(tokens, i, lex.months):
        if j < len(tokens) and (number := _DAY_NUMBER.fullmatch(tokens[j].norm)):
            yield from _with_year(_Calendar(month, int(number[1])), tokens, j + 1)


def _numeric_date(norm: str) -> _Calendar | None:
    """An ISO or day-first date written in digits (two-digit years in 2000-2099), or None."""
    if iso := _ISO_DATE.fullmatch(norm):
        return _Calendar(int(iso[2]), int(iso[3]), int(iso[1]))
    if not (found := _DAY_FIRST_DATE.fullmatch(norm)):
        return None
    year = found[4]
    if year is None:
        return _Calendar(int(found[3]), int(found[1]))
    return _Calendar(int(found[3]), int(found[1]), int(year) + (2000 if len(year) == 2 else 0))


def _with_year(day: _Calendar, tokens: _Tokens, i: int) -> Iterator[tuple[_Calendar, int]]:
    """`day` as it is, and with the four-digit year at token i if there is one."""
    yield day, i
    if i < len(tokens) and _YEAR.fullmatch(tokens[i].norm):
        yield replace(day, year=int(tokens[i].norm)), i + 1


def _times(tokens: _Tokens, i: int, lex: _Lexicon) -> Iterator[tuple[_Clock, int]]:
    """Each time of day read from token i on, maybe after a word like "um"."""
    yield from _bare_times(tokens, i, lex)
    if i < len(tokens) and tokens[i].key in lex.time_words:
        yield from _bare_times(tokens, i + 1, lex)


def _bare_times(tokens: _Tokens, i: int, lex: _Lexicon) -> Iterator[tuple[_Clock, int]]:
    """Each time of day at token i: with minutes, and/or with "Uhr", "h", am or pm."""
    if i >= len(tokens) or not (found := _CLOCK.fullmatch(tokens[i].norm)):
        return
    hour, minutes, attached = int(found[1]), found[2] or found[3], found[4]
    minute = int(minutes or 0)
    if attached:
        period = lex.suffixes.get(_key(attached))
        if period is not None and _fits(hour, period):
            yield _Clock(hour, minute, period), i + 1
        return
    if minutes:
        yield _Clock(hour, minute, ""), i + 1
    if i + 1 < len(tokens):
        period = lex.suffixes.get(tokens[i + 1].key)
        if period is not None and _fits(hour, period):
            yield _Clock(hour, minute, period), i + 2


def _fits(hour: int, period: str) -> bool:
    """Whether `period` can follow `hour`: am and pm only the hours 1 to 12."""
    return not period or 1 <= hour <= 12


# --- resolving ---------------------------------------------------------------------------


def _wall_now(now: datetime, tz: ZoneInfo) -> datetime:
    """`now` as a naive wall-clock time in `tz`."""
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(tz).replace(tzinfo=None)


def _moment(reading: _Reading, now: datetime, tz: ZoneInfo) -> datetime:
    """The UTC moment of `reading`, checked: a real time, not past, once on the clock."""
    wall_now = _wall_now(now, tz)
    clock = _time_of_day(reading.clock) if reading.clock else None
    day = _date(reading.day, wall_now, clock) if reading.day else None
    if clock is None:
        raise WhenError("no_time")
    if day is None:
        today = wall_now.date()
        day = today if datetime.combine(today, clock) > wall_now else today + timedelta(days=1)
    moment = _to_utc(datetime.combine(day, clock), tz)
    if moment < now:
        raise WhenError("past")
    return moment


def _time_of_day(clock: _Clock) -> time:
    """The time `clock` means; invalid_date for 24:00, 25:00, 14:61."""
    hour = clock.hour
    if clock.period:
        hour = hour % 12 + (12 if clock.period == "pm" else 0)
    if hour > 23 or clock.minute > 59:
        raise WhenError("invalid_date")
    return time(hour, clock.minute)


def _date(day: _Day, wall_now: datetime, clock: time | None) -> date:
    """The date `day` means on or after today; a weekday today only if `clock` is ahead."""
    today = wall_now.date()
    if isinstance(day, _Relative):
        return today + timedelta(days=day.offset)
    if isinstance(day, _Weekday):
        ahead = (day.weekday - today.weekday()) % 7
        if ahead == 0 and clock is not None and datetime.combine(today, clock) <= wall_now:
            ahead = 7
        return today + timedelta(days=ahead)
    found = _calendar_date(day, today)
    if day.weekday is not None and found.weekday() != day.weekday:
        raise WhenError("invalid_date")
    return found


def _calendar_date(day: _Calendar, today: date) -> date:
    """The date; without a year the next one from today on that exists."""
    if day.year is not None:
        return _real_date(day.year, day.month, day.day)
    for year in range(today.year, today.year + _NEXT_LEAP):
        try:
            found = date(year, day.month, day.day)
        except ValueError:
            continue
        if found >= today:
            return found
    raise WhenError("invalid_date")


def _real_date(year: int, month: int, day: int) -> date:
    """The date, or invalid_date when there is no such day."""
    try:
        return date(year, month, day)
    except ValueError:
        raise WhenError("invalid_date") from None


def _to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """`wall` in `tz` as UTC; nonexistent or ambiguous at a daylight-saving change."""
    local = wall.replace(tzinfo=tz, fold=0)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise WhenError("nonexistent")
    if local.utcoffset() != wall.replace(tzinfo=tz, fold=1).utcoffset():
        raise WhenError("ambiguous")
    return local.astimezone(UTC)
