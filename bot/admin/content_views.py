"""Content uploads and their problems and summaries as Replies (no telegram import).

Buttons: `P:a|r|k|x:<serial>` apply (no removals) / apply and remove / apply and keep /
cancel an upload.

The problems of an upload are one message, whatever the upload holds: each value is quoted
as a short excerpt, at most MAX_LINES problems are listed (fewer if they would not fit), and
when some are left out the whole list comes along as a text file (`ProblemReport`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.catalog.problems import ContentError, Problem
from bot.catalog.upload import KindChanges, UploadError
from bot.chat.keyboards import data
from bot.chat.render import MAX_MESSAGE, Button, Reply, bold, directed, esc, italic, utf16_len
from bot.i18n import N_, Translator, isolate
from bot.text import excerpt

Rows = tuple[tuple[Button, ...], ...]
#: How many problems, and ids per kind, a message lists.
MAX_LINES = 25
MAX_IDS = 12
MAX_ID_CHARS = 200
#: How many problems a summary lists that keep entries from being removed.
MAX_REMOVAL_LINES = 5
#: How many characters of a value (or a file name) a problem quotes in a message, in the file.
EXCERPT, FILE_EXCERPT = 60, 400
#: Room kept free in the message for the lines around the problems.
_SPARE = 600
#: The name of the file that lists every problem of an upload.
PROBLEMS_FILE = "lotse-upload-problems.txt"

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
    "not_yours_any_more": N_(
        "You no longer manage every municipality this upload changes, so it was not applied."
    ),
}


def _reply(t: Translator, lines: Sequence[str], rows: Rows = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


def say(t: Translator, text: str) -> Reply:
    return _reply(t, [esc(text)])


def error_text(t: Translator, error: UploadError) -> str:
    """Why an upload was refused, in the admin's language (a file name as a short excerpt)."""
    params = {
        key: isolate(excerpt(value, EXCERPT)) if isinstance(value, str) else value
        for key, value in error.params.items()
    }
    return t(UPLOAD_ERRORS.get(error.code, N_("That did not work.")), **params)


def upload_error(t: Translator, error: UploadError) -> Reply:
    return _reply(t, [esc(error_text(t, error)), esc(t("Nothing was changed."))])


@dataclass(frozen=True)
class ProblemReport:
    """What to send about a refused upload: one message, and the full list when it is long.

    `file` is (file name, UTF-8 text) or None when the message lists every problem.
    """

    reply: Reply
    file: tuple[str, bytes] | None = None


def problem_report(t: Translator, error: ContentError) -> ProblemReport:
    """The problems of an upload, file:line first, in the admin's language, as one message."""
    count = len(error.items)
    head = t.ngettext(
        "The upload has {count} problem; nothing was changed.",
        "The upload has {count} problems; nothing was changed.",
        count,
        count=count,
    )
    shown: list[str] = []
    room = MAX_MESSAGE - _SPARE - utf16_len(head)
    for line in error.render(t, excerpts=EXCERPT, isolated=True)[:MAX_LINES]:
        room -= utf16_len(esc(line)) + 1
        if room < 0:
            break
        shown.append(esc(line))
    lines = [bold(head), *shown]
    file = None
    if len(shown) < count:
        lines.append(italic(t("and {count} more", count=count - len(shown))))
        lines.append(esc(t("The attached file lists every problem.")))
        full = error.render(t, excerpts=FILE_EXCERPT)
        file = (PROBLEMS_FILE, "\n".join([head, "", *full, ""]).encode("utf-8"))
    lines.append(esc(t("Please correct the file and send it again.")))
    return ProblemReport(_reply(t, lines), file)


def _ids(ids: Sequence[str]) -> str:
    """List up to MAX_IDS ids (and at most about 200 characters), then how many more."""
    shown: list[str] = []
    for entry_id in ids[:MAX_IDS]:
        if shown and sum(map(len, shown)) + len(entry_id) > MAX_ID_CHARS:
            break
        shown.append(entry_id)
    more = f" … (+{len(ids) - len(shown)})" if len(ids) > len(shown) else ""
    return ", ".join(shown) + more


def summary(
    t: Translator,
    changes: Mapping[str, KindChanges],
    serial: str,
    can_remove: bool,
    removal_problems: Sequence[str | Problem],
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
            lines += [
                esc(p if isinstance(p, str) else p.render(t, excerpts=EXCERPT, isolated=True))
                for p in removal_problems[:MAX_REMOVAL_LINES]
            ]
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
