"""SQLAlchemy 2 models. Keep the least that serves: no names, no message texts tied to people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


#: What erasing a user (/delete_me, or after a year without use) does to a column that
#: refers to them: delete the row, forget them (the column becomes NULL), or transfer the
#: row to an admin of its municipality (deleted when nobody can take it over).
DELETE, FORGET, TRANSFER = "delete", "forget", "transfer"
ERASURE = "erasure"


def user_ref(policy: str, ondelete: str | None = None, **kwargs: Any) -> Any:
    """A column that refers to a user (users.id), with what erasing that user does to it.

    Every reference to a user is declared this way, so the erasure and the data export
    (bot/privacy) cover a table added later without being told about it.
    """
    ondelete = ondelete or ("CASCADE" if policy == DELETE else "SET NULL")
    return mapped_column(
        BigInteger, ForeignKey("users.id", ondelete=ondelete), info={ERASURE: policy}, **kwargs
    )


class UTCDateTime(TypeDecorator[datetime]):
    """A moment: stored in UTC, always read back aware (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored as a moment")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """A Telegram user of the bot: only their id, language, municipality and roles.

    `handle` is the Telegram username, kept only for coaches (offers name their coach by it,
    so referrals can reach them); it is cleared when the user is no coach.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(8))
    municipality: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    handle: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Minutes before an appointment to remind ("1440,60"); None: the defaults.
    reminder_offsets: Mapped[str | None] = mapped_column(String(64))
    #: Local time of a coach's morning agenda ("07:30", "off"); None: the default.
    agenda_at: Mapped[str | None] = mapped_column(String(8))
    #: An advisor who takes questions the bot could not answer ("Ask a person").
    takes_questions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When the user last used the bot (to the day), and when they were asked, after a
    #: long time without use, whether they want to stay (erased if they do not answer).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    stay_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)


class UserRole(Base):
    """A role a user holds, for a municipality ("" when it was granted for no particular one).

    An admin holds one row per municipality they manage; superadmins come from the
    configuration (ADMIN_USER_IDS), never from this table.
    """

    __tablename__ = "user_roles"

    user_id: Mapped[int] = user_ref(DELETE, primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    municipality: Mapped[str] = mapped_column(
        String(64), primary_key=True, default="", server_default=""
    )
    user: Mapped[User] = relationship(back_populates="roles")


class Invitation(Base):
    """A one-time, expiring invitation to a role; only a hash of its code is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    municipality: Mapped[str] = mapped_column(String(64), default="")
    #: An invitation of an erased admin goes with them (it could still be used otherwise).
    created_by: Mapped[int | None] = user_ref(DELETE, "SET NULL", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by: Mapped[int | None] = user_ref(FORGET, index=True)


class AuditEntry(Base):
    """Who changed what and when: roles, invitations, content. Codes and ids only, no texts."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = user_ref(FORGET, index=True)
    action: Mapped[str] = mapped_column(String(32))
    #: The user the action was about (a role granted to them, say).
    subject_id: Mapped[int | None] = user_ref(FORGET, index=True)
    municipality: Mapped[str | None] = mapped_column(String(64))
    #: What was changed: a role name, "faq:some-id", a content version.
    target: Mapped[str | None] = mapped_column(String(140))


class ContentVersion(Base):
    """One state of the content store; the highest id is the current version."""

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    origin: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    entries: Mapped[int] = mapped_column(Integer)


class ContentEntryRow(Base):
    """One current content entry (its language-independent fields)."""

    __tablename__ = "content_entries"
    __table_args__ = (UniqueConstraint("kind", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    entry_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Hidden entries are kept (and versioned) but users do not see them.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    translations: Mapped[list[ContentTranslationRow]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", lazy="selectin"
    )


class ContentTranslationRow(Base):
    """The texts of one content entry in one language."""

    __tablename__ = "content_translations"
    __table_args__ = (UniqueConstraint("entry_pk", "lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_pk: Mapped[int] = mapped_column(
        ForeignKey("content_entries.id", ondelete="CASCADE"), index=True
    )
    lang: Mapped[str] = mapped_column(String(8))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    entry: Mapped[ContentEntryRow] = relationship(back_populates="translations")


class ContentEntryVersion(Base):
    """One version of one content entry: its whole contract form, who made it and when.

    `data` is None for the version that removed the entry.
    """

    __tablename__ = "content_entry_versions"
    __table_args__ = (UniqueConstraint("kind", "entry_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    entry_id: Mapped[str] = mapped_column(String(64), index=True)
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    #: added | changed | removed | hidden | shown | rolled_back
    action: Mapped[str] = mapped_column(String(16))
    #: seed | import | upload | edit | rollback | unanswered | handover
    origin: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int | None] = user_ref(FORGET, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UnansweredQuestion(Base):
    """A question the bot could not answer: the text, language, municipality and time only.

    Alike questions form a group as they are stored (bot/answers/alike.py), so that the
    admins' inbox counts and pages groups in SQL.
    """

    __tablename__ = "unanswered_questions"
    __table_args__ = (Index("ix_unanswered_questions_place", "municipality", "lang", "group_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    municipality: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: The group of alike questions: the id of its first question (NULL: a group of its own).
    group_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: The sorted stems of its content words, which later questions are compared with.
    group_key: Mapped[str | None] = mapped_column(Text)


class Handover(Base):
    """A question the bot could not answer, handed to a person ("Ask a person").

    The asker is known to the advisor only if they agreed (`share_identity`). The question
    and the answer are kept so that an admin can turn them into an FAQ entry; the row goes
    with the asker (and after its retention period).
    """

    __tablename__ = "handovers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asker_id: Mapped[int] = user_ref(DELETE, index=True)
    question: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    municipality: Mapped[str | None] = mapped_column(String(64), index=True)
    share_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    #: open | taken | answered | closed
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    taken_by: Mapped[int | None] = user_ref(FORGET, index=True)
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckStat(Base):
    """How many finished eligibility checks ended with a result, per day, municipality, program.

    Anonymous by design: no user, no facts, no time of day; only counts.
    """

    __tablename__ = "check_stats"
    __table_args__ = (UniqueConstraint("day", "municipality", "program", "result"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    municipality: Mapped[str | None] = mapped_column(String(64))
    program: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=0)


class QuestionStat(Base):
    """How many free-text questions got which outcome, per day, municipality and language.

    outcome: answered (directly) | suggested (did-you-mean) | unanswered. Counts only.
    """

    __tablename__ = "question_stats"
    __table_args__ = (UniqueConstraint("day", "municipality", "lang", "outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    municipality: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(8))
    outcome: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=0)


class SearchStat(Base):
    """How many searches for offers ran, per day, municipality and offer type. Counts only."""

    __tablename__ = "search_stats"
    __table_args__ = (UniqueConstraint("day", "municipality", "offer_type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    municipality: Mapped[str | None] = mapped_column(String(64))
    offer_type: Mapped[str | None] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer, default=0)


class OfferMiss(Base):
    """How often a search for offers found nothing, per day, municipality, type, status, age group.

    Anonymous by design (for the admins' gap report): no user, no exact age, no time of day.
    """

    __tablename__ = "offer_misses"
    __table_args__ = (UniqueConstraint("day", "municipality", "offer_type", "status", "age_group"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    municipality: Mapped[str | None] = mapped_column(String(64))
    offer_type: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(32))
    age_group: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer, default=0)


class Referral(Base):
    """A person referred to an offer's coach, known only by the advisor's client code.

    The client code (chosen by the advisor, never a name) is the only link to the person.
    Referrals are deleted a set time after they end (`closed_at`).
    """

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(64), index=True)
    #: The offer's type and municipality when referred (history outlives content changes).
    offer_type: Mapped[str] = mapped_column(String(32))
    municipality: Mapped[str | None] = mapped_column(String(64))
    client_code: Mapped[str] = mapped_column(String(16), index=True)
    #: The advisor's client codes pass to an admin of the municipality when they are erased.
    advisor_id: Mapped[int | None] = user_ref(TRANSFER, index=True)
    coach_id: Mapped[int | None] = user_ref(FORGET, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class Appointment(Base):
    """An appointment: when (UTC), how long, where, what, for which client code, and who.

    No names: the client code chosen by the advisor is the only link to a person.
    Deleted a set time after it passed.
    """

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    title: Mapped[str] = mapped_column(String(120))
    place: Mapped[str | None] = mapped_column(String(200))
    client_code: Mapped[str | None] = mapped_column(String(16), index=True)
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referrals.id", ondelete="SET NULL"), index=True
    )
    created_by: Mapped[int | None] = user_ref(FORGET, index=True)
    state: Mapped[str] = mapped_column(String(16), default="planned")
    #: Bumped on every move (the calendar file's SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    participants: Mapped[list[Participant]] = relationship(
        back_populates="appointment", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def people(self) -> list[int]:
        return sorted(p.user_id for p in self.participants)


class Participant(Base):
    """A Telegram user taking part in an appointment, and whether they confirmed it."""

    __tablename__ = "appointment_participants"

    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = user_ref(DELETE, primary_key=True, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    appointment: Mapped[Appointment] = relationship(back_populates="participants")


class Reminder(Base):
    """One message due to one user: a reminder before an appointment, or a morning agenda.

    The source of truth for reminders: the scheduler only wakes the dispatcher, which claims
    due rows (pending → claimed), sends them and marks them (sent, dropped or failed).
    """

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = user_ref(DELETE, index=True)
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # before | agenda
    #: What makes it unique for the user: "before:<appointment>:<sequence>:<offset>" or
    #: "agenda:<local day>", so planning twice never sends twice.
    key: Mapped[str] = mapped_column(String(64))
    offset_minutes: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
