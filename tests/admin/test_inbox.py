"""The inbox's groups in the database: grouped once as questions are stored, paged in SQL."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from rapidfuzz import fuzz
from sqlalchemy import delete, insert, select

from bot.admin import inbox
from bot.answers.alike import ALIKE, group_all, key_of
from bot.answers.normalise import tokens
from bot.answers.unanswered import record_unanswered
from bot.db.migrate import upgrade
from bot.db.models import UnansweredQuestion
from bot.db.session import Database

ALL = None
TOPICS = "Fahrrad Bürgeramt Schwimmkurs Zahnarzt Bibliothek Fußballverein Wohnungsamt "
TOPICS += "Musikschule Führerschein Kleiderkammer Nachhilfe"
BIKE = ("Wo kann ich mein Fahrrad reparieren?", "Fahrrad reparieren wo?", "wo fahrrad reparieren")
MIXED = (
    *BIKE,
    "Wann hat das Bürgeramt offen?",
    "Wann hat das Bürgeramt geöffnet?",
    "Wie melde ich mich für den Integrationskurs an?",
    "Integrationskurs anmelden wie?",
    "Gibt es eine Tafel in Kalk?",
    "Wo ist die Tafel in Kalk?",
    "Wer hilft mit dem Jobcenter?",
)


def database(url: str) -> Database:
    upgrade(url)
    return Database(url)


def pressed_each_time(asked: list[tuple[int, str, str, str | None]]) -> list[list[int]]:
    """How the inbox grouped on every press before (kept here to compare with): ids per group."""
    heads: list[tuple[str, str, str | None, list[int]]] = []
    for question_id, text, lang, town in asked:
        key = " ".join(sorted(set(tokens(text, lang)))) or text.lower()
        for head, head_lang, head_town, members in heads:
            if (head_lang, head_town) == (lang, town) and fuzz.token_set_ratio(key, head) >= ALIKE:
                members.append(question_id)
                break
        else:
            heads.append((key, lang, town, [question_id]))
    return sorted(members for *_, members in heads)


def stored_groups(db: Database) -> list[list[int]]:
    with db.session() as session:
        rows = session.execute(select(UnansweredQuestion.id, UnansweredQuestion.group_id))
        groups: dict[int, list[int]] = {}
        for question_id, group in rows:
            groups.setdefault(group, []).append(question_id)
    return sorted(sorted(ids) for ids in groups.values())


def test_questions_are_grouped_as_they_are_stored_as_the_inbox_grouped_them_on_each_press(
    database_url: str,
) -> None:
    db, rng = database(database_url), random.Random(5)
    places, langs = ("koeln", "bonn", None), ("de", "de", "en")
    asked = []
    with db.session() as session:
        for _ in range(120):
            text, lang, town = rng.choice(MIXED), rng.choice(langs), rng.choice(places)
            record_unanswered(session, text, lang, town)
            session.flush()
            asked.append((len(asked) + 1, text, lang, town))
    assert stored_groups(db) == pressed_each_time(asked)
    db.dispose()


def test_alike_questions_share_a_group_only_in_one_language_and_municipality(
    database_url: str,
) -> None:
    db = database(database_url)
    with db.session() as session:
        for text in BIKE:
            record_unanswered(session, text, "de", "koeln")
        record_unanswered(session, BIKE[0], "de", "bonn")
        record_unanswered(session, BIKE[0], "en", "koeln")
        record_unanswered(session, "Wann hat das Bürgeramt offen?", "de", "koeln")
    assert stored_groups(db) == [[1, 2, 3], [4], [5], [6]]
    db.dispose()


def test_a_page_counts_all_questions_and_shows_the_most_asked_groups_first(
    database_url: str,
) -> None:
    db = database(database_url)
    with db.session() as session:
        for n, topic in enumerate(TOPICS.split(), start=1):  # eleven groups, asked 1-11 times
            for _ in range(n):
                record_unanswered(session, f"{topic}?", "de", "koeln")
        record_unanswered(session, "Wo ist das Bürgeramt in Bonn?", "de", "bonn")
    with db.session() as session:
        first = inbox.listing(session, {"koeln"}, 0, 8)
        second = inbox.listing(session, {"koeln"}, 1, 8)
        beyond = inbox.listing(session, {"koeln"}, 99, 8)
        everything = inbox.listing(session, ALL, 0, 8)
    assert (first.questions, first.count, first.page, first.more) == (66, 11, 0, True)
    assert [g.size for g in first.groups] == [11, 10, 9, 8, 7, 6, 5, 4]
    assert first.groups[0].text == "Nachhilfe?"
    assert [g.size for g in second.groups] == [3, 2, 1] and not second.more
    assert beyond.page == 1 and beyond.groups == second.groups
    assert (everything.questions, everything.count) == (67, 12)
    db.dispose()


def test_a_group_shows_its_most_asked_wording_first_and_keeps_its_name_as_it_grows(
    database_url: str,
) -> None:
    db = database(database_url)
    with db.session() as session:
        for text in (BIKE[1], BIKE[0], BIKE[0]):
            record_unanswered(session, text, "de", "koeln")
    with db.session() as session:
        [summary] = inbox.listing(session, {"koeln"}, 0, 8).groups
        assert (summary.id, summary.size, summary.text) == (1, 3, BIKE[0])
        record_unanswered(session, BIKE[2], "de", "koeln")
    with db.session() as session:
        group = inbox.find(session, {"koeln"}, 1)
        assert inbox.find(session, {"bonn"}, 1) is None
    assert group is not None
    assert (group.size, group.ids, group.texts) == (4, (1, 2, 3, 4), (BIKE[0], BIKE[1], BIKE[2]))
    assert (group.lang, group.municipality) == ("de", "koeln")
    db.dispose()


def test_a_new_question_joins_its_group_after_the_first_one_was_deleted(database_url: str) -> None:
    db = database(database_url)
    with db.session() as session:
        for text in BIKE[:2]:
            record_unanswered(session, text, "de", "koeln")
    with db.session() as session:  # the retention deletes the oldest question first
        session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.id == 1))
    with db.session() as session:
        record_unanswered(session, BIKE[2], "de", "koeln")
    with db.session() as session:
        group = inbox.find(session, ALL, 1)
        assert inbox.listing(session, ALL, 0, 8).count == 1
    assert group is not None and group.ids == (2, 3)
    db.dispose()


def test_questions_stored_without_a_group_count_as_groups_of_their_own(database_url: str) -> None:
    db = database(database_url)
    with db.session() as session:
        session.add(UnansweredQuestion(text=BIKE[0], lang="de", municipality="koeln"))
        session.flush()
        record_unanswered(session, BIKE[1], "de", "koeln")  # joins the one without a group
        session.add(UnansweredQuestion(text=BIKE[2], lang="de", municipality="koeln"))
    with db.session() as session:
        found = inbox.listing(session, ALL, 0, 8)
        assert [(g.id, g.size) for g in found.groups] == [(1, 2), (3, 1)]
        assert inbox.find(session, ALL, 3).ids == (3,)  # type: ignore[union-attr]
    db.dispose()


def test_settling_a_large_group_deletes_every_question(database_url: str) -> None:
    db = database(database_url)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rows = [
        {"text": BIKE[0], "lang": "de", "municipality": "koeln", "created_at": now, "group_id": 1}
        for _ in range(2500)
    ]
    with db.session() as session:
        session.execute(insert(UnansweredQuestion), rows)
    with db.session() as session:
        group = inbox.find(session, {"koeln"}, 1)
        assert group is not None and group.size == 2500 and group.texts == (BIKE[0],)
        assert inbox.settle(session, group.ids) == 2500
    with db.session() as session:
        assert inbox.listing(session, ALL, 0, 8).count == 0
    db.dispose()


def test_the_migration_groups_the_questions_kept_before_it(database_url: str) -> None:
    upgrade(database_url, "0007")
    db = Database(database_url)
    then = datetime(2026, 11, 1, tzinfo=UTC)
    with db.engine.begin() as connection:
        for n, (text, town) in enumerate(
            ((BIKE[0], "koeln"), (BIKE[1], "koeln"), (BIKE[0], "bonn"), (BIKE[2], "koeln"))
        ):
            connection.execute(
                UnansweredQuestion.__table__.insert().values(
                    text=text, lang="de", municipality=town, created_at=then + timedelta(hours=n)
                )
            )
    upgrade(database_url)
    assert stored_groups(db) == [[1, 2, 4], [3]]
    with db.session() as session:
        keys = list(session.scalars(select(UnansweredQuestion.group_key).order_by("id")))
    assert keys[0] == key_of(BIKE[0], "de") and all(keys)
    db.dispose()


def test_grouping_a_backlog_at_once_matches_grouping_it_as_it_arrives() -> None:
    rng = random.Random(11)
    asked = [(n, rng.choice(MIXED), "de", rng.choice(("koeln", "bonn"))) for n in range(1, 200)]
    grouped: dict[int, list[int]] = {}
    for question_id, _, group in group_all(asked):
        grouped.setdefault(group, []).append(question_id)
    assert sorted(grouped.values()) == pressed_each_time(asked)
