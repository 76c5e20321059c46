"""Languages: negotiation, one Translations object per locale, right-to-left helpers.

There is no global `_`: every caller passes the locale (or a Translator) explicitly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.lists import format_list
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = ("de", "en", "ar", "fa", "uk", "tr", "ru", "fr")
RTL_LANGUAGES = frozenset({"ar", "fa", "ps", "ur", "he", "ckb"})
#: Each language's own name, shown on the language buttons.
LANGUAGE_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "uk": "Українська",
    "tr": "Türkçe",
    "ru": "Русский",
    "fr": "Français",
    "ti": "ትግርኛ",
    "ps": "پښتو",
    "ku": "Kurdî",
}
#: Codes Telegram (or people) use that map onto a supported language.
ALIASES = {"prs": "fa", "fa-af": "fa", "pes": "fa", "ua": "uk", "ar-sy": "ar", "de-at": "de"}
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
RLM = "\u200f"
FSI, PDI = "\u2068", "\u2069"


def N_(message: str) -> str:
    """Mark a module-level string for extraction; translate it later with a Translator."""
    return message


def negotiate(code: str | None, default: str = "de") -> str:
    """Return the supported language for a Telegram language code like 'de-AT'."""
    if not code:
        return default
    code = code.strip().lower().replace("_", "-")
    if code in ALIASES:
        return ALIASES[code]
    base = code.split("-", 1)[0]
    if base in SUPPORTED_LANGUAGES:
        return base
    return ALIASES.get(base, default)


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGUAGES


def rtl_lines(text: str, lang: str) -> str:
    """Start every line of an RTL text with a right-to-left mark, so Telegram aligns it."""
    if not is_rtl(lang):
        return text
    return "\n".join(
        RLM + line if line and not line.startswith(RLM) else line for line in text.split("\n")
    )


def isolate(text: str) -> str:
    """Wrap an embedded run (a name, a number, a Latin word) so it keeps its own direction."""
    return f"{FSI}{text}{PDI}"


@dataclass(frozen=True)
class Translator:
    """The UI strings of one language."""

    lang: str
    catalog: NullTranslations

    def gettext(self, message: str, **params: object) -> str:
        text = self.catalog.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self.catalog.ngettext(singular, plural, n)
        return text.format(n=n, **params)

    __call__ = gettext

    def join_or(self, items: list[str]) -> str:
        """Join items as this language says "a, b or c"."""
        return format_list(items, style="or", locale=self.lang) if items else ""

    def join_and(self, items: list[str]) -> str:
        """Join items as this language says "a, b and c"."""
        return format_list(items, style="standard", locale=self.lang) if items else ""

    @property
    def rtl(self) -> bool:
        return is_rtl(self.lang)


@cache
def translator(lang: str, locales_dir: Path = LOCALES_DIR) -> Translator:
    """Return the (cached) translator for lang; unknown languages get the English msgids."""
    mo = locales_dir / lang / "LC_MESSAGES" / "messages.mo"
    po = mo.with_suffix(".po")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translator(lang, Translations(handle, domain="messages"))
    if po.is_file():
        log.warning("catalog for %s is not compiled (run 'make compile'); reading the .po", lang)
        return Translator(lang, _from_po(po))
    return Translator(lang, NullTranslations())


def _from_po(path: Path) -> NullTranslations:
    """Build translations straight from a .po file (used when .mo files are missing)."""
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")
