"""`content validate | import | export` per the CLI contract, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "content"


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in-process against a fresh database; return its exit status."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("CONTENT_DIR", str(FIXTURE))

    return lambda *argv: main(list(argv))


def test_validate_accepts_good_content(cli, capsys):
    assert cli("content", "validate", str(FIXTURE)) == 0
    assert capsys.readouterr().out.startswith("valid: 4 municipalities, 3 programs, 2 faq")


def test_validate_lists_problems_and_exits_2(cli, capsys, tmp_path: Path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text("faq:\n  - id: Nope\n  - id: ok\n", encoding="utf-8")
    assert cli("content", "validate", str(bad)) == 2
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("x.yaml:2: ")
    assert all(line.startswith("x.yaml:") for line in lines)


def test_validate_json_prints_one_object(cli, capsys, tmp_path: Path):
    assert cli("content", "validate", str(FIXTURE), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is True and data["entries"]["faq"] == 2


def test_import_then_export_then_import_changes_nothing(cli, capsys, tmp_path: Path):
    assert cli("content", "import", str(FIXTURE), "--json") == 0
    first = json.loads(capsys.readouterr().out)
    assert first["changed"] is True
    assert cli("content", "export", str(tmp_path / "out"), "--json") == 0
    exported = json.loads(capsys.readouterr().out)
    assert len(exported["files"]) == 5
    assert cli("content", "import", str(tmp_path / "out"), "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert again == {**first, "changed": False}


def test_a_bad_import_is_refused_whole(cli, capsys, tmp_path: Path):
    assert cli("content", "import", str(FIXTURE)) == 0
    capsys.readouterr()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "ok.yaml").write_text(
        "municipalities:\n  - id: bonn\n    name: Bonn\n", encoding="utf-8"
    )
    (bad / "broken.yaml").write_text("faq:\n  - id: x\n    scope: nowhere\n", encoding="utf-8")
    assert cli("content", "import", str(bad)) == 2
    assert "broken.yaml:2:" in capsys.readouterr().err
    assert cli("content", "export", str(tmp_path / "out")) == 0
    exported = (tmp_path / "out" / "municipalities.yaml").read_text(encoding="utf-8")
    assert "bonn" not in exported and "koeln" in exported


def test_a_single_file_can_be_imported(cli, capsys, tmp_path: Path):
    single = tmp_path / "one.yaml"
    single.write_text((FIXTURE / "base.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("content", "import", str(single), "--json") == 0
    assert json.loads(capsys.readouterr().out)["entries"]["programs"] == 3


def test_export_of_an_empty_database_says_so(cli, capsys, tmp_path: Path):
    assert cli("content", "export", str(tmp_path / "out")) == 2
    assert "no content" in capsys.readouterr().err


def test_bad_arguments_exit_2(cli, capsys):
    with pytest.raises(SystemExit) as caught:
        cli("content", "frobnicate")
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        cli("ask", "hallo", "--lang", "xx")
    assert caught.value.code == 2
    assert "unknown language 'xx'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        ["ask", "--help"],
        ["content", "import", "--help"],
        ["console", "--help"],
        ["run", "--help"],
    ],
)
def test_every_command_explains_itself(cli, capsys, command):
    with pytest.raises(SystemExit) as caught:
        cli(*command)
    assert caught.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_export_marks_hidden_entries_and_importing_it_changes_nothing(
    cli, capsys, tmp_path: Path, database_url: str
):
    from bot.catalog.history import set_hidden
    from bot.db.session import Database

    assert cli("content", "import", str(FIXTURE)) == 0
    db = Database(database_url)
    with db.session() as session:
        set_hidden(session, "offers", "koeln-coaching-1", True, None)
    db.dispose()
    assert cli("content", "export", str(tmp_path / "out"), "--json") == 0
    capsys.readouterr()
    offers = (tmp_path / "out" / "offers.yaml").read_text(encoding="utf-8")
    assert "- id: koeln-coaching-1\n  hidden: true\n" in offers
    assert cli("content", "import", str(tmp_path / "out"), "--json") == 0
    assert json.loads(capsys.readouterr().out)["changed"] is False
