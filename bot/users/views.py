"""What the start, language and municipality steps say, as Replies (no telegram import)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog.schema import Municipality
from bot.chat.keyboards import check_button, data, find_button, grid, language_buttons, token
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, Translator
from bot.users.places import Page

Rows = tuple[tuple[Button, ...], ...]


def _name(text: str, t: Translator) -> str:
    return embed(text, t.lang)


def _lines(t: Translator, *lines: str) -> str:
    return directed("\n".join(lines), t.lang)


def _place(t: Translator, name: str | None) -> str:
    return _name(name, t) if name else t("all of North Rhine-Westphalia")


def welcome(t: Translator) -> Reply:
    """Greet a new user and offer the languages, theirs pre-selected."""
    language = _name(LANGUAGE_NAMES[t.lang], t)
    text = _lines(
        t,
        bold(t("Welcome to Lotse!")),
        esc(
            t(
                "I answer questions from volunteers and advisors who support young refugees "
                "in North Rhine-Westphalia, for example about “Gemeinsam klappt's” and "
                "“Durchstarten in Ausbildung und Arbeit”."
            )
        ),
        "",
        esc(
            t(
                "I will write to you in {language}. Tap a language to confirm or change it.",
                language=language,
            )
        ),
        privacy_line(t),
    )
    return Reply(text, language_buttons("L", SUPPORTED_LANGUAGES, t.lang))


def language_question(t: Translator) -> Reply:
    """Offer the languages, the current one ticked."""
    text = _lines(t, esc(t("Which language shall I use?")))
    return Reply(text, language_buttons("L", SUPPORTED_LANGUAGES, t.lang))


def language_set(t: Translator) -> Reply:
    """Confirm the language just chosen (in that language)."""
    language = _name(LANGUAGE_NAMES[t.lang], t)
    return Reply(_lines(t, "✓ " + esc(t("I will write to you in {language}.", language=language))))


def _page_rows(t: Translator, shown: Page) -> Rows:
    buttons = [Button(m.name, data("M", "s", token(m.id))) for m in shown.items]
    rows = grid(buttons, 2)
    if shown.count > 1:
        previous = (shown.number - 1) % shown.count
        following = (shown.number + 1) % shown.count
        rows += (
            (
                Button("◀", data("M", "p", str(previous))),
                Button(f"{shown.number + 1}/{shown.count}", data("M", "p", str(shown.number))),
                Button("▶", data("M", "p", str(following))),
            ),
        )
    return (*rows, _skip_row(t))


def _skip_row(t: Translator) -> tuple[Button, ...]:
    return (Button("🌍 " + t("Skip: all of NRW"), data("M", "x")),)


def municipality_prompt(t: Translator, shown: Page, current: str | None = None) -> Reply:
    """Ask for the municipality: type a few letters or pick from the paged list."""
    lines = [
        esc(
            t(
                "Where do you work? Type the first letters of your town or district, "
                "or pick it from the list."
            )
        )
    ]
    if current is not None:
        lines.append(esc(t("Currently: {municipality}", municipality=_name(current, t))))
    return Reply(_lines(t, *lines), _page_rows(t, shown))


def search_heading(t: Translator, query: str, count: int) -> str:
    """Say how many municipalities match what was typed, or that none does (plain text)."""
    if not count:
        return t(
            "I found no municipality for “{query}”. "
            "Try another spelling or pick one from the list.",
            query=query,
        )
    return t.ngettext(
        "{n} municipality matches “{query}”:",
        "{n} municipalities match “{query}”:",
        count,
        query=query,
    )


def search_results(
    t: Translator, query: str, found: Sequence[Municipality], first_page: Page
) -> Reply:
    """List the municipalities matching what was typed, or say there are none."""
    query = _name(query.strip(), t)
    text = search_heading(t, query, len(found))
    if not found:
        return Reply(_lines(t, esc(text)), _page_rows(t, first_page))
    buttons = [Button(m.name, data("M", "s", token(m.id))) for m in found]
    more = (Button("📋 " + t("Show the whole list"), data("M", "p", "0")),)
    return Reply(_lines(t, esc(text)), (*grid(buttons, 2), more, _skip_row(t)))


def municipality_set(t: Translator, name: str | None) -> Reply:
    """Confirm the municipality (or all of NRW)."""
    if name is None:
        text = t("All right: I will answer for the whole of North Rhine-Westphalia.")
    else:
        text = t(
            "Saved: {municipality}. I will show you answers for all of NRW and for {municipality}.",
            municipality=_name(name, t),
        )
    return Reply(_lines(t, "✓ " + esc(text)))


def ask_anything(t: Translator, examples: Sequence[str]) -> Reply:
    """Invite the first question, with a few examples."""
    lines = [esc(t("Now ask me anything: just type your question in your own words."))]
    if examples:
        lines += ["", esc(t("For example:")), *(f"• {esc(question)}" for question in examples)]
    return Reply(_lines(t, *lines))


def welcome_back(t: Translator, municipality: str | None) -> Reply:
    """Greet a returning user with their settings and the main actions."""
    text = _lines(
        t,
        bold(t("Welcome back!")),
        esc(t("Language: {language}", language=_name(LANGUAGE_NAMES[t.lang], t))),
        esc(t("Municipality: {municipality}", municipality=_place(t, municipality))),
        "",
        esc(t("Just type your question, or change your settings:")),
        privacy_line(t),
    )
    return Reply(text, (menu_row(t), (check_button(t), find_button(t))))


def privacy_line(t: Translator) -> str:
    """The pointer to /privacy that every greeting ends with."""
    return italic(
        t("What Lotse stores about you, and how to see or erase it: {command}", command="/privacy")
    )


def menu_row(t: Translator) -> tuple[Button, ...]:
    return (
        Button("🌐 " + t("Language"), data("C", "lang")),
        Button("📍 " + t("Municipality"), data("C", "mun")),
        Button("❓ " + t("Help"), data("C", "help")),
    )


def help_text(t: Translator, commands: Sequence[tuple[str, str]]) -> Reply:
    """Explain what Lotse does and list the commands."""
    lines = [
        bold(t("How Lotse works")),
        esc(
            t(
                "Type your question in your own words, in any of my languages. I answer from "
                "curated information about “Gemeinsam klappt's” and “Durchstarten in Ausbildung "
                "und Arbeit” for North Rhine-Westphalia."
            )
        ),
        esc(
            t(
                "If I am not sure, I offer a few matching questions. If I do not know the "
                "answer, I pass the question on to the team, without your name."
            )
        ),
        esc(
            t(
                "Under every answer there is a button that shows it in another language, "
                "so you can forward it to the person you support."
            )
        ),
        esc(
            t(
                "With /check I ask a few questions about the person you support and tell "
                "you which programs they can join, and why."
            )
        ),
        esc(
            t(
                "With /find I look for local offers the person can join, such as coaching "
                "or courses, nearby and starting soon."
            )
        ),
        "",
        *(f"/{name} – {esc(t(description))}" for name, description in commands),
    ]
    return Reply(_lines(t, *lines), (menu_row(t), (check_button(t), find_button(t))))
