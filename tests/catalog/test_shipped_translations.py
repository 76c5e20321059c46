"""The shipped content exists in every supported language, source lines included."""

from __future__ import annotations

import pytest

from bot.catalog.schema import REFERENCE_LANGUAGE, Content
from bot.catalog.translations import TRANSLATED_KINDS, Status, report, texts_of
from bot.i18n import SUPPORTED_LANGUAGES

LANGUAGES = [lang for lang in SUPPORTED_LANGUAGES if lang != REFERENCE_LANGUAGE]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_shipped_entry_is_translated_unless_marked_german_only(
    lang: str, shipped_content: Content
) -> None:
    counts = report(shipped_content, [lang])[lang]
    missing = [
        f"{kind}:{entry_id}"
        for tally in counts.values()
        for kind, entry_id, found in tally.open
        if found is Status.MISSING
    ]
    assert not missing, f"{lang}: no translation (mark `german_only: <reason>` if none is needed)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_shipped_translation_is_current_and_has_its_source_line(
    lang: str, shipped_content: Content
) -> None:
    outdated, no_source = [], []
    for kind in TRANSLATED_KINDS:
        for entry in shipped_content.of_kind(kind).values():
            texts = texts_of(entry).get(lang)
            if texts is None:
                continue
            if report(Content(**{kind: {entry.id: entry}}), [lang])[lang][kind].outdated:
                outdated.append(f"{kind}:{entry.id}")
            if getattr(entry, "source", None) and not texts.get("source"):
                no_source.append(f"{kind}:{entry.id}")
    assert not outdated, f"{lang}: translations of an older German text: {outdated}"
    assert not no_source, f"{lang}: source lines only in German: {no_source}"
