"""Settings come from the environment; a wrong value names the variable and stops the start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_without_any_variable():
    settings = load_settings({})
    assert settings.bot_token is None
    assert settings.database_url == "sqlite:///data/lotse.db"
    assert settings.timezone == "Europe/Berlin"
    assert settings.default_language == "de"
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.admin_user_ids == frozenset()


def test_all_variables_are_read():
    settings = load_settings(
        {
            "BOT_TOKEN": "123456:ABCdef",
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
            "TELEGRAM_BASE_URL": "http://localhost:8081/bot/",
            "TELEGRAM_BASE_FILE_URL": "http://localhost:8081/file/bot",
            "TIMEZONE": "Europe/Berlin",
            "DEFAULT_LANGUAGE": "ar",
            "CONTENT_DIR": "/srv/content",
            "ADMIN_USER_IDS": "111, 222",
            "UNANSWERED_RETENTION_DAYS": "30",
        }
    )
    assert settings.bot_token == "123456:ABCdef"
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.telegram_base_url == "http://localhost:8081/bot"
    assert settings.default_language == "ar"
    assert str(settings.content_dir) == "/srv/content"
    assert settings.admin_user_ids == {111, 222}
    assert settings.unanswered_retention_days == 30


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TELEGRAM_BASE_URL", "localhost:8081", "is not a valid http/https URL"),
        ("TELEGRAM_BASE_FILE_URL", "ftp://x/file", "is not a valid http/https URL"),
        ("DEFAULT_LANGUAGE", "xx", "is not one of"),
        ("ADMIN_USER_IDS", "12,abc", "'abc' is not a whole number"),
        ("DATABASE_URL", "mysql://root@localhost/x", "only sqlite and postgresql"),
        ("DATABASE_URL", "not a url", "is not a database URL"),
        ("TIMEZONE", "Mars/Olympus", "is not a known time zone"),
        ("BOT_TOKEN", "hello", "does not look like a bot token"),
        ("WEBHOOK_PORT", "99999", "is not between 1 and 65535"),
    ],
)
def test_a_wrong_value_names_the_variable(variable: str, value: str, message: str):
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")
    assert message in str(caught.value)


def test_dotenv_fills_in_but_does_not_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    env = tmp_path / ".env"
    env.write_text("DEFAULT_LANGUAGE=fa\nTIMEZONE=Europe/London\n", encoding="utf-8")
    monkeypatch.setenv("TIMEZONE", "Europe/Berlin")
    monkeypatch.delenv("DEFAULT_LANGUAGE", raising=False)
    settings = load_settings(dotenv=env)
    assert settings.default_language == "fa"
    assert settings.timezone == "Europe/Berlin"


def test_the_start_stops_with_one_line_and_status_2_on_a_wrong_value(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "ADMIN_USER_IDS": "x1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "lotse: configuration error: ADMIN_USER_IDS: 'x1' is not a whole number"
    ]
