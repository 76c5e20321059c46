"""Shared fixtures: content, and a fresh database on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.catalog.loader import load_content
from bot.catalog.schema import Content
from bot.config import normalise_database_url

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def postgres_url() -> str | None:
    """Return TEST_DATABASE_URL (driver normalised), or None when it is not set."""
    url = os.environ.get("TEST_DATABASE_URL")
    return normalise_database_url(url, "TEST_DATABASE_URL") if url else None


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database: SQLite in tmp_path, or a wiped PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lotse.db'}"
        return
    url = postgres_url()
    if url is None:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    try:
        _reset_postgres(url)
    except Exception as exc:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    yield url


@pytest.fixture(scope="session")
def shipped_content() -> Content:
    """The content shipped in content/, loaded once."""
    return load_content(CONTENT_DIR)
