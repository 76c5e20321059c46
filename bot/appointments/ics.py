"""Calendar files (RFC 5545) so each participant can put an appointment into their own calendar.

`calendar_file()` builds one VCALENDAR with one VEVENT; `file_name()` gives it a safe name.
Times are written in UTC ("...Z"), so no VTIMEZONE is needed. There is no VALARM: Lotse sends
its own reminders, and a second one from the calendar would only double them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta

#: The product identifier written into every file.
PRODID = "-//Lotse//Termine//DE"
#: Longest content line in octets, CRLF not counted (RFC 5545, 3.1).
LINE_OCTETS = 75
#: Longest slug of the title in a download name.
SLUG_MAX = 40
#: The slug when nothing of the title survives (e.g. a title only in Arabic script).
SLUG_FALLBACK = "termin"

#: Characters RFC 5545 forbids in values (CONTROL, except HTAB); line breaks are handled apart.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: Letters NFKD does not take apart into an ASCII base letter.
_ASCII = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "Ae",
        "Ö": "Oe",
        "Ü": "Ue",
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value


def _utc(value: datetime) -> str:
    """A DATE-TIME in UTC form, seconds kept, fractions dropped."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value: controls removed, then \\ ; , and line breaks escaped (RFC 5545, 3.3.11)."""
    value = value.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be written
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> bytes:
    """One content line as UTF-8 with CRLF, folded so no physical line exceeds 75 octets.

    A fold is CRLF followed by one space, and it never falls inside a multi-byte character.
    """
    lines: list[bytes] = []
    current = bytearray()
    for char in line:
        octets = char.encode("utf-8")
        if len(current) + len(octets) > LINE_OCTETS:
            lines.append(bytes(current))
            current = bytearray(b" ")
        current += octets
    lines.append(bytes(current))
    return b"\r\n".join(lines) + b"\r\n"


def calendar_file(
    *,
    uid: str,
    starts: datetime,
    minutes: int,
    title: str,
    place: str | None,
    description: str | None,
    stamp: datetime,
    sequence: int = 0,
    cancelled: bool = False,
) -> bytes:
    """Return a VCALENDAR with one VEVENT, CRLF line endings, UTF-8, lines folded at
    75 octets (never inside a multi-byte character), text escaped (\\ ; , newline).

    `uid` stays the same for one appointment across all its files, so a calendar replaces the
    event instead of adding a second one; `sequence` is bumped each time the appointment moves.
    `starts` and `stamp` must be timezone-aware (any zone) and are written in UTC; DTEND is
    `starts` plus `minutes` (real elapsed minutes, also across a change of daylight saving time).
    LOCATION and DESCRIPTION are left out when `place` or `description` is None or empty.
    `cancelled` writes METHOD:CANCEL and STATUS:CANCELLED instead of METHOD:PUBLISH and
    STATUS:CONFIRMED. No VALARM is written: Lotse sends its own reminders.

    Raises ValueError for a naive datetime, `minutes` < 1, `sequence` < 0 or an empty `uid`.
    """
    _aware("starts", starts)
    _aware("stamp", stamp)
    if minutes < 1:
        raise ValueError("minutes must be at least 1")
    if sequence < 0:
        raise ValueError("sequence must not be negative")
    if not uid.strip():
        raise ValueError("uid must not be empty")

    start = starts.astimezone(UTC)
    end = start + timedelta(minutes=minutes)
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
        "BEGIN:VEVENT",
        f"UID:{_text(uid)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SEQUENCE:{sequence}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"SUMMARY:{_text(title)}",
    ]
    if place:
        lines.append(f"LOCATION:{_text(place)}")
    if description:
        lines.append(f"DESCRIPTION:{_text(description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return b"".join(_fold(line) for line in lines)


def _slug(title: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", title.translate(_ASCII))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        # Cut at the last word boundary, unless that would throw away more than half.
        boundary = slug.rfind("-", 0, SLUG_MAX + 1)
        slug = slug[:boundary] if boundary >= SLUG_MAX // 2 else slug[:SLUG_MAX].rstrip("-")
    return slug or SLUG_FALLBACK


def file_name(title: str, starts_local: datetime) -> str:
    """A safe download name such as "2026-11-24-1400-jobcenter.ics" (ASCII slug of the
    title, at most ~40 characters, "termin" when nothing is left).

    `starts_local` is written as given (its own wall clock, not converted), so pass the start in
    the reader's zone. The slug keeps a-z, 0-9 and "-": umlauts become ae/oe/ue/ss, other
    accents are dropped, other scripts disappear; a long title is cut at a word boundary.
    """
    return f"{starts_local:%Y-%m-%d-%H%M}-{_slug(title)}.ics"
