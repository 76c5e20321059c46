"""Which words of a question carry its meaning: rare in general language (wordfreq).

"Can I get Kindergeld with a Duldung?" is not answered by the entry about the Duldung: the
question's rarest word, "Kindergeld", says what it is about. A word carries meaning when it
is rare in the general language it is written in (its Zipf frequency, from the `wordfreq`
package, whose data ships inside the package: nothing is downloaded). The engine answers
an entry directly only when every such word of the question that names a topic of the field
(a concept of the lexicon) matched something in it.

Only the general words are kept in memory: wordfreq's own tables hold every word it knows
(about 50 MB per language once read); Lotse reads each list only as far as the first word
rarer than RARE, a few thousand words, and answers "rare" for every word it did not keep.

Short words are left out (in most scripts they are verbs and particles such as "pays",
"bake", which an answer may well not repeat), and so are languages wordfreq does not know:
there, no word blocks an answer.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import msgpack
from wordfreq import available_languages
from wordfreq.tokens import lossy_tokenize

from bot.answers.normalise import script_of

#: A word this rare (Zipf frequency below, per language) carries meaning. Zipf 4.3 is about
#: 20 per million words: "Kindergeld" 3.6, "heiraten" 4.3, "Führerschein" 4.2 in German,
#: against "arbeiten" 5.4, "Arzt" 4.9. Chosen on bench/questions/dev.yaml.
RARE = 4.3
#: Words shorter than this carry no meaning on their own (Arabic script writes shorter).
MIN_LENGTH = {"arabic": 4}
DEFAULT_MIN_LENGTH = 5
#: Latin words in a question of another script are German or English terms ("Jobcenter").
BORROWED = ("de", "en")


@dataclass(frozen=True)
class Meaning:
    """Tell the words that carry meaning from general ones, per language."""

    rare: float = RARE
    min_length: int = DEFAULT_MIN_LENGTH

    def carries(self, word: str, lang: str) -> bool:
        """Does this (folded) word carry the question's meaning in a question in lang?"""
        script = script_of(word)
        if len(word) < MIN_LENGTH.get(script, self.min_length) or not word.isalpha():
            return False
        langs = _languages(word, lang, script)
        if not langs:
            return False
        return max(zipf(word, code, self.rare) for code in langs) < self.rare

    def warm(self, langs: Iterable[str]) -> None:
        """Read the general words of these languages now (a few milliseconds each, once per
        process), so that no user's first question waits for them."""
        for lang in {*langs, *BORROWED} & _known():
            _general(lang, _bucket(self.rare))


def _languages(word: str, lang: str, script: str) -> tuple[str, ...]:
    """The languages whose frequencies tell whether the word is general."""
    known = _known()
    if script == "latin" and lang not in ("de", "en", "fr", "tr"):
        return BORROWED
    if script == "latin":
        return tuple(dict.fromkeys(code for code in (lang, *BORROWED) if code in known))
    return (lang,) if lang in known else ()


def zipf(word: str, lang: str, floor: float = RARE) -> float:
    """Return wordfreq's Zipf frequency of word in lang, or 0 if it is below floor.

    The same figure as `wordfreq.zipf_frequency` for every word at least as general as
    floor (a text of several tokens combines them as wordfreq does); rarer words are not
    kept, and read as 0.
    """
    general = _general(lang, _bucket(floor))
    inverse = 0.0
    for token in lossy_tokenize(word, lang):
        index = general.get(token)
        if index is None:
            return 0.0
        inverse += 10 ** (index / 100)  # 1 / the token's frequency (index is -centibels)
    if not inverse:
        return 0.0
    freq = 1 / inverse
    freq = round(freq, math.floor(-math.log10(freq)) + 3)  # wordfreq's 3 significant digits
    return round(math.log10(freq) + 9, 2)


def _bucket(floor: float) -> int:
    """The last bucket (-centibels) of wordfreq's lists whose words have Zipf >= floor."""
    return math.floor(round((9 - floor) * 100, 6))


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_languages())


@lru_cache(maxsize=32)
def _general(lang: str, last: int) -> dict[str, int]:
    """Map each word of lang's wordfreq list in buckets 0..last (the general ones) to its
    bucket, reading the gzipped msgpack file only that far."""
    path = available_languages().get(lang)
    if path is None:
        return {}
    out: dict[str, int] = {}
    with gzip.open(path, "rb") as stream:
        unpacker = msgpack.Unpacker(stream, raw=False)
        size = unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB":
            raise ValueError(f"unexpected wordfreq list {path}: {header!r}")
        for index in range(min(size - 1, last + 1)):
            for word in unpacker.unpack():
                out[word] = index
    return out
