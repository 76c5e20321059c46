"""Settings from the environment (and an optional .env); nothing is read at import time."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.i18n import SUPPORTED_LANGUAGES

DEFAULT_DATABASE_URL = "sqlite:///data/lotse.db"
#: The content shipped with Lotse (used when CONTENT_DIR is not set).
SHIPPED_CONTENT = Path(__file__).resolve().parent.parent / "content"
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"
ROLES = ("volunteer", "advisor", "coach", "admin")


#: What Telegram accepts as a webhook's secret token.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ConfigError(Exception):
    """A setting has a wrong value; the message names the variable."""

    def __init__(self, variable: str, problem: str):
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_base_url: str = DEFAULT_BASE_URL
    telegram_base_file_url: str = DEFAULT_BASE_FILE_URL
    timezone: str = "Europe/Berlin"
    default_language: str = "de"
    content_dir: Path = SHIPPED_CONTENT
    admin_user_ids: frozenset[int] = field(default_factory=frozenset)
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str | None = None
    unanswered_retention_days: int = 90
    #: Days ended referrals, and a client code's referrals without activity, are kept.
    referral_retention_days: int = 180
    appointment_retention_days: int = 30
    #: Days a question handed to a person ("Ask a person") is kept, answered or not.
    handover_retention_days: int = 90
    #: Questions one user may hand to a person ("Ask a person") per calendar day.
    handover_daily_limit: int = 5
    #: Hours an invitation link works; days a used or expired one is kept.
    invitation_ttl_hours: int = 72
    invitation_retention_days: int = 30
    audit_retention_days: int = 365
    #: Days without using the bot after which a user is asked whether to stay, and days
    #: after that question without an answer until their data is erased.
    user_inactive_days: int = 365
    user_confirm_days: int = 30
    #: Who is responsible for the data and whom to ask (shown by /privacy).
    privacy_controller: str | None = None
    privacy_contact: str | None = None
    #: The key of the hash that stands for user ids in logs (random per start when unset).
    log_key: str | None = None
    #: Seconds between the dispatcher's looks for due reminders.
    reminder_tick_seconds: int = 15
    #: Seconds after which a claimed, unsent reminder counts as lost by a dead worker.
    reminder_claim_timeout_seconds: int = 120
    log_level: str = "INFO"
    #: Updates a user may send in a burst, and how many a minute after it (the flood gate).
    flood_burst: int = 10
    flood_per_minute: int = 40
    #: A local model2vec model directory for the optional semantic ranker (None: lexical only).
    semantic_model: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _url(name: str, value: str, schemes: tuple[str, ...] = ("http", "https")) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ConfigError(name, f"'{value}' is not a valid {'/'.join(schemes)} URL")
    return value.rstrip("/") if name.startswith("TELEGRAM") else value


def normalise_database_url(value: str, name: str = "DATABASE_URL") -> str:
    """Check a database URL and pick our drivers (psycopg 3 for PostgreSQL)."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ConfigError(name, f"'{value}' is not a database URL") from None
    backend = url.get_backend_name()
    if backend == "postgres" or (backend == "postgresql" and url.drivername == "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite" and backend != "postgresql":
        raise ConfigError(name, f"only sqlite and postgresql are supported, not '{backend}'")
    return url.render_as_string(hide_password=False)


def _int(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(name, f"'{value}' is not a whole number") from None
    if not low <= number <= high:
        raise ConfigError(name, f"{number} is not between {low} and {high}")
    return number


def _semantic_model(value: str) -> Path:
    """Check SEMANTIC_MODEL: a local model2vec directory, with the semantic extra installed."""
    from bot.answers.semantic import SemanticModelError, check_installed, check_model_dir

    path = Path(value).expanduser()
    try:
        check_model_dir(path)
        check_installed()
    except SemanticModelError as exc:
        raise ConfigError("SEMANTIC_MODEL", str(exc)) from None
    return path


def load_settings(
    env: Mapping[str, str] | None = None, dotenv: str | Path | None = ".env"
) -> Settings:
    """Read settings from env (default: os.environ plus .env); raise ConfigError if wrong."""
    if env is None:
        values = dict(os.environ)
        if dotenv and Path(dotenv).is_file():
            from dotenv import dotenv_values

            for key, value in dotenv_values(dotenv).items():
                if value is not None:
                    values.setdefault(key, value)
    else:
        values = dict(env)

    def get(name: str) -> str | None:
        value = values.get(name)
        return value.strip() if value and value.strip() else None

    kwargs: dict[str, object] = {}
    if token := get("BOT_TOKEN"):
        if ":" not in token or not token.split(":", 1)[0].isdigit():
            raise ConfigError("BOT_TOKEN", "does not look like a bot token (123456:ABC...)")
        kwargs["bot_token"] = token
    if url := get("DATABASE_URL"):
        kwargs["database_url"] = normalise_database_url(url)
    for name, key in (
        ("TELEGRAM_BASE_URL", "telegram_base_url"),
        ("TELEGRAM_BASE_FILE_URL", "telegram_base_file_url"),
    ):
        if url := get(name):
            kwargs[key] = _url(name, url)
    if url := get("WEBHOOK_URL"):
        kwargs["webhook_url"] = _url("WEBHOOK_URL", url, ("https", "http"))
    if tz := get("TIMEZONE"):
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError("TIMEZONE", f"'{tz}' is not a known time zone") from None
        kwargs["timezone"] = tz
    if lang := get("DEFAULT_LANGUAGE"):
        if lang not in SUPPORTED_LANGUAGES:
            raise ConfigError(
                "DEFAULT_LANGUAGE", f"'{lang}' is not one of {', '.join(SUPPORTED_LANGUAGES)}"
            )
        kwargs["default_language"] = lang
    if directory := get("CONTENT_DIR"):
        kwargs["content_dir"] = Path(directory)
    if model := get("SEMANTIC_MODEL"):
        kwargs["semantic_model"] = _semantic_model(model)
    if ids := get("ADMIN_USER_IDS"):
        parsed = set()
        for part in ids.replace(";", ",").split(","):
            if part.strip():
                parsed.add(_int("ADMIN_USER_IDS", part.strip(), 1, 2**53))
        kwargs["admin_user_ids"] = frozenset(parsed)
    if port := get("WEBHOOK_PORT"):
        kwargs["webhook_port"] = _int("WEBHOOK_PORT", port, 1, 65535)
    if listen := get("WEBHOOK_LISTEN"):
        kwargs["webhook_listen"] = listen
    if secret := get("WEBHOOK_SECRET"):
        if not _SECRET.fullmatch(secret):
            raise ConfigError(
                "WEBHOOK_SECRET", "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -"
            )
        kwargs["webhook_secret"] = secret
    if "webhook_url" in kwargs and "webhook_secret" not in kwargs:
        raise ConfigError(
            "WEBHOOK_SECRET",
            "must be set when WEBHOOK_URL is set (without it anybody could send updates)",
        )
    for name, key, high in (
        ("UNANSWERED_RETENTION_DAYS", "unanswered_retention_days", 3650),
        ("REFERRAL_RETENTION_DAYS", "referral_retention_days", 3650),
        ("APPOINTMENT_RETENTION_DAYS", "appointment_retention_days", 3650),
        ("USER_INACTIVE_DAYS", "user_inactive_days", 3650),
        ("USER_CONFIRM_DAYS", "user_confirm_days", 365),
        ("INVITATION_TTL_HOURS", "invitation_ttl_hours", 24 * 90),
        ("INVITATION_RETENTION_DAYS", "invitation_retention_days", 3650),
        ("AUDIT_RETENTION_DAYS", "audit_retention_days", 3650),
        ("HANDOVER_RETENTION_DAYS", "handover_retention_days", 3650),
        ("HANDOVER_DAILY_LIMIT", "handover_daily_limit", 1000),
    ):
        if value := get(name):
            kwargs[key] = _int(name, value, 1, high)
    if burst := get("FLOOD_BURST"):
        kwargs["flood_burst"] = _int("FLOOD_BURST", burst, 1, 1000)
    if rate := get("FLOOD_PER_MINUTE"):
        kwargs["flood_per_minute"] = _int("FLOOD_PER_MINUTE", rate, 1, 6000)
    if seconds := get("REMINDER_TICK_SECONDS"):
        kwargs["reminder_tick_seconds"] = _int("REMINDER_TICK_SECONDS", seconds, 1, 3600)
    if seconds := get("REMINDER_CLAIM_TIMEOUT_SECONDS"):
        kwargs["reminder_claim_timeout_seconds"] = _int(
            "REMINDER_CLAIM_TIMEOUT_SECONDS", seconds, 1, 86400
        )
    for name, key in (
        ("PRIVACY_CONTROLLER", "privacy_controller"),
        ("PRIVACY_CONTACT", "privacy_contact"),
        ("LOG_KEY", "log_key"),
    ):
        if value := get(name):
            kwargs[key] = value
    if level := get("LOG_LEVEL"):
        if level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ConfigError("LOG_LEVEL", f"'{level}' is not DEBUG, INFO, WARNING or ERROR")
        kwargs["log_level"] = level.upper()
    return Settings(**kwargs)  # type: ignore[arg-type]
