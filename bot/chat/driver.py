"""Drive an Application as one Telegram user would: send text, press buttons, read replies.

Used by the console, the tests and the benchmark, always over the fake transport.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.chat.render import strip_html
from bot.chat.transport import Call, FakeRequest, UpdateFactory


@dataclass
class Sent:
    """One message as the user sees it: its HTML, plain text and buttons."""

    message_id: int
    html: str
    markup: dict[str, Any] | None
    change: str = "sent"  # "sent" | "edited" (text and buttons) | "buttons" (only buttons)

    @property
    def edited(self) -> bool:
        return self.change != "sent"

    @property
    def text(self) -> str:
        return strip_html(self.html)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every button, row by row."""
        rows = (self.markup or {}).get("inline_keyboard") or []
        return [(b["text"], b["callback_data"]) for row in rows for b in row]

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.buttons]


class Chat:
    """A chat of one user with the bot (their private chat, or a group), over a FakeRequest.

    Several Chats may share one application and transport (an advisor and a coach, say):
    each sees only the messages sent into its own chat, including those pushed to it while
    another user was writing (`receive()`).
    """

    def __init__(self, app: Application, request: FakeRequest, updates: UpdateFactory):
        self.app, self.request, self.updates = app, request, updates
        self.messages: dict[int, Sent] = {}
        self.calls: list[Call] = []
        self._read = 0  # how many of the transport's calls this chat has looked at

    @property
    def user_id(self) -> int:
        return self.updates.user_id

    @property
    def chat_id(self) -> int:
        """The chat's id: the user's for their private chat, else the group's."""
        return self.updates.chat_id if self.updates.chat_id is not None else self.user_id

    def in_group(self, chat_id: int) -> Chat:
        """The same user on the same bot, writing in a group chat."""
        return Chat(self.app, self.request, self.updates.in_group(chat_id))

    async def send(self, text: str) -> list[Sent]:
        """Send a text message (or /command); return the messages the bot sent or changed."""
        return await self.process(self.updates.message(text))

    async def send_file(self, file_name: str, data: bytes) -> list[Sent]:
        """Send a file as a document (an upload)."""
        file_id = self.request.add_file(data)
        return await self.process(self.updates.document(file_id, file_name, len(data)))

    async def press(self, label: str | None = None, *, data: str | None = None) -> list[Sent]:
        """Press the newest button whose label contains `label` (or whose data is `data`)."""
        for message in reversed(list(self.messages.values())):
            for text, callback_data in message.buttons:
                if callback_data == data or (data is None and label is not None and label in text):
                    return await self.press_on(message, callback_data)
        raise LookupError(f"no button {label or data!r}")

    async def press_on(self, message: Sent, data: str) -> list[Sent]:
        """Press a button carrying `data` on `message`."""
        raw = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": self.updates.chat(),
            "text": message.text,
            "reply_markup": message.markup,
        }
        return await self.process(self.updates.callback(data, raw))

    async def press_data(self, data: str) -> list[Sent]:
        """Press a button with any callback data (an old or forged one, say)."""
        return await self.process(self.updates.callback(data))

    def latest_with_buttons(self) -> Sent | None:
        """Return the newest message that still has buttons."""
        return next((m for m in reversed(list(self.messages.values())) if m.buttons), None)

    async def process(self, raw: dict[str, Any]) -> list[Sent]:
        """Feed one update to the application; return what the bot sent or changed here."""
        self.receive()
        seen = len(self.request.calls)
        await self.app.process_update(Update.de_json(raw, self.app.bot))
        self.calls = self.request.calls[seen:]
        self._read = len(self.request.calls)
        return [sent for call in self.calls if (sent := self._record(call)) is not None]

    def receive(self) -> list[Sent]:
        """Take in what the bot sent to this chat since it last looked (pushes)."""
        calls, self._read = self.request.calls[self._read :], len(self.request.calls)
        return [sent for call in calls if (sent := self._record(call)) is not None]

    def pushed(self) -> list[tuple[int, Sent]]:
        """The messages the last update sent to other chats, with their chat ids."""
        return [
            (
                int(call.params["chat_id"]),
                Sent(
                    call.result["message_id"], call.params["text"], call.params.get("reply_markup")
                ),
            )
            for call in self.calls
            if call.method == "sendMessage" and not self._mine(call)
        ]

    def _mine(self, call: Call) -> bool:
        chat_id = call.params.get("chat_id")
        return chat_id is None or int(chat_id) == self.chat_id

    def notices(self) -> list[str]:
        """The pop-up texts shown for the last button press."""
        return [
            c.params["text"]
            for c in self.calls
            if c.method == "answerCallbackQuery" and c.params.get("text")
        ]

    def _record(self, call: Call) -> Sent | None:
        params = call.params
        if not self._mine(call):
            return None
        if call.method == "sendMessage":
            sent = Sent(call.result["message_id"], params["text"], params.get("reply_markup"))
        elif call.method == "editMessageText":
            sent = Sent(params["message_id"], params["text"], params.get("reply_markup"), "edited")
        elif call.method == "editMessageReplyMarkup":
            old = self.messages.get(params["message_id"])
            html = old.html if old else ""
            sent = Sent(params["message_id"], html, params.get("reply_markup"), "buttons")
        else:
            return None
        self.messages.pop(sent.message_id, None)  # re-insert: the newest change comes last
        self.messages[sent.message_id] = sent
        return sent
