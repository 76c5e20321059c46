"""`python -m bot check` per the CLI contract: verdicts with reasons, and exit 2 on bad facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run `check --content content --json ...` and return (status, parsed stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def run(*argv: str):
        try:
            status = main(["check", "--content", str(CONTENT), "--json", *argv])
        except SystemExit as exit_:
            status = exit_.code
        out = capsys.readouterr()
        return status, (json.loads(out.out) if out.out.strip() else None), out.err

    return run


def results(data: dict) -> dict[str, str]:
    return {p["id"]: p["result"] for p in data["programs"]}


def test_every_person_program_is_listed_with_reasons(check):
    status, data, _ = check(
        "--age", "23", "--status", "duldung", "--municipality", "koeln", "--on", "2026-11-23"
    )
    assert status == 0
    assert set(results(data)) == {
        "gemeinsam-klappts",
        "durchstarten",
        "durchstarten-coaching",
        "durchstarten-qualifizierung",
        "durchstarten-hauptschulabschluss",
        "durchstarten-kurse",
    }
    assert set(results(data).values()) == {"eligible"}
    coaching = next(p for p in data["programs"] if p["id"] == "durchstarten-coaching")
    assert coaching["missing"] == []
    assert any("23" in reason for reason in coaching["reasons"])


def test_missing_facts_make_the_result_unknown_and_are_named(check):
    _, data, _ = check("--age", "20", "--nrw", "yes")
    durchstarten = next(p for p in data["programs"] if p["id"] == "durchstarten")
    assert durchstarten["result"] == "unknown"
    assert durchstarten["missing"] == ["residence_status"]
    assert results(data)["gemeinsam-klappts"] == "eligible"


def test_a_birth_date_is_turned_into_the_age_on_the_day_asked(check):
    _, before, _ = check(
        "--birth-date", "1998-11-24", "--status", "gestattung", "--nrw", "yes", "--on", "2026-11-23"
    )
    _, on_birthday, _ = check(
        "--birth-date", "1998-11-24", "--status", "gestattung", "--nrw", "yes", "--on", "2026-11-24"
    )
    assert results(before)["durchstarten"] == "eligible"
    assert results(on_birthday)["durchstarten"] == "not_eligible"


def test_reasons_come_in_the_language_asked(check):
    _, data, _ = check("--age", "30", "--lang", "de")
    reasons = next(p for p in data["programs"] if p["id"] == "gemeinsam-klappts")["reasons"]
    assert any("Alter 30" in r for r in reasons), reasons


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--age", "-3"], "not possible"),
        (["--age", "250"], "not possible"),
        (["--age", "zwanzig"], "not a whole number"),
        (["--birth-date", "2030-01-01", "--on", "2026-11-23"], "future"),
        (["--birth-date", "2023-02-30"], "not an existing date"),
        (["--age", "30", "--birth-date", "2000-01-01", "--on", "2026-11-23"], "does not match"),
        (["--status", "refugee"], "invalid choice"),
        (["--municipality", "atlantis"], "atlantis"),
        (["--municipality", "koeln", "--nrw", "no"], "NRW"),
        (["--nrw", "maybe"], "not yes or no"),
    ],
)
def test_impossible_or_contradictory_input_exits_2_with_one_line(check, argv, message):
    status, data, err = check(*argv, "--lang", "en")
    assert status == 2
    assert data is None
    assert len(err.strip().splitlines()) == 1
    assert message in err
