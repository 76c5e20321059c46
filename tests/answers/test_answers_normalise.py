"""The normaliser, tokens, stop words and the script-based language guess."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answers.normalise import (
    C_STEMMERS,
    SCRIPT,
    SNOWBALL,
    _stemmer,
    guess_language,
    normalise,
    script_of,
    snowball,
    stem,
    tokens,
)
from bot.answers.stopwords import question_words, stop_words
from bot.catalog.export import content_to_raw
from bot.catalog.loader import load_content
from tests.conftest import CONTENT_DIR, FIXTURES

needs_pystemmer = pytest.mark.skipif(not C_STEMMERS, reason="PyStemmer is not installed")
#: Letters of each script, for made-up words (umlauts, accents, hamza and Persian letters).
LETTERS = {
    "latin": "abcdefghijklmnopqrstuvwxyzäöüßéèêàâçëïîôûùœæşğıñ",
    "arabic": "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهويىپچژگکی",
    "cyrillic": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


def test_german_umlauts_fold_to_one_spelling():
    assert normalise("Schüler") == normalise("Schueler") == normalise("SCHULER") == "schuler"
    assert normalise("Straße") == "strasse"
    assert normalise("Öffnungszeiten") == normalise("Oeffnungszeiten")


def test_arabic_alef_forms_and_harakat_are_unified():
    assert normalise("أحمد") == normalise("إحمد") == normalise("احمد")
    assert normalise("آمنة") == normalise("امنة")
    assert normalise("ٱلكتاب") == "الكتاب"
    assert normalise("مُدَرِّسَة") == normalise("مدرسة")


def test_tatweel_alef_maksura_and_teh_marbuta_are_folded():
    assert normalise("مـــرحـبا") == "مرحبا"
    assert normalise("على") == normalise("علي")
    assert normalise("مدرسة") == normalise("مدرسه")


def test_persian_and_arabic_yeh_and_kaf_are_the_same_letter():
    assert normalise("کی") == normalise("كي")
    assert normalise("یک") == normalise("يك")


def test_persian_zero_width_non_joiner_separates_word_parts():
    assert normalise("می\u200cخواهم") == "مي خواهم"


def test_eastern_digits_become_ascii():
    assert normalise("٢٠٢٧") == "2027"
    assert normalise("۱۸ تا ۲۷") == "18 تا 27"


def test_punctuation_and_emoji_become_space_and_whitespace_collapses():
    assert normalise("  Hallo,\twelt!!  👋 ") == "hallo welt"
    assert normalise("Hauptschul-Abschluss_2024") == "hauptschul abschluss 2024"
    assert normalise("?!… 🙂👍") == ""


def test_cyrillic_short_i_survives_for_the_russian_stemmer():
    assert normalise("ЙОГО") == "його"


def test_stop_words_are_dropped_and_the_rest_stemmed():
    assert tokens("Wie kann ich den Hauptschulabschluss nachholen?", "de") == [
        "hauptschulabschluss",
        "nachhol",
    ]
    assert tokens("How can I get a work permit?", "en") == ["work", "permit"]


def test_stop_word_lists_cover_every_served_language():
    for lang, word in [
        ("de", "ich"),
        ("en", "the"),
        ("ar", "في"),
        ("fa", "از"),
        ("uk", "як"),
        ("ru", "как"),
        ("tr", "ve"),
        ("fr", "le"),
    ]:
        assert normalise(word) in stop_words(lang), lang


def test_question_words_are_stop_words_listed_apart():
    assert "wer" in question_words("de") <= stop_words("de")
    assert "who" in question_words("en")
    assert "ich" not in question_words("de")


def test_a_german_word_in_an_arabic_text_is_stemmed_as_german():
    assert stem("ausbildungen", "ar") == stem("ausbildung", "de")


def test_ukrainian_falls_back_to_a_prefix():
    assert stem("навчання", "uk") == stem("навчатися", "uk")


def test_script_tells_arabic_from_persian_and_ukrainian_from_russian():
    assert guess_language("مرحبا، كيف يمكنني التسجيل في الدورة؟") == "ar"
    assert guess_language("سلام، چطور می‌توانم کار پیدا کنم؟") == "fa"
    assert guess_language("Привіт, як мені знайти курс?") == "uk"
    assert guess_language("Привет, как мне найти курс? Это срочно") == "ru"


def test_latin_text_is_guessed_only_when_clear():
    assert guess_language("Wie kann ich mich für den Kurs anmelden?") == "de"
    assert guess_language("How do I sign up for the course?") == "en"
    assert guess_language("Jobcenter") is None
    assert guess_language("🙂") is None


@given(st.text())
def test_normalise_is_idempotent_and_never_raises(text: str):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, Sequence):
        for item in value:
            yield from _texts(item)


@cache
def content_words(script: str) -> list[str]:
    """Every word of the shipped and the test content in script, folded and as written."""
    found = set()
    for folder in (CONTENT_DIR, FIXTURES / "content"):
        for text in _texts(content_to_raw(load_content(folder))):
            found.update(w for w in normalise(text).split() + text.casefold().split())
    return sorted(w for w in found if script_of(w) == script)


@needs_pystemmer
@pytest.mark.parametrize("lang", sorted(SNOWBALL))
def test_pystemmer_and_snowballstemmer_give_the_same_stems(lang: str):
    c, python = snowball(SNOWBALL[lang]), snowball(SNOWBALL[lang], c=False)
    assert c is not None and python is not None
    assert _stemmer(lang).__class__ is c.__class__ is not python.__class__
    words = content_words(SCRIPT[lang])
    assert len(words) > 500
    assert [c.stemWord(w) for w in words] == [python.stemWord(w) for w in words]


@needs_pystemmer
@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.sampled_from(sorted(SNOWBALL)), st.data())
def test_pystemmer_and_snowballstemmer_agree_on_made_up_words(lang: str, data: st.DataObject):
    word = data.draw(st.text(LETTERS[SCRIPT[lang]], min_size=1, max_size=20))
    c, python = snowball(SNOWBALL[lang]), snowball(SNOWBALL[lang], c=False)
    assert c is not None and python is not None
    assert c.stemWord(word) == python.stemWord(word)


def test_an_algorithm_neither_stemmer_library_has_gives_no_stemmer():
    assert snowball("klingon") is None
    assert snowball("klingon", c=False) is None
