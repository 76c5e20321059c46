"""Content uploads and their problems and summaries as Replies (no telegram import).

Buttons: `P:a|r|k|x:<serial>` apply (no removals) / apply and remove / apply and keep /
cancel an upload.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.catalog.problems import ContentError
from bot.catalog.upload import KindChanges, UploadError
from bot.chat.keyboards import data
from bot.chat.render import Button, Reply, bold, directed, esc, italic
from bot.i18n import N_, Translator

Rows = tuple[tuple[Button, ...], ...]
#: How many problems, and ids per kind, a message lists.
MAX_LINES = 25
MAX_IDS = 12

KIND_NAMES = {
    "municipalities": N_("Municipalities"),
    "programs": N_("Programs"),
    "faq": N_("FAQ entries"),
    "offers": N_("Offers"),
    "contacts": N_("Contacts"),
}
UPLOAD_ERRORS = {
    "too_large": N_("The file is too large: at most {limit} bytes, please."),
    "not_content": N_("Please send content as a .yaml file or a .zip of .yaml files."),
    "bad_zip": N_("The zip file cannot be read."),
    "too_many_files": N_("The zip holds too many files: at most {limit}."),
    "file_too_large": N_("“{name}” is too large: at most {limit} bytes per file."),
    "unpacks_too_large": N_("The zip unpacks to too much data: at most {limit} bytes."),
    "no_yaml": N_("The zip holds no .yaml files."),
    "stale": N_("The content was changed in the meantime. Please send the file again."),
    "removals_break_references": N_(
        "Removing those entries would leave other entries pointing at nothing."
    ),
    "expired": N_("This upload is no longer waiting. Please send the file again."),
}


def _reply(t: Translator, lines: Sequence[str], rows: Rows = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


def say(t: Translator, text: str) -> Reply:
    return _reply(t, [esc(text)])


def error_text(t: Translator, error: UploadError) -> str:
    """Why an upload was refused, in the admin's language."""
    return t(UPLOAD_ERRORS.get(error.code, N_("That did not work.")), **error.params)


def upload_error(t: Translator, error: UploadError) -> Reply:
    return _reply(t, [esc(error_text(t, error)), esc(t("Nothing was changed."))])


def problems(t: Translator, error: ContentError) -> Reply:
    """The problems of an upload, file:line first, in the admin's language."""
    lines = error.render(t)
    shown = [esc(line) for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append(italic(t("and {count} more", count=len(lines) - MAX_LINES)))
    head = [
        bold(
            t.ngettext(
                "The upload has {count} problem; nothing was changed.",
                "The upload has {count} problems; nothing was changed.",
                len(lines),
                count=len(lines),
            )
        ),
    ]
    return _reply(t, [*head, *shown, esc(t("Please correct the file and send it again."))])


def _ids(ids: Sequence[str]) -> str:
    more = f" … (+{len(ids) - MAX_IDS})" if len(ids) > MAX_IDS else ""
    return ", ".join(ids[:MAX_IDS]) + more


def summary(
    t: Translator,
    changes: Mapping[str, KindChanges],
    serial: str,
    can_remove: bool,
    removal_problems: Sequence[str],
) -> Reply:
    """What the upload changes, per kind, and the buttons to apply or cancel it."""
    lines = [bold(t("This upload changes:"))]
    removes = any(c.removed for c in changes.values())
    anything = any(c.added or c.changed for c in changes.values()) or removes
    for kind, c in changes.items():
        lines.append(
            bold(esc(t(KIND_NAMES[kind])))
            + esc(
                ": "
                + t(
                    "{added} new, {changed} changed, {removed} not in the file",
                    added=len(c.added),
                    changed=len(c.changed),
                    removed=len(c.removed),
                )
            )
        )
        for sign, ids in (("+", c.added), ("~", c.changed), ("−", c.removed)):
            if ids:
                lines.append(esc(f"  {sign} {_ids(ids)}"))
    if not anything:
        lines = [esc(t("The upload changes nothing: the content is the same."))]
        return _reply(t, lines)
    rows: list[tuple[Button, ...]] = []
    if removes:
        lines.append(esc(t("Entries not in the file can be removed or kept.")))
        if can_remove:
            rows.append((Button("✅ " + t("Apply and remove them"), data("P", "r", serial)),))
        else:
            lines.append(esc(t("They cannot be removed: other entries refer to them.")))
            lines += [esc(p) for p in removal_problems[:MAX_LINES]]
        rows.append((Button("✅ " + t("Apply and keep them"), data("P", "k", serial)),))
    else:
        rows.append((Button("✅ " + t("Apply"), data("P", "a", serial)),))
    rows.append((Button("✖ " + t("Cancel"), data("P", "x", serial)),))
    return _reply(t, lines, tuple(rows))


def applied(t: Translator, version: int) -> Reply:
    text = t("Done: the content is now version {version}. Lotse uses it at once.", version=version)
    return _reply(t, [esc(text)])


def cancelled(t: Translator) -> Reply:
    return _reply(t, [esc(t("Cancelled. Nothing was changed."))])
