"""Turn raw YAML mappings into typed entries, collecting every problem with file:line."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from bot.catalog.schema import (
    AUDIENCES,
    GERMAN_LEVELS,
    OFFER_TYPES,
    REFERENCE_LANGUAGE,
    STATUSES,
    Contact,
    Entry,
    FaqEntry,
    FaqText,
    Municipality,
    Offer,
    Program,
    Where,
)

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")


class Problems:
    """Collects `file:line: what is wrong` lines for one load."""

    def __init__(self) -> None:
        self.items: list[tuple[str, int, str]] = []

    def add(self, where: Where, line: int | None, text: str) -> None:
        self.items.append((where.file, line or where.line, text))

    def lines(self) -> list[str]:
        return [f"{f}:{n}: {t}" for f, n, t in sorted(self.items, key=lambda i: (i[0], i[1]))]

    def __bool__(self) -> bool:
        return bool(self.items)


class _Reader:
    """Reads the fields of one entry mapping and reports problems at the right line."""

    def __init__(self, raw: Mapping[str, Any], where: Where, problems: Problems, label: str):
        self.raw = raw
        self.where = where
        self.problems = problems
        self.label = label
        self.used: set[str] = set()

    def line(self, key: str) -> int:
        line_of = getattr(self.raw, "line_of", None)
        return line_of(key) if line_of else self.where.line

    def bad(self, key: str, text: str) -> None:
        self.problems.add(self.where, self.line(key), f"{self.label}: {text}")

    def get(self, key: str, required: bool = False) -> Any:
        self.used.add(key)
        value = self.raw.get(key)
        if value is None and required:
            self.bad(key, f"'{key}' is missing")
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.get(key, required)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.bad(key, f"'{key}' must be text")
            return None
        value = str(value).strip()
        if not value and required:
            self.bad(key, f"'{key}' is empty")
            return None
        return value or None

    def choice(self, key: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None and value not in allowed:
            self.bad(key, f"'{key}' is '{value}', expected one of: {', '.join(allowed)}")
            return None
        return value

    def slug(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None and not ID_RE.match(value):
            self.bad(key, f"'{key}' '{value}' is not a lower-case slug ([a-z0-9-]+)")
            return None
        return value

    def flag(self, key: str) -> bool | None:
        value = self.get(key)
        if value is not None and not isinstance(value, bool):
            self.bad(key, f"'{key}' must be true, false or null")
            return None
        return value

    def day(self, key: str) -> date | None:
        value = self.get(key)
        if value is None or isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.bad(key, f"'{key}' must be a date like 2027-12-31, not '{value}'")
            return None

    def texts(self, key: str, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.bad(key, f"'{key}' must be a list of non-empty texts")
            return ()
        for item in value:
            if pattern and not pattern.match(item):
                self.bad(key, f"'{key}' has an invalid value '{item}'")
        return tuple(v.strip() for v in value)

    def extra(self) -> dict[str, Any]:
        return {k: v for k, v in self.raw.items() if k not in self.used and k != "id"}


def _translations(
    r: _Reader, required_fields: tuple[str, ...], required: bool = True
) -> dict[str, dict[str, str]]:
    raw = r.get("translations", required=required)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        r.bad("translations", "'translations' must map language codes to texts")
        return {}
    if REFERENCE_LANGUAGE not in raw:
        r.bad("translations", f"'translations' has no '{REFERENCE_LANGUAGE}' (German is required)")
    out: dict[str, dict[str, str]] = {}
    for lang, fields in raw.items():
        line = raw.line_of(lang) if hasattr(raw, "line_of") else r.where.line
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            r.problems.add(r.where, line, f"{r.label}: '{lang}' is not a language code")
            continue
        if not isinstance(fields, Mapping):
            r.problems.add(r.where, line, f"{r.label}: translation '{lang}' must be a mapping")
            continue
        texts: dict[str, str] = {}
        for name, value in fields.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                texts[str(name)] = str(value).strip()
            elif name not in ("questions", "keywords"):
                r.problems.add(r.where, line, f"{r.label}: '{lang}.{name}' must be text")
        for name in required_fields:
            if not texts.get(name):
                r.problems.add(r.where, line, f"{r.label}: '{lang}' has no '{name}'")
        out[lang] = texts
    return out


def parse_municipality(r: _Reader) -> Municipality:
    return Municipality(
        id=r.raw["id"],
        name=r.text("name", required=True) or "",
        kreis=r.slug("kreis"),
        alliance=r.flag("alliance"),
        coordinator=r.text("coordinator"),
        geo=_geo(r),
        extra=r.extra(),
        where=r.where,
    )


def parse_program(r: _Reader) -> Program:
    eligibility = r.get("eligibility")
    if eligibility is not None and not isinstance(eligibility, Mapping):
        r.bad("eligibility", "'eligibility' must be a mapping with 'all' and/or 'any'")
        eligibility = None
    translations = _translations(r, ("title",))
    return Program(
        id=r.raw["id"],
        audience=r.choice("audience", AUDIENCES, required=True) or "person",
        source=r.text("source", required=True) or "",
        translations=translations,
        parent=r.slug("parent"),
        eligibility=eligibility,
        extra=r.extra(),
        where=r.where,
    )


def parse_faq(r: _Reader) -> FaqEntry:
    raw = r.get("translations", required=True)
    texts: dict[str, FaqText] = {}
    if raw is not None and not isinstance(raw, Mapping):
        r.bad("translations", "'translations' must map language codes to questions and answer")
    elif raw is not None:
        if REFERENCE_LANGUAGE not in raw:
            r.bad("translations", "'translations' has no 'de' (German is required)")
        for lang, fields in raw.items():
            line = raw.line_of(lang) if hasattr(raw, "line_of") else r.where.line
            if not isinstance(lang, str) or not LANG_RE.match(lang):
                r.problems.add(r.where, line, f"{r.label}: '{lang}' is not a language code")
                continue
            label = f"{r.label} ({lang})"
            if not isinstance(fields, Mapping):
                r.problems.add(r.where, line, f"{label}: must have 'questions' and 'answer'")
                continue
            sub = _Reader(fields, Where(r.where.file, line), r.problems, label)
            questions = sub.texts("questions")
            if not questions:
                sub.bad("questions", "'questions' is missing or empty")
            answer = sub.text("answer", required=True)
            texts[lang] = FaqText(questions, answer or "", sub.texts("keywords"))
    scope = r.slug("scope") or "nrw"
    return FaqEntry(
        id=r.raw["id"],
        scope=scope,
        translations=texts,
        tags=r.texts("tags"),
        program=r.slug("program"),
        source=r.text("source"),
        valid_until=r.day("valid_until"),
        extra=r.extra(),
        where=r.where,
    )


def _geo(r: _Reader) -> tuple[float, float] | None:
    value = r.get("geo")
    if value is None:
        return None
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )
    if not ok or not (-90 <= value[0] <= 90 and -180 <= value[1] <= 180):
        r.bad("geo", "'geo' must be [latitude, longitude] in degrees")
        return None
    return float(value[0]), float(value[1])


def _audience(r: _Reader) -> dict[str, Any]:
    value = r.get("audience")
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        r.bad("audience", "'audience' must be a mapping")
        return {}
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in ("min_age", "max_age"):
            if not isinstance(item, int) or isinstance(item, bool) or not 0 <= item <= 120:
                r.bad("audience", f"'audience.{key}' must be a whole number of years")
                continue
        elif key == "statuses":
            if not isinstance(item, list) or any(s not in STATUSES for s in item):
                r.bad("audience", f"'audience.statuses' must list values of: {', '.join(STATUSES)}")
                continue
            item = list(item)
        elif key == "german_level_min" and item not in GERMAN_LEVELS:
            r.bad(
                "audience",
                f"'audience.german_level_min' must be one of: {', '.join(GERMAN_LEVELS)}",
            )
            continue
        out[str(key)] = item
    if out.get("min_age", 0) > out.get("max_age", 120):
        r.bad("audience", "'audience.min_age' is greater than 'max_age'")
    return out


def _contact(r: _Reader) -> dict[str, str]:
    value = r.get("contact")
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value.values()
    ):
        r.bad("contact", "'contact' must map phone/email/url to text")
        return {}
    return {str(k): str(v) for k, v in value.items()}


def parse_offer(r: _Reader) -> Offer:
    starts, ends = r.day("starts"), r.day("ends")
    if starts and ends and ends < starts:
        r.bad("ends", "'ends' is before 'starts'")
    capacity = r.get("capacity")
    if capacity is not None and (
        not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0
    ):
        r.bad("capacity", "'capacity' must be a whole number >= 0 or null")
        capacity = None
    return Offer(
        id=r.raw["id"],
        type=r.choice("type", OFFER_TYPES, required=True) or "other",
        municipality=r.slug("municipality", required=True) or "",
        translations=_translations(r, ("title",)),
        program=r.slug("program"),
        provider=r.text("provider"),
        address=r.text("address"),
        geo=_geo(r),
        languages=r.texts("languages", LANG_RE),
        audience=_audience(r),
        starts=starts,
        ends=ends,
        capacity=capacity,
        coach=r.text("coach"),
        contact=_contact(r),
        extra=r.extra(),
        where=r.where,
    )


def parse_contact(r: _Reader) -> Contact:
    return Contact(
        id=r.raw["id"],
        translations=_translations(r, ("title",)),
        municipality=r.slug("municipality"),
        role=r.slug("role"),
        phone=r.text("phone"),
        email=r.text("email"),
        url=r.text("url"),
        extra=r.extra(),
        where=r.where,
    )


PARSERS: dict[str, Callable[[_Reader], Entry]] = {
    "municipalities": parse_municipality,
    "programs": parse_program,
    "faq": parse_faq,
    "offers": parse_offer,
    "contacts": parse_contact,
}
SINGULAR = {
    "municipalities": "municipality",
    "programs": "program",
    "faq": "faq",
    "offers": "offer",
    "contacts": "contact",
}


def parse_entry(kind: str, raw: Any, where: Where, problems: Problems) -> Entry | None:
    """Parse one entry of kind; report problems and return None if it has no usable id."""
    if not isinstance(raw, Mapping):
        problems.add(where, None, f"every {SINGULAR[kind]} entry must be a mapping")
        return None
    reader = _Reader(raw, where, problems, f"{SINGULAR[kind]} '{raw.get('id')}'")
    entry_id = raw.get("id")
    if entry_id is None:
        problems.add(where, None, f"a {SINGULAR[kind]} entry has no 'id'")
        return None
    if not isinstance(entry_id, str) or not ID_RE.match(entry_id):
        reader.bad("id", f"id '{entry_id}' is not a lower-case slug ([a-z0-9-]+)")
        return None
    return PARSERS[kind](reader)
