"""The words after an appointment's time: title, place, client code and length, quickly."""

from __future__ import annotations

import time

import pytest

from bot.appointments.titles import details
from bot.referrals.codes import Refused


def test_the_details_are_split_into_title_place_code_and_minutes() -> None:
    assert details("Jobcenter @ Rathaus #A17 90 min") == ("Jobcenter", "Rathaus", "A17", 90)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("#" + "1" * 4095, "phone"),
        ("#" + "a." * 2047 + "a", "format"),
        ("#" + "a" * 4000 + "@example.org", "email"),
        ("Termin #A17 " + "x" * 4000, "long"),
        ("Termin " + "90 min " * 580, "long"),
    ],
    ids=["digits", "a.a.", "address", "long title", "many lengths"],
)
def test_a_whole_hostile_message_as_details_is_refused_quickly(text: str, why: str) -> None:
    start = time.perf_counter()
    with pytest.raises(Refused) as refused:
        details(text)
    assert time.perf_counter() - start < 0.5  # generous: a slow, shared CI machine
    assert refused.value.code == why
