"""Free-text questions: normalise, index, rank, decide (no Telegram here)."""

from bot.answers.engine import AnswerEngine, Decision, Hit
from bot.answers.normalise import guess_language, normalise, tokens

__all__ = ["AnswerEngine", "Decision", "Hit", "guess_language", "normalise", "tokens"]
