"""The worst messages we can construct for the answering engine (shared with bench/abuse.py).

Each is at most Telegram's 4,096 characters before normalisation; several grow when NFKC
expands them (one "㌖" becomes six letters, one "ﷺ" eighteen characters).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

#: Telegram's longest text message.
LIMIT = 4096

LATIN = "abcdefghijklmnopqrstuvwxyzäöüß"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهويةىئءپچژگکی"
CYRILLIC = "абвгдежзийклмнопрстуфхцчшщыэюяіїєґ"
#: Letters of scripts the engine has no stemmer for (Greek, Hebrew, Devanagari, Thai, ...).
OTHER_SCRIPTS = "αβγδεζηθאבגדהוזחकखगघचछजझกขคงจฉชซ가나다라마바사ագդեզէըأ"
EMOJI = [
    "👨‍👩‍👧‍👦",  # a family: four people joined by zero-width joiners
    "🏳️‍🌈",
    "👍🏽",  # a skin tone modifier
    "🇩🇪",  # a flag: two regional indicators
    "🧑🏿‍🦯",
    "😀",
    "\U0001fae8",  # an astral character newer than most fonts
]
#: Characters NFKC writes as several: "キロメートル", "صلى الله عليه وسلم", "جل جلاله", "ffi".
COMPATIBILITY = ("㌖", "\ufdfa", "\ufdfb", "ﬃ", "㍻", "⑽", "㎧")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def _fill(pieces: Iterable[str], sep: str = " ") -> str:
    """Join pieces with sep for as long as the text stays within LIMIT."""
    out, size = [], 0
    for piece in pieces:
        if size + len(piece) + len(sep) > LIMIT:
            break
        out.append(piece)
        size += len(piece) + len(sep)
    return sep.join(out)


def _cycle(items: Sequence[str]) -> Iterable[str]:
    while True:
        yield from items


def _word(rng: random.Random, letters: str, size: int) -> str:
    return "".join(rng.choice(letters) for _ in range(size))


def _typo(rng: random.Random, word: str) -> str:
    """Return word with one letter replaced, dropped or added in its middle."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + ("x" if word[i] != "x" else "y") + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def hostile_messages(vocabulary: Sequence[str], seed: int = 14) -> dict[str, str]:
    """Return hostile messages by kind; vocabulary: words the engine knows (for near misses)."""
    rng = random.Random(seed)
    known = sorted({w for w in vocabulary if len(w) >= 4 and w.isalpha()})
    long_known = [w for w in known if len(w) >= 5]
    mixed = LATIN + ARABIC + CYRILLIC + OTHER_SCRIPTS
    return {
        "latin word": _word(rng, LATIN, LIMIT),
        "arabic word": _word(rng, ARABIC, LIMIT),
        "cyrillic word": _word(rng, CYRILLIC, LIMIT),
        "cjk word": "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(LIMIT)),
        "compound of known words": _fill((rng.choice(long_known) for _ in range(LIMIT)), ""),
        "near-miss compound": _fill((_typo(rng, rng.choice(long_known)) for _ in range(LIMIT)), ""),
        "many short words": _fill(_word(rng, LATIN[:26], 3) for _ in range(LIMIT)),
        "many long words": _fill(_word(rng, LATIN[:26], 40) for _ in range(LIMIT)),
        "many 64-letter words": _fill(_word(rng, LATIN[:26], 64) for _ in range(LIMIT)),
        "known words": _fill(_cycle(rng.sample(known, len(known)))),
        "near-miss words": _fill(_typo(rng, rng.choice(known)) for _ in range(LIMIT)),
        "every script in one word": _word(rng, mixed, LIMIT),
        "every script, words": _fill(_word(rng, mixed, rng.randint(2, 12)) for _ in range(LIMIT)),
        "emoji": _fill(_cycle(EMOJI), ""),
        "emoji between letters": _fill((rng.choice(LATIN) + e for e in _cycle(EMOJI)), ""),
        "math letters (NFKC)": _fill((chr(0x1D41A + rng.randrange(26)) for _ in range(LIMIT)), ""),
        "combining marks": "a" + "\u0301" * (LIMIT - 1),
        "letters with marks": _fill((rng.choice(LATIN) + "\u0301\u0308" for _ in range(LIMIT)), ""),
        "arabic with harakat": _fill(
            (rng.choice(ARABIC) + "\u064e\u0651" for _ in range(LIMIT)), ""
        ),
        "㌖ (6 letters each)": "㌖" * LIMIT,
        "ﷺ (18 characters each)": "\ufdfa" * LIMIT,
        "ﷻ (8 characters each)": "\ufdfb" * LIMIT,
        "compatibility mix": _fill((rng.choice(COMPATIBILITY) for _ in range(LIMIT)), ""),
        "bidi controls between letters": _fill(
            (rng.choice(LATIN) + rng.choice(BIDI) for _ in range(LIMIT)), ""
        ),
        "zero-width between letters": _fill(
            (rng.choice(ARABIC) + rng.choice(ZERO_WIDTH) for _ in range(LIMIT)), ""
        ),
        "digits": "7" * LIMIT,
        "numbers": _fill(str(rng.randrange(10**6)) for _ in range(LIMIT)),
        "digits and letters": _fill(
            (rng.choice("0123456789٣۴") + rng.choice(LATIN) for _ in range(LIMIT)), ""
        ),
        "punctuation": _fill(_cycle("?!.,;:-_()[]{}<>@#&*"), ""),
    }
