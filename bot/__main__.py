"""The command line: run the bot, chat in the console, ask the engine, manage content."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError

from bot.answers.semantic import SemanticModelError
from bot.catalog.loader import ContentError
from bot.cli.content import cmd_content, cmd_migrate
from bot.cli.parser import EXIT_USAGE, build_parser
from bot.cli.person import cmd_check, cmd_match
from bot.cli.run import cmd_ask, cmd_console, cmd_run
from bot.config import ConfigError, load_settings
from bot.privacy.logs import configure as configure_logging

COMMANDS = {
    "run": cmd_run,
    "console": cmd_console,
    "ask": cmd_ask,
    "check": cmd_check,
    "match": cmd_match,
    "content": cmd_content,
    "migrate": cmd_migrate,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"lotse: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # No message texts, names or user ids in the logs (bot/privacy/logs.py).
    configure_logging((args.log_level or settings.log_level).upper(), settings.log_key)
    try:
        return COMMANDS[args.command](args, settings)
    except ContentError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return EXIT_USAGE
    except SemanticModelError as exc:  # found only when the model is read (SEMANTIC_MODEL)
        print(f"lotse: configuration error: SEMANTIC_MODEL: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        print(f"lotse: cannot use the database ({reason}); check DATABASE_URL", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
