"""The composition root for Telegram: build the PTB Application with every handler, and run it."""

from __future__ import annotations

import asyncio
import gc
import logging
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.admin import handlers as admin
from bot.admin import stats_handlers as statistics
from bot.admin.guard import in_private, private_only
from bot.admin.people import admin_languages
from bot.answers import handlers as answers
from bot.appointments import handlers as appointments
from bot.chat.context import CONTEXT_TYPES, LotseContext
from bot.chat.conversation import final
from bot.chat.errors import on_error, stale_button, unknown_command
from bot.chat.flood import FloodGate, gate
from bot.chat.lanes import ChatLanes
from bot.chat.menu import set_menu
from bot.chat.transport import DUMMY_TOKEN, FakeRequest
from bot.config import Settings
from bot.eligibility import handlers as eligibility
from bot.handover import handlers as handover
from bot.i18n import SUPPORTED_LANGUAGES, translator
from bot.matching import handlers as matching
from bot.matching.asking import forget_expired
from bot.privacy import handlers as privacy
from bot.privacy.logs import remember
from bot.referrals import handlers as referrals
from bot.services import Services
from bot.users import handlers as users

log = logging.getLogger(__name__)
#: How often the running bot looks for content changed by another process.
CONTENT_REFRESH = timedelta(minutes=1)
#: The handler group of presses without callback data: before every slice's group.
EMPTY_PRESSES = -100
#: The group of the handler that tells the log redactor about each update: the very first.
FIRST = -1000
#: The flood gate's group: right after the redactor, before every slice.
FLOOD = FIRST + 1
#: Presses outside a private chat: refused right after the flood gate, before every slice.
GROUP_PRESSES = FLOOD + 1
#: How often the retention periods are applied (and at start, so missed days catch up).
RETENTION_RUN = timedelta(days=1)

#: The slices with Telegram handlers, in the order their handlers are tried (and their
#: commands are listed). The eligibility check and the search for offers add their
#: conversations in groups of their own.
SLICES = (
    users,
    eligibility,
    matching,
    referrals,
    appointments,
    admin,
    statistics,
    handover,
    privacy,
    answers,
)


def build_application(
    services: Services, *, request: BaseRequest | None = None, rate_limit: bool = True
) -> Application:
    """Build the Application: transport, rate limiter, typed context, handlers, error handler."""
    settings = services.settings
    token = settings.bot_token
    if token is None:
        if not isinstance(request, FakeRequest):
            raise ValueError("BOT_TOKEN is not set (only the fake transport works without one)")
        token = DUMMY_TOKEN
    flood = FloodGate(settings.flood_burst, settings.flood_per_minute)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(ChatLanes(flood))
        .post_init(post_init)
    )
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    app.bot_data.services = services
    app.bot_data.commands = tuple(commands())
    app.bot_data.admin_commands = tuple(admin_commands())
    app.bot_data.flood = flood
    # Before anything else: what the logs must not show of this update.
    app.add_handler(TypeHandler(Update, _remember), FIRST)
    # Then the flood gate: a user who floods is slowed down before any slice does work.
    app.add_handler(TypeHandler(Update, gate), FLOOD)
    # Lotse talks in private chats only: a button pressed (or forged) on a message in a group
    # must not post anybody's referral, question or data there.
    app.add_handler(TypeHandler(Update, _press_in_group), GROUP_PRESSES)
    # First: presses without callback data (PTB lets them match every pattern).
    # (in a group before every slice's, so that no slice sees them).
    app.add_handler(
        CallbackQueryHandler(final(stale_button), pattern=re.compile("^$")), EMPTY_PRESSES
    )
    for slice_ in SLICES:
        slice_.register(app)
    # Last in group 0: whatever no slice took.
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_error_handler(on_error)
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            refresh_content, interval=CONTENT_REFRESH, first=CONTENT_REFRESH
        )
        app.job_queue.run_repeating(privacy.apply_retention, interval=RETENTION_RUN, first=30)
        app.job_queue.run_repeating(forget_handovers, interval=timedelta(minutes=1), first=60)
    return app


async def _remember(update: Update, _context: LotseContext) -> None:
    """Tell the log redactor whose update this is and what in it must not be logged."""
    user, message = update.effective_user, update.effective_message
    texts = [message.text, message.caption] if message else []
    if message and message.document:
        texts.append(message.document.file_name)
    names = [user.first_name, user.last_name, user.username] if user else []
    remember(user.id if user else None, texts, names)


async def _press_in_group(update: Update, context: LotseContext) -> None:
    """Refuse a button press outside a private chat with a pop-up; let the rest pass."""
    if update.callback_query is not None and not in_private(update):
        await private_only(update, context)
        raise ApplicationHandlerStop


async def refresh_content(context: LotseContext) -> None:
    """Pick up content that another process (an import, a second bot) has changed.

    Building the answer index takes a while: in a worker thread, so users are answered meanwhile.
    """
    await asyncio.to_thread(context.services.refresh_content)


async def forget_handovers(context: LotseContext) -> None:
    """Drop the facts of finished checks that were not used for a search in time."""
    for store in context.application.user_data.values():
        forget_expired(store)


def commands() -> list[tuple[str, str]]:
    """Return (command, untranslated description) for every slice, in menu order."""
    return [command for slice_ in SLICES for command in slice_.COMMANDS]


def admin_commands() -> list[tuple[str, str]]:
    """Return the commands only admins see (in their own chat's menu), in menu order."""
    return [command for slice_ in SLICES for command in getattr(slice_, "ADMIN_COMMANDS", ())]


async def post_init(app: Application) -> None:
    """Set the command menu for every language (and a default); log, not stop, on failure.

    Questions advisors had taken are opened again first: their answers were being written in
    conversations that did not survive the restart.
    """
    await handover.release(app)
    services: Services = app.bot_data.services
    default = services.settings.default_language
    for lang in (*SUPPORTED_LANGUAGES, None):
        t = translator(lang or default)
        menu = [BotCommand(name, t(description)) for name, description in commands()]
        try:
            await app.bot.set_my_commands(menu, language_code=lang)
        except Exception as exc:  # an optional call must not stop the bot
            log.warning("could not set the command menu (%s): %s", lang or "default", exc)
    with services.db.session() as session:
        admins = admin_languages(session, services.settings.admin_user_ids, default)
    for user_id, lang in admins:
        await set_menu(app.bot, user_id, lang, commands(), admin_commands(), admin=True)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Return where the webhook listens and the secret every request must carry.

    PTB's webhook server answers 403 to a request without the secret and handles nothing.
    """
    if not settings.webhook_url or not settings.webhook_secret:
        raise ValueError("a webhook needs WEBHOOK_URL and WEBHOOK_SECRET")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret,
    }


def run_bot(services: Services) -> None:
    """Run the bot until stopped: long polling, or a webhook when WEBHOOK_URL is set."""
    settings = services.settings
    # httpx logs every request URL at INFO, and the URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = build_application(services)
    # What start-up built (content, answer index) lives as long as the process: keep the
    # collector from walking it again and again (long pauses in full collections otherwise).
    gc.freeze()
    if settings.webhook_url:
        log.info("starting the webhook on %s:%s", settings.webhook_listen, settings.webhook_port)
        app.run_webhook(**webhook_options(settings), allowed_updates=Update.ALL_TYPES)
        return
    log.info("starting long polling")
    app.run_polling(allowed_updates=Update.ALL_TYPES)
