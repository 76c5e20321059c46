"""Print, per language and kind, which translations are current, outdated and missing.

Usage: python bench/translations.py [--content DIR | --database URL] [--list]

By default it reads the shipped content (`content/`); with --database it reads the content
stored in that database (as the bot serves it, hidden entries included). A translation is
outdated when the German text changed after it was made (its `made_from`). Source lines
count apart: an entry with a German source line needs one in each of its translations.
--list names every missing or outdated translation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.catalog.loader import load_content
from bot.catalog.schema import REFERENCE_LANGUAGE, Content
from bot.catalog.translations import TRANSLATED_KINDS, report, texts_of
from bot.i18n import SUPPORTED_LANGUAGES

ROOT = Path(__file__).resolve().parent.parent


def read(args: argparse.Namespace) -> Content:
    if args.database:
        from bot.catalog.store import load_all
        from bot.db.session import Database

        database = Database(args.database)
        with database.session() as session:
            content = load_all(session)
        database.dispose()
        if content is None:
            raise SystemExit(f"{args.database}: the database holds no content")
        return content
    return load_content(args.content)


def source_gaps(content: Content, lang: str) -> int:
    """Count translations into lang of entries with a German source line but none of their own."""
    gaps = 0
    for kind in ("programs", "faq"):
        for entry in content.of_kind(kind).values():
            texts = texts_of(entry).get(lang)
            if texts is not None and getattr(entry, "source", None) and not texts.get("source"):
                gaps += 1
    return gaps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--content", default=str(ROOT / "content"))
    where.add_argument("--database")
    parser.add_argument("--list", action="store_true", help="name each open translation")
    args = parser.parse_args()
    content = read(args)
    languages = [lang for lang in SUPPORTED_LANGUAGES if lang != REFERENCE_LANGUAGE]
    counts = report(content, languages)
    print(f"content: {args.database or args.content}")
    print(
        f"{'lang':5} {'kind':9} {'entries':>7} {'present':>7} {'current':>7} "
        f"{'outdated':>8} {'missing':>7} {'de-only':>7}"
    )
    missing = outdated = 0
    for lang in languages:
        for kind in TRANSLATED_KINDS:
            tally = counts[lang].get(kind)
            if tally is None or not tally.total:
                continue
            present = tally.current + tally.outdated
            print(
                f"{lang:5} {kind:9} {tally.total:7} {present:7} {tally.current:7} "
                f"{tally.outdated:8} {tally.missing:7} {tally.german_only:7}"
            )
            missing += tally.missing
            outdated += tally.outdated
            if args.list:
                for _, entry_id, found in tally.open:
                    print(f"      {found.value:8} {kind}:{entry_id}")
        print(
            f"{lang:5} {'sources':9} {'':7} untranslated source lines: {source_gaps(content, lang)}"
        )
    sources = sum(source_gaps(content, lang) for lang in languages)
    print(f"total: missing {missing}, outdated {outdated}, untranslated source lines {sources}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
