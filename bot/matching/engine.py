"""Find the offers a person can join: hard filters first, then a score with reasons (codes).

An offer the person cannot join (wrong place, age, status, German level, full, ended) is
never listed. A fact that is not known does not exclude an offer; the match then carries
a `check` reason naming the fact, so the conversation can ask for it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from bot.catalog.schema import GERMAN_LEVELS, Content, Offer
from bot.eligibility.engine import ELIGIBLE, UNKNOWN, Facts, evaluate, resolve

#: Default radius around a shared location, in kilometres.
DEFAULT_RADIUS_KM = 25.0
#: How far (km) an alternative in another municipality may be.
ALTERNATIVE_RADIUS_KM = 60.0
#: An offer starting within this many days counts as starting soon.
SOON_DAYS = 42
WEIGHTS = {"type": 0.35, "language": 0.2, "program": 0.2, "soon": 0.15, "distance": 0.1}


@dataclass(frozen=True)
class Need:
    """What is known about the person and what they look for."""

    facts: Facts = field(default_factory=Facts)
    offer_type: str | None = None
    languages: tuple[str, ...] = ()
    near: tuple[float, float] | None = None
    radius_km: float = DEFAULT_RADIUS_KM


@dataclass(frozen=True)
class Reason:
    code: str  # type | language | program | program_open | soon | ongoing | distance | check
    value: str | float | None = None


@dataclass(frozen=True)
class Match:
    offer: str
    score: float
    reasons: tuple[Reason, ...]
    distance_km: float | None = None


@dataclass(frozen=True)
class Miss:
    """Why nothing fits: the wanted type, the place and the status, for one clear line."""

    offer_type: str | None
    municipality: str | None
    status: str | None
    age: int | None


@dataclass(frozen=True)
class Result:
    matches: tuple[Match, ...]
    miss: Miss | None = None
    alternatives: tuple[Match, ...] = ()


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance between two (lat, lon) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _audience_ok(offer: Offer, values: Mapping[str, object]) -> tuple[bool, list[Reason]]:
    """Check the offer's audience; facts not known become `check` reasons, never exclusions."""
    audience, checks = offer.audience, []
    age = values.get("age")
    if "min_age" in audience or "max_age" in audience:
        if age is None:
            checks.append(Reason("check", "age"))
        elif not audience.get("min_age", 0) <= age <= audience.get("max_age", 200):
            return False, []
    if audience.get("statuses"):
        status = values.get("residence_status")
        if status is None:
            checks.append(Reason("check", "residence_status"))
        elif status not in audience["statuses"]:
            return False, []
    if audience.get("german_level_min"):
        level = values.get("german_level")
        if level is None:
            checks.append(Reason("check", "german_level"))
        elif GERMAN_LEVELS.index(level) < GERMAN_LEVELS.index(audience["german_level_min"]):
            return False, []
    return True, checks


def _open(offer: Offer, on: date, places_left: Mapping[str, int]) -> bool:
    """Return whether the offer has not ended and still has a place."""
    if offer.ends is not None and offer.ends < on:
        return False
    if offer.capacity is None:
        return True
    return places_left.get(offer.id, offer.capacity) > 0


def _towns(content: Content, municipality: str) -> set[str]:
    """The municipality and the Kreis it belongs to (a Kreis' offers serve its towns)."""
    town = content.municipalities.get(municipality)
    return {municipality, town.kreis} if town and town.kreis else {municipality}


def _score(search: _Search, offer: Offer) -> tuple[float, list[Reason]]:
    content, need, on = search.content, search.need, search.on
    score, reasons = 0.0, []
    if need.offer_type and offer.type == need.offer_type:
        score += WEIGHTS["type"]
        reasons.append(Reason("type", offer.type))
    spoken = [lang for lang in need.languages if lang in offer.languages and lang != "de"]
    if spoken:
        score += WEIGHTS["language"]
        reasons.append(Reason("language", spoken[0]))
    elif "de" in need.languages and "de" in offer.languages:
        score += WEIGHTS["language"] / 2
        reasons.append(Reason("language", "de"))
    if offer.program and offer.program in content.programs:
        result = search.program(offer.program)
        if result == ELIGIBLE:
            score += WEIGHTS["program"]
            reasons.append(Reason("program", offer.program))
        elif result == UNKNOWN:
            score += WEIGHTS["program"] / 3
            reasons.append(Reason("program_open", offer.program))
    if offer.starts is None or offer.starts <= on:
        score += WEIGHTS["soon"]
        reasons.append(Reason("ongoing"))
    elif (offer.starts - on).days <= SOON_DAYS:
        score += WEIGHTS["soon"] * (1 - (offer.starts - on).days / (2 * SOON_DAYS))
        reasons.append(Reason("soon", offer.starts.isoformat()))
    return score, reasons


def _by_town(content: Content) -> Mapping[str, tuple[Offer, ...]]:
    """Offers grouped by municipality, built once per content object."""
    cached = _BY_TOWN.get(id(content))
    if cached is None or cached[0] is not content:
        groups: dict[str, list[Offer]] = {}
        for offer in content.offers.values():
            groups.setdefault(offer.municipality, []).append(offer)
        cached = (content, {town: tuple(offers) for town, offers in groups.items()})
        _BY_TOWN.clear()  # one content is current at a time; keep memory flat
        _BY_TOWN[id(content)] = cached
    return cached[1]


_BY_TOWN: dict[int, tuple[Content, Mapping[str, tuple[Offer, ...]]]] = {}


def _near(offer: Offer, centre: tuple[float, float] | None, radius: float) -> float | None:
    """Return the distance when the offer lies within radius of centre (cheap box test first)."""
    if centre is None or offer.geo is None:
        return None
    if abs(offer.geo[0] - centre[0]) * 111 > radius or abs(offer.geo[1] - centre[1]) * 70 > radius:
        return None
    km = distance_km(centre, offer.geo)
    return km if km <= radius else None


class _Search:
    """One match: the resolved facts, the filters and a cache of program verdicts."""

    def __init__(self, content: Content, need: Need, on: date, places_left: Mapping[str, int]):
        self.content, self.need, self.on, self.places_left = content, need, on, places_left
        self.values = resolve(need.facts, content, on)
        self.programs: dict[str, str] = {}

    def joinable(self, offer: Offer) -> list[Reason] | None:
        """Return the `check` reasons if the person can join the offer, else None."""
        if not _open(offer, self.on, self.places_left):
            return None
        ok, checks = _audience_ok(offer, self.values)
        return checks if ok else None

    def program(self, program_id: str) -> str:
        if program_id not in self.programs:
            self.programs[program_id] = evaluate(
                self.content.programs[program_id], self.values
            ).result
        return self.programs[program_id]

    def rank(self, found, radius: float) -> tuple[Match, ...]:
        matches = []
        for offer, checks, km in found:
            score, reasons = _score(self, offer)
            if km is not None:
                score += WEIGHTS["distance"] * max(0.0, 1 - km / radius)
                reasons.append(Reason("distance", round(km, 1)))
            matches.append(Match(offer.id, round(min(score, 1.0), 4), (*reasons, *checks), km))
        return tuple(sorted(matches, key=lambda m: (-m.score, m.distance_km or 0, m.offer)))


def match(
    content: Content, need: Need, on: date, places_left: Mapping[str, int] | None = None
) -> Result:
    """Return the offers the person can join, best first; with alternatives when none fits."""
    search = _Search(content, need, on, places_left or {})
    municipality = search.values.get("municipality")
    towns = _towns(content, str(municipality)) if municipality else set()
    by_town = _by_town(content)
    if need.near is not None:
        pool = content.offers.values()
    elif towns:
        pool = [offer for town in towns for offer in by_town.get(town, ())]
    else:
        pool = content.offers.values()
    here = []
    for offer in pool:
        km = _near(offer, need.near, need.radius_km)
        if (
            need.near is not None
            and km is None
            and not (offer.geo is None and offer.municipality in towns)
        ):
            continue
        checks = search.joinable(offer)
        if checks is not None:
            here.append((offer, checks, km))
    wanted = [c for c in here if not need.offer_type or c[0].type == need.offer_type]
    matches = search.rank(wanted, need.radius_km)
    if matches:
        return Result(matches)
    status = need.facts.residence_status
    miss = Miss(
        need.offer_type,
        str(municipality) if municipality else None,
        status,
        search.values.get("age"),
    )
    return Result((), miss, _alternatives(search, towns, here))


def _alternatives(search: _Search, towns: set[str], here) -> tuple[Match, ...]:
    """Other types here, and the wanted type in nearby municipalities: the best five."""
    content, need = search.content, search.need
    here_ids = {offer.id for offer, _, _ in here}
    other_types = [c for c in here if need.offer_type and c[0].type != need.offer_type]
    centre = need.near or _centre(content, towns or {c[0].municipality for c in here})
    nearby = []
    for offer in content.offers.values() if centre is not None else ():
        if offer.id in here_ids or (need.offer_type and offer.type != need.offer_type):
            continue
        km = _near(offer, centre, ALTERNATIVE_RADIUS_KM)
        if km is not None and (checks := search.joinable(offer)) is not None:
            nearby.append((offer, checks, km))
    return search.rank(other_types + nearby, ALTERNATIVE_RADIUS_KM)[:5]


def _centre(content: Content, towns: set[str]) -> tuple[float, float] | None:
    """Return the municipality's own `geo` (an extension), else the mean of its offers' places."""
    for town in towns:
        entry = content.municipalities.get(town)
        if entry is not None and entry.geo is not None:
            return entry.geo
    points = [o.geo for o in content.offers.values() if o.municipality in towns and o.geo]
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
