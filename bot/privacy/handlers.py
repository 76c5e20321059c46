"""Telegram handlers for /privacy, /mydata, /delete_me and /client, and the question to
users who have not used Lotse for a long time (see privacy.mmd)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from datetime import timedelta

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.appointments import views as appointment_views
from bot.chat.context import LotseContext
from bot.chat.menu import set_menu
from bot.chat.send import answer, edit, push
from bot.db.models import Appointment
from bot.i18n import N_, translator
from bot.matching.views import offer_title
from bot.privacy import clients, export, views
from bot.privacy.erasure import Erasure, erase_user
from bot.privacy.retention import run as run_retention
from bot.referrals.codes import Refused, client_code
from bot.referrals.words import refusal_text
from bot.users.places import name_of
from bot.users.service import language_of

log = logging.getLogger(__name__)
COMMANDS = (
    ("privacy", N_("What Lotse stores about you, and your rights")),
    ("mydata", N_("Download everything Lotse stores about you")),
    ("delete_me", N_("Erase everything Lotse stores about you")),
    ("client", N_("A client code's records, and their erasure")),
)
#: How long a confirmation button works.
CONFIRM_FOR = timedelta(minutes=15)
ERASE, CLIENT = "privacy:erase", "privacy:client"
NONCE = r"[A-Za-z0-9_-]{8}"
private = filters.ChatType.PRIVATE


def _nonce(context: LotseContext, key: str, **facts: object) -> str:
    """Remember what a confirmation is for, under a fresh nonce its buttons carry."""
    nonce = secrets.token_urlsafe(6)
    context.user_data[key] = {"nonce": nonce, "at": context.services.clock.now(), **facts}
    return nonce


def _pending(context: LotseContext, key: str) -> dict | None:
    """Take the confirmation the pressed button belongs to, if it is this user's and fresh."""
    pressed = context.matches[0].group(2) if context.matches else ""
    pending = context.user_data.get(key)
    if not pending or pending["nonce"] != pressed:
        return None
    del context.user_data[key]
    if context.services.clock.now() - pending["at"] > CONFIRM_FOR:
        return None
    return pending


async def _stale(update: Update, context: LotseContext) -> None:
    """Answer an old, used or foreign confirmation button; change nothing."""
    t = translator(context.fallback_language)
    assert update.callback_query is not None
    await update.callback_query.answer(views.stale(t), show_alert=True)


async def show_notice(update: Update, context: LotseContext) -> None:
    """Show what Lotse stores, why, for how long, who sees it, and the user's rights."""
    await answer(update, views.notice(context.t, context.services.settings))


async def my_data(update: Update, context: LotseContext) -> None:
    """Summarise the user's data in the chat and send all of it as a JSON file."""
    me, t = context.profile.id, context.t
    with context.session() as session:
        data = export.collect(session, me)
    if data is None:
        await answer(update, views.nothing_stored(t))
        return
    place = name_of(context.services.content, data["profile"]["municipality"]) or t(
        "all of North Rhine-Westphalia"
    )
    await answer(update, views.summary(t, data["profile"], export.counts(data), place))
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    chat = update.effective_chat
    assert chat is not None
    caption = views.file_caption(t)
    await context.bot.send_document(
        chat.id, InputFile(body, filename="lotse-my-data.json"), caption=caption
    )


async def ask_erasure(update: Update, context: LotseContext) -> None:
    """Ask for confirmation, saying what the erasure means for shared records."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    with context.session() as session:
        data = export.collect(session, context.profile.id)
    counts = export.counts(data) if data else {}
    nonce = _nonce(context, ERASE)
    await answer(update, views.confirm_erasure(context.t, nonce, counts))


async def erasure_pressed(update: Update, context: LotseContext) -> None:
    """Erase on "Yes" (one transaction), keep on "No"; old or foreign buttons do nothing."""
    if _pending(context, ERASE) is None:
        await _stale(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    t = context.t  # read before the profile is gone
    if context.matches[0].group(1) == "n":
        await edit(update, views.kept(t))
        return
    me, was_admin = context.profile.id, context.profile.is_admin
    with context.session() as session:
        done = erase_user(session, me, context.services.clock.now())
    context.application.drop_user_data(me)
    if was_admin and not context.profile.superadmin:  # their own menu had the admin commands
        await set_menu(context.bot, me, t.lang, (), (), admin=False)
    log.info(
        "a user erased their data (%s rows transferred, %s dropped)", done.transferred, done.dropped
    )
    await edit(update, views.erased(t))
    await tell_left(context, done)


async def tell_left(context: LotseContext, done: Erasure) -> None:
    """Tell the other participants of coming appointments that a participant left."""
    services = context.services
    default, tz = services.settings.default_language, services.settings.tz
    with services.db.session() as session:
        told = []
        for other, appointment_id in done.left:
            appointment = session.get(Appointment, appointment_id)
            if appointment is not None:
                told.append((other, appointment, language_of(session, other, default)))
    for other, appointment, lang in told:
        await push(context.bot, other, views.participant_left(translator(lang), appointment, tz))


async def stay_pressed(update: Update, context: LotseContext) -> None:
    """Keep a long-unseen user's data (using the bot already counted as being seen)."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await edit(update, views.staying(context.t))


# ---- client codes -------------------------------------------------------------------------


def _works_with_clients(context: LotseContext) -> bool:
    """Client codes are for advisors and coaches (read afresh: for the command and the press)."""
    return context.profile.has("advisor") or context.profile.has("coach")


async def client(update: Update, context: LotseContext) -> None:
    """Show a client code's records, or ask to erase them with `/client CODE delete`."""
    profile, t = context.profile, context.t
    if not _works_with_clients(context):
        await answer(update, views.client_roles_only(t))
        return
    args = [a.casefold() for a in context.args or []]
    wants_delete = len(args) == 2 and args[1] in ("delete", "löschen", "loeschen")
    if not args or len(args) > 2 or (len(args) == 2 and not wants_delete):
        await answer(update, views.client_usage(t))
        return
    try:
        code = client_code(context.args[0])
    except Refused as refused:
        await answer(update, views.said(t, refusal_text(t, refused.code)))
        return
    with context.session() as session:
        found = clients.records(session, profile.id, code)
    if found.empty:
        await answer(update, views.client_unknown(t, code))
        return
    if not wants_delete:
        titles = _offer_title(context)
        tz = context.services.settings.tz
        reply = views.client_records(
            t, code, found.referrals, found.appointments, tz, titles, found.owner
        )
        await answer(update, reply)
        return
    if not found.owner:
        await answer(update, views.client_not_owner(t))
        return
    nonce = _nonce(context, CLIENT, code=code)
    mine = [r for r in found.referrals if r.advisor_id == profile.id]
    own = [a for a in found.appointments if a.created_by == profile.id]
    await answer(update, views.confirm_client_erasure(t, code, nonce, len(mine), len(own)))


def _offer_title(context: LotseContext):
    content, lang = context.services.content, context.t.lang
    return lambda offer: offer_title(content, offer, lang) if offer in content.offers else offer


async def client_pressed(update: Update, context: LotseContext) -> None:
    """Erase the client code on "Yes" (one transaction) and tell who shared its appointments."""
    pending = _pending(context, CLIENT)
    if pending is None:
        await _stale(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    t, me = context.t, context.profile.id
    if context.matches[0].group(1) == "n":
        await edit(update, views.kept(t))
        return
    if not _works_with_clients(context):  # the role was taken away since /client
        await edit(update, views.client_roles_only(t))
        return
    now = context.services.clock.now()
    with context.session() as session:
        gone = clients.erase(session, me, pending["code"])
    await edit(update, views.client_erased(t, pending["code"]))
    services = context.services
    default, tz = services.settings.default_language, services.settings.tz
    for appointment in gone.appointments:
        if appointment.state != "planned" or appointment.starts_at <= now:
            continue
        for other in appointment.people:
            if other == me:
                continue
            with services.db.session() as session:
                lang = language_of(session, other, default)
            reply = appointment_views.changed(translator(lang), appointment, tz, other, "cancelled")
            await push(context.bot, other, reply)


# ---- the daily run ------------------------------------------------------------------------


async def apply_retention(context: LotseContext) -> None:
    """Delete what is due, erase who did not answer, ask who has been away; log counts only."""
    services = context.services
    settings, now = services.settings, services.clock.now()
    # In a worker thread: a long backlog takes seconds, and the bot keeps answering meanwhile.
    outcome = await asyncio.to_thread(run_retention, services.db, settings, now)
    for done in outcome.erased:
        await tell_left(context, done)
    default = settings.default_language
    for user_id, lang in outcome.to_ask:
        t = translator(lang or default)
        reply = views.stay_question(t, settings.user_inactive_days, settings.user_confirm_days)
        await push(context.bot, user_id, reply)
    counts = {kind: n for kind, n in outcome.deleted.items() if n}
    if counts or outcome.to_ask:
        listed = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"
        log.info(
            "retention: deleted %s; asked %s users whether to stay", listed, len(outcome.to_ask)
        )


def register(app: Application) -> None:
    """Add the privacy commands and buttons."""
    for name, callback in (
        ("privacy", show_notice),
        ("mydata", my_data),
        ("delete_me", ask_erasure),
        ("client", client),
    ):
        app.add_handler(CommandHandler(name, callback, filters=private))
    for callback, pattern in (
        (erasure_pressed, rf"^D:([yn]):({NONCE})$"),
        (client_pressed, rf"^W:([yn]):({NONCE})$"),
        (stay_pressed, r"^D:stay$"),
        (ask_erasure, r"^D:go$"),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=re.compile(pattern)))
