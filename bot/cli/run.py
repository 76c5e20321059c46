"""Running the bot, the console, and asking the answering engine."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys

from bot.catalog.loader import load_content
from bot.cli.parser import EXIT_OK
from bot.config import Settings


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the bot on Telegram, or the console when no token is set."""
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
    """Chat with the bot in the terminal."""
    from bot.chat.console import run_console
    from bot.services import bootstrap

    _quiet_for_console(args)
    services = bootstrap(settings)
    asyncio.run(
        run_console(
            services,
            user_id=args.user_id,
            lang=args.lang,
            role=args.role,
            username=args.username,
        )
    )
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Ask the answering engine one question, or one a line from stdin."""
    from bot.answers.engine import AnswerEngine
    from bot.answers.normalise import guess_language
    from bot.answers.semantic import load_ranker

    if args.content is not None:
        ranker = load_ranker(settings.semantic_model)
        engine = AnswerEngine(load_content(args.content), ranker=ranker)
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
