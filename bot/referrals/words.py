"""Referrals in words: states, actions, refusals and errors, in the reader's language."""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.referrals import service as s

STATE_NAMES = {
    s.REQUESTED: N_("waiting for the coach"),
    s.ACCEPTED: N_("accepted"),
    s.DECLINED: N_("declined"),
    s.STARTED: N_("started"),
    s.COMPLETED: N_("completed"),
    s.DROPPED: N_("dropped out"),
    s.WITHDRAWN: N_("withdrawn"),
    s.OUTSIDE: N_("contacted outside Lotse"),
}
#: Button labels of the actions, and the one-letter verb each has in callback data.
ACTION_LABELS = {
    "accept": N_("✅ Accept"),
    "decline": N_("✖ Decline"),
    "start": N_("▶ Started"),
    "complete": N_("🏁 Completed"),
    "drop": N_("⏹ Dropped out"),
    "withdraw": N_("↩ Withdraw"),
}
VERBS = {
    "accept": "a",
    "decline": "d",
    "start": "s",
    "complete": "c",
    "drop": "x",
    "withdraw": "w",
}
ACTIONS_BY_VERB = {verb: action for action, verb in VERBS.items()}
#: What the advisor is told when the coach moved their referral.
OUTCOMES = {
    s.ACCEPTED: N_("✅ The coach of “{offer}” has accepted the referral for {code}."),
    s.DECLINED: N_("The coach of “{offer}” has declined the referral for {code}."),
    s.STARTED: N_("▶ The coach of “{offer}” says that {code} has started."),
    s.COMPLETED: N_("🏁 The coach of “{offer}” says that {code} has completed the offer."),
    s.DROPPED: N_("⏹ The coach of “{offer}” says that {code} has dropped out."),
    s.WITHDRAWN: N_("↩ The advisor has withdrawn the referral for {code} to “{offer}”."),
}
REFUSALS = {
    "email": N_(
        "That looks like an e-mail address. Lotse does not store contact details "
        "of the people you support."
    ),
    "phone": N_(
        "That looks like a phone number. Lotse does not store contact details "
        "of the people you support."
    ),
    "name": N_("That looks like a name. Lotse never stores names of the people you support."),
    "format": N_(
        "A client code is one word of up to 12 letters, digits and dashes, "
        "with at least one digit, such as A17."
    ),
    "long": N_("The note is too long: please keep it under 300 characters."),
}
ERRORS = {
    "not_found": N_("This referral no longer exists."),
    "not_allowed": N_("This referral is not yours, so you cannot change it."),
    "moved": N_("This referral has already been changed: it is now “{state}”."),
    "full": N_(
        "The offer has no place left, so the referral cannot be accepted now. "
        "You can decline it, or accept it when a place is free again."
    ),
    "ended": N_("This offer has ended, so nobody can be referred to it any more."),
    "role": N_("Only advisors and coaches can refer people to offers."),
}


def state_name(t: Translator, state: str) -> str:
    return t(STATE_NAMES.get(state, state))


def refusal_text(t: Translator, code: str) -> str:
    return t(REFUSALS[code])


def error_text(t: Translator, code: str, state: str | None = None) -> str:
    if code == "moved":
        return t(ERRORS[code], state=state_name(t, state or ""))
    return t(ERRORS[code])
