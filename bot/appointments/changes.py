"""Tell the other participants of an appointment what changed, each in their own language."""

from __future__ import annotations

from bot.appointments import views
from bot.chat.context import LotseContext
from bot.chat.send import push
from bot.db.models import Appointment
from bot.i18n import translator
from bot.users.service import language_of


async def announce(context: LotseContext, appointment: Appointment, what: str) -> None:
    """Push "created", "moved" or "cancelled" to everyone taking part but the one who did it."""
    services, me = context.services, context.profile.id
    default, tz = services.settings.default_language, services.settings.tz
    with context.session() as session:
        others = [
            (user, language_of(session, user, default)) for user in appointment.people if user != me
        ]
    for user, lang in others:
        await push(context.bot, user, views.changed(translator(lang), appointment, tz, user, what))
