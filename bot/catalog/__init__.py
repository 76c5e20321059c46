"""The curated content store: schema, YAML loading and validation, import and export."""

from bot.catalog.schema import (
    Contact,
    Content,
    FaqEntry,
    FaqText,
    Municipality,
    Offer,
    Program,
    Where,
)

__all__ = ["Contact", "Content", "FaqEntry", "FaqText", "Municipality", "Offer", "Program", "Where"]
