"""unanswered groups: alike questions grouped as they are stored, so the inbox pages in SQL

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUESTIONS = sa.table(
    "unanswered_questions",
    sa.column("id", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("lang", sa.String),
    sa.column("municipality", sa.String),
    sa.column("group_id", sa.Integer),
    sa.column("group_key", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("unanswered_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("group_key", sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_unanswered_questions_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(
            "ix_unanswered_questions_place", ["municipality", "lang", "group_id"], unique=False
        )
    # The questions kept so far are grouped as the inbox grouped them, oldest first.
    from bot.answers.alike import group_all

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            QUESTIONS.c.id, QUESTIONS.c.text, QUESTIONS.c.lang, QUESTIONS.c.municipality
        ).order_by(QUESTIONS.c.id)
    ).all()
    grouped = [{"row": row, "key": key, "group": group} for row, key, group in group_all(rows)]
    if grouped:
        connection.execute(
            QUESTIONS.update()
            .where(QUESTIONS.c.id == sa.bindparam("row"))
            .values(group_id=sa.bindparam("group"), group_key=sa.bindparam("key")),
            grouped,
        )


def downgrade() -> None:
    with op.batch_alter_table("unanswered_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_unanswered_questions_place")
        batch_op.drop_index(batch_op.f("ix_unanswered_questions_group_id"))
        batch_op.drop_column("group_key")
        batch_op.drop_column("group_id")
