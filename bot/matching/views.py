"""What the search for offers asks and lists, as Replies (no telegram import; the card: card.py).

Question buttons carry `S:<step>:<verb>[:<value>]`; the step (answers given so far) tells an
old button from one of the current question. The list carries `S:r:<page>` and `S:o:<offer>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.catalog.schema import Content, Municipality
from bot.chat.keyboards import data, find_button, grid, resolve, token
from bot.chat.render import Button, Reply, bold, directed, embed, esc
from bot.eligibility.views import age_lines
from bot.eligibility.words import STATUS_NAMES, status_name
from bot.i18n import Translator
from bot.matching.asking import AGE, LANGUAGES, PLACE, SPOKEN, STATUS, TYPE, Search, valid
from bot.matching.engine import Match, Result
from bot.matching.words import OFFER_TYPES, language_name, miss_text, type_name
from bot.users.places import Page
from bot.users.views import search_heading

Rows = tuple[tuple[Button, ...], ...]
#: Offers per page of the result list.
PAGE_SIZE = 5
#: What each answer verb of a question button answers ("u", "I don't know", answers these).
VERBS = {"t": TYPE, "a": TYPE, "m": PLACE, "s": STATUS}
UNKNOWN_ALLOWED = (PLACE, AGE, STATUS)
#: What a button that stands for no valid answer is read as.
NO_VALUE = object()


def _n(step: int, *parts: str) -> str:
    return data("S", str(step), *parts)


def pressed_value(asked: str, verb: str, raw: str | None, content: Content) -> Any:
    """Read an answer button back: its value, or NO_VALUE if it does not answer `asked`."""
    if (verb == "u" and asked not in UNKNOWN_ALLOWED) or (verb != "u" and VERBS[verb] != asked):
        return NO_VALUE
    value = None if verb in ("a", "u") else raw
    if verb == "m":
        value = resolve(raw or "", content.municipalities)
    return value if (verb in ("a", "u") or value) and valid(asked, value, content) else NO_VALUE


def _reply(t: Translator, lines: Sequence[str], rows: Rows = (), note: str | None = None) -> Reply:
    """Put an optional warning above the lines and direct them for the user's language."""
    head = ["⚠️ " + esc(note), ""] if note else []
    return Reply(directed("\n".join([*head, *lines]), t.lang), rows)


def _controls(t: Translator, step: int, dont_know: bool = True) -> Rows:
    """ "I don't know" (where it makes sense), Back (after the first answer) and Cancel."""
    unknown = ((Button("🤷 " + t("I don't know"), _n(step, "u")),),) if dont_know else ()
    back = (Button("◀ " + t("Back"), _n(step, "b")),) if step else ()
    return (*unknown, (*back, Button("✖ " + t("Cancel"), _n(step, "x"))))


def type_question(t: Translator, step: int, note: str | None = None) -> Reply:
    """Ask which kind of offer the person looks for (or any)."""
    buttons = [Button(type_name(t, kind), _n(step, "t", kind)) for kind in OFFER_TYPES]
    rows = (*grid(buttons, 2), (Button("✳️ " + t("Any kind of offer"), _n(step, "a")),))
    lines = [bold(t("What kind of offer are you looking for?"))]
    return _reply(t, lines, (*rows, *_controls(t, step, dont_know=False)), note)


def _place_rows(
    step: int, towns: Sequence[Municipality], own: Municipality | None, shown: Page | None
) -> Rows:
    mine = ((Button("📍 " + own.name, _n(step, "m", token(own.id))),),) if own else ()
    rows = (*mine, *grid([Button(m.name, _n(step, "m", token(m.id))) for m in towns], 2))
    if shown is not None and shown.count > 1:
        turn = [(shown.number - 1) % shown.count, (shown.number + 1) % shown.count]
        rows += (
            (
                Button("◀", _n(step, "p", str(turn[0]))),
                Button(f"{shown.number + 1}/{shown.count}", _n(step, "p", str(shown.number))),
                Button("▶", _n(step, "p", str(turn[1]))),
            ),
        )
    return rows


def _place_lines(t: Translator) -> list[str]:
    return [
        bold(t("Where should the offer be?")),
        esc(t("Type the first letters of the town or district, or pick it from the list.")),
        esc(t("You can also share a location: the paper clip, then Location.")),
    ]


def place_question(
    t: Translator, step: int, shown: Page, own: Municipality | None, note: str | None = None
) -> Reply:
    """Ask where to look: the user's own municipality, the paged list, letters or a location."""
    rows = _place_rows(step, shown.items, own, shown)
    return _reply(t, _place_lines(t), (*rows, *_controls(t, step)), note)


def place_results(
    t: Translator, step: int, query: str, found: Sequence[Municipality], own: Municipality | None
) -> Reply:
    """List the municipalities matching what was typed, or say there are none."""
    query = embed(query.strip(), t.lang)
    text = search_heading(t, query, len(found))
    more = ((Button("📋 " + t("Show the whole list"), _n(step, "p", "0")),),)
    rows = (*_place_rows(step, found, own, None), *more)
    return _reply(t, [esc(text)], (*rows, *_controls(t, step)))


def age_question(t: Translator, step: int, note: str | None = None) -> Reply:
    """Ask for the age or the birth date (typed), as the eligibility check does."""
    return _reply(t, age_lines(t), _controls(t, step), note)


def status_question(t: Translator, step: int, note: str | None = None) -> Reply:
    """Ask for the residence status with a button each."""
    buttons = [Button(status_name(t, s), _n(step, "s", s)) for s in STATUS_NAMES]
    lines = [bold(t("Which residence status does the person have?"))]
    return _reply(t, lines, (*grid(buttons, 2), *_controls(t, step)), note)


def languages_question(
    t: Translator, step: int, ticked: Sequence[str], note: str | None = None
) -> Reply:
    """Ask which languages the person speaks: toggle buttons, then Done."""
    buttons = [
        Button(("✓ " if code in ticked else "") + language_name(t, code), _n(step, "g", code))
        for code in SPOKEN
    ]
    done = (Button("✅ " + t("Done"), _n(step, "d")),)
    lines = [
        bold(t("Which languages does the person speak?")),
        esc(t("Tap every language that fits, then Done.")),
    ]
    return _reply(t, lines, (*grid(buttons, 2), done, *_controls(t, step, dont_know=False)), note)


def offer_title(content: Content, offer_id: str, lang: str) -> str:
    """The offer's title in lang, German when it has no translation."""
    texts = content.offers[offer_id].translations
    return (texts.get(lang) or texts["de"]).get("title", offer_id)


def offer_line(t: Translator, content: Content, found: Match) -> str:
    """One line for a listed offer: title · municipality · distance."""
    offer = content.offers[found.offer]
    town = content.municipalities.get(offer.municipality)
    parts = [offer_title(content, found.offer, t.lang), town.name if town else offer.municipality]
    if found.distance_km is not None:
        parts.append(t("{km} km", km=round(found.distance_km)))
    return " · ".join(parts)


def _offer_rows(t: Translator, content: Content, shown: Sequence[Match]) -> Rows:
    return tuple(
        (Button(offer_line(t, content, m), data("S", "o", token(m.offer))),) for m in shown
    )


def _end_rows(t: Translator) -> Rows:
    return ((find_button(t), Button("✖ " + t("Close"), data("S", "e"))),)


def page_of(result: Result, offer_id: str) -> int:
    """Return the page of the list the offer is on (0 when it is not listed)."""
    ids = [m.offer for m in result.matches]
    return ids.index(offer_id) // PAGE_SIZE if offer_id in ids else 0


def result_list(t: Translator, content: Content, result: Result, number: int) -> Reply:
    """List the offers that fit, best first, five a page; or say why none fits."""
    if not result.matches:
        return nothing_fits(t, content, result)
    count = -(-len(result.matches) // PAGE_SIZE)
    number = min(max(number, 0), count - 1)
    shown = result.matches[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
    lines = [
        bold(t.ngettext("{n} offer fits:", "{n} offers fit:", len(result.matches))),
        esc(t("The best fitting offers come first. Tap one to see the details.")),
    ]
    rows = _offer_rows(t, content, shown)
    if count > 1:
        turn = [(number - 1) % count, (number + 1) % count]
        rows += (
            (
                Button("◀", data("S", "r", str(turn[0]))),
                Button(f"{number + 1}/{count}", data("S", "r", str(number))),
                Button("▶", data("S", "r", str(turn[1]))),
            ),
        )
    return _reply(t, lines, (*rows, *_end_rows(t)))


def nothing_fits(t: Translator, content: Content, result: Result) -> Reply:
    """Say in one line why nothing fits, and offer the nearest alternatives that do."""
    assert result.miss is not None
    lines = [bold(miss_text(t, result.miss, content))]
    if result.alternatives:
        lines.append(esc(t("These offers could fit instead:")))
    else:
        lines.append(esc(t("There is nothing similar nearby either.")))
    return _reply(t, lines, (*_offer_rows(t, content, result.alternatives), *_end_rows(t)))


def cancelled(t: Translator) -> Reply:
    """Confirm that the search was cancelled and its answers forgotten."""
    lines = [esc(t("The search was cancelled.")), esc(t("I have not kept any of the answers."))]
    return _reply(t, lines, ((find_button(t),),))


def closed(t: Translator) -> Reply:
    """Confirm that the list is closed and the answers forgotten."""
    return _reply(t, [esc(t("I have not kept any of the answers."))], ((find_button(t),),))


def timed_out(t: Translator, minutes: int) -> Reply:
    """Say that the search ended after the timeout and its answers are forgotten."""
    ended = t.ngettext(
        "The search for offers has ended because there was no answer for {n} minute.",
        "The search for offers has ended because there was no answer for {n} minutes.",
        minutes,
    )
    lines = [esc(ended), esc(t("I have not kept any of the answers."))]
    return _reply(t, lines, ((find_button(t),),))


def question(
    t: Translator,
    asked: str,
    search: Search,
    *,
    own: Municipality | None,
    first: Page,
    note: str | None = None,
) -> Reply:
    """Ask one question of the search."""
    step = search.step
    if asked == TYPE:
        return type_question(t, step, note)
    if asked == PLACE:
        return place_question(t, step, first, own, note)
    if asked == AGE:
        return age_question(t, step, note)
    if asked == STATUS:
        return status_question(t, step, note)
    if asked == LANGUAGES:
        return languages_question(t, step, search.ticked, note)
    raise ValueError(f"no question {asked!r}")
