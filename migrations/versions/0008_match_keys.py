"""Blocking keys, term counts and base sizes for duplicate detection.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_keys",
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "key", "record_id", name="pk_match_keys"),
    )
    op.create_index("ix_match_keys_record", "match_keys", ["record_id"])
    op.create_table(
        "term_counts",
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("term", sa.String(400), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "term", name="pk_term_counts"),
    )
    op.create_table(
        "dedup_base_sizes",
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column(
            "refreshed_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("entity", name="pk_dedup_base_sizes"),
    )


def downgrade() -> None:
    op.drop_table("dedup_base_sizes")
    op.drop_table("term_counts")
    op.drop_index("ix_match_keys_record", table_name="match_keys")
    op.drop_table("match_keys")
