"""One text normaliser for every script, and the word tokens the index is built from."""

from __future__ import annotations

import importlib
import itertools
import re
import unicodedata
from functools import cache, lru_cache
from typing import Protocol

from bot.answers.stopwords import stop_words

try:
    import Stemmer  # PyStemmer: Snowball's own stemmers in C, 40 to 80 times as fast
except ImportError:  # snowballstemmer's Python stemmers then
    Stemmer = None


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...


#: Snowball stemmers for the languages we serve (Ukrainian and the rest use a prefix).
SNOWBALL = {
    "de": "german",
    "en": "english",
    "ar": "arabic",
    "fa": "persian",
    "ru": "russian",
    "tr": "turkish",
    "fr": "french",
}
#: The script each stemmed language is written in.
SCRIPT = {
    "de": "latin",
    "en": "latin",
    "fr": "latin",
    "tr": "latin",
    "ar": "arabic",
    "fa": "arabic",
    "ps": "arabic",
    "ku": "latin",
    "uk": "cyrillic",
    "ru": "cyrillic",
}
#: Stemmer used for a word whose script is not its text's (e.g. "Jobcenter" in Arabic).
BORROWED = {"latin": "de", "arabic": "ar", "cyrillic": "ru"}
#: Stemmers PyStemmer has in C; the others come from snowballstemmer (pure Python).
C_STEMMERS = frozenset(Stemmer.algorithms()) if Stemmer is not None else frozenset()
PREFIX = 5

_EXPLICIT = {
    "\u0640": "",  # tatweel
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0649": "\u064a",  # alef maksura -> yeh
    "\u06cc": "\u064a",  # Persian yeh -> Arabic yeh
    "\u06d2": "\u064a",  # yeh barree
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c0": "\u0647",  # heh with yeh above
    "\u06c1": "\u0647",  # heh goal
    "\u06be": "\u0647",  # heh doachashmee
    "\u06d5": "\u0647",  # ae
    "\u200c": " ",  # zero-width non-joiner separates Persian word parts
    "\u0131": "i",  # Turkish dotless i
    "\u00f8": "o",
    "\u0111": "d",
    "\u0142": "l",
    "\u0153": "oe",
    "\u00e6": "ae",
    "\u00df": "ss",
    "\u0439": "\u0439",  # keep Cyrillic short i (Russian endings need it)
}
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_DIGRAPH = re.compile("([aou])e+")  # German umlaut spellings: ae, oe, ue
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])")
#: Raw characters put through NFKC at a time when only a text's start is wanted.
_PIECE = 256
#: Longer words are their own stem: no language has them, and stemming takes time per letter.
LONGEST_STEMMED = 64


@cache
def _table() -> list[str]:
    """Build the translate table for the BMP: marks out, letters to base, digits to ASCII."""
    table = []
    for cp in range(0x10000):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if cat[0] == "M" or cat == "Cf":
            ch = ""
        elif cat == "Nd":
            ch = str(unicodedata.digit(ch))
        elif cat[0] == "L":
            nfd = unicodedata.normalize("NFD", ch)
            if len(nfd) > 1 and all(unicodedata.category(c) == "Mn" for c in nfd[1:]):
                ch = nfd[0]
        elif not ch.isalnum():
            ch = " "
        table.append(ch)
    for key, value in _EXPLICIT.items():
        table[ord(key)] = value
    for _ in range(2):  # a replacement must need no further replacement (idempotence)
        table = ["".join(table[ord(c)] for c in value) for value in table]
    return table


def _astral(match: re.Match[str]) -> str:
    ch = match.group()
    return ch if ch.isalnum() else " "


def normalise(text: str, limit: int | None = None) -> str:
    """Return text folded for matching: one canonical spelling, words separated by one space.

    With a limit, only the start of text is folded, to at most limit characters: NFKC makes
    up to 18 characters of one ("ﷺ"), so a long text is folded piece by piece until enough.
    """
    if limit is not None:
        text = _head(text, limit)
    text = unicodedata.normalize("NFKC", text).casefold().translate(_table())
    if not text.isascii():
        text = _ASTRAL.sub(_astral, text)
    text = _DIGRAPH.sub(r"\1", text)
    return " ".join(_DIGIT_LETTER.sub(" ", text).split())


class Folder(dict[str, tuple[str, ...]]):
    """Fold texts into normalised words, each distinct token (as split at white space) once.

    Nothing normalise does reaches across white space (NFKC composes nothing with it), so
    the words of a text are those of its tokens in turn. For indexing many texts that share
    their words: it keeps every token it folded, so use one per batch of texts.
    """

    def __missing__(self, token: str) -> tuple[str, ...]:
        folded = self[token] = tuple(normalise(token).split())
        return folded

    def words(self, text: str) -> list[str]:
        """Return normalise(text).split()."""
        return list(itertools.chain.from_iterable(map(self.__getitem__, text.split())))


def _head(text: str, limit: int) -> str:
    """Return the NFKC form of text's start, cut to limit characters.

    NFKC of the concatenated NFKC pieces equals NFKC of the whole, so cutting the raw text
    anywhere (even inside a combining sequence) changes nothing but the length.
    """
    pieces, size = [], 0
    for start in range(0, len(text), _PIECE):
        piece = unicodedata.normalize("NFKC", text[start : start + _PIECE])
        pieces.append(piece)
        size += len(piece)
        if size >= limit:
            break
    return "".join(pieces)[:limit]


def script_of(word: str) -> str:
    """Return the script of a normalised word: latin, arabic, cyrillic, digit or other."""
    ch = word[0]
    if "a" <= ch <= "z":
        return "latin"
    if ch.isdigit():
        return "digit"
    cp = ord(ch)
    if 0x0600 <= cp <= 0x08FF:
        return "arabic"
    if 0x0400 <= cp <= 0x052F:
        return "cyrillic"
    if cp < 0x0250:
        return "latin"
    return "other"


def snowball(algorithm: str, c: bool = True) -> _Stemmer | None:
    """Return Snowball's stemmer for algorithm ("german"): PyStemmer's in C when it has it
    (and c is true), else snowballstemmer's in Python; None when neither has it."""
    if c and algorithm in C_STEMMERS:
        return Stemmer.Stemmer(algorithm, 0)  # no cache of its own: _stem caches
    try:  # the module itself: snowballstemmer.stemmer() hands out PyStemmer's when it can
        module = importlib.import_module(f"snowballstemmer.{algorithm}_stemmer")
    except ImportError:
        return None
    return getattr(module, algorithm.title().replace("_", "") + "Stemmer")()


@cache
def _stemmer(lang: str) -> _Stemmer | None:
    return snowball(SNOWBALL[lang]) if lang in SNOWBALL else None


def _stem_arabic(stemmer: _Stemmer, word: str) -> str:
    # Put back the teh marbuta the normaliser folded, so the stemmer strips it as a suffix.
    if len(word) > 2 and word.endswith("\u0647"):
        word = word[:-1] + "\u0629"
    return stemmer.stemWord(word).replace("\u0629", "\u0647")


def stem(word: str, lang: str) -> str:
    """Return the stem of a normalised word written in a text of language lang."""
    if len(word) > LONGEST_STEMMED:  # nor cached: a flood of long words must not fill memory
        return word
    script = script_of(word)
    if script == "digit":
        return word
    if SCRIPT.get(lang) != script:
        lang = BORROWED.get(script, "")
    return _stem(word, lang)


@lru_cache(maxsize=1 << 15)
def _stem(word: str, lang: str) -> str:
    """Return the stem of word in language lang (cached by the stemmer that is used)."""
    stemmer = _stemmer(lang)
    if stemmer is None:  # Ukrainian, or an old snowballstemmer
        return word[:PREFIX]
    if lang == "ar":
        return _stem_arabic(stemmer, word)
    if lang == "fa":
        return (stemmer.stemWord(word) or word).translate(_table())
    return stemmer.stemWord(word) or word


def words(text: str, stops: frozenset[str]) -> list[str]:
    """Return the normalised words of text that are not in stops (nor single letters)."""
    return [w for w in normalise(text).split() if w not in stops and (len(w) > 1 or w.isdigit())]


def content_words(text: str, lang: str) -> list[str]:
    """Return the normalised words of text that are not stop words of lang."""
    return words(text, stop_words(lang))


def tokens(text: str, lang: str) -> list[str]:
    """Return the stemmed content words of text as written in language lang."""
    return [stem(w, lang) for w in content_words(text, lang)]


_PERSIAN = set("پچژگکی")
_ARABIC = set("ةىيكؤئ")
_UKRAINIAN = set("іїєґ")
_RUSSIAN = set("ыэъё")
_LATIN_HINTS = {"de": set("äöüß"), "tr": set("şğı"), "fr": set("éèêàçœ")}
_LATIN_LANGS = ("de", "en", "fr", "tr")


def guess_language(text: str) -> str | None:
    """Return the language text looks written in, or None when the script does not tell."""
    letters = [ch for ch in text.casefold() if ch.isalpha()]
    if not letters:
        return None
    arabic = sum("\u0600" <= ch <= "\u06ff" for ch in letters)
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
    latin = sum(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters)
    top = max(arabic, cyrillic, latin)
    if top == arabic and arabic:
        persian = sum(ch in _PERSIAN for ch in letters)
        return "fa" if persian > sum(ch in _ARABIC for ch in letters) else "ar"
    if top == cyrillic:
        uk = sum(ch in _UKRAINIAN for ch in letters)
        ru = sum(ch in _RUSSIAN for ch in letters)
        return "uk" if uk > ru else "ru" if ru > uk else None
    return _guess_latin(text, letters)


def _guess_latin(text: str, letters: list[str]) -> str | None:
    """Vote with telltale letters and stop words; answer only on a clear lead."""
    votes = dict.fromkeys(_LATIN_LANGS, 0)
    for lang, hints in _LATIN_HINTS.items():
        votes[lang] += 2 * sum(ch in hints for ch in letters)
    found = normalise(text).split()
    for lang in _LATIN_LANGS:
        votes[lang] += sum(w in stop_words(lang) for w in found)
    ranked = sorted(votes.items(), key=lambda kv: kv[1], reverse=True)
    (best, first), (_, second) = ranked[0], ranked[1]
    return best if first >= 2 and first >= 2 * second else None
