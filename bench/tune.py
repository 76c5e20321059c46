"""Choose the answering thresholds on the development sets, never on the blind or held-out ones.

Usage: python bench/tune.py [--content DIR] [--set FILE ...]

Runs the bot's order (offer requests, then the answering engine) over the development sets
(bench/questions/dev.yaml, whose unanswerable questions count as near-misses, and
bench/questions/dev_everyday.yaml) for a grid of the answer threshold and margin, and prints
for each: answered directly and right, wrong direct answers of all direct answers, and
near-misses answered directly, and net: (right direct answers - wrong direct answers) per FAQ
question, over all sets (a wrong answer costs what a right one gains). The shipped Tuning is
marked; it is the one with the best net.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from blind import Question, figures, load, run  # noqa: E402

from bot.answers.engine import AnswerEngine  # noqa: E402
from bot.catalog.loader import load_content  # noqa: E402

QUESTIONS = ROOT / "bench" / "questions"
SETS = (QUESTIONS / "dev.yaml", QUESTIONS / "dev_everyday.yaml")


def questions(path: Path) -> list[Question]:
    """Read a set in the blind format, or dev.yaml's (no kind: null means near-miss)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if raw and "kind" in raw[0]:
        return load(path)
    return [
        Question(
            r["q"],
            r["lang"],
            r.get("municipality"),
            "plain" if r["expect"] else "near_miss",
            r["expect"],
        )
        for r in raw
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--set", type=Path, action="append", dest="sets")
    parser.add_argument(
        "--answer", type=float, nargs="*", default=[0.4, 0.45, 0.47, 0.5, 0.55, 0.6]
    )
    parser.add_argument("--margin", type=float, nargs="*", default=[0.01, 0.03, 0.05, 0.08])
    parser.add_argument("--doubt", type=float, nargs="*", default=None)
    parser.add_argument("--arabic", type=float, nargs="*", default=None, help="answer_arabic")
    args = parser.parse_args(argv)
    content = load_content(args.content)
    engine = AnswerEngine(content)
    shipped = engine.tuning
    sets = [(p.name, questions(p)) for p in (args.sets or SETS) if p.exists()]
    print(f"{'answer':>7}{'margin':>7}" + "".join(f"{n[:14]:>30}" for n, _ in sets))
    print(
        " " * 14 + "".join(f"{'right':>10}{'wrong%':>10}{'near':>10}" for _ in sets) + "       net"
    )
    doubts = args.doubt or [shipped.doubt]
    arabic = args.arabic or [shipped.answer_arabic]
    grid = itertools.product(args.answer, args.margin, doubts, arabic)
    for answer, margin, doubt, in_arabic in grid:
        engine.tuning = dataclasses.replace(
            shipped,
            answer=answer,
            margin=margin,
            doubt=doubt,
            answer_arabic=in_arabic,
            suggest=min(answer, in_arabic, shipped.suggest),
        )
        cells, net, faq = "", 0, 0
        for _, qs in sets:
            outcomes = run(content, engine, qs)
            f = figures(qs, outcomes)
            cells += f"{f['right']:>10.3f}{f['wrong']:>10.3f}{f['near']:>10.3f}"
            for q, o in zip(qs, outcomes, strict=True):
                if q.kind == "offer":
                    continue
                faq += 1
                if o.decision is not None and o.decision.kind == "answer":
                    net += 1 if o.decision.answer_id == q.expect else -1
        cells += f"{net / faq:>10.3f}"
        chosen = (answer, margin, doubt, in_arabic) == (
            shipped.answer,
            shipped.margin,
            shipped.doubt,
            shipped.answer_arabic,
        )
        mark = "  <- shipped" if chosen else ""
        extra = f" doubt {doubt:.2f}" if args.doubt else ""
        extra += f" arabic script {in_arabic:.2f}" if args.arabic else ""
        print(f"{answer:>7.2f}{margin:>7.2f}{cells}{mark}{extra}")
    engine.tuning = shipped
    return 0


if __name__ == "__main__":
    sys.exit(main())
