"""Content commands (`content validate | import | export`) and `migrate`."""

from __future__ import annotations

import argparse
import json
import sys

from bot.catalog.loader import ContentError, load_content
from bot.cli.parser import EXIT_OK, EXIT_USAGE
from bot.config import Settings


def _summary(content) -> dict[str, int]:
    from bot.catalog.schema import KINDS

    return {kind: len(content.of_kind(kind)) for kind in KINDS}


def cmd_content(args: argparse.Namespace, settings: Settings) -> int:
    """Validate, import or export content."""
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
    from bot.catalog.store import load_all, save_content
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
            content = load_all(session)  # hidden entries too, marked `hidden: true`
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
    """Apply the database migrations."""
    from bot.db.migrate import upgrade

    upgrade(settings.database_url)
    print("database is up to date")
    return EXIT_OK
