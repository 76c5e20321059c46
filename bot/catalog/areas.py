"""Which municipality a content entry belongs to: who may change it.

An entry of a municipality (an offer, a contact, an FAQ entry scoped to it) belongs to that
municipality's admins; everything state-wide (municipalities, programs, FAQ entries for all
of NRW, contacts without a municipality) belongs to the superadmins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.catalog.problems import Message
from bot.catalog.schema import Contact, Entry, FaqEntry, Offer
from bot.i18n import N_

#: Kinds an admin of a municipality may change (the others are state-wide only).
LOCAL_KINDS = ("faq", "offers", "contacts")


def entry_area(entry: Entry) -> str | None:
    """Return the municipality an entry belongs to, or None when it is state-wide."""
    if isinstance(entry, FaqEntry):
        return None if entry.scope == "nrw" else entry.scope
    if isinstance(entry, Offer | Contact):
        return entry.municipality
    return None


def raw_area(kind: str, raw: Mapping[str, Any]) -> str | None:
    """Return the municipality of an entry in contract form (None: state-wide)."""
    if kind == "faq":
        scope = raw.get("scope")
        return None if scope in (None, "nrw") else str(scope)
    if kind in ("offers", "contacts"):
        value = raw.get("municipality")
        return str(value) if value else None
    return None


def within(area: str | None, areas: frozenset[str] | None) -> bool:
    """Say if an entry of `area` lies within `areas` (None: everything, a superadmin)."""
    if areas is None:
        return True
    return area is not None and area in areas


def area_problem(
    kind: str, entry: Entry, stored: Entry | None, areas: frozenset[str] | None
) -> Message | None:
    """Say why an admin of areas may not write entry (over stored, its current version)."""
    if areas is None:
        return None
    if kind not in LOCAL_KINDS:
        return Message(N_("only state-wide admins may change municipalities and programs"))
    area = entry_area(entry)
    if area is None:
        return Message(N_("this entry is for all of NRW; only state-wide admins may change it"))
    if area not in areas:
        return Message(
            N_("this entry belongs to '{municipality}', which you do not administer"),
            {"municipality": area},
        )
    if stored is not None and not within(entry_area(stored), areas):
        old = entry_area(stored)
        if old is None:
            return Message(N_("the id is already used by an entry for all of NRW"))
        return Message(
            N_("the id is already used by an entry of '{municipality}', which you cannot change"),
            {"municipality": old},
        )
    return None
