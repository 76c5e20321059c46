"""Recognise messages that are only a greeting, a thank-you or a goodbye."""

from __future__ import annotations

from functools import cache

from bot.answers.normalise import normalise
from bot.answers.stopwords import stop_words

_WORDS = {
    "greeting": """
        hallo hello hi hey heya hallochen moin moinsen servus tach tag gruss grusse grussgott
        salut bonjour bonsoir coucou salam salaam selam selamlar merhaba gunaydin
        привіт вітаю привет здравствуйте здрасте мрхба مرحبا مرحبتين اهلا هلا سلام درود
        """,
    "thanks": """
        danke dankeschon dank merci thanks thank thx ty thankyou cheers tesekkurler tesekkur
        sagol sagolun شكرا مشكور مشكورين ممنون مرسي سپاس متشکرم متشكرم дякую спасибі спасибо
        благодарю ok okay okey super prima perfekt cool klasse great
        """,
    "bye": """
        tschuss tschus ciao bye goodbye byebye wiedersehen revoir gorusuruz hoscakal
        وداعا خداحافظ бувай пока
        """,
}
_PHRASES = {
    "greeting": [
        "guten tag",
        "guten morgen",
        "guten abend",
        "good morning",
        "good evening",
        "good afternoon",
        "iyi gunler",
        "السلام عليكم",
        "صباح الخير",
        "مساء الخير",
        "وقت بخیر",
        "صبح بخیر",
        "روز بخیر",
        "добрий день",
        "доброго дня",
        "добрый день",
        "wie geht es",
        "wie gehts",
        "how are you",
    ],
    "thanks": ["vielen dank", "thank you", "alles klar", "خیلی ممنون", "دستت درد نکنه"],
    "bye": [
        "auf wiedersehen",
        "bis bald",
        "bis spater",
        "gute nacht",
        "see you",
        "au revoir",
        "مع السلامة",
        "до побачення",
        "до свидания",
    ],
}
_FILLER = """
    guten gute tag morgen abend nacht good morning evening day you very much so lot lots many
    vielen viel dank herzlichen herzlich lieben liebe lieber schon bot lotse leute zusammen
    alle everyone all there again nochmal wieder gut sehr auch dir euch ihnen geht gehts
    frage fragen question jaan جان عزیز جزيلا جزيلاً كثيرا كتير كثير دمت گرم خیلی
    велике дуже большое большое вам тобі тебе
    """
_LANGS = ("de", "en", "ar", "fa", "uk", "ru", "tr", "fr")
PRIORITY = ("thanks", "bye", "greeting")


@cache
def _lexicon() -> tuple[dict[str, str], list[tuple[str, str]], frozenset[str]]:
    words = {w: kind for kind, raw in _WORDS.items() for w in normalise(raw).split()}
    phrases = [(normalise(p), kind) for kind, ps in _PHRASES.items() for p in ps]
    filler = set(normalise(_FILLER).split())
    for lang in _LANGS:
        filler |= stop_words(lang)
    return words, phrases, frozenset(filler - words.keys())


def smalltalk(text: str) -> str | None:
    """Return "greeting", "thanks" or "bye" when text is nothing more than that, else None."""
    words, phrases, filler = _lexicon()
    padded = f" {normalise(text)} "
    found: set[str] = set()
    for phrase, kind in phrases:
        if f" {phrase} " in padded:
            found.add(kind)
            padded = padded.replace(f" {phrase} ", " ")
    for word in padded.split():
        if word in words:
            found.add(words[word])
        elif word not in filler and not word.isdigit():
            return None
    return next((kind for kind in PRIORITY if kind in found), None)
