"""The typed context every handler gets: services, the user's profile and translator."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.i18n import Translator, negotiate, translator
from bot.users.service import Profile, get_profile

if TYPE_CHECKING:
    from bot.chat.flood import FloodGate
    from bot.services import Services


class BotData:
    """What the application keeps for all updates: the services and the command menu."""

    services: Services | None = None
    #: (command, untranslated description) of every slice, in menu order.
    commands: tuple[tuple[str, str], ...] = ()
    #: The commands only admins see in their menu and /help.
    admin_commands: tuple[tuple[str, str], ...] = ()
    #: The reminder dispatcher's round that is running, if any.
    dispatching: asyncio.Task[Any] | None = None
    #: The per-user flood limit in front of every handler (None: no limit).
    flood: FloodGate | None = None


class LotseContext(CallbackContext[ExtBot, dict, dict, BotData]):
    """A CallbackContext that knows Lotse's services and who is writing."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ):
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._profile: Profile | None = None
        self._telegram_language: str | None = None
        self._username: str | None = None

    @classmethod
    def from_update(cls, update: object, application: Application) -> LotseContext:
        """Build the context and remember the user's Telegram language code."""
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.effective_user:
            context._telegram_language = update.effective_user.language_code
            context._username = update.effective_user.username
        return context

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("the application was built without services")
        return services

    @property
    def profile(self) -> Profile:
        """The writing user's profile, read once per update (the user is created if new)."""
        if self._profile is None:
            settings = self.services.settings
            default = negotiate(self._telegram_language, settings.default_language)
            if self._user_id is None:
                return Profile(id=0, language=default, municipality=None, roles=frozenset())
            with self.services.db.session() as session:
                self._profile = get_profile(
                    session,
                    self._user_id,
                    default_language=default,
                    admin_ids=settings.admin_user_ids,
                    username=self._username,
                    now=self.services.clock.now(),
                )
        return self._profile

    def forget_profile(self) -> None:
        """Read the profile afresh on next use (after its roles changed)."""
        self._profile = None

    def update_profile(self, **changes: Any) -> Profile:
        """Keep the cached profile in step after a handler changed the stored user."""
        self._profile = replace(self.profile, **changes)
        return self._profile

    @property
    def fallback_language(self) -> str:
        """The user's language without touching the database (for error replies)."""
        if self._profile is not None:
            return self._profile.language
        return negotiate(self._telegram_language, self.services.settings.default_language)

    @property
    def t(self) -> Translator:
        """The user's translator."""
        return translator(self.profile.language)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A database transaction (committed when the block ends without error)."""
        with self.services.db.session() as session:
            yield session


CONTEXT_TYPES = ContextTypes(context=LotseContext, bot_data=BotData)
