"""Every content-contract violation is refused with `file:line: what is wrong`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.catalog import loader
from bot.catalog.loader import ContentError, load_content, parse_files

#: Every problem is found, and told alike, by both YAML parsers (see tests/catalog/conftest).
pytestmark = pytest.mark.usefixtures("yaml_parser")

BASE = """\
municipalities:
  - id: koeln
    name: Köln
    kreis: null
    alliance: true
programs:
  - id: p
    audience: person
    source: "Anlage 1"
    translations:
      de: {title: Programm}
"""


def problems_of(extra: str, base: str = BASE) -> list[str]:
    """Load BASE plus one more file and return the problems reported."""
    files = {"base.yaml": base.encode(), "bad.yaml": textwrap.dedent(extra).encode()}
    with pytest.raises(ContentError) as caught:
        parse_files(files)
    return caught.value.problems


CASES = [
    ("syntax error", "faq: [\n  - id: x\n", "bad.yaml:", "invalid YAML"),
    ("unsafe tag", "faq: !!python/object/apply:os.system ['ls']\n", "bad.yaml:1:", "unsafe"),
    ("duplicate key", "faq:\n  - id: a\n    id: b\n", "bad.yaml:3:", "appears twice"),
    ("top level not a mapping", "- a\n- b\n", "bad.yaml:1:", "must be a mapping"),
    ("unknown top-level key", "faqs: []\n", "bad.yaml:1:", "unknown top-level key 'faqs'"),
    ("kind not a list", "faq: {id: a}\n", "bad.yaml:1:", "must be a list"),
    ("entry not a mapping", "faq:\n  - just text\n", "bad.yaml:", "must be a mapping"),
    ("missing id", "faq:\n  - scope: nrw\n", "bad.yaml:2:", "has no 'id'"),
    ("id not a slug", "faq:\n  - id: Wer_Darf\n", "bad.yaml:2:", "not a lower-case slug"),
    (
        "duplicate id across files",
        "programs:\n  - id: p\n    audience: person\n    source: s\n    translations: {de: {title: t}}\n",
        "base.yaml:7:",
        "duplicate program id 'p' (first at bad.yaml:2)",
    ),
    (
        "no translations",
        "faq:\n  - id: a\n    scope: nrw\n",
        "bad.yaml:2:",
        "'translations' is missing",
    ),
    (
        "no German",
        "faq:\n  - id: a\n    translations:\n      en: {questions: [q], answer: a}\n",
        "bad.yaml:3:",
        "has no 'de'",
    ),
    (
        "bad language code",
        "faq:\n  - id: a\n    translations:\n      de: {questions: [q], answer: a}\n      English: {questions: [q], answer: a}\n",
        "bad.yaml:5:",
        "'English' is not a language code",
    ),
    (
        "no questions",
        "faq:\n  - id: a\n    translations:\n      de:\n        answer: a\n",
        "bad.yaml:5:",
        "'questions' is missing or empty",
    ),
    (
        "empty answer",
        "faq:\n  - id: a\n    translations:\n      de:\n        questions: [q]\n        answer: ''\n",
        "bad.yaml:6:",
        "'answer' is empty",
    ),
    (
        "questions not a list of texts",
        "faq:\n  - id: a\n    translations:\n      de:\n        questions: 'Wer'\n        answer: a\n",
        "bad.yaml:5:",
        "must be a list of non-empty texts",
    ),
    (
        "unknown scope",
        "faq:\n  - id: a\n    scope: bonn\n    translations: {de: {questions: [q], answer: a}}\n",
        "bad.yaml:2:",
        "unknown municipality 'bonn'",
    ),
    (
        "unknown program link",
        "faq:\n  - id: a\n    program: nope\n    translations: {de: {questions: [q], answer: a}}\n",
        "bad.yaml:2:",
        "unknown program 'nope'",
    ),
    (
        "bad valid_until",
        "faq:\n  - id: a\n    valid_until: 31.12.2027\n    translations: {de: {questions: [q], answer: a}}\n",
        "bad.yaml:3:",
        "must be a date",
    ),
    (
        "bad audience",
        "programs:\n  - id: q\n    audience: people\n    source: s\n    translations: {de: {title: t}}\n",
        "bad.yaml:3:",
        "expected one of: person, municipality, organisation",
    ),
    (
        "program without source",
        "programs:\n  - id: q\n    audience: person\n    translations: {de: {title: t}}\n",
        "bad.yaml:2:",
        "'source' is missing",
    ),
    (
        "program without title",
        "programs:\n  - id: q\n    audience: person\n    source: s\n    translations: {de: {summary: t}}\n",
        "bad.yaml:5:",
        "'de' has no 'title'",
    ),
    (
        "unknown parent",
        "programs:\n  - id: q\n    parent: nope\n    audience: person\n    source: s\n    translations: {de: {title: t}}\n",
        "bad.yaml:2:",
        "unknown program 'nope'",
    ),
    (
        "parent cycle",
        "programs:\n  - id: q\n    parent: r\n    audience: person\n    source: s\n    translations: {de: {title: t}}\n"
        "  - id: r\n    parent: q\n    audience: person\n    source: s\n    translations: {de: {title: t}}\n",
        "bad.yaml:",
        "forms a cycle",
    ),
    (
        "unknown fact",
        "programs:\n  - id: q\n    audience: person\n    source: s\n    eligibility:\n      all:\n        - {fact: shoe_size, min: 3}\n    translations: {de: {title: t}}\n",
        "bad.yaml:7:",
        "unknown fact 'shoe_size'",
    ),
    (
        "unknown status value",
        "programs:\n  - id: q\n    audience: person\n    source: s\n    eligibility:\n      all:\n        - {fact: residence_status, in: [duldung, asyl]}\n    translations: {de: {title: t}}\n",
        "bad.yaml:7:",
        "unknown value 'asyl' for 'residence_status'",
    ),
    (
        "min above max",
        "programs:\n  - id: q\n    audience: person\n    source: s\n    eligibility:\n      all:\n        - {fact: age, min: 27, max: 18}\n    translations: {de: {title: t}}\n",
        "bad.yaml:7:",
        "'min' of 'age' is greater than 'max'",
    ),
    (
        "unknown operator",
        "programs:\n  - id: q\n    audience: person\n    source: s\n    eligibility:\n      all:\n        - {fact: age, above: 17}\n    translations: {de: {title: t}}\n",
        "bad.yaml:7:",
        "needs min/max, in or equals",
    ),
    (
        "bad rule group",
        "programs:\n  - id: q\n    audience: person\n    source: s\n    eligibility:\n      every: []\n    translations: {de: {title: t}}\n",
        "bad.yaml:6:",
        "takes 'all' and/or 'any'",
    ),
    (
        "empty all",
        "programs:\n  - id: q\n    audience: person\n    source: s\n    eligibility:\n      all: []\n    translations: {de: {title: t}}\n",
        "bad.yaml:6:",
        "non-empty list",
    ),
    (
        "range on a non-number",
        "programs:\n  - id: q\n    audience: person\n    source: s\n    eligibility:\n      all:\n        - {fact: lives_in_nrw, min: 1}\n    translations: {de: {title: t}}\n",
        "bad.yaml:7:",
        "is not a number",
    ),
    (
        "municipality without name",
        "municipalities:\n  - id: bonn\n",
        "bad.yaml:2:",
        "'name' is missing",
    ),
    (
        "unknown kreis",
        "municipalities:\n  - id: bruehl\n    name: Brühl\n    kreis: rhein-erft\n",
        "bad.yaml:2:",
        "unknown municipality 'rhein-erft'",
    ),
    (
        "alliance not a flag",
        "municipalities:\n  - id: bonn\n    name: Bonn\n    alliance: ja\n",
        "bad.yaml:4:",
        "must be true, false or null",
    ),
    (
        "offer of unknown type",
        "offers:\n  - id: o\n    type: party\n    municipality: koeln\n    translations: {de: {title: t}}\n",
        "bad.yaml:3:",
        "'type' is 'party'",
    ),
    (
        "offer without municipality",
        "offers:\n  - id: o\n    type: coaching\n    translations: {de: {title: t}}\n",
        "bad.yaml:2:",
        "'municipality' is missing",
    ),
    (
        "offer in unknown municipality",
        "offers:\n  - id: o\n    type: coaching\n    municipality: bonn\n    translations: {de: {title: t}}\n",
        "bad.yaml:2:",
        "unknown municipality 'bonn'",
    ),
    (
        "offer with bad geo",
        "offers:\n  - id: o\n    type: coaching\n    municipality: koeln\n    geo: [200, 6.9]\n    translations: {de: {title: t}}\n",
        "bad.yaml:5:",
        "'geo' must be [latitude, longitude]",
    ),
    (
        "negative capacity",
        "offers:\n  - id: o\n    type: coaching\n    municipality: koeln\n    capacity: -1\n    translations: {de: {title: t}}\n",
        "bad.yaml:5:",
        "'capacity' must be a whole number",
    ),
    (
        "ends before starts",
        "offers:\n  - id: o\n    type: coaching\n    municipality: koeln\n    starts: 2027-02-01\n    ends: 2027-01-01\n    translations: {de: {title: t}}\n",
        "bad.yaml:6:",
        "'ends' is before 'starts'",
    ),
    (
        "audience with unknown status",
        "offers:\n  - id: o\n    type: coaching\n    municipality: koeln\n    audience: {statuses: [refugee]}\n    translations: {de: {title: t}}\n",
        "bad.yaml:5:",
        "'audience.statuses' must list values",
    ),
    (
        "audience min above max",
        "offers:\n  - id: o\n    type: coaching\n    municipality: koeln\n    audience: {min_age: 30, max_age: 18}\n    translations: {de: {title: t}}\n",
        "bad.yaml:5:",
        "greater than 'max_age'",
    ),
    (
        "bad offer language",
        "offers:\n  - id: o\n    type: coaching\n    municipality: koeln\n    languages: [Deutsch]\n    translations: {de: {title: t}}\n",
        "bad.yaml:5:",
        "invalid value 'Deutsch'",
    ),
    (
        "contact not a mapping",
        "offers:\n  - id: o\n    type: coaching\n    municipality: koeln\n    contact: 0221-123\n    translations: {de: {title: t}}\n",
        "bad.yaml:5:",
        "'contact' must map",
    ),
    (
        "contact in unknown municipality",
        "contacts:\n  - id: c\n    municipality: bonn\n    translations: {de: {title: t}}\n",
        "bad.yaml:2:",
        "unknown municipality 'bonn'",
    ),
]


@pytest.mark.parametrize(("name", "text", "where", "what"), CASES, ids=[c[0] for c in CASES])
def test_bad_content_is_refused_with_file_and_line(name: str, text: str, where: str, what: str):
    problems = problems_of(text)
    assert any(p.startswith(where) and what in p for p in problems), problems


def test_not_utf8_is_refused():
    with pytest.raises(ContentError) as caught:
        parse_files({"base.yaml": BASE.encode(), "bad.yaml": "faq: ä".encode("latin-1")})
    assert caught.value.problems == ["bad.yaml:1: not UTF-8 text (byte 5)"]


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    (tmp_path / "big.yaml").write_text("faq: []\n" + "#" * 200 + "\n")
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    assert "big.yaml:0: file is" in caught.value.problems[0]
    assert "more than the limit of 100" in caught.value.problems[0]


def test_every_problem_is_listed_not_only_the_first():
    problems = problems_of(
        "faq:\n  - id: A\n  - id: b\n    scope: nowhere\n    translations: {de: {questions: [q], answer: a}}\n"
    )
    assert len(problems) == 2


def test_an_empty_directory_is_refused(tmp_path: Path):
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    assert "no *.yaml files" in caught.value.problems[0]


def test_valid_content_loads_with_extensions_kept(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(
        BASE + "faq:\n  - id: f\n    scope: koeln\n    owner: ki-koeln\n"
        "    translations:\n      de: {questions: ['Wer?'], answer: Alle., keywords: [wer]}\n",
        encoding="utf-8",
    )
    content = load_content(tmp_path)
    assert content.faq["f"].extra == {"owner": "ki-koeln"}
    assert content.faq["f"].translations["de"].keywords == ("wer",)
    assert str(content.faq["f"].where) == "a.yaml:13"
