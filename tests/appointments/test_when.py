"""Typed appointment times in every language: what they mean, and why some cannot be used."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_day_names, get_month_names

from bot.appointments.when import WhenError, local_day, parse_when, split_when

BERLIN = ZoneInfo("Europe/Berlin")
#: A Monday morning; Tuesday is 2026-11-24.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
LANGS = ("de", "en", "ar", "fa", "uk", "tr", "ru", "fr")
WIDTHS = ("wide", "abbreviated")
CONTEXTS = ("format", "stand-alone")


def berlin(wall: str) -> datetime:
    """The UTC moment of a Berlin wall-clock time "YYYY-MM-DD HH:MM"."""
    return datetime.fromisoformat(wall).replace(tzinfo=BERLIN).astimezone(UTC)


def code_of(call: Callable[[], object]) -> str:
    """The WhenError code raised by `call`."""
    with pytest.raises(WhenError) as raised:
        call()
    return raised.value.code


PARSED = [
    # ISO and numeric dates
    ("de", "2026-11-24 14:00", "2026-11-24 14:00"),
    ("en", "2026-11-24T14:00", "2026-11-24 14:00"),
    ("de", "24.11.2026 14:00", "2026-11-24 14:00"),
    ("de", "24.11. 9:00", "2026-11-24 09:00"),
    ("de", "24.11 9:00", "2026-11-24 09:00"),
    ("de", "24.11.26 9:00", "2026-11-24 09:00"),
    ("fr", "24/11/2026 14h", "2026-11-24 14:00"),
    ("tr", "24/11 14:00", "2026-11-24 14:00"),
    ("de", "Dienstag, 24.11.2026, 10:30 Uhr", "2026-11-24 10:30"),
    ("ar", "٢٤.١١.٢٠٢٦ ١٤:٠٠", "2026-11-24 14:00"),
    ("fa", "۲۰۲۶-۱۱-۲۴ ۱۴:۰۰", "2026-11-24 14:00"),
    # a date without a year is the next such date
    ("de", "1.1. 10:00", "2027-01-01 10:00"),
    ("de", "22.11. 10:00", "2027-11-22 10:00"),
    ("de", "23.11. 11:00", "2026-11-23 11:00"),
    # a time alone: today if still ahead, else tomorrow
    ("de", "14:00", "2026-11-23 14:00"),
    ("de", "9:00", "2026-11-24 09:00"),
    ("de", "10:00", "2026-11-24 10:00"),
    ("de", "9.30", "2026-11-24 09:30"),
    ("de", "10.11", "2026-11-23 10:11"),
    ("de", "14 Uhr", "2026-11-23 14:00"),
    ("de", "14:30 Uhr", "2026-11-23 14:30"),
    ("de", "14uhr", "2026-11-23 14:00"),
    ("fr", "14h", "2026-11-23 14:00"),
    ("fr", "14h30", "2026-11-23 14:30"),
    ("en", "2pm", "2026-11-23 14:00"),
    ("en", "2:30 pm", "2026-11-23 14:30"),
    ("en", "2 p.m.", "2026-11-23 14:00"),
    ("en", "9am", "2026-11-24 09:00"),
    ("en", "12am", "2026-11-24 00:00"),
    ("en", "12pm", "2026-11-23 12:00"),
    ("en", "14:00", "2026-11-23 14:00"),
    ("ar", "2:30 م", "2026-11-23 14:30"),
    ("fa", "2:30 ب.ظ.", "2026-11-23 14:30"),
    ("tr", "2:30 ÖS", "2026-11-23 14:30"),
    ("uk", "2:30 пп", "2026-11-23 14:30"),
    # today, tomorrow, the day after
    ("en", "tomorrow 2pm", "2026-11-24 14:00"),
    ("en", "tomorrow at 2pm", "2026-11-24 14:00"),
    ("en", "today 6pm", "2026-11-23 18:00"),
    ("en", "day after tomorrow 9am", "2026-11-25 09:00"),
    ("de", "morgen 14 Uhr", "2026-11-24 14:00"),
    ("de", "Morgen um 14:00", "2026-11-24 14:00"),
    ("de", "heute 18:00", "2026-11-23 18:00"),
    ("de", "übermorgen 9 Uhr", "2026-11-25 09:00"),
    ("de", "Übermorgen 9h", "2026-11-25 09:00"),
    ("de", "14 Uhr morgen", "2026-11-24 14:00"),
    ("fr", "demain à 14h", "2026-11-24 14:00"),
    ("fr", "aujourd'hui 18h", "2026-11-23 18:00"),
    ("fr", "aujourd’hui 18h", "2026-11-23 18:00"),
    ("fr", "après-demain 10h30", "2026-11-25 10:30"),
    ("fr", "apres demain 10h30", "2026-11-25 10:30"),
    ("tr", "bugün 18:00", "2026-11-23 18:00"),
    ("tr", "yarın saat 14:00", "2026-11-24 14:00"),
    ("tr", "yarin 14:00", "2026-11-24 14:00"),
    ("tr", "öbür gün 9:00", "2026-11-25 09:00"),
    ("ru", "сегодня 18:00", "2026-11-23 18:00"),
    ("ru", "Завтра в 14:00", "2026-11-24 14:00"),
    ("ru", "послезавтра 10:30", "2026-11-25 10:30"),
    ("uk", "сьогодні 18:00", "2026-11-23 18:00"),
    ("uk", "завтра о 14:00", "2026-11-24 14:00"),
    ("uk", "післязавтра 10:30", "2026-11-25 10:30"),
    ("ar", "اليوم 18:00", "2026-11-23 18:00"),
    ("ar", "غدا 10:30", "2026-11-24 10:30"),
    ("ar", "غداً الساعة 10:30", "2026-11-24 10:30"),
    ("ar", "بكرة 10:30", "2026-11-24 10:30"),
    ("ar", "بعد غد 10:30", "2026-11-25 10:30"),
    ("fa", "امروز 18:00", "2026-11-23 18:00"),
    ("fa", "فردا ساعت ۱۰:۳۰", "2026-11-24 10:30"),
    ("fa", "پس‌فردا 10:30", "2026-11-25 10:30"),
    ("fa", "پس فردا 10:30", "2026-11-25 10:30"),
    # the four languages coming next: their own words and CLDR weekday names
    ("ps", "سبا 14:00", "2026-11-24 14:00"),
    ("ps", "بل سبا 10:30", "2026-11-25 10:30"),
    ("ps", "سه شنبه 10:30", "2026-11-24 10:30"),
    ("ku", "sibê 14:00", "2026-11-24 14:00"),
    ("ku", "îro saet 18:00", "2026-11-23 18:00"),
    ("ku", "sêşem 10:30", "2026-11-24 10:30"),
    ("ti", "ጽባሕ 14:00", "2026-11-24 14:00"),
    ("ti", "ሎሚ ሰዓት 18:00", "2026-11-23 18:00"),
    ("ti", "ሰሉስ 10:30", "2026-11-24 10:30"),
    ("so", "berri 14:00", "2026-11-24 14:00"),
    ("so", "maanta saacadda 18:00", "2026-11-23 18:00"),
    ("so", "Talaado 10:30", "2026-11-24 10:30"),
    # weekdays: the next such day
    ("de", "Di 10:30", "2026-11-24 10:30"),
    ("de", "Di. 10:30", "2026-11-24 10:30"),
    ("de", "Dienstag 10:30", "2026-11-24 10:30"),
    ("de", "am Dienstag um 10:30 Uhr", "2026-11-24 10:30"),
    ("en", "tue 10:30", "2026-11-24 10:30"),
    ("en", "Tuesday 10:30", "2026-11-24 10:30"),
    ("en", "on Tuesday at 10:30 am", "2026-11-24 10:30"),
    ("fr", "mardi 10h30", "2026-11-24 10:30"),
    ("fr", "mar. 10h30", "2026-11-24 10:30"),
    ("ru", "вт 10:30", "2026-11-24 10:30"),
    ("ru", "во вторник в 10:30", "2026-11-24 10:30"),
    ("ru", "в среду 10:30", "2026-11-25 10:30"),
    ("uk", "вівторок 10:30", "2026-11-24 10:30"),
    ("uk", "у пʼятницю 9:00", "2026-11-27 09:00"),
    ("uk", "п'ятниця 9:00", "2026-11-27 09:00"),
    ("tr", "salı 10:30", "2026-11-24 10:30"),
    ("tr", "SALI 10:30", "2026-11-24 10:30"),
    ("tr", "Çarşamba 10:30", "2026-11-25 10:30"),
    ("ar", "الثلاثاء 10:30", "2026-11-24 10:30"),
    ("ar", "يوم الثلاثاء الساعة 10:30", "2026-11-24 10:30"),
    ("ar", "الجمعه 10:00", "2026-11-27 10:00"),
    ("fa", "سه‌شنبه 10:30", "2026-11-24 10:30"),
    ("fa", "سه شنبه ۱۰:۳۰", "2026-11-24 10:30"),
    ("fa", "پنج‌شنبه ساعت 9:00", "2026-11-26 09:00"),
    ("de", "Mo 11:00", "2026-11-23 11:00"),
    ("de", "Mo 9:00", "2026-11-30 09:00"),
    ("de", "Montag 10:00", "2026-11-30 10:00"),
    ("de", "So 10 Uhr", "2026-11-29 10:00"),
    # German and English words in every language
    ("ru", "morgen 14 Uhr", "2026-11-24 14:00"),
    ("ar", "Di 10:30", "2026-11-24 10:30"),
    ("fa", "tomorrow 2pm", "2026-11-24 14:00"),
    # a day and a month name, either way round
    ("de", "24. November 14:00", "2026-11-24 14:00"),
    ("de", "24. Nov. 2026 14:00", "2026-11-24 14:00"),
    ("de", "3. März 9:00", "2027-03-03 09:00"),
    ("en", "24 nov 14:00", "2026-11-24 14:00"),
    ("en", "Nov 24 2pm", "2026-11-24 14:00"),
    ("en", "November 24th, 2026 2pm", "2026-11-24 14:00"),
    ("fr", "24 novembre 14h", "2026-11-24 14:00"),
    ("fr", "le 1er décembre à 9h", "2026-12-01 09:00"),
    ("fr", "mardi 24 nov. à 14h", "2026-11-24 14:00"),
    ("ru", "24 ноября 14:00", "2026-11-24 14:00"),
    ("ru", "24 нояб. 14:00", "2026-11-24 14:00"),
    ("uk", "24 листопада 14:00", "2026-11-24 14:00"),
    ("tr", "24 Kasım 14:00", "2026-11-24 14:00"),
    ("tr", "24 kasim 2026 saat 14:00", "2026-11-24 14:00"),
    ("ar", "24 نوفمبر 14:00", "2026-11-24 14:00"),
    ("ar", "24 تشرين الثاني 14:00", "2026-11-24 14:00"),
    ("fa", "۲۴ نوامبر ۱۴:۰۰", "2026-11-24 14:00"),
]


@pytest.mark.parametrize(("lang", "text", "expected"), PARSED)
def test_parse_when(lang: str, text: str, expected: str) -> None:
    moment = parse_when(text, lang, NOW, BERLIN)
    assert moment == berlin(expected)
    assert moment.tzinfo is UTC


REJECTED = [
    ("de", "", "unknown"),
    ("de", "bald", "unknown"),
    ("de", "morgen 9", "unknown"),
    ("de", "übermorgen um 9", "unknown"),
    ("en", "13pm", "unknown"),
    ("en", "tomorrow 2pm please", "unknown"),
    ("de", "morgen", "no_time"),
    ("de", "Dienstag", "no_time"),
    ("de", "24.11.", "no_time"),
    ("de", "24.11", "no_time"),
    ("en", "2026-11-24", "no_time"),
    ("ru", "24 ноября", "no_time"),
    ("de", "31.02. 10:00", "invalid_date"),
    ("de", "31.02.", "invalid_date"),
    ("de", "29.02.2027 9:00", "invalid_date"),
    ("de", "2026-13-01 9:00", "invalid_date"),
    ("de", "24:00", "invalid_date"),
    ("de", "25:00", "invalid_date"),
    ("de", "14:61", "invalid_date"),
    ("de", "morgen 25:00", "invalid_date"),
    ("de", "31. November 10:00", "invalid_date"),
    ("de", "Mi 24.11. 10:00", "invalid_date"),
    ("de", "heute 9:00", "past"),
    ("de", "23.11. 9:00", "past"),
    ("de", "24.11.2025 14:00", "past"),
    ("en", "2026-11-23 09:59", "past"),
]


@pytest.mark.parametrize(("lang", "text", "code"), REJECTED)
def test_parse_when_rejects(lang: str, text: str, code: str) -> None:
    assert code_of(lambda: parse_when(text, lang, NOW, BERLIN)) == code


DAYLIGHT_SAVING = [
    # spring forward: 02:00-02:59 on 2026-03-29 does not exist in Berlin
    (datetime(2026, 3, 20, 10, 0, tzinfo=BERLIN), "29.03.2026 02:30", "nonexistent"),
    (datetime(2026, 3, 20, 10, 0, tzinfo=BERLIN), "29.03. 2:00", "nonexistent"),
    (datetime(2026, 3, 29, 1, 0, tzinfo=BERLIN), "2:30", "nonexistent"),
    # fall back: 02:00-02:59 on 2026-10-25 happens twice
    (datetime(2026, 10, 20, 10, 0, tzinfo=BERLIN), "25.10.2026 02:30", "ambiguous"),
    (datetime(2026, 10, 20, 10, 0, tzinfo=BERLIN), "So 2:59", "ambiguous"),
]


@pytest.mark.parametrize(("now", "text", "code"), DAYLIGHT_SAVING)
def test_daylight_saving_changes(now: datetime, text: str, code: str) -> None:
    assert code_of(lambda: parse_when(text, "de", now, BERLIN)) == code


AROUND_DAYLIGHT_SAVING = [
    (datetime(2026, 3, 20, 10, 0, tzinfo=BERLIN), "29.03. 01:59", datetime(2026, 3, 29, 0, 59)),
    (datetime(2026, 3, 20, 10, 0, tzinfo=BERLIN), "29.03. 03:00", datetime(2026, 3, 29, 1, 0)),
    (datetime(2026, 10, 20, 10, 0, tzinfo=BERLIN), "25.10. 01:59", datetime(2026, 10, 24, 23, 59)),
    (datetime(2026, 10, 20, 10, 0, tzinfo=BERLIN), "25.10. 03:00", datetime(2026, 10, 25, 2, 0)),
]


@pytest.mark.parametrize(("now", "text", "utc"), AROUND_DAYLIGHT_SAVING)
def test_times_next_to_daylight_saving_changes(now: datetime, text: str, utc: datetime) -> None:
    assert parse_when(text, "de", now, BERLIN) == utc.replace(tzinfo=UTC)


def test_other_time_zones_and_a_utc_now() -> None:
    tehran = ZoneInfo("Asia/Tehran")
    assert parse_when("14:00", "fa", NOW.astimezone(UTC), tehran) == datetime(
        2026, 11, 23, 10, 30, tzinfo=UTC
    )
    new_york = ZoneInfo("America/New_York")
    now = datetime(2026, 3, 1, 12, 0, tzinfo=new_york)
    assert code_of(lambda: parse_when("2026-03-08 2:30", "en", now, new_york)) == "nonexistent"


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("14:00", "de", datetime(2026, 11, 23, 10, 0), BERLIN)


SPLIT = [
    ("de", "2026-11-24 14:00 Jobcenter Termin", "2026-11-24 14:00", "Jobcenter Termin"),
    ("de", "2026-11-24T14:00 Jobcenter", "2026-11-24 14:00", "Jobcenter"),
    ("de", "14:00 Jobcenter Raum 12", "2026-11-23 14:00", "Jobcenter Raum 12"),
    ("de", "24.11. 14:00 3 Kinder abholen", "2026-11-24 14:00", "3 Kinder abholen"),
    ("de", "morgen 14 Uhr Raum 3.12", "2026-11-24 14:00", "Raum 3.12"),
    ("de", "24.11. 9:00 - Ausländerbehörde", "2026-11-24 09:00", "Ausländerbehörde"),
    ("de", "10:00 Uhr, Jobcenter", "2026-11-24 10:00", "Jobcenter"),
    ("de", "Di 10:30 Arzt 2. Stock", "2026-11-24 10:30", "Arzt 2. Stock"),
    ("de", "morgen 14:00 am Bahnhof", "2026-11-24 14:00", "am Bahnhof"),
    ("en", "tomorrow 2pm Dentist", "2026-11-24 14:00", "Dentist"),
    ("ru", "ВТ 10:30 Врач", "2026-11-24 10:30", "Врач"),
    ("fa", "فردا ساعت ۱۰:۳۰ دکتر", "2026-11-24 10:30", "دکتر"),
    ("de", "14:00", "2026-11-23 14:00", ""),
]


@pytest.mark.parametrize(("lang", "text", "expected", "rest"), SPLIT)
def test_split_when(lang: str, text: str, expected: str, rest: str) -> None:
    assert split_when(text, lang, NOW, BERLIN) == (berlin(expected), rest)


SPLIT_REJECTED = [
    ("de", "Jobcenter 14:00", "unknown"),
    ("de", "", "unknown"),
    ("de", "24.11 9 Kinder", "no_time"),
    ("de", "morgen Jobcenter", "no_time"),
    ("de", "morgen 25:00 Feier", "invalid_date"),
    ("de", "heute 9:00 Arzt", "past"),
]


@pytest.mark.parametrize(("lang", "text", "code"), SPLIT_REJECTED)
def test_split_when_rejects(lang: str, text: str, code: str) -> None:
    assert code_of(lambda: split_when(text, lang, NOW, BERLIN)) == code


DAYS = [
    ("de", "heute", date(2026, 11, 23)),
    ("de", "morgen", date(2026, 11, 24)),
    ("de", "Di", date(2026, 11, 24)),
    ("de", "Mo", date(2026, 11, 23)),
    ("de", "So.", date(2026, 11, 29)),
    ("de", "24.11.", date(2026, 11, 24)),
    ("de", "24.11", date(2026, 11, 24)),
    ("de", "1.1.", date(2027, 1, 1)),
    ("de", "22.11.", date(2027, 11, 22)),
    ("de", "29.02.", date(2028, 2, 29)),
    ("de", "24. November", date(2026, 11, 24)),
    ("en", "2026-12-24", date(2026, 12, 24)),
    ("ru", "в среду", date(2026, 11, 25)),
    ("uk", "у неділю", date(2026, 11, 29)),
    ("fa", "پس فردا", date(2026, 11, 25)),
    ("ar", "الخميس", date(2026, 11, 26)),
    ("tr", "Cuma", date(2026, 11, 27)),
    ("fr", "samedi", date(2026, 11, 28)),
]


@pytest.mark.parametrize(("lang", "text", "expected"), DAYS)
def test_local_day(lang: str, text: str, expected: date) -> None:
    assert local_day(text, lang, NOW, BERLIN) == expected


DAYS_REJECTED = [
    ("de", "", "unknown"),
    ("de", "bald", "unknown"),
    ("de", "morgen 14:00", "unknown"),
    ("de", "31.02.", "invalid_date"),
    ("de", "9.30", "invalid_date"),
    ("de", "Mi 24.11.", "invalid_date"),
    ("de", "24.11.2025", "past"),
]


@pytest.mark.parametrize(("lang", "text", "code"), DAYS_REJECTED)
def test_local_day_rejects(lang: str, text: str, code: str) -> None:
    assert code_of(lambda: local_day(text, lang, NOW, BERLIN)) == code


def _cldr_weekdays() -> list[tuple[str, str, int]]:
    return sorted(
        {
            (lang, name, weekday)
            for lang in LANGS
            for width in WIDTHS
            for context in CONTEXTS
            for weekday, name in get_day_names(width, context, lang).items()
        }
    )


def _cldr_months() -> list[tuple[str, str, int]]:
    return sorted(
        {
            (lang, name, month)
            for lang in LANGS
            for width in WIDTHS
            for context in CONTEXTS
            for month, name in get_month_names(width, context, lang).items()
        }
    )


@pytest.mark.parametrize(("lang", "name", "weekday"), _cldr_weekdays())
def test_every_cldr_weekday_name(lang: str, name: str, weekday: int) -> None:
    assert local_day(name, lang, NOW, BERLIN) == date(2026, 11, 23 + weekday)


@pytest.mark.parametrize(("lang", "name", "month"), _cldr_months())
def test_every_cldr_month_name(lang: str, name: str, month: int) -> None:
    assert local_day(f"1 {name}", lang, NOW, BERLIN) == date(
        2026 if month == 12 else 2027, month, 1
    )


def test_the_error_says_why() -> None:
    error = WhenError("past")
    assert isinstance(error, ValueError)
    assert error.code == "past"
    assert str(error) == "past"


#: 4,096 characters (a whole Telegram message) of what the patterns and readings work on.
HOSTILE = {
    "numbers": "1 " * 2048,
    "dates": "24.11. " * 585,
    "times": "14:00 " * 682,
    "weekdays": "am Dienstag " * 341,
    "one word": "1" * 4096,
    "spaces": "1" + " " * 4094 + "x",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_whole_hostile_message_is_refused_quickly(text: str) -> None:
    start = time.perf_counter()
    for read in (parse_when, local_day):
        assert code_of(lambda read=read: read(text, "de", NOW, BERLIN)) in ("unknown", "no_time")
    with suppress(WhenError):  # a leading date or time is split off the rest
        split_when(text, "de", NOW, BERLIN)
    assert time.perf_counter() - start < 0.5  # generous: a slow, shared CI machine


def test_a_date_and_time_before_a_long_rest_is_still_split_off() -> None:
    rest = "Termin beim Jobcenter, " * 170
    assert split_when(f"Di 24.11.2026 um 14 Uhr {rest}", "de", NOW, BERLIN) == (
        berlin("2026-11-24 14:00"),
        rest.strip(),
    )
