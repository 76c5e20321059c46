"""The check asks only what a verdict still needs, in order, and never the same thing twice."""

from __future__ import annotations

from datetime import date

from bot.catalog.schema import Content
from bot.eligibility.engine import ELIGIBLE, NOT_ELIGIBLE, UNKNOWN, Facts
from bot.eligibility.interview import (
    AGE,
    IN_NRW,
    OUTSIDE_NRW,
    PLACE,
    STATUS,
    Interview,
    next_question,
    valid,
)

ON = date(2026, 11, 23)


def results(verdicts) -> dict[str, str]:
    return {v.program: v.result for v in verdicts}


def test_the_questions_come_in_fact_order_until_nothing_is_needed(shipped_content: Content):
    interview = Interview()
    asked = []
    answers = {AGE: 23, STATUS: "duldung", PLACE: "koeln"}
    while (question := next_question(shipped_content, interview, ON)[0]) is not None:
        asked.append(question)
        interview = interview.answer(question, answers[question])
    assert asked == [AGE, STATUS, PLACE]
    verdicts = next_question(shipped_content, interview, ON)[1]
    assert set(results(verdicts).values()) == {ELIGIBLE}


def test_an_age_outside_every_range_needs_no_further_question(shipped_content: Content):
    question, verdicts = next_question(shipped_content, Interview().answer(AGE, 30), ON)
    assert question is None
    assert set(results(verdicts).values()) == {NOT_ELIGIBLE}


def test_i_dont_know_leaves_the_fact_open_and_is_not_asked_again(shipped_content: Content):
    interview = Interview().answer(AGE, None)
    assert next_question(shipped_content, interview, ON)[0] == STATUS
    interview = interview.answer(STATUS, "gestattung").answer(PLACE, IN_NRW)
    question, verdicts = next_question(shipped_content, interview, ON)
    assert question is None
    assert set(results(verdicts).values()) == {UNKNOWN}
    assert all(v.missing == ("age",) for v in verdicts)


def test_a_birth_date_counts_as_the_age_on_the_day_asked(shipped_content: Content):
    interview = Interview().answer(AGE, date(1998, 11, 24))
    assert interview.facts() == Facts(birth_date=date(1998, 11, 24))
    interview = interview.answer(STATUS, "duldung").answer(PLACE, "koeln")
    assert set(results(next_question(shipped_content, interview, ON)[1]).values()) == {ELIGIBLE}
    a_day_later = date(2026, 11, 24)  # the 28th birthday
    assert set(results(next_question(shipped_content, interview, a_day_later)[1]).values()) == {
        NOT_ELIGIBLE
    }


def test_back_takes_the_last_answer_away():
    interview = Interview().answer(AGE, 23).answer(STATUS, "duldung")
    assert interview.back() == Interview().answer(AGE, 23)
    assert interview.back().back().step == 0


def test_place_answers_give_the_municipality_or_only_whether_in_nrw():
    assert Interview().answer(PLACE, "koeln").facts() == Facts(municipality="koeln")
    assert Interview().answer(PLACE, IN_NRW).facts() == Facts(lives_in_nrw=True)
    assert Interview().answer(PLACE, OUTSIDE_NRW).facts() == Facts(lives_in_nrw=False)
    assert Interview().answer(PLACE, None).facts() == Facts()


def test_pressed_values_are_checked_against_the_question(shipped_content: Content):
    assert valid(STATUS, "duldung", shipped_content)
    assert not valid(STATUS, "refugee", shipped_content)
    assert valid(PLACE, "koeln", shipped_content)
    assert not valid(PLACE, "atlantis", shipped_content)
    assert valid(PLACE, None, shipped_content)
