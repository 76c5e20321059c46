"""Hand-overs in words: why a button or an answer changed nothing, in the reader's language."""

from __future__ import annotations

from bot.i18n import N_, Translator

#: Why a question cannot be taken, answered or withdrawn (the codes of `HandoverError`).
ERRORS = {
    "not_found": N_("This question no longer exists."),
    "not_allowed": N_(
        "Only advisors of the person's municipality who take questions can answer it."
    ),
    "open": N_("The question went back to your colleagues: take it again to answer it."),
    "taken": N_("A colleague has already taken this question."),
    "answered": N_("This question has already been answered."),
    "closed": N_("This question has been withdrawn or closed."),
    "asker": N_("This question is not yours."),
    "stale": N_("This question is no longer at hand. Please send it again."),
}


def error_text(t: Translator, code: str) -> str:
    return t(ERRORS.get(code, ERRORS["not_found"]))
