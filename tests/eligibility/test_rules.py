"""The rules engine over the shipped programs: cases as data, plus the edge semantics."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.loader import load_content
from bot.catalog.schema import Content, Program
from bot.eligibility.engine import (
    ELIGIBLE,
    NOT_ELIGIBLE,
    UNKNOWN,
    FactError,
    Facts,
    age_on,
    check,
    evaluate,
    next_fact,
    resolve,
)

CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rule_case(case: dict, shipped_content: Content):
    content = load_content(ROOT / case["content"]) if "content" in case else shipped_content
    audience = case.get("audience", "person")
    found = check(content, Facts(**case["facts"]), case["date"], audience=audience)
    verdicts = {v.program: v for v in found}
    for program, expected in case["expect"].items():
        assert verdicts[program].result == expected, (program, verdicts[program])
    for program, missing in case.get("missing", {}).items():
        assert list(verdicts[program].missing) == missing


def test_only_person_programs_are_listed(shipped_content: Content):
    ids = {v.program for v in check(shipped_content, Facts(), date(2026, 11, 23))}
    assert "durchstarten-innovationsfonds" not in ids
    assert "durchstarten-teilhabemanagement" not in ids
    assert {"gemeinsam-klappts", "durchstarten", "durchstarten-coaching"} <= ids


def test_teilhabemanagement_follows_the_alliance_of_the_municipality(shipped_content: Content):
    on = date(2026, 11, 23)
    koeln = check(shipped_content, Facts(municipality="koeln"), on, audience="municipality")
    assert {v.program: v.result for v in koeln}["durchstarten-teilhabemanagement"] == ELIGIBLE
    unknown_town = next(m for m in shipped_content.municipalities.values() if m.alliance is None)
    other = check(shipped_content, Facts(municipality=unknown_town.id), on, audience="municipality")
    assert {v.program: v.result for v in other}["durchstarten-teilhabemanagement"] == UNKNOWN


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        (Facts(birth_date=date(2030, 1, 1)), "birth_date_in_future"),
        (Facts(age=30, birth_date=date(2000, 1, 1)), "age_contradicts_birth_date"),
        (Facts(age=250), "age_out_of_range"),
        (Facts(age=-1), "age_out_of_range"),
        (Facts(municipality="atlantis"), "unknown_municipality"),
        (Facts(municipality="koeln", lives_in_nrw=False), "municipality_contradicts_nrw"),
    ],
)
def test_impossible_facts_are_refused(facts: Facts, code: str, shipped_content: Content):
    with pytest.raises(FactError) as caught:
        resolve(facts, shipped_content, date(2026, 11, 23))
    assert caught.value.code == code


def test_any_is_true_when_one_part_holds():
    program = Program(
        id="p",
        audience="person",
        source="s",
        translations={"de": {"title": "P"}},
        eligibility={
            "any": [{"fact": "age", "max": 20}, {"fact": "residence_status", "equals": "eu"}]
        },
    )
    assert evaluate(program, {"age": 25, "residence_status": "eu"}).result == ELIGIBLE
    assert evaluate(program, {"age": 25}).result == UNKNOWN
    assert evaluate(program, {"age": 25, "residence_status": "duldung"}).result == NOT_ELIGIBLE
    assert evaluate(program, {"age": 19}).result == ELIGIBLE


def test_the_next_question_follows_the_fact_order(shipped_content: Content):
    verdicts = check(shipped_content, Facts(), date(2026, 11, 23))
    assert next_fact(verdicts) == "age"
    verdicts = check(shipped_content, Facts(age=20), date(2026, 11, 23))
    assert next_fact(verdicts) == "residence_status"


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2026, 12, 31)), st.integers(0, 20000))
def test_age_grows_by_one_exactly_on_birthdays(birth: date, days: int):
    from datetime import timedelta

    day = birth + timedelta(days=days)
    age = age_on(birth, day)
    assert age >= 0
    assert age == age_on(birth, day - timedelta(days=1)) or (day.month, day.day) in {
        (birth.month, birth.day),
        (3, 1),
    }


def test_an_unknown_alliance_is_not_asked_again_as_the_municipality(shipped_content: Content):
    town = next(m for m in shipped_content.municipalities.values() if m.alliance is None)
    on = date(2026, 11, 23)
    verdicts = check(shipped_content, Facts(municipality=town.id), on, audience="municipality")
    block6 = {v.program: v for v in verdicts}["durchstarten-teilhabemanagement"]
    assert block6.missing == ("municipality.alliance",)
    assert next_fact(verdicts) is None
    without = check(shipped_content, Facts(), on, audience="municipality")
    assert {v.program: v for v in without}["durchstarten-teilhabemanagement"].missing == (
        "municipality",
    )
