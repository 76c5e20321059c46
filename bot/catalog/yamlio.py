"""Safe YAML reading that remembers the line of every mapping and key."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

import yaml

try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without LibYAML
    CParser = None

#: Parse with LibYAML when PyYAML has it (tests switch it off to cover the Python parser).
USE_LIBYAML: bool = yaml.__with_libyaml__
#: In a plain scalar inside [...] or {...}, PyYAML ends the scalar (or fails) at these;
#: LibYAML reads on over `?` and over some `:`.
_FLOW_PLAIN_DIFFERS = re.compile(r"[?,\[\]{}]|:(?=[\s,\[\]{}?]|\Z)")
#: A block scalar's header right before a comment (`|#`): LibYAML takes it, PyYAML refuses.
_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")
_STR_TAG = "tag:yaml.org,2002:str"
#: YAML may nest at most this deep (content needs about ten levels).
MAX_DEPTH = 64
#: Aliases (`*name`) may repeat at most this many values in all (no "billion laughs").
MAX_ALIAS_NODES = 10_000
#: Whole numbers may be at most this large (what JSON and the database keep exactly).
MAX_NUMBER = 2**53
#: A number with more characters than this is refused before Python reads it.
MAX_NUMBER_CHARS = 80
#: Characters a text cannot hold in the database: NUL and lone surrogates (from escapes).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_Node = TypeVar("_Node", bound=yaml.Node)
#: Standard YAML types that are not plain data (bytes, sets, ordered pairs): refused.
_NOT_PLAIN = ("binary", "set", "omap", "pairs")


class LineDict(dict):
    """A dict from YAML that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping names the same key twice; `key` is that key."""

    def __init__(self, key: Any, mark: yaml.Mark):
        super().__init__(None, None, f"the key '{key}' appears twice", mark)
        self.key = key


class ValueProblem(yaml.MarkedYAMLError):
    """A value that YAML can write but Lotse cannot read or keep; `value` is its source text.

    `code` is one of: bad_date (2027-02-30), bad_number (too long or large, not finite, or
    not a number at all), bad_text (a NUL or half a surrogate pair), bad_value (anything
    else a tag cannot read), not_plain (bytes, sets, ordered pairs).
    """

    def __init__(self, code: str, node: yaml.Node):
        value = node.value if isinstance(node, yaml.ScalarNode) else node.tag
        super().__init__(None, None, f"{code.replace('_', ' ')}: {value!r}", node.start_mark)
        self.code, self.value = code, value


class _ParsersDisagree(yaml.MarkedYAMLError):
    """LibYAML read a text that PyYAML's own parser may refuse or read otherwise."""


class LimitError(yaml.MarkedYAMLError):
    """The YAML nests too deep, or its aliases repeat too much or refer to themselves.

    `code` is one of: too_deep, too_many_aliases, recursive_alias.
    """

    def __init__(self, code: str, mark: yaml.Mark | None):
        super().__init__(None, None, code.replace("_", " "), mark)
        self.code = code


class _LineComposer(yaml.composer.Composer):
    """Composer that bounds nesting depth and notes whether a document defines anchors."""

    _depth = 0
    #: Whether the last composed document has an anchor (`&name`); without one, no alias.
    anchored = False

    def compose_document(self) -> yaml.Node:
        self.get_event()  # the document's start
        node = self.compose_node(None, None)
        self.get_event()  # the document's end
        self.anchored = bool(self.anchors)
        self.anchors = {}
        return node

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise LimitError("too_deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _LineConstructor(yaml.constructor.SafeConstructor):
    """SafeConstructor (no arbitrary objects) that records lines and refuses duplicate keys.

    It also bounds what a small file can cost: how many values aliases repeat (checked on
    the node graph, before anything is constructed), and numbers, dates and texts it reads.
    """

    anchored: bool

    def construct_document(self, node: yaml.Node) -> Any:
        if self.anchored:  # aliases need anchors: a document without one is a tree
            _check_aliases(node)
        return super().construct_document(node)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct a node; a value its tag cannot read is a problem at its line."""
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            code = "bad_date" if node.tag.endswith(":timestamp") else "bad_value"
            if node.tag.endswith((":int", ":float")):
                code = "bad_number"
            raise ValueProblem(code, node) from exc

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        if len(node.value) > MAX_NUMBER_CHARS:
            raise ValueProblem("bad_number", node)
        value = super().construct_yaml_int(node)
        if abs(value) > MAX_NUMBER:
            raise ValueProblem("bad_number", node)
        return value

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise ValueProblem("bad_number", node)
        return value

    def construct_yaml_str(self, node: yaml.ScalarNode) -> str:
        value = super().construct_yaml_str(node)
        if _UNSTORABLE.search(value):
            raise ValueProblem("bad_text", node)
        return value

    def construct_not_plain(self, node: yaml.Node) -> Any:
        raise ValueProblem("not_plain", node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        self.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError as exc:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from exc
            if key in result:
                raise DuplicateKeyError(key, key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=deep)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_aliases(root: yaml.Node) -> None:
    """Refuse a node graph whose aliases repeat too many values, or that contains itself."""
    sizes: dict[int, int] = {}  # id(node) -> its size with every alias expanded
    entered: set[int] = set()  # nodes on the current path
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            entered.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in sizes:
            continue
        entered.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in entered:
                raise LimitError("recursive_alias", child.start_mark)
            if id(child) not in sizes:
                stack.append((child, False))
    if sizes[id(root)] - len(sizes) > MAX_ALIAS_NODES:
        raise LimitError("too_many_aliases", root.start_mark)


_LineConstructor.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node, deep=True),
)
_LineConstructor.add_constructor("tag:yaml.org,2002:int", _LineConstructor.construct_yaml_int)
_LineConstructor.add_constructor("tag:yaml.org,2002:float", _LineConstructor.construct_yaml_float)
_LineConstructor.add_constructor("tag:yaml.org,2002:str", _LineConstructor.construct_yaml_str)
for _name in _NOT_PLAIN:
    _LineConstructor.add_constructor(
        f"tag:yaml.org,2002:{_name}", _LineConstructor.construct_not_plain
    )


class _LineLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _LineComposer,
    _LineConstructor,
    yaml.resolver.Resolver,
):
    """The checks above on PyYAML's own (pure Python) reader, scanner and parser."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _LineComposer.__init__(self)
        _LineConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


if CParser is not None:

    class _CLineLoader(_LineComposer, CParser, _LineConstructor, yaml.resolver.Resolver):
        """The same checks on LibYAML's parser (C, about ten times as fast).

        Only the parser's events come from C: the composer above turns them into nodes, so
        nesting is bounded while the nodes are made, exactly as on the Python parser. Where
        LibYAML reads more than PyYAML (a `?` in a plain word inside [...] or {...}), it
        stops with _ParsersDisagree, and load_yaml lets PyYAML's parser decide.
        """

        _in_flow = False

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _LineComposer.__init__(self)
            _LineConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def compose_scalar_node(self, anchor: str | None) -> yaml.ScalarNode:
            node = super().compose_scalar_node(anchor)
            if not node.style and (
                (self._in_flow and _FLOW_PLAIN_DIFFERS.search(node.value))
                or (not node.value and node.tag == _STR_TAG)  # "!" alone: PyYAML reads null
            ):
                raise _ParsersDisagree(None, None, "a plain scalar", node.start_mark)
            return node

        def compose_sequence_node(self, anchor: str | None) -> yaml.SequenceNode:
            return self._compose_collection(super().compose_sequence_node, anchor)

        def compose_mapping_node(self, anchor: str | None) -> yaml.MappingNode:
            return self._compose_collection(super().compose_mapping_node, anchor)

        def _compose_collection(
            self, compose: Callable[[str | None], _Node], anchor: str | None
        ) -> _Node:
            outer = self._in_flow
            self._in_flow = outer or bool(self.peek_event().flow_style)
            try:
                return compose(anchor)
            finally:
                self._in_flow = outer


def _libyaml_reads_as_pyyaml(text: str) -> bool:
    """Tell whether LibYAML can read text as PyYAML does, or may differ (then: PyYAML).

    PyYAML refuses a tab anywhere outside quotes, block scalars and comments (LibYAML takes
    it as a space) and a comment right after a block scalar's header, and skips a byte order
    mark only at the text's start (LibYAML at the start of any line).
    """
    return (
        "\t" not in text and text.find("\ufeff", 1) == -1 and _HEADER_COMMENT.search(text) is None
    )


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely; raise yaml.YAMLError with a mark on any problem.

    LibYAML parses when PyYAML has it (and USE_LIBYAML is on). A text it refuses, or may
    read otherwise than PyYAML, is parsed again by PyYAML's own parser: every text reads as
    it did before LibYAML, and every problem is told in the same words at the same line.
    """
    if USE_LIBYAML and CParser is not None and _libyaml_reads_as_pyyaml(text):
        try:
            return yaml.load(text, Loader=_CLineLoader)
        except (yaml.YAMLError, UnicodeError):
            pass
    return yaml.load(text, Loader=_LineLoader)


def error_line(exc: yaml.YAMLError) -> int:
    """Return the 1-based line a YAML error points at (1 when it has none)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def error_text(exc: yaml.YAMLError) -> str | None:
    """Return the parser's one-line description of a YAML error (None: an unsafe tag)."""
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [p for p in (exc.context, exc.problem) if p]
        text = "; ".join(parts) or "invalid YAML"
    else:
        text = str(exc)
    if "could not determine a constructor" in text:
        return None
    return " ".join(text.split())


class _CleanDumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line strings as literal blocks and keeps key order."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CleanDumper.add_representer(str, _represent_str)
_CleanDumper.add_representer(LineDict, yaml.representer.SafeRepresenter.represent_dict)


def dump_yaml(data: Any) -> str:
    """Write data as readable, safe YAML (UTF-8 text, insertion order kept)."""
    return yaml.dump(data, Dumper=_CleanDumper, allow_unicode=True, sort_keys=False, width=100)
