"""Telegram handlers for roles: /invite and its deep link, /users and its buttons.

Every admin command and button goes through `admin_only` (the role read afresh from the
database on each use) and the core checks again that the admin manages the municipality
concerned; a refused press changes nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.admin import (
    audit,
    content_handlers,
    editor_handlers,
    history_handlers,
    inbox_answers,
    inbox_handlers,
    invitations,
    people,
    translations_handlers,
    views,
)
from bot.admin.guard import admin_only, private_only
from bot.appointments import handlers as appointments
from bot.chat.context import LotseContext
from bot.chat.conversation import ack, final, show
from bot.chat.keyboards import MAX_USER_ID, TOKEN, parse_id, resolve
from bot.chat.menu import set_menu
from bot.chat.render import Reply, directed, esc
from bot.chat.send import answer, push
from bot.i18n import N_, translator
from bot.users.places import name_of
from bot.users.service import get_profile, language_of

#: Before the appointment dialogs' group (the invitation link is a /start).
GROUP = appointments.GROUP - 1
COMMANDS: tuple[tuple[str, str], ...] = ()
#: The commands in an admin's own menu (and their /help).
ADMIN_COMMANDS = (
    ("invite", N_("Invite someone as advisor, coach or admin")),
    ("users", N_("People and their roles")),
    *content_handlers.COMMANDS,
    *inbox_handlers.COMMANDS,
    *history_handlers.COMMANDS,
    *translations_handlers.COMMANDS,
    *editor_handlers.COMMANDS,
)


def _say(context: LotseContext, text: str) -> Reply:
    return Reply(directed(esc(text), context.t.lang))


def _place(context: LotseContext):
    content = context.services.content

    def place(municipality: str | None) -> str:
        if not municipality:
            return context.t("all of North Rhine-Westphalia")
        return name_of(content, municipality) or municipality

    return place


def _find_place(context: LotseContext, text: str) -> str | None:
    """Return the municipality id typed (an id or a name), or None."""
    wanted = " ".join(text.split()).casefold()
    for mid, town in context.services.content.municipalities.items():
        if wanted in (mid, town.name.casefold()):
            return mid
    return None


async def _alert(update: Update, context: LotseContext, text: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await answer(update, _say(context, text))


async def _menu(context: LotseContext, user_id: int, admin: bool) -> None:
    """Show or take away the admin commands in a user's own menu."""
    settings = context.services.settings
    with context.session() as session:
        lang = language_of(session, user_id, settings.default_language)
    data = context.bot_data
    await set_menu(context.bot, user_id, lang, data.commands, data.admin_commands, admin)


async def use_invitation(update: Update, context: LotseContext) -> None:
    """Take an invitation from a /start link; the usual greeting follows in the next group."""
    payload = context.args[0] if context.args else ""
    if not payload.startswith("inv-"):
        return
    settings, now = context.services.settings, context.services.clock.now()
    me = context.profile.id
    try:
        with context.session() as session:
            done = invitations.redeem(session, me, payload, now, settings.admin_user_ids)
            get_profile(  # a coach's username becomes their handle at once
                session,
                me,
                default_language=settings.default_language,
                admin_ids=settings.admin_user_ids,
                username=update.effective_user.username if update.effective_user else None,
            )
    except invitations.InvitationError as exc:
        await answer(update, _say(context, views.error(context.t, views.REDEEM_ERRORS, exc.code)))
        return
    context.forget_profile()
    if done.role == "admin":
        await _menu(context, me, admin=True)
    place = _place(context)
    await answer(
        update, views.welcome_role(context.t, done.role, place(done.municipality), done.new)
    )
    if done.inviter_id is not None and done.inviter_id != me:
        with context.session() as session:
            lang = language_of(session, done.inviter_id, settings.default_language)
        t = translator(lang)
        place_name = name_of(context.services.content, done.municipality) or (
            t("all of North Rhine-Westphalia") if not done.municipality else done.municipality
        )
        await push(context.bot, done.inviter_id, views.invitation_used(t, done.role, place_name))


@admin_only
async def invite(update: Update, context: LotseContext) -> None:
    """Make an invitation: /invite ROLE [MUNICIPALITY], or choose with buttons."""
    args = context.args or []
    if not args:
        await answer(update, views.invite_roles(context.t))
        return
    role = _role(context, args[0])
    municipality = None
    if len(args) > 1:
        municipality = _find_place(context, " ".join(args[1:]))
        if municipality is None:
            text = views.error(
                context.t, views.INVITE_ERRORS, "unknown_place", place=" ".join(args[1:])
            )
            await answer(update, _say(context, text))
            return
    await _make(update, context, role, municipality)


def _role(context: LotseContext, typed: str) -> str:
    """Return the role typed, as its id or its name in the user's language."""
    word = typed.strip().casefold()
    for role in invitations.INVITABLE:
        if word in (role, views.role_name(context.t, role).casefold()):
            return role
    return word


@admin_only
async def chose_role(update: Update, context: LotseContext) -> None:
    """Make an invitation for the role pressed (asking where, if the admin has several places)."""
    await _make(update, context, context.matches[0].group(1), None)


@admin_only
async def chose_place(update: Update, context: LotseContext) -> None:
    """Make an invitation for the role and municipality pressed."""
    match = context.matches[0]
    municipality = resolve(match.group(2), context.services.content.municipalities)
    if municipality is None:
        await _alert(update, context, views.error(context.t, views.INVITE_ERRORS, "not_yours"))
        return
    await _make(update, context, match.group(1), municipality)


async def _make(update: Update, context: LotseContext, role: str, municipality: str | None) -> None:
    profile, t = context.profile, context.t
    if municipality is None:
        choices = sorted(profile.areas) or ([profile.municipality] if profile.municipality else [])
        if len(choices) > 1 and role in invitations.INVITABLE:
            await ack(update)
            place = _place(context)
            await show(update, views.invite_places(t, role, [(m, place(m)) for m in choices]))
            return
        municipality = choices[0] if choices else ""
    settings, now = context.services.settings, context.services.clock.now()
    try:
        with context.session() as session:
            made = invitations.create(
                session,
                profile,
                role,
                municipality,
                now,
                timedelta(hours=settings.invitation_ttl_hours),
            )
    except invitations.InvitationError as exc:
        await _alert(update, context, views.error(t, views.INVITE_ERRORS, exc.code))
        return
    await ack(update)
    link = f"https://t.me/{context.bot.username}?start={made.payload}"
    reply = views.invitation(
        t,
        link,
        made.payload,
        role,
        _place(context)(municipality),
        made.expires_at,
        settings.tz,
        made.id,
    )
    await show(update, reply)


@admin_only
async def withdraw(update: Update, context: LotseContext) -> None:
    """Withdraw an open invitation so that its link no longer works."""
    number = parse_id(context.matches[0].group(1))
    try:
        with context.session() as session:
            invitations.withdraw(session, context.profile, number, context.services.clock.now())
    except invitations.InvitationError as exc:
        await _alert(update, context, views.error(context.t, views.INVITE_ERRORS, exc.code))
        return
    await ack(update)
    await show(update, views.withdrawn(context.t))


@admin_only
async def list_people(update: Update, context: LotseContext) -> None:
    """List the people with a role in the admin's municipalities, a page at a time."""
    await _show_people(update, context, int(context.matches[0].group(1)) if context.matches else 0)


async def _show_people(update: Update, context: LotseContext, page: int) -> None:
    areas = context.profile.managed
    with context.session() as session:
        holders = people.holders(session, areas)
        volunteers = people.volunteers(session, areas)
    page = min(page, max(0, (len(holders) - 1) // views.PAGE))
    await ack(update)
    await show(update, views.people(context.t, holders, volunteers, _place(context), page))


def _areas_for(context: LotseContext, who: people.Person) -> list[str]:
    """The municipalities whose roles the admin can switch for this person."""
    profile = context.profile
    if not profile.superadmin:
        return sorted(profile.areas)
    places = {m for _, m in who.roles} | ({who.municipality} if who.municipality else set())
    return sorted(places) or [""]


async def _show_person(update: Update, context: LotseContext, user_id: int) -> bool:
    """Show the person if they are in the admin's municipalities; else say "not found" alike
    for an unknown id and one outside (so no id's use of Lotse is given away)."""
    with context.session() as session:
        who = people.person(session, user_id, context.profile.managed)
    if who is None:
        await _alert(update, context, views.error(context.t, views.PEOPLE_ERRORS, "not_found"))
        return False
    await ack(update)
    areas = _areas_for(context, who)
    await show(update, views.person(context.t, who, areas, _place(context)))
    return True


@admin_only
async def open_person(update: Update, context: LotseContext) -> None:
    """Show one person's roles with buttons to give or take each."""
    await _show_person(update, context, parse_id(context.matches[0].group(1), MAX_USER_ID))


@admin_only
async def switch_role(update: Update, context: LotseContext) -> None:
    """Give (g) or take away (r) a role for a municipality; tell the person."""
    match = context.matches[0]
    grant, role = match.group(1) == "g", match.group(3)
    user_id = parse_id(match.group(2), MAX_USER_ID)
    value = match.group(4)
    municipality = "" if value == "-" else resolve(value, context.services.content.municipalities)
    if municipality is None:
        await _alert(update, context, views.error(context.t, views.PEOPLE_ERRORS, "not_yours"))
        return
    settings, now = context.services.settings, context.services.clock.now()
    try:
        with context.session() as session:
            changed = people.change(
                session,
                context.profile,
                user_id,
                role,
                municipality,
                grant,
                now,
                settings.admin_user_ids,
            )
    except people.PeopleError as exc:
        await _alert(update, context, views.error(context.t, views.PEOPLE_ERRORS, exc.code))
        return
    with context.session() as session:  # the role taken may have been their only link here
        still_here = people.person(session, user_id, context.profile.managed) is not None
    if still_here:
        await _show_person(update, context, user_id)
    else:
        await _show_people(update, context, 0)
    if changed and role == "admin":
        with context.session() as session:
            still = people.is_admin(session, user_id, settings.admin_user_ids)
        await _menu(context, user_id, still)
    if changed:
        with context.session() as session:
            lang = language_of(session, user_id, settings.default_language)
        t = translator(lang)
        where = name_of(context.services.content, municipality) or (
            municipality or t("all of North Rhine-Westphalia")
        )
        await push(context.bot, user_id, views.role_changed(t, role, where, grant))


@admin_only
async def show_log(update: Update, context: LotseContext) -> None:
    """Show the newest changes to roles, invitations and content in the admin's area."""
    with context.session() as session:
        entries = audit.recent(session, context.profile.managed)
    await ack(update)
    tz = context.services.settings.tz
    await show(update, views.log(context.t, entries, _place(context), tz))


def register(app: Application) -> None:
    """Add this slice's handlers to the application."""
    # First: every admin command of every slice (/stats too), outside a private chat, only
    # asks for the private chat; the handlers below check the chat again (`admin_only`).
    names = [name for name, _ in app.bot_data.admin_commands]
    if names:
        outside = ~filters.ChatType.PRIVATE
        app.add_handler(CommandHandler(names, final(private_only), filters=outside), GROUP)
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", use_invitation, filters=private, has_args=1), GROUP)
    # The others end the update here (no "unknown command", no "old button" after them).
    app.add_handler(CommandHandler("invite", final(invite)), GROUP)
    app.add_handler(CommandHandler("users", final(list_people)), GROUP)
    buttons = (
        (chose_role, r"^I:r:([a-z]{1,16})$"),
        (chose_place, rf"^I:m:([a-z]{{1,16}}):({TOKEN})$"),
        (withdraw, r"^I:x:(\d{1,12})$"),
        (list_people, r"^U:l:(\d{1,4})$"),
        (open_person, r"^U:p:(\d{1,20})$"),
        (switch_role, rf"^U:([gr]):(\d{{1,20}}):([a-z]{{1,16}}):({TOKEN}|-)$"),
        (show_log, r"^U:a$"),
    )
    for callback, pattern in buttons:
        app.add_handler(CallbackQueryHandler(final(callback), pattern=re.compile(pattern)), GROUP)
    content_handlers.register(app, GROUP)
    inbox_handlers.register(app, GROUP)
    inbox_answers.register(app, GROUP)
    history_handlers.register(app, GROUP)
    translations_handlers.register(app, GROUP)
    editor_handlers.register(app, GROUP)  # last: its dialog leaves the others' updates alone
