"""Statistics for admins: periods, counting, the scope, chart and CSV (the hiding rule:
tests/admin/test_stats_hiding.py)."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select

from bot.admin.chart import NOTE, Names, chart_language, chart_png, csv_bytes, title
from bot.admin.periods import (
    MONTH,
    QUARTER,
    YEAR,
    Asked,
    PeriodError,
    is_period_word,
    last,
    month,
    of_code,
    parse,
    quarter,
    year,
)
from bot.admin.stats import HIDDEN, build, report
from bot.admin.suppression import ALL, TOTAL
from bot.answers.stats import record_question
from bot.db.migrate import upgrade
from bot.db.models import QuestionStat, Referral, SearchStat
from bot.db.session import Database
from bot.i18n import SUPPORTED_LANGUAGES, translator
from bot.matching.stats import record_miss, record_search

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 23)  # a Monday
BERLIN = ZoneInfo("Europe/Berlin")
NOV = month(2026, 11)
NAMES = Names({"koeln": "Köln", "bonn": "Bonn"}, {})


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
    """Read the CSV as a spreadsheet user's script would: skip the "#" lines."""
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines(keepends=True)
    table = "".join(line for line in lines if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(table), delimiter=";"))


@pytest.mark.parametrize(
    ("kind", "wanted"),
    [(MONTH, month(2026, 10)), (QUARTER, quarter(2026, 3)), (YEAR, year(2025))],
)
def test_the_buttons_offer_the_last_month_quarter_and_year_that_have_ended(kind, wanted) -> None:
    assert last(kind, TODAY) == wanted
    assert last(MONTH, date(2027, 1, 1)) == month(2026, 12)  # the 31st ended at midnight
    assert last(QUARTER, date(2027, 1, 1)) == quarter(2026, 4)


def test_periods_are_named_by_codes_and_know_their_months_quarters_and_weeks() -> None:
    assert [s.code for s in (NOV, quarter(2026, 4), year(2026))] == ["2026-11", "2026-Q4", "2026"]
    assert of_code("2026-q4") == quarter(2026, 4) and of_code("2026-13") is None
    assert year(2026).quarters() == [quarter(2026, n) for n in (1, 2, 3, 4)]
    assert quarter(2026, 4).months() == [month(2026, m) for m in (10, 11, 12)]
    assert NOV.quarters() == [] and month(2026, 2).end == date(2026, 2, 28)
    # November 2026 starts on a Sunday: that day is a week of its own in November
    assert NOV.weeks() == [date(2026, 11, d) for d in (1, 2, 9, 16, 23, 30)]


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("2026-10", Asked(month(2026, 10))),
        ("2026-Q3", Asked(quarter(2026, 3))),
        ("2025", Asked(year(2025))),
        ("2026-01-01 2026-03-31", Asked(quarter(2026, 1))),
        ("2026-10-01..2026-10-31", Asked(month(2026, 10))),
        ("2026-10-05 2026-10-18", Asked(month(2026, 10), (date(2026, 10, 5), date(2026, 10, 18)))),
        ("2026-02-10 2026-03-02", Asked(quarter(2026, 1), (date(2026, 2, 10), date(2026, 3, 2)))),
        ("2026-03-31 2026-04-01", Asked(year(2026), (date(2026, 3, 31), date(2026, 4, 1)))),
        ("2026-10-07", Asked(month(2026, 10), (date(2026, 10, 7), date(2026, 10, 7)))),
    ],
)
def test_a_typed_period_is_read_and_snapped_to_the_month_quarter_or_year_holding_it(
    text: str, wanted: Asked
) -> None:
    assert parse(text, date(2027, 1, 4)) == wanted


@pytest.mark.parametrize(
    ("text", "code"),
    [("last week", "format"), ("2026-02-30 2026-03-01", "format"), ("2026-13", "format"),
     ("2026-03-01 2026-02-01", "order"), ("2025-12-01 2026-01-31", "long"),
     ("2026-11", "open"), ("2026-11-01 2026-11-15", "open"), ("2026", "open")],
)  # fmt: skip
def test_a_typed_period_that_cannot_be_used_says_why(text: str, code: str) -> None:
    with pytest.raises(PeriodError) as error:
        parse(text, TODAY)
    assert error.value.code == code
    assert (error.value.period is not None) == (code == "open")


def test_only_digits_and_their_joins_are_read_as_a_period_not_as_a_municipality() -> None:
    assert all(map(is_period_word, ["2026", "2026-Q3", "2026-01-01..2026-03-31", "–"]))
    assert not any(map(is_period_word, ["Köln", "Hamm", "Mülheim-an-der-Ruhr", "koeln-2"]))


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


def test_a_month_is_counted_by_its_weeks_cut_at_its_first_and_last_day(database_url: str) -> None:
    db = database(database_url)
    questions(
        db,
        [(date(2026, 10, 31), "koeln", "de", "answered", 50),  # Saturday: October
         (date(2026, 11, 1), "koeln", "de", "answered", 11),  # Sunday: November's first week
         (date(2026, 11, 2), "koeln", "de", "answered", 12),  # Monday
         (date(2026, 11, 8), "koeln", "de", "answered", 13),  # Sunday
         (date(2026, 11, 30), "koeln", "de", "answered", 14),  # Monday, the last day
         (date(2026, 12, 1), "koeln", "de", "answered", 60)],  # December
    )  # fmt: skip
    with db.session() as session:
        built = report(session, NOV, None, BERLIN)
        fourth = report(session, quarter(2026, 4), None, BERLIN)
    weeks = {w: built.value(("questions", w, "koeln", TOTAL, ALL)) for w in built.parts}
    assert weeks == {"2026-11-01": 11, "2026-11-02": 25, "2026-11-09": 0, "2026-11-16": 0,
                     "2026-11-23": 0, "2026-11-30": 14}  # fmt: skip
    assert built.values("questions", TOTAL) == {ALL: 50}
    assert fourth.parts == ["2026-10", "2026-11", "2026-12"]
    by_month = {m: fourth.value(("questions", m, "koeln", TOTAL, ALL)) for m in fourth.parts}
    assert by_month == {"2026-10": 50, "2026-11": 50, "2026-12": 60}
    assert fourth.values("questions", TOTAL) == {ALL: 160}
    db.dispose()


def test_an_admin_sees_only_their_municipality_and_the_same_numbers_as_a_superadmin(
    database_url: str,
) -> None:
    db = database(database_url)
    day = date(2026, 11, 20)
    questions(db, [(day, "koeln", "de", "answered", 30), (day, "koeln", "fa", "answered", 3),
                   (day, "bonn", "de", "answered", 7), (day, None, "de", "answered", 6)])  # fmt: skip
    with db.session() as session:
        everyone = report(session, NOV, None, BERLIN)
        koeln = report(session, NOV, frozenset({"koeln"}), BERLIN)
        both = report(session, NOV, frozenset({"koeln", "bonn"}), BERLIN)
    assert everyone.municipalities == ("bonn", "koeln", "unknown") and everyone.place == ALL
    assert everyone.value(("questions", NOV.code, ALL, TOTAL, ALL)) == 46
    assert everyone.value(("questions", NOV.code, "unknown", "outcome", "answered")) == 6
    assert koeln.municipalities == ("koeln",) and koeln.place == "koeln"
    assert {key[2] for key in koeln.counts} == {"koeln"}
    assert {k: koeln.value(k) for k in koeln.counts} == {k: everyone.value(k) for k in koeln.counts}
    # Köln and Bonn together: only sums of shown numbers (Köln's total of 33 is shown)
    assert both.place == ALL and {key[2] for key in both.counts} == {"koeln", "bonn", ALL}
    assert both.value(("questions", NOV.code, ALL, TOTAL, ALL)) == 40
    assert both.value(("questions", NOV.code, ALL, "language", "fa")) is None
    db.dispose()


def test_referrals_count_on_their_local_day_without_reading_who_or_what(database_url: str) -> None:
    db = database(database_url)
    late = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # Sunday 1 November in Berlin
    common = {"offer_id": "x", "client_code": "A17", "note": "private", "updated_at": late}
    with db.session() as session:
        session.execute(
            insert(Referral),
            [common | {"offer_type": "coaching", "municipality": "koeln", "state": s, "created_at": late}
             for s in ["accepted"] * 6 + ["declined"]],
        )  # fmt: skip
        built = report(session, NOV, None, BERLIN)
        october = report(session, month(2026, 10), None, BERLIN)
    assert built.value(("referrals", "2026-11-01", "koeln", "state", "accepted")) is None  # the 1
    assert built.value(("referrals", NOV.code, "koeln", "offer_type", "coaching")) == 7
    assert october.counts == {}
    assert "A17" not in csv_bytes(built, translator("en"), NAMES).decode("utf-8-sig")
    db.dispose()


def test_the_chart_is_a_png_and_the_csv_opens_in_excel_with_the_note_on_top(
    database_url: str,
) -> None:
    db = database(database_url)
    questions(
        db,
        [(date(2026, m, d), town, "uk", "answered", 6)
         for m in (10, 11, 12) for d in (3, 10, 17) for town in ("koeln", "bonn")],
    )  # fmt: skip
    with db.session() as session:
        record_search(session, date(2026, 11, 20), "koeln", "coaching")
        built = report(session, quarter(2026, 4), None, BERLIN)
    png = chart_png(built, translator("uk"), NAMES)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 20_000 < len(png) < 2_000_000
    data = csv_bytes(built, translator("de"), NAMES)
    first, second, header = data.decode("utf-8-sig").split("\r\n")[:3]
    assert first == "# " + title(translator("de"), built, NAMES)
    assert "01.10.2026" in first and "31.12.2026" in first
    assert second == "# " + translator("de")(NOTE) and "<5" in second
    assert header == "section;period;municipality;dimension;value;count"
    rows = csv_rows(data)
    assert {"section": "questions", "period": "2026-Q4", "municipality": "all",
            "dimension": "language", "value": "uk", "count": "108"} in rows  # fmt: skip
    assert {"section": "searches", "period": "2026-11", "municipality": "koeln",
            "dimension": "total", "value": "all", "count": HIDDEN} in rows  # fmt: skip
    db.dispose()


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_the_csv_note_is_one_comment_line_in_every_language(lang: str) -> None:
    t = translator(lang)
    built = build(NOV, None, [])
    lines = csv_bytes(built, t, NAMES).decode("utf-8-sig").split("\r\n")
    assert lines[1] == "# " + " ".join(t(NOTE).replace(";", ",").replace('"', "'").split())
    for line in lines[:2]:
        assert line.startswith("# ") and ";" not in line and '"' not in line
    assert lines[2].startswith("section;")


def test_charts_for_right_to_left_readers_are_labelled_in_the_default_language() -> None:
    assert chart_language("uk", "de") == "uk"
    assert chart_language("ar", "de") == "de" and chart_language("fa", "ar") == "en"


def test_charts_drawn_in_two_threads_at_once_are_the_charts_drawn_one_after_the_other() -> None:
    """/stats draws in worker threads: matplotlib's object API only, no pyplot state."""
    day = date(2026, 11, 17)
    facts = [("questions", day, town, ((TOTAL, ALL), ("outcome", "answered"), ("language", lang)), n)
             for town in ("koeln", "bonn") for lang, n in (("de", 30), ("ar", 12), ("fa", 3))]  # fmt: skip
    built = build(NOV, None, facts)
    alone = chart_png(built, translator("de"), NAMES)
    drawn: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: drawn.append(chart_png(built, translator("de"), NAMES)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert drawn == [alone, alone]
    source = (ROOT / "bot" / "admin" / "chart.py").read_text(encoding="utf-8")
    assert "pyplot" not in source and "matplotlib.use" not in source
