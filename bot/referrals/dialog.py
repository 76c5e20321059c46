"""The Refer dialog (client code, note, confirmation) and questions between coach and
advisor, as one ConversationHandler (see refer.mmd).

The draft and a question being typed live only in `user_data` until sent; a referral is
stored when it is sent. The dialog's buttons carry a serial, so a button of an earlier
dialog is stale.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from telegram import Update
from telegram.ext import (
    ConversationHandler,
)

from bot.chat.context import LotseContext
from bot.chat.conversation import State, ack, button, exits, serial_cancel, show, typed
from bot.chat.conversation import conversation as build_conversation
from bot.chat.errors import stale_button
from bot.chat.keyboards import TOKEN, parse_id, resolve
from bot.chat.render import Reply
from bot.chat.send import answer, edit
from bot.db.models import Referral
from bot.i18n import Translator
from bot.matching import handlers as matching
from bot.referrals import codes, views
from bot.referrals import service as s
from bot.referrals.common import alert, load, notify, presser, say
from bot.referrals.views import Draft
from bot.referrals.words import error_text
from bot.text import clean
from bot.users.service import coach_by_handle

KEY = "referral"
CODE, NOTE, CONFIRM, WRITING = "code", "note", "confirm", "writing"
END = ConversationHandler.END
#: An unfinished referral or question is dropped after this long without an answer.
REFER_TIMEOUT = timedelta(minutes=30)
#: How long a question or answer passed between coach and advisor may be.
MESSAGE_MAX = 1000
SERIAL = r"([0-9a-f]{6})"


@dataclass(frozen=True)
class Relay:
    """A question to the advisor (or an answer to the coach) being typed."""

    referral: int
    serial: str
    to_coach: bool


def _serial() -> str:
    return secrets.token_hex(3)


# --- the Refer dialog -----------------------------------------------------------------


async def begin(update: Update, context: LotseContext) -> State:
    """Start a referral from an offer's card: advisors and coaches only, offers still open."""
    content = context.services.content
    if not s.may_refer(presser(context)):
        await alert(update, context, "role")
        return END
    offer_id = resolve(context.matches[0].group(1), content.offers) if context.matches else None
    if offer_id is None or matching.joinable(context, offer_id) is None:
        await stale_button(update, context)
        return END
    draft = Draft(offer=offer_id, serial=_serial())
    context.user_data[KEY] = draft
    await ack(update)
    await answer(update, views.ask_code(context.t, content, draft))
    return CODE


def _draft(context: LotseContext) -> Draft | None:
    found = context.user_data.get(KEY)
    serial = context.matches[0].group(1) if context.matches else None
    if not isinstance(found, Draft) or (serial is not None and serial != found.serial):
        return None
    return found


async def typed_code(update: Update, context: LotseContext) -> State:
    """Take the client code, or say why it is refused and ask again."""
    draft, t = _draft(context), context.t
    if draft is None:
        return END
    text = update.effective_message.text if update.effective_message else ""
    try:
        code = codes.client_code(text or "")
    except codes.Refused as refused:
        reply = views.ask_code(t, context.services.content, draft, views.refused(t, refused.code))
        await answer(update, reply)
        return CODE
    draft = replace(draft, code=code)
    context.user_data[KEY] = draft
    await answer(update, views.ask_note(t, draft))
    return NOTE


async def typed_note(update: Update, context: LotseContext) -> State:
    """Take the note, or say why it is refused and ask again."""
    draft, t = _draft(context), context.t
    if draft is None:
        return END
    text = update.effective_message.text if update.effective_message else ""
    try:
        note = codes.note(text or "")
    except codes.Refused as refused:
        await answer(update, views.ask_note(t, draft, views.refused(t, refused.code)))
        return NOTE
    return await _confirm(update, context, replace(draft, note=note or None), new=True)


async def no_note(update: Update, context: LotseContext) -> State:
    """Go on without a note."""
    draft = _draft(context)
    if draft is None:
        return await stale_button(update, context)
    await ack(update)
    return await _confirm(update, context, replace(draft, note=None), new=False)


async def _confirm(update: Update, context: LotseContext, draft: Draft, new: bool) -> State:
    """Show the referral before sending, with the client code's history when it warns."""
    content, profile = context.services.content, context.profile
    offer = content.offers[draft.offer]
    with context.session() as session:
        known = coach_by_handle(session, offer.coach) is not None
        past = s.history(session, profile.id, draft.code or "")
    context.user_data[KEY] = draft
    warn = s.needs_warning(past, offer.type)
    reply = views.confirm(
        context.t,
        content,
        draft,
        coach_known=known,
        past=past if warn else (),
        warn=warn,
        tz=context.services.settings.tz,
    )
    await show(update, reply, new)
    return CONFIRM


async def typed_at_confirm(update: Update, context: LotseContext) -> State:
    """Text typed while the confirmation is shown: show it again (nothing is sent)."""
    draft = _draft(context)
    return await _confirm(update, context, draft, new=True) if draft else END


async def back_to_code(update: Update, context: LotseContext) -> State:
    """From the note question back to the client code."""
    draft = _draft(context)
    if draft is None:
        return await stale_button(update, context)
    draft = replace(draft, code=None, note=None)
    context.user_data[KEY] = draft
    await ack(update)
    await edit(update, views.ask_code(context.t, context.services.content, draft))
    return CODE


async def back_to_note(update: Update, context: LotseContext) -> State:
    """From the confirmation back to the note question."""
    draft = _draft(context)
    if draft is None:
        return await stale_button(update, context)
    await ack(update)
    await edit(update, views.ask_note(context.t, draft))
    return NOTE


async def send_referral(update: Update, context: LotseContext) -> State:
    """Store the referral and push it to the coach, or give the offer's contact details."""
    draft, content, profile = _draft(context), context.services.content, context.profile
    if draft is None or draft.code is None or draft.offer not in content.offers:
        return await stale_button(update, context)
    if not s.may_refer(presser(context)):  # the role was taken away since the dialog began
        context.user_data.pop(KEY, None)
        await alert(update, context, "role")
        return END
    offer = content.offers[draft.offer]
    today = datetime.now(context.services.settings.tz).date()
    try:
        with context.session() as session:
            coach = coach_by_handle(session, offer.coach)
            referral = s.create(
                session,
                offer=offer,
                client_code=draft.code,
                advisor_id=profile.id,
                coach_id=coach,
                note=draft.note,
                on=today,
            )
    except s.ReferralError as error:
        context.user_data.pop(KEY, None)
        await ack(update)
        await edit(update, say(context.t, error_text(context.t, error.code)))
        return END
    context.user_data.pop(KEY, None)
    await ack(update)
    if referral.state == s.REQUESTED and not await _to_coach(context, referral):
        with context.session() as session:
            referral = s.give_up(session, referral.id)
    await edit(update, views.sent(context.t, content, referral))
    return END


async def _to_coach(context: LotseContext, referral: Referral) -> bool:
    """Push a new referral to its coach with Accept / Decline / Ask a question."""
    assert referral.coach_id is not None
    coach = s.Actor(referral.coach_id, frozenset({"coach"}))
    tz, content = context.services.settings.tz, context.services.content

    def build(t: Translator) -> Reply:
        heading = "📨 " + t("New referral")
        return views.details(t, content, referral, coach, tz, heading=heading)

    return await notify(context, referral.coach_id, build)


# --- questions between the coach and the advisor -----------------------------------------


async def begin_message(update: Update, context: LotseContext) -> State:
    """Start a question to the advisor (coach) or an answer to the coach (advisor)."""
    verb, number = context.matches[0].group(1, 2) if context.matches else ("", "0")
    referral, actor = load(context, parse_id(number)), presser(context)
    to_coach = verb == "r"
    if referral is None or not s.may_write(referral, actor, to_coach):
        await alert(update, context, "not_allowed" if referral else "not_found")
        return END
    if not to_coach and referral.state not in s.OPEN:
        await alert(update, context, "moved", referral.state)
        return END
    relay = Relay(referral.id, _serial(), to_coach)
    context.user_data[KEY] = relay
    await ack(update)
    await answer(update, views.ask_question(context.t, referral, to_coach, relay.serial))
    return WRITING


async def typed_message(update: Update, context: LotseContext) -> State:
    """Pass the typed question or answer on to the other side (it is not stored)."""
    relay, t = context.user_data.pop(KEY, None), context.t
    text = clean((update.effective_message.text if update.effective_message else "") or "").strip()
    if not isinstance(relay, Relay):
        return END
    referral = load(context, relay.referral)
    if referral is None or not s.may_write(referral, presser(context), relay.to_coach):
        await alert(update, context, "not_allowed" if referral else "not_found")  # a role lost
        return END
    if len(text) > MESSAGE_MAX:
        context.user_data[KEY] = relay
        await answer(
            update,
            say(
                t,
                t.ngettext(
                    "Please keep it under {n} character.",
                    "Please keep it under {n} characters.",
                    MESSAGE_MAX,
                ),
            ),
        )
        return WRITING
    reader_id = referral.coach_id if relay.to_coach else referral.advisor_id
    if reader_id is None:
        await alert(update, context, "not_found")
        return END
    reader = s.Actor(reader_id, frozenset({"coach"} if relay.to_coach else set()))
    content = context.services.content

    def build(other: Translator) -> Reply:
        return views.relayed(other, content, referral, text, reader)

    if await notify(context, reader_id, build):
        await answer(update, views.passed_on(t))
    else:
        await answer(
            update, say(t, t("I could not pass it on: the other person cannot be reached."))
        )
    return END


cancel, leave, timed_out = exits(KEY, views.cancelled, views.timed_out, REFER_TIMEOUT)
cancel_dialog = serial_cancel(KEY, cancel)


def conversation() -> ConversationHandler:
    """Build the referral dialog and the question relay (refer.mmd)."""
    stop = button(cancel_dialog, rf"^R:z:{SERIAL}$")
    entry_points = [
        button(begin, rf"^R:n:({TOKEN})$"),
        button(begin_message, r"^R:([qr]):(\d{1,12})$"),
    ]
    states = {
        CODE: [typed(typed_code), stop],
        NOTE: [
            typed(typed_note),
            button(no_note, rf"^R:k:{SERIAL}$"),
            button(back_to_code, rf"^R:b:{SERIAL}$"),
            stop,
        ],
        CONFIRM: [
            typed(typed_at_confirm),
            button(send_referral, rf"^R:y:{SERIAL}$"),
            button(back_to_note, rf"^R:b:{SERIAL}$"),
            stop,
        ],
        WRITING: [typed(typed_message), stop],
    }
    return build_conversation(
        "refer", entry_points, states, (cancel, leave, timed_out), REFER_TIMEOUT
    )
