"""Which words of a question carry its meaning (wordfreq's general-language frequencies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.meaning import Meaning

MEANING = Meaning()


@pytest.mark.parametrize(
    ("word", "lang"),
    [
        ("kindergeld", "de"),
        ("heiraten", "de"),
        ("führerschein", "de"),
        ("kindergeld", "ar"),  # a German term in an Arabic question
        ("jobcenter", "uk"),
        ("gestattung", "en"),
        ("kindergeld", "ps"),  # Latin letters in a language wordfreq lacks: German tells
    ],
)
def test_rare_words_carry_meaning(word: str, lang: str) -> None:
    assert MEANING.carries(word, lang)


@pytest.mark.parametrize(
    ("word", "lang"),
    [
        ("arbeiten", "de"),
        ("information", "en"),
        ("können", "de"),
        ("pays", "en"),  # short: a verb an answer need not repeat
        ("arzt", "de"),
        ("طبيب", "ar"),
        ("лікар", "uk"),
        ("1234567", "de"),  # not a word
        ("information", "ps"),  # a Latin word in a Pashto question: German and English tell
    ],
)
def test_general_words_do_not(word: str, lang: str) -> None:
    assert not MEANING.carries(word, lang)


def test_a_language_wordfreq_does_not_know_blocks_nothing() -> None:
    assert not MEANING.carries("تذکره", "ps")  # Pashto script word: no frequencies, no veto


def without_driving_licences():
    """The shipped content without its entries about driving licences."""
    import dataclasses

    from bot.catalog.loader import load_content

    content = load_content(Path(__file__).resolve().parents[2] / "content")
    faq = {k: v for k, v in content.faq.items() if not k.startswith("fuehrerschein-")}
    return dataclasses.replace(content, faq=faq)


def test_a_topic_the_entry_does_not_cover_stops_a_direct_answer() -> None:
    from bot.answers.engine import AnswerEngine
    from bot.answers.rank import Tuning

    content = without_driving_licences()
    question = "Darf man mit einer Duldung den Führerschein machen?"
    eager = Tuning(answer=0.4, suggest=0.3)  # answers on the status word alone
    unchecked = AnswerEngine(content, eager, meaning=Meaning(rare=0)).ask(question, "de")
    assert unchecked.kind == "answer"  # about work with a Duldung: the status word alone
    decision = AnswerEngine(content, eager).ask(question, "de")
    assert decision.kind == "unknown" and decision.answer_id is None
    assert unchecked.answer_id in decision.suggestions  # shown as answers that might help


def test_with_an_entry_on_the_topic_it_is_answered() -> None:
    from bot.answers.engine import AnswerEngine

    content = load_content_shipped()
    decision = AnswerEngine(content).ask(
        "Darf man mit einer Duldung den Führerschein machen?", "de"
    )
    assert decision.kind in ("answer", "suggest")
    offered = [i for i in (decision.answer_id, *decision.suggestions) if i]
    assert any(i.startswith("fuehrerschein-") for i in offered)


def load_content_shipped():
    from bot.catalog.loader import load_content

    return load_content(Path(__file__).resolve().parents[2] / "content")


@pytest.mark.parametrize("lang", ["de", "en", "ar", "fa", "uk", "ru", "tr", "fr"])
def test_the_kept_general_words_give_wordfreqs_own_figures(lang: str) -> None:
    """Only the general words are kept in memory; for them, and for the verdict on any word,
    the figures are wordfreq's own."""
    from wordfreq import top_n_list, zipf_frequency

    from bot.answers.meaning import RARE, zipf

    words = [*top_n_list(lang, 20_000)[::40], "kindergeld", "jobcenter", "xqzzv"]
    for word in words:
        own = zipf_frequency(word, lang)
        assert (zipf(word, lang) >= RARE) == (own >= RARE), word
        if own >= RARE:
            assert zipf(word, lang) == own, word


def test_a_part_of_a_word_does_not_cover_it() -> None:
    """ "Führerschein" is not covered by an entry that only speaks of a "Schein"."""
    from bot.answers.engine import AnswerEngine

    engine = AnswerEngine(without_driving_licences())
    german = engine._indexes["de"]
    assert "schein" in german.surface  # Behandlungsschein, Krankenschein, ...
    assert "schein" not in german.whole("fuhrerschein")
