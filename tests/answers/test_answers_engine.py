"""The answering engine on a small hand-built FAQ: scoping, validity, decisions."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.answers.engine import AnswerEngine, Decision, Hit, decide
from bot.answers.lexicon import EMPTY
from bot.answers.rank import Tuning
from bot.answers.smalltalk import smalltalk
from bot.catalog.schema import Content, Municipality, Program

TODAY = date(2027, 1, 15)


def ask(engine: AnswerEngine, text: str, lang: str = "de", municipality: str | None = None):
    return engine.ask(text, lang, municipality, TODAY)


def test_engine_counts_its_entries(engine: AnswerEngine, content: Content):
    assert engine.entry_count == len(content.faq)


def test_a_close_paraphrase_with_a_typo_is_answered(engine: AnswerEngine):
    decision = ask(engine, "darf ich mit gestatung arbeiten")
    assert decision.kind == "answer"
    assert decision.answer_id == "arbeit-gestattung"


def test_a_compound_part_finds_the_compound(engine: AnswerEngine):
    assert ask(engine, "abschluss nachholen").hits[0].id == "hauptschulabschluss"


def test_german_terms_in_an_english_question_are_found(engine: AnswerEngine):
    assert ask(engine, "can I work with gestattung", "en").answer_id == "arbeit-gestattung"


def test_an_arabic_question_is_answered_from_the_arabic_text(engine: AnswerEngine):
    assert ask(engine, "هل يمكنني العمل مع الإقامة المؤقتة", "ar").hits[0].id == (
        "arbeit-gestattung"
    )


def test_another_municipalitys_entry_is_never_returned(engine: AnswerEngine):
    for municipality in ("koeln", None, "essen"):
        decision = ask(engine, "Wo ist die Beratungsstelle in Bonn?", municipality=municipality)
        assert "bonn-beratung" not in [h.id for h in decision.hits]
        assert "bonn-beratung" not in decision.suggestions
        assert decision.answer_id != "bonn-beratung"


def test_the_users_own_municipality_entry_is_found(engine: AnswerEngine):
    decision = ask(engine, "wo ist die beratungsstelle", municipality="koeln")
    assert decision.answer_id == "koeln-beratung"


def test_an_entry_past_valid_until_is_hidden(engine: AnswerEngine):
    assert ask(engine, "Winteraktion Fahrräder").hits == ()
    before = engine.ask("Winteraktion Fahrräder", "de", None, date(2026, 12, 1))
    assert before.hits[0].id == "winter-aktion"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hallo!", "greeting"),
        ("moin moin", "greeting"),
        ("Guten Morgen 👋", "greeting"),
        ("مرحبا", "greeting"),
        ("سلام", "greeting"),
        ("привіт", "greeting"),
        ("Merhaba", "greeting"),
        ("Bonjour", "greeting"),
        ("Vielen Dank!", "thanks"),
        ("thanks a lot", "thanks"),
        ("شكراً جزيلاً", "thanks"),
        ("خیلی ممنون", "thanks"),
        ("дякую", "thanks"),
        ("спасибо", "thanks"),
        ("Teşekkürler", "thanks"),
        ("merci", "thanks"),
        ("Tschüss, bis bald", "bye"),
        ("bye", "bye"),
    ],
)
def test_greetings_thanks_and_goodbyes_are_small_talk(engine: AnswerEngine, text: str, kind: str):
    decision = ask(engine, text)
    assert decision == Decision("smalltalk", None, (), (), smalltalk=kind)


def test_a_real_question_after_a_greeting_is_not_small_talk(engine: AnswerEngine):
    assert smalltalk("Hallo, wer kann bei Durchstarten mitmachen?") is None
    decision = ask(engine, "Hallo, wer kann bei Durchstarten mitmachen?")
    assert decision.answer_id == "durchstarten-wer"


@pytest.mark.parametrize("text", ["", "   ", "?!?", "...", "🙂👍", "\n\t"])
def test_nothing_to_read_is_empty(engine: AnswerEngine, text: str):
    assert ask(engine, text).kind == "empty"


def test_a_question_about_something_else_is_unknown(engine: AnswerEngine):
    for text in ("wie wird das wetter morgen", "how do I renew my passport"):
        decision = ask(engine, text)
        assert decision.kind == "unknown"
        assert decision.answer_id is None


def test_only_question_words_is_unknown(engine: AnswerEngine):
    assert ask(engine, "wer? was? wo?").kind == "unknown"


def test_two_equally_good_entries_are_suggested_not_answered(make_faq):
    twins = [
        make_faq("twin-a", (["Wo ist die Beratungsstelle für Kurse?"], "Im Rathaus.")),
        make_faq("twin-b", (["Wo ist die Beratungsstelle für Kurse?"], "Im Rathaus.")),
    ]
    decision = AnswerEngine(Content(faq={e.id: e for e in twins})).ask(
        "beratungsstelle kurse", "de", None, TODAY
    )
    assert decision.kind == "suggest"
    assert decision.answer_id is None
    assert set(decision.suggestions) == {"twin-a", "twin-b"}


def test_decision_needs_the_threshold_and_the_margin():
    t = Tuning()
    high, low = t.answer + 0.2, t.suggest / 2
    clear = (Hit("a", "faq", high), Hit("b", "faq", high - 2 * t.margin - 0.1))
    close = (Hit("a", "faq", high), Hit("b", "faq", high - t.margin / 2))
    weak = (Hit("a", "faq", (t.answer + t.suggest) / 2),)
    assert decide(clear, t).answer_id == "a"
    assert decide(close, t).kind == "suggest"
    assert decide(close, t).suggestions == ("a", "b")
    assert decide(weak, t).kind == "suggest"
    assert decide((Hit("a", "faq", low),), t).kind == "unknown"
    assert decide((), t).kind == "unknown"


def test_hits_are_ranked_scored_and_capped(engine: AnswerEngine):
    decision = ask(engine, "Durchstarten Gestattung Arzt Kurs Abschluss")
    scores = [h.score for h in decision.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len(decision.hits) <= 10
    assert all(h.kind == "faq" for h in decision.hits)


def test_an_empty_content_answers_nothing():
    decision = AnswerEngine(Content()).ask("Durchstarten", "de")
    assert decision.kind == "unknown"
    assert decision.hits == ()


def test_the_core_does_not_import_telegram():
    code = "import sys, bot.answers.engine; print('telegram' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_keywords_find_an_entry_by_a_word_its_questions_lack(make_faq):
    # Without the lexicon, which knows that a Passersatz is a kind of Reiseausweis.
    entry = make_faq("ausweis", (["Wo beantrage ich einen Reiseausweis?"], "Bei der Behörde."))
    plain = AnswerEngine(Content(faq={"ausweis": entry}), lexicon=EMPTY)
    assert plain.ask("passersatz", "de", None, TODAY).kind == "unknown"
    text = entry.translations["de"]
    with_keywords = dataclasses.replace(
        entry, translations={"de": dataclasses.replace(text, keywords=("Passersatz",))}
    )
    engine = AnswerEngine(Content(faq={"ausweis": with_keywords}), lexicon=EMPTY)
    assert engine.ask("passersatz", "de", None, TODAY).answer_id == "ausweis"


def test_a_question_naming_one_program_prefers_its_entries(make_faq):
    programs = {
        pid: Program(pid, "person", "src", {"de": {"title": title}})
        for pid, title in (("alpha-plan", "Alpha-Plan"), ("beta", "Beta"))
    }
    entries = [
        make_faq("beta-wer", (["Wer kann beim Beta Projekt mitmachen?"], "Junge Leute.")),
        make_faq("alpha-wer", (["Wer kann mitmachen?"], "Alle ab 18.")),
    ]
    entries = [dataclasses.replace(e, program=e.id.split("-")[0]) for e in entries]
    entries[1] = dataclasses.replace(entries[1], program="alpha-plan")
    content = Content(programs=programs, faq={e.id: e for e in entries})
    decision = AnswerEngine(content).ask("wer kann bei alpha plan mitmachen", "de", None, TODAY)
    assert decision.hits[0].id == "alpha-wer"


def test_the_shipped_content_is_indexed(shipped_content: Content):
    engine = AnswerEngine(shipped_content)
    assert engine.entry_count == len(shipped_content.faq)


def test_a_number_named_in_keywords_counts_as_a_content_word(make_faq):
    young = make_faq("jung", (["Was ist mit Jugendlichen?"], "Minderjährige sind nicht dabei."))
    old = make_faq("alt", (["Was ist mit älteren Leuten?"], "Ab 28 nicht mehr."))
    with_numbers = [
        dataclasses.replace(
            e,
            translations={"de": dataclasses.replace(e.translations["de"], keywords=numbers)},
        )
        for e, numbers in ((young, ("16", "17")), (old, ("29", "30")))
    ]
    engine = AnswerEngine(Content(faq={e.id: e for e in with_numbers}))
    assert engine.ask("was wenn jemand 29 ist", "de", None, TODAY).hits[0].id == "alt"
    assert engine.ask("sie ist 17", "de", None, TODAY).hits[0].id == "jung"
    plain = AnswerEngine(Content(faq={e.id: e for e in (young, old)}))
    assert plain.ask("was wenn jemand 29 ist", "de", None, TODAY).kind == "unknown"


def test_a_long_message_is_not_punished_for_its_length(content: Content):
    text = (
        "Hallo zusammen, ich betreue seit einem Jahr ehrenamtlich einen Mann aus "
        "Afghanistan, er wohnt in einer Unterkunft am Stadtrand und spielt Fußball im Verein. "
        "Darf er mit einer Gestattung arbeiten?"
    )
    capped = AnswerEngine(content).ask(text, "de", None, TODAY)
    uncapped = AnswerEngine(content, dataclasses.replace(Tuning(), cap=0.0))
    plain = uncapped.ask(text, "de", None, TODAY)
    assert capped.hits[0].id == plain.hits[0].id == "arbeit-gestattung"
    assert capped.hits[0].score > 1.5 * plain.hits[0].score


def test_a_word_counts_in_whichever_language_matches_it(make_faq):
    # "Duldung" is only in the German texts, "apprenticeship" only in the English ones.
    entries = [
        make_faq(
            "duldung-ausbildung",
            (["Darf ich mit Duldung eine Ausbildung machen?"], "Ja, mit Erlaubnis."),
            (["Can I start an apprenticeship with a tolerated stay?"], "Yes, with a permit."),
        ),
        make_faq(
            "duldung-was",
            (["Was ist eine Duldung?"], "Die Abschiebung ist ausgesetzt."),
            (["What is a tolerated stay?"], "Deportation is suspended."),
        ),
        make_faq(
            "ausbildung-finden",
            (["Wie finde ich einen Ausbildungsplatz?"], "Bei der Agentur für Arbeit."),
            (["How do I find an apprenticeship?"], "At the employment agency."),
        ),
    ]
    engine = AnswerEngine(Content(faq={e.id: e for e in entries}))
    decision = engine.ask("apprenticeship with duldung", "en", None, TODAY)
    assert decision.answer_id == "duldung-ausbildung"


def test_a_mixed_language_question_is_scored_as_one(engine: AnswerEngine):
    decision = ask(engine, "can someone with Gestattung work", "en")
    assert decision.answer_id == "arbeit-gestattung"


@pytest.mark.parametrize("text", ["köln", "kindergeld beantragen"])
def test_only_generic_words_or_a_place_are_not_answered_directly(make_faq, text: str):
    entries = [
        make_faq("koeln-dabei", (["Ist Köln beim Programm dabei?"], "Ja, Köln macht mit.")),
        make_faq(
            "antrag", (["Wie beantragen Kommunen Fördergeld?"], "Mit dem Formular beim Land.")
        ),
    ]
    municipalities = {"koeln": Municipality("koeln", "Köln")}
    engine = AnswerEngine(Content(municipalities=municipalities, faq={e.id: e for e in entries}))
    assert engine.ask(text, "de", None, TODAY).kind == "suggest"
    assert engine.ask("fördergeld beantragen", "de", None, TODAY).answer_id == "antrag"


def test_arabic_words_do_not_match_by_one_letter_or_by_their_endings() -> None:
    """السماء (the sky) is not اسماء (names), لون (colour) is not يعملون (they work)."""
    from bot.answers.engine import AnswerEngine
    from bot.catalog.loader import load_content

    engine = AnswerEngine(load_content(Path(__file__).resolve().parents[2] / "content"))
    arabic = engine._indexes["ar"]
    assert not [s for s, _ in arabic.expand("السماء").stems if s != "السماء"]
    assert not arabic.expand("لون").stems
    decision = engine.ask("ما هو لون السماء؟", "ar")
    assert decision.kind == "unknown" and not decision.suggestions


def test_questions_in_arabic_script_answer_at_their_own_threshold() -> None:
    from bot.answers.rank import Tuning

    tuning = Tuning(answer=0.6, answer_arabic=0.5)
    assert tuning.for_language("ar").answer == tuning.for_language("fa").answer == 0.5
    assert tuning.for_language("de") is tuning and tuning.for_language("uk").answer == 0.6


def test_an_entrys_own_question_beats_its_neighbour_by_its_margin() -> None:
    """Scores above 1 are scaled together: two entries above 1 are not a tie."""
    from bot.answers.engine import AnswerEngine
    from bot.catalog.loader import load_content

    engine = AnswerEngine(load_content(Path(__file__).resolve().parents[2] / "content"))
    decision = engine.ask("was ist eine Duldung", "de")
    assert decision.kind == "answer" and decision.answer_id == "duldung-was"
    assert decision.hits[0].score == 1.0 > decision.hits[1].score
