"""Anonymous misses of the search for offers: one count per day, place, type, status, age group."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.db.migrate import upgrade
from bot.db.models import OfferMiss
from bot.db.session import Database
from bot.matching.engine import Miss
from bot.matching.stats import age_group, count_miss, miss_counts, record_miss

DAY = date(2026, 11, 23)


def database(url: str) -> Database:
    upgrade(url)
    return Database(url)


@pytest.mark.parametrize(
    ("age", "group"),
    [(None, "unknown"), (16, "under 18"), (17, "under 18"), (18, "18-21"), (21, "18-21"),
     (22, "22-27"), (27, "22-27"), (28, "over 27")],
)  # fmt: skip
def test_ages_fall_into_coarse_groups(age: int | None, group: str) -> None:
    assert age_group(age) == group


def test_each_miss_adds_one_and_unknowns_share_a_row(database_url: str) -> None:
    db = database(database_url)
    for _ in range(2):
        with db.session() as session:
            count_miss(session, DAY, Miss("coaching", "bielefeld", "gestattung", 20))
            record_miss(session, DAY, None, None, None, "unknown")
    with db.session() as session:
        assert miss_counts(session) == {
            (DAY, "bielefeld", "coaching", "gestattung", "18-21"): 2,
            (DAY, None, None, None, "unknown"): 2,
        }
    db.dispose()


def test_concurrent_misses_are_all_counted_without_duplicate_rows(database_url: str) -> None:
    db = database(database_url)
    errors: list[BaseException] = []

    def one(municipality: str | None) -> None:
        try:
            with db.session() as session:
                record_miss(session, DAY, municipality, "coaching", None, "unknown")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(m,)) for m in ["bonn", None] * 6]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(OfferMiss)) == 2
        assert set(miss_counts(session).values()) == {6}
    db.dispose()
