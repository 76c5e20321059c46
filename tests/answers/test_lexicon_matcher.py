"""Finding the lexicon's concepts in texts and questions: terms, phrases, loanwords, typos."""

from __future__ import annotations

import textwrap

import pytest

from bot.answers.lexicon import build, concepts_of, matcher, matching, shipped_lexicon, token
from bot.answers.normalise import normalise
from bot.answers.rank import Tuning

SMALL = build(
    [
        (
            "small.yaml",
            textwrap.dedent(
                """
                concepts:
                  - id: health-insurance
                    de: [Krankenversicherung, Krankenkasse, wer bezahlt den Arzt]
                    en: [health insurance, who pays the doctor]
                    ar: [تأمين صحي, كرانكن كاسه]
                  - id: children
                    de: [Kind, Kinder]
                    en: [child, children]
                  - id: court
                    de: [Gericht]
                    en: [court]
                    fa: [دادگاه]
                  - id: hospital
                    de: [Krankenhaus]
                    en: [hospital]
                    uk: [лікарня]
                  - id: doctor
                    de: [Arzt]
                    en: [doctor]
                    uk: [лікар]
                """
            ),
        )
    ]
)


def ask(lexicon, text: str, lang: str):
    found = normalise(text).split()
    return matcher(lexicon, lang).in_query(found, Tuning().expansions)


@pytest.mark.parametrize(
    ("text", "lang", "concept"),
    [
        ("Wer bezahlt eigentlich den Arzt?", "de", "health-insurance"),
        ("Arzt – wer bezahlt das?", "de", "health-insurance"),  # any order, one word between
        ("die Krankenkassen", "de", "health-insurance"),  # inflected: by stem
        ("who pays for the doctor", "en", "health-insurance"),
        ("التأمين الصحي", "ar", "health-insurance"),
        ("كرانكن كاسه", "ar", "health-insurance"),
    ],
)
def test_a_text_names_a_concept_by_a_term_or_a_phrase(text: str, lang: str, concept: str):
    assert concept in concepts_of(SMALL, text, lang)


def test_a_phrase_needs_its_words_close_together():
    far = "Wer kommt? Der Vermieter, die Nachbarn und der Hausmeister bezahlen den Arzt."
    assert "health-insurance" in concepts_of(SMALL, "wer bezahlt den Arzt", "de")
    assert "health-insurance" not in concepts_of(SMALL, far.replace("bezahlen ", ""), "de")


def test_german_terms_are_found_in_every_language_short_ones_only_in_german():
    assert "health-insurance" in concepts_of(SMALL, "Who pays the Krankenkasse?", "en")
    assert "health-insurance" in concepts_of(SMALL, "من يدفع Krankenversicherung", "ar")
    # "Kind" is English too ("what kind of"): short German words stay in German texts.
    assert "children" not in concepts_of(SMALL, "what kind of course", "en")
    assert "children" in concepts_of(SMALL, "ein Kind", "de")


def test_terms_of_another_script_are_found_in_any_text():
    assert "health-insurance" in concepts_of(SMALL, "تأمين صحي", "de")


def test_a_stem_that_keeps_too_little_of_its_word_finds_nothing():
    # Persian دادگاه (court) stems to داد (gave): only the word itself names the court.
    assert "court" in concepts_of(SMALL, "دادگاه", "fa")
    assert "court" not in concepts_of(SMALL, "او به من پول داد", "fa")


def test_the_word_itself_decides_where_a_stem_is_shared():
    # Ukrainian is cut to a five-letter prefix: лікарня and лікар share "лікар".
    assert concepts_of(SMALL, "лікарня", "uk") == {"hospital"}
    assert concepts_of(SMALL, "лікар", "uk") == {"doctor"}


def test_a_query_word_with_a_typo_names_the_concept_below_an_exact_one():
    weights = Tuning().expansions
    [exact] = ask(SMALL, "Krankenversicherung", "de")
    [typo] = ask(SMALL, "Krankenversicherrung", "de")
    assert exact == ((token("health-insurance"), 1.0),)
    assert typo == ((token("health-insurance"), weights["edit1"]),)
    assert ask(SMALL, "Krankenfahrt", "de") == [()]


def test_every_word_of_a_phrase_names_its_concept_in_a_query():
    found = ask(SMALL, "wer bezahlt den arzt", "de")
    mark = token("health-insurance")
    words = normalise("wer bezahlt den arzt").split()
    by_word = dict(zip(words, found, strict=True))
    assert mark in dict(by_word["bezahlt"]) and mark in dict(by_word["arzt"])
    assert by_word["wer"] == ()  # a question word names nothing


def test_query_words_are_remembered_in_a_bounded_cache(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(matching, "CACHE_SIZE", 8)
    lexicon = build([("x.yaml", "concepts:\n  - id: a\n    de: [Wort]\n    en: [word]\n")])
    match = matcher(lexicon, "de")
    for i in range(50):
        match.in_query([f"frage{i}"], Tuning().expansions)
    assert len(match._cache) <= 8


def test_one_matcher_per_lexicon_and_language_is_built():
    assert matcher(SMALL, "de") is matcher(SMALL, "de")
    assert matcher(SMALL, "xx") is matcher(SMALL, "de")  # an unknown language reads as German


@pytest.mark.parametrize(
    ("text", "lang", "concept"),
    [
        ("دولدونغ", "ar", "duldung"),
        ("الدولدونج", "ar", "duldung"),
        ("دولدونگ", "fa", "duldung"),
        ("Дульдунг", "uk", "duldung"),
        ("Дульдунґ", "uk", "duldung"),
        ("Гештаттунг", "uk", "gestattung"),
        ("гештаттунг", "ru", "gestattung"),
        ("дурхштартен", "uk", "durchstarten"),
        ("الجوب سنتر", "ar", "jobcenter"),
        ("السوسيال", "ar", "social-welfare-office"),
        ("اوسبيلدونغ", "ar", "vocational-training"),
        ("кранкеншайн", "uk", "treatment-voucher"),
        ("كيندرغيلد", "ar", "child-benefit"),
        ("فونزيتس", "ar", "wohnsitzauflage"),
        ("شهادة سواقة", "ar", "driving-licence"),
        ("بورگرگلد", "fa", "citizens-income"),
    ],
)
def test_the_shipped_lexicon_reads_german_loanwords_in_other_scripts(
    text: str, lang: str, concept: str
):
    assert concept in concepts_of(shipped_lexicon(), text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "concept"),
    [
        ("Ich bin krank, wer bezahlt den Arzt?", "de", "health-insurance"),
        ("they rejected my asylum application", "en", "rejection"),
        ("اجاني رفض", "ar", "rejection"),
        ("مرتي حامل", "ar", "pregnancy"),
        ("عليّ ديون", "ar", "debt"),
        ("کرایه خانه", "fa", "rent"),
        ("داکتر", "fa", "doctor"),
        ("я вагітна", "uk", "pregnancy"),
        ("у меня долги", "ru", "debt"),
        ("ehliyet", "tr", "driving-licence"),
        ("je suis enceinte", "fr", "pregnancy"),
    ],
)
def test_the_shipped_lexicon_reads_everyday_words(text: str, lang: str, concept: str):
    assert concept in concepts_of(shipped_lexicon(), text, lang)


def test_a_query_in_another_script_with_a_typo_still_names_the_concept():
    [found] = ask(shipped_lexicon(), "Гештатунг", "uk")
    assert token("gestattung") in dict(found)
