"""The guided editor's core: field parsers, id suggestions and the draft (no Telegram)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.admin import editor as e
from bot.catalog.export import entry_to_dict
from bot.catalog.problems import ContentError
from bot.catalog.schema import Content

KOELN = {"koeln": "Köln"}


@pytest.mark.parametrize(
    ("field", "typed", "value"),
    [
        (e.CAPACITY, " 12 ", 12),
        (e.CAPACITY, "0", 0),
        (e.MIN_AGE, "18", 18),
        (e.ID, "Koeln-WBS", "koeln-wbs"),
        (e.TYPE, "Coaching", "coaching"),
        (e.STARTS, "1.2.2027", "2027-02-01"),
        (e.STARTS, "2027-02-01", "2027-02-01"),
        (e.SPOKEN, "de, AR;fa", ["de", "ar", "fa"]),
        (e.STATUS, "duldung, Gestattung, duldung", ["duldung", "gestattung"]),
        (e.QUESTIONS, "Wer, wann, wo?\n\n  Wie   geht das? ", ["Wer, wann, wo?", "Wie geht das?"]),
        (e.ANSWER, "Zeile 1  \nZeile 2\n\n\n\nZeile 3", "Zeile 1\nZeile 2\n\nZeile 3"),
        (e.PROVIDER, "  Beispiel   Träger ", "Beispiel Träger"),
        (e.SCOPE, "köln", "koeln"),
        (e.SCOPE, "KOELN", "koeln"),
    ],
)
def test_a_field_parses_what_it_accepts(field: e.Field, typed: str, value: object) -> None:
    assert e.parse(field, typed, KOELN) == value


@pytest.mark.parametrize(
    ("field", "typed", "code"),
    [
        (e.CAPACITY, "viele", "not_number"),
        (e.CAPACITY, "-3", "out_of_range"),
        (e.CAPACITY, "12.5", "not_number"),
        (e.MAX_AGE, "200", "out_of_range"),
        (e.ID, "koeln mein eintrag", "not_slug"),
        (e.ID, "köln-wbs", "not_slug"),
        (e.ID, "a" * 61, "too_long"),
        (e.TYPE, "kurs", "not_choice"),
        (e.STARTS, "31.02.2027", "not_date"),
        (e.STARTS, "morgen", "not_date"),
        (e.SPOKEN, "de, Deutsch und Arabisch", "bad_item"),
        (e.STATUS, "duldung, asyl", "bad_item"),
        (e.QUESTIONS, "\n".join(f"Frage {n}?" for n in range(11)), "too_many"),
        (e.TITLE, "x" * 301, "too_long"),
        (e.TITLE, "   ", "required"),
        (e.SCOPE, "bonn", "unknown_place"),
    ],
)
def test_a_field_refuses_what_it_does_not_accept_with_a_code(
    field: e.Field, typed: str, code: str
) -> None:
    with pytest.raises(e.Invalid) as refused:
        e.parse(field, typed, KOELN)
    assert refused.value.code == code


def test_ids_are_suggested_from_the_title_with_the_municipality_first() -> None:
    title = "Wo bekomme ich in Köln einen Wohnberechtigungsschein?"
    assert e.suggest_id(title, "koeln", set()) == "koeln-bekomme-wohnberechtigungsschein"
    assert e.suggest_id("Gilt das überall?", "nrw", set()) == "gilt-ueberall"
    assert e.suggest_id("Gilt das überall?", None, {"gilt-ueberall"}) == "gilt-ueberall-2"
    assert e.suggest_id("Wie geht das?", "koeln", set(), "offers") == "koeln-offer"
    long = e.suggest_id("Sprachkurs " * 20, "rhein-sieg-kreis", set())
    assert long.startswith("rhein-sieg-kreis-sprachkurs") and len(long) <= 48


def test_a_municipal_admin_may_choose_only_own_places_a_superadmin_also_nrw() -> None:
    names = {"koeln": "Köln", "bonn": "Bonn"}
    assert e.places_for("faq", frozenset({"koeln"}), names) == {"koeln": "Köln"}
    assert list(e.places_for("faq", None, names)) == ["nrw", "bonn", "koeln"]
    assert list(e.places_for("offers", None, names)) == ["bonn", "koeln"]


def test_a_new_faq_draft_asks_german_first_and_builds_the_contract_form() -> None:
    draft = e.start("faq", "abc123", KOELN, {"koeln-alt"})
    asked = [(s.field.key, s.lang) for s in e.steps(draft)]
    assert asked == [
        ("questions", "de"),
        ("answer", "de"),
        ("id", None),
        ("source", None),
        ("valid_until", None),
    ]  # the only place is set, not asked
    draft = e.put(draft, ["Wo ist die Ausländerbehörde?"])
    draft = e.put(draft, "So.")
    assert e.proposal(draft, e.steps(draft)[2]) == "koeln-auslaenderbehoerde"
    with pytest.raises(e.Invalid, match="taken"):
        e.put(draft, "koeln-alt")
    draft = e.put(e.put(e.put(draft, "koeln-wie"), None), None)
    assert draft.step == len(e.steps(draft))  # the language question
    assert e.build(draft) == {
        "scope": "koeln",
        "translations": {"de": {"questions": ["Wo ist die Ausländerbehörde?"], "answer": "So."}},
        "id": "koeln-wie",
    }
    assert e.entry_of(draft).translations["de"].title == "Wo ist die Ausländerbehörde?"


def test_a_language_added_at_the_end_is_asked_and_can_be_skipped_whole() -> None:
    draft = e.start("contacts", "abc123", KOELN, set(), {"role": "jobcenter"})
    draft = replace(draft, step=len(e.steps(draft)))
    english = e.add_language(draft, "en")
    step = e.steps(english)[english.step]
    assert (step.field.key, step.lang) == ("title", "en")
    titled = e.put(english, "Job centre")
    assert e.put(titled, "Work and money.").raw["translations"]["en"]["title"] == "Job centre"
    skipped = e.put(english, None)  # a required text of an added language: no such language
    assert skipped.extra == () and skipped.step == len(e.steps(skipped))


def test_editing_keeps_what_is_not_asked_and_the_id(shipped_content: Content) -> None:
    offer = shipped_content.offers["koeln-coaching-kalk"]
    draft = e.start("offers", "abc123", KOELN, {offer.id}, entry_to_dict(offer), editing=True)
    assert "id" not in [s.field.key for s in e.steps(draft)]
    capacity = [s.field.key for s in e.steps(draft)].index("capacity")
    draft = e.put(replace(draft, step=capacity), 3)
    built = e.build(draft)
    assert built["capacity"] == 3 and built["geo"] == list(offer.geo)
    assert built["translations"]["ar"] == dict(offer.translations["ar"])
    assert e.entry_of(draft) == replace(offer, capacity=3, hidden=None)


def test_a_problem_points_back_at_the_field_it_is_about() -> None:
    draft = e.start("offers", "abc123", KOELN, set(), {"type": "coaching"})
    draft = e.put(draft, "coaching")
    draft = e.put(draft, "Coaching")  # the German title; no id yet
    with pytest.raises(ContentError) as broken:
        e.entry_of(draft)
    [problem] = broken.value.items
    assert e.steps(draft)[e.step_of(draft, problem)].field.key == "id"
    texts = {"de": {"title": "Coaching"}, "en": {"description": "Only a description."}}
    raw = {"id": "koeln-c", "type": "coaching", "translations": texts}
    draft = e.start("offers", "abc123", KOELN, set(), raw, extra=("en",))
    with pytest.raises(ContentError) as broken:
        e.entry_of(draft)
    [problem] = broken.value.items
    step = e.steps(draft)[e.step_of(draft, problem)]
    assert (step.field.key, step.lang) == ("title", "en")


def test_a_contact_for_all_of_nrw_is_stored_without_a_municipality() -> None:
    places = e.places_for("contacts", None, KOELN)
    draft = e.put(e.start("contacts", "abc123", places, set()), e.NRW)
    assert draft.area is None and "municipality" not in e.build(draft)
    stored = {"id": "lotse-hotline", "translations": {"de": {"title": "Hotline"}}}
    edited = e.start("contacts", "abc123", places, set(), stored, editing=True)
    assert e.current(edited, e.Step(e.TOWN)) == e.NRW  # shown as "all of NRW", with Keep
    assert e.build(edited) == stored


def test_a_required_field_cannot_be_skipped() -> None:
    draft = e.start("faq", "abc123", KOELN, set())
    with pytest.raises(e.Invalid, match="required"):
        e.put(draft, None)
