"""GDPR core: suppression list, consent history, legal hold and anonymisation time.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "suppressions",
        sa.Column("email_hash", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("created_by_type", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Uuid()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("email_hash", name="pk_suppressions"),
    )
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value", sa.String(64)),
        sa.Column("new_value", sa.String(64)),
        sa.Column("source_system", sa.String(64)),
        sa.Column("actor_type", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.Uuid()),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.clock_timestamp(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consent_events"),
    )
    op.create_index("ix_consent_events_contact", "consent_events", ["contact_id", "occurred_at"])
    op.add_column(
        "contacts",
        sa.Column("legal_hold", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("contacts", sa.Column("anonymised_at", sa.DateTime(timezone=True)))
    # A person's records are found through their merges: erasure, export, subject search.
    for table in ("contacts", "companies"):
        op.create_index(f"ix_{table}_merged_into_id", table, ["merged_into_id"])


def downgrade() -> None:
    for table in ("contacts", "companies"):
        op.drop_index(f"ix_{table}_merged_into_id", table_name=table)
    op.drop_column("contacts", "anonymised_at")
    op.drop_column("contacts", "legal_hold")
    op.drop_table("consent_events")
    op.drop_table("suppressions")
