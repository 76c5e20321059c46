"""The offer card as a Reply, and where its venue is (no telegram import).

Content text (title, description, schedule) is shown in the user's language, or in German
with a one-line note; labels, dates and reasons are in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.dates import format_date

from bot.catalog.schema import REFERENCE_LANGUAGE, Content, Offer
from bot.catalog.translations import is_outdated
from bot.chat.keyboards import data, refer_button
from bot.chat.render import Button, Reply, bold, directed, embed, esc, italic
from bot.i18n import Translator
from bot.matching.engine import Match
from bot.matching.views import offer_title
from bot.matching.words import language_name, reason_text, type_name

#: How each kind of contact is labelled, in the order shown.
CONTACTS = ("phone", "email", "url")


@dataclass(frozen=True)
class Venue:
    """Where an offer takes place, for a Telegram venue message."""

    lat: float
    lon: float
    title: str
    address: str


def _texts(offer: Offer, lang: str) -> tuple[dict[str, str], str]:
    """Return the offer's texts in lang (German when not translated) and their language."""
    if lang in offer.translations:
        return dict(offer.translations[lang]), lang
    return dict(offer.translations[REFERENCE_LANGUAGE]), REFERENCE_LANGUAGE


def _day(t: Translator, day) -> str:
    return format_date(day, format="medium", locale=t.lang)


def _field(t: Translator, label: str, value: str) -> str:
    """One labelled line: the label in the user's language, the value isolated if need be."""
    return f"{bold(label)} {esc(embed(value, t.lang))}"


def contact_lines(t: Translator, offer: Offer) -> list[str]:
    """The offer's phone, e-mail and web address, one labelled line each."""
    labels = {"phone": t("Phone:"), "email": t("E-mail:"), "url": t("Web:")}
    return [
        _field(t, labels[kind], offer.contact[kind]) for kind in CONTACTS if offer.contact.get(kind)
    ]


def _facts(
    t: Translator, content: Content, offer: Offer, texts: dict[str, str], left: int | None
) -> list[str]:
    town = content.municipalities.get(offer.municipality)
    lines = [_field(t, t("Type:"), type_name(t, offer.type))]
    if offer.provider:
        lines.append(_field(t, t("Provider:"), offer.provider))
    address = offer.address or (town.name if town else offer.municipality)
    lines.append(_field(t, t("Address:"), address))
    if texts.get("schedule"):
        lines.append(_field(t, t("Schedule:"), texts["schedule"]))
    if offer.languages:
        spoken = t.join_and([language_name(t, code) for code in offer.languages])
        lines.append(_field(t, t("Languages:"), spoken))
    start = _day(t, offer.starts) if offer.starts else t("already running")
    lines.append(_field(t, t("Start:"), start))
    if offer.ends:
        lines.append(_field(t, t("End:"), _day(t, offer.ends)))
    if offer.capacity is None:
        places = t("no limit")
    else:
        places = t(
            "{left} of {total}", left=offer.capacity if left is None else left, total=offer.capacity
        )
    lines.append(_field(t, t("Places left:"), places))
    return lines + contact_lines(t, offer)


def card(
    t: Translator,
    content: Content,
    found: Match,
    back_page: int,
    *,
    left: int | None = None,
    can_refer: bool = False,
) -> Reply:
    """Show one offer: its texts, facts, contact and why it fits, with a way back to the list.

    `left` is the places left (None: the whole capacity); `can_refer` adds the Refer button.
    """
    offer = content.offers[found.offer]
    texts, used = _texts(offer, t.lang)
    parts = []
    if used != t.lang:
        note = t("There is no translation of this offer yet, so it is shown in German.")
        parts.append(directed("ℹ️ " + italic(note), t.lang))
    title = bold(offer_title(content, offer.id, used))
    description = (texts.get("description") or "").strip()
    parts.append(directed(title + ("\n" + esc(description) if description else ""), used))
    if is_outdated(offer, used):
        parts += _current_german(t, offer)
    parts.append(directed("\n".join(_facts(t, content, offer, texts, left)), t.lang))
    reasons = [reason_text(t, reason, content) for reason in found.reasons]
    if reasons:
        why = [bold(t("Why it fits:")), *("– " + esc(reason) for reason in reasons)]
        parts.append(directed("\n".join(why), t.lang))
    back = Button("◀ " + t("Back to the list"), data("S", "r", str(back_page)))
    refer = ((refer_button(t, offer.id),),) if can_refer else ()
    return Reply("\n\n".join(parts), (*refer, (back,)))


def _current_german(t: Translator, offer: Offer) -> list[str]:
    """A note that the translation is older than the German text, and the German text."""
    note = t("The German text of this offer has changed since it was translated. It now reads:")
    german = offer.translations[REFERENCE_LANGUAGE]
    text = (german.get("description") or german.get("title") or "").strip()
    return [directed("ℹ️ " + italic(note), t.lang), directed(italic(esc(text)), REFERENCE_LANGUAGE)]


def venue(content: Content, offer_id: str, lang: str) -> Venue | None:
    """Return where the offer takes place, when its coordinates are known."""
    offer = content.offers[offer_id]
    if offer.geo is None:
        return None
    town = content.municipalities.get(offer.municipality)
    address = offer.address or (town.name if town else offer.municipality)
    return Venue(offer.geo[0], offer.geo[1], offer_title(content, offer_id, lang), address)
