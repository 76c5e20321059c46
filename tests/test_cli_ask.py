"""`python -m bot ask` per the CLI contract: one JSON object, batch from stdin, scoping."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture
def ask(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run `ask ... --content content --json` in-process and return the printed lines."""
    monkeypatch.chdir(tmp_path)

    def run(*argv: str, stdin: str | None = None) -> list[dict]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        assert main(["ask", *argv, "--content", str(CONTENT), "--json"]) == 0
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    return run


def test_a_clear_question_is_answered_with_hits_best_first(ask):
    [result] = ask("Wer kann bei Durchstarten mitmachen?", "--lang", "de")
    assert set(result) == {"lang", "answer_id", "suggestions", "hits"}
    assert result["lang"] == "de"
    assert result["answer_id"] == "durchstarten-wer"
    assert result["hits"][0]["id"] == "durchstarten-wer"
    assert result["hits"][0]["kind"] == "faq"
    scores = [hit["score"] for hit in result["hits"]]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 10


def test_an_unrelated_question_is_not_answered(ask):
    [result] = ask("Wie wird das Wetter morgen in Bielefeld?", "--lang", "de")
    assert result["answer_id"] is None


def test_the_language_is_detected_when_not_given(ask):
    [arabic] = ask("من يمكنه المشاركة في Durchstarten؟")
    [ukrainian] = ask("Хто може взяти участь у програмі Durchstarten?")
    assert arabic["lang"] == "ar"
    assert ukrainian["lang"] == "uk"


def test_entries_of_another_municipality_are_not_found(ask):
    koeln = ask(
        "Wer ist in Köln für Gemeinsam klappt's zuständig?",
        "--lang",
        "de",
        "--municipality",
        "koeln",
    )[0]
    bonn = ask(
        "Wer ist in Köln für Gemeinsam klappt's zuständig?",
        "--lang",
        "de",
        "--municipality",
        "bonn",
    )[0]
    koeln_ids = {hit["id"] for hit in koeln["hits"]}
    bonn_ids = {hit["id"] for hit in bonn["hits"]}
    assert any(i.startswith("koeln-") for i in koeln_ids)
    assert not any(i.startswith("koeln-") for i in bonn_ids)


def test_a_dash_reads_one_question_a_line_and_answers_in_order(ask):
    lines = ask(
        "-", "--lang", "de", stdin="Wer darf bei Durchstarten mitmachen?\n\nwas ist eine Duldung\n"
    )
    assert len(lines) == 3
    assert lines[0]["answer_id"] == "durchstarten-wer"
    assert lines[1]["answer_id"] is None and lines[1]["hits"] == []
    assert lines[2]["answer_id"] == "duldung-was"


def test_the_ask_command_prints_only_json_on_stdout_and_logs_to_stderr(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "Was ist eine Gestattung?", "--lang", "de", "--json"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "CONTENT_DIR": str(CONTENT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["answer_id"] == "gestattung-was"
    assert (tmp_path / "data" / "lotse.db").exists()


def test_bad_content_makes_ask_exit_2(tmp_path: Path, capsys):
    (tmp_path / "bad.yaml").write_text("faq:\n  - id: X\n", encoding="utf-8")
    assert main(["ask", "hallo", "--content", str(tmp_path), "--json"]) == 2
    assert "bad.yaml:2:" in capsys.readouterr().err
