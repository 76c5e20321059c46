"""Cleaning text one user writes for another, quoting values, and reading ids from buttons."""

from __future__ import annotations

import pytest

from bot.chat.keyboards import MAX_ROW_ID, MAX_USER_ID, parse_id
from bot.chat.render import embed
from bot.i18n import FSI, PDI
from bot.text import clean, clean_line, excerpt


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("abc\u202edef", "abcdef"),  # right-to-left override
        ("\u202aa\u202bb\u202cc\u202dd", "abcd"),  # embeddings and the pop
        ("\u2066a\u2067b\u2068c\u2069", "abc"),  # isolates
        ("\u200ea\u200fb\u061cc", "abc"),  # direction marks
        ("a\u200bb\u2060c\ufeffd", "abcd"),  # zero-width space, word joiner, BOM
        ("bell\x07 esc\x1b[31m nul\x00 del\x7f c1\x85", "bell esc[31m nul del c1\n"),
        ("tab\tand\r\nlines\rend\u2028x", "tab and\nlines\nend\nx"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian ZWNJ stays
        ("👩\u200d💻 ok", "👩\u200d💻 ok"),  # ZWJ in emoji stays
        ("Straße 12 · Köln", "Straße 12 · Köln"),
    ],
)
def test_clean_removes_controls_and_bidi_overrides_and_keeps_the_joiners(typed, shown):
    assert clean(typed) == shown


def test_clean_line_makes_one_line_of_it():
    assert clean_line("  Job\u202ecenter\n  @ Raum\t12 ") == "Jobcenter @ Raum 12"


def test_an_excerpt_is_one_short_line_that_shows_what_is_hidden():
    assert excerpt("x" * 100) == "x" * 59 + "…"
    assert excerpt("short") == "short"
    assert excerpt("a\u202eb\nc") == "a<U+202E>b c"
    assert excerpt("می\u200cخواهم") == "می\u200cخواهم"
    assert len(excerpt("9" * 10_000_000)) == 60


def test_text_of_the_other_direction_is_isolated_line_by_line():
    assert embed("Jobcenter\nسلام", "ar") == f"{FSI}Jobcenter{PDI}\nسلام"
    assert embed("Jobcenter\nسلام", "de") == f"Jobcenter\n{FSI}سلام{PDI}"
    # Numbers keep their order in right-to-left text: "+49 221 0000010" not "0000010 221 49+".
    assert embed("12:00", "ar") == f"{FSI}12:00{PDI}"
    assert embed("+49 221 0000010", "fa") == f"{FSI}+49 221 0000010{PDI}"
    assert embed("12:00", "de") == "12:00"
    assert embed("١٢:٠٠ مساءً", "ar") == "١٢:٠٠ مساءً"  # Arabic digits belong to the text


@pytest.mark.parametrize(
    ("data", "largest", "read"),
    [
        ("17", MAX_ROW_ID, 17),
        (str(MAX_ROW_ID), MAX_ROW_ID, MAX_ROW_ID),
        (str(MAX_ROW_ID + 1), MAX_ROW_ID, 0),
        ("999999999999", MAX_ROW_ID, 0),
        ("١٢", MAX_ROW_ID, 0),  # Arabic-Indic digits: never from Lotse's own buttons
        ("𝟏", MAX_ROW_ID, 0),
        ("", MAX_ROW_ID, 0),
        (None, MAX_ROW_ID, 0),
        ("7" * 400, MAX_ROW_ID, 0),
        ("5000000000", MAX_USER_ID, 5_000_000_000),
        ("99999999999999999999", MAX_USER_ID, 0),
    ],
)
def test_an_id_from_a_button_is_ascii_digits_in_range_or_names_nothing(data, largest, read):
    assert parse_id(data, largest) == read
