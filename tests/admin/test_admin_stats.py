"""Statistics for admins: counting, periods, the scope, small numbers hidden, chart and CSV."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select

from bot.admin.chart import Names, chart_language, chart_png, csv_bytes
from bot.admin.stats import HIDDEN, Period, PeriodError, parse_period, period, report
from bot.admin.suppression import ALL, TOTAL, Key, groups, suppress
from bot.answers.stats import record_question
from bot.db.migrate import upgrade
from bot.db.models import QuestionStat, Referral, SearchStat
from bot.db.session import Database
from bot.i18n import translator
from bot.matching.stats import record_miss, record_search

TODAY = date(2026, 11, 23)  # a Monday
BERLIN = ZoneInfo("Europe/Berlin")
WEEK = "2026-11-16"


def database(url: str) -> Database:
    upgrade(url)
    return Database(url)


def questions(db: Database, rows: list[tuple[date, str | None, str, str, int]]) -> None:
    with db.session() as session:
        session.execute(
            insert(QuestionStat),
            [
                {"day": d, "municipality": m, "lang": lang, "outcome": o, "count": n}
                for d, m, lang, o, n in rows
            ],
        )


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(
    ("code", "start"),
    [("4w", date(2026, 11, 2)), ("3m", date(2026, 8, 24)), ("12m", date(2025, 11, 24)),
     ("year", date(2026, 1, 1))],
)  # fmt: skip
def test_the_buttons_periods_end_today(code: str, start: date) -> None:
    assert period(code, TODAY) == Period(start, TODAY)


def test_three_months_back_from_the_end_of_a_month_stays_in_that_month() -> None:
    assert period("3m", date(2026, 5, 31)).start == date(2026, 3, 1)


def test_a_typed_period_is_read_and_cut_at_today() -> None:
    assert parse_period("2026-01-01 2026-03-31", TODAY) == Period(
        date(2026, 1, 1), date(2026, 3, 31)
    )
    assert parse_period("2026-10-01..2027-01-31", TODAY) == Period(date(2026, 10, 1), TODAY)


@pytest.mark.parametrize(
    ("text", "code"),
    [("last week", "format"), ("2026-02-30 2026-03-01", "format"),
     ("2026-03-01 2026-02-01", "order"), ("2020-01-01 2026-01-01", "long")],
)  # fmt: skip
def test_a_typed_period_that_cannot_be_used_says_why(text: str, code: str) -> None:
    with pytest.raises(PeriodError) as error:
        parse_period(text, TODAY)
    assert error.value.code == code


def test_a_period_lists_the_monday_of_every_week_it_touches() -> None:
    assert Period(date(2026, 11, 11), date(2026, 11, 23)).weeks() == [
        date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23),
    ]  # fmt: skip


def test_questions_and_searches_are_counted_per_day_place_and_kind(database_url: str) -> None:
    db = database(database_url)
    for _ in range(2):
        with db.session() as session:
            record_question(session, TODAY, "koeln", "ar", "answered")
            record_question(session, TODAY, None, "de", "unanswered")
            record_search(session, TODAY, "koeln", None)
            record_search(session, TODAY, None, "coaching")
    with db.session() as session:
        asked = session.execute(
            select(QuestionStat.municipality, QuestionStat.lang, QuestionStat.count)
        )
        assert sorted(asked, key=str) == [("koeln", "ar", 2), (None, "de", 2)]
        searched = session.execute(
            select(SearchStat.municipality, SearchStat.offer_type, SearchStat.count)
        )
        assert sorted(searched, key=str) == [("koeln", None, 2), (None, "coaching", 2)]
        with pytest.raises(ValueError, match="outcome"):
            record_question(session, TODAY, "koeln", "de", "smalltalk")
    db.dispose()


def test_concurrent_questions_and_searches_are_all_counted_once(database_url: str) -> None:
    db = database(database_url)
    errors: list[BaseException] = []

    def one(municipality: str | None) -> None:
        try:
            with db.session() as session:
                record_question(session, TODAY, municipality, "uk", "suggested")
                record_search(session, TODAY, municipality, None)
                record_miss(session, TODAY, municipality, None, None, "unknown")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(m,)) for m in ["bonn", None] * 5]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session() as session:
        for model in (QuestionStat, SearchStat):
            rows = session.execute(
                select(model.municipality, func.sum(model.count)).group_by(model.municipality)
            )
            assert sorted(rows, key=str) == [("bonn", 5), (None, 5)]
            assert session.scalar(select(func.count()).select_from(model)) == 2
    db.dispose()


def test_a_report_counts_by_week_and_period_and_hides_what_would_give_away_a_small_number(
    database_url: str,
) -> None:
    db = database(database_url)
    questions(
        db,
        [(date(2026, 11, 17), "koeln", "de", "answered", 12),
         (date(2026, 11, 18), "koeln", "de", "answered", 8),
         (date(2026, 11, 18), "koeln", "ar", "unanswered", 3),
         (date(2026, 11, 23), "koeln", "ar", "answered", 9),
         (date(2026, 10, 1), "koeln", "de", "answered", 50)],  # before the period
    )  # fmt: skip
    with db.session() as session:
        built = report(session, period("4w", TODAY), frozenset({"koeln"}), BERLIN)
    assert built.municipalities == ("koeln",) and built.place == "koeln"
    wanted = [(TOTAL, ALL), ("outcome", "answered"), ("outcome", "unanswered"),
              ("language", "de"), ("language", "ar")]  # fmt: skip
    week = {v: built.value(("questions", WEEK, "koeln", d, v)) for d, v in wanted}
    # 3 unanswered in Arabic; the 20 answered in German would give them away beside the 23
    assert week == {ALL: 23, "answered": None, "unanswered": None, "de": None, "ar": None}
    assert built.value(("questions", "2026-11-23", "koeln", "outcome", "answered")) == 9
    # over the period: 29 answered + 3 = 32; and so the 20 in German, the only week of them
    assert built.values("questions", TOTAL) == {ALL: 32}
    assert built.values("questions", "outcome") == {"answered": None, "unanswered": None}
    assert built.values("questions", "language") == {"ar": None, "de": None}
    rows = {(r["week"], r["dimension"], r["value"]): r["count"] for r in csv_rows(csv_bytes(built))}
    assert rows[WEEK, "outcome", "unanswered"] == rows["all", "language", "de"] == HIDDEN
    assert rows[WEEK, TOTAL, ALL] == "23" and rows["all", TOTAL, ALL] == "32"
    assert not any(week.startswith("2026-09") for week, _, _ in rows)
    db.dispose()


def test_a_superadmin_sees_every_municipality_and_nrw_an_admin_only_theirs(
    database_url: str,
) -> None:
    db = database(database_url)
    day = date(2026, 11, 20)
    questions(db, [(day, "koeln", "de", "answered", 30), (day, "bonn", "de", "answered", 7),
                   (day, None, "de", "answered", 6)])  # fmt: skip
    with db.session() as session:
        everyone = report(session, period("4w", TODAY), None, BERLIN)
        koeln = report(session, period("4w", TODAY), frozenset({"koeln"}), BERLIN)
    assert everyone.municipalities == ("bonn", "koeln", "unknown") and everyone.place == ALL
    assert everyone.value(("questions", ALL, ALL, "outcome", "answered")) == 43
    assert everyone.value(("questions", ALL, "unknown", "outcome", "answered")) == 6
    assert koeln.municipalities == ("koeln",)
    assert {key[2] for key in koeln.counts} == {"koeln"}
    db.dispose()


def test_referrals_count_on_their_local_day_without_reading_who_or_what(database_url: str) -> None:
    db = database(database_url)
    late = datetime(2026, 11, 15, 23, 30, tzinfo=UTC)  # Monday 16 November in Berlin
    common = {"offer_id": "x", "client_code": "A17", "note": "private", "updated_at": late}
    with db.session() as session:
        session.execute(
            insert(Referral),
            [common | {"offer_type": "coaching", "municipality": "koeln", "state": s, "created_at": late}
             for s in ["accepted"] * 6 + ["declined"]],
        )  # fmt: skip
        built = report(session, period("4w", TODAY), None, BERLIN)
    assert built.value(("referrals", WEEK, "koeln", "state", "accepted")) is None  # with the 1
    assert built.value(("referrals", ALL, "koeln", "offer_type", "coaching")) == 7
    assert "A17" not in csv_bytes(built).decode("utf-8-sig")
    db.dispose()


def test_one_small_count_among_big_ones_takes_the_smallest_big_one_with_it() -> None:
    cells: dict[Key, int] = {
        ("gaps", ALL, "koeln", "status", "duldung"): 40,
        ("gaps", ALL, "koeln", "status", "gestattung"): 9,
        ("gaps", ALL, "koeln", "status", "eu"): 2,
        ("gaps", ALL, "koeln", TOTAL, ALL): 51,
    }
    assert suppress(cells) == {
        ("gaps", ALL, "koeln", "status", "eu"), ("gaps", ALL, "koeln", "status", "gestattung"),
    }  # fmt: skip


def test_hidden_ones_that_can_only_be_ones_are_protected_too() -> None:
    cells: dict[Key, int] = {
        ("searches", f"2026-11-{d:02d}", "koeln", TOTAL, ALL): 1 for d in (2, 9, 16, 23)
    }
    cells[("searches", "2026-10-26", "koeln", TOTAL, ALL)] = 1
    cells[("searches", ALL, "koeln", TOTAL, ALL)] = 5  # five weeks of one search each
    assert ("searches", ALL, "koeln", TOTAL, ALL) in suppress(cells)


cubes = st.dictionaries(
    st.tuples(
        st.sampled_from(["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]),
        st.sampled_from(["bonn", "koeln", "unknown"]),
        st.sampled_from(["answered", "suggested", "unanswered"]),
        st.sampled_from(["de", "ar", "fa"]),
    ),
    st.integers(1, 25),
    max_size=40,
)


def _cube(rows: dict[tuple[str, str, str, str], int], section: str) -> dict[Key, int]:
    """Spread rows (week, place, a, b) over the cube as `report` does: questions have a
    total, an outcome (a) and a language (b); checks a result (b) for a program (a)."""
    cells: dict[Key, int] = {}
    towns = {place for _, place, _, _ in rows}
    for (week, place, a, b), count in rows.items():
        if section == "questions":
            values = ((TOTAL, ALL), ("outcome", a), ("language", b))
        else:
            values = (("program-" + a, b),)
        for dimension, value in values:
            for when in (week, ALL):
                for where in (place, ALL) if len(towns) > 1 else (place,):
                    key = (section, when, where, dimension, value)
                    cells[key] = cells.get(key, 0) + count
    return cells


@settings(max_examples=300, deadline=None)
@given(cubes, st.sampled_from(["questions", "checks"]))
def test_no_hidden_count_can_be_worked_out_from_a_total_and_the_shown_counts(rows, section) -> None:
    cells = _cube(rows, section)
    hidden = suppress(cells)
    assert {key for key, count in cells.items() if count < 5} <= hidden
    found = groups(cells)
    for group in found:
        secret = [key for key in group.members if key in hidden]
        if group.total is not None and group.total in hidden:
            assert secret, "a hidden total is the sum of the shown cells"
            continue
        siblings = [g for g in found if g.slice and g.slice == group.slice and g is not group]
        whole = any(not any(k in hidden for k in g.members) for g in siblings)
        if secret and (group.total is not None or whole):
            # at least two hidden, and not all of them 1: each has two possible values or more
            assert len(secret) >= 2 and sum(cells[k] for k in secret) > len(secret)


def test_the_chart_is_a_png_and_the_csv_opens_in_excel(database_url: str) -> None:
    db = database(database_url)
    questions(
        db,
        [
            (date(2026, 11, d), m, "uk", "answered", 6)
            for d in (3, 10, 17)
            for m in ("koeln", "bonn")
        ],
    )
    with db.session() as session:
        record_search(session, date(2026, 11, 20), "koeln", "coaching")
        built = report(session, period("4w", TODAY), None, BERLIN)
    names = Names({"koeln": "Köln", "bonn": "Bonn"}, {})
    png = chart_png(built, translator("uk"), names)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 20_000 < len(png) < 2_000_000
    data = csv_bytes(built)
    assert data.startswith(b"\xef\xbb\xbfsection;week;municipality;dimension;value;count\r\n")
    assert {"section": "questions", "week": "all", "municipality": "all", "dimension": "language",
            "value": "uk", "count": "36"} in csv_rows(data)  # fmt: skip
    db.dispose()


def test_charts_for_right_to_left_readers_are_labelled_in_the_default_language() -> None:
    assert chart_language("uk", "de") == "uk"
    assert chart_language("ar", "de") == "de" and chart_language("fa", "ar") == "en"
