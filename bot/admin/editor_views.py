"""The guided editor as Replies (no telegram import): questions, the preview, confirmations.

Buttons carry the dialog's serial, so those of an earlier dialog are stale, and a field's
buttons also its step: `E:f:<serial>:<step>:<verb>[:<n>]` (v: choice n, k: keep or take the
suggestion, s: skip or remove, b: back, r: from the first question again),
`E:l:<serial>:<lang>` texts in another language (`-`: none, to the preview),
`E:p:<serial>` publish, `E:z:<serial>` cancel, `E:w:<serial>:<f|o|c>` which kind an id
means, `E:m:<serial>:<n>` the n-th entry offered for a misspelt id, `E:t:<serial>:<lang>:<u|k|o>`
a translation after a German change (update now, keep, mark outdated), `E:y:<serial>` hide or
show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from babel.dates import format_date

from bot.admin import editor as e
from bot.answers.views import entry_reply
from bot.catalog.schema import REFERENCE_LANGUAGE, Contact, Content, Entry, FaqEntry, Offer
from bot.chat.keyboards import data, grid
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic
from bot.i18n import LANGUAGE_NAMES, N_, SUPPORTED_LANGUAGES, Translator, translator
from bot.matching.card import card
from bot.matching.engine import Match
from bot.matching.words import language_name, type_name

Rows = tuple[tuple[Button, ...], ...]
KIND_CODES = {"faq": "f", "offers": "o", "contacts": "c"}
KIND_NAMES = {"faq": N_("FAQ entry"), "offers": N_("offer"), "contacts": N_("contact")}
#: Languages offered for more texts (German is always written first).
OTHER_LANGUAGES = tuple(lang for lang in LANGUAGE_NAMES if lang != "de")
#: At most this many municipalities are offered as buttons.
PLACE_BUTTONS = 8
INVALID = {
    "required": N_("Please type something, or use the buttons."),
    "too_long": N_("That is too long: at most {most} characters, please."),
    "not_slug": N_("An id may only have lower-case letters, digits and hyphens, no spaces."),
    "taken": N_("The id “{id}” is already used. Please choose another one."),
    "not_number": N_("Please type a whole number, for example 12."),
    "out_of_range": N_("Please type a number from {low} to {high}."),
    "not_date": N_("Please type a date like 31.12.2027."),
    "not_choice": N_("Please choose one of: {allowed}."),
    "bad_item": N_("“{value}” is not one of: {allowed}."),
    "too_many": N_("At most {most}, please."),
    "part_missing": N_("“{words}” is not in the text. Copy the words exactly as they are now."),
    "part_ambiguous": N_(
        "“{words}” is in the text more than once. Send a few more words around it."
    ),
    "unknown_place": N_("“{value}” is not a municipality you administer."),
}
HINTS = {
    e.DAY: N_("Type a date like 31.12.2027."),
    e.NUMBER: N_("Type a whole number."),
    e.LIST: N_("Separate several with commas."),
    e.SLUG: N_("Use lower-case letters, digits and hyphens, without spaces."),
    e.PLACE: N_("Type the name of the municipality."),
}
MESSAGES = {
    "usage_new": N_("What do you want to add? Send /new faq, /new offer or /new contact."),
    "usage": N_("Please give the id of an entry, for example: /{command} koeln-teilnahme"),
    "unknown": N_("There is no entry with the id “{id}”."),
    "not_yours": N_("This entry belongs to content you do not administer."),
    "state_wide": N_("This entry is for all of NRW: only state-wide admins may change it."),
    "not_found": N_("This entry no longer exists."),
    "no_translation": N_("The entry has no text in this language."),
    "empty": N_("Please type the question."),
    "already_hidden": N_("Users do not see this entry already."),
    "already_shown": N_("Users see this entry already."),
}


def _reply(t: Translator, lines: Sequence[str], rows: Rows = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


def say(t: Translator, code: str, **params: object) -> Reply:
    """One of MESSAGES as a reply."""
    return _reply(t, [esc(t(MESSAGES[code], **params))])


def invalid(t: Translator, error: e.Invalid) -> str:
    """Why a typed value is not taken, in the admin's language."""
    return t(INVALID[error.code], **error.params)


def kind_name(t: Translator, kind: str) -> str:
    return t(KIND_NAMES[kind])


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _f(serial: str, step: int, *verb: str) -> str:
    return data("E", "f", serial, str(step), *verb)


def _cancel(t: Translator, serial: str) -> Button:
    return Button("✖ " + t("Cancel"), data("E", "z", serial))


def _heading(t: Translator, draft: e.Draft) -> str:
    kind = kind_name(t, draft.kind)
    if draft.editing:
        return bold(t("Changing the {kind} “{id}”", kind=kind, id=draft.entry_id))
    return bold(t("New {kind}", kind=kind))


def shown(t: Translator, draft: e.Draft, step: e.Step, value: object) -> str:
    """Return a field's value as the admin reads it (escaped)."""
    f = step.field
    if f.value == e.PLACE:
        text = (
            t("all of North Rhine-Westphalia") if value == e.NRW else draft.places.get(value, value)
        )
    elif f.value == e.CHOICE:
        text = type_name(t, str(value))
    elif f.value == e.DAY:
        text = format_date(date.fromisoformat(str(value)), format="medium", locale=t.lang)
    elif isinstance(value, list):
        if f.lines:
            return "\n".join("• " + esc(embed(str(v), t.lang)) for v in value)
        text = ", ".join(str(v) for v in value)
    else:
        text = str(value)
    return esc(embed(text, t.lang))


def _asked_in_other_languages(t: Translator, draft: e.Draft, step: e.Step) -> list[str]:
    """Beside a German text: what was asked (or answered) in a language still to come."""
    if step.lang != REFERENCE_LANGUAGE or not step.field.translated:
        return []
    lines = []
    for lang in draft.extra:
        other = e.Step(step.field, lang)
        value = e.current(draft, other)
        if value is None:
            continue
        label = t("As asked in {language}:", language=language_name(t, lang))
        if step.field.key == "answer":
            label = t("The answer in {language}:", language=language_name(t, lang))
        lines += [italic(label), directed(shown(t, draft, other, value), lang)]
    return lines


def _hints(t: Translator, draft: e.Draft, step: e.Step) -> list[str]:
    f = step.field
    if f.lines and draft.replacing is not None:
        return [t("Type the new wording of question {n}.", n=draft.replacing + 1)]
    if f.lines and e.current(draft, step):
        return [
            t("One question per line; the first is the title."),
            t("Or press ✏️ and a number to reword only that question."),
        ]
    if f.lines:
        return [t("One question per line; the first is the title.")]
    if f.value in (e.TEXT, e.LINES) and isinstance(e.current(draft, step), str):
        return [t("To change only some words, send: old words → new words")]
    hints = [t(HINTS[f.value])] if f.value in HINTS else []
    if f.value == e.PLACE and len(draft.places) <= PLACE_BUTTONS:
        hints = []
    if f.choices and f.value == e.LIST:
        hints.append(t("Possible: {values}.", values=", ".join(f.choices)))
    return hints


def _choices(t: Translator, draft: e.Draft, index: int, step: e.Step) -> list[Button]:
    f = step.field
    if f.value == e.CHOICE:
        return [
            Button(type_name(t, c), _f(draft.serial, index, "v", str(n)))
            for n, c in enumerate(f.choices)
        ]
    if f.value != e.PLACE:
        return []
    places = list(draft.places)
    offered = places if len(places) <= PLACE_BUTTONS else [p for p in places if p == e.NRW]
    return [
        Button(
            draft.places[p] or t("All of NRW"), _f(draft.serial, index, "v", str(places.index(p)))
        )
        for p in offered
    ]


def _own(t: Translator, draft: e.Draft, index: int, step: e.Step, value: object) -> list:
    """Keep (or take the suggestion), and Skip, Remove or Skip this language."""
    own = []
    if e.proposal(draft, step) is not None:
        keep = t("Keep") if value is not None else t("Use the suggestion")
        own.append(Button("✓ " + keep, _f(draft.serial, index, "k")))
    if step.field.required and step.lang in draft.extra:
        own.append(Button("⏭ " + t("Skip this language"), _f(draft.serial, index, "s")))
    elif not step.field.required:
        skip = t("Remove") if value is not None else t("Skip")
        own.append(Button("⏭ " + skip, _f(draft.serial, index, "s")))
    return own


def field(t: Translator, draft: e.Draft, note: str | None = None) -> Reply:
    """Ask the field the dialog is at, with its current value and the buttons it allows."""
    index, count = draft.step, len(e.steps(draft))
    step = e.steps(draft)[index]
    where = esc(" · " + t("question {n} of {total}", n=index + 1, total=count))
    lines = [_heading(t, draft) + where]
    asked = replace(step, field=e.QUESTIONS)
    if step.field.key == "answer" and (questions := e.current(draft, asked)):
        lines += [italic(t("The questions:")), shown(t, draft, asked, questions)]
    lines += _asked_in_other_languages(t, draft, step)
    language = language_name(t, step.lang) if step.lang else ""
    lines.append(bold(t(step.field.prompt, language=language)))
    lines += [italic(hint) for hint in _hints(t, draft, step)]
    value, proposed = e.current(draft, step), e.proposal(draft, step)
    if value is not None:
        lines.append(esc(t("Now:")) + "\n" + shown(t, draft, step, value))
    elif proposed is not None:
        lines.append(esc(t("Suggested: {id}", id=proposed)))
    lines += ["", "⚠️ " + esc(note)] if note else []
    rows = [*grid(_choices(t, draft, index, step), 2), tuple(_own(t, draft, index, step, value))]
    if step.field.lines and isinstance(value, list) and draft.replacing is None:
        pick = [
            Button(f"✏️ {n}", _f(draft.serial, index, "q", str(n - 1)))
            for n in range(1, len(value) + 1)
        ]
        rows[-1:-1] = list(grid(pick, 5))
    back = [Button("◀ " + t("Back"), _f(draft.serial, index, "b"))] if index else []
    rows.append((*back, _cancel(t, draft.serial)))
    return _reply(t, lines, tuple(row for row in rows if row))


def languages(t: Translator, draft: e.Draft, note: str | None = None) -> Reply:
    """Ask whether to write the texts in another language, or go on to the preview."""
    written = draft.raw.get("translations", {})
    lines = [
        _heading(t, draft),
        bold(t("Do you want to add or change the texts in another language?")),
    ]
    if note:
        lines += ["", "⚠️ " + esc(note)]
    buttons = [
        Button(
            ("✓ " if lang in written else "") + LANGUAGE_NAMES[lang],
            data("E", "l", draft.serial, lang),
        )
        for lang in OTHER_LANGUAGES
    ]
    step = len(e.steps(draft))
    rows = (
        *grid(buttons, 3),
        (Button("👁 " + t("No, show the preview"), data("E", "l", draft.serial, "-")),),
        (Button("◀ " + t("Back"), _f(draft.serial, step, "b")), _cancel(t, draft.serial)),
    )
    return _reply(t, lines, rows)


def translation_choice(t: Translator, draft: e.Draft, lang: str) -> Reply:
    """After a German change: ask what becomes of one other translation."""
    texts = draft.raw.get("translations", {}).get(lang) or {}
    name = language_name(t, lang)
    lines = [
        _heading(t, draft),
        bold(t("You have changed the German text. What about the {language} text?", language=name)),
        esc(t("It was translated from the German text before your change.")),
    ]
    now = texts.get("answer") or texts.get("description") or texts.get("title") or ""
    if now:
        lines += ["", directed(italic(esc(_excerpt(str(now)))), lang)]
    verb = ("E", "t", draft.serial, lang)
    rows = (
        (Button("✏️ " + t("Update it now"), data(*verb, e.UPDATE)),),
        (Button("✓ " + t("Still correct"), data(*verb, e.KEEP)),),
        (Button("⚠️ " + t("Mark as outdated"), data(*verb, e.OUTDATED)),),
        (_cancel(t, draft.serial),),
    )
    return _reply(t, lines, rows)


def _excerpt(text: str, most: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most].rstrip() + " …"


def as_users_see(t: Translator, content: Content, entry: Entry, lang: str) -> Reply | None:
    """Show an entry in lang exactly as users see it (without their buttons); None: never."""
    supported = lang in SUPPORTED_LANGUAGES
    if isinstance(entry, FaqEntry):  # other languages: through "In another language"
        return Reply(entry_reply(translator(lang) if supported else t, entry, lang).html)
    if not supported:
        return None  # offers and contacts are shown in the user's own language only
    if isinstance(entry, Offer):
        listed = replace(content, offers={**content.offers, entry.id: entry})
        return Reply(card(translator(lang), listed, Match(entry.id, 0.0, ()), 0).html)
    assert isinstance(entry, Contact)
    return contact_card(translator(lang), content, entry)


def contact_card(t: Translator, content: Content, contact: Contact) -> Reply:
    """A contact: its title, description, where, and how to reach it."""
    lang = t.lang if t.lang in contact.translations else "de"
    texts = contact.translations[lang]
    head = bold(texts.get("title", contact.id))
    if texts.get("description"):
        head += "\n" + esc(texts["description"])
    town = content.municipalities.get(contact.municipality or "")
    facts = [(t("Where:"), town.name if town else t("all of North Rhine-Westphalia"))]
    reach = ((t("Phone:"), contact.phone), (t("E-mail:"), contact.email), (t("Web:"), contact.url))
    facts += [(label, value) for label, value in reach if value]
    lines = [f"{bold(label)} {esc(embed(value, t.lang))}" for label, value in facts]
    return Reply(directed(head, lang) + "\n\n" + directed("\n".join(lines), t.lang))


def preview(t: Translator, draft: e.Draft, entry: Entry, content: Content) -> Reply:
    """Show the entry as users of each language written in this dialog will see it."""
    asked = dict.fromkeys(("de", *draft.langs, *draft.extra))
    parts = [
        directed(
            _heading(t, draft) + "\n" + bold(t("Preview: this is how users will see it.")), t.lang
        )
    ]
    for lang in (lang for lang in asked if lang in entry.translations):
        seen = as_users_see(t, content, entry, lang)
        if seen is not None:
            parts += [f"— {esc(LANGUAGE_NAMES.get(lang, lang))} —", seen.html]
    others = [lang for lang in entry.translations if lang not in asked]
    if others:
        parts.append(directed("\n".join(_other_languages(t, draft, entry, others)), t.lang))
    last = [esc(t("Publish it?"))]
    if draft.hidden:
        last.insert(
            0, italic(t("The entry stays hidden until you send /unhide {id}.", id=entry.id))
        )
    parts.append(directed("\n".join(last), t.lang))
    step = len(e.steps(draft)) + 1
    rows = (
        (Button("✅ " + t("Publish"), data("E", "p", draft.serial)),),
        (Button("✏️ " + t("Change something"), _f(draft.serial, step, "r")),),
        (Button("◀ " + t("Back"), _f(draft.serial, step, "b")), _cancel(t, draft.serial)),
    )
    return Reply("\n\n".join(parts), rows)


def _other_languages(
    t: Translator, draft: e.Draft, entry: Entry, langs: Sequence[str]
) -> list[str]:
    """One line per language not written in this dialog: its title, and whether it will be
    current or outdated once published."""
    lines = [bold(t("The other languages:"))]
    for lang in langs:
        mark = "⚠️ " + t("outdated") if e.outdated_after(draft, lang) else "✅ " + t("current")
        title = _title(entry, lang) if isinstance(entry, FaqEntry | Offer | Contact) else ""
        lines.append(f"{esc(language_name(t, lang))}: {esc(mark)} · {esc(embed(title, t.lang))}")
    return lines


def problems(t: Translator, lines: Sequence[str]) -> str:
    """What is wrong with the entry, one problem per line (not escaped)."""
    return "\n".join([t("The entry cannot be published like this:"), *lines])


def published(t: Translator, draft: e.Draft, settled: int, closed: int = 0) -> Reply:
    """Say the entry is published, and which questions have left the inbox with it."""
    title = e.title_of(draft) or draft.entry_id
    lines = [esc(t("Published: “{title}” ({id}).", title=title, id=draft.entry_id))]
    lines.append(esc(t("Lotse uses it at once.")))
    if settled:
        gone = t.ngettext(
            "The question it answers has left the inbox.",
            "The {n} questions it answers have left the inbox.",
            settled,
        )
        lines.append(esc(gone))
    if closed:
        lines.append(esc(t("The question the advisor answered has left the inbox.")))
    return _reply(t, lines)


def cancelled(t: Translator) -> Reply:
    return _reply(t, [esc(t("Cancelled. Nothing was changed."))])


def timed_out(t: Translator, minutes: int) -> Reply:
    ended = t.ngettext(
        "Nothing was changed because there was no answer for {n} minute.",
        "Nothing was changed because there was no answer for {n} minutes.",
        minutes,
    )
    return _reply(t, [esc(ended)])


def which(t: Translator, serial: str, entry_id: str, kinds: Sequence[str]) -> Reply:
    """Ask which of the entries sharing an id is meant."""
    text = t("Several entries have the id “{id}”. Which one?", id=entry_id)
    buttons = [
        Button(_upper(kind_name(t, k)), data("E", "w", serial, KIND_CODES[k])) for k in kinds
    ]
    return _reply(t, [esc(text)], (*grid(buttons, 3), (_cancel(t, serial),)))


Local = FaqEntry | Offer | Contact


def did_you_mean(
    t: Translator, serial: str, typed: str, found: Sequence[tuple[str, Local]]
) -> Reply:
    """Offer the entries closest to a misspelt id or a few words, as buttons."""
    text = t("There is no entry with the id “{id}”. Did you mean one of these?", id=typed)
    buttons = tuple(
        (Button(f"{entry.id} · {_title(entry, t.lang)}", data("E", "m", serial, str(i))),)
        for i, (_, entry) in enumerate(found)
    )
    return _reply(t, [esc(text)], (*buttons, (_cancel(t, serial),)))


def _title(entry: Local, lang: str = "de") -> str:
    if isinstance(entry, FaqEntry):
        return entry.text(lang)[0].title
    texts = entry.translations.get(lang) or entry.translations.get("de", {})
    return texts.get("title", entry.id)


def confirm_hide(t: Translator, serial: str, kind: str, entry: Local, hide: bool) -> Reply:
    """Ask before hiding an entry from users, or showing it again."""
    params = {"kind": kind_name(t, kind), "title": _title(entry), "id": entry.id}
    if hide:
        text, verb = t("Hide the {kind} “{title}” ({id}) from users?", **params), t("Hide")
    else:
        text, verb = t("Show the {kind} “{title}” ({id}) to users again?", **params), t("Show")
    rows = ((Button(("🙈 " if hide else "👁 ") + verb, data("E", "y", serial)), _cancel(t, serial)),)
    return _reply(t, [esc(text)], rows)


def hidden(t: Translator, entry_id: str, hide: bool) -> Reply:
    if hide:
        lines = [
            t("Hidden: users no longer see it."),
            t("Send /unhide {id} to show it again.", id=entry_id),
        ]
    else:
        lines = [t("Shown: users see it again.")]
    return _reply(t, [esc(line) for line in lines])


def ask_variant(
    t: Translator, serial: str, entry: FaqEntry, lang: str, note: str | None = None
) -> Reply:
    """Ask for one more way to ask an FAQ entry, in lang (buttons: the entry's languages)."""
    lines = [bold(t("A new way to ask “{title}”", title=entry.text(lang)[0].title))]
    lines.append(esc(t(e.QUESTIONS.prompt, language=language_name(t, lang))))
    if note:
        lines += ["", "⚠️ " + esc(note)]
    buttons = [
        Button(
            ("✓ " if code == lang else "") + LANGUAGE_NAMES.get(code, code),
            data("E", "l", serial, code),
        )
        for code in entry.translations
    ]
    return _reply(t, lines, (*grid(buttons, 3), (_cancel(t, serial),)))


def variant_added(t: Translator, question: str, title: str) -> Reply:
    text = t(
        "Added: Lotse now answers “{question}” with “{title}”.", question=question, title=title
    )
    return _reply(t, [esc(text)])
