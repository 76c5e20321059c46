"""A user's copy of what Lotse stores about them (GDPR Art. 15), as data for JSON.

Like the erasure it walks every column that refers to a user (`erasure.references()`), so
a table added later shows up here too. References to other people are not given away: they
read "another user"; the user's own id reads "you".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.models import User, UserRole
from bot.privacy.erasure import references

YOU, SOMEONE = "you", "another user"
#: Columns left out of the copy: the content an admin wrote (it is public content, not
#: data about them) and the reminder dispatcher's worker names.
LEFT_OUT = {("content_entry_versions", "data"), ("reminders", "claimed_by")}
#: Tables shown in the profile part rather than as rows of their own.
IN_PROFILE = {UserRole.__tablename__}


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _profile(user: User) -> dict[str, Any]:
    return {
        "telegram_user_id": user.id,
        "language": user.language,
        "municipality": user.municipality,
        "roles": sorted(
            ({"role": r.role, "municipality": r.municipality or None} for r in user.roles),
            key=lambda r: (r["role"], r["municipality"] or ""),
        ),
        "telegram_username_kept_as_coach": user.handle,
        "reminder_offsets_minutes": user.reminder_offsets,
        "agenda_time": user.agenda_at,
        "takes_questions": user.takes_questions,
        "reachable": user.active,
        "first_seen": _value(user.created_at),
        "last_seen": _value(user.last_seen_at),
        "asked_whether_to_stay": _value(user.stay_asked_at),
    }


def collect(session: Session, user_id: int) -> dict[str, Any] | None:
    """Return everything stored about the user, table by table; None if nothing is."""
    user = session.get(User, user_id)
    if user is None:
        return None
    tables: dict[str, list] = {}
    by_table: dict[str, list] = {}
    for ref in references():
        if ref.table.name not in IN_PROFILE:
            by_table.setdefault(ref.table.name, []).append(ref)
    linked: dict[str, set] = {}
    for name, refs in by_table.items():
        condition = or_(*(ref.column == user_id for ref in refs))
        tables[name] = _rows(session, refs[0].table, condition, user_id)
        for column in refs[0].table.columns:  # the records these rows belong to
            for fk in column.foreign_keys:
                parent = fk.column.table
                if parent.name != User.__tablename__ and parent.name in by_table:
                    ids = {row[column.name] for row in tables[name]} - {None}
                    linked.setdefault(parent.name, set()).update(ids)
    for name, ids in linked.items():
        table = by_table[name][0].table
        have = {row["id"] for row in tables[name]}
        extra = ids - have
        if extra:
            tables[name] += _rows(session, table, table.c.id.in_(extra), user_id)
            tables[name].sort(key=lambda row: row["id"])
    return {"profile": _profile(user), "records": tables}


def _rows(session: Session, table: Any, condition: Any, user_id: int) -> list[dict[str, Any]]:
    """The rows of a table that match, with references to people as "you"/"another user"."""
    people = {ref.column.name for ref in references() if ref.table is table}
    columns = [c for c in table.columns if (table.name, c.name) not in LEFT_OUT]
    query = select(*columns).where(condition).order_by(*table.primary_key.columns)
    return [
        {
            key: (YOU if value == user_id else SOMEONE if value is not None else None)
            if key in people
            else _value(value)
            for key, value in row.items()
        }
        for row in session.execute(query).mappings()
    ]


def counts(data: dict[str, Any]) -> dict[str, int]:
    """How many records of each kind the copy holds (for the summary in the chat)."""
    return {name: len(rows) for name, rows in data["records"].items() if rows}
