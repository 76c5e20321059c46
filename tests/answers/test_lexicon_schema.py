"""The lexicon's files: the schema the loader enforces, and the shipped lexicon itself."""

from __future__ import annotations

import textwrap
from importlib import resources
from pathlib import Path

import pytest

from bot.answers.lexicon import (
    LANGUAGES,
    LexiconError,
    build,
    load_lexicon,
    matcher,
    shipped_lexicon,
)

#: The languages the bot speaks: every shipped concept lists words in each.
BOT_LANGUAGES = ("de", "en", "ar", "fa", "uk", "ru", "tr", "fr")


def lexicon_of(text: str, name: str = "a.yaml"):
    return build([(name, textwrap.dedent(text))])


def problems_of(text: str, name: str = "a.yaml") -> list[str]:
    with pytest.raises(LexiconError) as caught:
        lexicon_of(text, name)
    return list(caught.value.problems)


GOOD = """
    concepts:
      - id: rent
        about: rent and housing costs
        de: [Miete, Kaltmiete, Miete zahlen]
        en: [rent, pay the rent]
        ar: [إيجار, ميته]
"""


def test_a_valid_file_gives_its_concepts_with_their_terms():
    lexicon = lexicon_of(GOOD)
    [rent] = lexicon.concepts
    assert rent.id == "rent"
    assert rent.about == "rent and housing costs"
    assert rent.terms["de"] == ("Miete", "Kaltmiete", "Miete zahlen")
    assert rent.terms["ar"] == ("إيجار", "ميته")
    assert lexicon.counts()["ar"] == 1 and lexicon.counts()["fa"] == 0


def test_an_unknown_key_is_refused():
    [problem] = problems_of(GOOD.replace("about:", "colour: blue\n        about:"))
    assert "unknown key 'colour'" in problem


@pytest.mark.parametrize("value", ["[]", "Miete", "[Miete, 3]", "[' ']"])
def test_a_language_must_hold_a_non_empty_list_of_texts(value: str):
    assert problems_of(GOOD.replace("[rent, pay the rent]", value))


def test_german_and_english_are_required():
    [problem] = problems_of(GOOD.replace("        en: [rent, pay the rent]\n", ""))
    assert "no words in 'en'" in problem


def test_a_duplicate_id_is_refused_across_files():
    with pytest.raises(LexiconError) as caught:
        build([("a.yaml", textwrap.dedent(GOOD)), ("b.yaml", textwrap.dedent(GOOD))])
    assert any("duplicate id" in p and "a.yaml" in p for p in caught.value.problems)


def test_a_term_in_two_concepts_of_one_language_is_flagged():
    text = (
        GOOD
        + """
      - id: flat
        de: [Wohnung, Miete]
        en: [flat]
        ar: [شقة, إيجار]
    """
    )
    found = problems_of(text)
    assert any("[de]: 'Miete' is also a term of 'rent'" in p for p in found)
    assert any("[ar]: 'إيجار' is also a term of 'rent'" in p for p in found)


def test_terms_are_compared_without_their_stop_words_and_spelling():
    # "die Miete zahlen" is "miete zahlen"; "MIETE" is "miete".
    text = (
        GOOD
        + """
      - id: debt
        de: [Schulden, die Miete zahlen]
        en: [debt]
    """
    )
    assert any("'die Miete zahlen' is also a term of 'rent'" in p for p in problems_of(text))
    twice = problems_of(GOOD.replace("[Miete, Kaltmiete", "[Miete, MIETE, Kaltmiete"))
    assert any("'MIETE' is listed twice" in p for p in twice)


def test_a_term_of_stop_words_or_a_phrase_that_is_one_word_is_refused():
    assert any("only stop words" in p for p in problems_of(GOOD.replace("[rent,", "[the,")))
    found = problems_of(GOOD.replace("[rent,", "[no rent,"))
    assert any("'no rent' is only 'rent'" in p for p in found)


@pytest.mark.parametrize(
    "text",
    [
        "concepts: []",
        "faq: []",
        "- id: rent",
        "concepts:\n  - just a text",
        "concepts:\n  - id: Rent Costs\n    de: [Miete]\n    en: [rent]",
        "concepts: [\n",
    ],
)
def test_a_malformed_file_is_refused(text: str):
    assert problems_of(text)


def test_every_problem_is_listed_at_once():
    text = """
        concepts:
          - id: a
            de: []
            en: [x1]
            xx: [y]
          - id: a
            de: [Wort]
    """
    assert len(problems_of(text)) >= 4


def test_a_folder_is_read_file_by_file(tmp_path: Path):
    (tmp_path / "b.yaml").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    (tmp_path / "a.yml").write_text(
        "concepts:\n  - id: debt\n    de: [Schulden]\n    en: [debt]\n", encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("not read", encoding="utf-8")
    assert [c.id for c in load_lexicon(tmp_path).concepts] == ["debt", "rent"]


def test_the_shipped_lexicon_loads_and_covers_the_field():
    lexicon = shipped_lexicon()
    assert 80 <= len(lexicon) <= 200
    counts = lexicon.counts()
    assert all(counts[lang] == len(lexicon) for lang in BOT_LANGUAGES)
    assert all(counts[lang] >= 40 for lang in ("ps", "ku", "so"))
    assert counts["ti"] >= 20
    assert set(counts) == set(LANGUAGES)
    ids = {c.id for c in lexicon.concepts}
    for needed in (
        "duldung",
        "gestattung",
        "health-insurance",
        "rejection",
        "rent",
        "debt",
        "pregnancy",
        "school-certificate",
        "durchstarten",
        "gemeinsam-klappts",
        "driving-licence",
        "psychological-help",
        "temporary-protection",
    ):
        assert needed in ids


def test_the_shipped_lexicon_is_package_data():
    files = [f.name for f in resources.files("bot.answers.lexicon").iterdir()]
    assert sum(name.endswith(".yaml") for name in files) >= 10
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"bot.answers.lexicon" = ["*.yaml"' in pyproject


def test_shipped_loanwords_are_listed_in_the_scripts_people_write_them_in():
    terms = {c.id: c.terms for c in shipped_lexicon().concepts}
    assert "دولدونغ" in terms["duldung"]["ar"]
    assert "دولدونگ" in terms["duldung"]["fa"]
    assert {"Дульдунг", "Дульдунґ"} <= set(terms["duldung"]["uk"])
    assert "Гештаттунг" in terms["gestattung"]["uk"]
    assert "Дурхштартен" in terms["durchstarten"]["uk"]
    for cid in ("jobcenter", "social-welfare-office", "vocational-training", "bamf"):
        assert terms[cid]["ar"] and terms[cid]["fa"] and terms[cid]["ru"]


def test_shipped_one_word_terms_rarely_share_a_stem_across_concepts():
    # Words of different concepts that a stemmer cuts to the same stem blur them; the few
    # left are near in meaning (Arabic ولادة birth, ولاد children).
    for lang in ("de", "en", "ar", "fa", "ru", "tr", "fr"):
        shared = [
            k for k, marks in matcher(shipped_lexicon(), lang).single.items() if len(marks) > 1
        ]
        assert len(shared) <= 20, (lang, shared)
