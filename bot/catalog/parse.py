"""Turn raw YAML mappings into typed entries, collecting every problem with file:line."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from bot.catalog.areas import LOCAL_KINDS
from bot.catalog.problems import Message, Problems
from bot.catalog.reader import (
    ID_RE,
    LANG_RE,
    MAX_ID,
    Reader,
    audience,
    contact,
    geo,
    line_of,
    translations,
)
from bot.catalog.schema import (
    AUDIENCES,
    OFFER_TYPES,
    REFERENCE_LANGUAGE,
    Contact,
    Entry,
    FaqEntry,
    FaqText,
    Municipality,
    Offer,
    Program,
    Where,
)
from bot.i18n import N_

__all__ = ["ID_RE", "LANG_RE", "SINGULAR", "Problems", "entry_label", "parse_entry"]

#: An offer has at most this many places (more is a typing error).
MAX_CAPACITY = 100_000
SINGULAR = {
    "municipalities": "municipality",
    "programs": "program",
    "faq": "faq",
    "offers": "offer",
    "contacts": "contact",
}
#: How a problem names the entry it is about, per kind.
LABELS = {
    "municipalities": N_("municipality '{id}'"),
    "programs": N_("program '{id}'"),
    "faq": N_("faq '{id}'"),
    "offers": N_("offer '{id}'"),
    "contacts": N_("contact '{id}'"),
}
NOT_A_MAPPING = {
    "municipalities": N_("every municipality entry must be a mapping"),
    "programs": N_("every program entry must be a mapping"),
    "faq": N_("every faq entry must be a mapping"),
    "offers": N_("every offer entry must be a mapping"),
    "contacts": N_("every contact entry must be a mapping"),
}
NO_ID = {
    "municipalities": N_("a municipality entry has no 'id'"),
    "programs": N_("a program entry has no 'id'"),
    "faq": N_("a faq entry has no 'id'"),
    "offers": N_("an offer entry has no 'id'"),
    "contacts": N_("a contact entry has no 'id'"),
}


def entry_label(kind: str, entry_id: object) -> Message:
    """Return how problems name an entry, e.g. "faq 'x'"."""
    return Message(LABELS[kind], {"id": entry_id})


def parse_municipality(r: Reader) -> Municipality:
    return Municipality(
        id=r.raw["id"],
        name=r.text("name", required=True) or "",
        kreis=r.slug("kreis"),
        alliance=r.flag("alliance"),
        coordinator=r.text("coordinator"),
        geo=geo(r),
        extra=r.extra(),
        where=r.where,
    )


def parse_program(r: Reader) -> Program:
    eligibility = r.get("eligibility")
    if eligibility is not None and not isinstance(eligibility, Mapping):
        r.bad("eligibility", N_("'eligibility' must be a mapping with 'all' and/or 'any'"))
        eligibility = None
    return Program(
        id=r.raw["id"],
        audience=r.choice("audience", AUDIENCES, required=True) or "person",
        source=r.text("source", required=True) or "",
        translations=translations(r, ("title",)),
        parent=r.slug("parent"),
        eligibility=eligibility,
        extra=r.extra(),
        where=r.where,
    )


def _faq_texts(r: Reader) -> dict[str, FaqText]:
    raw = r.get("translations", required=True)
    texts: dict[str, FaqText] = {}
    if raw is None:
        return texts
    if not isinstance(raw, Mapping):
        r.bad("translations", N_("'translations' must map language codes to questions and answer"))
        return texts
    if REFERENCE_LANGUAGE not in raw:
        r.bad(
            "translations",
            N_("'translations' has no '{lang}' (German is required)"),
            lang=REFERENCE_LANGUAGE,
        )
    for lang, fields in raw.items():
        line = line_of(raw, lang, r.where.line)
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            r.bad_at(line, N_("'{lang}' is not a language code"), lang=lang)
            continue
        label = Message(N_("faq '{id}' ({lang})"), {"id": r.raw["id"], "lang": lang})
        sub = Reader(fields, Where(r.where.file, line), r.problems, label)
        if not isinstance(fields, Mapping):
            sub.bad_at(line, N_("must have 'questions' and 'answer'"))
            continue
        questions = sub.texts("questions")
        if not questions:
            sub.bad("questions", N_("'questions' is missing or empty"))
        answer = sub.text("answer", required=True)
        texts[lang] = FaqText(
            questions,
            answer or "",
            sub.texts("keywords"),
            source=sub.text("source"),
            made_from=sub.text("made_from"),
        )
    return texts


def parse_faq(r: Reader) -> FaqEntry:
    texts = _faq_texts(r)
    return FaqEntry(
        id=r.raw["id"],
        scope=r.slug("scope") or "nrw",
        translations=texts,
        tags=r.texts("tags"),
        program=r.slug("program"),
        source=r.text("source"),
        valid_until=r.day("valid_until"),
        extra=r.extra(),
        where=r.where,
    )


def parse_offer(r: Reader) -> Offer:
    starts, ends = r.day("starts"), r.day("ends")
    if starts and ends and ends < starts:
        r.bad("ends", N_("'ends' is before 'starts'"))
    capacity = r.get("capacity")
    if capacity is not None and (
        not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0
    ):
        r.bad("capacity", N_("'capacity' must be a whole number >= 0 or null"))
        capacity = None
    elif capacity is not None and capacity > MAX_CAPACITY:
        r.bad("capacity", N_("'capacity' must be at most {limit}"), limit=MAX_CAPACITY)
        capacity = None
    return Offer(
        id=r.raw["id"],
        type=r.choice("type", OFFER_TYPES, required=True) or "other",
        municipality=r.slug("municipality", required=True) or "",
        translations=translations(r, ("title",)),
        program=r.slug("program"),
        provider=r.text("provider"),
        address=r.text("address"),
        geo=geo(r),
        languages=r.texts("languages", LANG_RE),
        audience=audience(r),
        starts=starts,
        ends=ends,
        capacity=capacity,
        coach=r.text("coach"),
        contact=contact(r),
        extra=r.extra(),
        where=r.where,
    )


def parse_contact(r: Reader) -> Contact:
    return Contact(
        id=r.raw["id"],
        translations=translations(r, ("title",)),
        municipality=r.slug("municipality"),
        role=r.slug("role"),
        phone=r.text("phone"),
        email=r.text("email"),
        url=r.text("url"),
        extra=r.extra(),
        where=r.where,
    )


PARSERS: dict[str, Callable[[Reader], Entry]] = {
    "municipalities": parse_municipality,
    "programs": parse_program,
    "faq": parse_faq,
    "offers": parse_offer,
    "contacts": parse_contact,
}


def parse_entry(kind: str, raw: Any, where: Where, problems: Problems) -> Entry | None:
    """Parse one entry of kind; report problems and return None if it has no usable id."""
    if not isinstance(raw, Mapping):
        problems.add(where, None, NOT_A_MAPPING[kind])
        return None
    entry_id = raw.get("id")
    reader = Reader(raw, where, problems, entry_label(kind, entry_id))
    if entry_id is None:
        problems.add(where, None, NO_ID[kind])
        return None
    if not isinstance(entry_id, str) or not ID_RE.match(entry_id):
        reader.bad("id", N_("id '{id}' is not a lower-case slug ([a-z0-9-]+)"), id=entry_id)
        return None
    if len(entry_id) > MAX_ID:
        reader.bad(
            "id", N_("id '{id}' is longer than {limit} characters"), id=entry_id, limit=MAX_ID
        )
        return None
    hidden = reader.flag("hidden")  # an extension key, not kept in `extra`
    if hidden and kind not in LOCAL_KINDS:
        reader.bad("hidden", N_("only FAQ entries, offers and contacts can be hidden"))
    if "german_only" in raw:  # an extension key, kept in `extra`: why no translation is needed
        reason = raw["german_only"]
        if not isinstance(reason, str) or not reason.strip():
            reader.bad("german_only", N_("'german_only' must give the reason as text"))
    entry = PARSERS[kind](reader)
    if hidden is not None and kind in LOCAL_KINDS:
        entry = replace(entry, hidden=hidden)
    return entry
