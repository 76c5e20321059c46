"""Three-valued evaluation of eligibility rules, with one reason (a code) per condition.

A condition is true, false, or unknown (its fact was not given). `all` is false as soon as
one part is false, unknown if none is false but one is unknown; `any` is true as soon as
one part is true. A program is `eligible`, `not_eligible` or `unknown` accordingly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from bot.catalog.schema import GERMAN_LEVELS, Content, Program

ELIGIBLE, NOT_ELIGIBLE, UNKNOWN = "eligible", "not_eligible", "unknown"
#: The order in which a conversation asks for facts (the first still missing comes next).
FACT_ORDER = (
    "age",
    "residence_status",
    "municipality",
    "lives_in_nrw",
    "has_school_certificate",
    "german_level",
)


class FactError(ValueError):
    """Facts that contradict each other or cannot be true; `code` names the problem."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Facts:
    """What is known about a person; None means not known (yet)."""

    age: int | None = None
    birth_date: date | None = None
    residence_status: str | None = None
    lives_in_nrw: bool | None = None
    municipality: str | None = None
    has_school_certificate: bool | None = None
    german_level: str | None = None


@dataclass(frozen=True)
class Reason:
    """Why one condition holds, fails or is open: the fact, the rule and the value given."""

    fact: str
    outcome: bool | None  # True holds, False fails, None: fact not known
    rule: Mapping[str, Any] = field(default_factory=dict)  # min/max/in/equals of the condition
    value: Any = None


@dataclass(frozen=True)
class Verdict:
    program: str
    result: str  # eligible | not_eligible | unknown
    missing: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()
    source: str = ""


def age_on(birth: date, day: date) -> int:
    """Return the age in whole years on day (a 29 February birthday counts from 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def resolve(facts: Facts, content: Content, on: date) -> dict[str, Any]:
    """Turn given facts into the values rules read; raise FactError on contradictions."""
    values: dict[str, Any] = {}
    if facts.birth_date is not None:
        if facts.birth_date > on:
            raise FactError("birth_date_in_future", birth_date=facts.birth_date)
        age = age_on(facts.birth_date, on)
        if facts.age is not None and facts.age != age:
            raise FactError("age_contradicts_birth_date", age=facts.age, computed=age)
        values["age"] = age
    elif facts.age is not None:
        values["age"] = facts.age
    if "age" in values and not 0 <= values["age"] <= 120:
        raise FactError("age_out_of_range", age=values["age"])
    for name in ("residence_status", "has_school_certificate", "german_level"):
        if getattr(facts, name) is not None:
            values[name] = getattr(facts, name)
    if facts.municipality is not None:
        town = content.municipalities.get(facts.municipality)
        if town is None:
            raise FactError("unknown_municipality", municipality=facts.municipality)
        if facts.lives_in_nrw is False:
            raise FactError("municipality_contradicts_nrw", municipality=town.name)
        values["municipality"] = town.id
        values["lives_in_nrw"] = True
        if town.alliance is not None:
            values["municipality.alliance"] = town.alliance
    elif facts.lives_in_nrw is not None:
        values["lives_in_nrw"] = facts.lives_in_nrw
    return values


def _condition(cond: Mapping[str, Any], values: Mapping[str, Any]) -> Reason:
    fact = cond["fact"]
    rule = {k: v for k, v in cond.items() if k != "fact"}
    if fact not in values:
        return Reason(fact, None, rule)
    value = values[fact]
    ok = True
    if fact == "german_level":
        rank = GERMAN_LEVELS.index
        ok = ("min" not in rule or rank(value) >= rank(rule["min"])) and (
            "max" not in rule or rank(value) <= rank(rule["max"])
        )
    else:
        ok = ("min" not in rule or value >= rule["min"]) and (
            "max" not in rule or value <= rule["max"]
        )
    if "equals" in rule:
        ok = ok and value == rule["equals"]
    if "in" in rule:
        ok = ok and value in rule["in"]
    return Reason(fact, ok, rule, value)


def _node(node: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[bool | None, list[Reason]]:
    if "fact" in node:
        reason = _condition(node, values)
        return reason.outcome, [reason]
    reasons: list[Reason] = []
    outcomes: list[bool | None] = []
    if "all" in node:
        parts = [_node(n, values) for n in node["all"]]
        reasons += [r for _, rs in parts for r in rs]
        got = [o for o, _ in parts]
        outcomes.append(False if False in got else (None if None in got else True))
    if "any" in node:
        parts = [_node(n, values) for n in node["any"]]
        reasons += [r for _, rs in parts for r in rs]
        got = [o for o, _ in parts]
        outcomes.append(True if True in got else (None if None in got else False))
    combined = False if False in outcomes else (None if None in outcomes else True)
    return combined, reasons


def evaluate(program: Program, values: Mapping[str, Any]) -> Verdict:
    """Evaluate one program's rule over resolved fact values."""
    if not program.eligibility:
        return Verdict(program.id, ELIGIBLE, source=program.source)
    outcome, reasons = _node(program.eligibility, values)
    result = ELIGIBLE if outcome is True else NOT_ELIGIBLE if outcome is False else UNKNOWN
    open_facts = {r.fact for r in reasons if r.outcome is None}
    missing = () if outcome is not None else _ordered(open_facts, values)
    return Verdict(program.id, result, missing, tuple(reasons), program.source)


def _ordered(facts: set[str], values: Mapping[str, Any]) -> tuple[str, ...]:
    """Order missing facts; the alliance is asked as the municipality unless that is given.

    A given municipality whose alliance membership the content does not know stays
    `municipality.alliance`: asking the person again would not help.
    """
    if "municipality.alliance" in facts and "municipality" not in values:
        facts = (facts - {"municipality.alliance"}) | {"municipality"}
    rank = {f: i for i, f in enumerate(FACT_ORDER)}
    return tuple(sorted(facts, key=lambda f: rank.get(f, len(rank))))


def check(content: Content, facts: Facts, on: date, audience: str = "person") -> list[Verdict]:
    """Evaluate every program of audience (default: person), in content order."""
    values = resolve(facts, content, on)
    return [evaluate(p, values) for p in content.programs.values() if p.audience == audience]


def next_fact(verdicts: list[Verdict]) -> str | None:
    """Return the fact to ask next: the first in FACT_ORDER that a verdict still needs."""
    needed = {f for v in verdicts for f in v.missing}
    return next((f for f in FACT_ORDER if f in needed), None)


def without_birth_date(facts: Facts, on: date) -> Facts:
    """Return facts with the birth date turned into an age (nothing more is kept)."""
    if facts.birth_date is None:
        return facts
    return replace(facts, age=age_on(facts.birth_date, on), birth_date=None)
