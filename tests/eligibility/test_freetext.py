"""Typed questions about one person's eligibility: which are, and the facts they give."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import yaml

from bot.catalog.schema import STATUSES, Content
from bot.eligibility.engine import Facts
from bot.eligibility.freetext import MAX_CHARS, MAX_WORDS, Reading, understand
from bot.eligibility.interview import (
    AGE,
    GERMAN,
    IN_NRW,
    OUTSIDE_NRW,
    PLACE,
    SCHOOL,
    STATUS,
    Interview,
)
from bot.eligibility.vocabulary import parse_words, words
from bot.i18n import SUPPORTED_LANGUAGES

TODAY = date(2026, 11, 23)
#: Hostile input must not take longer than this (it takes a few milliseconds).
BUDGET = 0.25


def read(text: str, lang: str, content: Content) -> Reading | None:
    return understand(text, lang, content, TODAY)


def facts(**given: Any) -> Facts:
    return Facts(**given)


# (language, question, facts it gives)
ABOUT_ONE_PERSON = [
    # German
    ("de", "Mein Klient ist 24 und hat eine Duldung, kann er mitmachen?",
     facts(age=24, residence_status="duldung")),
    ("de", "Darf sie mitmachen? Sie ist 19 Jahre alt, hat eine Gestattung und wohnt in Köln.",
     facts(age=19, residence_status="gestattung", municipality="koeln")),
    ("de", "Kann mein Klient (24, Duldung) teilnehmen?",
     facts(age=24, residence_status="duldung")),
    ("de", "Kommt meine Klientin mit Aufenthaltserlaubnis für Durchstarten infrage?",
     facts(residence_status="aufenthaltserlaubnis")),
    ("de", "Er ist vierundzwanzig, darf er mitmachen?", facts(age=24)),
    ("de", "Ein 24-jähriger Klient mit Ausbildungsduldung: kann er teilnehmen?",
     facts(age=24, residence_status="duldung")),
    ("de", "Er ist am 24.11.2001 geboren und geduldet, kann er mitmachen?",
     facts(birth_date=date(2001, 11, 24), residence_status="duldung")),
    ("de", "Er hat keinen Schulabschluss und Deutsch B1, darf er teilnehmen?",
     facts(has_school_certificate=False, german_level="B1")),
    ("de", "Sie hat den Hauptschulabschluss und A2, kann sie mitmachen?",
     facts(has_school_certificate=True, german_level="A2")),
    ("de", "Er hat keine Gestattung, aber eine Duldung, kann er mitmachen?",
     facts(residence_status="duldung")),
    ("de", "Er will den Hauptschulabschluss nachholen und ist 20, kann er mitmachen?",
     facts(age=20)),
    ("de", "Er wohnt außerhalb von NRW und ist 20. Kann er mitmachen?",
     facts(age=20, lives_in_nrw=False)),
    ("de", "Er lebt in NRW und ist 20, darf er teilnehmen?", facts(age=20, lives_in_nrw=True)),
    ("de", "Er wohnt im Kreis Kleve und ist 20, kann er mitmachen?",
     facts(age=20, municipality="kreis-kleve")),
    ("de", "Kann ich mitmachen? Ich bin 20 und habe eine Niederlassungserlaubnis.",
     facts(age=20, residence_status="niederlassungserlaubnis")),
    # English
    ("en", "My client is 24 with a Duldung, can he join?",
     facts(age=24, residence_status="duldung")),
    ("en", "Is she eligible? She is 19, has a residence permit and lives in Cologne.",
     facts(age=19, residence_status="aufenthaltserlaubnis", municipality="koeln")),
    ("en", "A 24-year-old asylum seeker from Bonn, can he take part?",
     facts(age=24, residence_status="gestattung", municipality="bonn")),
    ("en", "he is twenty-four and has a Gestattung, can he join?",
     facts(age=24, residence_status="gestattung")),
    ("en", "My son was born on 24/11/2005 and lives in Bavaria. Can he participate?",
     facts(birth_date=date(2005, 11, 24), lives_in_nrw=False)),
    # Arabic (Arabic-Indic digits, the German terms in Arabic script)
    ("ar", "موكلي عمره ٢٤ سنة ولديه دولدونغ، هل يمكنه المشاركة؟",
     facts(age=24, residence_status="duldung")),
    ("ar", "عمرها ١٩ ولديها غشتاتونغ وتعيش في كولن، هل يمكنها المشاركة؟",
     facts(age=19, residence_status="gestattung", municipality="koeln")),
    ("ar", "ابني لديه إقامة، هل يمكنه الانضمام؟", facts(residence_status="aufenthaltserlaubnis")),
    ("ar", "لديه إقامة دائمة وعمره أربعة وعشرون سنة، هل يحق له المشاركة؟",
     facts(age=24, residence_status="niederlassungserlaubnis")),
    # Persian (Persian digits, ZWNJ, the German terms in Persian script)
    ("fa", "موکلم ۲۴ سالشه و دولدونگ داره، می‌تونه شرکت کنه؟",
     facts(age=24, residence_status="duldung")),
    ("fa", "پسرم ۱۹ ساله است و گشتاتونگ دارد و در کلن زندگی می‌کند. آیا می‌تواند شرکت کند؟",
     facts(age=19, residence_status="gestattung", municipality="koeln")),
    ("fa", "او بیست و چهار ساله است، آیا می‌تواند شرکت کند؟", facts(age=24)),
    # Ukrainian
    ("uk", "Моєму клієнту 24 роки, у нього Дульдунг. Чи може він взяти участь?",
     facts(age=24, residence_status="duldung")),
    ("uk", "Їй 19 років, вона живе в Кельні. Чи може вона долучитися?",
     facts(age=19, municipality="koeln")),
    # Russian
    ("ru", "Моему клиенту 24 года, у него Гештаттунг. Может ли он участвовать?",
     facts(age=24, residence_status="gestattung")),
    ("ru", "Ему двадцать четыре, он живет в Кёльне и у него вид на жительство. Может ли он "
     "участвовать?", facts(age=24, residence_status="aufenthaltserlaubnis", municipality="koeln")),
    # Turkish
    ("tr", "Danışanım 24 yaşında, Duldung'u var. Katılabilir mi?",
     facts(age=24, residence_status="duldung")),
    ("tr", "Oğlum Köln'de yaşıyor, 19 yaşında ve oturum izni var, katılabilir mi?",
     facts(age=19, residence_status="aufenthaltserlaubnis", municipality="koeln")),
    # French
    ("fr", "Mon client a 24 ans et a une Duldung. Peut-il participer ?",
     facts(age=24, residence_status="duldung")),
    ("fr", "Ma cliente, 19 ans, titre de séjour, habite à Cologne : peut-elle participer ?",
     facts(age=19, residence_status="aufenthaltserlaubnis", municipality="koeln")),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "expected"), ABOUT_ONE_PERSON)
def test_a_question_about_one_person_gives_its_facts(
    shipped_content: Content, lang: str, text: str, expected: Facts
) -> None:
    assert read(text, lang, shipped_content) == Reading(expected)


def test_every_supported_language_has_questions_that_start_the_check() -> None:
    assert {lang for lang, _, _ in ABOUT_ONE_PERSON} == set(SUPPORTED_LANGUAGES)
    assert {lang for lang, _ in NOT_ABOUT_ONE_PERSON} == set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize(
    "typed",
    ["دولدونغ", "دولدونگ", "Дульдунг", "DULDUNG", "Duldungen", "Beschäftigungsduldung"],
)
def test_the_duldung_is_understood_in_every_script(shipped_content: Content, typed: str) -> None:
    reading = read(f"Er ist 20 und hat {typed}, kann er mitmachen?", "de", shipped_content)
    assert reading is not None and reading.facts.residence_status == "duldung"


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("Гештаттунг", "gestattung"),
        ("گشتاتونگ", "gestattung"),
        ("Aufenthaltsgestattung", "gestattung"),
        ("aufenthaltserlaubnis", "aufenthaltserlaubnis"),
        ("residence permit", "aufenthaltserlaubnis"),
        ("إقامة", "aufenthaltserlaubnis"),
        ("permanent residence permit", "niederlassungserlaubnis"),
        ("EU-Bürger", "eu"),
        ("German citizenship", "german"),
        ("Visum", "other"),
    ],
)
def test_status_words_of_every_language_and_script_name_their_status(
    shipped_content: Content, typed: str, status: str
) -> None:
    reading = read(f"he is 20 with {typed}, can he join?", "en", shipped_content)
    assert reading is not None and reading.facts.residence_status == status


@pytest.mark.parametrize(
    ("lang", "typed"),
    [("de", "in Köln"), ("en", "in Cologne"), ("ar", "في كولن"), ("ar", "بكولونيا"),
     ("fa", "در کلن"), ("ru", "в Кёльне"), ("uk", "у Кельні"), ("tr", "Köln'de"),
     ("de", "in Koeln")],
)  # fmt: skip
def test_a_municipality_is_found_by_its_name_in_any_language(
    shipped_content: Content, lang: str, typed: str
) -> None:
    reading = read(f"Kann er mitmachen? Er ist 20 und wohnt {typed}.", lang, shipped_content)
    assert reading is not None and reading.facts.municipality == "koeln"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Kann er mitmachen? Er ist 20 und isst gern Essen.", None),
        ("Kann er mitmachen? Er ist 20 und wohnt in Essen.", "essen"),
        ("Kann er mitmachen? Er ist 20 und wohnt nicht in Köln, sondern in Bonn.", "bonn"),
    ],
)
def test_town_names_that_are_also_words_need_a_preposition(
    shipped_content: Content, text: str, found: str | None
) -> None:
    reading = read(text, "de", shipped_content)
    assert reading is not None and reading.facts.municipality == found


# (language, text) that must stay ordinary questions
NOT_ABOUT_ONE_PERSON = [
    ("en", "Who can take part in Durchstarten?"),
    ("en", "Can refugees with a Duldung join?"),
    ("en", "Can you tell me if people with a Duldung can take part?"),
    ("en", "Can he join?"),  # a person, but no fact
    ("de", "Wer darf bei Durchstarten mitmachen?"),
    ("de", "Darf ich mit Gestattung arbeiten?"),  # not about taking part
    ("de", "Können Geduldete teilnehmen?"),
    ("de", "Kann man mit 24 noch mitmachen?"),
    ("de", "Können sie mit Duldung teilnehmen?"),  # "they", or the polite "you"
    ("de", "Ich frage mich, ob man mit Duldung mitmachen kann."),
    ("de", "Er ist 24 und hat eine Duldung."),  # facts, but no question about taking part
    ("ar", "ما هي الشروط للمشاركة مع دولدونغ؟"),
    ("ar", "من يمكنه المشاركة في دورشتارتن؟"),
    ("fa", "چه کسانی با دولدونگ می‌توانند شرکت کنند؟"),
    ("uk", "Хто може взяти участь у програмі?"),
    ("ru", "Кто может участвовать в программе с Дульдунгом?"),
    ("tr", "Durchstarten'e kimler katılabilir?"),
    ("fr", "Qui peut participer à Durchstarten ?"),
    ("fr", "Est-ce qu'il y a des conditions pour participer avec une Duldung ?"),
    ("de", ""),
    ("de", "   "),
]


@pytest.mark.parametrize(("lang", "text"), NOT_ABOUT_ONE_PERSON)
def test_general_and_other_questions_stay_questions(
    shipped_content: Content, lang: str, text: str
) -> None:
    assert read(text, lang, shipped_content) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mein Klient ist 300 Jahre alt und hat eine Duldung, kann er mitmachen?",
         Reading(facts(residence_status="duldung"), ("age",))),
        ("Er ist 24 und hat Duldung und Gestattung, darf er mitmachen?",
         Reading(facts(age=24), ("residence_status",))),
        ("Mein Klient ist 300 und hat Duldung und Gestattung, darf er mitmachen?",
         Reading(facts(), ("age", "residence_status"))),
        ("Er ist 24, seine Schwester ist 19: darf er mitmachen?", Reading(facts(), ("age",))),
        ("Er ist 24, geboren am 24.11.1990, darf er mitmachen?", Reading(facts(), ("age",))),
        ("Er ist geboren am 24.11.2030 und geduldet, darf er mitmachen?",
         Reading(facts(residence_status="duldung"), ("age",))),
        ("Er ist geboren am 30.02.2001 und geduldet, darf er mitmachen?",
         Reading(facts(residence_status="duldung"), ("age",))),
        ("Er ist 24, geboren am 24.11.2001, darf er mitmachen?",
         Reading(facts(birth_date=date(2001, 11, 24)))),
        ("Er wohnt in Köln und in Bayern und ist 20, darf er mitmachen?",
         Reading(facts(age=20), ("municipality",))),
        ("Er wohnt in Köln oder Bonn und ist 20, darf er mitmachen?",
         Reading(facts(age=20), ("municipality",))),
        ("Er hat A2 oder B1 und ist 20, darf er mitmachen?",
         Reading(facts(age=20), ("german_level",))),
        ("Er ist über 27, kann er mitmachen?", Reading(facts(), ("age",))),
        ("Sie ist fast 18 und hat eine Duldung, darf sie mitmachen?",
         Reading(facts(residence_status="duldung"), ("age",))),
        ("he is over 27 years old, can he join?", Reading(facts(), ("age",))),
        ("بالای ۲۷ سال هستم، هنوز میتونم شرکت کنم؟", Reading(facts(), ("age",))),
    ],
)  # fmt: skip
def test_odd_or_contradicting_facts_are_left_open_and_named_unclear(
    shipped_content: Content, text: str, expected: Reading
) -> None:
    assert read(text, "de", shipped_content) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Kann er mit 2 Kindern mitmachen? Er hat Duldung.",
        "Er ist 2002 geboren und hat Duldung, kann er mitmachen?",
        "Er ist seit 3 Monaten in Deutschland und hat Duldung, kann er mitmachen?",
        "Kann er bei Baustein 1 mitmachen? Er hat Duldung.",
    ],
)
def test_numbers_that_are_no_age_are_left_alone(shipped_content: Content, text: str) -> None:
    assert read(text, "de", shipped_content) == Reading(facts(residence_status="duldung"))


def test_number_words_are_read_in_the_users_language_only(shipped_content: Content) -> None:
    question = "Er ist dort und hat Duldung, kann er mitmachen?"  # Turkish "dört" is 4
    assert read(question, "de", shipped_content) == Reading(facts(residence_status="duldung"))
    turkish = "Danışanım yirmi dört yaşında, katılabilir mi?"
    assert read(turkish, "tr", shipped_content) == Reading(facts(age=24))
    assert read(turkish, "de", shipped_content) is None


HOSTILE = [
    "x" * MAX_CHARS,
    "kann er mitmachen " + "a" * (MAX_CHARS - 30) + " 24",
    ("Mein Klient ist 24 und hat eine Duldung, kann er mitmachen? " * 80)[:MAX_CHARS],
    "kann er mitmachen " + "duldung " * 500,
    "er " + "mitmachen " * 400,
    "kann er mitmachen " + ", " * 2000,
    "kann er mitmachen " + "24 " * 1300,
    "kann er mitmachen " + "9" * 4000 + " Jahre",
    "٢" * MAX_CHARS,
    "1.1.1" * 800,
    "kann er mitmachen " + "1.1.2001 " * 400,
    "kann er mitmachen qxstopqx qxdateqx geboren qxdateqx",
    "kann er mitmachen " + "kein " * 800 + "Duldung",
    "هل يمكنه المشاركة " + "والدولدونغ" * 400,
    "\u200f\u202e kann er mitmachen \u2066 24 \u0000 Duldung " * 60,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_read_quickly_and_never_fails(shipped_content: Content, text: str) -> None:
    started = time.perf_counter()
    read(text, "de", shipped_content)
    assert time.perf_counter() - started < BUDGET


@pytest.mark.parametrize("filler", [" " * MAX_CHARS, "bitte " * MAX_WORDS])
def test_only_the_start_of_a_long_message_is_read(shipped_content: Content, filler: str) -> None:
    start = "Kann er mitmachen? Er hat eine Duldung."
    text = start + filler + "Er ist 24."
    assert read(text, "de", shipped_content) == Reading(facts(residence_status="duldung"))


def test_a_huge_number_is_an_unclear_age(shipped_content: Content) -> None:
    text = "Er ist " + "9" * 4000 + " Jahre alt, kann er mitmachen?"
    assert read(text, "de", shipped_content) == Reading(facts(), ("age",))


def test_the_facts_become_the_checks_first_answers_in_the_order_it_asks() -> None:
    given = facts(
        german_level="B1",
        has_school_certificate=False,
        municipality="koeln",
        residence_status="duldung",
        age=24,
    )
    assert Interview.of(given).answers == (
        (AGE, 24),
        (STATUS, "duldung"),
        (PLACE, "koeln"),
        (SCHOOL, False),
        (GERMAN, "B1"),
    )
    assert Interview.of(given).facts() == given
    born = facts(birth_date=date(2001, 11, 24), lives_in_nrw=False)
    assert Interview.of(born).answers == ((AGE, date(2001, 11, 24)), (PLACE, OUTSIDE_NRW))
    assert Interview.of(facts(lives_in_nrw=True)).answers == ((PLACE, IN_NRW),)
    assert Interview.of(facts(age=0)).answers == ((AGE, 0),)


def test_extra_spellings_count_only_for_municipalities_the_content_has(
    shipped_content: Content,
) -> None:
    question = "Er ist 20 und wohnt in كولن, kann er mitmachen?"
    without = replace(
        shipped_content,
        municipalities={k: v for k, v in shipped_content.municipalities.items() if k != "koeln"},
    )
    assert read(question, "de", shipped_content) == Reading(facts(age=20, municipality="koeln"))
    assert read(question, "de", without) == Reading(facts(age=20))


def _raw() -> dict[str, Any]:
    from importlib import resources

    text = resources.files("bot.eligibility").joinpath("freetext.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_the_shipped_words_cover_every_language_and_status() -> None:
    raw = _raw()
    assert set(raw["statuses"]) == set(STATUSES)
    for section in ("asks", "person", "born", "school", "nrw", "numbers"):
        assert all(raw[section][lang] for lang in SUPPORTED_LANGUAGES), section
    assert words() is words()  # read once


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["asks"].pop("fa"), "asks needs exactly"),
        (lambda raw: raw["statuses"].pop("duldung"), "statuses needs exactly"),
        (lambda raw: raw["age"]["units"].update(de="jahre"), "age.units.de needs a list"),
        (lambda raw: raw["numbers"]["en"].update(twenty="20"), "numbers.en needs words"),
        (lambda raw: raw.pop("born"), "born is missing"),
        (lambda raw: raw["places"].update(aliases=["koeln"]), "places.aliases needs"),
    ],
)
def test_broken_words_data_is_refused_with_what_is_wrong(change, message: str) -> None:
    raw = _raw()
    change(raw)
    with pytest.raises(ValueError, match=message):
        parse_words(raw)
