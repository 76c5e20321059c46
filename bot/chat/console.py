"""Chat with the bot in a terminal through the same Application and handlers as Telegram."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.chat.driver import Chat, Sent
from bot.chat.transport import FakeRequest, UpdateFactory
from bot.i18n import negotiate
from bot.services import Services
from bot.users.service import grant_role, set_language

QUIT = {"quit", "exit", "/quit"}
HINT = (
    "Lotse console: type a message or a /command, a button's number to press it, "
    "'@file PATH' to send a file (a content upload), 'quit' to end."
)
#: Where files the bot sends (an export, a calendar file, a chart) are saved.
DOWNLOADS = Path(tempfile.gettempdir()) / "lotse-console"


def show(sent: Sent, out: TextIO, to: int | None = None) -> None:
    """Print one message readably: its text (or that its buttons changed) and numbered buttons.

    A message the bot sent to another user (`to`) is shown as such; its buttons are theirs.
    """
    if to is not None:
        out.write(f"Lotse → user {to}: " + sent.text.replace("\n", "\n  ") + "\n")
        return
    if sent.change == "buttons":
        if not sent.buttons:
            return
        out.write("Lotse (buttons changed):\n")
    elif sent.change == "edited":
        out.write("Lotse (edited): " + sent.text.replace("\n", "\n  ") + "\n")
    else:
        out.write("Lotse: " + sent.text.replace("\n", "\n  ") + "\n")
    rows = (sent.markup or {}).get("inline_keyboard") or []
    number = 0
    for row in rows:
        labels = []
        for button in row:
            number += 1
            labels.append(f"[{number}] {button['text']}")
        out.write("  " + "   ".join(labels) + "\n")


async def run_console(
    services: Services,
    *,
    user_id: int = 1,
    lang: str | None = None,
    role: str | None = None,
    username: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    """Read lines from stdin as a Telegram user would type them and print the bot's replies.

    A plain line is a message, `/cmd` a command, a bare number presses that button of the
    latest message with buttons, and `quit` or the end of input stops.
    """
    from bot.app import build_application, post_init

    language = negotiate(lang, services.settings.default_language) if lang else None
    if role == "admin":  # the person at the console runs this Lotse: a superadmin
        settings = services.settings
        services.settings = replace(settings, admin_user_ids=settings.admin_user_ids | {user_id})
    with services.db.session() as session:
        if role and role != "admin":
            grant_role(session, user_id, role)
        if language:
            set_language(session, user_id, language)
    request = FakeRequest()
    app = build_application(services, request=request, rate_limit=False)
    updates = UpdateFactory(user_id, language, first_name="Console", username=username)
    chat = Chat(app, request, updates)
    interactive = stdin.isatty()
    stdout.write(HINT + "\n")
    busy = False

    async def relay() -> None:
        """Print what the bot sends this user unasked (a reminder, say) as it arrives."""
        while True:
            await asyncio.sleep(1)
            if not busy:
                for sent in chat.receive():
                    show(sent, stdout)
                stdout.flush()

    async with app:
        await post_init(app)
        if app.job_queue is not None:  # timeouts, reminders and housekeeping, as in the bot
            await app.job_queue.start()
        relaying = asyncio.create_task(relay())
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            text = line.strip()
            if not line or text.lower() in QUIT:
                break
            if not text:
                continue
            if not interactive:
                stdout.write(f"> {text}\n")
            busy = True
            seen = len(request.calls)
            for sent in [*chat.receive(), *await _act(chat, text)]:
                show(sent, stdout)
            save_files(request, seen, user_id, stdout)
            for chat_id, sent in chat.pushed():
                show(sent, stdout, to=chat_id)
            busy = False
            stdout.flush()
        relaying.cancel()
        if app.job_queue is not None:
            await app.job_queue.stop(wait=False)


def save_files(request: FakeRequest, since: int, user_id: int, out: TextIO) -> None:
    """Save the files the bot sent this user since call `since`, and say where."""
    for call in request.calls[since:]:
        if int(call.params.get("chat_id") or 0) != user_id:
            continue
        for name, body in (call.params.get("_files") or {}).values():
            DOWNLOADS.mkdir(parents=True, exist_ok=True)
            target = DOWNLOADS / Path(name).name
            target.write_bytes(body)
            out.write(f"Lotse sent a file: {target} ({len(body)} bytes)\n")
            if caption := call.params.get("caption"):
                out.write("  " + str(caption) + "\n")


async def _act(chat: Chat, text: str) -> list[Sent]:
    """Press button N for a bare number N of the latest buttons, else send the text.

    A number beyond the buttons (an age, say) is sent as a message; `@file PATH` sends
    that file as a document.
    """
    if text.startswith("@file "):
        path = Path(text.removeprefix("@file ").strip()).expanduser()
        if not path.is_file():
            return [Sent(0, f"(console) no such file: {path}", None)]
        return await chat.send_file(path.name, path.read_bytes())
    latest = chat.latest_with_buttons()
    buttons = latest.buttons if latest is not None else []
    if latest is not None and text.isdigit() and 1 <= int(text) <= len(buttons):
        return await chat.press_on(latest, buttons[int(text) - 1][1])
    return await chat.send(text)
