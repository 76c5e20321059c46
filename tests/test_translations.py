"""The gettext catalogs are complete, current and safe to format."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot.i18n import SUPPORTED_LANGUAGES, translator

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
#: The number of plural forms each language has (Arabic: zero, one, two, few, many, other).
PLURAL_FORMS = {"de": 2, "en": 2, "ar": 6, "fa": 1, "uk": 3, "tr": 1, "ru": 3, "fr": 2}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {message.id for message in catalog if message.id}


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(POT)


def test_the_template_is_current_with_the_source(tmp_path: Path, template: Catalog) -> None:
    fresh = tmp_path / "messages.pot"
    status = CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "t",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "-k",
            "N_",
            "-o",
            str(fresh),
            str(ROOT / "bot"),
        ]
    )
    assert status in (None, 0)
    extracted, shipped = _ids(_read(fresh)), _ids(template)
    assert extracted == shipped, (
        f"locales/messages.pot is stale (run 'make extract update'): "
        f"new {sorted(map(str, extracted - shipped))}, gone {sorted(map(str, shipped - extracted))}"
    )


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(lang: str, template: Catalog) -> None:
    catalog = _read(LOCALES / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    assert not catalog.fuzzy, f"{lang}: the catalog header is marked fuzzy"
    problems = []
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id)
        if message is None:
            problems.append(f"missing: {wanted.id!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {wanted.id!r}")
        elif not all(form.strip() for form in _forms(message)):
            problems.append(f"empty: {wanted.id!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_plural_forms_follow_the_language(lang: str) -> None:
    catalog = _read(LOCALES / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    assert catalog.num_plurals == PLURAL_FORMS[lang]
    for message in catalog:
        if message.id and message.pluralizable:
            assert len(_forms(message)) == catalog.num_plurals, message.id


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    catalog = _read(LOCALES / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            allowed = _placeholders(message.id[0]) | _placeholders(message.id[1])
            required = allowed - {"n"}  # a form may spell the number out ("one", "two")
        else:
            allowed = required = _placeholders(message.id)
        for form in _forms(message):
            found = _placeholders(form)
            if not required <= found <= allowed:
                problems.append(f"{message.id!r}: {sorted(found)} instead of {sorted(allowed)}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_each_translation_formats_with_its_parameters(lang: str) -> None:
    t = translator(lang)
    for count in (0, 1, 2, 5, 11, 100):
        text = t.ngettext(
            "{n} municipality matches “{query}”:",
            "{n} municipalities match “{query}”:",
            count,
            query="Köln",
        )
        assert "Köln" in text
    assert "Köln" in t("Currently: {municipality}", municipality="Köln")


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_a_plural_form_used_for_several_numbers_says_the_number(lang: str) -> None:
    """A form may spell its number out ("one question") only when it is used for that
    number alone: Russian's first form is also for 21 (counts start at 1: a count of
    nothing is said in other words)."""
    catalog = _read(LOCALES / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    rule = gettext.c2py(catalog.plural_expr)
    numbers: dict[int, set[int]] = {}
    for n in range(1, 1001):
        numbers.setdefault(rule(n), set()).add(n)
    problems = []
    for message in catalog:
        if not (message.id and isinstance(message.id, tuple)):
            continue
        for form, text in enumerate(_forms(message)):
            if len(numbers.get(form, set())) > 1 and not {"n", "count"} & _placeholders(text):
                problems.append(f"form {form} of {message.id[0]!r}: {text!r}")
    assert not problems, f"{lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("lang", "counts"),
    [
        ("en", {1: "Asked 1 time", 2: "Asked 2 times"}),
        ("de", {1: "1-mal gefragt", 7: "7-mal gefragt"}),
        ("ru", {1: "1 раз", 3: "3 раза", 5: "5 раз", 21: "21 раз", 22: "22 раза"}),
        ("uk", {1: "1 раз", 3: "3 рази", 5: "5 разів", 11: "11 разів"}),
        ("ar", {1: "مرة واحدة", 2: "مرتين", 3: "3 مرات", 11: "11 مرة", 100: "100 مرة"}),
        ("fr", {1: "Posée 1 fois", 2: "Posée 2 fois"}),
    ],
)
def test_counts_read_right_in_each_language(lang: str, counts: dict[int, str]) -> None:
    t = translator(lang)
    for n, wanted in counts.items():
        text = t.ngettext(
            "Asked {n} time in {language} · {place}",
            "Asked {n} times in {language} · {place}",
            n,
            language="x",
            place="y",
        )
        assert wanted in text, (n, text)
    singular = t.ngettext("Dismissed {n} question.", "Dismissed {n} questions.", 1)
    assert singular != t.ngettext("Dismissed {n} question.", "Dismissed {n} questions.", 5) or (
        lang in ("fa", "tr")
    )
