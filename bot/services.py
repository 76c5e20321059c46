"""The services every way in (Telegram, console, CLI) shares, built in one place."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from bot.answers.engine import AnswerEngine
from bot.answers.semantic import SemanticRanker, load_ranker
from bot.catalog.loader import load_content
from bot.catalog.schema import Content
from bot.catalog.store import current_version, has_content, load_stored, save_content
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.session import Database

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Settings, database, the current content and the answering engine built from it."""

    settings: Settings
    db: Database
    content: Content
    engine: AnswerEngine = field(init=False)
    clock: Clock = field(default_factory=SystemClock)
    #: The optional semantic ranker (SEMANTIC_MODEL), loaded once and shared by every engine.
    ranker: SemanticRanker | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.engine = AnswerEngine(self.content, ranker=self.ranker)

    def replace_content(self, content: Content) -> None:
        """Swap in new content and a new engine built from it."""
        engine = AnswerEngine(content, ranker=self.ranker)
        with self._lock:
            self.content, self.engine = content, engine

    def reload_content(self) -> Content:
        """Read the stored content afresh and swap it in (after a change made here)."""
        with self.db.session() as session:
            content = load_stored(session) or Content()
        self.replace_content(content)
        log.info("content reloaded: version %s", content.version)
        return content

    def refresh_content(self) -> bool:
        """Reload the content if another process changed the stored version; say if it did."""
        with self.db.session() as session:
            current = current_version(session)
            if current is None or current.id == self.content.version:
                return False
            content = load_stored(session)
        if content is not None:
            self.replace_content(content)
            log.info("content reloaded: version %s", content.version)
        return content is not None


def bootstrap(settings: Settings, *, migrate: bool = True, seed: bool = True) -> Services:
    """Migrate the database, load the shipped content if it has none, and build the services."""
    ranker = load_ranker(settings.semantic_model)  # a broken model fails before anything else
    if migrate:
        upgrade(settings.database_url)
    db = Database(settings.database_url)
    with db.session() as session:
        if seed and not has_content(session):
            content = load_content(settings.content_dir)
            result = save_content(session, content, origin="seed")
            log.info(
                "loaded %s entries from %s (version %s)",
                result.entries,
                settings.content_dir,
                result.version,
            )
    with db.session() as session:
        stored = load_stored(session)
    return Services(settings=settings, db=db, content=stored or Content(), ranker=ranker)
