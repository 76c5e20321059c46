"""Matching cases as data: who gets which offers, in which order, and what is never listed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.catalog.loader import load_content
from bot.eligibility.engine import Facts
from bot.matching.engine import Need, distance_km, match

HERE = Path(__file__).resolve().parent
CONTENT = load_content(HERE.parent / "fixtures" / "offers")
RAW = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
CASES = [
    {**{k: v for k, v in case.items() if k != "cases"}, **sub, "name": f"{case['name']} ({i})"}
    for case in RAW
    for i, sub in enumerate(case.get("cases", [{}]))
]


def need_of(raw: dict) -> Need:
    raw = dict(raw)
    facts = Facts(**raw.pop("facts", {}))
    if "near" in raw:
        raw["near"] = tuple(raw["near"])
    raw["languages"] = tuple(raw.get("languages", ()))
    return Need(facts=facts, **raw)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matching_case(case: dict):
    result = match(CONTENT, need_of(case["need"]), case["date"])
    listed = [m.offer for m in result.matches]
    if "expect" in case:
        assert listed == case["expect"]
    for offer in case.get("excluded", []):
        assert offer not in listed
        assert offer not in [m.offer for m in result.alternatives]
    if "miss" in case:
        miss = result.miss
        assert (miss.offer_type, miss.municipality, miss.status) == tuple(case["miss"].values())
    else:
        assert result.miss is None
    if "alternatives" in case:
        assert [m.offer for m in result.alternatives] == case["alternatives"]
    for offer, facts in case.get("checks", {}).items():
        found = next(m for m in result.matches if m.offer == offer)
        assert [r.value for r in found.reasons if r.code == "check"] == facts


def test_scores_are_between_0_and_1_and_sorted():
    result = match(CONTENT, Need(facts=Facts(municipality="koeln")), date(2026, 11, 23))
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


def test_distance_between_koeln_and_bielefeld_is_about_150_km():
    assert 145 < distance_km((50.94, 6.96), (52.02, 8.53)) < 165
