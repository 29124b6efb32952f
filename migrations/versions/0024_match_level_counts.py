"""What a base's duplicates keep: the levels each full scan counted in its settled pairs.

A full scan counts, for the fields a base may set (`app/dedup/engine/estimate.py`), how
often each level turns up in the pairs the other fields settle on their own; the counts
replace the entity's rows when the scan ends, and scans and lookups read those fields' m
from them. Counts only: no value, no record id.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_level_counts",
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("level", sa.String(64), nullable=False),
        sa.Column("pairs", sa.BigInteger(), nullable=False),
        sa.Column("scan_id", sa.Uuid(), nullable=True),
        sa.Column(
            "counted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("pairs > 0", name="pairs"),
        sa.PrimaryKeyConstraint("entity", "field", "level", name="pk_match_level_counts"),
    )


def downgrade() -> None:
    op.drop_table("match_level_counts")
