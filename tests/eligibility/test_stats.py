"""Anonymous check statistics: one count per day, municipality, program and result."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from bot.db.migrate import upgrade
from bot.db.models import CheckStat
from bot.db.session import Database
from bot.eligibility.engine import ELIGIBLE, NOT_ELIGIBLE, UNKNOWN, Verdict
from bot.eligibility.stats import check_counts, record_check

DAY = date(2026, 11, 23)
VERDICTS = [Verdict("gemeinsam-klappts", ELIGIBLE), Verdict("durchstarten", NOT_ELIGIBLE)]


def database(url: str) -> Database:
    upgrade(url)
    return Database(url)


def test_each_finished_check_adds_one_per_program_and_result(database_url: str):
    db = database(database_url)
    for _ in range(2):
        with db.session() as session:
            record_check(session, DAY, "koeln", VERDICTS)
    with db.session() as session:
        record_check(session, DAY, "koeln", [Verdict("durchstarten", UNKNOWN)])
        record_check(session, date(2026, 11, 24), "koeln", VERDICTS[:1])
    with db.session() as session:
        assert check_counts(session) == {
            (DAY, "koeln", "gemeinsam-klappts", ELIGIBLE): 2,
            (DAY, "koeln", "durchstarten", NOT_ELIGIBLE): 2,
            (DAY, "koeln", "durchstarten", UNKNOWN): 1,
            (date(2026, 11, 24), "koeln", "gemeinsam-klappts", ELIGIBLE): 1,
        }
    db.dispose()


def test_checks_without_a_municipality_share_one_row(database_url: str):
    db = database(database_url)
    for _ in range(3):
        with db.session() as session:
            record_check(session, DAY, None, VERDICTS[:1])
    with db.session() as session:
        rows = session.scalars(select(CheckStat)).all()
        assert [(r.municipality, r.count) for r in rows] == [(None, 3)]
    db.dispose()


def test_concurrent_checks_are_all_counted_without_duplicate_rows(database_url: str):
    db = database(database_url)
    errors: list[BaseException] = []

    def one_check(municipality: str | None) -> None:
        try:
            with db.session() as session:
                record_check(session, DAY, municipality, VERDICTS)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one_check, args=(m,)) for m in ["bonn", None] * 6]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CheckStat)) == 4
        counts = check_counts(session)
    assert counts[(DAY, "bonn", "gemeinsam-klappts", ELIGIBLE)] == 6
    assert counts[(DAY, None, "durchstarten", NOT_ELIGIBLE)] == 6
    db.dispose()
