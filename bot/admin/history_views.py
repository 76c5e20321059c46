"""The history of a content entry as Replies: versions, the last change, rolling back.

Buttons: `V:k:<kind>:<entry>` choose among kinds sharing an id, `V:r:<kind>:<entry>:<n>`
ask to roll back to version n, `V:y:<kind>:<entry>:<n>` roll back, `V:s:<kind>:<entry>`
show the history again. <kind> is one letter (KIND_CODES).
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.admin.content_views import KIND_NAMES
from bot.appointments.views import short
from bot.catalog.history import VersionInfo
from bot.chat.keyboards import data, grid, token
from bot.chat.render import Button, Reply, bold, directed, esc, italic
from bot.i18n import N_, Translator

Rows = tuple[tuple[Button, ...], ...]
KIND_CODES = {"municipalities": "m", "programs": "p", "faq": "f", "offers": "o", "contacts": "c"}
KINDS_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}
#: How many versions and diff lines a message shows.
MAX_VERSIONS = 10
MAX_DIFF = 40
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


def _author(t: Translator, version: VersionInfo) -> str:
    if version.author_id is None:
        return t(ORIGINS.get(version.origin, version.origin))
    return t("User {id}", id=version.author_id)


def history(
    t: Translator,
    kind: str,
    entry_id: str,
    versions: Sequence[VersionInfo],
    last_change: Sequence[str],
    tz: ZoneInfo,
) -> Reply:
    """The versions of an entry, newest first, the diff of the last change, rollback buttons."""
    lines = [bold(t("History of {kind} “{id}”", kind=t(KIND_NAMES[kind]), id=entry_id))]
    for v in versions[:MAX_VERSIONS]:
        action = t(ACTIONS.get(v.action, v.action))
        origin = t(ORIGINS.get(v.origin, v.origin))
        lines.append(
            esc(f"v{v.number} · {short(t, v.created_at, tz)} · {action} ({origin}) · ")
            + esc(_author(t, v))
        )
    if len(versions) > MAX_VERSIONS:
        lines.append(italic(t("and {count} more", count=len(versions) - MAX_VERSIONS)))
    if last_change:
        lines += ["", bold(t("The last change:")), _pre(last_change)]
    code, tok = ref(kind, entry_id)
    buttons = [
        Button(f"↩ v{v.number}", data("V", "r", code, tok, str(v.number)))
        for v in versions[1:MAX_VERSIONS]
    ]
    if buttons:
        lines.append(esc(t("Press a version to restore it.")))
    return _reply(t, lines, grid(buttons, 4))


def _pre(diff: Sequence[str]) -> str:
    shown = list(diff[:MAX_DIFF])
    if len(diff) > MAX_DIFF:
        shown.append(f"… (+{len(diff) - MAX_DIFF})")
    return "<pre>" + esc("\n".join(shown)) + "</pre>"


def confirm(t: Translator, kind: str, entry_id: str, number: int, change: Sequence[str]) -> Reply:
    """Ask before restoring version number, showing what would change."""
    code, tok = ref(kind, entry_id)
    lines = [
        esc(t("Restore version {number} of “{id}”? This changes:", number=number, id=entry_id))
    ]
    lines.append(_pre(change) if change else esc(t("Nothing: it is the same as now.")))
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
