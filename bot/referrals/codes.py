"""Client codes and referral notes: short, chosen by the advisor, and never a person's name.

`client_code()` and `note()` return the cleaned value or raise `Refused` with a code the
conversation turns into a message in the user's language.
"""

from __future__ import annotations

import re

from bot.text import clean

#: How long a client code may be (letters, digits and "-" only).
CODE_MAX = 12
#: How long a note for the coach may be.
NOTE_MAX = 300
#: A run of digits (with spaces, dashes, slashes, dots or brackets) this long looks like a phone.
PHONE_DIGITS = 6

#: Something@something.something: one character before "@" is enough to know (and is linear).
_EMAIL = re.compile(r"[^\s@]@[^\s@]+\.[^\s@]")
_PHONE = re.compile(r"\+?\d[\d\s/().-]{4,}\d")
EMAIL, PHONE, NAME = "[e-mail]", "[phone]", "[name]"
#: An e-mail address as it is cut out of a text: the characters before "@" (see `_mails`) ...
_LOCAL = re.compile(r"[\w.+-]+")
#: ... and "@" with the domain.
_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
#: Dates, which are no phone numbers.
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_CODE = re.compile(rf"[A-Za-z0-9](?:[A-Za-z0-9-]{{0,{CODE_MAX - 1}}})")
#: Forms of address that name a person ("Herr Ahmadi", "Mrs Smith", "السيد").
_ADDRESS = re.compile(
    r"\b(herr|frau|hr|fr|mr|mrs|ms|miss|monsieur|madame|mme|bay|bayan|гн|г-н|г-жа|пан|пані)\b\.?\s+\w",
    re.IGNORECASE,
)
#: The same forms of address with the name that follows them (for masking).
_NAMED = re.compile(
    r"\b(herr|frau|hr|fr|mr|mrs|ms|miss|monsieur|madame|mme|bay|bayan|гн|г-н|г-жа|пан|пані)\b\.?"
    r"\s+\w[\w-]*",
    re.IGNORECASE,
)


class Refused(ValueError):
    """Input that must not be stored: `code` says why (email, phone, name, format, long)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _digits(text: str) -> int:
    return max((len(re.sub(r"\D", "", m.group())) for m in _PHONE.finditer(text)), default=0)


def _personal(text: str) -> str | None:
    """Say what personal contact detail the text holds: "email", "phone", or None."""
    if _EMAIL.search(text):
        return "email"
    if _digits(text) >= PHONE_DIGITS:
        return "phone"
    return None


def _phone(match: re.Match[str]) -> str:
    found = match.group()
    if _DATE.fullmatch(found.strip()) or len(re.sub(r"\D", "", found)) < PHONE_DIGITS:
        return found
    return PHONE


def _mails(text: str) -> str:
    """Replace each e-mail address in text by EMAIL, in one pass over the text.

    An address is a run of letters, digits and "._+-" (or the rest of such a run after the
    address before it), "@" and a domain with a dot. One pattern for all of it would try
    every start of a long run of letters, in time quadratic in the run's length.
    """
    out, done = [], 0
    for run in _LOCAL.finditer(text):
        start = max(run.start(), done)
        if start < run.end() and (domain := _DOMAIN.match(text, run.end())):
            out += (text[done:start], EMAIL)
            done = domain.end()
    out.append(text[done:])
    return "".join(out)


def _address(match: re.Match[str]) -> str:
    return match.group(1) + " " + NAME


def mask(text: str) -> str:
    """Replace e-mail addresses, phone numbers and "Herr/Frau X" in a text kept for others.

    For texts Lotse keeps that users typed freely (unanswered questions, questions handed to
    a person): the meaning stays, the contact details and names do not.
    """
    text = _mails(text)
    text = _PHONE.sub(_phone, text)
    return _NAMED.sub(_address, text)


def client_code(raw: str) -> str:
    """Return the code in capitals; refuse names, phone numbers, e-mails and odd formats.

    A code is one word of up to 12 letters, digits and dashes with at least one digit, so a
    first name alone ("Ahmad") or a full name ("Ahmad Karimi") is refused.
    """
    text = " ".join(raw.split())
    if found := _personal(text):
        raise Refused(found)
    if " " in text and all(part.isalpha() for part in text.split(" ")):
        raise Refused("name")
    if not _CODE.fullmatch(text):
        raise Refused("format")
    if not any(ch.isdigit() for ch in text):
        raise Refused("name" if text.isalpha() else "format")
    return text.upper()


def note(raw: str) -> str:
    """Return the note, cleaned and trimmed; refuse e-mails, phones, forms of address, long text.

    Cleaned: without control characters and bidi overrides (bot.text.clean), since the coach
    (or, for appointment titles and places, the other participants) reads it.
    """
    text = clean(raw).strip()
    if len(text) > NOTE_MAX:
        raise Refused("long")
    if found := _personal(text):
        raise Refused(found)
    if _ADDRESS.search(text):
        raise Refused("name")
    return text
