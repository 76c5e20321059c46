"""Telegram handlers for /start, /help, /language and /municipality (see start.mmd)."""

from __future__ import annotations

import re
import warnings
from datetime import datetime

from telegram import Message, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.answers.lookup import example_questions
from bot.chat.context import LotseContext
from bot.chat.errors import stale_button
from bot.chat.keyboards import TOKEN, resolve
from bot.chat.menu import set_menu
from bot.chat.send import answer, edit
from bot.i18n import N_, SUPPORTED_LANGUAGES
from bot.users import views
from bot.users.places import is_search, name_of, page, search
from bot.users.service import set_language, set_municipality

LANGUAGE, MUNICIPALITY = "language", "municipality"
END = ConversationHandler.END
ONBOARDING = "onboarding"
#: The commands of this slice and their menu descriptions (translated per language).
COMMANDS = (
    ("start", N_("Start again: choose language and municipality")),
    ("help", N_("Show how Lotse works")),
    ("language", N_("Change the language")),
    ("municipality", N_("Change your municipality")),
)


class _TownTyped(filters.MessageFilter):
    """Text typed at the municipality step that searches for a town (not a question)."""

    def __init__(self, app: Application):
        super().__init__(name="TownTyped")
        self.app = app

    def filter(self, message: Message) -> bool:
        return is_search(self.app.bot_data.services.content, message.text or "")


async def _ack(update: Update) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()


async def start(update: Update, context: LotseContext) -> str | int:
    """Greet new users with the language choice, returning users with the main actions."""
    profile = context.profile
    if profile.is_admin:  # a superadmin new to Lotse, say: their menu has the admin commands
        data = context.bot_data
        await set_menu(
            context.bot, profile.id, profile.language, data.commands, data.admin_commands, True
        )
    if profile.language_chosen:
        place = name_of(context.services.content, profile.municipality)
        await answer(update, views.welcome_back(context.t, place))
        return END
    await answer(update, views.welcome(context.t))
    return LANGUAGE


async def show_help(update: Update, context: LotseContext) -> int:
    """Explain how Lotse works and list the commands."""
    await _ack(update)
    commands = context.bot_data.commands or COMMANDS
    if context.profile.is_admin:
        commands = (*commands, *context.bot_data.admin_commands)
    await answer(update, views.help_text(context.t, commands))
    return END


async def ask_language(update: Update, context: LotseContext) -> str:
    """Offer the language buttons."""
    await _ack(update)
    await answer(update, views.language_question(context.t))
    return LANGUAGE


async def chose_language(update: Update, context: LotseContext) -> str | int:
    """Store the language pressed; a first-time user goes on to the municipality."""
    lang = context.matches[0].group(1) if context.matches else ""
    if lang not in SUPPORTED_LANGUAGES:
        return await stale_button(update, context)
    first_time = not context.profile.language_chosen
    with context.session() as session:
        set_language(session, context.profile.id, lang)
    context.update_profile(language=lang, language_chosen=True)
    await _ack(update)
    await edit(update, views.language_set(context.t))
    if not first_time:
        return END
    context.user_data[ONBOARDING] = True
    await answer(update, views.municipality_prompt(context.t, page(context.services.content, 0)))
    return MUNICIPALITY


async def ask_municipality(update: Update, context: LotseContext) -> str:
    """Offer the paged municipality list and the search."""
    await _ack(update)
    content, profile = context.services.content, context.profile
    current = name_of(content, profile.municipality) or context.t("all of North Rhine-Westphalia")
    await answer(update, views.municipality_prompt(context.t, page(content, 0), current))
    return MUNICIPALITY


async def turn_page(update: Update, context: LotseContext) -> str:
    """Show another page of municipalities in the same message."""
    number = int(context.matches[0].group(1)) if context.matches else 0
    await _ack(update)
    await edit(update, views.municipality_prompt(context.t, page(context.services.content, number)))
    return MUNICIPALITY


async def search_municipality(update: Update, context: LotseContext) -> str:
    """Show the municipalities matching the letters typed."""
    text = update.effective_message.text if update.effective_message else ""
    content = context.services.content
    found = search(content, text or "")
    await answer(update, views.search_results(context.t, text or "", found, page(content, 0)))
    return MUNICIPALITY


async def chose_municipality(update: Update, context: LotseContext) -> str | int:
    """Store the municipality pressed (or all of NRW) and invite the first question."""
    content = context.services.content
    chosen = None
    if context.matches and context.matches[0].group(1):
        chosen = resolve(context.matches[0].group(1), content.municipalities)
        if chosen is None:
            return await stale_button(update, context)
    with context.session() as session:
        set_municipality(session, context.profile.id, chosen)
    profile = context.update_profile(municipality=chosen)
    await _ack(update)
    await edit(update, views.municipality_set(context.t, name_of(content, chosen)))
    if context.user_data.pop(ONBOARDING, False):
        today = datetime.now(context.services.settings.tz).date()
        examples = example_questions(content, profile.language, chosen, today)
        await answer(update, views.ask_anything(context.t, examples))
    return END


async def open_menu(update: Update, context: LotseContext) -> str | int:
    """Dispatch the main-action buttons of the welcome-back message."""
    action = context.matches[0].group(1) if context.matches else ""
    if action == "lang":
        return await ask_language(update, context)
    if action == "mun":
        return await ask_municipality(update, context)
    return await show_help(update, context)


def register(app: Application) -> None:
    """Add this slice's handlers to the application."""
    with warnings.catch_warnings():
        # per_message=False is what we want (state per user); PTB warns about it regardless.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        app.add_handler(_conversation(app))
    app.add_handler(CommandHandler("help", show_help))


def _conversation(app: Application) -> ConversationHandler:
    """Build the set-up conversation: language, then municipality (see start.mmd)."""
    language_button = CallbackQueryHandler(chose_language, pattern=re.compile(r"^L:([a-z]{2,3})$"))
    page_button = CallbackQueryHandler(turn_page, pattern=re.compile(r"^M:p:(\d{1,3})$"))
    place_button = CallbackQueryHandler(
        chose_municipality, pattern=re.compile(rf"^M:(?:s:({TOKEN})|x)$")
    )
    typed = MessageHandler(filters.TEXT & ~filters.COMMAND & _TownTyped(app), search_municipality)
    return ConversationHandler(
        entry_points=[
            CommandHandler("start", start),
            CommandHandler("language", ask_language),
            CommandHandler("municipality", ask_municipality),
            CallbackQueryHandler(open_menu, pattern=re.compile(r"^C:(lang|mun|help)$")),
            # Buttons keep working after a restart or once the conversation has ended.
            language_button,
            page_button,
            place_button,
        ],
        states={
            LANGUAGE: [language_button],
            MUNICIPALITY: [page_button, place_button, typed],
        },
        fallbacks=[CommandHandler("help", show_help)],
        allow_reentry=True,
        name="setup",
    )
