"""privacy: when a user last used the bot, and when they were asked whether to stay

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("stay_asked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_last_seen_at"), ["last_seen_at"], unique=False)
    # Everyone known so far counts as seen now: nobody is asked to stay on the day this runs.
    op.execute(sa.text("UPDATE users SET last_seen_at = CURRENT_TIMESTAMP"))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_last_seen_at"))
        batch_op.drop_column("stay_asked_at")
        batch_op.drop_column("last_seen_at")
