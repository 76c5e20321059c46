"""How answers, suggestions and honest "I don't know"s read, as Replies (no telegram import)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog.schema import REFERENCE_LANGUAGE, Contact, FaqEntry
from bot.catalog.translations import is_outdated
from bot.chat.keyboards import check_button, data, language_buttons, token
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic
from bot.i18n import SUPPORTED_LANGUAGES, Translator, isolate, translator


def other_language_row(t: Translator, entry: FaqEntry) -> tuple[Button, ...]:
    return (Button("🌐 " + t("In another language"), data("O", token(entry.id))),)


def german_row(t: Translator, entry: FaqEntry) -> tuple[Button, ...]:
    """The button that shows the current German text of an outdated translation."""
    label = "🇩🇪 " + t("Current German text")
    return (Button(label, data("T", token(entry.id), REFERENCE_LANGUAGE)),)


def entry_rows(
    t: Translator, entry: FaqEntry, checkable: bool = False, outdated: bool = False
) -> tuple[tuple[Button, ...], ...]:
    """The buttons under an answer: the current German text when the translation shown is
    outdated, another language, and the check for a program's answer."""
    rows = (german_row(t, entry),) if outdated else ()
    rows += (other_language_row(t, entry),)
    return (*rows, (check_button(t),)) if checkable else rows


def entry_reply(
    t: Translator, entry: FaqEntry, lang: str | None = None, checkable: bool = False
) -> Reply:
    """Show a FAQ entry in lang (default: the user's), German with a note when not translated.

    The button below is always in the user's language (t); when the entry is shown in
    another language on request, its own lines (the source) are in that language, so the
    message can be forwarded as it is.
    """
    wanted = lang or t.lang
    text, used = entry.text(wanted)
    ui = translator(wanted) if wanted in SUPPORTED_LANGUAGES else t
    outdated = is_outdated(entry, used)
    parts = []
    if used != wanted:
        note = t("There is no translation of this answer yet, so here it is in German.")
        parts.append(directed("ℹ️ " + italic(note), t.lang))
    elif outdated:
        note = t(
            "The German text of this answer has changed since it was translated; "
            "the button below shows the current German text."
        )
        parts.append(directed("ℹ️ " + italic(note), t.lang))
    parts.append(directed(bold(text.title) + "\n\n" + esc(text.answer.strip()), used))
    source_line = text.source or entry.source
    if source_line:
        source = embed(source_line, ui.lang)
        parts.append(directed(italic(ui.gettext("Source: {source}", source=source)), ui.lang))
    return Reply("\n\n".join(parts), entry_rows(t, entry, checkable, outdated))


def language_choice(t: Translator, entry: FaqEntry) -> tuple[tuple[Button, ...], ...]:
    """Buttons for the languages the entry is written in, and one back."""
    ordered = dict.fromkeys((*SUPPORTED_LANGUAGES, *sorted(entry.translations)))
    available = [lang for lang in ordered if lang in entry.translations]
    rows = language_buttons(data("T", token(entry.id)), available)
    return (*rows, (Button("◀ " + t("Back"), data("B", token(entry.id))),))


def suggestions(t: Translator, entries: Sequence[FaqEntry]) -> Reply:
    """Offer the closest questions as buttons, and a way to say none fits."""
    rows = tuple((Button(e.text(t.lang)[0].title, data("A", token(e.id))),) for e in entries)
    rows += ((Button("✖ " + t("None of these"), "N"),),)
    return Reply(directed(esc(t("Did you mean one of these?")), t.lang), rows)


def _ask_person(t: Translator, lines: list[str], ask: Button | None) -> Reply:
    """Add "Ask a person" (when an advisor of the user's municipality takes questions)."""
    if ask is None:
        return Reply(directed("\n".join(lines), t.lang))
    lines.append(esc(t("An advisor of your municipality can also answer you here in the chat.")))
    return Reply(directed("\n".join(lines), t.lang), ((ask,),))


def passed_on(t: Translator, ask: Button | None = None) -> Reply:
    """Thank the user for a question that none of the suggestions answered."""
    text = t(
        "Thank you. I have passed your question on to the team so that they can add an answer."
    )
    return _ask_person(t, [esc(text)], ask)


def contact_block(t: Translator, contact: Contact) -> list[str]:
    """Name a contact of the user's municipality: its title, then phone, e-mail and web."""
    texts = contact.translations.get(t.lang) or contact.translations["de"]
    lines = [esc(t("You can also ask here:")) + " " + bold(texts.get("title", ""))]
    labels = {"phone": t("Phone:"), "email": t("E-mail:"), "url": t("Web:")}
    for kind, label in labels.items():
        value = getattr(contact, kind)
        if value:
            lines.append(esc(label) + " " + isolate(esc(value)))
    return lines


def unknown(
    t: Translator,
    ask: Button | None = None,
    hints: Sequence[FaqEntry] = (),
    contact: Contact | None = None,
) -> Reply:
    """Say honestly that there is no answer yet, and show the useful ways on.

    The team sees the question; the user can try other words, open an answer that might
    help (`hints`), ask the municipality's contact, or ask a person in the chat (`ask`).
    """
    lines = [
        bold(t("I don't know that yet.")),
        esc(t("I have passed your question on to the team so that they can add an answer.")),
        esc(t("You can also try asking in other words.")),
    ]
    if hints:
        lines.append(esc(t("Perhaps one of these answers helps:")))
    if contact is not None:
        lines += ["", *contact_block(t, contact)]
    reply = _ask_person(t, lines, ask)
    rows = tuple((Button(e.text(t.lang)[0].title, data("A", token(e.id))),) for e in hints)
    return Reply(reply.html, (*rows, *reply.rows))


def smalltalk(t: Translator, kind: str | None) -> Reply:
    """Reply to a greeting, a thank-you, a goodbye or an empty message."""
    if kind == "greeting":
        text = t("Hello! Ask me anything about support for young refugees in NRW.")
    elif kind == "thanks":
        text = t("You're welcome! Ask me again any time.")
    elif kind == "bye":
        text = t("Goodbye! I'm here whenever you need me.")
    else:
        text = t("Please type your question in a few words.")
    return Reply(directed(esc(text), t.lang))


def ask_again(t: Translator) -> Reply:
    return Reply(directed(esc(t("Please send your question again.")), t.lang))


def text_only(t: Translator) -> Reply:
    return Reply(
        directed(esc(t("I can only read text messages. Please type your question.")), t.lang)
    )
