"""Invitations, people and roles, and the audit log as Replies (no telegram import).

Buttons: `I:r:<role>` choose a role to invite, `I:m:<role>:<municipality>` choose where,
`I:x:<invitation>` withdraw; `U:l:<page>` the people list, `U:p:<user>` a person,
`U:g|r:<user>:<role>:<municipality>` grant or revoke, `U:a` the audit log.
Every press is checked again against the database and the presser's roles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.admin.audit import Logged
from bot.admin.people import MANAGED_ROLES, Holder, Person
from bot.appointments.views import short
from bot.chat.keyboards import data, grid, token
from bot.chat.render import Button, Reply, bold, directed, esc, italic
from bot.i18n import N_, Translator

Rows = tuple[tuple[Button, ...], ...]
#: How many people one page of /users lists.
PAGE = 15
Place = Callable[[str | None], str]

ROLE_NAMES = {
    "volunteer": N_("volunteer"),
    "advisor": N_("advisor"),
    "coach": N_("coach"),
    "admin": N_("admin"),
}
ROLE_HEADINGS = {
    "admin": N_("Admins"),
    "advisor": N_("Advisors"),
    "coach": N_("Coaches"),
}
INVITE_ERRORS = {
    "role": N_("You can invite advisors, coaches and admins, for example: /invite advisor"),
    "needs_municipality": N_("Please name the municipality, for example: /invite admin koeln"),
    "not_yours": N_("You can only invite people to the municipalities you administer."),
    "unknown_place": N_("I don't know the municipality “{place}”."),
    "not_found": N_("This invitation no longer exists."),
    "used": N_("This invitation has already been used."),
}
REDEEM_ERRORS = {
    "unknown": N_(
        "This invitation link is not valid: it may have been withdrawn or mistyped. "
        "Please ask the person who invited you for a new one."
    ),
    "used": N_(
        "This invitation has already been used. Each invitation works once: "
        "please ask the person who invited you for a new one."
    ),
    "expired": N_(
        "This invitation has expired. Please ask the person who invited you for a new one."
    ),
    "inviter": N_(
        "This invitation no longer works because the person who sent it can no longer grant "
        "this role; please ask an admin of your municipality for a new one."
    ),
}
PEOPLE_ERRORS = {
    "role": N_("That role cannot be changed here."),
    "not_yours": N_("You can only change roles in the municipalities you administer."),
    "superadmin": N_("This person is a state-wide admin by configuration (ADMIN_USER_IDS)."),
    "own_admin": N_("You cannot take away your own admin role. Ask another admin to do it."),
    "not_found": N_("This person was not found among the people of your municipalities."),
}
ACTIONS = {
    "invitation_created": N_("invited someone as {role}"),
    "invitation_used": N_("joined as {role} through an invitation"),
    "invitation_withdrawn": N_("withdrew an invitation as {role}"),
    "role_granted": N_("made {subject} {role}"),
    "role_revoked": N_("took the role {role} from {subject}"),
    "content_uploaded": N_("uploaded content ({target})"),
    "entry_published": N_("published {target}"),
    "entry_restored": N_("restored {target}"),
    "entry_hidden": N_("hid {target}"),
    "entry_shown": N_("showed {target} again"),
    "question_added": N_("added a way to ask {target}"),
    "questions_added": N_("added unanswered questions to {target}"),
    "questions_dismissed": N_("dismissed {target} unanswered questions"),
    "translation_kept": N_("kept the translation {target} as still correct"),
}


def _reply(t: Translator, lines: Sequence[str], rows: Rows = ()) -> Reply:
    return Reply(directed("\n".join(lines), t.lang), rows)


def role_name(t: Translator, role: str) -> str:
    return t(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def person_label(t: Translator, user_id: int) -> str:
    """How a person is named: only by their Telegram id (Lotse keeps no names)."""
    return t("User {id}", id=user_id)


def where(t: Translator, place: Place, municipality: str) -> str:
    return place(municipality) if municipality else t("all of North Rhine-Westphalia")


def invite_roles(t: Translator) -> Reply:
    """Ask which role to invite someone to."""
    rows = grid(
        [
            Button(role_name(t, r).capitalize(), data("I", "r", r))
            for r in ("advisor", "coach", "admin")
        ],
        3,
    )
    return _reply(t, [esc(t("Whom do you want to invite? Choose the role."))], rows)


def invite_places(t: Translator, role: str, places: Sequence[tuple[str, str]]) -> Reply:
    """Ask for which of the admin's municipalities the invitation holds."""
    buttons = [Button(name, data("I", "m", role, token(mid))) for mid, name in places]
    text = t("For which municipality is the invitation as {role}?", role=role_name(t, role))
    return _reply(t, [esc(text)], grid(buttons, 2))


def invitation(
    t: Translator,
    link: str,
    payload: str,
    role: str,
    place: str,
    until: datetime,
    tz: ZoneInfo,
    invitation_id: int,
) -> Reply:
    """The invitation made: the link to pass on, how long it holds, and a way to withdraw it."""
    lines = [
        bold(t("Invitation as {role} for {place}", role=role_name(t, role), place=place)),
        esc(
            t(
                "Send this link to the person you invite. It works once, until {until}.",
                until=short(t, until, tz),
            )
        ),
        esc(link),
        italic(t("Without the link, they can also send: {command}", command="/start " + payload)),
    ]
    rows = ((Button("↩ " + t("Withdraw the invitation"), data("I", "x", str(invitation_id))),),)
    return _reply(t, lines, rows)


def withdrawn(t: Translator) -> Reply:
    return _reply(t, [esc(t("The invitation is withdrawn: its link no longer works."))])


def error(t: Translator, table: dict[str, str], code: str, **params: str) -> str:
    return t(table.get(code, N_("That did not work.")), **params)


def welcome_role(t: Translator, role: str, place: str, new: bool) -> Reply:
    """Tell the invited person what they are now."""
    text = (
        t("Welcome! You are now {role} for {place} in Lotse.", role=role_name(t, role), place=place)
        if new
        else t("You already were {role} for {place}.", role=role_name(t, role), place=place)
    )
    return _reply(t, [esc(text)])


def invitation_used(t: Translator, role: str, place: str) -> Reply:
    """Tell the inviter that their invitation was used."""
    text = t(
        "Your invitation was used: someone is now {role} for {place}.",
        role=role_name(t, role),
        place=place,
    )
    return _reply(t, [esc(text)])


def people(
    t: Translator, holders: Sequence[Holder], volunteers: int, place: Place, page: int
) -> Reply:
    """The people with a role, by role, a page at a time, each a button to change their roles."""
    lines = [bold(t("People and roles"))]
    if not holders:
        lines.append(esc(t("Nobody holds a role here yet. Invite someone with /invite.")))
    start = page * PAGE
    shown = holders[start : start + PAGE]
    for role in MANAGED_ROLES:
        count = sum(1 for h in holders if h.role == role)
        if count:
            lines.append(esc(f"{t(ROLE_HEADINGS[role])}: {count}"))
    lines.append(esc(t("Volunteers (everyone else): {count}", count=volunteers)))
    buttons = [
        Button(
            " · ".join(
                (person_label(t, h.user_id), role_name(t, h.role), where(t, place, h.municipality))
            ),
            data("U", "p", str(h.user_id)),
        )
        for h in shown
    ]
    rows: list[tuple[Button, ...]] = [(b,) for b in buttons]
    paging = []
    if page > 0:
        paging.append(Button("◀", data("U", "l", str(page - 1))))
    if start + PAGE < len(holders):
        paging.append(Button("▶", data("U", "l", str(page + 1))))
    if paging:
        rows.append(tuple(paging))
    rows.append((Button("📜 " + t("Recent changes"), data("U", "a")),))
    return _reply(t, lines, tuple(rows))


def person(
    t: Translator, who: Person, areas: Sequence[str], place: Place, link: bool = True
) -> Reply:
    """One person's roles in the admin's municipalities, with a button to grant or revoke each."""
    name = f'<a href="tg://user?id={who.user_id}">{esc(person_label(t, who.user_id))}</a>'
    lines = [bold(name) if link else bold(esc(person_label(t, who.user_id)))]
    if who.roles:
        for role, municipality in who.roles:
            lines.append(esc(f"• {role_name(t, role)} · {where(t, place, municipality)}"))
    else:
        lines.append(esc(t("No role: a volunteer.")))
    if not who.active:
        lines.append(italic(t("This person has blocked Lotse.")))
    lines.append(esc(t("Press a role to give it or to take it away.")))
    held = set(who.roles)
    buttons = []
    for municipality in areas:
        for role in MANAGED_ROLES:
            has = (role, municipality) in held
            verb = "r" if has else "g"
            mark = "✅" if has else "➕"
            text = f"{mark} {role_name(t, role)}" + (
                f" · {where(t, place, municipality)}" if len(areas) > 1 else ""
            )
            buttons.append(
                Button(
                    text,
                    data(
                        "U",
                        verb,
                        str(who.user_id),
                        role,
                        token(municipality) if municipality else "-",
                    ),
                )
            )
    rows = (*grid(buttons, 3), (Button("◀ " + t("Back"), data("U", "l", "0")),))
    return _reply(t, lines, rows)


def log(t: Translator, entries: Sequence[Logged], place: Place, tz: ZoneInfo) -> Reply:
    """The newest changes to roles and invitations (and content) in the admin's area."""
    lines = [bold(t("Recent changes"))]
    if not entries:
        lines.append(esc(t("Nothing has been changed yet.")))
    for e in entries:
        actor = person_label(t, e.actor_id) if e.actor_id else t("someone who left")
        subject = person_label(t, e.subject_id) if e.subject_id else t("someone who left")
        template = ACTIONS.get(e.action)
        what = (
            t(template, role=role_name(t, e.target or ""), subject=subject, target=e.target or "")
            if template
            else f"{e.action} {e.target or ''}".strip()
        )
        lines.append(
            esc(f"{short(t, e.at, tz)} · {actor}: {what} · {where(t, place, e.municipality or '')}")
        )
    return _reply(t, lines, ((Button("◀ " + t("Back"), data("U", "l", "0")),),))


def role_changed(t: Translator, role: str, place: str, granted: bool) -> Reply:
    """Tell a person that an admin gave them a role or took it away."""
    text = (
        t(
            "An admin has made you {role} for {place} in Lotse.",
            role=role_name(t, role),
            place=place,
        )
        if granted
        else t(
            "An admin has taken away your role {role} for {place} in Lotse.",
            role=role_name(t, role),
            place=place,
        )
    )
    return _reply(t, [esc(text)])
