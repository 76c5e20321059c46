"""Steps that several chat tests take: a whole search by buttons, and what they compare with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.chat.driver import Chat, Sent
from bot.i18n import translator
from bot.services import Services
from bot.users.service import grant_role, set_language, set_municipality

STALE = translator("de")(
    "This button no longer works. Please use /start or ask your question again."
)
KALK = "koeln-coaching-kalk"


async def to_list(
    chat: Chat, kind: str = "coaching", age: str = "23", status: str = "duldung", langs=("ar",)
) -> Sent:
    """Answer every question by buttons (the own municipality as place); return the list."""
    await chat.send("/find")
    await chat.press(data=f"S:0:t:{kind}" if kind else "S:0:a")
    await chat.press("📍 ")
    await chat.send(age)
    await chat.press(data=f"S:3:s:{status}" if status else "S:3:u")
    for lang in langs:
        await chat.press(data=f"S:4:g:{lang}")
    [listed] = await chat.press(data="S:4:d")
    return listed


def seat(services: Services, people: Iterable[tuple[int, str | None, str, str]]) -> None:
    """Store users as (id, role or None, municipality, language): the role is for that place."""
    for user_id, role, town, lang in people:
        with services.db.session() as session:
            if role:
                grant_role(session, user_id, role, town)
            set_language(session, user_id, lang)
            set_municipality(session, user_id, town)


async def walk_to(chat: Chat, wanted: str, limit: int = 30) -> Sent:
    """Press Keep, Skip or the suggestion until the dialog shows `wanted`; return that."""
    for _ in range(limit):
        current = chat.latest_with_buttons()
        assert current is not None
        if wanted in current.text:
            return current
        label = next(
            label
            for label in current.labels
            if label.endswith(("Keep", "Skip", "Use the suggestion"))
        )
        await chat.press_on(current, dict(current.buttons)[label])
    raise AssertionError(f"the dialog never showed {wanted!r}")


def kept(chat: Chat) -> dict[str, Any]:
    """What the bot keeps for the chat's user between updates (its user_data)."""
    return dict(chat.app.user_data.get(chat.user_id, {}))


async def after_german_change(chat: Chat, choice: str = "⚠️ Mark as outdated") -> Sent:
    """Walk on to the questions about the other languages after a German change, answer
    each with `choice`, and return what comes next."""
    asked = await walk_to(chat, "You have changed the German text.")
    while "You have changed the German text." in asked.text:
        await chat.press_on(asked, dict(asked.buttons)[choice])
        found = chat.latest_with_buttons()
        assert found is not None
        asked = found
    return asked
