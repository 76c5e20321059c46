"""Client codes and notes: short codes pass, names, phone numbers and e-mails never do."""

from __future__ import annotations

import time
from contextlib import suppress

import pytest

from bot.referrals.codes import EMAIL, NOTE_MAX, PHONE, Refused, client_code, mask, note

#: Generous: a slow, shared CI machine (bench/abuse.py measures; these took 0.1-0.3 s before).
GUARD_SECONDS = 0.5
#: 4,096 characters (a whole Telegram message) that made the old patterns retry every start.
HOSTILE = {
    "letters": "a" * 4096,
    "a.a.": "a." * 2048,
    "a.a. then @": "a." * 2047 + "@",
    "x@ then letters": "x@" + "a" * 4094,
    "@ then a.a.": "@" + "a." * 2047,
    "a@a@": "a@" * 2048,
    "digits": "1" * 4096,
    "digits and spaces": "1 " * 2048,
    "digits and dots": "1." * 2048,
    "herr herr": "herr " * 819,
}


@pytest.mark.parametrize(
    "typed, code",
    [
        ("A17", "A17"),
        ("kd-3", "KD-3"),
        (" 2024-7 ", "2024-7"),
        ("x1", "X1"),
        ("AB12CD34EF56", "AB12CD34EF56"),
    ],
)
def test_short_codes_are_taken_in_capitals(typed: str, code: str) -> None:
    assert client_code(typed) == code


@pytest.mark.parametrize(
    "typed, why",
    [
        ("Ahmad Karimi", "name"),
        ("Ahmad", "name"),
        ("أحمد كريمي", "name"),
        ("Олена Шевченко", "name"),
        ("ahmad@example.org", "email"),
        ("+49 170 1234567", "phone"),
        ("0221/123456", "phone"),
        ("A 17", "format"),
        ("A17!", "format"),
        ("ABCDEFGHIJK12", "format"),  # 13 characters
        ("", "format"),
        ("-17", "format"),
    ],
)
def test_names_contacts_and_odd_codes_are_refused(typed: str, why: str) -> None:
    with pytest.raises(Refused) as refused:
        client_code(typed)
    assert refused.value.code == why


def test_a_note_keeps_its_text_but_no_contact_details_or_names() -> None:
    assert note("  Braucht Hilfe bei der Bewerbung, ab 10 Uhr  ") == (
        "Braucht Hilfe bei der Bewerbung, ab 10 Uhr"
    )
    assert note("") == ""
    for text, why in (
        ("Mail an a.b@example.org", "email"),
        ("Tel. 0170 1234567", "phone"),
        ("Bitte Frau Karimi fragen", "name"),
        ("Please ask Mr Smith", "name"),
        ("x" * (NOTE_MAX + 1), "long"),
    ):
        with pytest.raises(Refused) as refused:
            note(text)
        assert refused.value.code == why, text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Frau Karimi hat angerufen", "Frau [name] hat angerufen"),
        ("Ruf an: 0221 123 4567!", "Ruf an: [phone]!"),
        ("+49 176 12345678", "[phone]"),
        ("Mail an a.b@web.de, bitte", "Mail an [e-mail], bitte"),
        (
            "Kurs ab 2027-01-10 oder 10.01.2027, Raum 12",
            "Kurs ab 2027-01-10 oder 10.01.2027, Raum 12",
        ),
        ("Wer darf bei Durchstarten mitmachen?", "Wer darf bei Durchstarten mitmachen?"),
    ],
)
def test_a_free_text_kept_for_others_loses_contact_details_and_names(text: str, kept: str):
    assert mask(text) == kept


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_scrubbing_a_whole_hostile_message_takes_no_time(text: str) -> None:
    start = time.perf_counter()
    mask(text)
    for check in (client_code, note):
        with suppress(Refused):
            check(text)
    assert time.perf_counter() - start < GUARD_SECONDS


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("a" * 3000 + "@example.org", EMAIL),
        ("x" * 3000 + " a@b.de", "x" * 3000 + " " + EMAIL),
        ("a." * 2000 + "b@example.org!", EMAIL + "!"),
        ("first.last+tag@mail.example.co.uk.", EMAIL + "."),
        # The second address starts in the run of address characters the first one ends in.
        ("a@b.de.+c@d.org", EMAIL + EMAIL),
        ("a@b@c.de", "a@" + EMAIL),
        ("a@b, @example.org, a@.de", "a@b, @example.org, a@.de"),
        ("Tel " + "0" * 3000, "Tel " + PHONE),
    ],
)
def test_addresses_are_masked_wherever_they_stand_in_a_long_run(text: str, kept: str) -> None:
    assert mask(text) == kept


def test_a_long_run_with_an_address_is_refused_as_an_address() -> None:
    with pytest.raises(Refused) as refused:
        client_code("a" * 4000 + "@example.org")
    assert refused.value.code == "email"
    with pytest.raises(Refused) as refused:
        client_code("a." * 2000)
    assert refused.value.code == "format"
