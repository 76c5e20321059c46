"""The guided editor's core: the fields of each kind as data, their parsers, and the draft.

A draft holds the entry in contract form (as `entry_to_dict` writes it, so an edit keeps
every field the dialog does not ask) and the step the dialog is at. The steps are the
kind's leading fields, its texts in each language asked, its other fields, then its texts
in languages added at the end; after them come the language question and the preview.
Parsers return a value or raise `Invalid` with a code the views turn into a sentence.
"""

from __future__ import annotations

import copy
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.answers.normalise import normalise
from bot.answers.stopwords import stop_words
from bot.catalog.areas import raw_area
from bot.catalog.history import EDIT
from bot.catalog.parse import ID_RE, LANG_RE, parse_entry
from bot.catalog.problems import ContentError, Problem, Problems
from bot.catalog.schema import OFFER_TYPES, REFERENCE_LANGUAGE, STATUSES, Entry
from bot.catalog.translations import fingerprint
from bot.i18n import N_

#: The kinds of value a field takes.
TEXT, LINES, SLUG, CHOICE = "text", "lines", "slug", "choice"
LIST, NUMBER, DAY, PLACE = "list", "number", "day", "place"
#: What becomes of a translation when the German text changed: written again now, kept as
#: still correct, or left outdated.
UPDATE, KEEP, OUTDATED = "u", "k", "o"
#: The scope of an FAQ entry (or the lack of a municipality of a contact) for all of NRW.
NRW = "nrw"
KINDS = ("faq", "offers", "contacts")
MAX_ID = 60


@dataclass(frozen=True)
class Field:
    """One field the dialog asks: where it goes, how it is asked and what it accepts."""

    key: str  # a top-level key, "a.b" inside a mapping, or a text under translations
    prompt: str  # msgid; translated fields get {language}
    value: str = TEXT
    required: bool = False
    translated: bool = False
    choices: tuple[str, ...] = ()
    low: int = 0
    high: int = 100_000
    most: int = 300  # characters of a text (of each item of a list)
    count: int = 20  # items of a list
    lines: bool = False  # a list written one item per line (commas stay inside items)


_ASK_LANG = N_("Type the question in {language}, as people would ask it.")
SCOPE = Field("scope", N_("For which municipality is the entry?"), PLACE, True)
TOWN = Field("municipality", N_("For which municipality is it?"), PLACE, True)
ID = Field("id", N_("Which id should it have?"), SLUG, True, most=MAX_ID)
VARIANT = Field("question", _ASK_LANG, TEXT, True)
QUESTIONS = Field("questions", _ASK_LANG, LIST, True, True, count=10, lines=True)
ANSWER = Field("answer", N_("Type the answer in {language}."), LINES, True, True, most=3500)
SOURCE = Field("source", N_("Where does the answer come from (the source)?"))
UNTIL = Field("valid_until", N_("Until when is the answer valid?"), DAY)
TITLE = Field("title", N_("Type the title in {language}."), TEXT, True, True)
_DESCRIBE = N_("Type the description in {language}.")
ABOUT = Field("description", _DESCRIBE, LINES, False, True, most=3000)
TYPE = Field("type", N_("What kind of offer is it?"), CHOICE, True, choices=OFFER_TYPES)
PROVIDER = Field("provider", N_("Who runs the offer (the provider)?"))
ADDRESS = Field("address", N_("Where does it take place (the address)?"))
SPOKEN = Field("languages", N_("In which languages is it held?"), LIST)
MIN_AGE = Field("audience.min_age", N_("From what age can people take part?"), NUMBER, high=120)
MAX_AGE = Field("audience.max_age", N_("Up to what age can people take part?"), NUMBER, high=120)
_ASK_STATUS = N_("Which residence statuses can take part?")
STATUS = Field("audience.statuses", _ASK_STATUS, LIST, choices=STATUSES)
STARTS = Field("starts", N_("When does it start?"), DAY)
ENDS = Field("ends", N_("When does it end?"), DAY)
CAPACITY = Field("capacity", N_("How many places are there?"), NUMBER)
COACH = Field("coach", N_("Which coach gets the referrals (their Telegram @name)?"))
ROLE = Field("role", N_("What kind of desk is it (one word, like jobcenter)?"), SLUG)
PHONE = Field("phone", N_("What is the phone number?"))
EMAIL = Field("email", N_("What is the e-mail address?"))
URL = Field("url", N_("What is the web address?"))
REACH = tuple(replace(f, key=f"contact.{f.key}") for f in (PHONE, EMAIL, URL))
_OFFER = (ID, PROVIDER, ADDRESS, SPOKEN, MIN_AGE, MAX_AGE, STATUS, STARTS, ENDS, CAPACITY)
#: Per kind: the fields before the texts, the texts (per language), the fields after them.
FIELDS: dict[str, tuple[tuple[Field, ...], tuple[Field, ...], tuple[Field, ...]]] = {
    "faq": ((SCOPE,), (QUESTIONS, ANSWER), (ID, SOURCE, UNTIL)),
    "offers": ((TOWN, TYPE), (TITLE, ABOUT), (*_OFFER, COACH, *REACH)),
    "contacts": ((TOWN, ROLE), (TITLE, ABOUT), (ID, PHONE, EMAIL, URL)),
}


class Invalid(Exception):
    """A typed value the field does not accept: a code and what fills its message.

    Codes: required, too_long (most), not_slug, taken (id), not_number, out_of_range (low,
    high), not_date, not_choice (allowed), bad_item (value, allowed), too_many (most),
    unknown_place (value), part_missing and part_ambiguous (words: `old → new` whose old
    words occur not at all or more than once).
    """

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code, self.params = code, params


def _item(f: Field, text: str) -> str:
    text = " ".join(text.split())
    if len(text) > f.most:
        raise Invalid("too_long", most=f.most)
    if f.choices:
        found = next((c for c in f.choices if c.casefold() == text.casefold()), None)
        if found is None:
            raise Invalid("bad_item", value=text, allowed=", ".join(f.choices))
        return found
    if f.key == "languages" and not LANG_RE.match(text.lower()):
        raise Invalid("bad_item", value=text, allowed="de, en, ar, fa, …")
    return text.lower() if f.key == "languages" else text


def parse(f: Field, text: str, places: Mapping[str, str] | None = None) -> Any:
    """Return the value typed for field f, or raise Invalid (places: allowed id -> name)."""
    text = text.strip()
    if not text:
        raise Invalid("required")
    if f.value == LINES:
        lines = [line.rstrip() for line in text.splitlines()]
        value = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
        if len(value) > f.most:
            raise Invalid("too_long", most=f.most)
        return value
    if f.value == LIST:
        items = [_item(f, i) for i in re.split(r"\n" if f.lines else r"[,;\n]", text) if i.strip()]
        if len(items) > f.count:
            raise Invalid("too_many", most=f.count)
        return list(dict.fromkeys(items))
    if f.value == SLUG:
        value = text.lower()
        if len(value) > f.most:
            raise Invalid("too_long", most=f.most)
        if not ID_RE.match(value):
            raise Invalid("not_slug")
        return value
    if f.value == NUMBER:
        if not re.fullmatch(r"[+-]?\d{1,9}", text):
            raise Invalid("not_number")
        if not f.low <= int(text) <= f.high:
            raise Invalid("out_of_range", low=f.low, high=f.high)
        return int(text)
    if f.value == DAY:
        return _day(text)
    if f.value in (CHOICE, PLACE):
        wanted = " ".join(text.split()).casefold()
        options = dict(places or {}) if f.value == PLACE else {c: c for c in f.choices}
        for value, name in options.items():
            if wanted in (value.casefold(), name.casefold()):
                return value
        if f.value == PLACE:
            raise Invalid("unknown_place", value=text)
        raise Invalid("not_choice", allowed=", ".join(f.choices))
    return _item(f, text)


def _day(text: str) -> str:
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if german:
            return date(int(german[3]), int(german[2]), int(german[1])).isoformat()
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise Invalid("not_date") from None


def slugify(text: str) -> str:
    """Return text as an id: lower-case ASCII words joined by hyphens (umlauts spelt out)."""
    text = text.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", text))


def suggest_id(title: str, area: str | None, taken: Iterable[str], kind: str = "faq") -> str:
    """Suggest an unused id from a title: the municipality first, then the title's words."""
    prefix = slugify(area) if area and area != NRW else ""
    stops, skip = stop_words(REFERENCE_LANGUAGE), set(prefix.split("-"))
    words = [w for w in slugify(title).split("-") if w not in skip and normalise(w) not in stops]
    base = prefix
    for word in words or [kind.rstrip("s")]:
        if base != prefix and len(base) + len(word) >= 48:
            break
        base = f"{base}-{word}" if base else word
    base = base[:MAX_ID].strip("-")
    used, candidate, number = set(taken), base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@dataclass(frozen=True)
class Step:
    field: Field
    lang: str | None = None


@dataclass(frozen=True)
class Draft:
    """An entry being written: its contract form, where the dialog is, what it may choose."""

    kind: str
    serial: str
    raw: Mapping[str, Any]
    places: Mapping[str, str]  # the municipalities (and NRW) it may be for: id -> name
    editing: bool = False  # an existing entry: its id stays
    hidden: bool = False  # an existing entry hidden from users (it stays hidden)
    langs: tuple[str, ...] = (REFERENCE_LANGUAGE,)  # texts asked before the other fields
    extra: tuple[str, ...] = ()  # texts added at the language question
    step: int = 0
    fixed: frozenset[str] = frozenset()  # keys not asked (set beforehand)
    taken: frozenset[str] = frozenset()  # ids of this kind already used
    settles: tuple[int, ...] = ()  # unanswered questions this entry answers
    closes: tuple[int, ...] = ()  # hand-overs (answered by advisors) this entry closes
    #: the fingerprint of the German text when editing began (None: a new entry)
    german_was: str | None = None
    #: what becomes of each other translation after a German change: (lang, UPDATE | KEEP
    #: | OUTDATED)
    decided: tuple[tuple[str, str], ...] = ()
    #: the question (0-based) the next typed text replaces, when one was picked
    replacing: int | None = None

    @property
    def entry_id(self) -> str | None:
        return self.raw.get("id")

    @property
    def area(self) -> str | None:
        """The municipality the entry is for (None: all of NRW, or not chosen yet)."""
        area = raw_area(self.kind, self.raw)
        return None if area == NRW else area


def places_for(
    kind: str, managed: frozenset[str] | None, names: Mapping[str, str]
) -> dict[str, str]:
    """Return where an admin of `managed` (None: superadmin) may put an entry: id -> name."""
    ids = sorted(names, key=lambda m: names[m]) if managed is None else sorted(managed)
    state_wide = {NRW: ""} if managed is None and kind != "offers" else {}
    return {**state_wide, **{m: names.get(m, m) for m in ids}}


def start(
    kind: str,
    serial: str,
    places: Mapping[str, str],
    taken: Iterable[str],
    raw: Mapping[str, Any] | None = None,
    **options: Any,
) -> Draft:
    """Begin a draft (of an existing entry's contract form, when raw has its id)."""
    data = {k: v for k, v in copy.deepcopy(dict(raw or {})).items() if k != "hidden"}
    if kind == "contacts" and "id" in data and not data.get("municipality"):
        data["municipality"] = NRW  # a state-wide contact (stored without a municipality)
    draft = Draft(kind, serial, data, dict(places), taken=frozenset(taken), **options)
    if draft.editing:
        draft = replace(draft, german_was=german_now(draft))
    head = FIELDS[kind][0][0]
    if len(places) == 1 and head.key not in draft.fixed and current(draft, Step(head)) is None:
        draft = _set(draft, Step(head), next(iter(places)))
    return draft


def answering(
    serial: str,
    places: Mapping[str, str],
    taken: Iterable[str],
    scope: str | None,
    lang: str,
    questions: Iterable[str],
    answer: str | None = None,
    **options: Any,
) -> Draft:
    """Begin a new FAQ entry for questions asked in lang (and an answer given), scope set.

    German comes first (it is required, and the id is made from it); the texts in lang,
    prefilled, come after the other fields, each with Keep, and can be skipped. The
    German questions show what was asked in lang.
    """
    asked = [textwrap.shorten(q, QUESTIONS.most, placeholder="…") for q in questions]
    texts: dict[str, Any] = {"questions": list(dict.fromkeys(q for q in asked if q))}
    texts["questions"] = texts["questions"][: QUESTIONS.count]
    if answer and answer.strip():
        texts["answer"] = parse(ANSWER, answer[: ANSWER.most])
    raw = {"scope": scope or NRW, "translations": {lang: texts}}
    extra = () if lang == REFERENCE_LANGUAGE else (lang,)
    fixed = frozenset({"scope"})
    return start("faq", serial, places, taken, raw, extra=extra, fixed=fixed, **options)


def steps(draft: Draft) -> list[Step]:
    """Return the fields the dialog asks, in order."""
    head, texts, tail = FIELDS[draft.kind]
    skip = set(draft.fixed) | ({"id"} if draft.editing else set())
    if len(draft.places) == 1:
        skip.add(head[0].key)
    asked = [Step(f) for f in head if f.key not in skip]
    asked += [Step(f, lang) for lang in draft.langs for f in texts]
    asked += [Step(f) for f in tail if f.key not in skip]
    return asked + [Step(f, lang) for lang in draft.extra for f in texts]


def _path(draft: Draft, step: Step) -> list[str]:
    keys = step.field.key.split(".")
    return ["translations", step.lang, *keys] if step.lang else keys


def current(draft: Draft, step: Step) -> Any:
    """Return the value a field has now (None when it has none)."""
    node: Any = draft.raw
    for key in _path(draft, step):
        node = node.get(key) if isinstance(node, Mapping) else None
    return None if node in ("", [], {}) else node


def proposal(draft: Draft, step: Step) -> Any:
    """Return what "Keep" keeps: the current value, or for a new id the suggested one."""
    value = current(draft, step)
    if value is None and step.field.key == "id" and not draft.editing:
        title = title_of(draft)
        return suggest_id(title, draft.area, draft.taken, draft.kind) if title else None
    return value


def title_of(draft: Draft, lang: str = REFERENCE_LANGUAGE) -> str | None:
    """Return the entry's title (an FAQ entry's first question) in lang, if written yet."""
    texts = draft.raw.get("translations", {}).get(lang, {})
    questions = texts.get("questions") or [None]
    return questions[0] if draft.kind == "faq" else texts.get("title")


def _set(draft: Draft, step: Step, value: Any) -> Draft:
    raw = copy.deepcopy(dict(draft.raw))
    *parents, last = _path(draft, step)
    node = raw
    for key in parents:
        node = node.setdefault(key, {})
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value
    return replace(draft, raw=raw)


#: `old words → new words` (or =>) changes only those words of a text being edited.
_PART = re.compile(r"^(?P<old>[^\n]+?)\s*(?:→|=>)\s*(?P<new>[^\n]*)$")


def part_change(draft: Draft, text: str) -> Draft | None:
    """Apply `old → new` to the text the dialog is at; None when text is no such change.

    The old words must occur exactly once (raise Invalid not_found / ambiguous); the
    dialog stays at the field, so the admin can change more or press Keep.
    """
    step = steps(draft)[draft.step]
    found = _PART.match(text.strip())
    value = current(draft, step)
    if found is None or step.field.value not in (TEXT, LINES) or not isinstance(value, str):
        return None
    old, new = found["old"].strip(), found["new"].strip()
    count = value.count(old)
    if count != 1:
        raise Invalid("part_missing" if count == 0 else "part_ambiguous", words=old)
    changed = parse(step.field, value.replace(old, new, 1))
    return _set(draft, step, changed)


def pick_question(draft: Draft, number: int) -> Draft:
    """Let the next typed text replace question number (0-based) of the field asked."""
    step = steps(draft)[draft.step]
    questions = current(draft, step)
    if step.field.key != "questions" or not isinstance(questions, list):
        raise LookupError(number)
    if not 0 <= number < len(questions):
        raise LookupError(number)
    return replace(draft, replacing=number)


def replace_question(draft: Draft, text: str) -> Draft:
    """Put the typed text in place of the question picked; stay at the questions."""
    step = steps(draft)[draft.step]
    questions = list(current(draft, step) or [])
    number = draft.replacing
    if number is None or not 0 <= number < len(questions):
        return replace(draft, replacing=None)
    questions[number] = _item(step.field, parse(VARIANT, text))
    return replace(_set(draft, step, list(dict.fromkeys(questions))), replacing=None)


def put(draft: Draft, value: Any) -> Draft:
    """Set the field the dialog is at (None: skip it) and go on; raise Invalid for a used id."""
    step = steps(draft)[draft.step]
    if step.field.key == "id" and value in draft.taken and value != draft.entry_id:
        raise Invalid("taken", id=value)
    if value is None and step.field.required:
        if step.lang not in draft.extra:
            raise Invalid("required")
        return drop_language(draft, step.lang)
    return replace(_set(draft, step, value), step=draft.step + 1)


def drop_language(draft: Draft, lang: str) -> Draft:
    """Forget the texts of a language added at the end; back to the language question."""
    raw = copy.deepcopy(dict(draft.raw))
    raw.get("translations", {}).pop(lang, None)
    extra = tuple(x for x in draft.extra if x != lang)
    draft = replace(draft, raw=raw, extra=extra)
    return replace(draft, step=len(steps(draft)))


def add_language(draft: Draft, lang: str) -> Draft:
    """Ask the texts in lang next (added at the end unless they were asked already)."""
    if lang not in draft.langs and lang not in draft.extra:
        draft = replace(draft, extra=(*draft.extra, lang))
    first = next(i for i, s in enumerate(steps(draft)) if s.lang == lang)
    return replace(draft, step=first)


def german_now(draft: Draft) -> str | None:
    """Return the fingerprint of the draft's German text as it is now (None: none yet)."""
    german = draft.raw.get("translations", {}).get(REFERENCE_LANGUAGE)
    return fingerprint(german, draft.raw.get("source")) if german else None


def german_changed(draft: Draft) -> bool:
    return draft.german_was is not None and german_now(draft) != draft.german_was


def undecided(draft: Draft) -> list[str]:
    """Return the other translations of an edited entry whose German text has changed and
    for which the admin has not yet said what becomes of them (asked one by one)."""
    if not german_changed(draft):
        return []
    done = {lang for lang, _ in draft.decided} | set(draft.langs) | set(draft.extra)
    texts = draft.raw.get("translations", {})
    return [lang for lang in texts if lang != REFERENCE_LANGUAGE and lang not in done]


def decide(draft: Draft, lang: str, choice: str) -> Draft:
    """Record what becomes of a translation; UPDATE asks its texts next."""
    draft = replace(draft, decided=(*draft.decided, (lang, choice)))
    return add_language(draft, lang) if choice == UPDATE else draft


def refreshed(draft: Draft) -> set[str]:
    """Return the translations that say what the German says after Publish: written in
    this dialog, or kept as still correct."""
    kept = {lang for lang, choice in draft.decided if choice in (UPDATE, KEEP)}
    return (set(draft.extra) | kept) - {REFERENCE_LANGUAGE}


def outdated_after(draft: Draft, lang: str) -> bool:
    """Say if lang's translation will be outdated once the draft is published."""
    if lang == REFERENCE_LANGUAGE or lang in refreshed(draft):
        return False
    if german_changed(draft):
        return True
    texts = draft.raw.get("translations", {}).get(lang) or {}
    made_from = texts.get("made_from")
    return bool(made_from) and made_from != german_now(draft)


def build(draft: Draft) -> dict[str, Any]:
    """Return the draft in contract form, without empty values.

    Translations written or kept as still correct in this dialog are marked as made from
    the German text as it is now; the others keep their mark (see translations.stamp).
    """
    raw = copy.deepcopy(dict(draft.raw))
    now = german_now(draft)
    for lang in refreshed(draft):
        texts = raw.get("translations", {}).get(lang)
        if texts and now:
            texts["made_from"] = now
    if draft.kind == "contacts" and raw.get("municipality") == NRW:
        raw.pop("municipality")
    for key in ("contact", "audience"):
        if not raw.get(key):
            raw.pop(key, None)
    texts = raw.get("translations", {})
    raw["translations"] = {lang: t for lang, t in texts.items() if t}
    return {k: v for k, v in raw.items() if v not in (None, "", [], {})}


def entry_of(draft: Draft) -> Entry:
    """Return the draft as an entry; raise ContentError when it breaks the contract."""
    problems = Problems()
    entry = parse_entry(draft.kind, build(draft), EDIT, problems)
    if problems or entry is None:
        raise ContentError(problems)
    return entry


def step_of(draft: Draft, problem: Problem) -> int | None:
    """Return the step of the field a problem is about, if the dialog asks it."""
    params = dict(problem.subject.params) if problem.subject else {}
    params.update(problem.params)
    names = {str(params[k]) for k in ("key", "name") if k in params}
    names |= set(re.findall(r"'([a-z_.]+)'", problem.msgid))
    names |= {"id"} if re.search(r"\bid\b", problem.msgid) else set()
    lang = params.get("lang")
    for index, step in enumerate(steps(draft)):
        if step.field.translated and lang and step.lang != lang:
            continue
        if {step.field.key, step.field.key.split(".")[0]} & names:
            return index
    return None
