"""Steps that several chat tests take: a whole search by buttons, and what they compare with."""

from __future__ import annotations

from bot.chat.driver import Chat, Sent
from bot.i18n import translator

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
