"""Uploads with values YAML can write but Lotse cannot read or keep: each is one problem.

Impossible dates, numbers too long for Python or too large for the database, infinities,
texts the database cannot hold, non-plain YAML types, nesting and alias bombs, bytes that
are not UTF-8, tabs, duplicate keys and odd zip members: read_upload and plan_upload
answer each with `file:line: what is wrong` (a ContentError or an UploadError) and never
with another exception, so the admin gets a clear answer and nothing is applied.
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.catalog.loader import parse_files, read_files
from bot.catalog.problems import ContentError
from bot.catalog.store import load_all
from bot.catalog.upload import UploadError, apply_plan, plan_upload, read_upload
from bot.db.models import ContentVersion
from bot.db.session import Database
from tests.catalog.conftest import ADMIN, FIXTURE

FAQ = """\
faq:
  - id: koeln-neu
    scope: koeln
    valid_until: {value}
    translations:
      de:
        questions: ["Eine neue Frage?"]
        answer: Eine Antwort.
"""
OFFER = """\
offers:
  - id: koeln-kurs
    type: language_course
    municipality: koeln
    {field}: {value}
    translations: {{de: {{title: Kurs}}}}
"""
KOELN = frozenset({"koeln"})
#: Each upload is refused alike by both YAML parsers (see tests/catalog/conftest).
pytestmark = pytest.mark.usefixtures("yaml_parser")


@cache
def current():
    return parse_files(read_files(FIXTURE))


def upload_problems(name: str, data: bytes, areas: frozenset[str] | None = KOELN) -> list[str]:
    """Read and plan an upload that must be refused; return its problems (file:line: ...)."""
    with pytest.raises(ContentError) as caught:
        plan_upload(current(), read_upload(name, data), areas)
    return caught.value.problems


def faq_with(value: str) -> bytes:
    return FAQ.format(value=value).encode()


def offer_with(field: str, value: str) -> bytes:
    return OFFER.format(field=field, value=value).encode()


HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (faq_with("2027-02-30"), "u.yaml:4: '2027-02-30' is not a real date"),
        (faq_with("9999-99-99"), "u.yaml:4: '9999-99-99' is not a real date"),
        (faq_with("0000-01-01"), "u.yaml:4: '0000-01-01' is not a real date"),
        (faq_with("2027-02-30 10:00:00"), "u.yaml:4: '2027-02-30 10:00:00' is not a real date"),
        (faq_with("2027-01-01T10:00:00+99:00"), "u.yaml:4: '2027-01-01T10:00:00+99:00' is not"),
        (faq_with("!!timestamp soon"), "u.yaml:4: 'soon' is not a real date"),
        (
            faq_with("2027-01-01 10:00:00"),
            "u.yaml:4: faq 'koeln-neu': 'valid_until' must be a date like 2027-12-31, "
            "not '2027-01-01 10:00:00'",
        ),
        (offer_with("capacity", HUGE), f"u.yaml:5: '{HUGE}' is not a number Lotse can keep"),
        (offer_with("capacity", "0x" + "f" * 5000), "u.yaml:5: '0xfff"),
        (offer_with("capacity", "9007199254740993"), "u.yaml:5: '9007199254740993' is not a"),
        (offer_with("capacity", "1" + ":59" * 3000), "u.yaml:5: '1:59:59"),
        (offer_with("capacity", "1000001"), "u.yaml:5: offer 'koeln-kurs': 'capacity' must be"),
        (offer_with("capacity", "!!int zwölf"), "u.yaml:5: 'zwölf' is not a number Lotse"),
        (offer_with("geo", "[.inf, 6.9]"), "u.yaml:5: '.inf' is not a number Lotse can keep"),
        (offer_with("geo", "[1.0e+999, 6.9]"), "u.yaml:5: '1.0e+999' is not a number Lotse"),
        (offer_with("geo", "[.nan, 6.9]"), "u.yaml:5: '.nan' is not a number Lotse can keep"),
        (offer_with("provider", "-.inf"), "u.yaml:5: '-.inf' is not a number Lotse can keep"),
        (offer_with("provider", '"a\\0b"'), "u.yaml:5: the text 'a\x00b' holds a character"),
        (offer_with("provider", '"\\ud800"'), "u.yaml:5: the text '\ud800' holds a character"),
        (offer_with("provider", "!!bool vielleicht"), "u.yaml:5: 'vielleicht' cannot be read"),
        (offer_with("provider", "!!binary aGFsbG8="), "u.yaml:5: invalid YAML: unsafe or"),
        (offer_with("provider", "!!set {a, b}"), "u.yaml:5: invalid YAML: unsafe or unknown"),
        (offer_with("extra", "!!omap [a: 1]"), "u.yaml:5: invalid YAML: unsafe or unknown"),
        (b"faq:\n  - id: " + b"a" * 65 + b"\n", "u.yaml:2: faq '" + "a" * 65 + "': id '"),
        (b"faq:\n\t- id: x\n", "u.yaml:2: invalid YAML: while scanning for the next token"),
        (b"faq: []\nfaq: []\n", "u.yaml:2: invalid YAML: the key 'faq' appears twice"),
        (b"faq: []\n\xff\xfe\n", "u.yaml:2: not UTF-8 text (byte 8)"),
        ("faq: []\n".encode("utf-16"), "u.yaml:1: not UTF-8 text (byte 0)"),
        (b"faq: " + b"[" * 5000 + b"]" * 5000, "u.yaml:1: invalid YAML: it nests deeper than"),
        (b"a: &a [x]\nb: &b [*b]\n", "u.yaml:2: invalid YAML: an alias refers to itself"),
    ],
    ids=lambda value: value[:30] if isinstance(value, str) else None,
)
def test_a_value_lotse_cannot_read_or_keep_is_one_problem_at_its_line(data: bytes, problem: str):
    problems = upload_problems("u.yaml", data)
    assert len(problems) == 1, problems
    assert problems[0].startswith(problem), problems


PROGRAM = """\
programs:
  - id: p
    audience: person
    source: Anlage 1
    translations: {{de: {{title: Programm}}}}
    eligibility: {{all: [{rule}]}}
"""


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("{fact: [age]}", "unknown fact '['age']'"),
        ("{fact: {a: 1}}", "unknown fact '{'a': 1}'"),
        ("{fact: municipality, equals: [koeln]}", "unknown value '['koeln']' for 'municipality'"),
        ("{fact: municipality, in: [[1], {a: b}]}", "unknown value '[1]' for 'municipality'"),
    ],
)
def test_an_eligibility_rule_with_lists_where_words_belong_is_refused(rule: str, problem: str):
    [found, *_] = upload_problems("p.yaml", PROGRAM.format(rule=rule).encode(), areas=None)
    assert found.startswith("p.yaml:6: program 'p' eligibility: " + problem), found


def test_a_billion_laughs_is_one_problem_not_a_billion_values():
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    assert upload_problems("lol.yaml", "\n".join(levels).encode()) == [
        "lol.yaml:1: invalid YAML: its aliases repeat more than 10000 values"
    ]


@pytest.mark.parametrize(
    ("first", "link"), [("[x]", "[*a{n}]"), ("{x: 1}", "{{<<: *a{n}}}")], ids=["lists", "merges"]
)
def test_a_long_chain_of_aliases_is_refused_before_it_can_recurse(first: str, link: str):
    chain = [f"- &a0 {first}"] + [f"- &a{n + 1} " + link.format(n=n) for n in range(5000)]
    assert upload_problems("chain.yaml", ("faq:\n" + "\n".join(chain)).encode()) == [
        "chain.yaml:1: invalid YAML: its aliases repeat more than 10000 values"
    ]


def test_a_language_code_the_database_cannot_keep_is_refused():
    data = textwrap.dedent(
        """\
        contacts:
          - id: koeln-hilfe
            municipality: koeln
            translations:
              de: {title: Hilfe}
              abc-defghijk: {title: Help}
        """
    ).encode()
    assert upload_problems("c.yaml", data) == [
        "c.yaml:6: contact 'koeln-hilfe': 'abc-defghijk' is not a language code"
    ]


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_odd_zip_members_are_named_in_their_problems_or_refuse_the_zip():
    members = {
        "../../etc/faq.yaml": b"faq: [1]\n",
        "\u202eevil.yaml": faq_with("2027-02-30"),
        "inner.zip": zipped({"x.yaml": b"faq: []\n"}),
    }
    problems = upload_problems("odd.zip", zipped(members))
    assert problems == [
        "../../etc/faq.yaml:1: every faq entry must be a mapping",
        "\u202eevil.yaml:4: '2027-02-30' is not a real date",
    ]
    data = bytearray(zipped({"x.yaml": b"faq: []\n" * 500}))
    data[40:80] = b"\x00" * 40  # the compressed bytes of the member
    with pytest.raises(UploadError) as caught:
        read_upload("broken.zip", bytes(data))
    assert caught.value.code == "bad_zip"


def test_a_byte_order_mark_at_the_start_is_fine_and_the_upload_can_be_stored(seeded: Database):
    data = "\ufeff".encode() + faq_with("2027-12-31")
    with seeded.session() as session:
        stored = load_all(session)
    assert stored is not None
    plan = plan_upload(stored, read_upload("bom.yaml", data), KOELN)
    assert plan.changes["faq"].added == ("koeln-neu",)
    with seeded.session() as session:
        apply_plan(session, plan, remove=False, author_id=ADMIN)
    with seeded.session() as session:
        again = load_all(session)
        versions = session.scalar(select(func.count()).select_from(ContentVersion))
    assert again is not None and str(again.faq["koeln-neu"].valid_until) == "2027-12-31"
    assert versions == 2


def test_extension_keys_with_dates_and_large_numbers_are_stored_and_read_back(seeded: Database):
    data = offer_with("notes", "{since: 2026-01-31, id: 9007199254740992, at: 2026-01-31 10:00:00}")
    with seeded.session() as session:
        stored = load_all(session)
    assert stored is not None
    plan = plan_upload(stored, read_upload("x.yaml", data), KOELN)
    with seeded.session() as session:
        apply_plan(session, plan, remove=False, author_id=ADMIN)
    with seeded.session() as session:
        again = load_all(session)
    assert again is not None
    assert dict(again.offers["koeln-kurs"].extra["notes"]) == {
        "since": "2026-01-31",
        "id": 9007199254740992,
        "at": "2026-01-31T10:00:00",
    }


#: Pieces of YAML that have broken readers: spliced anywhere into a valid file.
SPLICES = (
    "2027-02-30", "9999-99-99", "2027-01-01T25:00:00", "0000-00-00", HUGE, "0x" + "f" * 100,
    "1:2:3:4", ".inf", "-.nan", "1.0e+999", "!!binary x", "!!timestamp x", "!!int x",
    "!!float x", "!!bool x", "!!set {a}", "!!omap [a: 1]", "!!python/object:os.system",
    "&a", "*a", "<<: *a", "\t", "\x00", "\ufeff", "\u202e", "{", "}", "[", "]", ":", "- ",
    "? ", "|", ">", '"\\ud800"', '"\\0"', "'", '"', "#", "%YAML 1.1\n---\n", "---\n", "...\n",
    "~", "\n", "\n  ", "id: x", "faq:", "[[[[[[[[", "\xff",
)  # fmt: skip


@settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the parser, the same for all
)
@given(st.lists(st.tuples(st.integers(0, 400), st.sampled_from(SPLICES)), min_size=1, max_size=4))
def test_any_splice_of_tricky_yaml_into_a_valid_upload_gives_problems_not_a_crash(splices):
    text = faq_with("2027-12-31").decode()
    for position, piece in splices:
        text = text[:position] + piece + text[position:]
    try:
        plan_upload(current(), read_upload("u.yaml", text.encode("utf-8", "surrogatepass")), KOELN)
    except ContentError as error:
        assert error.problems and all(p.startswith("u.yaml:") for p in error.problems)
