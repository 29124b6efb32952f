"""Scored duplicate pairs (the review queue); which match keys are blocking keys.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column(
        "match_keys",
        sa.Column("blocking", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.create_table(
        "duplicate_pairs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("left_id", sa.Uuid(), nullable=False),
        sa.Column("right_id", sa.Uuid(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("reasons", postgresql.JSONB(), nullable=False),
        sa.Column("evidence", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(16), server_default="open", nullable=False),
        sa.Column("job_id", sa.Uuid()),
        sa.Column("decided_by_type", sa.String(20)),
        sa.Column("decided_by_id", sa.Uuid()),
        sa.Column("decided_at", TS),
        sa.Column("decision_reason", sa.String(500)),
        sa.Column("created_at", TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TS, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_duplicate_pairs"),
        sa.UniqueConstraint("entity", "left_id", "right_id", name="uq_duplicate_pairs_pair"),
        sa.CheckConstraint("left_id < right_id", name="ck_duplicate_pairs_ordered"),
    )
    op.create_index(
        "ix_duplicate_pairs_queue",
        "duplicate_pairs",
        ["entity", "status", "verdict", "probability"],
    )
    op.create_index("ix_duplicate_pairs_right", "duplicate_pairs", ["right_id"])


def downgrade() -> None:
    op.drop_index("ix_duplicate_pairs_right", table_name="duplicate_pairs")
    op.drop_index("ix_duplicate_pairs_queue", table_name="duplicate_pairs")
    op.drop_table("duplicate_pairs")
    op.drop_column("match_keys", "blocking")
