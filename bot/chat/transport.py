"""A fake Bot API: records every call and answers like Telegram would, without a network.

It backs the console, the tests and the benchmark. `UpdateFactory` builds the update dicts
Telegram would send for a user's messages and button presses.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field, replace
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Lotse",
    "username": "lotse_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
DUMMY_TOKEN = "7000000001:fake-token-for-the-local-console"


@dataclass(frozen=True)
class Call:
    """One Bot API call: the method name and its parameters."""

    method: str
    params: dict[str, Any]
    result: Any = None


class FakeRequest(BaseRequest):
    """A Bot API transport that records calls; `failures` maps a method to (status, reason).

    Messages to a chat in `blocked` fail as they do for a user who blocked the bot.
    """

    def __init__(self, failures: dict[str, tuple[int, str]] | None = None):
        self.calls: list[Call] = []
        self.failures: dict[str, tuple[int, str]] = dict(failures or {})
        self.blocked: set[int] = set()
        self._next_failures: list[tuple[str, int, str, dict[str, Any]]] = []
        self._ids = itertools.count(1)
        #: Files users sent, by file id (what getFile and the download return).
        self.files: dict[str, bytes] = {}

    def add_file(self, data: bytes) -> str:
        """Keep a file a user sends; return its file id."""
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = data
        return file_id

    def fail_next(
        self, method: str, status: int, reason: str, times: int = 1, **parameters: Any
    ) -> None:
        """Let the next `times` calls of `method` fail (parameters: e.g. retry_after=3)."""
        self._next_failures += [(method, status, reason, parameters)] * times

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Record the call and return Telegram's JSON answer (or the configured failure)."""
        api_method = url.rsplit("/", 1)[-1]
        if "/file/bot" in url:  # a download of a file a user sent
            self.calls.append(Call("download", {"file_id": api_method}))
            return 200, self.files.get(api_method, b"")
        params = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.multipart_data:
            # Files sent to users (a calendar file, a chart): their names and bytes.
            params["_files"] = {
                part: (value[0], value[1]) for part, value in request_data.multipart_data.items()
            }
        failure: tuple[int, str, dict[str, Any]] | None = None
        if api_method in self.failures:
            failure = (*self.failures[api_method], {})
        if api_method.startswith("send") and int(params.get("chat_id") or 0) in self.blocked:
            failure = (403, "Forbidden: bot was blocked by the user", {})
        queued = next((f for f in self._next_failures if f[0] == api_method), None)
        if queued is not None:
            self._next_failures.remove(queued)
            failure = queued[1:]
        if failure is not None:
            self.calls.append(Call(api_method, params))
            status, reason, extra = failure
            body = {"ok": False, "error_code": status, "description": reason}
            if extra:
                body["parameters"] = extra
            return status, json.dumps(body).encode()
        result = self._result(api_method, params)
        self.calls.append(Call(api_method, params, result))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _result(self, api_method: str, params: dict[str, Any]) -> Any:
        if api_method == "getMe":
            return BOT_USER
        if api_method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            return self._message(api_method, params)
        if api_method in ("sendVenue", "sendLocation", "sendDocument", "sendPhoto"):
            return self._message("sendMessage", params)
        if api_method == "getFile":
            file_id = str(params.get("file_id"))
            size = len(self.files.get(file_id, b""))
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": size,
                "file_path": f"documents/{file_id}",
            }
        if api_method in ("getMyCommands", "getUpdates"):
            return []
        if api_method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    def _message(self, api_method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id", 0)
        message: dict[str, Any] = {
            "message_id": params.get("message_id") or next(self._ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if api_method != "sendMessage":
            message["edit_date"] = int(time.time())
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    def of(self, method: str) -> list[dict[str, Any]]:
        """Return the parameters of every recorded call of one method, oldest first."""
        return [call.params for call in self.calls if call.method == method]

    def clear(self) -> None:
        self.calls.clear()


@dataclass
class UpdateFactory:
    """Build Telegram update dicts for one user in one chat (their private chat by default)."""

    user_id: int = 1
    language_code: str | None = "de"
    first_name: str = "Test"
    username: str | None = None
    #: Another chat than the private one (a group's id), and its type.
    chat_id: int | None = None
    chat_type: str = "private"
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1), repr=False)
    _message_ids: itertools.count = field(
        default_factory=lambda: itertools.count(100000), repr=False
    )

    def user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        if self.username:
            user["username"] = self.username
        return user

    def in_group(self, chat_id: int) -> UpdateFactory:
        """The same user writing in a group chat (update and message ids go on counting)."""
        return replace(
            self,
            chat_id=chat_id,
            chat_type="group",
            _update_ids=self._update_ids,
            _message_ids=self._message_ids,
        )

    def chat(self) -> dict[str, Any]:
        """The chat the user writes in."""
        if self.chat_id is None:
            return {"id": self.user_id, "type": "private", "first_name": self.first_name}
        return {"id": self.chat_id, "type": self.chat_type, "title": "Group"}

    def message(self, text: str) -> dict[str, Any]:
        """A text message; a leading /command gets its bot_command entity."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(),
            "from": self.user(),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": next(self._update_ids), "message": message}

    def callback(self, data: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        """A button press on `message` (a message dict as the bot sent it)."""
        message = message or {
            "message_id": 1,
            "date": int(time.time()),
            "chat": self.chat(),
            "from": BOT_USER,
            "text": "",
        }
        query = {
            "id": str(next(self._update_ids) * 1000 + self.user_id % 1000),
            "from": self.user(),
            "chat_instance": str(self.user_id),
            "message": message,
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def document(self, file_id: str, file_name: str, size: int) -> dict[str, Any]:
        """A file sent as a document."""
        return self.other(
            document={
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": file_name,
                "file_size": size,
            }
        )

    def other(self, **message: Any) -> dict[str, Any]:
        """A non-text message (a sticker, a photo...): pass its fields."""
        base: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(),
            "from": self.user(),
        }
        return {"update_id": next(self._update_ids), "message": {**base, **message}}
