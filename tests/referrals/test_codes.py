"""Client codes and notes: short codes pass, names, phone numbers and e-mails never do."""

from __future__ import annotations

import pytest

from bot.referrals.codes import NOTE_MAX, Refused, client_code, mask, note


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
