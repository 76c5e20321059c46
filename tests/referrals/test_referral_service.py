"""Referrals in the database, on SQLite and PostgreSQL: moves, owners, capacity under
concurrent transactions, history for the "Maßnahme-Karrieren" warning, and retention."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.catalog.schema import Content
from bot.db.migrate import upgrade
from bot.db.models import Referral
from bot.db.session import Database
from bot.referrals import service as s
from bot.users.service import grant_role

OFFER = "koeln-coaching-kalk"
ADVISOR, COACH, OTHER = 11, 21, 31
TODAY = date(2026, 11, 23)
coach = s.Actor(COACH, frozenset({"coach"}))
advisor = s.Actor(ADVISOR, frozenset({"advisor"}))


@pytest.fixture
def db(database_url: str) -> Database:
    upgrade(database_url)
    database = Database(database_url)
    with database.session() as session:
        grant_role(session, ADVISOR, "advisor")
        grant_role(session, COACH, "coach")
        grant_role(session, OTHER, "coach")
    yield database
    database.dispose()


def capacity(content: Content, places: int | None) -> Content:
    offers = dict(content.offers)
    offers[OFFER] = replace(offers[OFFER], capacity=places)
    return replace(content, offers=offers)


def requested(db: Database, content: Content, count: int = 1, code: str = "A17") -> list[int]:
    with db.session() as session:
        return [
            s.create(
                session,
                offer=content.offers[OFFER],
                client_code=f"{code}{n}" if count > 1 else code,
                advisor_id=ADVISOR,
                coach_id=COACH,
                note=None,
                on=TODAY,
            ).id
            for n in range(count)
        ]


def states(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Referral.state).order_by(Referral.id)))


def test_the_coach_moves_a_referral_through_its_states(db, shipped_content) -> None:
    [one] = requested(db, shipped_content)
    for action, state in (("accept", s.ACCEPTED), ("start", s.STARTED), ("complete", s.COMPLETED)):
        with db.session() as session:
            assert s.move(session, one, action, coach, shipped_content).state == state
    with db.session() as session:
        done = session.get(Referral, one)
        assert done.closed_at is not None


@pytest.mark.parametrize(
    "actor, action, error",
    [
        (advisor, "accept", "not_allowed"),  # the advisor is not the coach
        (s.Actor(OTHER, frozenset({"coach"})), "accept", "not_allowed"),  # another coach
        (s.Actor(COACH, frozenset()), "accept", "not_allowed"),  # lost the coach role
        (coach, "withdraw", "not_allowed"),  # only the advisor withdraws
        (coach, "complete", "moved"),  # not started yet
        (coach, "fly", "not_allowed"),  # no such action: nobody may
    ],
)
def test_wrong_people_and_wrong_steps_change_nothing(
    db, shipped_content, actor, action, error
) -> None:
    [one] = requested(db, shipped_content)
    with pytest.raises(s.ReferralError) as raised, db.session() as session:
        s.move(session, one, action, actor, shipped_content)
    assert raised.value.code == error
    assert states(db) == [s.REQUESTED]


def test_an_unknown_referral_is_not_found(db, shipped_content) -> None:
    with pytest.raises(s.ReferralError) as raised, db.session() as session:
        s.move(session, 999, "accept", coach, shipped_content)
    assert raised.value.code == "not_found"


KOELN_ADMIN = s.Actor(41, frozenset({"admin"}), frozenset({"koeln"}))
BONN_ADMIN = s.Actor(42, frozenset({"admin"}), frozenset({"bonn"}))
SUPERADMIN = s.Actor(43, frozenset({"admin"}), None)


def test_only_admins_of_the_referrals_municipality_see_and_change_it(db, shipped_content) -> None:
    [one] = requested(db, shipped_content)
    with db.session() as session:
        referral = session.get(Referral, one)
        assert [s.may_see(referral, who) for who in (KOELN_ADMIN, BONN_ADMIN, SUPERADMIN)] == [
            True,
            False,
            True,
        ]
        assert s.listing(session, BONN_ADMIN) == [] and s.listing(session, KOELN_ADMIN) == []
        assert not s.may_schedule(referral, KOELN_ADMIN)  # its advisor and coach do that
    for actor in (BONN_ADMIN, s.Actor(44, frozenset({"coach"}), frozenset({"koeln"}))):
        with pytest.raises(s.ReferralError) as raised, db.session() as session:
            s.get(session, one, actor)
        assert raised.value.code == "not_allowed"
        for action in s.ACTIONS:
            with pytest.raises(s.ReferralError) as raised, db.session() as session:
                s.move(session, one, action, actor, shipped_content)
            assert raised.value.code == "not_allowed"
    assert states(db) == [s.REQUESTED]
    with db.session() as session:
        assert s.move(session, one, "decline", KOELN_ADMIN, shipped_content).state == s.DECLINED


def test_a_referral_without_a_municipality_is_for_superadmins_only(db, shipped_content) -> None:
    [one] = requested(db, shipped_content)
    with db.session() as session:
        session.get(Referral, one).municipality = None
    with db.session() as session:
        referral = session.get(Referral, one)
        assert not s.may_see(referral, KOELN_ADMIN) and s.may_see(referral, SUPERADMIN)
        assert s.may_see(referral, advisor) and s.may_see(referral, coach)
    with pytest.raises(s.ReferralError) as raised, db.session() as session:
        s.move(session, one, "accept", KOELN_ADMIN, shipped_content)
    assert raised.value.code == "not_allowed"
    with db.session() as session:
        assert s.move(session, one, "accept", SUPERADMIN, shipped_content).state == s.ACCEPTED


def test_an_advisor_or_coach_without_the_role_any_more_sees_nothing(db, shipped_content) -> None:
    [one] = requested(db, shipped_content)
    former = (s.Actor(ADVISOR, frozenset()), s.Actor(COACH, frozenset({"advisor"})))
    with db.session() as session:
        referral = session.get(Referral, one)
        assert not any(s.may_see(referral, who) for who in former)
        assert [s.listing(session, who) for who in former] == [[], []]
        assert [r.id for r in s.listing(session, advisor)] == [one]
    with pytest.raises(s.ReferralError) as raised, db.session() as session:
        s.move(session, one, "withdraw", former[0], shipped_content)
    assert raised.value.code == "not_allowed"


def test_a_full_or_ended_offer_takes_no_new_referral(db, shipped_content) -> None:
    content = capacity(shipped_content, 1)
    first, _ = requested(db, content, 2)
    with db.session() as session:
        s.move(session, first, "accept", coach, content)
    with pytest.raises(s.ReferralError) as raised:
        requested(db, content, code="B1")
    assert raised.value.code == "full"
    ended = replace(content.offers[OFFER], capacity=None, ends=date(2026, 1, 1))
    with pytest.raises(s.ReferralError) as raised, db.session() as session:
        s.create(
            session,
            offer=ended,
            client_code="C1",
            advisor_id=ADVISOR,
            coach_id=None,
            note=None,
            on=TODAY,
        )
    assert raised.value.code == "ended"
    assert states(db) == [s.ACCEPTED, s.REQUESTED]


def test_a_dropped_place_is_free_again(db, shipped_content) -> None:
    content = capacity(shipped_content, 1)
    first, second = requested(db, content, 2)
    with db.session() as session:
        s.move(session, first, "accept", coach, content)
        s.move(session, first, "drop", coach, content)
        assert s.move(session, second, "accept", coach, content).state == s.ACCEPTED
        assert s.free_places(session, content.offers[OFFER]) == 0


def _race(db: Database, jobs: list[tuple[int, str]], content: Content) -> list[str]:
    """Run every (referral, action) in its own thread and transaction at the same moment."""
    start, results = threading.Barrier(len(jobs)), [""] * len(jobs)

    def run(index: int, referral: int, action: str) -> None:
        start.wait()
        try:
            with db.session() as session:
                s.move(session, referral, action, coach, content)
            results[index] = "ok"
        except s.ReferralError as error:
            results[index] = error.code

    threads = [
        threading.Thread(target=run, args=(i, referral, action))
        for i, (referral, action) in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_the_last_place_accepted_at_once_by_several_connections_goes_once(
    db, shipped_content
) -> None:
    content = capacity(shipped_content, 1)
    many = requested(db, content, 8)
    results = _race(db, [(one, "accept") for one in many], content)
    assert sorted(results) == ["full"] * 7 + ["ok"]
    assert states(db).count(s.ACCEPTED) == 1


def test_two_places_left_and_five_presses_give_two(db, shipped_content) -> None:
    content = capacity(shipped_content, 3)
    many = requested(db, content, 6)
    with db.session() as session:
        s.move(session, many[0], "accept", coach, content)
    results = _race(db, [(one, "accept") for one in many[1:]], content)
    assert sorted(results) == ["full"] * 3 + ["ok"] * 2
    assert states(db).count(s.ACCEPTED) == 3


def test_the_same_button_pressed_twice_at_once_moves_once(db, shipped_content) -> None:
    [one] = requested(db, shipped_content)
    results = _race(db, [(one, "accept"), (one, "accept"), (one, "decline")], shipped_content)
    assert sorted(results) == ["moved", "moved", "ok"]
    assert states(db) in ([s.ACCEPTED], [s.DECLINED])


def _past(db: Database, *rows: tuple[int, str, str]) -> None:
    now = datetime.now(UTC)
    with db.session() as session:
        for days, state, kind in rows:
            closed = None if state in s.OPEN else now - timedelta(days=days)
            session.add(
                Referral(
                    offer_id=OFFER,
                    offer_type=kind,
                    municipality="koeln",
                    client_code="A17",
                    advisor_id=ADVISOR,
                    state=state,
                    created_at=now - timedelta(days=days),
                    updated_at=now - timedelta(days=days),
                    closed_at=closed,
                )
            )


@pytest.mark.parametrize(
    "rows, warn",
    [
        ([], False),
        ([(30, s.DROPPED, "other")], False),
        ([(30, s.DROPPED, "other"), (90, s.DROPPED, "other")], True),
        ([(30, s.DROPPED, "other"), (500, s.DROPPED, "other")], False),  # over a year ago
        ([(10, s.REQUESTED, "coaching")], True),  # one of the same type still open
        ([(10, s.REQUESTED, "language_course")], False),
        ([(10, s.COMPLETED, "coaching")], False),
    ],
)
def test_the_history_warns_of_a_massnahme_karriere(db, rows, warn) -> None:
    _past(db, *rows)
    with db.session() as session:
        past = s.history(session, ADVISOR, "A17")
        assert s.needs_warning(past, "coaching") is warn
        assert s.history(session, OTHER, "A17") == []  # codes are the advisor's own


def test_retention_deletes_ended_referrals_only_after_the_period(db) -> None:
    _past(
        db,
        (400, s.DROPPED, "other"),
        (100, s.COMPLETED, "other"),
        (400, s.ACCEPTED, "coaching"),  # still running: kept however old
    )
    with db.session() as session:
        assert s.prune(session, 365) == 1
        assert sorted(session.scalars(select(Referral.state))) == [s.ACCEPTED, s.COMPLETED]
