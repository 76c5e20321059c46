"""The history of a content entry as Replies: versions, the last change, rolling back.

Buttons: `V:k:<kind>:<entry>` choose among kinds sharing an id, `V:r:<kind>:<entry>:<n>`
ask to roll back to version n, `V:y:<kind>:<entry>:<n>` roll back, `V:s:<kind>:<entry>`
show the history again. <kind> is one letter (KIND_CODES).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from zoneinfo import ZoneInfo

from bot.admin.content_views import KIND_NAMES
from bot.admin.people import Author
from bot.admin.views import role_name
from bot.appointments.views import short
from bot.catalog.history import FieldChange, VersionInfo
from bot.catalog.translations import Status
from bot.chat.keyboards import data, grid, token
from bot.chat.render import Button, Reply, bold, directed, esc, italic, marked_changes
from bot.i18n import N_, Translator

Rows = tuple[tuple[Button, ...], ...]
KIND_CODES = {"municipalities": "m", "programs": "p", "faq": "f", "offers": "o", "contacts": "c"}
KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}
#: How many versions, changed fields, list items and letters of a value a message shows.
MAX_VERSIONS = 10
MAX_FIELDS = 12
MAX_ITEMS = 10
MAX_VALUE = 400
ACTIONS = {
    "added": N_("added"),
    "changed": N_("changed"),
    "removed": N_("removed"),
    "hidden": N_("hidden"),
    "shown": N_("shown again"),
}
ORIGINS = {
    "seed": N_("shipped content"),
    "baseline": N_("as it was before versions were kept"),
    "import": N_("command-line import"),
    "upload": N_("upload"),
    "edit": N_("edited in the chat"),
    "rollback": N_("rollback"),
    "unanswered": N_("from unanswered questions"),
}
HISTORY_ERRORS = {
    "usage": N_("Please give the id of an entry, for example: /history koeln-teilnahme"),
    "unknown": N_("There is no entry with the id “{id}”."),
    "not_found": N_("This version no longer exists."),
    "not_yours": N_("This entry belongs to content you do not administer."),
    "invalid": N_("This version cannot be restored: the content would no longer be valid."),
}


def _reply(t: Translator, lines: Sequence[str], rows: Rows = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


def ref(kind: str, entry_id: str) -> tuple[str, str]:
    return KIND_CODES[kind], token(entry_id)


def kinds(t: Translator, entry_id: str, found: Sequence[str]) -> Reply:
    """Ask which of the entries sharing an id is meant."""
    buttons = [Button(t(KIND_NAMES[kind]), data("V", "k", *ref(kind, entry_id))) for kind in found]
    text = t("Several entries have the id “{id}”. Which one?", id=entry_id)
    return _reply(t, [esc(text)], grid(buttons, 2))


def author_label(t: Translator, author: Author | None, place: Callable[[str], str]) -> str:
    """Name an author by role and municipality (and @handle), Lotse keeping no names."""
    if author is None:
        return ""
    if author.superadmin:
        named = t("state-wide admin")
    elif author.roles:
        named = ", ".join(f"{role_name(t, role)} ({place(town)})" for role, town in author.roles)
    else:
        named = t("User {id}", id=author.user_id)
    return f"{named} @{author.handle}" if author.handle else named


def _author(
    t: Translator, version: VersionInfo, who: Mapping[int, Author], place: Callable[[str], str]
) -> str:
    if version.author_id is None:
        return t(ORIGINS.get(version.origin, version.origin))
    found = who.get(version.author_id)
    return author_label(t, found, place) if found else t("User {id}", id=version.author_id)


def _label(path: Sequence[str]) -> str:
    return " · ".join(path)


def _text(value: str | tuple[str, ...] | None) -> str:
    if value is None:
        return ""
    return "\n".join(value) if isinstance(value, tuple) else value


def field_lines(t: Translator, changes: Sequence[FieldChange]) -> list[str]:
    """What a change did, field by field: struck-through words went, bold words came."""
    lines: list[str] = []
    marks = [c for c in changes if c.path[-1] == "made_from"]
    changes = [c for c in changes if c.path[-1] != "made_from"]
    for change in changes[:MAX_FIELDS]:
        head = bold(_label(change.path) + ":")
        if change.before is None:
            lines.append(f"{head} {italic(t('added'))} {esc(_short(_text(change.after)))}")
        elif change.after is None:
            gone = esc(_short(_text(change.before)))
            lines.append(f"{head} {italic(t('removed'))} <s>{gone}</s>")
        elif isinstance(change.before, tuple) or isinstance(change.after, tuple):
            old, new = set(_items(change.before)), set(_items(change.after))
            items = [f"− <s>{esc(x)}</s>" for x in _items(change.before) if x not in new]
            items += [f"+ {bold(x)}" for x in _items(change.after) if x not in old]
            lines.append(head + "\n" + "\n".join(items[:MAX_ITEMS]))
        else:
            lines.append(f"{head} {marked_changes(_text(change.before), _text(change.after))}")
    if len(changes) > MAX_FIELDS:
        lines.append(italic(t("and {count} more", count=len(changes) - MAX_FIELDS)))
    if outdated := [c.path[0] for c in marks if c.after is not None and c.before != c.after]:
        text = t(
            "Translations made from the German before: {languages}", languages=", ".join(outdated)
        )
        lines.append("⚠️ " + esc(text))
    return lines


def _items(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE].rstrip() + " …"


def translation_line(t: Translator, states: Mapping[str, Status]) -> str:
    """The status of each translation: ✅ current, ⚠️ outdated, ➕ missing."""
    icons = {Status.CURRENT: "✅", Status.OUTDATED: "⚠️", Status.MISSING: "➕"}
    shown = [f"{icons[s]} {lang}" for lang, s in states.items() if s in icons]
    return esc(t("Translations:")) + " " + esc(" · ".join(shown)) if shown else ""


def history(
    t: Translator,
    kind: str,
    entry_id: str,
    versions: Sequence[VersionInfo],
    last_change: Sequence[FieldChange],
    tz: ZoneInfo,
    who: Mapping[int, Author] = MappingProxyType({}),
    place: Callable[[str], str] = str,
    states: Mapping[str, Status] = MappingProxyType({}),
) -> Reply:
    """The versions of an entry, newest first, what the last change did, rollback buttons.

    who: the authors by id; place names a municipality; states: each translation's status.
    """
    lines = [bold(t("History of {kind} “{id}”", kind=t(KIND_NAMES[kind]), id=entry_id))]
    for v in versions[:MAX_VERSIONS]:
        action = t(ACTIONS.get(v.action, v.action))
        origin = t(ORIGINS.get(v.origin, v.origin))
        lines.append(
            esc(f"v{v.number} · {short(t, v.created_at, tz)} · {action} ({origin}) · ")
            + esc(_author(t, v, who, place))
        )
    if len(versions) > MAX_VERSIONS:
        lines.append(italic(t("and {count} more", count=len(versions) - MAX_VERSIONS)))
    if states and (status_line := translation_line(t, states)):
        lines.append(status_line)
    if last_change:
        lines += ["", bold(t("The last change:")), *field_lines(t, last_change)]
    code, tok = ref(kind, entry_id)
    buttons = [
        Button(f"↩ v{v.number}", data("V", "r", code, tok, str(v.number)))
        for v in versions[1:MAX_VERSIONS]
    ]
    if buttons:
        lines.append(esc(t("Press a version to restore it.")))
    return _reply(t, lines, grid(buttons, 4))


def confirm(
    t: Translator, kind: str, entry_id: str, number: int, change: Sequence[FieldChange]
) -> Reply:
    """Ask before restoring version number, showing what would change."""
    code, tok = ref(kind, entry_id)
    lines = [
        esc(t("Restore version {number} of “{id}”? This changes:", number=number, id=entry_id))
    ]
    lines += field_lines(t, change) if change else [esc(t("Nothing: it is the same as now."))]
    rows = (
        (
            Button(
                "↩ " + t("Restore version {number}", number=number),
                data("V", "y", code, tok, str(number)),
            ),
        ),
        (Button("◀ " + t("Back"), data("V", "s", code, tok)),),
    )
    return _reply(t, lines, rows)


def restored(t: Translator, entry_id: str, number: int, version: int) -> Reply:
    text = t(
        "Done: “{id}” is as in version {number} again (content version {version}).",
        id=entry_id,
        number=number,
        version=version,
    )
    return _reply(t, [esc(text)])
