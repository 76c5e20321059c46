"""`python -m bot match` per the CLI contract: ranked offers with reasons, exit 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main

OFFERS = Path(__file__).resolve().parent / "fixtures" / "offers"


@pytest.fixture
def match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run `match --content <offers fixture> --json ...`; return (status, JSON or None, stderr)."""
    monkeypatch.chdir(tmp_path)

    def run(*argv: str):
        try:
            status = main(["match", "--content", str(OFFERS), "--json", *argv])
        except SystemExit as exit_:
            status = exit_.code
        out = capsys.readouterr()
        return status, (json.loads(out.out) if out.out.strip() else None), out.err

    return run


def test_offers_are_ranked_with_reasons(match):
    status, data, _ = match(
        "--age",
        "22",
        "--status",
        "duldung",
        "--municipality",
        "koeln",
        "--type",
        "coaching",
        "--language",
        "ar",
        "--on",
        "2026-11-23",
        "--lang",
        "en",
    )
    assert status == 0
    assert [o["id"] for o in data["offers"]] == ["koeln-coaching-ar", "koeln-coaching-fa"]
    first = data["offers"][0]
    assert 0 < first["score"] <= 1
    assert "It is held in Arabic." in first["reasons"]
    assert "miss" not in data


def test_full_and_ended_offers_are_never_listed(match):
    _, data, _ = match("--municipality", "koeln", "--on", "2026-11-23")
    ids = {o["id"] for o in data["offers"]}
    assert "koeln-coaching-full" not in ids and "koeln-coaching-ended" not in ids


def test_a_location_and_radius_limit_the_offers(match):
    _, data, _ = match("--near", "51.03,6.98", "--radius", "5", "--type", "coaching", "--age", "20")
    assert [o["id"] for o in data["offers"]] == ["leverkusen-coaching"]


def test_when_nothing_fits_one_line_says_why_and_alternatives_follow(match):
    _, data, _ = match(
        "--municipality",
        "bruehl",
        "--type",
        "coaching",
        "--status",
        "gestattung",
        "--age",
        "22",
        "--lang",
        "en",
        "--on",
        "2026-11-23",
    )
    assert data["offers"] == []
    assert data["miss"] == "No coaching in Brühl for Gestattung right now."
    assert data["alternatives"][0]["id"] == "koeln-coaching-ar"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--near", "50.9"], "is not LAT,LON"),
        (["--near", "95,7"], "not a place on Earth"),
        (["--type", "party"], "invalid choice"),
        (["--language", "Deutsch"], "not a language code"),
        (["--age", "300"], "not possible"),
        (["--municipality", "atlantis"], "atlantis"),
        (["--radius", "0", "--near", "50.9,6.9"], "--radius"),
    ],
)
def test_bad_input_exits_2_with_one_line(match, argv, message):
    status, data, err = match(*argv)
    assert status == 2 and data is None
    assert len(err.strip().splitlines()) == 1 and message in err


def test_without_content_an_offer_filled_by_accepted_referrals_is_not_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from bot.config import Settings
    from bot.db.models import Referral
    from bot.services import bootstrap

    url = f"sqlite:///{tmp_path / 'lotse.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    argv = ["match", "--municipality", "koeln", "--type", "coaching", "--on", "2026-11-23"]
    assert main([*argv, "--json"]) == 0
    assert "koeln-coaching-kalk" in capsys.readouterr().out
    services = bootstrap(Settings(database_url=url))
    with services.db.session() as session:
        for number in range(services.content.offers["koeln-coaching-kalk"].capacity or 0):
            session.add(
                Referral(
                    offer_id="koeln-coaching-kalk",
                    offer_type="coaching",
                    client_code=f"A{number}",
                    state="accepted",
                )
            )
    assert main([*argv, "--json"]) == 0
    assert "koeln-coaching-kalk" not in json.loads(capsys.readouterr().out)["offers"]
