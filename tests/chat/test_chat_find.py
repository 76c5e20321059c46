"""/find, the search for local offers, through the real Application (see bot/matching/find.mmd)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from flows import KALK, STALE, kept, to_list
from sqlalchemy import inspect

from bot.db.models import OfferMiss
from bot.eligibility.engine import Facts
from bot.i18n import RLM, translator
from bot.matching.asking import hand_over
from bot.matching.handlers import GROUP, KEY
from bot.matching.stats import miss_counts
from bot.services import Services


def say(lang: str, message: str, **params: Any) -> str:
    return translator(lang)(message, **params)


def title(services: Services, offer: str, lang: str = "de") -> str:
    texts = services.content.offers[offer].translations
    return (texts.get(lang) or texts["de"])["title"]


@pytest.fixture
def find_chat(timed_chat):
    return timed_chat


async def test_a_search_by_buttons_in_german_lists_the_offers_that_fit(
    find_chat, services: Services
) -> None:
    chat = await find_chat("de")
    [kinds] = await chat.send("/find")
    assert len(kinds.buttons) == 7 + 2  # every type, "any", cancel
    [place] = await chat.press(data="S:0:t:coaching")
    assert place.edited and place.labels[0] == "📍 Köln"
    await chat.press("📍 Köln")
    [status] = await chat.send("23")
    assert {"Gestattung", "Duldung"} <= set(status.labels)
    await chat.press("Duldung")
    [ticked] = await chat.press(data="S:4:g:ar")
    assert any(label.startswith("✓ ") for label in ticked.labels)
    [listed] = await chat.press(data="S:4:d")
    assert listed.edited
    offers = [label for label, data in listed.buttons if data.startswith("S:o:")]
    assert offers == [f"{title(services, KALK)} · Köln"]  # Ehrenfeld is full: never listed
    assert ("S:o:" + KALK) in [data for _, data in listed.buttons]


async def test_a_search_in_english_names_every_step_and_the_count(
    find_chat, services: Services
) -> None:
    chat = await find_chat("en")
    [kinds] = await chat.send("/find")
    assert "What kind of offer are you looking for?" in kinds.text
    assert "coaching" in kinds.labels and "✳️ Any kind of offer" in kinds.labels
    [place] = await chat.press("coaching")
    assert "Where should the offer be?" in place.text
    [age] = await chat.press("📍 Köln")
    assert "How old is the person?" in age.text and "◀ Back" in age.labels
    [status] = await chat.send("23")
    assert "Which residence status does the person have?" in status.text
    [langs] = await chat.press("🤷 I don't know")
    assert "Which languages does the person speak?" in langs.text
    assert {"Arabic", "Persian", "German"} <= set(langs.labels)
    [listed] = await chat.press("Done")
    assert "offers fit:" in listed.text or "1 offer fits:" in listed.text
    assert f"{title(services, KALK, 'en')} · Köln" in listed.labels


async def test_a_search_in_farsi_is_right_to_left(find_chat) -> None:
    chat = await find_chat("fa")
    [kinds] = await chat.send("/find")
    assert kinds.html.startswith(RLM)
    listed = await to_list(chat)
    assert all(line.startswith(RLM) for line in listed.html.split("\n") if line)


async def test_a_shared_location_searches_around_it_with_distances(find_chat) -> None:
    chat = await find_chat("en", municipality=None)
    await chat.send("/find")
    await chat.press(data="S:0:t:coaching")
    location = {"location": {"latitude": 50.94, "longitude": 7.0}}
    [age] = await chat.process(chat.updates.other(**location))
    assert "How old is the person?" in age.text
    await chat.send("23")
    await chat.press(data="S:3:s:duldung")
    [listed] = await chat.press(data="S:4:d")
    kalk = next(label for label, data in listed.buttons if data == "S:o:" + KALK)
    assert kalk.endswith(" · 0 km") or kalk.endswith(" · 1 km")


async def test_the_list_is_paged_five_at_a_time(find_chat) -> None:
    chat = await find_chat("en")
    listed = await to_list(chat, kind=None, age="I don't know", status=None, langs=())
    offers = [d for _, d in listed.buttons if d.startswith("S:o:")]
    assert len(offers) == 5 and "1/2" in listed.labels
    [second] = await chat.press("▶")
    assert second.edited and "2/2" in second.labels
    more = [d for _, d in second.buttons if d.startswith("S:o:")]
    assert 1 <= len(more) <= 5 and not set(more) & set(offers)


async def test_an_offer_card_shows_every_field_and_its_venue(find_chat, services) -> None:
    chat = await find_chat("en")
    await to_list(chat)
    [card] = await chat.press(data="S:o:" + KALK)
    assert card.edited
    offer = services.content.offers[KALK]
    for text in (
        title(services, KALK, "en"),
        offer.provider,
        offer.address,
        offer.translations["en"]["schedule"],
        offer.contact["phone"],
        offer.contact["email"],
        "Places left: 15 of 15",
        "Dec 31, 2027",
        "Start: already running",
        "Arabic",
        "It is the kind of offer you are looking for.",
        "It is held in Arabic.",
    ):
        assert text in card.text, text
    [venue] = chat.request.of("sendVenue")
    assert (venue["latitude"], venue["longitude"]) == offer.geo
    assert card.labels == ["◀ Back to the list"]
    [back] = await chat.press("Back to the list")
    assert back.edited and ("S:o:" + KALK) in [d for _, d in back.buttons]


async def test_a_card_in_a_language_without_translation_falls_back_to_german(
    find_chat, services
) -> None:
    chat = await find_chat("uk")
    await to_list(chat)
    [card] = await chat.press(data="S:o:" + KALK)
    if "uk" not in services.content.offers[KALK].translations:
        assert title(services, KALK, "de") in card.text
        assert (
            say("uk", "There is no translation of this offer yet, so it is shown in German.")
            in card.text
        )


async def test_nothing_fits_says_why_offers_alternatives_and_counts_the_miss(
    find_chat, services
) -> None:
    chat = await find_chat("en", municipality="bielefeld")
    listed = await to_list(chat, kind="coaching", age="20", status="gestattung", langs=())
    assert "No coaching in Bielefeld for Gestattung right now." in listed.text
    alternatives = [d for _, d in listed.buttons if d.startswith("S:o:")]
    assert "S:o:kreis-guetersloh-coaching-1" in alternatives
    [card] = await chat.press(data="S:o:kreis-guetersloh-coaching-1")
    assert title(services, "kreis-guetersloh-coaching-1", "en") in card.text
    with services.db.session() as session:
        counts = miss_counts(session)
    [(key, count)] = counts.items()
    assert key[1:] == ("bielefeld", "coaching", "gestattung", "18-21") and count == 1
    columns = set(inspect(OfferMiss).columns.keys())
    assert columns == {"id", "day", "municipality", "offer_type", "status", "age_group", "count"}


async def test_cancel_forgets_every_answer(find_chat) -> None:
    chat = await find_chat("en")
    await chat.send("/find")
    await chat.press(data="S:0:t:coaching")
    await chat.press("📍 ")
    assert KEY in kept(chat)
    [cancelled] = await chat.press("✖ Cancel")
    assert "The search was cancelled." in cancelled.text
    assert KEY not in kept(chat)
    await chat.send("/find")
    [gone] = await chat.send("/cancel")
    assert "The search was cancelled." in gone.text and KEY not in kept(chat)


async def test_closing_the_list_forgets_the_answers(find_chat) -> None:
    chat = await find_chat("en")
    await to_list(chat)
    await chat.press("✖ Close")
    assert KEY not in kept(chat)
    assert await chat.press_data("S:r:0") == [] and chat.notices() == [
        say("en", "This button no longer works. Please use /start or ask your question again.")
    ]


async def test_after_a_check_the_search_reuses_its_facts(find_chat, services) -> None:
    chat = await find_chat("en", municipality=None)
    await chat.send("/check")  # a finished check hands its facts over (see hand_over)
    await chat.send("/cancel")
    facts = Facts(age=23, residence_status="duldung", municipality="koeln")
    hand_over(chat.app.user_data[chat.user_id], facts)
    [kinds] = await chat.press_data("S:k")
    assert "What kind of offer are you looking for?" in kinds.text
    [langs] = await chat.press(data="S:0:t:coaching")  # place, age and status are known
    assert "Which languages does the person speak?" in langs.text
    [listed] = await chat.press("Done")
    assert f"{title(services, KALK, 'en')} · Köln" in listed.labels
    assert "offer_search_facts" not in kept(chat)


async def test_old_and_forged_buttons_get_the_stale_notice(find_chat) -> None:
    chat = await find_chat("de")
    await chat.send("/find")
    await chat.press(data="S:0:t:coaching")
    for data in ("S:0:t:coaching", "S:1:t:coaching", "S:1:m:atlantis", "S:1:s:duldung", "S:o:x"):
        assert await chat.press_data(data) == []
        assert chat.notices() == [STALE], data
    assert await chat.press_data("S:7:b") == [] and chat.notices() == [STALE]


async def test_a_search_never_leaves_the_check_hanging(find_chat) -> None:
    chat = await find_chat("en")
    await chat.send("/check")
    [kinds] = await chat.send("/find")
    assert "What kind of offer are you looking for?" in kinds.text
    assert "eligibility_check" not in kept(chat)
    [started] = await chat.send("/check")
    assert "How old is the person?" in started.text and KEY not in kept(chat)


async def test_the_answers_are_dropped_after_the_conversation_timeout(find_chat) -> None:
    chat = await find_chat("en")
    await chat.send("/find")
    await chat.press(data="S:0:t:coaching")
    [conversation] = [h for h in chat.app.handlers[GROUP] if getattr(h, "name", None) == "find"]
    [job] = conversation.timeout_jobs.values()
    seen = len(chat.request.calls)
    await job.run(chat.app)
    [said] = [c.params["text"] for c in chat.request.calls[seen:] if c.method == "sendMessage"]
    assert "no answer for 30 minutes" in said and KEY not in kept(chat)


async def test_an_offer_that_filled_up_meanwhile_is_not_shown_any_more(
    find_chat, services: Services
) -> None:
    chat = await find_chat("en")
    await to_list(chat)
    offers = dict(services.content.offers)
    offers[KALK] = replace(offers[KALK], capacity=0)
    services.replace_content(replace(services.content, offers=offers))
    assert await chat.press_data("S:o:" + KALK) == []
    assert chat.notices() == [
        say("en", "This button no longer works. Please use /start or ask your question again.")
    ]
    [listed] = await chat.press_data("S:r:0")
    assert ("S:o:" + KALK) not in [d for _, d in listed.buttons]
