"""A fake Telegram Bot API over real HTTP, for running the real bot in a subprocess.

The bot talks to it as to Telegram (TELEGRAM_BASE_URL=`FakeBotApi.base_url`): it answers
`getMe`, `getUpdates` (nothing new, after a short wait, as a long poll would), the
start-up calls, and records every `sendMessage` (chat id, text, reply markup) in memory
and, one JSON line each, in an optional log file. A delay per message lets a test kill
the bot while it is sending.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from bot.chat.transport import BOT_USER

#: How long an empty `getUpdates` is held before it answers (a short long poll).
POLL_WAIT = 0.2


@dataclass(frozen=True)
class Sent:
    """One message the bot sent: to whom, what, and the callback data of its buttons."""

    chat_id: int
    text: str
    buttons: tuple[str, ...]
    at: float


def _params(content_type: str, body: bytes) -> dict[str, Any]:
    """PTB posts url-encoded forms (JSON-encoded values); accept a JSON body too."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/"):
        raise ValueError("multipart requests (files) are not supported by the fake Bot API")
    return {key: values[-1] for key, values in parse_qs(body.decode()).items()}


def _buttons(markup: Any) -> tuple[str, ...]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not markup:
        return ()
    rows = markup.get("inline_keyboard", [])
    return tuple(b["callback_data"] for row in rows for b in row if "callback_data" in b)


class FakeBotApi:
    """The server, run in a thread: `with FakeBotApi() as api: ... api.snapshot()`."""

    def __init__(self, send_delay: float = 0.0, log: Path | None = None):
        self.send_delay = send_delay
        self.log = log
        self.sent: list[Sent] = []
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/file/bot"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeBotApi:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def snapshot(self) -> list[Sent]:
        with self._lock:
            return list(self.sent)

    def count(self) -> int:
        with self._lock:
            return len(self.sent)

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        """Record the call; return the `result` Telegram would."""
        with self._lock:
            self.calls[method] = self.calls.get(method, 0) + 1
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            time.sleep(POLL_WAIT)
            return []
        if method == "sendMessage":
            return self._send(params)
        if method == "getMyCommands":
            return []
        return True  # deleteWebhook, setMyCommands, ...

    def _send(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.send_delay:
            time.sleep(self.send_delay)
        chat_id, text = int(params["chat_id"]), str(params.get("text", ""))
        sent = Sent(chat_id, text, _buttons(params.get("reply_markup")), time.monotonic())
        with self._lock:
            self.sent.append(sent)
            number = next(self._ids)
            if self.log is not None:
                with self.log.open("a", encoding="utf-8") as out:
                    line = {"at": sent.at, "chat_id": chat_id, "buttons": sent.buttons}
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
        return {
            "message_id": number,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": text,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as httpx likes it
            # Headers and body go out in two writes: without this, Nagle's algorithm and
            # delayed ACKs hold every answer back by 40 ms.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                try:
                    params = _params(self.headers.get("Content-Type", ""), body)
                    status, reply = 200, {"ok": True, "result": api.answer(method, params)}
                except Exception as exc:  # a broken request: tell the bot, as Telegram would
                    status, reply = 400, {"ok": False, "error_code": 400, "description": str(exc)}
                data = json.dumps(reply).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the bot was killed while we answered
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reports what matters."""

        return Handler
