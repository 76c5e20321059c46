"""Matches in words: reasons, offer types and the one line that says why nothing fits."""

from __future__ import annotations

from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from bot.catalog.schema import Content
from bot.eligibility.words import fact_name, status_name
from bot.i18n import N_, Translator
from bot.matching.engine import Miss, Reason

OFFER_TYPES = {
    "coaching": N_("coaching"),
    "qualification": N_("job-accompanying qualification"),
    "school_certificate": N_("school-leaving certificate course"),
    "preparation_course": N_("preparation course"),
    "language_course": N_("language course"),
    "counselling": N_("counselling"),
    "other": N_("other offer"),
}


def type_name(t: Translator, offer_type: str) -> str:
    return t(OFFER_TYPES.get(offer_type, offer_type))


def language_name(t: Translator, code: str) -> str:
    """Return the name of a language in the reader's language (Babel's CLDR names)."""
    try:
        return Locale.parse(code).get_display_name(t.lang) or code
    except (UnknownLocaleError, ValueError):
        return code


def reason_text(t: Translator, reason: Reason, content: Content) -> str:
    """Say in words why an offer is listed (or what still needs checking)."""
    value = reason.value
    if reason.code == "type":
        return t("It is the kind of offer you are looking for.")
    if reason.code == "language":
        return t("It is held in {language}.", language=language_name(t, str(value)))
    if reason.code in ("program", "program_open"):
        program = content.programs.get(str(value))
        title = program.text(t.lang)["title"] if program else str(value)
        if reason.code == "program":
            return t("The person is eligible for {program}.", program=title)
        return t("The person may be eligible for {program}; some facts are missing.", program=title)
    if reason.code == "ongoing":
        return t("It is running now.")
    if reason.code == "soon":
        day = format_date(date.fromisoformat(str(value)), format="medium", locale=t.lang)
        return t("It starts soon, on {day}.", day=day)
    if reason.code == "distance":
        return t("It is {km} km away.", km=value)
    return t(
        "Please check the {fact} requirement with the provider.", fact=fact_name(t, str(value))
    )


def miss_text(t: Translator, miss: Miss, content: Content) -> str:
    """Say in one line why nothing fits."""
    town = content.municipalities.get(miss.municipality or "")
    place = town.name if town else None
    kind = type_name(t, miss.offer_type) if miss.offer_type else None
    status = status_name(t, miss.status) if miss.status else None
    if kind and place and status:
        return t(
            "No {type} in {place} for {status} right now.", type=kind, place=place, status=status
        )
    if kind and place:
        return t("No {type} in {place} right now.", type=kind, place=place)
    if kind:
        return t("No {type} that fits right now.", type=kind)
    if place:
        return t("No offer in {place} fits right now.", place=place)
    return t("No offer fits right now.")
