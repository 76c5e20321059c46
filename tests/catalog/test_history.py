"""An entry's history: find it, list and compare versions, roll back, hide, edit in the chat."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import delete

from bot.catalog import history
from bot.catalog.export import entry_to_dict
from bot.catalog.history import EditError
from bot.catalog.loader import ContentError, load_content
from bot.catalog.store import load_all, load_stored, save_content
from bot.config import load_settings
from bot.db.models import ContentEntryVersion
from bot.db.session import Database
from bot.services import bootstrap
from tests.catalog.conftest import ADMIN, FIXTURE

KOELN = frozenset({"koeln"})
BRUEHL = frozenset({"bruehl"})


def edit_error(call, *args, **kwargs) -> EditError:
    with pytest.raises(EditError) as caught:
        call(*args, **kwargs)
    return caught.value


def add_question(db: Database, text: str = "Ist Köln dabei?", **kwargs):
    with db.session() as session:
        return history.add_question(session, "koeln-buendnis", "de", text, ADMIN, **kwargs)


def test_find_gives_every_kind_with_the_id_also_removed_ones(seeded: Database):
    content = load_content(FIXTURE)
    contact = replace(content.contacts["koeln-ki"], id="koeln")
    with seeded.session() as session:
        save_content(session, replace(content, contacts={"koeln": contact}), origin="import")
    with seeded.session() as session:
        assert history.find(session, "koeln") == [
            ("municipalities", "koeln"),
            ("contacts", "koeln"),
        ]
        assert history.find(session, "koeln-ki") == [("contacts", "koeln-ki")]
        assert history.find(session, "nirgends") == []


def test_versions_are_listed_newest_first(seeded: Database):
    add_question(seeded)
    with seeded.session() as session:
        listed = history.versions(session, "faq", "koeln-buendnis")
    assert [(v.number, v.action, v.origin) for v in listed] == [
        (2, "changed", "edit"),
        (1, "added", "seed"),
    ]
    assert listed[0].author_id == ADMIN and not listed[0].removed


def test_last_changes_show_each_changed_field(seeded: Database):
    add_question(seeded)
    with seeded.session() as session:
        [change] = history.last_changes(session, "faq", "koeln-buendnis")
        assert history.last_changes(session, "faq", "gibt-es-nicht") == []
    assert change.path == ("de", "questions")
    assert change.after[-1] == "Ist Köln dabei?" and change.before == change.after[:-1]


def test_field_changes_put_german_first_and_mark_what_came_and_went():
    before = {"id": "x", "source": "A", "translations": {"de": {"answer": "alt"}, "en": {}}}
    after = {"id": "x", "translations": {"de": {"answer": "neu"}, "ar": {"answer": "جديد"}}}
    changes = history.field_changes(before, after)
    assert [(c.path, c.before, c.after) for c in changes] == [
        (("source",), "A", None),
        (("de", "answer"), "alt", "neu"),
        (("ar", "answer"), None, "جديد"),
    ]
    assert history.field_changes(after, after) == []


def test_rollback_makes_a_new_version_equal_to_an_old_one(seeded: Database):
    add_question(seeded)
    with seeded.session() as session:
        result = history.rollback(session, "faq", "koeln-buendnis", 1, ADMIN)
    assert result.changed
    with seeded.session() as session:
        assert (
            load_stored(session).faq["koeln-buendnis"]
            == load_content(FIXTURE).faq["koeln-buendnis"]
        )
        newest = history.versions(session, "faq", "koeln-buendnis")[0]
        assert (newest.number, newest.origin, newest.action) == (3, "rollback", "changed")
        [undone] = history.last_changes(session, "faq", "koeln-buendnis")
        assert undone.before[-1] == "Ist Köln dabei?" and undone.after == undone.before[:-1]


def test_rollback_restores_a_removed_entry_and_can_remove_it_again(seeded: Database):
    content = load_content(FIXTURE)
    with seeded.session() as session:
        save_content(session, replace(content, contacts={}), origin="import")
    with seeded.session() as session:
        history.rollback(session, "contacts", "koeln-ki", 1, ADMIN, areas=KOELN)
    with seeded.session() as session:
        assert load_stored(session).contacts == content.contacts
        history.rollback(session, "contacts", "koeln-ki", 2, ADMIN)
        assert load_stored(session).contacts == {}
        assert [v.action for v in history.versions(session, "contacts", "koeln-ki")] == [
            "removed",
            "added",
            "removed",
            "added",
        ]


def test_a_rollback_that_would_break_references_or_does_not_exist_is_refused(
    seeded: Database,
):
    content = load_content(FIXTURE)
    with seeded.session() as session:
        save_content(session, replace(content, offers={}, contacts={}), origin="import")
        save_content(
            session, replace(content, offers={}, contacts={}, programs={}, faq={}), origin="import"
        )
    with pytest.raises(ContentError) as caught, seeded.session() as session:
        history.rollback(session, "offers", "koeln-coaching-1", 1, ADMIN)
    assert caught.value.problems == [
        "<edit>:0: 'program' of 'koeln-coaching-1' refers to an unknown program "
        "'durchstarten-coaching'"
    ]
    with seeded.session() as session:
        error = edit_error(history.rollback, session, "offers", "koeln-coaching-1", 9, ADMIN)
        foreign = edit_error(history.rollback, session, "contacts", "koeln-ki", 1, ADMIN, BRUEHL)
    assert (error.code, error.params) == (
        "not_found",
        {"kind": "offers", "id": "koeln-coaching-1", "number": 9},
    )
    assert foreign.code == "not_yours"


def test_hiding_and_showing_an_entry(seeded: Database):
    with seeded.session() as session:
        assert history.set_hidden(session, "offers", "koeln-coaching-1", True, ADMIN, KOELN).changed
    with seeded.session() as session:
        assert "koeln-coaching-1" not in load_stored(session).offers
        assert load_all(session).offers["koeln-coaching-1"].hidden
        assert not history.set_hidden(session, "offers", "koeln-coaching-1", True, ADMIN).changed
        history.set_hidden(session, "offers", "koeln-coaching-1", False, ADMIN)
        assert "koeln-coaching-1" in load_stored(session).offers
        actions = [v.action for v in history.versions(session, "offers", "koeln-coaching-1")]
        assert actions == ["shown", "hidden", "added"]
        rolled = history.rollback(session, "offers", "koeln-coaching-1", 2, ADMIN)
        assert rolled.changed and "koeln-coaching-1" not in load_stored(session).offers


def test_hiding_is_refused_for_state_wide_kinds_other_areas_and_unknown_entries(
    seeded: Database,
):
    with seeded.session() as session:
        town = edit_error(history.set_hidden, session, "municipalities", "koeln", True, ADMIN)
        other = edit_error(
            history.set_hidden, session, "offers", "koeln-coaching-1", True, ADMIN, BRUEHL
        )
        nrw = edit_error(history.set_hidden, session, "faq", "durchstarten-wer", True, ADMIN, KOELN)
        unknown = edit_error(history.set_hidden, session, "faq", "nope", True, ADMIN)
    assert [town.code, other.code, nrw.code, unknown.code] == [
        "not_hideable",
        "not_yours",
        "not_yours",
        "not_found",
    ]


NEW_FAQ = {
    "id": "koeln-termine",
    "scope": "koeln",
    "translations": {"de": {"questions": ["Wann sind Termine?"], "answer": "Montags."}},
}


def test_put_entry_adds_and_replaces_an_entry(seeded: Database):
    with seeded.session() as session:
        result = history.put_entry(session, "faq", NEW_FAQ, ADMIN, areas=KOELN)
    assert result.changed
    with seeded.session() as session:
        history.set_hidden(session, "faq", "koeln-termine", True, ADMIN)
        changed = {**NEW_FAQ, "tags": ["termine"]}
        history.put_entry(session, "faq", changed, ADMIN, origin="unanswered", areas=KOELN)
        stored = load_all(session).faq["koeln-termine"]
        assert stored.tags == ("termine",) and stored.hidden
        assert entry_to_dict(stored)["hidden"] is True
        newest = history.versions(session, "faq", "koeln-termine")[0]
        assert (newest.number, newest.origin, newest.hidden) == (3, "unanswered", True)


def test_put_entry_refuses_invalid_entries_and_other_areas_with_renderable_problems(
    seeded: Database,
):
    bad = {**NEW_FAQ, "scope": "bonn", "valid_until": "morgen"}
    with pytest.raises(ContentError) as caught, seeded.session() as session:
        history.put_entry(session, "faq", bad, ADMIN)
    assert caught.value.render(lambda msgid, **p: f"«{msgid}»".format(**p), place=False) == [
        "«faq 'koeln-termine'»: «'valid_until' must be a date like 2027-12-31, not 'morgen'»"
    ]
    with pytest.raises(ContentError) as caught, seeded.session() as session:
        history.put_entry(session, "faq", NEW_FAQ, ADMIN, areas=BRUEHL)
    assert caught.value.render(lambda msgid, **p: msgid.format(**p), place=False) == [
        "faq 'koeln-termine': this entry belongs to 'koeln', which you do not administer"
    ]
    with pytest.raises(ContentError) as caught, seeded.session() as session:
        history.put_entry(session, "faq", {**NEW_FAQ, "scope": "bonn"}, ADMIN)
    assert "refers to an unknown municipality 'bonn'" in caught.value.problems[0]
    with seeded.session() as session:
        assert edit_error(history.put_entry, session, "news", NEW_FAQ, ADMIN).code == "unknown_kind"
        assert "koeln-termine" not in load_all(session).faq


def test_add_question_adds_a_way_of_asking_once(seeded: Database):
    assert add_question(seeded, "  Ist   Köln dabei? ").changed
    assert not add_question(seeded, "Ist Köln dabei?").changed
    with seeded.session() as session:
        text = load_stored(session).faq["koeln-buendnis"].translations["de"]
    assert text.questions[-1] == "Ist Köln dabei?" and len(text.questions) == 2


def test_add_question_needs_a_translation_an_entry_and_the_right_area(seeded: Database):
    with seeded.session() as session:
        no_text = edit_error(history.add_question, session, "koeln-buendnis", "ar", "?", ADMIN)
        unknown = edit_error(history.add_question, session, "nope", "de", "Frage", ADMIN)
        empty = edit_error(history.add_question, session, "koeln-buendnis", "de", "  ", ADMIN)
    assert (no_text.code, no_text.params) == ("no_translation", {"lang": "ar"})
    assert unknown.code == "not_found" and empty.code == "empty"
    assert edit_error(add_question, seeded, areas=BRUEHL).code == "not_yours"


def test_the_services_pick_up_a_change_at_once(database_url: str):
    settings = load_settings({"DATABASE_URL": database_url, "CONTENT_DIR": str(FIXTURE)})
    services = bootstrap(settings)
    with services.db.session() as session:
        history.set_hidden(session, "faq", "koeln-buendnis", True, None)
    reloaded = services.reload_content()
    assert reloaded is services.content and reloaded.version == 2
    assert "koeln-buendnis" not in services.content.faq
    services.db.dispose()


def test_restore_changes_show_what_a_rollback_would_change(seeded: Database):
    add_question(seeded)
    with seeded.session() as session:
        [change] = history.restore_changes(session, "faq", "koeln-buendnis", 1)
        assert history.restore_changes(session, "faq", "koeln-buendnis", 2) == []
        missing = edit_error(history.restore_changes, session, "faq", "koeln-buendnis", 3)
    assert change.path == ("de", "questions") and change.before[-1] == "Ist Köln dabei?"
    assert missing.code == "not_found"


def test_latest_data_and_known_include_removed_entries(seeded: Database):
    content = load_content(FIXTURE)
    with seeded.session() as session:
        save_content(session, replace(content, contacts={}), origin="import")
    with seeded.session() as session:
        assert history.latest_data(session, "contacts", "koeln-ki")["municipality"] == "koeln"
        assert history.latest_data(session, "contacts", "nope") is None
        assert history.known(session, "contacts") == [("contacts", "koeln-ki")]
        assert [i for _, i in history.known(session, "faq")] == sorted(content.faq)


def test_an_entry_stored_before_versions_were_kept_gets_a_baseline_first(seeded: Database):
    with seeded.session() as session:
        session.execute(delete(ContentEntryVersion))
    add_question(seeded)
    with seeded.session() as session:
        listed = history.versions(session, "faq", "koeln-buendnis")
        assert [(v.number, v.action, v.origin) for v in listed] == [
            (2, "changed", "edit"),
            (1, "added", "baseline"),
        ]
        assert history.versions(session, "faq", "durchstarten-wer") == []
        history.rollback(session, "faq", "koeln-buendnis", 1, ADMIN)
        assert load_stored(session).faq == load_content(FIXTURE).faq
