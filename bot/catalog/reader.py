"""Read the fields of one raw entry, reporting each problem at the line of its key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from bot.catalog.problems import Message, Problems
from bot.catalog.schema import GERMAN_LEVELS, REFERENCE_LANGUAGE, STATUSES, Where
from bot.i18n import N_

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: An entry id may be at most this long (the database keeps 64 characters).
MAX_ID = 64
#: A language code: "de", "fa", "fa-af" (at most 8 characters, as the database keeps them).
LANG_RE = re.compile(r"^(?=.{2,8}$)[a-z]{2,3}(?:-[a-z0-9]{2,4})?$")


def line_of(node: Any, key: Any, default: int) -> int:
    """Return the line of key in a mapping read from YAML, else default."""
    return node.line_of(key) if hasattr(node, "line_of") else default


class Reader:
    """Reads the fields of one entry mapping and reports problems at the right line."""

    def __init__(self, raw: Mapping[str, Any], where: Where, problems: Problems, label: Message):
        self.raw = raw
        self.where = where
        self.problems = problems
        self.label = label
        self.used: set[str] = set()

    def line(self, key: str) -> int:
        return line_of(self.raw, key, self.where.line)

    def bad(self, key: str, msgid: str, /, **params: object) -> None:
        self.problems.add(self.where, self.line(key), msgid, subject=self.label, **params)

    def bad_at(self, line: int, msgid: str, /, **params: object) -> None:
        self.problems.add(self.where, line, msgid, subject=self.label, **params)

    def get(self, key: str, required: bool = False) -> Any:
        self.used.add(key)
        value = self.raw.get(key)
        if value is None and required:
            self.bad(key, N_("'{key}' is missing"), key=key)
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.get(key, required)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.bad(key, N_("'{key}' must be text"), key=key)
            return None
        value = str(value).strip()
        if not value and required:
            self.bad(key, N_("'{key}' is empty"), key=key)
            return None
        return value or None

    def choice(self, key: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None and value not in allowed:
            self.bad(
                key,
                N_("'{key}' is '{value}', expected one of: {allowed}"),
                key=key,
                value=value,
                allowed=", ".join(allowed),
            )
            return None
        return value

    def slug(self, key: str, required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None and not ID_RE.match(value):
            self.bad(
                key,
                N_("'{key}' '{value}' is not a lower-case slug ([a-z0-9-]+)"),
                key=key,
                value=value,
            )
            return None
        return value

    def flag(self, key: str) -> bool | None:
        value = self.get(key)
        if value is not None and not isinstance(value, bool):
            self.bad(key, N_("'{key}' must be true, false or null"), key=key)
            return None
        return value

    def day(self, key: str) -> date | None:
        value = self.get(key)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.bad(
                key,
                N_("'{key}' must be a date like 2027-12-31, not '{value}'"),
                key=key,
                value=value,
            )
            return None

    def texts(self, key: str, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.bad(key, N_("'{key}' must be a list of non-empty texts"), key=key)
            return ()
        for item in value:
            if pattern and not pattern.match(item):
                self.bad(key, N_("'{key}' has an invalid value '{value}'"), key=key, value=item)
        return tuple(v.strip() for v in value)

    def extra(self) -> dict[str, Any]:
        return {k: v for k, v in self.raw.items() if k not in self.used and k != "id"}


def translations(
    r: Reader, required_fields: tuple[str, ...], required: bool = True
) -> dict[str, dict[str, str]]:
    """Read `translations`: language code -> {field: text}, German required."""
    raw = r.get("translations", required=required)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        r.bad("translations", N_("'translations' must map language codes to texts"))
        return {}
    if REFERENCE_LANGUAGE not in raw:
        r.bad(
            "translations",
            N_("'translations' has no '{lang}' (German is required)"),
            lang=REFERENCE_LANGUAGE,
        )
    out: dict[str, dict[str, str]] = {}
    for lang, fields in raw.items():
        line = line_of(raw, lang, r.where.line)
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            r.bad_at(line, N_("'{lang}' is not a language code"), lang=lang)
            continue
        if not isinstance(fields, Mapping):
            r.bad_at(line, N_("translation '{lang}' must be a mapping"), lang=lang)
            continue
        texts: dict[str, str] = {}
        for name, value in fields.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                texts[str(name)] = str(value).strip()
            elif name not in ("questions", "keywords"):
                r.bad_at(line, N_("'{lang}.{name}' must be text"), lang=lang, name=name)
        for name in required_fields:
            if not texts.get(name):
                r.bad_at(line, N_("'{lang}' has no '{name}'"), lang=lang, name=name)
        out[lang] = texts
    return out


def geo(r: Reader) -> tuple[float, float] | None:
    """Read `geo`: [latitude, longitude] in degrees."""
    value = r.get("geo")
    if value is None:
        return None
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )
    if not ok or not (-90 <= value[0] <= 90 and -180 <= value[1] <= 180):
        r.bad("geo", N_("'geo' must be [latitude, longitude] in degrees"))
        return None
    return float(value[0]), float(value[1])


def audience(r: Reader) -> dict[str, Any]:
    """Read an offer's `audience`: min_age, max_age, statuses, german_level_min."""
    value = r.get("audience")
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        r.bad("audience", N_("'audience' must be a mapping"))
        return {}
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in ("min_age", "max_age"):
            if not isinstance(item, int) or isinstance(item, bool) or not 0 <= item <= 120:
                r.bad("audience", N_("'audience.{key}' must be a whole number of years"), key=key)
                continue
        elif key == "statuses":
            if not isinstance(item, list) or any(s not in STATUSES for s in item):
                r.bad(
                    "audience",
                    N_("'audience.statuses' must list values of: {values}"),
                    values=", ".join(STATUSES),
                )
                continue
            item = list(item)
        elif key == "german_level_min" and item not in GERMAN_LEVELS:
            r.bad(
                "audience",
                N_("'audience.german_level_min' must be one of: {values}"),
                values=", ".join(GERMAN_LEVELS),
            )
            continue
        out[str(key)] = item
    if out.get("min_age", 0) > out.get("max_age", 120):
        r.bad("audience", N_("'audience.min_age' is greater than 'max_age'"))
    return out


def contact(r: Reader) -> dict[str, str]:
    """Read an offer's `contact`: phone, email, url."""
    value = r.get("contact")
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value.values()
    ):
        r.bad("contact", N_("'contact' must map phone/email/url to text"))
        return {}
    return {str(k): str(v) for k, v in value.items()}
