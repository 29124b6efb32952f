"""Quality score of every record: the score, its dimensions, the reasons that cost points,
flags the dataset report counts, and when it was computed.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("companies", "contacts")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("quality_score", sa.SmallInteger(), nullable=True))
        op.add_column(
            table,
            sa.Column("quality_dimensions", JSONB(), server_default="{}", nullable=False),
        )
        op.add_column(
            table, sa.Column("quality_reasons", JSONB(), server_default="[]", nullable=False)
        )
        op.add_column(
            table,
            sa.Column("quality_flags", ARRAY(sa.String(64)), server_default="{}", nullable=False),
        )
        op.add_column(
            table, sa.Column("quality_scored_at", sa.DateTime(timezone=True), nullable=True)
        )
        # "the 100 worst contacts of source X": one index walk, worst first
        op.create_index(
            f"ix_{table}_quality_by_source",
            table,
            ["source_system", "quality_score", "id"],
            postgresql_where=sa.text("status = 'active'"),
        )
        op.create_index(
            f"ix_{table}_quality",
            table,
            ["quality_score", "id"],
            postgresql_where=sa.text("status = 'active'"),
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_quality", table_name=table)
        op.drop_index(f"ix_{table}_quality_by_source", table_name=table)
        for column in (
            "quality_scored_at",
            "quality_flags",
            "quality_reasons",
            "quality_dimensions",
            "quality_score",
        ):
            op.drop_column(table, column)
