"""What referrals look like in the chat, as Replies (no telegram import).

Buttons carry `R:<verb>:<referral id>` for changes (checked against the database on every
press, so they survive restarts) and `R:<verb>` for the steps of the referral dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.catalog.schema import Content
from bot.chat.keyboards import data
from bot.chat.render import Button, Reply, bold, directed, embed, esc
from bot.db.models import Referral
from bot.i18n import Translator
from bot.matching.card import contact_lines
from bot.matching.views import offer_title
from bot.matching.words import type_name
from bot.referrals import service as s
from bot.referrals.words import (
    ACTION_LABELS,
    OUTCOMES,
    VERBS,
    refusal_text,
    state_name,
)

Rows = tuple[tuple[Button, ...], ...]
#: Referrals per page of /referrals.
PAGE_SIZE = 6


@dataclass(frozen=True)
class Draft:
    """A referral being written: the offer, then the client code and the note."""

    offer: str
    serial: str  # on the dialog's buttons: tells them from those of an earlier referral
    code: str | None = None
    note: str | None = None


def _reply(t: Translator, lines: Sequence[str], rows: Rows = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


def _title(t: Translator, content: Content, offer_id: str) -> str:
    if offer_id in content.offers:
        return offer_title(content, offer_id, t.lang)
    return offer_id  # the offer was removed from the content since


def _field(t: Translator, label: str, value: str) -> str:
    return f"{bold(label)} {esc(embed(value, t.lang))}"


def _day(t: Translator, when: date) -> str:
    return format_date(when, format="medium", locale=t.lang)


def _dialog(t: Translator, serial: str, back: bool = True) -> tuple[Button, ...]:
    return (
        *((Button("◀ " + t("Back"), data("R", "b", serial)),) if back else ()),
        Button("✖ " + t("Cancel"), data("R", "z", serial)),
    )


def refused(t: Translator, code: str) -> str:
    """The warning above a question asked again after refused input."""
    return "⚠️ " + esc(refusal_text(t, code))


def ask_code(t: Translator, content: Content, draft: Draft, note: str | None = None) -> Reply:
    """Ask for the client code, and say why it must not be a name."""
    lines = [*([note, ""] if note else [])]
    lines += [
        _field(t, t("Refer to:"), _title(t, content, draft.offer)),
        "",
        *([] if note else [esc(t("Lotse never stores names of the people you support."))]),
        bold(t("Please type a short client code that you choose and note in your own records.")),
        esc(t("For example A17 or KD-3: one word, letters and digits, at least one digit.")),
    ]
    return _reply(t, lines, (_dialog(t, draft.serial, back=False),))


def ask_note(t: Translator, draft: Draft, note: str | None = None) -> Reply:
    """Ask for an optional note for the coach."""
    lines = [*([note, ""] if note else [])]
    lines += [
        _field(t, t("Client code:"), draft.code or ""),
        "",
        bold(t("Would you like to add a short note for the coach?")),
        esc(t("For example what the person needs or when they can come.")),
        esc(t("No names, phone numbers or e-mail addresses, please.")),
    ]
    rows = ((Button("➡ " + t("No note"), data("R", "k", draft.serial)),), _dialog(t, draft.serial))
    return _reply(t, lines, rows)


def _history_lines(t: Translator, content: Content, past: Sequence[Referral], tz: ZoneInfo):
    return [
        "– "
        + esc(
            f"{_day(t, r.created_at.astimezone(tz).date())}: {_title(t, content, r.offer_id)}"
            f" ({type_name(t, r.offer_type)}), {state_name(t, r.state)}"
        )
        for r in past
    ]


def confirm(
    t: Translator,
    content: Content,
    draft: Draft,
    *,
    coach_known: bool,
    past: Sequence[Referral],
    warn: bool,
    tz: ZoneInfo,
) -> Reply:
    """Show the referral before it is sent, with a warning when measures pile up."""
    lines = [bold(t("Please check the referral:")), ""]
    if warn:
        lines += [
            "⚠️ " + bold(t("Please check whether this offer really helps the person further.")),
            esc(
                t(
                    "This client code already has referrals that ended without success, or "
                    "one of the same kind is still open. Sending people from one measure to the "
                    "next without progress (“Maßnahme-Karriere”) is what Gemeinsam klappt's "
                    "wants to avoid."
                )
            ),
            "",
        ]
    if past:
        lines += [bold(t("Earlier referrals of this client code:"))]
        lines += [*_history_lines(t, content, past, tz), ""]
    lines += [
        _field(t, t("Offer:"), _title(t, content, draft.offer)),
        _field(t, t("Client code:"), draft.code or ""),
    ]
    if draft.note:
        lines.append(_field(t, t("Note:"), draft.note))
    lines.append("")
    if coach_known:
        lines.append(esc(t("The coach gets the referral in Lotse and can accept or decline it.")))
    else:
        lines.append(
            esc(
                t(
                    "The coach of this offer does not use Lotse yet: I will show you the "
                    "offer's contact details instead."
                )
            )
        )
    send = Button("✅ " + t("Send referral"), data("R", "y", draft.serial))
    rows = ((send,), _dialog(t, draft.serial))
    return _reply(t, lines, rows)


def sent(t: Translator, content: Content, referral: Referral) -> Reply:
    """Confirm a referral: sent to the coach, or the contact details to reach the offer."""
    title = _title(t, content, referral.offer_id)
    if referral.state == s.REQUESTED:
        lines = [
            esc(
                t(
                    "✅ The referral for {code} has been sent to the coach of “{offer}”.",
                    code=referral.client_code,
                    offer=title,
                )
            ),
            esc(t("You will hear here when the coach answers. /referrals shows all of yours.")),
        ]
        return _reply(t, lines)
    lines = [
        esc(
            t(
                "The coach of “{offer}” does not use Lotse yet, so please contact the offer:",
                offer=title,
            )
        ),
    ]
    offer = content.offers.get(referral.offer_id)
    details = contact_lines(t, offer) if offer is not None else []
    lines += details or [esc(t("The offer has no contact details. Please ask your municipality."))]
    lines += [
        "",
        esc(
            t(
                "I have kept the referral for {code} as “contacted outside Lotse”.",
                code=referral.client_code,
            )
        ),
    ]
    return _reply(t, lines)


def cancelled(t: Translator) -> Reply:
    """Confirm that the referral was not sent."""
    return _reply(t, [esc(t("The referral was not sent. I have not kept anything of it."))])


def timed_out(t: Translator, minutes: int) -> Reply:
    """Say that an unfinished referral or question ended after the timeout."""
    ended = t.ngettext(
        "The referral was not sent because there was no answer for {n} minute.",
        "The referral was not sent because there was no answer for {n} minutes.",
        minutes,
    )
    return _reply(t, [esc(ended), esc(t("I have not kept anything of it."))])


def _action_rows(t: Translator, referral: Referral, actor: s.Actor) -> Rows:
    """The buttons this user may press for the referral in its current state."""
    buttons = [
        Button(t(ACTION_LABELS[action]), data("R", VERBS[action], str(referral.id)))
        for before, action in s.MOVES
        if before == referral.state and s.may(referral, actor, action)
    ]
    rows: list[tuple[Button, ...]] = [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    if referral.state in s.OPEN and s.may_write(referral, actor, to_coach=False):
        rows.append((Button("❓ " + t("Ask a question"), data("R", "q", str(referral.id))),))
    if referral.state in s.HOLDS_PLACE and s.may_schedule(referral, actor):
        rows.append(
            (Button("📅 " + t("Schedule an appointment"), data("A", "r", str(referral.id))),)
        )
    return tuple(rows)


def details(
    t: Translator,
    content: Content,
    referral: Referral,
    actor: s.Actor,
    tz: ZoneInfo,
    heading: str | None = None,
    with_list: bool = False,
) -> Reply:
    """Show one referral with the buttons the reader may press."""
    offer = content.offers.get(referral.offer_id)
    town = content.municipalities.get(referral.municipality or "")
    lines = [bold(heading), ""] if heading else []
    lines += [
        _field(t, t("Offer:"), _title(t, content, referral.offer_id)),
        _field(t, t("Type:"), type_name(t, offer.type if offer else referral.offer_type)),
    ]
    if town is not None:
        lines.append(_field(t, t("Municipality:"), town.name))
    lines.append(_field(t, t("Client code:"), referral.client_code))
    if referral.note:
        lines.append(_field(t, t("Note:"), referral.note))
    lines += [
        _field(t, t("Status:"), state_name(t, referral.state)),
        _field(t, t("Referred on:"), _day(t, referral.created_at.astimezone(tz).date())),
    ]
    rows = _action_rows(t, referral, actor)
    if with_list:
        rows += ((Button("◀ " + t("All referrals"), data("R", "l", "0")),),)
    return _reply(t, lines, rows)


def outcome(t: Translator, content: Content, referral: Referral) -> Reply:
    """Tell the other side what happened to a referral, with a button to see it."""
    text = t(
        OUTCOMES[referral.state],
        offer=_title(t, content, referral.offer_id),
        code=referral.client_code,
    )
    lines = [esc(text)]
    if referral.state == s.DECLINED:
        lines.append(esc(t("/find shows other offers that could fit.")))
    return _reply(t, lines, ((Button(t("Show the referral"), data("R", "v", str(referral.id))),),))


def listing(t: Translator, content: Content, referrals: Sequence[Referral], number: int) -> Reply:
    """List the user's referrals as buttons, open ones first, a page at a time."""
    if not referrals:
        lines = [
            esc(t("You have no referrals yet.")),
            esc(t("Refer a person from an offer's card: /find.")),
        ]
        return _reply(t, lines)
    count = -(-len(referrals) // PAGE_SIZE)
    number = min(max(number, 0), count - 1)
    shown = referrals[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
    lines = [bold(t.ngettext("{n} referral:", "{n} referrals:", len(referrals)))]
    rows: list[tuple[Button, ...]] = [
        (
            Button(
                f"{r.client_code} · {_title(t, content, r.offer_id)} · {state_name(t, r.state)}",
                data("R", "v", str(r.id)),
            ),
        )
        for r in shown
    ]
    if count > 1:
        turn = [(number - 1) % count, (number + 1) % count]
        rows.append(
            (
                Button("◀", data("R", "l", str(turn[0]))),
                Button(f"{number + 1}/{count}", data("R", "l", str(number))),
                Button("▶", data("R", "l", str(turn[1]))),
            )
        )
    return _reply(t, lines, tuple(rows))


def ask_question(t: Translator, referral: Referral, to_coach: bool, serial: str) -> Reply:
    """Ask the coach (or the advisor, answering) to type their message."""
    if to_coach:
        text = t("Type your answer for the coach about {code}.", code=referral.client_code)
    else:
        text = t(
            "Type your question for the advisor who referred {code}.", code=referral.client_code
        )
    lines = [bold(text), esc(t("I pass it on without your name and do not keep it."))]
    return _reply(t, lines, ((Button("✖ " + t("Cancel"), data("R", "z", serial)),),))


def relayed(
    t: Translator, content: Content, referral: Referral, message: str, reader: s.Actor
) -> Reply:
    """A question from the coach, or the advisor's answer, passed on."""
    title = _title(t, content, referral.offer_id)
    if reader.id == referral.coach_id:
        head = t("💬 The advisor answers about the referral for {code}:", code=referral.client_code)
        rows = _action_rows(t, referral, reader)
    else:
        head = t(
            "❓ The coach of “{offer}” asks about the referral for {code}:",
            offer=title,
            code=referral.client_code,
        )
        rows = ((Button("💬 " + t("Answer"), data("R", "r", str(referral.id))),),)
    return _reply(t, [bold(head), "", esc(embed(message, t.lang))], rows)


def passed_on(t: Translator) -> Reply:
    return _reply(t, [esc(t("✅ Passed on."))])
