"""The engine reads questions and entries through the lexicon: everyday words, loanwords."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from bot.answers.engine import AnswerEngine
from bot.answers.index import Document, LanguageIndex
from bot.answers.lexicon import EMPTY, matcher, shipped_lexicon
from bot.answers.rank import Tuning, score_merged
from bot.catalog.schema import Content

TODAY = date(2027, 1, 15)


@pytest.fixture(scope="module")
def content(make_faq) -> Content:
    """Entries that use the standard terms only, in German and English (no Arabic, no Ukrainian)."""
    entries = [
        make_faq(
            "krankenversicherung",
            (
                ["Wie ist man mit Gestattung krankenversichert?"],
                "Das Sozialamt stellt einen Behandlungsschein aus; später zahlt die Krankenkasse.",
            ),
            (
                ["How is health insurance arranged with a Gestattung?"],
                "The social welfare office issues a treatment voucher.",
            ),
        ),
        make_faq(
            "ablehnung-klage",
            (
                ["Was tun nach einem negativen Bescheid im Asylverfahren?"],
                "Gegen die Ablehnung kann man innerhalb von zwei Wochen Klage erheben.",
            ),
            (
                ["What can be done after a negative asylum decision?"],
                "An appeal to the administrative court is possible within two weeks.",
            ),
        ),
        make_faq(
            "duldung-was",
            (["Was ist eine Duldung?"], "Die Abschiebung ist vorübergehend ausgesetzt."),
            (["What is a Duldung?"], "Deportation is suspended for a while."),
        ),
        make_faq(
            "gestattung-was",
            (["Was ist eine Aufenthaltsgestattung?"], "Sie gilt während des Asylverfahrens."),
            (["What is an Aufenthaltsgestattung?"], "It is valid during the asylum procedure."),
        ),
        make_faq(
            "miete",
            (
                ["Wer übernimmt die Kosten der Unterkunft?"],
                "Bei Bürgergeld zahlt das Jobcenter die Miete, wenn sie angemessen ist.",
            ),
            (
                ["Who covers the costs of accommodation?"],
                "With citizen's income the Jobcenter pays the rent if it is reasonable.",
            ),
        ),
        make_faq(
            "schulden",
            (
                ["Wo bekommt man Schuldnerberatung?"],
                "Die Verbraucherzentrale berät kostenlos, auch bei Mahnungen und Inkasso.",
            ),
            (["Where is there debt counselling?"], "Consumer advice centres help for free."),
        ),
    ]
    return Content(faq={e.id: e for e in entries})


@pytest.fixture(scope="module")
def engine(content: Content) -> AnswerEngine:
    return AnswerEngine(content)


@pytest.fixture(scope="module")
def plain(content: Content) -> AnswerEngine:
    return AnswerEngine(content, lexicon=EMPTY)


def top(engine: AnswerEngine, text: str, lang: str) -> str | None:
    decision = engine.ask(text, lang, None, TODAY)
    return decision.hits[0].id if decision.hits else None


@pytest.mark.parametrize(
    ("text", "lang", "expect"),
    [
        ("Ich bin krank, wer bezahlt den Arzt?", "de", "krankenversicherung"),
        ("I'm sick, who pays the doctor?", "en", "krankenversicherung"),
        ("er ist überall verschuldet", "de", "schulden"),
        ("my client has piles of unpaid bills", "en", "schulden"),
    ],
)
def test_everyday_words_find_the_entry_that_uses_the_standard_term(
    engine: AnswerEngine, plain: AnswerEngine, text: str, lang: str, expect: str
):
    assert top(engine, text, lang) == expect
    assert top(plain, text, lang) != expect


def test_a_synonym_adds_to_a_weak_literal_match(engine: AnswerEngine, plain: AnswerEngine):
    text = "ich hab Post vom Inkassobüro und viele offene Rechnungen"
    found, alone = (e.ask(text, "de", None, TODAY).hits for e in (engine, plain))
    assert found[0].id == alone[0].id == "schulden"
    assert found[0].score > alone[0].score


@pytest.mark.parametrize(
    ("text", "lang", "expect"),
    [
        ("شو يعني دولدونغ", "ar", "duldung-was"),
        ("دولدونگ یعنی چی", "fa", "duldung-was"),
        ("що таке Гештаттунг", "uk", "gestattung-was"),
        ("что такое гештатунг", "ru", "gestattung-was"),  # a typo in the loanword too
    ],
)
def test_a_loanword_in_another_script_finds_the_german_term(
    engine: AnswerEngine, plain: AnswerEngine, text: str, lang: str, expect: str
):
    assert top(engine, text, lang) == expect
    assert top(plain, text, lang) != expect


@pytest.mark.parametrize(
    ("text", "lang", "expect"),
    [
        ("اجاني رفض من البامف شو بعمل", "ar", "ablehnung-klage"),
        ("مين بيدفع للدكتور اذا انا مريض", "ar", "krankenversicherung"),
        ("کرایه خانه را کی میده", "fa", "miete"),
        ("у мене борги, хто допоможе", "uk", "schulden"),
        ("j'ai des dettes partout", "fr", "schulden"),
        ("borçlarım var", "tr", "schulden"),
    ],
)
def test_a_question_in_another_language_finds_a_german_and_english_entry(
    engine: AnswerEngine, plain: AnswerEngine, text: str, lang: str, expect: str
):
    assert top(engine, text, lang) == expect
    assert top(plain, text, lang) != expect


def test_a_match_through_a_concept_alone_is_suggested_not_answered(engine: AnswerEngine):
    decision = engine.ask("що таке Гештаттунг", "uk", None, TODAY)
    assert decision.kind == "suggest"
    assert decision.suggestions[0] == "gestattung-was"


def test_a_literal_match_weighs_more_than_a_synonym(make_faq):
    entries = [
        make_faq("kasse", (["Wie wechsle ich die Krankenkasse?"], "Mit einem Formular.")),
        make_faq("versicherung", (["Wie ändere ich die Krankenversicherung?"], "Online.")),
    ]
    engine = AnswerEngine(Content(faq={e.id: e for e in entries}))
    for text, first in (("Krankenkasse", "kasse"), ("Krankenversicherung", "versicherung")):
        hits = engine.ask(text, "de", None, TODAY).hits
        assert [h.id for h in hits][:2] == [first, "versicherung" if first == "kasse" else "kasse"]
        assert hits[0].score > hits[1].score


def test_an_entry_in_the_users_language_is_found_by_its_own_words_first(make_faq):
    entries = [
        make_faq(
            "duldung",
            (["Was ist eine Duldung?"], "Die Abschiebung ist ausgesetzt."),
            ar=(["ما هي الدولدونغ؟"], "تعليق الترحيل."),
        ),
        make_faq("gestattung", (["Was ist eine Gestattung?"], "Sie gilt im Asylverfahren.")),
    ]
    engine = AnswerEngine(Content(faq={e.id: e for e in entries}))
    assert engine.ask("شو يعني الدولدونغ", "ar", None, TODAY).hits[0].id == "duldung"


def test_without_a_lexicon_the_engine_reads_words_alone(plain: AnswerEngine):
    assert plain.ask("شو يعني دولدونغ", "ar", None, TODAY).kind == "unknown"
    assert plain.lexicon.concepts == ()


def test_a_word_that_anchors_another_entry_does_not_anchor_one_found_by_concept(make_faq):
    # "طبيب" (doctor) is in the Arabic text of "arzt"; "zahnarzt" has no Arabic text and is
    # found through the lexicon only ("طبيب أسنان" is the dentist): it is offered, not answered.
    entries = [
        make_faq(
            "arzt",
            (["Wo finde ich einen Hausarzt?"], "In der Praxis in der Nähe."),
            ar=(["أين أجد طبيب عائلة؟"], "في العيادة القريبة."),
        ),
        make_faq("zahnarzt", (["Wer bezahlt den Zahnarzt?"], "Das Sozialamt bei Schmerzen.")),
    ]
    engine = AnswerEngine(Content(faq={e.id: e for e in entries}))
    decision = engine.ask("طبيب أسنان", "ar", None, TODAY)
    assert decision.hits[0].id == "zahnarzt"
    assert decision.kind == "suggest"
    assert engine.ask("wer zahlt den zahnarzt", "de", None, TODAY).answer_id == "zahnarzt"


def test_what_the_words_match_alone_is_kept_to_weigh_the_lexicon_again():
    tuning = Tuning()
    concepts = matcher(shipped_lexicon(), "de")
    docs = [
        Document(0, ("Wie wechsle ich die Krankenkasse?",), (), (), "Mit einem Formular."),
        Document(1, ("Wo finde ich einen Kitaplatz?",), (), (), "Beim Jugendamt."),
    ]
    index = LanguageIndex("de", docs, tuning.expansions, ("en",), concepts)
    allowed = np.ones(2)

    def score(*words: str):
        named = concepts.in_query(list(words), tuning.expansions)
        soft = [False] * len(words)
        return score_merged([index], list(words), soft, tuning, allowed, frozenset(), named)

    synonym = score("wechsle", "krankenversicherung")
    assert synonym.doubt is not None
    assert 0 < synonym.doubt.score(0) < synonym.scores[0]
    assert score("wechsle", "neuen").doubt is None  # no concept named: nothing to doubt
