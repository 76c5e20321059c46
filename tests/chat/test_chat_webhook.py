"""The webhook needs its secret: no start without WEBHOOK_SECRET, and 403 without the header."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from bot.app import webhook_options
from bot.config import ConfigError, load_settings
from bot.services import Services

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-Token_42"


def test_a_webhook_url_without_a_secret_is_a_configuration_error():
    with pytest.raises(ConfigError) as error:
        load_settings({"WEBHOOK_URL": "https://lotse.example.org/hook"})
    assert error.value.variable == "WEBHOOK_SECRET"


def test_a_secret_telegram_would_refuse_is_a_configuration_error():
    with pytest.raises(ConfigError) as error:
        load_settings({"WEBHOOK_URL": "https://lotse.example.org/hook", "WEBHOOK_SECRET": "a b"})
    assert error.value.variable == "WEBHOOK_SECRET"


def test_the_bot_refuses_to_start_a_webhook_without_a_secret(tmp_path: Path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WEBHOOK_", "DATABASE_", "BOT_"))
    }
    env |= {
        "BOT_TOKEN": "123456:ABCdef",
        "WEBHOOK_URL": "https://lotse.example.org/hook",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'lotse.db'}",
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,  # no .env of the developer's
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "WEBHOOK_SECRET" in lines[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_webhook_request_without_the_right_secret_is_refused_and_changes_nothing(
    running, services: Services
):
    port = free_port()
    services.settings = replace(
        services.settings,
        webhook_url="https://lotse.example.org/telegram/hook",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret=SECRET,
    )
    app, request = await running(services)
    await app.updater.start_webhook(**webhook_options(services.settings))
    await app.start()
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 77, "type": "private"},
            "from": {"id": 77, "is_bot": False, "first_name": "X", "language_code": "de"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    url = f"http://127.0.0.1:{port}/telegram/hook"
    header = "X-Telegram-Bot-Api-Secret-Token"
    try:
        async with httpx.AsyncClient() as client:
            missing = await client.post(url, json=update)
            wrong = await client.post(url, json=update, headers={header: "guess"})
            await asyncio.sleep(0.2)
            assert (missing.status_code, wrong.status_code) == (403, 403)
            assert request.of("sendMessage") == []
            right = await client.post(url, json=update, headers={header: SECRET})
            assert right.status_code == 200
            for _ in range(500):
                if request.of("sendMessage"):
                    break
                await asyncio.sleep(0.01)
            assert [int(p["chat_id"]) for p in request.of("sendMessage")][:1] == [77]
        [hook] = request.of("setWebhook")
        assert hook["secret_token"] == SECRET
    finally:
        await app.updater.stop()
        await app.stop()
