"""A small hand-built FAQ for the answering engine's tests."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answers.engine import AnswerEngine
from bot.catalog.schema import Content, FaqEntry, FaqText


def faq(
    id: str,
    de: tuple[list[str], str],
    en: tuple[list[str], str] | None = None,
    ar: tuple[list[str], str] | None = None,
    scope: str = "nrw",
    tags: tuple[str, ...] = (),
    valid_until: date | None = None,
) -> FaqEntry:
    """Build an FAQ entry from (questions, answer) pairs per language."""
    texts = {"de": de, "en": en, "ar": ar}
    translations = {
        lang: FaqText(tuple(pair[0]), pair[1]) for lang, pair in texts.items() if pair is not None
    }
    return FaqEntry(id, scope, translations, tags=tags, valid_until=valid_until)


ENTRIES = [
    faq(
        "durchstarten-wer",
        (
            ["Wer kann bei Durchstarten mitmachen?", "Für wen ist Durchstarten?"],
            "Junge Geflüchtete mit Duldung oder Gestattung zwischen 18 und 27 Jahren.",
        ),
        (["Who can take part in Durchstarten?"], "Young refugees aged 18 to 27."),
        (["من يمكنه المشاركة في برنامج Durchstarten؟"], "اللاجئون الشباب من 18 إلى 27 سنة."),
        tags=("durchstarten",),
    ),
    faq(
        "arbeit-gestattung",
        (
            ["Darf ich mit einer Gestattung arbeiten?", "Arbeitserlaubnis mit Gestattung"],
            "Nach drei Monaten kann die Ausländerbehörde die Beschäftigung erlauben.",
        ),
        (
            ["Can I work with a Gestattung?"],
            "After three months the foreigners office may allow work.",
        ),
        (["هل يمكنني العمل مع الإقامة المؤقتة؟"], "بعد ثلاثة أشهر يمكن السماح بالعمل."),
        tags=("arbeit",),
    ),
    faq(
        "hauptschulabschluss",
        (
            ["Wie kann ich den Hauptschulabschluss nachholen?"],
            "An einer Abendschule oder einem Weiterbildungskolleg.",
        ),
        (["How can I get a school leaving certificate?"], "At an evening school."),
        tags=("schule",),
    ),
    faq(
        "sprachkurs",
        (
            ["Wo finde ich einen Deutschkurs?", "Integrationskurs anmelden"],
            "Das BAMF listet Integrationskurse; die Volkshochschule berät.",
        ),
        (["Where can I find a German course?"], "The BAMF lists integration courses."),
        tags=("sprache",),
    ),
    faq(
        "koeln-beratung",
        (
            ["Wo ist die Beratungsstelle in Köln?"],
            "Das Kommunale Integrationszentrum Köln berät am Rathaus.",
        ),
        scope="koeln",
        tags=("beratung",),
    ),
    faq(
        "bonn-beratung",
        (
            ["Wo ist die Beratungsstelle in Bonn?"],
            "Das Kommunale Integrationszentrum Bonn berät am Markt.",
        ),
        scope="bonn",
        tags=("beratung",),
    ),
    faq(
        "winter-aktion",
        (
            ["Gibt es die Winteraktion für Fahrräder?"],
            "Die Winteraktion verschenkt gebrauchte Fahrräder.",
        ),
        valid_until=date(2026, 12, 31),
    ),
    faq(
        "krankenversicherung",
        (
            ["Wer bezahlt den Arzt, wenn ich krank bin?"],
            "Mit Gestattung zahlt das Sozialamt den Arzt über einen Behandlungsschein.",
        ),
        (["Who pays for the doctor when I am ill?"], "The social welfare office pays the doctor."),
        tags=("gesundheit",),
    ),
]


@pytest.fixture(scope="session")
def content() -> Content:
    """Return the small FAQ as a Content."""
    return Content(faq={e.id: e for e in ENTRIES})


@pytest.fixture(scope="session")
def engine(content: Content) -> AnswerEngine:
    """Return an engine over the small FAQ."""
    return AnswerEngine(content)


@pytest.fixture(scope="session")
def make_faq():
    """Return the helper that builds an FAQ entry from (questions, answer) pairs."""
    return faq
