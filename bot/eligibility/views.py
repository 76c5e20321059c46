"""What the eligibility check asks and answers, as Replies (no telegram import).

Buttons carry `K:<step>:<verb>[:<value>]`; the step (answers given so far) tells an old
button from one of the current question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.catalog.schema import GERMAN_LEVELS, Content, FaqEntry, Municipality
from bot.chat.keyboards import (
    check_button,
    data,
    entry_button,
    find_button,
    grid,
    resolve,
    token,
)
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic
from bot.eligibility.engine import ELIGIBLE, NOT_ELIGIBLE, UNKNOWN, Facts, Verdict, age_on
from bot.eligibility.interview import AGE, GERMAN, IN_NRW, OUTSIDE_NRW, PLACE, SCHOOL, STATUS
from bot.eligibility.typed import date_example
from bot.eligibility.words import (
    STATUS_EXPLANATIONS,
    STATUS_NAMES,
    fact_name,
    result_text,
    status_explanation,
    status_name,
    verdict_reasons,
)
from bot.i18n import Translator, isolate
from bot.users.places import Page
from bot.users.views import search_heading

Rows = tuple[tuple[Button, ...], ...]
#: How each group of the result is marked, in the order the groups are shown.
GROUPS = ((ELIGIBLE, "✅"), (UNKNOWN, "❓"), (NOT_ELIGIBLE, "❌"))
#: The question each answer verb answers ("u", "I don't know", answers any).
ANSWERS = {"s": STATUS, "m": PLACE, "n": PLACE, "o": PLACE, "v": SCHOOL, "l": GERMAN}
#: What a button that stands for no answer at all is read as.
NO_VALUE = object()


def _k(step: int, *parts: str) -> str:
    return data("K", str(step), *parts)


def pressed_value(asked: str | None, verb: str, raw: str | None, content: Content) -> Any:
    """Read an answer button back: its value, or NO_VALUE if it does not answer `asked`."""
    if verb != "u" and ANSWERS.get(verb) != asked:
        return NO_VALUE
    if verb == "m":
        return resolve(raw or "", content.municipalities) or NO_VALUE
    if verb == "v":
        return {"1": True, "0": False}.get(raw or "", NO_VALUE)
    return {"u": None, "n": IN_NRW, "o": OUTSIDE_NRW, "s": raw, "l": raw}.get(verb, NO_VALUE)


def _reply(t: Translator, lines: Sequence[str], rows: Rows = (), note: str | None = None) -> Reply:
    """Put an optional warning above the lines and direct them for the user's language."""
    head = ["⚠️ " + esc(note), ""] if note else []
    return Reply(directed("\n".join([*head, *lines]), t.lang), rows)


def _controls(t: Translator, step: int) -> Rows:
    """ "I don't know", and Back (after the first question) and Cancel: under every question."""
    back = (Button("◀ " + t("Back"), _k(step, "b")),) if step else ()
    return (
        (Button("🤷 " + t("I don't know"), _k(step, "u")),),
        (*back, Button("✖ " + t("Cancel"), _k(step, "x"))),
    )


def age_lines(t: Translator) -> list[str]:
    """The question for the age or the birth date, with a typed example (HTML lines)."""
    example = date_example(t.lang)
    return [
        bold(t("How old is the person?")),
        esc(
            t(
                "Type the age (for example 23) or the birth date (for example {example}).",
                example=isolate(example) if t.rtl else example,
            )
        ),
    ]


def age_question(t: Translator, step: int, note: str | None = None) -> Reply:
    """Ask for the age or the birth date (typed)."""
    return _reply(t, age_lines(t), _controls(t, step), note)


def status_question(
    t: Translator, step: int, note: str | None = None, explain: bool = False
) -> Reply:
    """Ask for the residence status with a button each; optionally explain them first."""
    lines = []
    if explain:
        for status in STATUS_EXPLANATIONS:
            lines += [bold(status_name(t, status)), esc(status_explanation(t, status)), ""]
        lines += [
            esc(t("The status is written on the person's papers from the immigration office.")),
            esc(t("This is general information, not legal advice.")),
            esc(
                t(
                    "If you are not sure, ask the immigration office (Ausländerbehörde), "
                    "a migration counselling service or a refugee counselling centre."
                )
            ),
            "",
        ]
    lines.append(bold(t("Which residence status does the person have?")))
    buttons = [Button(status_name(t, s), _k(step, "s", s)) for s in STATUS_NAMES]
    rows = grid(buttons, 2)
    if not explain:
        rows += ((Button("ℹ️ " + t("What do these mean?"), _k(step, "i")),),)
    return _reply(t, lines, (*rows, *_controls(t, step)), note)


def _place_rows(
    t: Translator, step: int, towns: Sequence[Municipality], own: Municipality | None
) -> Rows:
    mine = ((Button("📍 " + own.name, _k(step, "m", token(own.id))),),) if own else ()
    places = grid([Button(m.name, _k(step, "m", token(m.id))) for m in towns], 2)
    elsewhere = (
        Button("🏙 " + t("Elsewhere in NRW"), _k(step, "n")),
        Button("🌍 " + t("Outside NRW"), _k(step, "o")),
    )
    return (*mine, *places, elsewhere)


def place_question(
    t: Translator, step: int, shown: Page, own: Municipality | None, note: str | None = None
) -> Reply:
    """Ask where the person lives: their own municipality, the paged list, or typed letters."""
    lines = [
        bold(t("Where does the person live?")),
        esc(t("Type the first letters of the town or district, or pick it from the list.")),
    ]
    rows = _place_rows(t, step, shown.items, own)
    if shown.count > 1:
        turn = [(shown.number - 1) % shown.count, (shown.number + 1) % shown.count]
        rows = (
            *rows[:-1],
            (
                Button("◀", _k(step, "p", str(turn[0]))),
                Button(f"{shown.number + 1}/{shown.count}", _k(step, "p", str(shown.number))),
                Button("▶", _k(step, "p", str(turn[1]))),
            ),
            rows[-1],
        )
    return _reply(t, lines, (*rows, *_controls(t, step)), note)


def place_results(
    t: Translator, step: int, query: str, found: Sequence[Municipality], own: Municipality | None
) -> Reply:
    """List the municipalities matching what was typed, or say there are none."""
    query = embed(query.strip(), t.lang)
    text = search_heading(t, query, len(found))
    more = (Button("📋 " + t("Show the whole list"), _k(step, "p", "0")),)
    rows = (*_place_rows(t, step, found, own), more)
    return _reply(t, [esc(text)], (*rows, *_controls(t, step)))


def school_question(t: Translator, step: int, note: str | None = None) -> Reply:
    """Ask whether the person has a school certificate."""
    yes_no = (Button(t("Yes"), _k(step, "v", "1")), Button(t("No"), _k(step, "v", "0")))
    lines = [bold(t("Does the person have a school certificate?"))]
    return _reply(t, lines, (yes_no, *_controls(t, step)), note)


def german_question(t: Translator, step: int, note: str | None = None) -> Reply:
    """Ask for the person's German level."""
    levels = [
        Button(t("No German yet") if lv == "none" else lv, _k(step, "l", lv))
        for lv in GERMAN_LEVELS
    ]
    rows = ((levels[0],), *grid(levels[1:], 3))
    lines = [bold(t("What level of German does the person have?"))]
    return _reply(t, lines, (*rows, *_controls(t, step)), note)


def question(
    t: Translator,
    asked: str,
    step: int,
    *,
    own: Municipality | None,
    first: Page,
    note: str | None = None,
) -> Reply:
    """Ask one question of the check."""
    if asked == AGE:
        return age_question(t, step, note)
    if asked == STATUS:
        return status_question(t, step, note)
    if asked == PLACE:
        return place_question(t, step, first, own, note)
    if asked == SCHOOL:
        return school_question(t, step, note)
    if asked == GERMAN:
        return german_question(t, step, note)
    raise ValueError(f"no question {asked!r}")


def _title(t: Translator, content: Content, program: str) -> str:
    return content.programs[program].text(t.lang)["title"]


def _program(t: Translator, content: Content, verdict: Verdict) -> list[str]:
    lines = ["• " + bold(_title(t, content, verdict.program))]
    if verdict.missing:
        missing = t.join_and([fact_name(t, fact) for fact in verdict.missing])
        lines.append(esc(t("Still needed: {facts}", facts=missing)))
    lines += ["– " + esc(reason) for reason in verdict_reasons(t, verdict, content)]
    program = content.programs[verdict.program]
    source = program.translations.get(t.lang, {}).get("source") or verdict.source
    if source:
        lines.append(italic(t("Source: {source}", source=embed(source, t.lang))))
    return lines


def result(
    t: Translator, content: Content, verdicts: Sequence[Verdict], entries: Mapping[str, FaqEntry]
) -> Reply:
    """Show every program grouped by result, with reasons and sources, and the next steps.

    Within a group programs come by title ("Baustein 1" before "Baustein 2").
    """
    verdicts = sorted(verdicts, key=lambda v: _title(t, content, v.program).casefold())
    lines = [bold(t("Result of the check"))]
    for kind, mark in GROUPS:
        group = [v for v in verdicts if v.result == kind]
        if group:
            lines += ["", f"{mark} " + bold(result_text(t, kind))]
            for verdict in group:
                lines += ["", *_program(t, content, verdict)]
    if not verdicts:
        lines += ["", esc(t("There are no programs for persons to check."))]
    lines += [
        "",
        italic(
            t(
                "This is a first orientation based on the program rules, not a legal "
                "decision; the office running the program decides."
            )
        ),
    ]
    rows = tuple(
        (entry_button("📖 " + _title(t, content, v.program), entries[v.program].id),)
        for v in verdicts
        if v.program in entries
    )
    again = (
        Button("🔁 " + t("Start again"), check_button(t).data),
        find_button(t, after_check=True),
    )
    return _reply(t, lines, (*rows, again))


def _given(t: Translator, content: Content, facts: Facts, today: date) -> list[str]:
    """Name each fact given with its value ("age: 24", "residence status: Duldung")."""
    age = age_on(facts.birth_date, today) if facts.birth_date is not None else facts.age
    town = content.municipalities.get(facts.municipality or "")
    yes_no = {True: t("Yes"), False: t("No")}
    values = (
        ("age", age),
        ("residence_status", facts.residence_status and status_name(t, facts.residence_status)),
        ("municipality", town.name if town else None),
        ("lives_in_nrw", yes_no.get(facts.lives_in_nrw) if town is None else None),
        ("has_school_certificate", yes_no.get(facts.has_school_certificate)),
        ("german_level", facts.german_level),
    )
    return [f"{fact_name(t, fact)}: {value}" for fact, value in values if value is not None]


def understood(
    t: Translator, content: Content, facts: Facts, unclear: Sequence[str], today: date
) -> Reply:
    """Say in one line which facts a question gave, and which it named unclearly."""
    lines = []
    if given := _given(t, content, facts, today):
        lines.append(esc(t("I understood: {facts}.", facts=t.join_and(given))))
    if unclear:
        names = t.join_and([fact_name(t, fact) for fact in unclear])
        lines.append(esc(t("Not taken over because it is unclear: {facts}.", facts=names)))
    return _reply(t, lines)


def cancelled(t: Translator) -> Reply:
    """Confirm that the check was cancelled and its answers forgotten."""
    lines = [esc(t("The check was cancelled.")), esc(t("I have not kept any of the answers."))]
    return _reply(t, lines, ((check_button(t),),))


def timed_out(t: Translator, minutes: int) -> Reply:
    """Say that an unfinished check ended after the timeout and its answers are forgotten."""
    ended = t.ngettext(
        "The eligibility check has ended because there was no answer for {n} minute.",
        "The eligibility check has ended because there was no answer for {n} minutes.",
        minutes,
    )
    lines = [esc(ended), esc(t("I have not kept any of the answers."))]
    return _reply(t, lines, ((check_button(t),),))
