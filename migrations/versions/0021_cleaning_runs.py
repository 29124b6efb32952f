"""Cleaning runs (dry run, then apply) and the records each plans to change.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _counts(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, JSONB(), server_default="{}", nullable=False)


def upgrade() -> None:
    op.create_table(
        "cleaning_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("fields", ARRAY(sa.String(32)), nullable=False),
        sa.Column("source_system", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("plan_job_id", sa.Uuid(), nullable=True),
        sa.Column("apply_job_id", sa.Uuid(), nullable=True),
        sa.Column("scanned", sa.Integer(), server_default="0", nullable=False),
        sa.Column("to_change", sa.Integer(), server_default="0", nullable=False),
        _counts("field_counts"),
        _counts("unresolved_counts"),
        _counts("blocked_counts"),
        _counts("outcome_counts"),
        _counts("refused_counts"),
        sa.Column("created_by_type", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("apply_requested_by_id", sa.Uuid(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cleaning_runs"),
        sa.CheckConstraint(
            "status IN ('planning', 'planned', 'applying', 'applied')",
            name="status",
        ),
        sa.CheckConstraint("entity IN ('contact', 'company')", name="entity"),
    )
    op.create_table(
        "cleaning_changes",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fields", ARRAY(sa.String(32)), nullable=False),
        sa.Column("unresolved", ARRAY(sa.String(32)), server_default="{}", nullable=False),
        sa.Column("outcome", sa.String(16), server_default="pending", nullable=False),
        sa.Column("outcome_code", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "record_id", name="pk_cleaning_changes"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["cleaning_runs.id"],
            name="fk_cleaning_changes_run_id_cleaning_runs",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "outcome IN ('pending', 'applied', 'unchanged', 'skipped_changed', 'refused')",
            name="outcome",
        ),
    )


def downgrade() -> None:
    op.drop_table("cleaning_changes")
    op.drop_table("cleaning_runs")
