"""Measure what Lotse does with the blind test set: answers, near-misses and offer requests.

Usage: python bench/blind.py [--content DIR] [--questions FILE] [--curve]

The blind set (bench/questions/blind.yaml) was written by helpers who saw only the entries'
answers and the offers, never their questions or keywords, and frozen before any tuning.
Each question has a kind: plain, everyday (no content word shared with the answer), script
(German terms in Arabic, Persian or Cyrillic letters), near_miss (domain words around a
topic no entry covers; expect null) or offer (asks for a local offer; expect `offers`).

A question goes through the bot's own order: a question that asks for an offer shows
offers (bot/matching/freetext.py, then the matching engine as /find would), every other
one goes to the answering engine.

Targets (issue 15): top-1 >= 0.90, answered directly and right >= 0.80, wrong direct
answers <= 3 % of direct answers, near-misses answered directly <= 5 %, offer requests
that show offers >= 0.90.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers.engine import AnswerEngine, Decision  # noqa: E402
from bot.catalog.loader import load_content  # noqa: E402
from bot.catalog.schema import Content  # noqa: E402
from bot.eligibility.engine import Facts  # noqa: E402
from bot.matching import freetext  # noqa: E402
from bot.matching.engine import Need, match  # noqa: E402

QUESTIONS = ROOT / "bench" / "questions"
TODAY = date(2027, 1, 15)
KINDS = ("plain", "everyday", "script", "near_miss", "offer")


@dataclass(frozen=True)
class Question:
    q: str
    lang: str
    municipality: str | None
    kind: str
    expect: str | None
    offer_type: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What the bot did: offers shown (and of which type asked), or the engine's decision."""

    offers: bool
    offer_type: str | None
    decision: Decision | None


def load(path: Path) -> list[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = []
    for r in raw:
        if r["kind"] not in KINDS:
            raise ValueError(f"unknown kind {r['kind']!r} in {r['q']!r}")
        expect = r.get("expect")
        questions.append(
            Question(r["q"], r["lang"], r.get("municipality"), r["kind"], expect, r.get("type"))
        )
    return questions


def shows_offers(content: Content, request: freetext.OfferRequest, q: Question) -> bool:
    """Would the list show offers (fits, or the nearest alternatives)?"""
    place = request.municipality or q.municipality
    if place is None:
        return True  # /find asks for the place first, then lists (all types exist somewhere)
    need = Need(facts=Facts(municipality=place), offer_type=request.offer_type)
    result = match(content, need, TODAY)
    return bool(result.matches or result.alternatives)


def run(content: Content, engine: AnswerEngine, questions: Sequence[Question]) -> list[Outcome]:
    outcomes = []
    for q in questions:
        request = freetext.understand(q.q, content)
        if request is not None:
            outcomes.append(Outcome(shows_offers(content, request, q), request.offer_type, None))
        else:
            outcomes.append(Outcome(False, None, engine.ask(q.q, q.lang, q.municipality, TODAY)))
    return outcomes


def figures(questions: Sequence[Question], outcomes: Sequence[Outcome]) -> dict[str, float]:
    """The issue's figures over a set of questions (nan where a figure has no questions)."""
    faq = [(q, o) for q, o in zip(questions, outcomes, strict=True) if q.kind != "offer"]
    inscope = [(q, o) for q, o in faq if q.expect]
    near = [(q, o) for q, o in faq if q.kind == "near_miss"]
    offer = [(q, o) for q, o in zip(questions, outcomes, strict=True) if q.kind == "offer"]
    direct = [(q, o) for q, o in faq if o.decision is not None and o.decision.kind == "answer"]

    def share(part: int, whole: int) -> float:
        return part / whole if whole else float("nan")

    def top(q: Question, o: Outcome) -> str | None:
        return o.decision.hits[0].id if o.decision and o.decision.hits else None

    wrong = sum(o.decision is not None and o.decision.answer_id != q.expect for q, o in direct)
    return {
        "n": len(questions),
        "top1": share(sum(top(q, o) == q.expect for q, o in inscope), len(inscope)),
        "right": share(
            sum(bool(o.decision and o.decision.answer_id == q.expect) for q, o in inscope),
            len(inscope),
        ),
        "wrong": share(wrong, len(direct)),
        "near": share(
            sum(bool(o.decision and o.decision.kind == "answer") for _, o in near), len(near)
        ),
        "offers": share(sum(o.offers for _, o in offer), len(offer)),
        "offer_type": share(
            sum(o.offers and o.offer_type == q.offer_type for q, o in offer), len(offer)
        ),
        "diverted": share(sum(o.decision is None for _, o in faq), len(faq)),
    }


NAMES = (
    ("n", "n", "{:>5.0f}"),
    ("top1", "top-1", "{:>7.3f}"),
    ("right", "right", "{:>7.3f}"),
    ("wrong", "wrong%", "{:>7.3f}"),
    ("near", "near", "{:>7.3f}"),
    ("offers", "offers", "{:>7.3f}"),
    ("offer_type", "type", "{:>7.3f}"),
    ("diverted", "to-off", "{:>7.3f}"),
)


def line(name: str, f: dict[str, float]) -> str:
    cells = "".join(fmt.format(f[key]).replace("nan", "  -") for key, _, fmt in NAMES)
    return f"  {name:<12}{cells}"


def table(questions: Sequence[Question], outcomes: Sequence[Outcome]) -> None:
    print(f"  {'':<12}" + "".join(f"{label:>{5 if k == 'n' else 7}}" for k, label, _ in NAMES))
    print(line("all", figures(questions, outcomes)))
    for title, key in (("by kind", "kind"), ("by language", "lang")):
        print(f"  {title}:")
        for value in sorted({getattr(q, key) for q in questions}):
            idx = [i for i, q in enumerate(questions) if getattr(q, key) == value]
            print(line(value, figures([questions[i] for i in idx], [outcomes[i] for i in idx])))


def curve(content: Content, engine: AnswerEngine, questions: Sequence[Question]) -> None:
    """Precision of direct answers and their coverage as the answer threshold moves."""
    print("\n  precision/coverage over the answer threshold (blind set, FAQ questions):")
    print(f"  {'threshold':>10}{'precision':>11}{'right':>8}{'near':>8}")
    chosen = engine.tuning
    for t in sorted({step / 20 for step in range(6, 19)} | {chosen.answer}):
        engine.tuning = dataclasses.replace(chosen, answer=t, suggest=min(t, chosen.suggest))
        f = figures(questions, run(content, engine, questions))
        mark = "  <- chosen" if abs(t - chosen.answer) < 1e-9 else ""
        print(f"  {t:>10.2f}{1 - f['wrong']:>11.3f}{f['right']:>8.3f}{f['near']:>8.3f}{mark}")
    engine.tuning = chosen


def report(content: Content, path: Path, with_curve: bool = False) -> dict[str, float]:
    """Print the blind set's figures (all, by kind, by language); return the overall ones."""
    questions = load(path)
    engine = AnswerEngine(content)
    unknown = sorted(
        {q.expect for q in questions if q.expect not in (None, "offers")} - set(content.faq)
    )
    outcomes = run(content, engine, questions)
    print(f"\nblind set: {path} ({len(questions)} questions)")
    if unknown:
        print(f"  warning: expected ids not in the content: {', '.join(unknown)}")
    print(
        "  top-1 and right: of questions with an expected entry; wrong%: wrong direct answers "
        "of all direct answers;\n  near: near-misses answered directly; offers: offer requests "
        "that show offers (type: of the type asked);\n  to-off: FAQ questions taken for offer "
        "requests"
    )
    table(questions, outcomes)
    overall = figures(questions, outcomes)
    print(
        f"  targets: top-1 >= 0.90: {overall['top1']:.3f}; right >= 0.80: {overall['right']:.3f}; "
        f"wrong <= 0.03: {overall['wrong']:.3f}; near <= 0.05: {overall['near']:.3f}; "
        f"offers >= 0.90: {overall['offers']:.3f}"
    )
    if with_curve:
        curve(content, engine, questions)
    return overall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--questions", type=Path, default=QUESTIONS / "blind.yaml")
    parser.add_argument("--curve", action="store_true", help="also the precision/coverage curve")
    args = parser.parse_args(argv)
    report(load_content(args.content), args.questions, args.curve)
    return 0


if __name__ == "__main__":
    sys.exit(main())
