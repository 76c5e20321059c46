"""Which words of a question carry its meaning: rare in general language (wordfreq).

"Can I get Kindergeld with a Duldung?" is not answered by the entry about the Duldung: the
question's rarest word, "Kindergeld", says what it is about. A word carries meaning when it
is rare in the general language it is written in (its Zipf frequency, from the `wordfreq`
package, whose data ships inside the package: nothing is downloaded). The engine answers
an entry directly only when every such word of the question that names a topic of the field
(a concept of the lexicon) matched something in it.

Short words are left out (in most scripts they are verbs and particles such as "pays",
"bake", which an answer may well not repeat), and so are languages wordfreq does not know:
there, no word blocks an answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from wordfreq import available_languages, zipf_frequency

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
        return max(_zipf(word, code) for code in langs) < self.rare

    def warm(self, langs: Iterable[str]) -> None:
        """Read the frequency lists of these languages now (about 0.4 s each, once per
        process), so that no user's first question waits for them."""
        for lang in {*langs, *BORROWED} & _known():
            _zipf("a", lang)


def _languages(word: str, lang: str, script: str) -> tuple[str, ...]:
    """The languages whose frequencies tell whether the word is general."""
    known = _known()
    if script == "latin" and lang not in ("de", "en", "fr", "tr"):
        return BORROWED
    if script == "latin":
        return tuple(dict.fromkeys(code for code in (lang, *BORROWED) if code in known))
    return (lang,) if lang in known else ()


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_languages())


@lru_cache(maxsize=16_384)
def _zipf(word: str, lang: str) -> float:
    return zipf_frequency(word, lang)
