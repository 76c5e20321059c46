"""The unanswered-questions inbox as Replies (no telegram import).

Buttons: `Q:l:<page>` the list, `Q:v:<group>` one group, `Q:e:<group>` entries to add it
to, `Q:a:<group>:<entry>` ask to add, `Q:c:<group>:<entry>` add, `Q:d:<group>` ask to
dismiss, `Q:y:<group>` dismiss, `Q:n:<group>` answer with a new FAQ entry. The questions
advisors answered ("Ask a person"): `Q:k:<page>` their list, `Q:h:<id>` one of them,
`Q:f:<id>` turn it into an FAQ entry, `Q:x:<id>` ask to close it, `Q:z:<id>` close it.
Questions and answers are shown without who asked or who answered.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from bot.admin.inbox import Group, Listing
from bot.catalog.schema import FaqEntry
from bot.chat.keyboards import data, grid, label, token
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic
from bot.handover.service import Answered
from bot.i18n import LANGUAGE_NAMES, Translator

Rows = tuple[tuple[Button, ...], ...]
PAGE = 8
#: How many of a group's questions are shown (and added as variants).
SHOWN = 10
#: How many characters of an answered question its line in the list shows.
GIST = 100
Place = Callable[[str | None], str]


def _reply(t: Translator, lines: Sequence[str], rows: Rows = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


def _back(t: Translator, group_id: int | None = None) -> tuple[Button, ...]:
    target = data("Q", "v", str(group_id)) if group_id is not None else data("Q", "l", "0")
    return (Button("◀ " + t("Back"), target),)


def listing(t: Translator, found: Listing, place: Place, answered: int = 0) -> Reply:
    """A page of the groups of unanswered questions, and how many advisors answered."""
    lines = [bold(t("Questions Lotse could not answer"))]
    rows: list[tuple[Button, ...]] = []
    if not found.count:
        lines.append(esc(t("There are no unanswered questions. Well done!")))
    else:
        lines.append(
            esc(
                t(
                    "{questions} questions in {groups} groups.",
                    questions=found.questions,
                    groups=found.count,
                )
            )
        )
        rows += _groups(found, place, lines)
    if answered:
        lines += ["", bold(t("Answered by advisors: {count}", count=answered))]
        lines.append(esc(t("Turn their answers into FAQ entries, so Lotse knows them next time.")))
        rows.append((Button("💬 " + t("Show the answered questions"), data("Q", "k", "0")),))
    return _reply(t, lines, tuple(rows))


def _groups(found: Listing, place: Place, lines: list[str]) -> list[tuple[Button, ...]]:
    """Add the page's groups to lines; return their buttons (and the paging buttons)."""
    start = found.page * found.per_page
    buttons = []
    for number, g in enumerate(found.groups, start=start + 1):
        where = place(g.municipality)
        lines.append(
            f"{number}. ×{g.size} " + esc(embed(g.text, g.lang)) + esc(f" · {g.lang} · {where}")
        )
        buttons.append(Button(str(number), data("Q", "v", str(g.id))))
    return [*grid(buttons, 4), *_paging("l", found.page, found.more)]


def _paging(verb: str, page: int, more: bool) -> list[tuple[Button, ...]]:
    paging = [Button("◀", data("Q", verb, str(page - 1)))] if page > 0 else []
    paging += [Button("▶", data("Q", verb, str(page + 1)))] if more else []
    return [tuple(paging)] if paging else []


def group(t: Translator, g: Group, place: Place) -> Reply:
    """One group: its questions, and what the admin can do with it."""
    language = LANGUAGE_NAMES.get(g.lang, g.lang)
    lines = [
        bold(
            t.ngettext(
                "Asked {n} time in {language} · {place}",
                "Asked {n} times in {language} · {place}",
                g.size,
                language=language,
                place=place(g.municipality),
            )
        ),
    ]
    lines += ["• " + esc(embed(text, g.lang)) for text in g.texts[:SHOWN]]
    if len(g.texts) > SHOWN:
        lines.append(italic(t("and {count} more", count=len(g.texts) - SHOWN)))
    rows = (
        (Button("✍ " + t("Answer with a new FAQ entry"), data("Q", "n", str(g.id))),),
        (Button("➕ " + t("Add to an existing entry"), data("Q", "e", str(g.id))),),
        (Button("🗑 " + t("Dismiss"), data("Q", "d", str(g.id))),),
        _back(t),
    )
    return _reply(t, lines, rows)


def candidates(t: Translator, g: Group, entries: Sequence[FaqEntry]) -> Reply:
    """The FAQ entries (that the admin may change) these questions could be added to, named
    in the admin's language (German where it has no translation)."""
    if not entries:
        text = t("I found no entry you can change that fits. Answer with a new FAQ entry instead.")
        return _reply(t, [esc(text)], (_back(t, g.id),))
    lines = [esc(t("Add the questions as new ways to ask which entry?"))]
    rows = tuple(
        (Button(label(e.text(t.lang)[0].title), data("Q", "a", str(g.id), token(e.id))),)
        for e in entries
    )
    return _reply(t, lines, (*rows, _back(t, g.id)))


def confirm_add(t: Translator, g: Group, entry: FaqEntry) -> Reply:
    """Ask before adding the group's questions to an entry."""
    count = min(len(g.texts), SHOWN)
    title = entry.text(t.lang)[0].title
    text = t.ngettext(
        "Add {n} question as a way to ask “{title}”?",
        "Add {n} questions as ways to ask “{title}”?",
        count,
        title=title,
    )
    rows = (
        (Button("✅ " + t("Add them"), data("Q", "c", str(g.id), token(entry.id))),),
        _back(t, g.id),
    )
    return _reply(t, [esc(embed(text, t.lang))], rows)


def added(t: Translator, count: int, title: str) -> Reply:
    text = t(
        "Done: {count} new ways to ask “{title}”. Lotse answers them from now on.",
        count=count,
        title=title,
    )
    return _reply(t, [esc(text)], (_back(t),))


def confirm_dismiss(t: Translator, g: Group) -> Reply:
    text = t.ngettext(
        "Dismiss {n} question without an answer?",
        "Dismiss these {n} questions without an answer?",
        g.size,
    )
    rows = ((Button("🗑 " + t("Dismiss them"), data("Q", "y", str(g.id))),), _back(t, g.id))
    return _reply(t, [esc(text)], rows)


def dismissed(t: Translator, count: int) -> Reply:
    text = t.ngettext("Dismissed {n} question.", "Dismissed {n} questions.", count)
    return _reply(t, [esc(text)], (_back(t),))


def gone(t: Translator) -> str:
    return t("These questions have already been dealt with.")


def answered_list(
    t: Translator, items: Sequence[Answered], count: int, place: Place, page: int
) -> Reply:
    """A page (`items`) of the `count` questions advisors answered, newest first."""
    lines = [bold(t("Answered by advisors: {count}", count=count))]
    if not count:
        lines.append(esc(t("No answered questions are waiting.")))
        return _reply(t, lines, (_back(t),))
    lines.append(esc(t("Turn their answers into FAQ entries, so Lotse knows them next time.")))
    start = page * PAGE
    buttons = []
    for number, item in enumerate(items, start=start + 1):
        gist = textwrap.shorten(item.question, GIST, placeholder="…")
        where = esc(f" · {item.lang} · {place(item.municipality)}")
        lines.append(f"{number}. " + esc(embed(gist, item.lang)) + where)
        buttons.append(Button(str(number), data("Q", "h", str(item.id))))
    rows = [*grid(buttons, 4), *_paging("k", page, start + PAGE < count), _back(t)]
    return _reply(t, lines, tuple(rows))


def answered_item(t: Translator, item: Answered, place: Place) -> Reply:
    """One question an advisor answered, with the answer, and what the admin can do with it."""
    language = LANGUAGE_NAMES.get(item.lang, item.lang)
    where = place(item.municipality)
    lines = [bold(t("Asked in {language} · {place}", language=language, place=where))]
    lines += [italic(t("The question:")), esc(embed(item.question, item.lang))]
    lines += ["", italic(t("The advisor's answer:")), esc(embed(item.answer, item.lang))]
    rows = (
        (Button("✍ " + t("Turn into an FAQ entry"), data("Q", "f", str(item.id))),),
        (Button("🗑 " + t("Close"), data("Q", "x", str(item.id))),),
        (Button("◀ " + t("Back"), data("Q", "k", "0")),),
    )
    return _reply(t, lines, rows)


def confirm_close(t: Translator, item: Answered) -> Reply:
    """Ask before closing an answered question without an FAQ entry."""
    text = t("Close this question without an FAQ entry?")
    rows = (
        (Button("🗑 " + t("Close it"), data("Q", "z", str(item.id))),),
        (Button("◀ " + t("Back"), data("Q", "h", str(item.id))),),
    )
    return _reply(t, [esc(text)], rows)


def closed(t: Translator) -> Reply:
    text = t("Closed: the question has left the inbox.")
    return _reply(t, [esc(text)], ((Button("◀ " + t("Back"), data("Q", "k", "0")),),))


def dealt_with(t: Translator) -> str:
    return t("This question has already been dealt with.")
