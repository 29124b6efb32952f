"""GDPR request register, subject exports, and the index retention sweeps walk.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dsr_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("due_at", TIMESTAMP, nullable=False),
        sa.Column("extended_months", sa.Integer(), server_default="0", nullable=False),
        sa.Column("extension_reason", sa.Text()),
        sa.Column("completed_at", TIMESTAMP),
        sa.Column("handler_id", sa.Uuid()),
        sa.Column("contact_id", sa.Uuid()),
        sa.Column("notes", sa.Text()),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by_type", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Uuid()),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dsr_requests"),
        sa.CheckConstraint(
            "kind IN ('access', 'rectification', 'erasure', 'objection', 'portability', "
            "'restriction')",
            name="kind",
        ),
        sa.CheckConstraint(
            "status IN ('received', 'in_progress', 'completed', 'refused')",
            name="status",
        ),
        sa.CheckConstraint(
            "channel IN ('email', 'post', 'phone', 'web_form', 'in_person', 'other')",
            name="channel",
        ),
        sa.CheckConstraint("extended_months BETWEEN 0 AND 2", name="extended_months"),
    )
    op.create_index("ix_dsr_requests_received_at_id", "dsr_requests", ["received_at", "id"])
    op.create_index(
        "ix_dsr_requests_open_due_at",
        "dsr_requests",
        ["due_at", "id"],
        postgresql_where=sa.text("status IN ('received', 'in_progress')"),
    )
    op.create_index("ix_dsr_requests_contact_id", "dsr_requests", ["contact_id"])

    op.create_table(
        "gdpr_exports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("job_id", sa.Uuid()),
        sa.Column("bundle", JSONB()),
        sa.Column("created_by_type", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Uuid()),
        sa.Column("created_at", TIMESTAMP, server_default=sa.func.now(), nullable=False),
        sa.Column("ready_at", TIMESTAMP),
        sa.Column("expires_at", TIMESTAMP),
        sa.Column("downloaded_at", TIMESTAMP),
        sa.PrimaryKeyConstraint("id", name="pk_gdpr_exports"),
        sa.CheckConstraint("status IN ('pending', 'ready', 'expired')", name="status"),
        sa.CheckConstraint("status = 'ready' OR bundle IS NULL", name="bundle_only_when_ready"),
    )
    op.create_index("ix_gdpr_exports_contact_id", "gdpr_exports", ["contact_id"])
    op.create_index(
        "ix_gdpr_exports_ready_expires_at",
        "gdpr_exports",
        ["expires_at"],
        postgresql_where=sa.text("status = 'ready'"),
    )

    # Retention: the moment a contact's clock starts (collection or creation, or its last
    # interaction if later); GREATEST skips NULLs. Only records a sweep may touch.
    op.execute(
        "CREATE INDEX ix_contacts_retention_anchor ON contacts "
        "((GREATEST(COALESCE(collected_at, created_at), last_interaction_at)), id) "
        "WHERE status = 'active' AND NOT legal_hold"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_contacts_retention_anchor")
    op.drop_table("gdpr_exports")
    op.drop_table("dsr_requests")
