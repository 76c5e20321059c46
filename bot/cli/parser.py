"""The argument parser: every sub-command, its options and their strict checks."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

from bot.catalog.parse import LANG_RE
from bot.catalog.schema import GERMAN_LEVELS, OFFER_TYPES, STATUSES
from bot.i18n import SUPPORTED_LANGUAGES
from bot.matching.engine import DEFAULT_RADIUS_KM

EXIT_OK, EXIT_USAGE = 0, 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one clear line on bad arguments."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _username(value: str) -> str:
    name = value.strip().lstrip("@")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", name):
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a Telegram username (5-32 letters, digits and _)"
        )
    return name


def _language(value: str) -> str:
    if value not in SUPPORTED_LANGUAGES:
        raise argparse.ArgumentTypeError(
            f"unknown language '{value}' (supported: {', '.join(SUPPORTED_LANGUAGES)})"
        )
    return value


def _age(value: str) -> int:
    try:
        age = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of years") from None
    if not 0 <= age <= 120:
        raise argparse.ArgumentTypeError(f"an age of {age} is not possible (0 to 120)")
    return age


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not an existing date in the form YYYY-MM-DD"
        ) from None


def _yes_no(value: str) -> bool:
    if value.lower() not in ("yes", "no"):
        raise argparse.ArgumentTypeError(f"'{value}' is not yes or no")
    return value.lower() == "yes"


def _language_code(value: str) -> list[str]:
    codes = [part.strip() for part in value.split(",") if part.strip()]
    if not codes or not all(LANG_RE.match(code) for code in codes):
        raise argparse.ArgumentTypeError(f"'{value}' is not a language code like ar or fa")
    return codes


def _lat_lon(value: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not LAT,LON (e.g. 50.94,6.96)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError(f"'{value}' is not a place on Earth")
    return lat, lon


def _add_facts(parser: argparse.ArgumentParser) -> None:
    """Add the facts about a person that `check` and `match` take."""
    parser.add_argument("--age", type=_age, metavar="N", help="age in whole years")
    parser.add_argument(
        "--birth-date", type=_day, metavar="YYYY-MM-DD", help="birth date (instead of the age)"
    )
    parser.add_argument("--status", choices=STATUSES, help="residence status")
    parser.add_argument("--municipality", metavar="ID", help="municipality id (implies NRW)")
    parser.add_argument("--nrw", type=_yes_no, metavar="yes|no", help="lives in NRW")
    parser.add_argument(
        "--school-certificate", type=_yes_no, metavar="yes|no", help="has a school certificate"
    )
    parser.add_argument("--german-level", choices=GERMAN_LEVELS, help="German level")
    parser.add_argument(
        "--on", type=_day, metavar="YYYY-MM-DD", help="the day asked (default today)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lotse", description="Lotse: answers and referrals for NRW's refugee support."
    )
    parser.add_argument(
        "--log-level",
        default=None,
        help="DEBUG, INFO, WARNING or ERROR (default: LOG_LEVEL or INFO)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub.add_parser(
        "run",
        help="run the bot (the console when no BOT_TOKEN is set)",
        description="Run the bot with Telegram long polling (or a webhook if WEBHOOK_URL is set). "
        "Without BOT_TOKEN it opens the local chat console instead.",
    )
    console = sub.add_parser(
        "console",
        help="chat with the bot in the terminal",
        description="Chat with the bot in the terminal through the same handlers Telegram uses. "
        "Type a number to press a button; 'quit' or Ctrl-D ends.",
    )
    console.add_argument(
        "--user-id", type=int, default=1, help="the Telegram user id to act as (default 1)"
    )
    console.add_argument("--lang", type=_language, help="the Telegram language code of that user")
    console.add_argument(
        "--role",
        choices=("volunteer", "advisor", "coach", "admin"),
        help="give that user a role first (admin: a superadmin, as if in ADMIN_USER_IDS)",
    )
    console.add_argument(
        "--username",
        type=_username,
        help="the Telegram username of that user (a coach's, as offers name it: @name)",
    )

    ask = sub.add_parser(
        "ask",
        help="ask the answering engine a question",
        description="Ask the free-text engine as the bot would. TEXT '-' reads one question a line "
        "from stdin and prints one JSON object a line.",
    )
    ask.add_argument(
        "text", metavar="TEXT", help="the question, or '-' for one question a line on stdin"
    )
    ask.add_argument(
        "--lang",
        type=_language,
        help="the user's language (default: detected, else DEFAULT_LANGUAGE)",
    )
    ask.add_argument("--municipality", metavar="ID", help="the user's municipality id")
    ask.add_argument(
        "--content",
        metavar="DIR",
        type=Path,
        help="use this content directory instead of the database",
    )
    ask.add_argument("--json", action="store_true", help="print exactly one JSON object")

    check = sub.add_parser(
        "check",
        help="check who may join which program",
        description="Evaluate every program for persons over the facts given: eligible, "
        "not_eligible or unknown (with the facts still missing), each with its reasons.",
    )
    _add_facts(check)
    check.add_argument("--lang", type=_language, help="language of the reasons (default de)")
    check.add_argument("--content", metavar="DIR", type=Path, help="use this content directory")
    check.add_argument("--json", action="store_true", help="print exactly one JSON object")

    match = sub.add_parser(
        "match",
        help="find the offers a person can join",
        description="List the offers a person can join, best first, with reasons. An offer the "
        "person cannot join (place, age, status, German level, full, ended) is never listed; "
        "when nothing fits, say why and show the nearest alternatives.",
    )
    _add_facts(match)
    match.add_argument("--type", choices=OFFER_TYPES, help="the kind of offer wanted")
    match.add_argument(
        "--language",
        action="append",
        type=_language_code,
        default=[],
        metavar="L",
        help="a language the person speaks (repeat or comma-separate)",
    )
    match.add_argument(
        "--near", type=_lat_lon, metavar="LAT,LON", help="a location to search around"
    )
    match.add_argument(
        "--radius", type=float, default=DEFAULT_RADIUS_KM, metavar="KM", help="radius around --near"
    )
    match.add_argument("--lang", type=_language, help="language of the reasons (default de)")
    match.add_argument("--content", metavar="DIR", type=Path, help="use this content directory")
    match.add_argument("--json", action="store_true", help="print exactly one JSON object")

    content = sub.add_parser("content", help="validate, import or export content")
    csub = content.add_subparsers(dest="content_command", required=True, parser_class=_Parser)
    validate = csub.add_parser(
        "validate",
        help="check a content directory",
        description="Check a content directory; exit 2 with 'file:line: problem' lines.",
    )
    validate.add_argument("path", metavar="DIR", type=Path)
    validate.add_argument("--json", action="store_true", help="print exactly one JSON object")
    imp = csub.add_parser(
        "import",
        help="replace the stored content (all or nothing)",
        description="Import a content directory or file into the database, all or nothing. "
        "Importing content equal to the stored content changes nothing.",
    )
    imp.add_argument("path", metavar="DIR|FILE", type=Path)
    imp.add_argument("--json", action="store_true", help="print exactly one JSON object")
    exp = csub.add_parser(
        "export",
        help="write the stored content as YAML",
        description="Write the stored content as YAML files (one per kind) into DIR.",
    )
    exp.add_argument("path", metavar="DIR", type=Path)
    exp.add_argument("--json", action="store_true", help="print exactly one JSON object")

    sub.add_parser(
        "migrate",
        help="bring the database schema up to date",
        description="Apply all database migrations (alembic upgrade head).",
    )
    return parser
