"""Appointments in words: why a typed time or a change cannot be used, in the reader's language."""

from __future__ import annotations

from bot.i18n import N_, Translator

#: Why a typed date and time cannot be used (the codes of `when.WhenError`).
WHEN_ERRORS = {
    "unknown": N_("I did not understand that date and time."),
    "no_time": N_("Please add the time of day, for example “14:00”."),
    "invalid_date": N_("That date or time does not exist."),
    "past": N_("That time has already passed."),
    "nonexistent": N_(
        "That time does not exist on that day: the clocks go forward an hour. "
        "Please choose another time."
    ),
    "ambiguous": N_(
        "That time happens twice on that day: the clocks go back an hour. "
        "Please choose another time."
    ),
}
#: Why a change cannot be made (the codes of `service.AppointmentError`).
ERRORS = {
    "not_found": N_("This appointment no longer exists."),
    "not_allowed": N_("This appointment is not yours."),
    "past": N_("This appointment has already started, so it cannot be changed any more."),
    "cancelled": N_("This appointment has been cancelled."),
    "title": N_("Please give the appointment a title of at most 120 characters."),
    "place": N_("Please keep the place under 200 characters."),
    "minutes": N_("An appointment lasts between 5 minutes and 12 hours."),
    "role": N_("Only advisors and coaches can create appointments."),
}


def when_error(t: Translator, code: str) -> str:
    return t(WHEN_ERRORS.get(code, WHEN_ERRORS["unknown"]))


def error_text(t: Translator, code: str) -> str:
    return t(ERRORS[code])
