"""/translations as Replies: per language what is current, outdated or missing, and each entry.

Buttons: `J:l:<lang>:<page>` the open translations of a language, `J:e:<lang>:<kind>:<entry>`
one entry's translation, `J:k:<lang>:<kind>:<entry>` keep an outdated translation as still
correct, `J:o` the overview again. <kind> is one letter (history_views.KIND_CODES).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.admin.content_views import KIND_NAMES
from bot.admin.history_views import KIND_CODES
from bot.catalog.schema import REFERENCE_LANGUAGE, Entry
from bot.catalog.translations import Status, Tally, reading_text, texts_of
from bot.chat.keyboards import data, grid, token
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic, marked_changes
from bot.i18n import LANGUAGE_NAMES, N_, Translator

Rows = tuple[tuple[Button, ...], ...]
#: Entries per page of a language's list, and how much of a text an entry shows.
PAGE = 8
MAX_TEXT = 700
ICONS = {Status.OUTDATED: "⚠️", Status.MISSING: "➕", Status.CURRENT: "✅"}
STATUS_NAMES = {
    Status.CURRENT: N_("current"),
    Status.OUTDATED: N_("outdated: the German text has changed since"),
    Status.MISSING: N_("missing"),
    Status.GERMAN_ONLY: N_("not needed (German only)"),
}
TRANSLATION_ERRORS = {
    "not_found": N_("This entry no longer exists."),
    "not_yours": N_("This entry belongs to content you do not administer."),
    "no_translation": N_("This entry has no translation in that language."),
    "current": N_("This translation is current already."),
    "invalid": N_("This cannot be saved: the content would no longer be valid."),
}


@dataclass(frozen=True)
class Opened:
    """One entry's translation as /translations shows it."""

    kind: str
    entry: Entry
    lang: str
    status: Status
    #: the German version the translation was made from, and the one now (outdated only)
    made_from: int | None = None
    now: int | None = None
    #: the German text then (outdated only, when that version is known)
    german_then: str = ""


def _name(lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, lang)


def _sum(by_kind: Mapping[str, Tally]) -> Tally:
    total = Tally()
    for tally in by_kind.values():
        total.current += tally.current
        total.outdated += tally.outdated
        total.missing += tally.missing
        total.german_only += tally.german_only
        total.open += tally.open
    return total


def overview(t: Translator, counts: Mapping[str, Mapping[str, Tally]], everything: bool) -> Reply:
    """Per language: how many translations are current, outdated and missing."""
    scope = t("all content") if everything else t("the content you administer")
    lines = [bold(t("Translations")) + " " + esc(f"({scope})")]
    buttons = []
    for lang, by_kind in counts.items():
        total = _sum(by_kind)
        figures = t(
            "{current} current · {outdated} outdated · {missing} missing",
            current=total.current,
            outdated=total.outdated,
            missing=total.missing,
        )
        lines.append(f"{bold(embed(_name(lang), t.lang))}: {esc(figures)}")
        if total.open:
            label = f"{_name(lang)} ({len(total.open)})"
            buttons.append(Button(label, data("J", "l", lang, "0")))
    if buttons:
        lines += ["", esc(t("Press a language to see what is missing or outdated."))]
    else:
        lines += ["", esc(t("Every translation is current."))]
    return Reply(directed("\n".join(lines), t.lang), grid(buttons, 2))


def _title(entry: Entry) -> str:
    german = texts_of(entry).get(REFERENCE_LANGUAGE) or {}
    questions = german.get("questions")
    return str(questions[0]) if questions else str(german.get("title") or entry.id)


def language_list(
    t: Translator,
    lang: str,
    items: Sequence[tuple[str, Entry, Status]],
    page: int,
) -> Reply:
    """The entries whose translation into lang is missing or outdated, a page at a time."""
    pages = max(1, -(-len(items) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = items[page * PAGE : (page + 1) * PAGE]
    head = t("{language}: translations to do ({count})", language=_name(lang), count=len(items))
    lines = [bold(head)]
    if not items:
        lines.append(esc(t("Every translation is current.")))
    else:
        lines.append(esc(t("⚠️ outdated · ➕ missing. Press an entry to open it.")))
    rows: list[tuple[Button, ...]] = []
    for kind, entry, status in shown:
        label = f"{ICONS[status]} {_title(entry)}"[:60]
        rows.append((Button(label, data("J", "e", lang, KIND_CODES[kind], token(entry.id))),))
    nav = []
    if page > 0:
        nav.append(Button("◀", data("J", "l", lang, str(page - 1))))
    if page + 1 < pages:
        nav.append(Button("▶", data("J", "l", lang, str(page + 1))))
    if nav:
        lines.append(esc(t("Page {page} of {pages}", page=page + 1, pages=pages)))
    rows += [tuple(nav)] if nav else []
    rows.append((Button("◀ " + t("All languages"), data("J", "o")),))
    return Reply(directed("\n".join(lines), t.lang), tuple(rows))


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT].rstrip() + " …"


def changes(t: Translator, old: str, new: str) -> str:
    """What changed in German, word by word (or that nothing did)."""
    return marked_changes(old, new) or esc(t("Nothing: it is the same as now."))


def opened(t: Translator, item: Opened) -> Reply:
    """One entry in German and in lang, with its status and how to bring it up to date."""
    kind, entry, lang = item.kind, item.entry, item.lang
    code, tok = KIND_CODES[kind], token(entry.id)
    texts = texts_of(entry)
    head = t(
        "{kind} “{id}” in {language}", kind=t(KIND_NAMES[kind]), id=entry.id, language=_name(lang)
    )
    lines = [bold(head)]
    lines.append(esc(t("Status: {status}", status=t(STATUS_NAMES[item.status]))))
    german = reading_text(texts.get(REFERENCE_LANGUAGE) or {})
    if item.status is Status.OUTDATED:
        if item.made_from is not None and item.now is not None:
            lines.append(
                esc(
                    t(
                        "Translated from German version {then}; the German text is now "
                        "version {now}. What changed in German:",
                        then=item.made_from,
                        now=item.now,
                    )
                )
            )
            lines.append(changes(t, item.german_then, german))
        else:
            lines.append(esc(t("It was translated from an earlier German text.")))
    lines += ["", bold(t("German:")), directed(esc(_short(german)), REFERENCE_LANGUAGE)]
    if lang in texts:
        lines += [
            "",
            bold(_name(lang) + ":"),
            directed(esc(_short(reading_text(texts[lang]))), lang),
        ]
    lines += ["", italic(t("To write or update it: /edit {id}", id=entry.id))]
    rows: list[tuple[Button, ...]] = []
    if item.status is Status.OUTDATED:
        keep = "✓ " + t("Still correct")
        rows.append((Button(keep, data("J", "k", lang, code, tok)),))
    rows.append((Button("◀ " + t("Back to the list"), data("J", "l", lang, "0")),))
    return Reply(directed("\n".join(lines), t.lang), tuple(rows))


def kept(t: Translator, entry_id: str, lang: str) -> Reply:
    text = t(
        "Done: the {language} translation of “{id}” is marked as current.",
        language=_name(lang),
        id=entry_id,
    )
    return Reply(
        directed(esc(text), t.lang),
        ((Button("◀ " + t("Back to the list"), data("J", "l", lang, "0")),),),
    )
