"""Safe YAML reading that remembers the line of every mapping and key."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A dict from YAML that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class DuplicateKeyError(yaml.MarkedYAMLError):
    """A mapping names the same key twice."""


class _LineLoader(yaml.SafeLoader):
    """SafeLoader (no arbitrary objects) that records lines and refuses duplicate keys."""

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
                raise DuplicateKeyError(
                    None, None, f"the key '{key}' appears twice", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=deep)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node, deep=True),
)


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely; raise yaml.YAMLError with a mark on any problem."""
    return yaml.load(text, Loader=_LineLoader)


def error_line(exc: yaml.YAMLError) -> int:
    """Return the 1-based line a YAML error points at (1 when it has none)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def error_text(exc: yaml.YAMLError) -> str:
    """Return a one-line description of a YAML error."""
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [p for p in (exc.context, exc.problem) if p]
        text = "; ".join(parts) or "invalid YAML"
    else:
        text = str(exc)
    if "could not determine a constructor" in text:
        text = "unsafe or unknown YAML tag (only plain YAML is allowed)"
    return "invalid YAML: " + " ".join(text.split())


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
