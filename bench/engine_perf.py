"""Measure content and engine on a synthetic store: load, build time, ask latency, peak memory.

Usage: python bench/engine_perf.py [--entries 10000] [--questions 1000] [--seed 7]
                                   [--parser libyaml|pyyaml]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.answers.engine import AnswerEngine
from bot.answers.lexicon.schema import LANGUAGES as LEXICON_LANGUAGES
from bot.answers.meaning import Meaning
from bot.catalog import yamlio
from bot.catalog.export import content_to_raw
from bot.catalog.loader import MAX_FILE_BYTES, parse_files
from bot.catalog.schema import Content, FaqEntry, FaqText

SYLLABLES = {
    "de": [
        "ab",
        "an",
        "au",
        "be",
        "ber",
        "bil",
        "dung",
        "ein",
        "er",
        "ge",
        "hal",
        "ku",
        "kurs",
        "la",
        "lei",
        "man",
        "meld",
        "nach",
        "recht",
        "sch",
        "schu",
        "stadt",
        "stel",
        "ten",
        "tung",
        "um",
        "un",
        "ver",
        "vor",
        "wei",
        "zu",
        "zug",
        "amt",
        "arb",
        "auf",
        "bei",
        "fahr",
        "fra",
        "gen",
        "heit",
        "keit",
        "lich",
        "los",
        "nis",
        "sam",
        "schaft",
    ],
    "en": [
        "a",
        "ab",
        "ac",
        "al",
        "an",
        "ap",
        "ar",
        "at",
        "be",
        "ca",
        "ce",
        "cer",
        "co",
        "com",
        "con",
        "de",
        "di",
        "dis",
        "en",
        "er",
        "ex",
        "in",
        "ing",
        "ion",
        "is",
        "li",
        "lo",
        "ma",
        "ment",
        "mi",
        "mo",
        "ne",
        "no",
        "or",
        "per",
        "pro",
        "re",
        "ri",
        "ro",
        "sa",
        "se",
        "si",
        "ster",
        "ta",
        "te",
        "ti",
        "to",
        "tu",
        "un",
    ],
    "ar": [
        "ال",
        "مد",
        "رس",
        "عم",
        "ل",
        "قا",
        "مة",
        "سا",
        "عد",
        "تد",
        "ري",
        "ب",
        "كت",
        "ا",
        "ب",
        "مس",
        "ت",
        "شف",
        "حق",
        "وق",
        "عا",
        "ئ",
        "لة",
        "ش",
        "ها",
        "دة",
        "دو",
        "رة",
        "لغ",
        "ة",
        "مك",
        "تب",
        "وظ",
        "ي",
        "فة",
        "سك",
        "ن",
        "طل",
        "ب",
    ],
}
STOPS = {
    "de": [
        "wie",
        "kann",
        "ich",
        "wo",
        "gibt",
        "es",
        "ein",
        "eine",
        "der",
        "die",
        "das",
        "mit",
        "für",
        "bei",
        "ist",
        "und",
    ],
    "en": [
        "how",
        "can",
        "i",
        "where",
        "is",
        "there",
        "a",
        "the",
        "with",
        "for",
        "at",
        "is",
        "and",
        "do",
    ],
    "ar": ["كيف", "هل", "يمكنني", "أين", "في", "من", "على", "مع", "هذا", "ما"],
}
SHARED = ["Jobcenter", "Duldung", "Gestattung", "Ausbildung", "BAföG", "Integrationskurs"]
MUNICIPALITIES = ["nrw"] * 6 + ["koeln", "bonn", "essen", "dortmund"]


def vocabulary(rng: random.Random, lang: str, size: int) -> list[str]:
    """Return size distinct made-up words of 2 to 4 syllables."""
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(SYLLABLES[lang], k=rng.randint(2, 4))))
    return sorted(words)


class Writer:
    """Draw Zipf-distributed words and write sentences in one language."""

    def __init__(self, rng: random.Random, lang: str, size: int) -> None:
        self.rng, self.lang = rng, lang
        self.words = vocabulary(rng, lang, size)
        self.cum = list(itertools.accumulate(1 / (rank + 1) for rank in range(size)))

    def sentence(self, n: int) -> str:
        content = self.rng.choices(self.words, cum_weights=self.cum, k=n)
        stops = self.rng.choices(STOPS[self.lang], k=max(1, n // 2))
        if self.rng.random() < 0.2:
            content.append(self.rng.choice(SHARED))
        mixed = content + stops
        self.rng.shuffle(mixed)
        return " ".join(mixed) + "?"


def synthetic_content(n: int, seed: int) -> Content:
    """Return n FAQ entries in de, en and ar with varied text."""
    rng = random.Random(seed)
    writers = {lang: Writer(rng, lang, 8000) for lang in ("de", "en", "ar")}
    faq = {}
    for i in range(n):
        translations = {}
        for lang, w in writers.items():
            if lang != "de" and rng.random() < 0.2:
                continue
            questions = tuple(w.sentence(rng.randint(3, 7)) for _ in range(rng.randint(1, 4)))
            answer = " ".join(w.sentence(rng.randint(6, 14)) for _ in range(rng.randint(2, 6)))
            keywords = tuple(rng.sample(w.words[:2000], 3)) if rng.random() < 0.3 else ()
            translations[lang] = FaqText(questions, answer, keywords)
        valid = date(2026, 6, 30) if rng.random() < 0.05 else None
        faq[f"e{i}"] = FaqEntry(
            f"e{i}", rng.choice(MUNICIPALITIES), translations, (f"t{i % 50}",), valid_until=valid
        )
    return Content(faq=faq)


def yaml_files(content: Content, per_file: int = 250) -> dict[str, bytes]:
    """Return the content as contract YAML: FAQ files of per_file entries, and the towns.

    Written with LibYAML's dumper when PyYAML has it (the project's dump_yaml writes the same
    data in pure Python, ten times as slowly); each file stays under the loader's size limit.
    """
    dumper = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper

    def dump(data: object) -> bytes:
        text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
        return text.encode("utf-8")

    faq = content_to_raw(content)["faq"]
    files = {
        f"faq/part-{start // per_file:03d}.yaml": dump({"faq": faq[start : start + per_file]})
        for start in range(0, len(faq), per_file)
    }
    towns = sorted({entry.scope for entry in content.faq.values()} - {"nrw"})
    files["municipalities.yaml"] = dump(
        {"municipalities": [{"id": town, "name": town.title()} for town in towns]}
    )
    assert max(map(len, files.values())) < MAX_FILE_BYTES, "fewer entries per file, please"
    return files


def load(files: dict[str, bytes], content: Content) -> tuple[float, float]:
    """Return the seconds (wall, CPU) parse_files takes, checking it reads back content."""
    start, cpu = time.perf_counter(), time.process_time()
    loaded = parse_files(files)
    seconds = time.perf_counter() - start, time.process_time() - cpu
    assert loaded.faq == content.faq, "the YAML did not read back as the content"
    return seconds


def typo(rng: random.Random, word: str) -> str:
    """Return word with one letter dropped, doubled or swapped."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def questions(content: Content, n: int, seed: int) -> list[tuple[str, str, str | None]]:
    """Return n (text, lang, municipality) questions built from entries' words, with noise."""
    rng = random.Random(seed + 1)
    entries = list(content.faq.values())
    out = []
    for _ in range(n):
        entry = rng.choice(entries)
        lang = rng.choice(list(entry.translations))
        text = entry.translations[lang]
        words = (rng.choice(text.questions) + " " + text.answer).replace("?", "").split()
        picked = rng.sample(words, min(len(words), rng.randint(2, 12)))
        picked = [typo(rng, w) if rng.random() < 0.15 else w for w in picked]
        if rng.random() < 0.2:
            picked.append("".join(rng.choices("bdfklmnprstvz", k=7)))
        municipality = None if entry.scope == "nrw" else entry.scope
        out.append((" ".join(picked) + "?", lang, municipality))
    return out


def main(argv: list[str] | None = None) -> int:
    """Build the synthetic store, time the engine and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--parser", choices=["libyaml", "pyyaml"], default="libyaml")
    args = parser.parse_args(argv)
    yamlio.USE_LIBYAML = args.parser == "libyaml" and yamlio.CParser is not None

    content = synthetic_content(args.entries, args.seed)
    docs = sum(len(e.translations) for e in content.faq.values())
    asked = questions(content, args.questions, args.seed)
    rss_content = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    files = yaml_files(content)
    count, size = len(files), sum(map(len, files.values())) / 1e6
    loading, loading_cpu = load(files, content)
    del files
    # wordfreq's lists are read once per process (about 2.5 s at the bot's start), not per build
    Meaning().warm(LEXICON_LANGUAGES)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, cpu = time.perf_counter(), time.process_time()
    engine = AnswerEngine(content)
    build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    gc.freeze()  # as the bot does once it has started (bot/app.py, run_bot)
    today = date(2027, 1, 1)
    times, kinds = [], {}
    for text, lang, municipality in asked:
        start = time.perf_counter()
        decision = engine.ask(text, lang, municipality, today)
        times.append((time.perf_counter() - start) * 1000)
        kinds[decision.kind] = kinds.get(decision.kind, 0) + 1
    times.sort()
    p50 = statistics.median(times)
    p99 = times[int(0.99 * (len(times) - 1))]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    parser_name = "LibYAML" if yamlio.USE_LIBYAML else "PyYAML's own parser"
    print(f"entries            {engine.entry_count} ({docs} documents in de/en/ar)")
    print(
        f"content load       {loading:.2f} s (CPU {loading_cpu:.2f} s; {size:.1f} MB of YAML in"
        f" {count} files, every check; {parser_name})"
    )
    print(f"index build        {build:.2f} s (CPU {build_cpu:.2f} s)")
    print(f"ask latency        p50 {p50:.2f} ms   p99 {p99:.2f} ms   max {times[-1]:.2f} ms")
    print(
        f"peak RSS           {rss:.0f} MB (the content alone {rss_content:.0f} MB,"
        f" after loading its YAML {rss_before:.0f} MB)"
    )
    print(f"decisions          {dict(sorted(kinds.items()))}")
    ok = loading <= 5 and build <= 3 and p99 <= 5 and rss <= 250
    print(
        "targets (load <= 5 s, build <= 3 s, p99 <= 5 ms, peak RSS <= 250 MB): "
        + ("met" if ok else "MISSED")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
