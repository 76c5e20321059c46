"""A typed question that asks for a local offer shows the offers, as /find would."""

from __future__ import annotations

import pytest

from bot.catalog.loader import load_content
from bot.matching import freetext
from bot.matching.handlers import KEY
from bot.services import Services

CONTENT = load_content("content")


def offer_ids(reply) -> list[str]:
    return [data[4:] for _, data in reply.buttons if data.startswith("S:o:")]


@pytest.mark.parametrize(
    ("text", "offer_type", "place"),
    [
        ("Is there a German course in Köln?", "language_course", "koeln"),
        ("Gibt es in Dortmund einen Deutschkurs?", "language_course", "dortmund"),
        ("في كورس ألماني قريب؟", "language_course", None),
        ("чи є поруч курси німецької", "language_course", None),
        ("Ищу курсы немецкого в Дюссельдорфе", "language_course", "duesseldorf"),
        ("کجا میتونم کلاس زبان آلمانی پیدا کنم؟", "language_course", None),
        ("Bielefeld'de almanca kursu var mı?", "language_course", "bielefeld"),
        ("Je cherche un cours d'allemand à Cologne", "language_course", "koeln"),
        ("Wo kann man den Hauptschulabschluss nachholen?", "school_certificate", None),
        ("Welche Angebote gibt es in Dortmund?", None, "dortmund"),
        ("Suche eine Beratungsstelle in der Nähe", "counselling", None),
        ("Durchstarten-Coaching in Köln", "coaching", "koeln"),  # a program, but a place
        ("Deutschkurs Bielefeld", "language_course", "bielefeld"),
        # ways to ask and name a kind added in session 6 (not from any test set)
        (
            "Wer begleitet mich in Bonn auf dem Weg in die Ausbildung? Gibt es so was?",
            "coaching",
            "bonn",
        ),
        ("Can I get a school leaving certificate somewhere near me?", "school_certificate", None),
        ("کسی را میشناسید که در کلن صنف آلمانی داشته باشد؟", "language_course", "koeln"),
        ("فيه دورة لغة بمدينتي؟", "language_course", None),
        ("Je cherche une formation en parallèle de mon travail", "qualification", None),
        ("Где-нибудь есть курсы немецкого?", "language_course", None),
    ],
)
def test_an_offer_request_is_understood_in_every_language(text, offer_type, place) -> None:
    assert freetext.understand(text, CONTENT) == freetext.OfferRequest(offer_type, place)


@pytest.mark.parametrize(
    "text",
    [
        "Was kostet der Integrationskurs?",  # names a kind, asks neither where nor whether
        "Muss ich zum Integrationskurs?",
        "Who can take part in Durchstarten?",
        "Was ist eine Duldung?",
        "Gibt es was für Essen?",  # "Essen" the town, but no kind of offer
        "",
        "kurs " * 2000,  # a kind, but no asking and no place
        "Gibt es bei Durchstarten auch Coaching?",  # about the program: the FAQ answers
        "Wo gibt es Beratung zum Asylverfahren?",  # legal advice: the FAQ says where
        "Can she keep going with her course after the move to Bochum?",  # "a course", no ask
        "شو هو الكورس اللي بيعلموا فيه اللغة؟",  # "فيه" here is "in it", not "there is"
        "Gibt es beim Landesprogramm jemanden, der einen begleitet?",  # about the program
    ],
)
def test_a_question_that_is_no_offer_request_stays_a_question(text) -> None:
    assert freetext.understand(text, CONTENT) is None


def test_a_hostile_message_is_read_only_at_its_start() -> None:
    long = "Gibt es einen Deutschkurs? " + "ä" * 100_000
    assert freetext.understand(long, CONTENT) == freetext.OfferRequest("language_course", None)
    assert freetext.understand("x " * 5000 + "Deutschkurs in Köln", CONTENT) is None


def test_the_words_data_is_checked() -> None:
    with pytest.raises(ValueError, match="exactly the keys"):
        freetext.parse_words({"types": {}, "asks": {}})  # "any" and "keeps_faq" missing
    with pytest.raises(ValueError, match="non-empty list"):
        freetext.parse_words(
            {"types": {"coaching": {"de": []}}, "any": {}, "asks": {}, "keeps_faq": {}}
        )
    shipped = freetext.words()
    assert set(shipped.types) == {
        "coaching",
        "qualification",
        "school_certificate",
        "preparation_course",
        "language_course",
        "counselling",
        "other",
    }


async def test_a_german_course_in_koeln_lists_koelns_language_courses(
    chat_with, services: Services
) -> None:
    chat = await chat_with(services, user_id=5101, language="en", municipality="dortmund")
    [listed] = await chat.send("Is there a German course in Köln?")
    assert "offer" in listed.text and "fit" in listed.text
    found = offer_ids(listed)
    assert found and all(services.content.offers[o].type == "language_course" for o in found)
    assert all(services.content.offers[o].municipality == "koeln" for o in found)
    [card] = await chat.press(data="S:o:" + found[0])  # the list's buttons work as in /find
    assert "Please check" in card.text or "It is" in card.text


async def test_the_users_own_municipality_is_searched_when_none_is_named(
    chat_with, services: Services
) -> None:
    chat = await chat_with(services, user_id=5102, language="ar", municipality="koeln")
    [listed] = await chat.send("في كورس ألماني قريب؟")
    found = offer_ids(listed)
    assert found and {services.content.offers[o].municipality for o in found} == {"koeln"}
    assert listed.html.startswith("\u200f")  # right to left


async def test_without_a_place_the_search_asks_where(chat_with, services: Services) -> None:
    chat = await chat_with(services, user_id=5103, language="de", municipality=None)
    [place] = await chat.send("Wo gibt es einen Deutschkurs?")
    assert "Wo soll das Angebot sein?" in place.text
    assert chat.app.user_data[chat.user_id][KEY].answers[0] == ("type", "language_course")


async def test_nothing_of_that_kind_here_says_so_and_offers_the_nearest(
    chat_with, services: Services
) -> None:
    chat = await chat_with(services, user_id=5104, language="en", municipality="leverkusen")
    [listed] = await chat.send("Is there a German course near me?")
    assert "language course" in listed.text
    assert offer_ids(listed)  # the nearest ones, in Köln and elsewhere


async def test_a_question_about_a_course_still_gets_its_answer(
    chat_with, services: Services
) -> None:
    chat = await chat_with(services, user_id=5105, language="de", municipality="koeln")
    [reply] = await chat.send("Was ist eine Duldung?")
    assert not offer_ids(reply)
    assert KEY not in chat.app.user_data.get(chat.user_id, {})
