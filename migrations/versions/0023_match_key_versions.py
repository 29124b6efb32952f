"""The version of the matching keys each entity's stored keys were written with.

A release that changes how keys or terms are built raises the engine's version; `crm-dq
migrate` (and `serve`) then queue a re-index of that entity's records (see
`app/dedup/key_versions.py`). A base upgraded from before this table has no row: its keys
are treated as older than any version.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_key_versions",
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("entity", name="pk_match_key_versions"),
    )


def downgrade() -> None:
    op.drop_table("match_key_versions")
