"""Run alembic migrations programmatically (config lives in pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.db.session import ensure_sqlite_dir

ROOT = Path(__file__).resolve().parent.parent.parent
MIGRATIONS = ROOT / "migrations"


def alembic_config(url: str) -> Config:
    """Return an alembic Config for url; works without alembic.ini."""
    pyproject = ROOT / "pyproject.toml"
    config = Config(toml_file=pyproject if pyproject.is_file() else None)
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at url up to revision."""
    ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)


def check(url: str) -> None:
    """Raise if the models and the migrations disagree."""
    command.check(alembic_config(url))
