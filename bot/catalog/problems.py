"""Content problems as `file:line: message`, kept as msgid and parameters for translation.

A problem keeps an English template (marked with `N_` where it is written) and its
parameters; it renders in English for the command line, or through a translator
(`t(msgid, **params)`, see bot.i18n) in the admin's language. Parameters are data
(ids, file names, the YAML parser's own text) and stay untranslated; for a chat they are
shortened to an excerpt (`quote`), since an uploaded value may be megabytes long.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.catalog.schema import Where
from bot.i18n import isolate
from bot.text import excerpt

#: Translates one msgid with its parameters, as bot.i18n.Translator does.
Translate = Callable[..., str]
#: Parameters the code writes (lists of allowed values, limits): never shortened.
WRITTEN_BY_CODE = frozenset({"allowed", "known", "kinds", "values", "limit", "size", "byte"})


def quote(params: Mapping[str, object], limit: int, isolated: bool) -> dict[str, object]:
    """Return params with every value from the content as an excerpt of at most limit.

    isolated: wrap each excerpt in FSI…PDI, so that it keeps its own direction in a line
    of another (an Arabic id in a German sentence, say).
    """
    mark = isolate if isolated else str
    return {
        name: value
        if name in WRITTEN_BY_CODE or (isinstance(value, int) and not isinstance(value, bool))
        else mark(excerpt(value, limit * 3 if name == "error" else limit))
        for name, value in params.items()
    }


@dataclass(frozen=True)
class Message:
    """One translatable sentence: an English msgid and its parameters."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(
        self, t: Translate | None = None, excerpts: int | None = None, isolated: bool = False
    ) -> str:
        """Return the sentence in English, or through t (values cut to excerpts characters)."""
        params = self.params if excerpts is None else quote(self.params, excerpts, isolated)
        if t is not None:
            return t(self.msgid, **params)
        return self.msgid.format(**params) if params else self.msgid


@dataclass(frozen=True)
class Problem:
    """What is wrong where: a file, a line (None: the whole file), the entry it concerns."""

    file: str
    line: int | None
    message: Message
    subject: Message | None = None  # e.g. "faq 'x'", shown before the message

    @property
    def msgid(self) -> str:
        return self.message.msgid

    @property
    def params(self) -> Mapping[str, object]:
        return self.message.params

    def render(
        self,
        t: Translate | None = None,
        place: bool = True,
        excerpts: int | None = None,
        isolated: bool = False,
    ) -> str:
        """Return `file:line: subject: message` in English, or through t.

        excerpts: quote the file name and every value at most this long (for a chat);
        isolated: and isolate each (see `quote`).
        """
        text = self.message.render(t, excerpts, isolated)
        if self.subject is not None:
            text = f"{self.subject.render(t, excerpts, isolated)}: {text}"
        if not place:
            return text
        name = self.file
        if excerpts is not None:
            name = (isolate if isolated else str)(excerpt(name, excerpts))
        where = name if self.line is None else f"{name}:{self.line}"
        return f"{where}: {text}"


class Problems:
    """Collects the problems of one load, check or upload."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(
        self,
        where: Where,
        line: int | None,
        msgid: str,
        /,
        subject: Message | None = None,
        **params: object,
    ) -> None:
        """Add a problem at line (None: the entry's own line) of where's file."""
        self.items.append(Problem(where.file, line or where.line, Message(msgid, params), subject))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def sorted(self) -> list[Problem]:
        """Return the problems by file and line (stable for equal places)."""
        return sorted(self.items, key=lambda p: (p.file, p.line or 0))

    def lines(self) -> list[str]:
        return [p.render() for p in self.sorted()]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


class ContentError(Exception):
    """Content that breaks the contract; `problems` lists `file:line: what is wrong`."""

    def __init__(self, problems: Problems | Iterable[Problem]):
        items = problems.sorted() if isinstance(problems, Problems) else list(problems)
        self.items: list[Problem] = items
        self.problems: list[str] = [p.render() for p in items]
        super().__init__("\n".join(self.problems))

    def render(
        self, t: Translate, place: bool = True, excerpts: int | None = None, isolated: bool = False
    ) -> list[str]:
        """Return the problems through the translator t (place: with `file:line: `)."""
        return [p.render(t, place, excerpts, isolated) for p in self.items]


def file_problem(name: str, line: int | None, msgid: str, /, **params: object) -> ContentError:
    """Return a ContentError with one problem about a whole file or path."""
    return ContentError([Problem(name, line, Message(msgid, params))])
