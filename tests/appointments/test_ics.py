"""Calendar files: exact output, folding at 75 octets, escaping, UTC, cancelling, file names."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.appointments.ics import calendar_file, file_name

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = datetime(2026, 11, 20, 9, 30, 15, tzinfo=UTC)


def make(**overrides) -> bytes:
    values = {
        "uid": "appointment-42@lotse",
        "starts": datetime(2026, 11, 24, 14, 0, tzinfo=BERLIN),
        "minutes": 45,
        "title": "Jobcenter",
        "place": None,
        "description": None,
        "stamp": STAMP,
    }
    values.update(overrides)
    return calendar_file(**values)


def unfold(data: bytes) -> list[str]:
    """Content lines with folds undone (RFC 5545, 3.1), decoded after unfolding."""
    assert data.endswith(b"\r\n")
    joined = re.sub(rb"\r\n[ \t]", b"", data)
    return joined.decode("utf-8").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def properties(data: bytes) -> dict[str, str]:
    """The VEVENT's and VCALENDAR's properties by name (no parameters used here), unescaped."""
    found: dict[str, str] = {}
    for line in unfold(data):
        name, _, value = line.partition(":")
        if name in ("BEGIN", "END"):
            continue
        assert name not in found, f"{name} twice"
        found[name] = unescape(value)
    return found


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def test_simple_event_exact_output():
    data = make(place="Jobcenter Köln, Raum 3", description="Pass mitbringen")
    assert data.decode("utf-8") == (
        "BEGIN:VCALENDAR\r\n"
        "PRODID:-//Lotse//Termine//DE\r\n"
        "VERSION:2.0\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:appointment-42@lotse\r\n"
        "DTSTAMP:20261120T093015Z\r\n"
        "DTSTART:20261124T130000Z\r\n"
        "DTEND:20261124T134500Z\r\n"
        "SEQUENCE:0\r\n"
        "STATUS:CONFIRMED\r\n"
        "SUMMARY:Jobcenter\r\n"
        "LOCATION:Jobcenter Köln\\, Raum 3\r\n"
        "DESCRIPTION:Pass mitbringen\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def test_no_alarm_and_optional_properties_left_out():
    data = make(place=None, description="")
    found = properties(data)
    assert "LOCATION" not in found
    assert "DESCRIPTION" not in found
    assert b"VALARM" not in data
    assert b"\n" not in data.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    "title",
    [
        "موعد في مكتب الأجانب لتجديد الإقامة، يرجى إحضار جواز السفر والصور والعقد",
        "Встреча в центре занятости по вопросу пособия и курсов немецкого языка",
        "🎉📅🧑‍🤝‍🧑🇩🇪 " * 12,
        "a" * 61 + "ü" * 20,  # "SUMMARY:" + 61 = 69; the 2-octet ü must not straddle 75
        "x" * 66 + "😀" * 10,  # the 4-octet emoji lands across the 75th octet
    ],
)
def test_folding_at_75_octets_with_multibyte_titles(title):
    data = make(title=title, place=title, description=title + "\n" + title)
    lines = physical_lines(data)
    for index, line in enumerate(lines):
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line stands alone as UTF-8
        if index and line.startswith(b" "):
            assert len(lines[index - 1]) > 70  # folded only when (nearly) full
    assert any(line.startswith(b" ") for line in lines)
    found = properties(data)
    assert found["SUMMARY"] == title
    assert found["LOCATION"] == title
    assert found["DESCRIPTION"] == title + "\n" + title


def test_line_of_exactly_75_octets_is_not_folded():
    title = "t" * (75 - len("SUMMARY:"))
    lines = physical_lines(make(title=title))
    assert f"SUMMARY:{title}".encode() in lines


@given(st.text(min_size=0, max_size=300))
def test_any_text_survives_escaping_and_folding(text):
    data = make(title=text, description=text or None)
    for line in physical_lines(data):
        assert len(line) <= 75
        line.decode("utf-8")
    found = properties(data)
    expected = (
        text.encode("utf-8", "replace").decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    )
    expected = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", expected)
    assert found["SUMMARY"] == expected


def test_escaping_of_special_characters():
    data = make(
        title="Termin; Jobcenter, Raum 3\\4",
        place="Straße 1,\r\nKöln",
        description="Erste Zeile\nzweite; dritte, \\n ist kein Umbruch\rEnde",
    )
    lines = unfold(data)
    assert "SUMMARY:Termin\\; Jobcenter\\, Raum 3\\\\4" in lines
    assert "LOCATION:Straße 1\\,\\nKöln" in lines
    assert "DESCRIPTION:Erste Zeile\\nzweite\\; dritte\\, \\\\n ist kein Umbruch\\nEnde" in lines
    found = properties(data)
    assert found["SUMMARY"] == "Termin; Jobcenter, Raum 3\\4"
    assert found["LOCATION"] == "Straße 1,\nKöln"
    assert found["DESCRIPTION"] == "Erste Zeile\nzweite; dritte, \\n ist kein Umbruch\nEnde"


def test_control_characters_are_dropped():
    found = properties(make(title="a\x00b\x07c\x1bd\x7fe\tf"))
    assert found["SUMMARY"] == "abcde\tf"


@pytest.mark.parametrize(
    ("local", "start", "end"),
    [
        (datetime(2026, 1, 15, 9, 0), "20260115T080000Z", "20260115T090000Z"),  # CET, +1
        (datetime(2026, 7, 15, 9, 0), "20260715T070000Z", "20260715T080000Z"),  # CEST, +2
        # 29 March 2026, 01:30 CET: 60 real minutes later it is 03:30 CEST, i.e. 01:30 UTC.
        (datetime(2026, 3, 29, 1, 30), "20260329T003000Z", "20260329T013000Z"),
        # 25 October 2026, 01:30 CEST: 120 real minutes later it is 02:30 CET.
        (datetime(2026, 10, 25, 1, 30), "20261024T233000Z", "20261025T013000Z"),
    ],
)
def test_berlin_start_is_written_in_utc(local, start, end):
    minutes = 120 if local.month == 10 else 60
    found = properties(make(starts=local.replace(tzinfo=BERLIN), minutes=minutes))
    assert found["DTSTART"] == start
    assert found["DTEND"] == end


def test_other_zones_and_fractions():
    starts = datetime(2026, 5, 1, 23, 15, 30, 999999, tzinfo=timezone(timedelta(hours=-4)))
    stamp = datetime(2026, 4, 30, 12, 0, 0, 500000, tzinfo=BERLIN)
    found = properties(make(starts=starts, stamp=stamp, minutes=90))
    assert found["DTSTART"] == "20260502T031530Z"
    assert found["DTEND"] == "20260502T044530Z"
    assert found["DTSTAMP"] == "20260430T100000Z"


def test_cancelled_variant():
    data = make(cancelled=True, sequence=3)
    found = properties(data)
    assert found["METHOD"] == "CANCEL"
    assert found["STATUS"] == "CANCELLED"
    assert found["SEQUENCE"] == "3"
    assert found["UID"] == "appointment-42@lotse"
    assert b"PUBLISH" not in data
    assert b"CONFIRMED" not in data
    lines = unfold(data)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "PRODID:-//Lotse//Termine//DE",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:CANCEL",
    ]


def test_moved_appointment_keeps_uid_and_bumps_sequence():
    before = properties(make())
    after = properties(make(starts=datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN), sequence=1))
    assert before["UID"] == after["UID"]
    assert (before["SEQUENCE"], after["SEQUENCE"]) == ("0", "1")
    assert after["DTSTART"] == "20261125T090000Z"


@pytest.mark.parametrize(
    "overrides",
    [
        {"starts": datetime(2026, 11, 24, 14, 0)},
        {"stamp": datetime(2026, 11, 20, 9, 0)},
        {"minutes": 0},
        {"sequence": -1},
        {"uid": " "},
    ],
)
def test_bad_input_is_refused(overrides):
    with pytest.raises(ValueError):
        make(**overrides)


WHEN = datetime(2026, 11, 24, 14, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Jobcenter", "2026-11-24-1400-jobcenter.ics"),
        ("Ausländerbehörde Düsseldorf", "2026-11-24-1400-auslaenderbehoerde-duesseldorf.ics"),
        ("Übergang: Straße & Größe!", "2026-11-24-1400-uebergang-strasse-groesse.ics"),
        ("Café Crème – Beratung", "2026-11-24-1400-cafe-creme-beratung.ics"),
        ("Łódź, Kırşehir", "2026-11-24-1400-lodz-kirsehir.ics"),
        ("موعد في مكتب الأجانب", "2026-11-24-1400-termin.ics"),
        ("Jobcenter موعد", "2026-11-24-1400-jobcenter.ics"),
        ("", "2026-11-24-1400-termin.ics"),
        ("../../etc/passwd", "2026-11-24-1400-etc-passwd.ics"),
        ("🎉🎉", "2026-11-24-1400-termin.ics"),
    ],
)
def test_file_name(title, expected):
    assert file_name(title, WHEN) == expected


def test_file_name_of_very_long_titles():
    words = "Beratungstermin bei der Ausländerbehörde wegen Verlängerung des Aufenthaltstitels"
    name = file_name(words, WHEN)
    # "...-der-auslaenderbehoerde" would be 42 characters: cut at the word boundary before it.
    assert name == "2026-11-24-1400-beratungstermin-bei-der.ics"
    slug = name.removeprefix("2026-11-24-1400-").removesuffix(".ics")
    assert len(slug) <= 40

    one_word = file_name("a" * 200, WHEN)
    assert one_word == f"2026-11-24-1400-{'a' * 40}.ics"

    early_break = file_name("ab " + "c" * 100, WHEN)  # cutting at the space would leave "ab"
    slug = early_break.removeprefix("2026-11-24-1400-").removesuffix(".ics")
    assert len(slug) == 40
    assert not slug.endswith("-")


def test_file_name_uses_the_clock_it_is_given():
    assert file_name("x", datetime(2026, 7, 1, 8, 5)).startswith("2026-07-01-0805-")
    utc = WHEN.astimezone(UTC)
    assert file_name("x", utc) == "2026-11-24-1300-x.ics"


@given(st.text(max_size=200))
def test_file_name_is_always_safe(title):
    name = file_name(title, WHEN)
    assert re.fullmatch(r"2026-11-24-1400-[a-z0-9]+(-[a-z0-9]+)*\.ics", name)
    assert len(name) <= len("2026-11-24-1400-.ics") + 40
