"""The guided editor (see editor.mmd): /new, /edit, /hide, /unhide, /variant, and "Answer
with a new FAQ entry" or "Turn into an FAQ entry" from the inbox, as one ConversationHandler.

This module writes a draft field by field and publishes it; the commands about one entry
are in editor_commands, the inbox's answered questions in inbox_answers, and what they
share (the draft in `user_data`, showing its step) in editor_dialog. Nothing is written
before Publish. Every command and press goes through `admin_only`, a draft must still lie in
the admin's municipalities, and writing checks again (`put_entry` with the admin's areas).
Buttons carry the dialog's serial, so an earlier dialog's are stale.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.admin import editor, editor_commands, inbox, inbox_answers, inbox_views
from bot.admin import editor_views as views
from bot.admin.editor_dialog import (
    CONFIRM,
    DRAFT,
    END,
    KEY,
    SERIAL,
    TIMEOUT,
    VARIANT,
    WHICH,
    answer_with_entry,
    ask,
    current_draft,
    done,
    log,
    places,
    refused,
    stored,
    tell,
)
from bot.admin.guard import admin_only
from bot.catalog import history
from bot.catalog.problems import ContentError
from bot.catalog.schema import Content
from bot.catalog.store import load_all
from bot.chat.context import LotseContext
from bot.chat.conversation import (
    State,
    ack,
    add_conversation,
    button,
    exits,
    final,
    serial_cancel,
    typed,
)
from bot.chat.conversation import conversation as build_conversation
from bot.chat.errors import stale_button
from bot.chat.keyboards import parse_id
from bot.handover import service as handovers
from bot.i18n import N_

WORDS = {"faq": "faq", "offer": "offers", "offers": "offers", "contact": "contacts"}
COMMANDS = (
    ("new", N_("Add an FAQ entry, an offer or a contact")),
    ("edit", N_("Change an FAQ entry, an offer or a contact")),
    ("hide", N_("Hide an entry from users")),
    ("unhide", N_("Show a hidden entry again")),
    ("variant", N_("Add a way to ask an FAQ entry")),
)


@admin_only
async def new(update: Update, context: LotseContext) -> State:
    """Start a new entry: /new faq|offer|contact."""
    kind = WORDS.get((context.args or [""])[0].lower())
    if kind is None:
        return await tell(update, context, "usage_new")
    taken = stored(context).of_kind(kind)
    draft = editor.start(kind, secrets.token_hex(3), places(context, kind), taken)
    return await ask(update, context, draft, new=True)


@admin_only
async def from_inbox(update: Update, context: LotseContext) -> State:
    """Start a new FAQ entry from a group of unanswered questions, at its answer."""
    with context.session() as session:
        group = inbox.find(session, context.profile.managed, parse_id(context.matches[0].group(1)))
    if group is None:
        await update.callback_query.answer(inbox_views.gone(context.t), show_alert=True)
        return END
    questions = group.texts[: inbox_views.SHOWN]
    return await answer_with_entry(
        update, context, group.municipality, group.lang, questions, settles=tuple(group.ids)
    )


@admin_only
async def typed_value(update: Update, context: LotseContext) -> State:
    """Take a typed value for the field asked, or say why not and ask again."""
    if (draft := await current_draft(update, context)) is None:
        return END
    text = (update.effective_message.text if update.effective_message else "") or ""
    if draft.step >= len(steps := editor.steps(draft)):
        return await ask(update, context, draft, True, context.t("Please use the buttons."))
    try:
        if draft.replacing is not None:
            draft = editor.replace_question(draft, text)
        elif (changed := editor.part_change(draft, text)) is not None:
            draft = changed
        else:
            draft = editor.put(draft, editor.parse(steps[draft.step].field, text, draft.places))
    except editor.Invalid as error:
        return await ask(update, context, draft, True, views.invalid(context.t, error))
    return await ask(update, context, draft, new=True)


def _value(draft: editor.Draft, verb: str, number: str | None) -> object:
    """The value a field's button stands for (LookupError: not a button of this field)."""
    step = editor.steps(draft)[draft.step]
    if verb == "k":
        if (kept := editor.proposal(draft, step)) is None:
            raise LookupError(verb)
        return kept
    if verb == "s":
        return None  # put() refuses to skip what is required (but an added language's texts)
    choices = list(draft.places if step.field.value == editor.PLACE else step.field.choices)
    return choices[int(number or "x")]


@admin_only
async def pressed(update: Update, context: LotseContext) -> State:
    """A field's button: choose, keep, skip, back, from the first question again, or pick
    a question to reword."""
    serial, at, verb, number = context.matches[0].groups()
    if (draft := await current_draft(update, context, serial)) is None:
        return None
    if int(at) != draft.step or (verb in "vksq" and draft.step >= len(editor.steps(draft))):
        return await stale_button(update, context)
    draft = replace(draft, replacing=None)
    if verb == "q":
        try:
            draft = editor.pick_question(draft, int(number or "x"))
        except (LookupError, ValueError):
            return await stale_button(update, context)
    elif verb in "br":
        draft = replace(draft, step=max(0, draft.step - 1) if verb == "b" else 0)
    else:
        try:
            draft = editor.put(draft, _value(draft, verb, number))
        except (LookupError, ValueError):
            return await stale_button(update, context)
        except editor.Invalid as error:
            await ack(update)
            return await ask(update, context, draft, False, views.invalid(context.t, error))
    await ack(update)
    return await ask(update, context, draft)


@admin_only
async def language(update: Update, context: LotseContext) -> State:
    """At the language question: write the texts in another language, or see the preview."""
    serial, lang = context.matches[0].groups()
    if (draft := await current_draft(update, context, serial)) is None:
        return None
    at_question = draft.step == len(editor.steps(draft))
    if not at_question or lang not in (*views.OTHER_LANGUAGES, "-"):
        return await stale_button(update, context)
    await ack(update)
    draft = replace(draft, step=draft.step + 1) if lang == "-" else editor.add_language(draft, lang)
    return await ask(update, context, draft)


@admin_only
async def translation(update: Update, context: LotseContext) -> State:
    """After a German change: update a translation now, keep it, or mark it outdated."""
    serial, lang, choice = context.matches[0].groups()
    if (draft := await current_draft(update, context, serial)) is None:
        return None
    at_question = draft.step == len(editor.steps(draft))
    pending = editor.undecided(draft)
    if not at_question or not pending or pending[0] != lang:
        return await stale_button(update, context)
    await ack(update)
    return await ask(update, context, editor.decide(draft, lang, choice))


@admin_only
async def publish(update: Update, context: LotseContext) -> State:
    """Write the entry, settle the questions it answers and close its hand-over, at once."""
    if (draft := await current_draft(update, context, context.matches[0].group(1))) is None:
        return None
    if draft.step != len(editor.steps(draft)) + 1:
        return await stale_button(update, context)
    profile, kind, entry_id = context.profile, draft.kind, draft.entry_id
    origin = "unanswered" if draft.settles or draft.closes else "edit"
    try:
        with context.session() as session:
            taken = frozenset((load_all(session) or Content()).of_kind(kind))
            if not draft.editing and entry_id in taken:
                raise editor.Invalid("taken", id=entry_id)
            history.put_entry(
                session, kind, editor.build(draft), profile.id, origin, profile.managed
            )
            settled = inbox.settle(session, draft.settles)
            closed = sum(handovers.close(session, h, profile.managed) for h in draft.closes)
            log(session, context, "entry_published", draft.area, f"{kind}:{entry_id}")
    except editor.Invalid as error:
        at = [s.field.key for s in editor.steps(draft)].index("id")
        draft = replace(draft, taken=taken, step=at)
        await ack(update)
        return await ask(update, context, draft, False, views.invalid(context.t, error))
    except ContentError as error:
        await ack(update)
        return await refused(update, context, draft, error, False)
    return await done(update, context, views.published(context.t, draft, settled, closed))


cancel, leave, timed_out = exits(KEY, views.cancelled, views.timed_out, TIMEOUT)


def conversation() -> ConversationHandler:
    """Build the editor's dialog (editor.mmd)."""
    stop = button(admin_only(serial_cancel(KEY, cancel)), rf"^E:z:{SERIAL}$")
    entry_points = [
        CommandHandler("new", final(new)),
        *(
            CommandHandler(name, final(editor_commands.command(name)))
            for name in editor_commands.ACTIONS
        ),
        button(from_inbox, r"^Q:n:(\d{1,12})$"),
        button(inbox_answers.to_entry, r"^Q:f:(\d{1,12})$"),
    ]
    states = {
        DRAFT: [
            typed(typed_value),
            button(pressed, rf"^E:f:{SERIAL}:(\d{{1,3}}):([vksbrq])(?::(\d{{1,3}}))?$"),
            button(language, rf"^E:l:{SERIAL}:([a-z]{{2,3}}|-)$"),
            button(translation, rf"^E:t:{SERIAL}:([a-z]{{2,3}}):([uko])$"),
            button(publish, rf"^E:p:{SERIAL}$"),
            stop,
        ],
        WHICH: [
            button(editor_commands.chose_kind, rf"^E:w:{SERIAL}:([foc])$"),
            button(editor_commands.chose_offered, rf"^E:m:{SERIAL}:(\d)$"),
            stop,
        ],
        CONFIRM: [button(editor_commands.hide_or_show, rf"^E:y:{SERIAL}$"), stop],
        VARIANT: [
            typed(editor_commands.typed_variant),
            button(editor_commands.variant_language, rf"^E:l:{SERIAL}:([a-z]{{2,3}})$"),
            stop,
        ],
    }
    return build_conversation("editor", entry_points, states, (cancel, leave, timed_out), TIMEOUT)


def register(app: Application, group: int) -> None:
    """Add the editor in the admin slice's group, after the slice's other handlers."""
    add_conversation(app, conversation(), group)
    # Editor buttons the dialog does not take: refused for non-admins, stale for admins.
    app.add_handler(
        CallbackQueryHandler(final(admin_only(stale_button)), pattern=re.compile("^E:")), group
    )
