"""Find the FAQ entries a user may see by id, and a few example questions for them."""

from __future__ import annotations

from datetime import date

from bot.catalog.schema import Contact, Content, FaqEntry


def visible_entry(
    content: Content, entry_id: str, municipality: str | None, today: date
) -> FaqEntry | None:
    """Return the entry if it exists, is state-wide or the user's municipality's, and is valid."""
    entry = content.faq.get(entry_id)
    if entry is None or entry.scope not in ("nrw", municipality) or not entry.visible_on(today):
        return None
    return entry


def example_questions(
    content: Content, lang: str, municipality: str | None, today: date, count: int = 3
) -> list[str]:
    """Return up to count question titles in lang; entries marked `example: true` come first."""
    visible = [
        entry
        for entry in content.faq.values()
        if lang in entry.translations
        and visible_entry(content, entry.id, municipality, today) is not None
    ]
    visible.sort(key=lambda entry: not entry.extra.get("example"))
    return [entry.translations[lang].title for entry in visible[:count]]


#: The tag of an entry that gives an overview of its program (offered after a check).
OVERVIEW_TAG = "ueberblick"


def program_entry(
    content: Content, program_id: str, municipality: str | None, today: date
) -> FaqEntry | None:
    """Return the FAQ entry to read next about a program.

    Of the entries linked by their `program` field: the user's municipality's first, then an
    overview (tagged `ueberblick`), the most focused (fewest tags) first, then by id.
    """
    linked = [
        entry
        for entry in content.faq.values()
        if entry.program == program_id
        and visible_entry(content, entry.id, municipality, today) is not None
    ]
    linked.sort(key=lambda e: (e.scope == "nrw", OVERVIEW_TAG not in e.tags, len(e.tags), e.id))
    return linked[0] if linked else None


def checkable(content: Content, entry: FaqEntry) -> bool:
    """Say whether an entry is about a program persons can be checked for."""
    program = content.programs.get(entry.program or "")
    return program is not None and program.audience == "person"


#: Contact roles that are a good first address for any question, best first.
FIRST_ROLES = ("integrationszentrum", "kommunales-integrationszentrum", "migrationsberatung")


def first_contact(content: Content, municipality: str | None) -> Contact | None:
    """The municipality's contact to name when there is no answer (a first address first)."""
    if municipality is None:
        return None
    mine = [c for c in content.contacts.values() if c.municipality == municipality and not c.hidden]
    rank = {role: n for n, role in enumerate(FIRST_ROLES)}
    mine.sort(key=lambda c: (rank.get(c.role or "", len(rank)), c.id))
    return mine[0] if mine else None
