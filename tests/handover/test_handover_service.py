"""Hand-overs in the database, on SQLite and PostgreSQL: who gets a question, taking it once
under concurrent transactions, answering, withdrawing, the admins' lists and retention."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.db.migrate import upgrade
from bot.db.models import Handover, User
from bot.db.session import Database
from bot.handover import service as s
from bot.users.service import grant_role, set_municipality

ASKER, FIRST, SECOND, IDLE, BONN, COACH, GONE = 1, 11, 12, 13, 14, 21, 15
BERLIN, HOUR, MINUTE = ZoneInfo("Europe/Berlin"), timedelta(hours=1), timedelta(minutes=1)


@pytest.fixture
def db(database_url: str) -> Database:
    """Advisors of Köln (by their own municipality or by the role's), Bonn, and others."""
    upgrade(database_url)
    database = Database(database_url)
    with database.session() as session:
        set_municipality(session, ASKER, "koeln")
        for user_id, role, role_place, place, takes in (
            (FIRST, "advisor", "", "koeln", True),
            (SECOND, "advisor", "koeln", "bonn", True),  # the role names Köln
            (IDLE, "advisor", "koeln", "koeln", False),  # has not opted in
            (BONN, "advisor", "", "bonn", True),
            (COACH, "coach", "koeln", "koeln", True),  # not an advisor
            (GONE, "advisor", "koeln", "koeln", True),  # blocked the bot
        ):
            grant_role(session, user_id, role, role_place)
            set_municipality(session, user_id, place)
            user = session.get(User, user_id)
            user.takes_questions, user.active = takes, user_id != GONE
    yield database
    database.dispose()


def ask(db: Database, question: str = "Wo gibt es Fahrräder?", **changes) -> int:
    values = {
        "asker_id": ASKER,
        "question": question,
        "lang": "de",
        "municipality": "koeln",
        "share_identity": False,
    } | changes
    with db.session() as session:
        return s.create(session, **values).id


def stored(db: Database, handover_id: int) -> Handover:
    with db.session() as session:
        return session.get(Handover, handover_id)


def refused(db: Database, change, *args) -> str:
    with pytest.raises(s.HandoverError) as caught, db.session() as session:
        change(session, *args)
    return caught.value.code


def test_the_opted_in_advisors_of_the_municipality_get_the_question(db) -> None:
    with db.session() as session:
        assert s.advisors_for(session, "koeln") == [FIRST, SECOND]
        assert s.advisors_for(session, "koeln", exclude=FIRST) == [SECOND]
        assert s.advisors_for(session, "bonn") == [BONN]  # SECOND's role is for Köln only
        assert s.advisors_for(session, None) == []
        assert s.served_by(session, SECOND) == {"koeln"}
        assert s.served_by(session, IDLE) == frozenset()
        assert s.may_take(session, FIRST, "koeln") and not s.may_take(session, BONN, "koeln")


def test_an_advisor_takes_answers_and_the_admins_see_it(db) -> None:
    number = ask(db, "  Wo gibt es Fahrräder?  ")
    with db.session() as session:
        assert s.take(session, number, FIRST).state == s.TAKEN
        assert s.take(session, number, FIRST).taken_by == FIRST  # again: still theirs
    assert refused(db, s.answer, number, SECOND, "Nein") == s.TAKEN
    moment = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    with db.session() as session:
        done = s.answer(session, number, FIRST, " Im Radhaus Kalk. ", moment)
        assert (done.state, done.answer, done.answered_at) == (
            s.ANSWERED,
            "Im Radhaus Kalk.",
            moment,
        )
    with db.session() as session:
        [found] = s.answered(session, None)
        assert found == (number, "Wo gibt es Fahrräder?", "Im Radhaus Kalk.", "de", "koeln", moment)
        assert s.answered(session, {"koeln", "bonn"}) == [found]
        assert s.answered(session, {"bonn"}) == []
        assert s.waiting(session, None) == []
        assert not s.close(session, number, {"bonn"})  # not the admin's municipality
        assert s.close(session, number)
        assert not s.close(session, number)  # already closed
        assert s.answered(session, None) == []
    assert refused(db, s.take, number, SECOND) == s.CLOSED


def test_only_opted_in_advisors_of_the_municipality_can_take_and_never_the_asker(db) -> None:
    number = ask(db)
    for someone in (IDLE, BONN, COACH, GONE, ASKER, 999):
        assert refused(db, s.take, number, someone) == "not_allowed"
    assert refused(db, s.take, 12345, FIRST) == "not_found"
    with db.session() as session:
        grant_role(session, ASKER, "advisor")
        session.get(User, ASKER).takes_questions = True
    assert refused(db, s.take, number, ASKER) == "not_allowed"  # their own question
    assert stored(db, number).state == s.OPEN


def test_giving_back_opens_the_question_for_the_colleagues(db) -> None:
    number = ask(db)
    with db.session() as session:
        s.take(session, number, FIRST)
        assert not s.give_back(session, number, SECOND)  # not theirs
        assert s.give_back(session, number, FIRST)
    assert stored(db, number).state == s.OPEN and stored(db, number).taken_by is None
    assert refused(db, s.answer, number, FIRST, "Zu spät") == s.OPEN
    with db.session() as session:
        assert s.take(session, number, SECOND).taken_by == SECOND
        assert [w.id for w in s.waiting(session, {"koeln"})] == [number]
        assert s.waiting(session, {"koeln"}, (s.OPEN,)) == []
        assert s.release_taken(session) == 1  # at start: nobody is writing any more
    assert stored(db, number).state == s.OPEN


def test_the_asker_withdraws_and_the_taker_is_named(db) -> None:
    first, second = ask(db), ask(db, "Und Helme?")
    with db.session() as session:
        s.take(session, second, FIRST)
        assert s.withdraw(session, first, ASKER) is None
        assert s.withdraw(session, second, ASKER) == FIRST
    assert refused(db, s.withdraw, first, ASKER) == s.CLOSED
    assert refused(db, s.answer, second, FIRST, "Ja") == s.CLOSED
    third = ask(db)
    assert refused(db, s.withdraw, third, FIRST) == "not_allowed"
    with db.session() as session:
        s.take(session, third, FIRST)
        s.answer(session, third, FIRST, "Ja")
    assert refused(db, s.withdraw, third, ASKER) == s.ANSWERED


def test_questions_are_cut_and_answers_must_fit(db) -> None:
    number = ask(db, "x" * 5000)
    assert len(stored(db, number).question) == s.QUESTION_MAX
    with db.session() as session:
        s.take(session, number, FIRST)
        with pytest.raises(ValueError):
            s.answer(session, number, FIRST, "y" * (s.ANSWER_MAX + 1))
        with pytest.raises(ValueError):
            s.answer(session, number, FIRST, "   ")


def _race(db: Database, number: int, advisors: list[int]) -> list[str]:
    """Let every advisor take the question in their own thread and transaction at once."""
    start, results = threading.Barrier(len(advisors)), [""] * len(advisors)

    def run(index: int, advisor: int) -> None:
        start.wait()
        try:
            with db.session() as session:
                s.take(session, number, advisor)
            results[index] = "ok"
        except s.HandoverError as error:
            results[index] = error.code

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(advisors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_advisors_pressing_at_once_give_one_taker(db) -> None:
    for _ in range(5):
        number = ask(db)
        results = _race(db, number, [FIRST, SECOND])
        assert sorted(results) == ["ok", s.TAKEN]
        winner = stored(db, number).taken_by
        assert winner == [FIRST, SECOND][results.index("ok")]


def test_one_transaction_holds_the_row_until_it_ends(db) -> None:
    """The second advisor's take waits for the first transaction and then finds it taken."""
    number, outcome = ask(db), {}
    with db.session() as first:
        s.take(first, number, FIRST)

        def second() -> None:
            try:
                with db.session() as session:
                    s.take(session, number, SECOND)
                outcome["second"] = "ok"
            except s.HandoverError as error:
                outcome["second"] = error.code

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=0.3)  # still waiting for the first transaction's lock
        assert thread.is_alive()
    thread.join(timeout=10)
    assert outcome == {"second": s.TAKEN}
    assert stored(db, number).taken_by == FIRST


def test_retention_deletes_questions_after_the_period(db) -> None:
    now = datetime.now(UTC)
    old, fresh = ask(db), ask(db)
    with db.session() as session:
        session.get(Handover, old).created_at = now - timedelta(days=91)
    with db.session() as session:
        assert s.prune(session, 90, now) == 1
        assert list(session.scalars(select(Handover.id))) == [fresh]


def test_the_admins_lists_count_and_page_in_the_database(db) -> None:
    numbers = [ask(db, f"Frage {n}", municipality="koeln" if n % 3 else "bonn") for n in range(12)]
    day = datetime(2026, 12, 1, tzinfo=UTC)
    with db.session() as session:
        for n, number in enumerate(numbers):
            s.take(session, number, FIRST if n % 3 else BONN)
            s.answer(session, number, FIRST if n % 3 else BONN, "Antwort", day + n * HOUR)
    koeln = [n for i, n in enumerate(numbers) if i % 3][::-1]  # newest first
    with db.session() as session:
        assert s.count_answered(session, {"koeln"}) == 8 and s.count_answered(session) == 12
        page = s.answered(session, {"koeln"}, offset=3, limit=3)
        assert [a.id for a in page] == koeln[3:6]
        assert s.answered_one(session, koeln[0], {"koeln"}).question == "Frage 11"
        assert s.answered_one(session, koeln[0], {"bonn"}) is None
        assert s.answered_one(session, koeln[0]) is not None
        assert s.count_waiting(session, {"koeln"}) == 0


def test_a_used_up_daily_quota_stores_nothing(db) -> None:
    quota, noon = s.Quota(2, BERLIN), datetime(2026, 12, 7, 12, tzinfo=BERLIN)
    for minutes in (0, 1):
        ask(db, now=noon + minutes * MINUTE, quota=quota)
    with db.session() as session:
        assert quota.left(session, ASKER, noon) == 0
        with pytest.raises(s.HandoverError) as refused:
            s.create(
                session,
                asker_id=ASKER,
                question="Noch eine?",
                lang="de",
                municipality="koeln",
                share_identity=False,
                now=noon + 2 * MINUTE,
                quota=quota,
            )
        assert refused.value.code == "limit"
        assert quota.left(session, FIRST, noon) == 2  # one user's quota is theirs alone
    with db.session() as session:
        assert len(list(session.scalars(select(Handover.id)))) == 2
        tomorrow = datetime(2026, 12, 8, 0, 0, tzinfo=BERLIN)
        assert quota.left(session, ASKER, tomorrow - MINUTE) == 0
        assert quota.left(session, ASKER, tomorrow) == 2
