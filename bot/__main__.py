"""The command line: run the bot, chat in the console, ask the engine, manage content."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.exc import OperationalError

from bot.catalog.loader import ContentError, load_content
from bot.catalog.parse import LANG_RE
from bot.catalog.schema import GERMAN_LEVELS, OFFER_TYPES, STATUSES
from bot.config import ConfigError, Settings, load_settings
from bot.eligibility.engine import Facts
from bot.i18n import SUPPORTED_LANGUAGES
from bot.matching.engine import DEFAULT_RADIUS_KM

EXIT_OK, EXIT_USAGE = 0, 2
log = logging.getLogger("bot")


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one clear line on bad arguments."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


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
        help="give that user a role first",
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"lotse: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=(args.log_level or settings.log_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its URLs contain the bot token
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    try:
        return COMMANDS[args.command](args, settings)
    except ContentError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return EXIT_USAGE
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        print(f"lotse: cannot use the database ({reason}); check DATABASE_URL", file=sys.stderr)
        return 1


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.bot_token:
        print("No BOT_TOKEN set: starting the local chat console instead of Telegram.", flush=True)
    from bot.services import bootstrap

    if not settings.bot_token:
        _quiet_for_console(args)
        services = bootstrap(settings)
        from bot.chat.console import run_console

        asyncio.run(run_console(services))
        return EXIT_OK
    from bot.app import run_bot

    run_bot(bootstrap(settings))
    return EXIT_OK


def _quiet_for_console(args: argparse.Namespace) -> None:
    """Keep INFO logs out of the chat unless a log level was asked for."""
    if args.log_level is None and "LOG_LEVEL" not in os.environ:
        logging.getLogger().setLevel(logging.WARNING)


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat.console import run_console
    from bot.services import bootstrap

    _quiet_for_console(args)
    services = bootstrap(settings)
    asyncio.run(run_console(services, user_id=args.user_id, lang=args.lang, role=args.role))
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answers.engine import AnswerEngine
    from bot.answers.normalise import guess_language

    if args.content is not None:
        engine = AnswerEngine(load_content(args.content))
    else:
        from bot.services import bootstrap

        engine = bootstrap(settings).engine

    def one(text: str) -> dict:
        lang = args.lang or guess_language(text) or settings.default_language
        decision = engine.ask(text, lang, args.municipality)
        return {
            "lang": lang,
            "answer_id": decision.answer_id,
            "suggestions": list(decision.suggestions),
            "hits": [
                {"id": h.id, "kind": h.kind, "score": round(h.score, 4)} for h in decision.hits
            ],
        }

    if args.text == "-":
        for line in sys.stdin:
            print(json.dumps(one(line.rstrip("\n")), ensure_ascii=False), flush=True)
        return EXIT_OK
    result = one(args.text)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"answer: {result['answer_id'] or '-'}")
        if result["suggestions"]:
            print(f"did you mean: {', '.join(result['suggestions'])}")
        for hit in result["hits"]:
            print(f"  {hit['score']:.3f}  {hit['kind']}  {hit['id']}")
    return EXIT_OK


def _facts(args: argparse.Namespace) -> Facts:
    return Facts(
        age=args.age,
        birth_date=args.birth_date,
        residence_status=args.status,
        lives_in_nrw=args.nrw,
        municipality=args.municipality,
        has_school_certificate=args.school_certificate,
        german_level=args.german_level,
    )


def _content(args: argparse.Namespace, settings: Settings):
    if args.content is not None:
        return load_content(args.content)
    from bot.services import bootstrap

    return bootstrap(settings).content


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.eligibility.engine import FactError, check
    from bot.eligibility.words import fact_error_text, result_text, verdict_reasons
    from bot.i18n import translator

    t = translator(args.lang or settings.default_language)
    on = args.on or datetime.now(settings.tz).date()
    content = _content(args, settings)
    try:
        verdicts = check(content, _facts(args), on)
    except FactError as exc:
        print(f"lotse check: {fact_error_text(t, exc)}", file=sys.stderr)
        return EXIT_USAGE
    programs = [
        {
            "id": v.program,
            "result": v.result,
            "missing": list(v.missing),
            "reasons": verdict_reasons(t, v, content),
            "title": content.programs[v.program].text(t.lang)["title"],
            "source": v.source,
        }
        for v in verdicts
    ]
    if args.json:
        print(json.dumps({"on": on.isoformat(), "programs": programs}, ensure_ascii=False))
        return EXIT_OK
    for item in programs:
        print(f"{item['id']}: {result_text(t, item['result'])}")
        for reason in item["reasons"]:
            print(f"  - {reason}")
        if item["missing"]:
            print("  ? " + ", ".join(item["missing"]))
    return EXIT_OK


def cmd_match(args: argparse.Namespace, settings: Settings) -> int:
    from bot.eligibility.engine import FactError
    from bot.eligibility.words import fact_error_text
    from bot.i18n import translator
    from bot.matching.engine import Need, match
    from bot.matching.words import miss_text, reason_text

    t = translator(args.lang or settings.default_language)
    on = args.on or datetime.now(settings.tz).date()
    content = _content(args, settings)
    if args.radius <= 0:
        print("lotse match: --radius must be more than 0 km", file=sys.stderr)
        return EXIT_USAGE
    need = Need(
        facts=_facts(args),
        offer_type=args.type,
        languages=tuple(code for codes in args.language for code in codes),
        near=args.near,
        radius_km=args.radius,
    )
    try:
        result = match(content, need, on)
    except FactError as exc:
        print(f"lotse match: {fact_error_text(t, exc)}", file=sys.stderr)
        return EXIT_USAGE

    def listed(items) -> list[dict]:
        return [
            {
                "id": m.offer,
                "score": m.score,
                "reasons": [reason_text(t, r, content) for r in m.reasons],
                "title": _offer_title(content, m.offer, t.lang),
                "municipality": content.offers[m.offer].municipality,
            }
            for m in items
        ]

    out = {"offers": listed(result.matches)}
    if result.miss is not None:
        out["miss"] = miss_text(t, result.miss, content)
        out["alternatives"] = listed(result.alternatives)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return EXIT_OK
    if "miss" in out:
        print(out["miss"])
        if out["alternatives"]:
            print("alternatives:")
    for item in out["offers"] or out.get("alternatives", []):
        print(f"{item['score']:.2f}  {item['id']}  {item['title']}")
        for reason in item["reasons"]:
            print(f"        - {reason}")
    return EXIT_OK


def _offer_title(content, offer_id: str, lang: str) -> str:
    texts = content.offers[offer_id].translations
    return (texts.get(lang) or texts["de"]).get("title", offer_id)


def _summary(content) -> dict[str, int]:
    from bot.catalog.schema import KINDS

    return {kind: len(content.of_kind(kind)) for kind in KINDS}


def cmd_content(args: argparse.Namespace, settings: Settings) -> int:
    if args.content_command == "validate":
        try:
            content = load_content(args.path)
        except ContentError as exc:
            if args.json:
                print(json.dumps({"valid": False, "problems": exc.problems}, ensure_ascii=False))
            else:
                print("\n".join(exc.problems))
            return EXIT_USAGE
        counts = _summary(content)
        if args.json:
            print(json.dumps({"valid": True, "problems": [], "entries": counts}))
        else:
            print("valid: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
        return EXIT_OK

    from bot.catalog.export import export_content
    from bot.catalog.store import load_stored, save_content
    from bot.db.migrate import upgrade
    from bot.db.session import Database

    upgrade(settings.database_url)
    db = Database(settings.database_url)
    if args.content_command == "import":
        content = load_content(args.path)
        with db.session() as session:
            result = save_content(session, content, origin="import")
        out = {"version": result.version, "changed": result.changed, "entries": _summary(content)}
        text = (
            f"imported {result.entries} entries as version {result.version}"
            if result.changed
            else f"no change: the stored content (version {result.version}) is the same"
        )
    else:
        with db.session() as session:
            content = load_stored(session)
        if content is None:
            print("lotse: the database has no content to export", file=sys.stderr)
            return EXIT_USAGE
        files = export_content(content, args.path)
        out = {
            "version": content.version,
            "files": [str(p) for p in files],
            "entries": _summary(content),
        }
        text = f"exported version {content.version} to {len(files)} files in {args.path}"
    print(json.dumps(out) if args.json else text)
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.migrate import upgrade

    upgrade(settings.database_url)
    print("database is up to date")
    return EXIT_OK


COMMANDS = {
    "run": cmd_run,
    "console": cmd_console,
    "ask": cmd_ask,
    "check": cmd_check,
    "match": cmd_match,
    "content": cmd_content,
    "migrate": cmd_migrate,
}

if __name__ == "__main__":
    sys.exit(main())
