"""Check the shape of eligibility rules: known facts, known values, sensible bounds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bot.catalog.schema import FACTS, GERMAN_LEVELS, STATUSES
from bot.i18n import N_

OPERATORS = ("min", "max", "in", "equals")
#: Reports one problem: report(line, msgid, **params).
Report = Callable[..., None]


def _line(node: Any, key: str | None = None) -> int:
    if hasattr(node, "line_of"):
        return node.line_of(key) if key else node.line
    return 0


def _value_ok(kind: str, value: Any, municipalities: Iterable[str]) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 130
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "status":
        return value in STATUSES
    if kind == "german_level":
        return value in GERMAN_LEVELS
    return isinstance(value, str) and value in set(municipalities)


def check_rule(rule: Any, municipalities: Iterable[str], report: Report) -> None:
    """Report every problem in an eligibility rule tree (`all`/`any`, conditions)."""
    municipalities = tuple(municipalities)
    if not isinstance(rule, Mapping):
        report(_line(rule), N_("a rule must be a mapping"))
        return
    if "fact" in rule:
        _check_condition(rule, municipalities, report)
        return
    if not rule or set(rule) - {"all", "any"}:
        others = ", ".join(sorted(map(str, set(rule) - {"all", "any"})))
        if others:
            report(
                _line(rule),
                N_("a rule group takes 'all' and/or 'any', not {others}"),
                others=others,
            )
        else:
            report(_line(rule), N_("a rule group takes 'all' and/or 'any', not nothing"))
        return
    for key in ("all", "any"):
        if key not in rule:
            continue
        items = rule[key]
        if not isinstance(items, list) or not items:
            report(_line(rule, key), N_("'{key}' must be a non-empty list of conditions"), key=key)
            continue
        for item in items:
            check_rule(item, municipalities, report)


def _check_condition(cond: Mapping[str, Any], municipalities: tuple[str, ...], report: Report):
    line = _line(cond)
    fact = cond.get("fact")
    if not isinstance(fact, str) or fact not in FACTS:
        report(
            line, N_("unknown fact '{fact}' (known: {known})"), fact=fact, known=", ".join(FACTS)
        )
        return
    kind = FACTS[fact]
    ops = [k for k in cond if k != "fact"]
    unknown = [k for k in ops if k not in OPERATORS]
    if unknown:
        report(
            line,
            N_("condition on '{fact}' needs min/max, in or equals, not {found}"),
            fact=fact,
            found=unknown,
        )
        return
    if not ops:
        report(line, N_("condition on '{fact}' needs min/max, in or equals, not none"), fact=fact)
        return
    if ("min" in cond or "max" in cond) and kind not in ("int", "german_level"):
        report(line, N_("'{fact}' is not a number: use 'in' or 'equals'"), fact=fact)
        return
    for op in ("min", "max"):
        if op in cond and not _value_ok(kind, cond[op], municipalities):
            if kind == "int":
                msgid = N_("'{op}' of '{fact}' must be a whole number between 0 and 130")
            else:
                msgid = N_("'{op}' of '{fact}' must be a German level")
            report(line, msgid, op=op, fact=fact)
            return
    rank = GERMAN_LEVELS.index if kind == "german_level" else int
    if "min" in cond and "max" in cond and rank(cond["min"]) > rank(cond["max"]):
        report(line, N_("'min' of '{fact}' is greater than 'max'"), fact=fact)
    if "equals" in cond and not _value_ok(kind, cond["equals"], municipalities):
        report(line, N_("unknown value '{value}' for '{fact}'"), value=cond["equals"], fact=fact)
    if "in" in cond:
        values = cond["in"]
        if not isinstance(values, list) or not values:
            report(line, N_("'in' of '{fact}' must be a non-empty list"), fact=fact)
            return
        for value in values:
            if not _value_ok(kind, value, municipalities):
                report(line, N_("unknown value '{value}' for '{fact}'"), value=value, fact=fact)
