"""/stats hides every count under 5, and only what would give one of them away.

Reports are built from facts here (no database): bot.admin.stats.build is what
bot.admin.stats.report calls after its queries. tests/admin/stats_reader.py is a reader
written apart from the code under test: it works out what it can from published numbers.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.admin.cube import Fact, week_part
from bot.admin.periods import Period, month, parse, quarter, year
from bot.admin.stats import Report, build
from bot.admin.suppression import ALL, TOTAL, Disclosure
from tests.admin.stats_reader import given_away, needless, published

NOV, Q4 = month(2026, 11), quarter(2026, 4)
TODAY = date(2027, 1, 4)


def asked(day: date, town: str | None, lang: str, outcome: str, n: int) -> Fact:
    values = ((TOTAL, ALL), ("outcome", outcome), ("language", lang))
    return "questions", week_part(day), town, values, n


def checked(day: date, town: str | None, results: tuple[str, str], n: int) -> list[Fact]:
    """n checks with the same results for both programs (every check counts every program)."""
    return [
        ("checks", week_part(day), town, ((program, result),), n)
        for program, result in zip(("p1", "p2"), results, strict=True)
    ]


def made(span: Period, facts: list[Fact], scope: frozenset[str] | None = None) -> Report:
    """Build a report as report() would, from the facts of the period."""
    return build(span, scope, [f for f in facts if span.start <= f[1] <= span.end])


def shown(report: Report, when: str, place: str, dimension: str, value: str = ALL) -> int | None:
    return report.value(("questions", when, place, dimension, value))


def test_koelns_26_and_16_are_shown_and_the_nrw_sums_hide_the_small_2_instead() -> None:
    # the shape of the finding: Köln 10 in German + 16 in Farsi = 26; elsewhere 2 in Farsi
    day = date(2026, 11, 17)
    facts = [asked(day, "koeln", "de", "answered", 10), asked(day, "koeln", "fa", "unanswered", 16),
             asked(day, "dorf", "fa", "answered", 2)]  # fmt: skip
    nrw = made(NOV, facts)
    m = NOV.code
    assert shown(nrw, m, "koeln", TOTAL) == 26 and shown(nrw, m, "koeln", "language", "fa") == 16
    assert shown(nrw, m, "koeln", "language", "de") == shown(nrw, m, ALL, "language", "de") == 10
    assert shown(nrw, m, "koeln", "outcome", "answered") == 10
    assert shown(nrw, m, ALL, "outcome", "unanswered") == 16
    # the 2 is hidden; so is every sum over municipalities that has it beside Köln's numbers
    assert shown(nrw, m, "dorf", TOTAL) is None
    assert shown(nrw, m, ALL, TOTAL) is None  # 28 - 26
    assert shown(nrw, m, ALL, "language", "fa") is None  # 18 - 16
    assert shown(nrw, m, ALL, "outcome", "answered") is None  # 12 - 10
    koeln = made(NOV, facts, frozenset({"koeln"}))  # the admin of Köln sees the same
    assert {k: koeln.value(k) for k in koeln.counts} == {k: nrw.value(k) for k in koeln.counts}
    assert given_away([nrw, koeln]) == {} and needless([nrw, koeln]) == []


def test_a_much_bigger_sum_over_municipalities_is_shown_and_a_small_municipality_hides_instead() -> (
    None
):
    day = date(2026, 11, 17)
    facts = [asked(day, "koeln", "de", "answered", 300), asked(day, "bonn", "de", "answered", 200),
             asked(day, "dorf", "de", "answered", 3), asked(day, "hamm", "de", "answered", 8)]  # fmt: skip
    built = made(NOV, facts)
    towns = {town: shown(built, NOV.code, town, TOTAL) for town in built.municipalities}
    assert shown(built, NOV.code, ALL, TOTAL) == 511
    assert towns == {"bonn": 200, "dorf": None, "hamm": None, "koeln": 300}  # 511 - 500 = 11
    assert given_away([built]) == {} and needless([built]) == []


def test_one_small_count_in_a_row_with_a_shown_total_hides_the_smallest_other_one() -> None:
    day = date(2026, 11, 17)
    facts = [asked(day, "koeln", "de", "answered", 10), asked(day, "koeln", "ar", "answered", 12),
             asked(day, "koeln", "fa", "answered", 4)]  # fmt: skip
    built = made(NOV, facts)
    languages = built.values("questions", "language")
    assert languages == {"ar": 12, "de": None, "fa": None}
    assert built.values("questions", TOTAL) == {ALL: 26}  # 26 - 12 = 14: de and fa together
    assert given_away([built]) == {} and needless([built]) == []


def test_hidden_counts_that_can_only_be_ones_are_protected_too() -> None:
    day = date(2026, 11, 17)
    facts = [asked(day, "koeln", "de", "answered", 10), asked(day, "koeln", "fa", "answered", 1),
             asked(day, "koeln", "tr", "answered", 1)]  # fmt: skip
    built = made(NOV, facts)
    # 12 - 10 = 2 over two hidden cells would make both 1: the 10 goes too
    assert built.values("questions", "language") == {"de": None, "fa": None, "tr": None}
    assert built.values("questions", TOTAL) == {ALL: 12}
    assert given_away([built]) == {}


def test_a_small_count_cannot_be_read_off_the_other_program_of_the_same_checks() -> None:
    day = date(2026, 11, 17)
    facts = [*checked(day, "koeln", ("eligible", "eligible"), 8),
             *checked(day, "koeln", ("eligible", "not_eligible"), 2),
             *checked(day, "koeln", ("not_eligible", "not_eligible"), 6)]  # fmt: skip
    built = made(NOV, facts)
    # p1: 10 eligible, 6 not; p2: 8 eligible, 8 not; 16 checks, which no report shows
    p1, p2 = built.values("checks", "p1"), built.values("checks", "p2")
    assert p2 == {"eligible": 8, "not_eligible": 8}
    assert p1 == {"eligible": 10, "not_eligible": 6}
    small = [*checked(day, "bonn", ("eligible", "eligible"), 9),
             *checked(day, "bonn", ("eligible", "not_eligible"), 3)]  # fmt: skip
    bonn = made(NOV, small)  # p1: 12 eligible; p2: 9 eligible, 3 not: 12 - 9 would give it
    assert bonn.values("checks", "p2") == {"eligible": None, "not_eligible": None}
    assert bonn.values("checks", "p1") == {"eligible": 12}
    assert given_away([bonn]) == {}


def test_a_quarter_does_not_give_away_the_one_small_month_inside_it() -> None:
    facts = [asked(date(2026, 10, 14), "koeln", "fa", "answered", 30),
             asked(date(2026, 11, 18), "koeln", "fa", "answered", 2),
             asked(date(2026, 12, 9), "koeln", "fa", "answered", 25)]  # fmt: skip
    facts += [asked(date(2026, m, 9), "koeln", "de", "answered", 40) for m in (10, 11, 12)]
    reports = [made(span, facts) for span in (*Q4.months(), Q4)]
    whole = reports[-1]
    # 57 in Farsi over the quarter, minus the 30 of October and the 25 of December: 2
    assert whole.value(("questions", Q4.code, "koeln", "language", "fa")) is None
    assert whole.value(("questions", "2026-10", "koeln", "language", "fa")) == 30
    assert given_away(reports) == {} and needless(reports) == []


def test_periods_that_differ_by_a_day_are_the_same_report() -> None:
    november = parse("2026-11-01 2026-11-30", TODAY)
    shorter = parse("2026-11-01 2026-11-29", TODAY)
    assert november.period == shorter.period == NOV
    assert november.typed is None and shorter.typed == (date(2026, 11, 1), date(2026, 11, 29))


def test_revealing_is_refused_for_a_secret_and_undone_when_it_would_give_one_away() -> None:
    counts = [26, 12, 10, 4]  # a total and its three terms
    reader = Disclosure(counts)
    reader.add_group([1, 2, 3], 0)
    assert reader.reveal(0) and reader.reveal(1)
    assert not reader.reveal(3)  # a secret
    assert not reader.reveal(2)  # 26 - 12 - 10 = 4
    assert list(reader.known) == [1, 1, 0, 0]
    reader.add_group([3], 2)  # a sum that gives the secret away from what is known: noted
    assert reader.leaked == set()


DAYS = [date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2),
        date(2026, 11, 18), date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 27)]  # fmt: skip
TOWNS = ["koeln", "bonn", None]
questions = st.builds(
    asked,
    st.sampled_from(DAYS),
    st.sampled_from(TOWNS),
    st.sampled_from(["de", "ar", "fa"]),
    st.sampled_from(["answered", "unanswered"]),
    st.integers(1, 12),
)
checks = st.builds(
    checked,
    st.sampled_from(DAYS),
    st.sampled_from(TOWNS),
    st.tuples(*[st.sampled_from(["eligible", "not_eligible"])] * 2),
    st.integers(1, 9),
)


def audiences(facts: list[Fact], span: Period) -> Iterable[tuple[list[Report], bool]]:
    """Yield what one reader may see of a period and the periods inside it: a superadmin
    (all of NRW and each municipality: everything), the admin of Köln and Bonn (both, and
    each: a part, where some numbers are hidden for what only the superadmin sees)."""
    spans = [*span.months(), *span.quarters(), *([span] if span.kind == "year" else [])]
    single = [made(s, facts, frozenset({town})) for s in spans for town in ("koeln", "bonn")]
    yield [made(s, facts) for s in spans] + single, True
    yield [made(s, facts, frozenset({"koeln", "bonn"})) for s in spans] + single, False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions, max_size=25), st.lists(checks, max_size=6))
def test_no_reader_of_any_reports_can_work_out_a_small_count_and_nothing_else_is_hidden(
    asked_: list[Fact], checked_: list[list[Fact]]
) -> None:
    facts = asked_ + [fact for pair in checked_ for fact in pair]
    for reports, everything in audiences(facts, Q4):
        _, hidden, true = published(reports)  # also: every report shows a cell alike
        assert {key for key, count in true.items() if count < 5} <= hidden
        assert given_away(reports) == {}
        assert not everything or needless(reports) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_a_year_of_months_quarters_and_the_year_gives_no_small_count_away(seed: int) -> None:
    rng = random.Random(seed)
    facts: list[Fact] = []
    for back in range(0, 365, 3):
        day = date(2026, 1, 1) + timedelta(days=back)
        for town in TOWNS:
            if rng.random() < 0.5:
                lang, outcome = rng.choice(["de", "ar", "fa", "uk"]), rng.choice(["answered", "un"])
                facts.append(asked(day, town, lang, outcome, rng.choice([1, 1, 2, 3, 6, 9])))
    for reports, everything in audiences(facts, year(2026)):
        assert given_away(reports) == {}
        assert not everything or needless(reports) == []
