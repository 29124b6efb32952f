"""Clusters of duplicates found by full scans.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_clusters",
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("cluster_id", sa.Uuid(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Uuid()),
        sa.PrimaryKeyConstraint("entity", "record_id", name="pk_duplicate_clusters"),
    )
    op.create_index("ix_duplicate_clusters_cluster", "duplicate_clusters", ["entity", "cluster_id"])


def downgrade() -> None:
    op.drop_index("ix_duplicate_clusters_cluster", table_name="duplicate_clusters")
    op.drop_table("duplicate_clusters")
