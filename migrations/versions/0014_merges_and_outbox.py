"""Merges, per-field provenance on records, and the transactional outbox.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("contacts", "companies"):
        op.add_column(
            table,
            sa.Column("provenance", postgresql.JSONB(), server_default="{}", nullable=False),
        )
    op.create_table(
        "merges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("survivor_id", sa.Uuid(), nullable=False),
        sa.Column("merged_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("survivor_rule", sa.String(32), nullable=False),
        sa.Column("fields", postgresql.JSONB(), nullable=False),
        sa.Column("snapshot", postgresql.JSONB(), nullable=False),
        sa.Column("job_id", sa.Uuid()),
        sa.Column("created_by_type", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Uuid()),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.clock_timestamp(),
            nullable=False,
        ),
        sa.Column("undone_at", sa.DateTime(timezone=True)),
        sa.Column("undone_by_type", sa.String(20)),
        sa.Column("undone_by_id", sa.Uuid()),
        sa.PrimaryKeyConstraint("id", name="pk_merges"),
    )
    op.create_index("ix_merges_survivor", "merges", ["survivor_id"])
    op.create_index("ix_merges_merged_ids", "merges", ["merged_ids"], postgresql_using="gin")
    op.create_index("ix_merges_created_at", "merges", ["created_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(16)),
        sa.Column("record_id", sa.Uuid()),
        sa.Column("data", postgresql.JSONB(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.clock_timestamp(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_created_at", "outbox", ["created_at"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("merges")
    for table in ("contacts", "companies"):
        op.drop_column(table, "provenance")
