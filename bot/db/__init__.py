"""Database: SQLAlchemy models, engine and session factory, migrations."""

from bot.db.models import (
    Base,
    ContentEntryRow,
    ContentTranslationRow,
    ContentVersion,
    UnansweredQuestion,
    User,
    UserRole,
)
from bot.db.session import Database

__all__ = [
    "Base",
    "ContentEntryRow",
    "ContentTranslationRow",
    "ContentVersion",
    "Database",
    "UnansweredQuestion",
    "User",
    "UserRole",
]
