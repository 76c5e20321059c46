"""What the privacy commands show: the notice, the summary of a user's data, the
confirmations of an erasure, and a client code's records."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.admin.views import role_name
from bot.appointments.views import short
from bot.chat.keyboards import data
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic
from bot.config import Settings
from bot.db.models import Appointment, Referral
from bot.i18n import LANGUAGE_NAMES, N_, Translator
from bot.referrals.words import state_name

#: How each kind of record is named in the summary of /mydata (table name → label).
KINDS = {
    "invitations": N_("Invitations you created or used"),
    "audit_log": N_("Entries in the change log by you or about you"),
    "content_entry_versions": N_("Content versions you wrote"),
    "handovers": N_("Questions you handed to a person, or answered"),
    "referrals": N_("Referrals you made or received"),
    "appointments": N_("Appointments you created or take part in"),
    "appointment_participants": N_("Your places in appointments"),
    "reminders": N_("Reminders planned for you"),
}


def _reply(t: Translator, lines: Sequence[str], rows: tuple = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


def said(t: Translator, text: str) -> Reply:
    return _reply(t, [esc(text)])


def notice(t: Translator, settings: Settings) -> Reply:
    """The plain-language privacy notice (GDPR Art. 13), with the configured controller."""
    days = {
        "unanswered": settings.unanswered_retention_days,
        "appointments": settings.appointment_retention_days,
        "referrals": settings.referral_retention_days,
        "handovers": settings.handover_retention_days,
        "invitations": settings.invitation_retention_days,
        "audit": settings.audit_retention_days,
    }
    controller = settings.privacy_controller or t(
        "the organisation that runs this Lotse bot (your municipality's integration centre)"
    )
    lines = [
        bold(t("Your data in Lotse")),
        "",
        bold(t("What is stored")),
        esc(
            t(
                "About you: your Telegram user id, language, municipality, roles and reminder "
                "settings; for coaches also their Telegram username, because offers name "
                "coaches by it."
            )
        ),
        esc(
            t(
                "What you do here: referrals and appointments you create or take part in, with "
                "the client code the advisor chose (never a name), and questions you hand to a "
                "person, with their answer."
            )
        ),
        esc(
            t(
                "Questions Lotse could not answer are kept without who asked them. Checks and "
                "searches are only counted; their answers are forgotten when you are done."
            )
        ),
        "",
        bold(t("Why")),
        esc(
            t(
                "To answer your questions, pass on referrals, remind you of appointments, and "
                "show the admins anonymous numbers so they can close gaps in the offers. "
                "Nothing is sold or used for anything else."
            )
        ),
        "",
        bold(t("For how long")),
        esc(t("Unanswered questions: {days} days.", days=days["unanswered"])),
        esc(t("Appointments: {days} days after they took place.", days=days["appointments"])),
        esc(
            t(
                "Referrals: {days} days after they ended, or after {days} days in which "
                "nothing happened with the client code.",
                days=days["referrals"],
            )
        ),
        esc(t("Questions handed to a person: {days} days.", days=days["handovers"])),
        esc(t("Used or expired invitations: {days} days.", days=days["invitations"])),
        esc(t("The change log of roles and content: {days} days.", days=days["audit"])),
        esc(
            t(
                "If you do not use Lotse for {days} days, Lotse asks whether you want to stay, "
                "and erases your data {confirm} days later if you do not answer.",
                days=settings.user_inactive_days,
                confirm=settings.user_confirm_days,
            )
        ),
        "",
        bold(t("Who can see it")),
        esc(
            t(
                "The advisors and coaches you work with see the referrals and appointments you "
                "share with them. The admins of your municipality see roles and content. "
                "Statistics are counts only and never show a number below 5."
            )
        ),
        esc(
            t(
                "Logs never contain what you write; user ids in them are replaced by a code "
                "that cannot be turned back."
            )
        ),
        "",
        bold(t("Your rights")),
        esc(t("See everything stored about you, as a file: {command}", command="/mydata")),
        esc(t("Erase everything stored about you: {command}", command="/delete_me")),
        esc(t("Responsible for the data: {controller}", controller=controller)),
    ]
    if settings.privacy_contact:
        lines.append(
            esc(t("Questions about your data: {contact}", contact=settings.privacy_contact))
        )
    return _reply(t, lines)


def summary(t: Translator, profile: dict, counts: dict[str, int], place: str) -> Reply:
    """What /mydata says in the chat before the file."""
    held = sorted({r["role"] for r in profile["roles"]}) or ["volunteer"]
    roles = ", ".join(role_name(t, role) for role in held)
    lines = [
        bold(t("What Lotse stores about you")),
        esc(t("Telegram user id: {id}", id=profile["telegram_user_id"])),
        esc(t("Language: {language}", language=LANGUAGE_NAMES.get(profile["language"], "–"))),
        esc(t("Municipality: {municipality}", municipality=place)),
        esc(t("Roles: {roles}", roles=roles)),
    ]
    if profile["telegram_username_kept_as_coach"]:
        name = "@" + profile["telegram_username_kept_as_coach"]
        lines.append(esc(t("Telegram username (kept for coaches): {name}", name=name)))
    lines.append("")
    if counts:
        lines += [esc(f"• {t(KINDS.get(kind, kind))}: {n}") for kind, n in counts.items()]
    else:
        lines.append(esc(t("Nothing else is stored about you.")))
    lines += ["", italic(t("The file has all of it. To erase it: {command}", command="/delete_me"))]
    return _reply(t, lines)


def file_caption(t: Translator) -> str:
    return t("Everything Lotse stores about you, as a JSON file.")


def nothing_stored(t: Translator) -> Reply:
    return _reply(t, [esc(t("Lotse stores nothing about you."))])


def confirm_erasure(t: Translator, nonce: str, counts: dict[str, int]) -> Reply:
    """Ask whether to erase everything, with what it will mean."""
    lines = [
        bold(t("Erase everything Lotse stores about you?")),
        esc(t("This cannot be undone.")),
        esc(
            t(
                "Your profile, roles and settings are deleted, and so are the questions you "
                "handed to a person."
            )
        ),
        esc(
            t(
                "Appointments keep their other participants, who are told that you left. "
                "Your referrals and client codes pass to an admin of their municipality, or are "
                "deleted when there is none. The change log keeps what was done, without you."
            )
        ),
    ]
    if counts:
        lines.append("")
        lines += [esc(f"• {t(KINDS.get(kind, kind))}: {n}") for kind, n in counts.items()]
    rows = (
        (Button("🗑 " + t("Yes, erase everything"), data("D", "y", nonce)),),
        (Button("↩ " + t("No, keep it"), data("D", "n", nonce)),),
    )
    return _reply(t, lines, rows)


def erased(t: Translator) -> Reply:
    return _reply(
        t,
        [
            bold(t("Everything Lotse stored about you has been erased.")),
            esc(t("If you write again, Lotse starts afresh with nothing about you.")),
        ],
    )


def kept(t: Translator) -> Reply:
    return _reply(t, [esc(t("Nothing was erased."))])


def stale(t: Translator) -> str:
    return t("This button no longer works. Send /delete_me again if you want to erase your data.")


def stay_question(t: Translator, days: int, confirm: int) -> Reply:
    """Ask a user who has not used Lotse for a long time whether to keep their data."""
    lines = [
        bold(t("Do you still want to use Lotse?")),
        esc(
            t(
                "You have not used Lotse for {days} days. If you do not answer within {confirm} "
                "days, Lotse erases everything it stores about you.",
                days=days,
                confirm=confirm,
            )
        ),
    ]
    rows = (
        (Button("✅ " + t("Yes, keep my data"), data("D", "stay")),),
        (Button("🗑 " + t("Erase my data now"), data("D", "go")),),
    )
    return _reply(t, lines, rows)


def staying(t: Translator) -> Reply:
    return _reply(t, [esc(t("Thank you. Your data stays, and so does Lotse."))])


def participant_left(t: Translator, appointment: Appointment, tz: ZoneInfo) -> Reply:
    """Tell a participant that another one has left Lotse and so the appointment."""
    lines = [
        "👋 " + esc(t("A participant has left Lotse and so this appointment:")),
        bold(embed(appointment.title, t.lang)),
        esc(short(t, appointment.starts_at, tz)),
    ]
    return _reply(t, lines)


# ---- client codes -------------------------------------------------------------------------


def client_usage(t: Translator) -> Reply:
    return _reply(
        t,
        [
            esc(t("Please give a client code, for example: {example}", example="/client A17")),
            esc(
                t(
                    "To erase a client code and all its records: {example}",
                    example="/client A17 delete",
                )
            ),
        ],
    )


def client_unknown(t: Translator, code: str) -> Reply:
    return _reply(
        t, [esc(t("Nothing is stored for the client code {code} that you work with.", code=code))]
    )


def client_records(
    t: Translator,
    code: str,
    referrals: Sequence[Referral],
    appointments: Sequence[Appointment],
    tz: ZoneInfo,
    offer_title,
    owner: bool,
) -> Reply:
    """What is stored for a client code: its referrals and appointments."""
    lines = [bold(t("Client code {code}", code=code))]
    if referrals:
        lines += ["", bold(t("Referrals: {count}", count=len(referrals)))]
        for r in referrals:
            when = short(t, r.created_at, tz)
            state = state_name(t, r.state)
            lines.append(esc(f"• {offer_title(r.offer_id)} · {state} · {when}"))
            if r.note:
                lines.append(italic(embed(r.note, t.lang)))
    if appointments:
        lines += ["", bold(t("Appointments: {count}", count=len(appointments)))]
        lines += [esc(f"• {a.title} · {short(t, a.starts_at, tz)}") for a in appointments]
    rows: tuple = ()
    if owner:
        lines += [
            "",
            italic(
                t(
                    "To erase the code and all its records: {example}",
                    example=f"/client {code} delete",
                )
            ),
        ]
    return _reply(t, lines, rows)


def confirm_client_erasure(
    t: Translator, code: str, nonce: str, referrals: int, appointments: int
) -> Reply:
    lines = [
        bold(t("Erase the client code {code} and everything linked to it?", code=code)),
        esc(t("Referrals: {count}", count=referrals)),
        esc(t("Appointments: {count}", count=appointments)),
        esc(t("This cannot be undone.")),
    ]
    rows = (
        (Button("🗑 " + t("Yes, erase it"), data("W", "y", nonce)),),
        (Button("↩ " + t("No, keep it"), data("W", "n", nonce)),),
    )
    return _reply(t, lines, rows)


def client_erased(t: Translator, code: str) -> Reply:
    return _reply(
        t, [esc(t("The client code {code} and all its records have been erased.", code=code))]
    )


def client_not_owner(t: Translator) -> Reply:
    return _reply(t, [esc(t("Only the advisor who chose this client code can erase it."))])


def client_roles_only(t: Translator) -> Reply:
    return _reply(t, [esc(t("Client codes are for advisors and coaches."))])
