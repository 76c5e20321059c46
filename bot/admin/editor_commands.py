"""The guided editor's commands about one entry (see editor.mmd): /edit, /hide, /unhide and
/variant ID, which entry an id shared by several kinds means, hiding or showing it, and a
new way to ask an FAQ entry.

Every command and press goes through `admin_only`; the entry must lie in the admin's
municipalities, and writing checks again (`set_hidden`, `add_question` with the areas).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram import Update

from bot.admin import editor
from bot.admin import editor_views as views
from bot.admin.editor_dialog import (
    CONFIRM,
    KEY,
    VARIANT,
    WHICH,
    ask,
    done,
    log,
    places,
    stored,
    tell,
)
from bot.admin.guard import admin_only
from bot.catalog import history
from bot.catalog.areas import LOCAL_KINDS, entry_area, within
from bot.catalog.export import entry_to_dict
from bot.catalog.finder import find_entries
from bot.catalog.schema import Content
from bot.catalog.store import load_all
from bot.chat.context import LotseContext
from bot.chat.conversation import State, ack, show
from bot.chat.errors import stale_button
from bot.chat.send import answer

ACTIONS = ("edit", "hide", "unhide", "variant")
CODES = {code: kind for kind, code in views.KIND_CODES.items()}


@dataclass(frozen=True)
class Task:
    """A command about one entry waiting for a press: which kind, hide or show, a question."""

    serial: str
    action: str  # edit | hide | unhide | variant
    entry_id: str
    kind: str = "faq"
    lang: str = "de"
    #: (kind, id) of the entries offered for a misspelt id or words, to press one
    offered: tuple[tuple[str, str], ...] = ()


def command(action: str) -> Callable[[Update, LotseContext], Awaitable[State]]:
    """Return the handler of /edit, /hide, /unhide or /variant ID."""

    @admin_only
    async def run(update: Update, context: LotseContext) -> State:
        """Start an action on the entry named: /edit, /hide, /unhide or /variant ID."""
        typed = " ".join(context.args or []).strip()
        entry_id = typed.lower()
        if not entry_id:
            return await tell(update, context, "usage", command=action)
        with context.session() as session:
            found = [kind for kind, _ in history.find(session, entry_id)]
        content = stored(context)
        kinds = [k for k in found if k in LOCAL_KINDS and entry_id in content.of_kind(k)]
        kinds = [k for k in kinds if action != "variant" or k == "faq"]
        if not kinds:
            return await _offer(update, context, content, action, typed)
        task = Task(secrets.token_hex(3), action, entry_id, kinds[0])
        if len(kinds) == 1:
            return await _act(update, context, task)
        context.user_data[KEY] = task
        await answer(update, views.which(context.t, task.serial, entry_id, kinds))
        return WHICH

    return run


async def _offer(
    update: Update, context: LotseContext, content: Content, action: str, typed: str
) -> State:
    """Offer the entries closest to a misspelt id or a few words (among the admin's own)."""
    managed = context.profile.managed
    kinds = ("faq",) if action == "variant" else LOCAL_KINDS
    offered = find_entries(
        content,
        typed,
        kinds,
        lambda kind, entry: within(entry_area(entry), managed),
        context.t.lang,
    )
    if not offered:
        return await tell(update, context, "unknown", id=typed)
    task = Task(secrets.token_hex(3), action, "", offered=tuple(offered))
    context.user_data[KEY] = task
    entries = [(kind, content.of_kind(kind)[entry_id]) for kind, entry_id in offered]
    await answer(update, views.did_you_mean(context.t, task.serial, typed, entries))
    return WHICH


def _task(context: LotseContext) -> Task | None:
    found = context.user_data.get(KEY)
    return (
        found if isinstance(found, Task) and found.serial == context.matches[0].group(1) else None
    )


@admin_only
async def chose_kind(update: Update, context: LotseContext) -> State:
    """Go on with the entry of the kind pressed."""
    if (task := _task(context)) is None:
        return await stale_button(update, context)
    return await _act(update, context, replace(task, kind=CODES[context.matches[0].group(2)]))


@admin_only
async def chose_offered(update: Update, context: LotseContext) -> State:
    """Go on with the entry pressed among those offered for a misspelt id."""
    task, index = _task(context), int(context.matches[0].group(2))
    if task is None or index >= len(task.offered):
        return await stale_button(update, context)
    kind, entry_id = task.offered[index]
    return await _act(update, context, replace(task, kind=kind, entry_id=entry_id, offered=()))


async def _act(update: Update, context: LotseContext, task: Task) -> State:
    """Check that the admin may change the entry, then edit it, ask to hide or ask a question."""
    entry = stored(context).of_kind(task.kind).get(task.entry_id)
    if entry is None:
        return await tell(update, context, "not_found")
    if not within(area := entry_area(entry), context.profile.managed):
        return await tell(update, context, "not_yours" if area else "state_wide")
    await ack(update)
    t, new = context.t, update.callback_query is None
    if task.action == "edit":
        where, raw, hidden = places(context, task.kind), entry_to_dict(entry), bool(entry.hidden)
        draft = editor.start(task.kind, task.serial, where, (), raw, editing=True, hidden=hidden)
        return await ask(update, context, draft, new)
    if task.action == "variant":
        task = replace(task, lang=t.lang if t.lang in entry.translations else "de")
        context.user_data[KEY] = task
        await show(update, views.ask_variant(t, task.serial, entry, task.lang), new)
        return VARIANT
    hide = task.action == "hide"
    if bool(entry.hidden) == hide:
        return await tell(update, context, "already_hidden" if hide else "already_shown")
    context.user_data[KEY] = task
    await show(update, views.confirm_hide(t, task.serial, task.kind, entry, hide), new)
    return CONFIRM


@admin_only
async def hide_or_show(update: Update, context: LotseContext) -> State:
    """Hide the entry from users, or show it again, as confirmed."""
    if (task := _task(context)) is None:
        return await stale_button(update, context)
    hide, profile = task.action == "hide", context.profile
    try:
        with context.session() as session:
            entry = (load_all(session) or Content()).of_kind(task.kind).get(task.entry_id)
            history.set_hidden(session, task.kind, task.entry_id, hide, profile.id, profile.managed)
            action, area = "entry_hidden" if hide else "entry_shown", entry and entry_area(entry)
            log(session, context, action, area, f"{task.kind}:{task.entry_id}")
    except history.EditError as error:
        return await tell(update, context, error.code)
    return await done(update, context, views.hidden(context.t, task.entry_id, hide))


@admin_only
async def variant_language(update: Update, context: LotseContext) -> State:
    """Ask the new question in the language pressed."""
    task, lang = _task(context), context.matches[0].group(2)
    entry = stored(context).faq.get(task.entry_id) if task else None
    if task is None or entry is None or lang not in entry.translations:
        return await stale_button(update, context)
    if not within(entry_area(entry), context.profile.managed):
        return await tell(update, context, "not_yours")
    task = replace(task, lang=lang)
    context.user_data[KEY] = task
    await ack(update)
    await show(update, views.ask_variant(context.t, task.serial, entry, lang))
    return VARIANT


@admin_only
async def typed_variant(update: Update, context: LotseContext) -> State:
    """Add the typed question to the FAQ entry, or say why not."""
    task, t, profile = context.user_data.get(KEY), context.t, context.profile
    entry = stored(context).faq.get(task.entry_id) if isinstance(task, Task) else None
    if entry is None:
        return await tell(update, context, "not_found")
    try:
        question = editor.parse(editor.VARIANT, update.effective_message.text or "")
        with context.session() as session:
            added = history.add_question(
                session, task.entry_id, task.lang, question, profile.id, profile.managed
            )
            if added.changed:
                log(session, context, "question_added", entry_area(entry), f"faq:{entry.id}")
    except editor.Invalid as error:
        note = views.invalid(t, error)
        await answer(update, views.ask_variant(t, task.serial, entry, task.lang, note))
        return VARIANT
    except history.EditError as error:
        return await tell(update, context, error.code)
    return await done(
        update, context, views.variant_added(t, question, entry.text(task.lang)[0].title)
    )
