"""Admin uploads: read safely, scoped to the admin's municipalities, planned, then applied."""

from __future__ import annotations

import io
import struct
import textwrap
import tracemalloc
import zipfile
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.catalog import loader
from bot.catalog.export import export_yaml
from bot.catalog.loader import ContentError, load_content, parse_files, read_files
from bot.catalog.store import load_all, load_stored, save_content
from bot.catalog.upload import (
    MAX_FILES,
    UploadError,
    apply_plan,
    plan_upload,
    read_upload,
)
from bot.db.models import ContentEntryVersion
from bot.db.session import Database
from tests.catalog.conftest import ADMIN, FIXTURE

BRUEHL = b"""\
offers:
  - id: bruehl-kurs
    type: language_course
    municipality: bruehl
    translations: {de: {title: Kurs in Br\xc3\xbchl}}
"""
KOELN = frozenset({"koeln"})


def current():
    """The fixture content plus an offer in Brühl, as every stored entry."""
    return parse_files({**read_files(FIXTURE), "bruehl.yaml": BRUEHL})


def yaml_file(text: str) -> dict[str, bytes]:
    return {"upload.yaml": textwrap.dedent(text).encode()}


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refused(file_name: str, data: bytes) -> UploadError:
    with pytest.raises(UploadError) as caught:
        read_upload(file_name, data)
    return caught.value


def problems(files: dict[str, bytes], areas=KOELN) -> list[str]:
    with pytest.raises(ContentError) as caught:
        plan_upload(current(), files, areas)
    return caught.value.problems


# Reading


def test_a_yaml_file_is_read_as_it_is():
    assert read_upload("Angebote.YML", b"offers: []\n") == {"Angebote.YML": b"offers: []\n"}


def test_a_zip_gives_its_yaml_files_from_any_folder_and_ignores_the_rest():
    data = zipped(
        {
            "content/faq/a.yaml": b"faq: []\n",
            "content/b.yml": b"offers: []\n",
            "content/README.md": b"# notes\n",
            "__MACOSX/content/._b.yml": b"\x00\x05",
        }
    )
    assert read_upload("inhalt.zip", data) == {
        "content/faq/a.yaml": b"faq: []\n",
        "content/b.yml": b"offers: []\n",
    }


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("photo.jpg", b"\xff\xd8", "not_content"),
        ("inhalt.zip", b"PK\x03\x04 not really", "bad_zip"),
        ("inhalt.zip", zipped({"README.md": b"no yaml here"}), "no_yaml"),
        ("big.yaml", b"#" * (2 * 1024 * 1024 + 1), "too_large"),
        ("big.yaml", b"#" * (loader.MAX_FILE_BYTES + 1), "file_too_large"),
    ],
    ids=["wrong type", "bad zip", "no yaml", "too large", "yaml over the file limit"],
)
def test_an_upload_that_is_not_content_is_refused_with_a_code(name: str, data: bytes, code: str):
    assert refused(name, data).code == code


def test_a_zip_with_too_many_files_is_refused():
    data = zipped({f"f{i}.yaml": b"" for i in range(MAX_FILES + 1)})
    error = refused("many.zip", data)
    assert (error.code, error.params) == (
        "too_many_files",
        {"count": MAX_FILES + 1, "limit": MAX_FILES},
    )


def test_a_zip_bomb_is_stopped_while_unpacking_without_using_memory():
    bomb = zipped({"bomb.yaml": b" " * (64 * 1024 * 1024)})
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        error = refused("bomb.zip", bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (error.code, error.params["name"]) == ("file_too_large", "bomb.yaml")
    assert peak < 4 * loader.MAX_FILE_BYTES


@pytest.mark.parametrize(("claimed", "code"), [(100, "bad_zip"), (0xFFFFFFF0, "file_too_large")])
def test_a_zip_that_lies_about_its_sizes_is_refused(claimed: int, code: str):
    data = bytearray(zipped({"a.yaml": b" " * (3 * 1024 * 1024)}))
    central = data.rfind(b"PK\x01\x02")
    for offset in (22, central + 24):  # the uncompressed size, in both headers
        data[offset : offset + 4] = struct.pack("<I", claimed)
    assert refused("lies.zip", bytes(data)).code == code


def test_a_zip_that_unpacks_to_too_much_in_all_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(loader, "MAX_TOTAL_BYTES", 25_000)
    data = zipped({f"f{i}.yaml": b"#" * 10_000 for i in range(3)})
    assert refused("all.zip", data).code == "unpacks_too_large"


@pytest.mark.usefixtures("yaml_parser")
def test_unsafe_yaml_is_refused_with_file_and_line():
    lines = problems(
        {"evil.yaml": b"offers:\n  - !!python/object/apply:os.system ['echo hacked']\n"}
    )
    assert lines == [
        "evil.yaml:2: invalid YAML: unsafe or unknown YAML tag (only plain YAML is allowed)"
    ]


@pytest.mark.usefixtures("yaml_parser")
def test_an_alias_bomb_is_refused_before_it_expands():
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    levels += [
        f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    lines = problems({"lol.yaml": ("\n".join(levels) + "\n").encode()})
    assert lines == ["lol.yaml:1: invalid YAML: its aliases repeat more than 10000 values"]


@pytest.mark.usefixtures("yaml_parser")
def test_a_recursive_alias_and_deep_nesting_are_refused():
    assert problems({"self.yaml": b"faq: &x [*x]\n"}) == [
        "self.yaml:1: invalid YAML: an alias refers to itself"
    ]
    deep = problems({"deep.yaml": b"faq: " + b"[" * 1000 + b"]" * 1000})
    assert deep == ["deep.yaml:1: invalid YAML: it nests deeper than 64 levels"]


# Planning


def test_an_area_admin_may_refer_to_stored_entries():
    ok = yaml_file(
        """\
        offers:
          - id: koeln-sprachkurs
            type: language_course
            municipality: koeln
            program: durchstarten-coaching
            translations: {de: {title: Deutschkurs}}
        """
    )
    plan = plan_upload(current(), ok, KOELN)
    assert plan.without_removals.offers["koeln-sprachkurs"].program == "durchstarten-coaching"
    bad = {"upload.yaml": ok["upload.yaml"].replace(b"durchstarten-coaching", b"nope")}
    assert problems(bad) == [
        "upload.yaml:2: 'program' of 'koeln-sprachkurs' refers to an unknown program 'nope'"
    ]


def test_entries_outside_the_admins_municipalities_are_refused_with_file_and_line():
    lines = problems(
        yaml_file(
            """\
            municipalities:
              - {id: bonn, name: Bonn}
            faq:
              - id: fuer-alle
                scope: nrw
                translations: {de: {questions: [Wer darf mitmachen], answer: Alle.}}
            offers:
              - id: bruehl-neu
                type: coaching
                municipality: bruehl
                translations: {de: {title: Coaching}}
              - id: bruehl-kurs
                type: coaching
                municipality: koeln
                translations: {de: {title: Umgezogen}}
            """
        )
    )
    assert lines == [
        "upload.yaml:2: municipality 'bonn': "
        "only state-wide admins may change municipalities and programs",
        "upload.yaml:4: faq 'fuer-alle': "
        "this entry is for all of NRW; only state-wide admins may change it",
        "upload.yaml:8: offer 'bruehl-neu': "
        "this entry belongs to 'bruehl', which you do not administer",
        "upload.yaml:12: offer 'bruehl-kurs': "
        "the id is already used by an entry of 'bruehl', which you cannot change",
    ]


def test_a_superadmin_may_upload_everything():
    plan = plan_upload(current(), {"bruehl.yaml": BRUEHL.replace(b"Kurs in", b"Neu in")}, None)
    assert plan.changes["offers"].changed == ("bruehl-kurs",)


CHANGED = """\
offers:
  - id: koeln-coaching-1
    type: coaching
    municipality: koeln
    translations: {de: {title: Coaching Köln (neu)}}
"""
KOELN_OFFERS = (
    CHANGED
    + """\
  - id: koeln-kurs
    type: language_course
    municipality: koeln
    translations: {de: {title: Deutschkurs}}
"""
)


SAME_FAQ = """\
faq:
  - id: koeln-buendnis
    scope: koeln
    tags: [koeln]
    source: "Anlage 1"
    translations:
      de:
        questions: ["Seit wann macht Köln bei Gemeinsam klappt’s mit?"]
        answer: Köln hat im Oktober 2018 sein Interesse erklärt.
"""


def test_the_plan_counts_what_is_added_changed_and_removed_per_kind():
    files = yaml_file(KOELN_OFFERS + "contacts: []\n")
    files["same.yaml"] = SAME_FAQ.encode()
    plan = plan_upload(current(), files, KOELN)
    assert set(plan.changes) == {"faq", "offers", "contacts"}
    assert plan.changes["offers"].added == ("koeln-kurs",)
    assert plan.changes["offers"].changed == ("koeln-coaching-1",)
    assert plan.changes["offers"].removed == ()
    assert plan.changes["contacts"].removed == ("koeln-ki",)
    assert plan.changes["faq"] == type(plan.changes["faq"])()  # the same FAQ: no change
    assert plan.changed and plan.removes


def test_removals_stay_within_the_admins_municipalities():
    plan = plan_upload(current(), yaml_file("offers: []\n"), KOELN)
    assert plan.changes["offers"].removed == ("koeln-coaching-1",)
    assert set(plan.with_removals.offers) == {"bruehl-kurs"}
    assert set(plan.without_removals.offers) == {"koeln-coaching-1", "bruehl-kurs"}
    assert set(plan.without_removals.municipalities) == set(current().municipalities)


def test_removals_that_break_references_are_not_offered():
    text = "municipalities:\n  - {id: koeln, name: Köln, kreis: null, alliance: true}\n"
    plan = plan_upload(current(), yaml_file(text), None)
    assert plan.with_removals is None
    assert plan.changes["municipalities"].removed == (
        "beispielstadt",
        "bruehl",
        "rhein-erft-kreis",
    )
    broken = [p.render() for p in plan.removal_problems]
    assert any("'municipality' of 'bruehl-kurs' refers to an unknown" in p for p in broken)
    assert plan.without_removals.municipalities["koeln"].coordinator is None


def test_an_upload_keeps_hidden_entries_hidden_unless_it_says_otherwise():
    hidden = current()
    hidden = replace(
        hidden, contacts={"koeln-ki": replace(hidden.contacts["koeln-ki"], hidden=True)}
    )
    contacts = read_files(FIXTURE)["more/faq.yaml"].split(b"contacts:")[1]
    same = plan_upload(hidden, {"c.yaml": b"contacts:" + contacts}, KOELN)
    assert same.changes["contacts"] == type(same.changes["contacts"])()
    shown = contacts.replace(b"- id: koeln-ki\n", b"- id: koeln-ki\n    hidden: false\n")
    plan = plan_upload(hidden, {"c.yaml": b"contacts:" + shown}, KOELN)
    assert plan.changes["contacts"].changed == ("koeln-ki",)


@pytest.mark.parametrize("areas", [None, KOELN], ids=["superadmin", "area admin"])
def test_uploading_an_export_changes_nothing(areas):
    hidden = current()
    hidden = replace(
        hidden,
        offers={**hidden.offers, "bruehl-kurs": replace(hidden.offers["bruehl-kurs"], hidden=True)},
    )
    exported = export_yaml(hidden, areas)
    assert (b"hidden: true" in exported) is (areas is None)
    plan = plan_upload(hidden, {"export.yaml": exported}, areas)
    assert not plan.changed and not plan.removes


# Applying


def test_a_plan_is_applied_with_or_without_removals(seeded: Database):
    with seeded.session() as session:
        plan = plan_upload(load_all(session), yaml_file(CHANGED), KOELN)
    with seeded.session() as session:
        result = apply_plan(session, plan, remove=False, author_id=ADMIN)
    assert result.changed and result.version == 2
    with seeded.session() as session:
        assert load_stored(session).offers["koeln-coaching-1"].translations["de"]["title"] == (
            "Coaching Köln (neu)"
        )
        version = session.scalars(
            select(ContentEntryVersion).filter_by(entry_id="koeln-coaching-1", number=2)
        ).one()
        assert (version.origin, version.author_id, version.action) == ("upload", ADMIN, "changed")
        plan = plan_upload(load_all(session), yaml_file("contacts: []\n"), KOELN)
        apply_plan(session, plan, remove=True, author_id=ADMIN)
        assert "koeln-ki" not in load_all(session).contacts


def test_a_stale_plan_is_refused(seeded: Database):
    with seeded.session() as session:
        plan = plan_upload(load_all(session), yaml_file(KOELN_OFFERS), KOELN)
    smaller = load_content(FIXTURE)
    with seeded.session() as session:
        save_content(session, replace(smaller, contacts={}), origin="import")
    with pytest.raises(UploadError) as caught, seeded.session() as session:
        apply_plan(session, plan, remove=False, author_id=ADMIN)
    assert caught.value.code == "stale"


def test_removals_that_break_references_cannot_be_applied(seeded: Database):
    text = "municipalities:\n  - {id: beispielstadt, name: Beispielstadt}\n"
    with seeded.session() as session:
        plan = plan_upload(load_all(session), yaml_file(text), None)
    with pytest.raises(UploadError) as caught, seeded.session() as session:
        apply_plan(session, plan, remove=True, author_id=ADMIN)
    assert caught.value.code == "removals_break_references"
    with seeded.session() as session:
        assert apply_plan(session, plan, remove=False, author_id=ADMIN).changed


def test_an_upload_is_applied_all_or_nothing(seeded: Database):
    with seeded.session() as session:
        plan = plan_upload(load_all(session), yaml_file(KOELN_OFFERS), KOELN)
    with pytest.raises(RuntimeError), seeded.session() as session:
        apply_plan(session, plan, remove=True, author_id=ADMIN)
        raise RuntimeError("the chat went away before the commit")
    with seeded.session() as session:
        stored = load_all(session)
        assert stored.version == 1
        assert stored.offers == load_content(FIXTURE).offers
