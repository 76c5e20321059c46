"""Typed answers: ages and birth dates in each language's own format, and choices by name."""

from __future__ import annotations

import time
from datetime import date

import pytest

from bot.eligibility.engine import FactError
from bot.eligibility.interview import AGE, GERMAN, SCHOOL, STATUS
from bot.eligibility.typed import date_example, date_order, parse_age, parse_date, understand
from bot.i18n import translator

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("de", "23", 23),
        ("de", "23 Jahre", 23),
        ("de", " 23 Jahre alt ", 23),
        ("en", "23 years", 23),
        ("ar", "٢٣", 23),
        ("ar", "٢٣ سنة", 23),
        ("fa", "۲۳", 23),
        ("fa", "۲۳ سال", 23),
        ("de", "0", 0),
        ("de", "120", 120),
        ("de", "24.11.1998", date(1998, 11, 24)),
        ("de", "24.11.98", date(1998, 11, 24)),
        ("de", "1.2.2005", date(2005, 2, 1)),
        ("en", "24/11/1998", date(1998, 11, 24)),
        ("en", "1998-11-24", date(1998, 11, 24)),
        ("fr", "24/11/1998", date(1998, 11, 24)),
        ("ru", "24.11.1998", date(1998, 11, 24)),
        ("uk", "24.11.1998", date(1998, 11, 24)),
        ("tr", "24.11.1998", date(1998, 11, 24)),
        ("ar", "٢٤/١١/١٩٩٨", date(1998, 11, 24)),
        ("ar", "24\u200f/11\u200f/1998", date(1998, 11, 24)),
        ("fa", "۱۹۹۸/۱۱/۲۴", date(1998, 11, 24)),
        ("fa", "24/11/1998", date(1998, 11, 24)),
        ("de", "29.02.2000", date(2000, 2, 29)),
        ("de", "23.11.2026", TODAY),
    ],
)
def test_ages_and_birth_dates_are_understood_as_people_type_them(lang, text, expected):
    assert parse_age(text, lang, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("250", "age_out_of_range", {"age": 250}),
        ("121", "age_out_of_range", {"age": 121}),
        ("-3", "age_out_of_range", {"age": -3}),
        ("24.11.2030", "birth_date_in_future", {"birth_date": "24.11.2030"}),
        ("24.11.1850", "age_out_of_range", {"age": 175}),
        ("30.02.2000", "no_such_date", {"date": "30.02.2000"}),
        ("29.02.2001", "no_such_date", {"date": "29.02.2001"}),
        ("31.13.2000", "no_such_date", {"date": "31.13.2000"}),
        ("zwanzig", "not_a_number", {"example": "24.11.1998"}),
        ("23 oder 24", "not_a_number", {"example": "24.11.1998"}),
        ("23.5", "not_a_number", {"example": "24.11.1998"}),
        ("", "not_a_number", {"example": "24.11.1998"}),
    ],
)
def test_impossible_ages_and_dates_are_refused_with_a_code(text, code, params):
    with pytest.raises(FactError) as caught:
        parse_age(text, "de", TODAY)
    assert (caught.value.code, caught.value.params) == (code, params)


@pytest.mark.parametrize(
    ("lang", "order", "example"),
    [
        ("de", "dmy", "24.11.1998"),
        ("en", "dmy", "24/11/1998"),
        ("fr", "dmy", "24/11/1998"),
        ("fa", "ymd", "1998/11/24"),
        ("ru", "dmy", "24.11.1998"),
    ],
)
def test_the_date_order_and_example_follow_the_locale(lang, order, example):
    assert date_order(lang) == order
    assert date_example(lang) == example


@pytest.mark.parametrize(
    ("lang", "question", "text", "expected"),
    [
        ("de", STATUS, "duldung", "duldung"),
        ("de", STATUS, "EU-Bürger/in", "eu"),
        ("en", STATUS, "German citizen", "german"),
        ("de", SCHOOL, "ja", True),
        ("de", SCHOOL, "Nein", False),
        ("ar", SCHOOL, "نعم", True),
        ("de", GERMAN, "b1", "B1"),
        ("de", GERMAN, "Noch keine Deutschkenntnisse", "none"),
        ("de", AGE, "Weiß ich nicht", None),
        ("de", STATUS, "weiß ich nicht!", None),
        ("en", AGE, "I don't know", None),
        ("fa", AGE, "نمی‌دانم", None),
    ],
)
def test_typed_choices_are_matched_to_the_buttons_in_the_users_language(
    lang, question, text, expected
):
    assert understand(question, text, translator(lang), TODAY) == expected


def test_a_typed_choice_that_names_no_button_is_refused():
    with pytest.raises(FactError) as caught:
        understand(STATUS, "Flüchtling", translator("de"), TODAY)
    assert caught.value.code == "choose_a_button"


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("1" + " " * 2046 + "1" + " " * 2047 + "x", "not_a_number"),  # took minutes before
        ("1" + " " * 4094 + "x", 1),
        (" " * 4095 + "x", "not_a_number"),
        ("- " * 2048, "not_a_number"),
        ("1." * 2048, "not_a_number"),
        ("1 " * 2048, "not_a_number"),
    ],
    ids=["digit spaces digit spaces", "digit spaces", "spaces", "minus spaces", "1.1.", "1 1"],
)
def test_a_whole_hostile_message_as_an_age_is_read_quickly(text: str, read) -> None:
    start = time.perf_counter()
    try:
        result = parse_age(text, "de", TODAY)
    except FactError as error:
        result = error.code
    assert time.perf_counter() - start < 0.5  # generous: a slow, shared CI machine
    assert result == read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24 11 1998", date(1998, 11, 24)),
        (" 24 .  11 .1998 . ", date(1998, 11, 24)),
        ("24 -11- 98", date(1998, 11, 24)),
        ("24\t11\n1998", date(1998, 11, 24)),
        ("24..11.1998", None),
        ("24 11", None),
        ("24.11.1998..", None),
    ],
)
def test_a_date_may_have_spaces_around_or_as_its_separators(text: str, expected) -> None:
    assert parse_date(text, "de", TODAY) == expected


def test_a_minus_before_an_age_counts_across_spaces() -> None:
    with pytest.raises(FactError) as caught:
        parse_age("-   5", "de", TODAY)
    assert caught.value.code == "age_out_of_range"
    assert parse_age("  23  ", "de", TODAY) == 23
