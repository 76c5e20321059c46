"""Right-to-left cards keep numbers, codes, addresses and Latin names in their own order.

In Arabic, Persian (and Pashto) text, a phone number like "+49 221 0000010" shows its
groups reversed and a Latin name jumps around unless it is isolated (FSI … PDI). Every
card is rendered here in each right-to-left language and checked for the marks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.admin.editor_views import contact_card
from bot.answers.views import contact_block, entry_reply
from bot.appointments.views import card as appointment_card
from bot.catalog.schema import Contact, Content
from bot.chat.render import esc
from bot.db.models import Appointment
from bot.i18n import FSI, PDI, RLM, SUPPORTED_LANGUAGES, is_rtl, translator
from bot.matching.card import card as offer_card
from bot.matching.engine import Match

RTL = [lang for lang in SUPPORTED_LANGUAGES if is_rtl(lang)]
TZ = ZoneInfo("Europe/Berlin")
DESK = Contact(
    id="koeln-beratung",
    municipality="koeln",
    phone="+49 221 0000099",
    email="beratung@example.org",
    url="https://example.org/koeln",
    translations={"de": {"title": "Beratung Köln", "description": "Mo–Fr 9–12 Uhr"}},
)


def isolated(value: str) -> str:
    return f"{FSI}{esc(value)}{PDI}"


def digits_isolated(html: str) -> list[str]:
    """Return the right-to-left fact lines ("<b>Label:</b> value") in which a European
    digit of the value stands outside an isolate (prose keeps its own numbers)."""
    bad = []
    for line in html.split("\n"):
        if not line.startswith(RLM) or ":</b> " not in line:
            continue
        depth = 0
        for ch in line.split(":</b> ", 1)[1]:
            depth += ch == FSI
            depth -= ch == PDI
            if ch.isascii() and ch.isdigit() and depth <= 0:
                bad.append(line)
                break
    return bad


def test_there_are_right_to_left_languages_to_check() -> None:
    assert {"ar", "fa"} <= set(RTL)


@pytest.mark.parametrize("lang", RTL)
def test_offer_cards_isolate_phone_mail_web_provider_and_address(
    lang: str, shipped_content: Content
) -> None:
    t = translator(lang)
    for offer in shipped_content.offers.values():
        html = offer_card(t, shipped_content, Match(offer.id, 0.0, ()), 0).html
        for kind in ("phone", "email", "url"):
            if offer.contact.get(kind):
                assert isolated(offer.contact[kind]) in html, (offer.id, kind)
        for value in (offer.provider, offer.address):
            if value:
                assert isolated(value) in html, (offer.id, value)
        assert digits_isolated(html) == [], offer.id


@pytest.mark.parametrize("lang", RTL)
def test_contact_cards_and_blocks_isolate_how_to_reach_a_desk(
    lang: str, shipped_content: Content
) -> None:
    t = translator(lang)
    html = contact_card(t, shipped_content, DESK).html + "\n".join(contact_block(t, DESK))
    for value in (DESK.phone, DESK.email, DESK.url):
        assert html.count(isolated(value)) == 2, value
    assert digits_isolated(html) == []


@pytest.mark.parametrize("lang", RTL)
def test_appointment_cards_isolate_time_place_and_client_code(lang: str) -> None:
    t = translator(lang)
    meeting = Appointment(
        id=1,
        starts_at=datetime(2026, 12, 9, 13, 30, tzinfo=UTC),
        minutes=90,
        title="Termin Jobcenter",
        place="Raum 12, Kalker Str. 3",
        client_code="K7X2",
        state="planned",
        participants=[],
    )
    html = appointment_card(t, meeting, TZ, viewer=1).html
    for value in ("Termin Jobcenter", "Raum 12, Kalker Str. 3", "K7X2"):
        assert isolated(value) in html, value
    assert digits_isolated(html) == []


@pytest.mark.parametrize("lang", RTL)
def test_answers_isolate_their_source_line_and_latin_terms(
    lang: str, shipped_content: Content
) -> None:
    t = translator(lang)
    for entry in shipped_content.faq.values():
        html = entry_reply(t, entry).html
        source = entry.text(lang)[0].source or entry.source
        if source and any(ch.isascii() and ch.isalnum() for ch in source):
            assert FSI in html.rsplit("\n\n", 1)[-1], entry.id
