"""The words after the time of an appointment: "Title @ Place #CODE 90 min"."""

from __future__ import annotations

import re

from bot.appointments.service import DEFAULT_MINUTES
from bot.referrals.codes import client_code, note
from bot.text import clean_line

LENGTH = re.compile(r"(?:^|\s)(\d{1,3})\s?(?:min|мин|хв|dk|dakika|دقیقه|دقيقة)\.?(?=\s|$)", re.I)


def details(text: str) -> tuple[str, str | None, str | None, int]:
    """Split "Title @ Place #CODE 90 min" into title, place, client code and minutes.

    Names, phone numbers and e-mail addresses are refused (`Refused`).
    """
    code, minutes, text = None, DEFAULT_MINUTES, clean_line(text)
    if found := re.search(r"(?:^|\s)#(\S+)", text):
        code = client_code(found.group(1))
        text = (text[: found.start()] + text[found.end() :]).strip()
    if found := LENGTH.search(text):
        minutes = int(found.group(1))
        text = (text[: found.start()] + text[found.end() :]).strip()
    title, _, place = (part.strip() for part in text.partition(" @ "))
    return note(title), (note(place) or None), code, minutes
