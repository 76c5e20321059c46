"""Delete what is due, a batch at a time: the one way every slice prunes its rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session


def delete_due(session: Session, model: Any, condition: Any, limit: int | None = None) -> int:
    """Delete the rows of `model` (keyed by `id`) that meet `condition`; at most `limit`."""
    if limit is None:
        return session.execute(delete(model).where(condition)).rowcount or 0
    ids = list(session.scalars(select(model.id).where(condition).order_by(model.id).limit(limit)))
    if ids:
        session.execute(delete(model).where(model.id.in_(ids)))
    return len(ids)
