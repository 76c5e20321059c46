"""Eligibility (`check`) and offers (`match`) for a person, from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from bot.catalog.loader import load_content
from bot.cli.parser import EXIT_OK, EXIT_USAGE
from bot.config import Settings
from bot.eligibility.engine import Facts


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


def _content_and_places(args: argparse.Namespace, settings: Settings):
    """The content and the places left after referrals in the database (none with --content)."""
    if args.content is not None:
        return load_content(args.content), {}
    from bot.referrals.service import places_left, taken
    from bot.services import bootstrap

    services = bootstrap(settings)
    with services.db.session() as session:
        return services.content, places_left(services.content, taken(session))


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """Print every person program's verdict with its reasons."""
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
    """Print the offers the person can join, or why none fits and the alternatives."""
    from bot.eligibility.engine import FactError
    from bot.eligibility.words import fact_error_text
    from bot.i18n import translator
    from bot.matching.engine import Need, match
    from bot.matching.words import miss_text, reason_text

    t = translator(args.lang or settings.default_language)
    on = args.on or datetime.now(settings.tz).date()
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
    content, left = _content_and_places(args, settings)
    try:
        result = match(content, need, on, left)
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
