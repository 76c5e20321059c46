"""Eligibility results in words: reasons, results, facts and fact errors, in the user's language.

Plain text (no HTML): the CLI prints it as it is, the chat escapes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog.schema import Content
from bot.eligibility.engine import ELIGIBLE, NOT_ELIGIBLE, FactError, Reason, Verdict
from bot.i18n import N_, Translator

RESULTS = {
    ELIGIBLE: N_("Eligible"),
    NOT_ELIGIBLE: N_("Not eligible"),
    "unknown": N_("More information needed"),
}
FACT_NAMES = {
    "age": N_("age"),
    "residence_status": N_("residence status"),
    "lives_in_nrw": N_("place of residence in NRW"),
    "municipality": N_("municipality"),
    "municipality.alliance": N_("whether the municipality is in the alliance"),
    "has_school_certificate": N_("school certificate"),
    "german_level": N_("German level"),
}
#: Short names of the residence statuses (the German terms are kept where people use them).
STATUS_NAMES = {
    "gestattung": N_("Gestattung"),
    "duldung": N_("Duldung"),
    "aufenthaltserlaubnis": N_("Aufenthaltserlaubnis"),
    "niederlassungserlaubnis": N_("Niederlassungserlaubnis"),
    "eu": N_("EU citizen"),
    "german": N_("German citizen"),
    "other": N_("another status"),
}
FACT_ERRORS = {
    "birth_date_in_future": N_("The birth date {birth_date} lies in the future."),
    "age_contradicts_birth_date": N_(
        "The age {age} does not match the birth date (that makes {computed})."
    ),
    "age_out_of_range": N_("An age of {age} is not possible; please give an age from 0 to 120."),
    "unknown_municipality": N_("I do not know the municipality '{municipality}'."),
    "municipality_contradicts_nrw": N_("{municipality} is in NRW, so the person lives in NRW."),
    # Typed answers in the chat that cannot be read.
    "no_such_date": N_("There is no date {date}; please check the day and the month."),
    "not_a_number": N_(
        "Please type the age as a number (for example 23) or the birth date "
        "(for example {example})."
    ),
    "choose_a_button": N_("Please tap one of the buttons below."),
}
#: What the residence statuses mean, in plain and general words (no legal advice).
STATUS_EXPLANATIONS = {
    "gestattung": N_(
        "The person has applied for asylum and may stay in Germany while the asylum "
        "procedure is running."
    ),
    "duldung": N_(
        "The person is obliged to leave Germany, but the deportation is suspended for a "
        "time, for example because papers are missing, because of illness or because of a "
        "vocational training; a Duldung is not a residence permit."
    ),
    "aufenthaltserlaubnis": N_(
        "A residence permit for a limited time and a certain purpose, for example after "
        "recognition as a refugee, or for training, work or family reasons."
    ),
    "niederlassungserlaubnis": N_("A permanent residence permit without a time limit."),
    "other": N_("Any other status, for example a visa, or a status you do not find here."),
}


def result_text(t: Translator, result: str) -> str:
    return t(RESULTS[result])


def fact_name(t: Translator, fact: str) -> str:
    return t(FACT_NAMES.get(fact, fact))


def status_name(t: Translator, status: str) -> str:
    return t(STATUS_NAMES.get(status, status))


def status_explanation(t: Translator, status: str) -> str:
    """Say in plain words what a residence status means."""
    return t(STATUS_EXPLANATIONS[status])


def fact_error_text(t: Translator, error: FactError) -> str:
    """Say in words why the given facts cannot be right."""
    return t(FACT_ERRORS[error.code], **{k: str(v) for k, v in error.params.items()})


def _years(t: Translator, rule: Mapping[str, Any]) -> str:
    if "min" in rule and "max" in rule:
        return t("{low} to {high} years", low=rule["min"], high=rule["max"])
    if "min" in rule:
        return t("at least {low} years", low=rule["min"])
    return t("at most {high} years", high=rule.get("max"))


def _town(content: Content, value: Any) -> str:
    town = content.municipalities.get(str(value))
    return town.name if town else str(value)


def reason_text(t: Translator, reason: Reason, content: Content) -> str:
    """Say in words why one condition holds, fails or is still open."""
    rule, value, ok = reason.rule, reason.value, reason.outcome
    if reason.fact == "age":
        years = _years(t, rule)
        if ok is None:
            return t("Age not known yet (the program asks for {years}).", years=years)
        if ok:
            return t("Age {age} is within {years}.", age=value, years=years)
        return t("Age {age} is outside {years}.", age=value, years=years)
    if reason.fact == "residence_status":
        allowed = rule.get("in") or [rule.get("equals")]
        names = t.join_or([status_name(t, s) for s in allowed if s])
        if ok is None:
            return t(
                "Residence status not known yet (the program asks for {allowed}).", allowed=names
            )
        status = status_name(t, value)
        if ok:
            return t(
                "The residence status {status} fits (the program asks for {allowed}).",
                status=status,
                allowed=names,
            )
        return t(
            "The residence status {status} does not fit (the program asks for {allowed}).",
            status=status,
            allowed=names,
        )
    if reason.fact == "lives_in_nrw":
        if ok is None:
            return t("Not known yet whether the person lives in NRW.")
        return t("The person lives in NRW.") if value else t("The person does not live in NRW.")
    if reason.fact == "municipality.alliance":
        if ok is None:
            return t("Not known whether the municipality is in the alliance “Gemeinsam klappt's”.")
        if value:
            return t("The municipality takes part in the alliance “Gemeinsam klappt's”.")
        return t("The municipality does not take part in the alliance “Gemeinsam klappt's”.")
    if reason.fact == "has_school_certificate":
        if ok is None:
            return t("Not known yet whether the person has a school certificate.")
        return (
            t("The person has a school certificate.")
            if value
            else t("The person has no school certificate.")
        )
    if reason.fact == "municipality":
        if ok is None:
            return t("The municipality is not known yet.")
        town = _town(content, value)
        if ok:
            return t("The municipality {town} is one the program names.", town=town)
        return t("The municipality {town} is not one the program names.", town=town)
    if reason.fact == "german_level":
        if ok is None:
            return t("The German level is not known yet.")
        if ok:
            return t("The German level {level} meets the requirement.", level=value)
        return t("The German level {level} does not meet the requirement.", level=value)
    return t("{fact}: {result}", fact=reason.fact, result=str(ok))


def verdict_reasons(t: Translator, verdict: Verdict, content: Content) -> list[str]:
    """Return the reasons of a verdict in words, in rule order, without repeats."""
    return list(dict.fromkeys(reason_text(t, r, content) for r in verdict.reasons)) or [
        t("The program sets no conditions for persons.")
    ]
