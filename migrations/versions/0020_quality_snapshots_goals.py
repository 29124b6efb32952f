"""Dataset quality snapshots (the trend's points) and the goals set per metric.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quality_snapshots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column(
            "taken_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.Column("metrics", JSONB(), nullable=False),
        sa.Column("taken_by_type", sa.String(20), nullable=False),
        sa.Column("taken_by_id", sa.Uuid(), nullable=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("trigger IN ('schedule', 'manual')", name="trigger"),
    )
    # the trend reads one entity's snapshots in time order
    op.create_index(
        "ix_quality_snapshots_entity_taken", "quality_snapshots", ["entity", "taken_at", "id"]
    )
    op.create_table(
        "quality_goals",
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("set_by_type", sa.String(20), nullable=False),
        sa.Column("set_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("entity", "metric"),
        sa.CheckConstraint("direction IN ('at_least', 'at_most')", name="direction"),
    )


def downgrade() -> None:
    op.drop_table("quality_goals")
    op.drop_index("ix_quality_snapshots_entity_taken", table_name="quality_snapshots")
    op.drop_table("quality_snapshots")
