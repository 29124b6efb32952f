"""Background jobs: the queue workers claim with SKIP LOCKED, and the periodic schedules.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), server_default="queued", nullable=False),
        sa.Column("params", postgresql.JSONB(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("progress_done", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("progress_total", sa.BigInteger(), nullable=True),
        sa.Column("progress_message", sa.String(64), nullable=True),
        sa.Column("result", postgresql.JSONB(), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_message", sa.String(200), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("max_attempts", sa.Integer(), server_default="5", nullable=False),
        sa.Column("run_after", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("locked_by", sa.String(128), nullable=True),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("heartbeat_at", TS, nullable=True),
        sa.Column(
            "cancel_requested", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("checkpoint", postgresql.JSONB(), nullable=True),
        sa.Column("created_by_type", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
            name="ck_jobs_status",
        ),
        sa.CheckConstraint(
            "created_by_type IN ('user', 'service_account', 'system', 'anonymous')",
            name="ck_jobs_created_by_type",
        ),
        sa.CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="ck_jobs_attempts"),
        sa.CheckConstraint(
            "progress_done >= 0 AND (progress_total IS NULL OR progress_total >= 0)",
            name="ck_jobs_progress",
        ),
    )
    op.create_index(
        "ix_jobs_queued_run_after",
        "jobs",
        ["run_after"],
        postgresql_where=sa.text("status = 'queued'"),
    )
    op.create_index(
        "ix_jobs_running_locked_until",
        "jobs",
        ["locked_until"],
        postgresql_where=sa.text("status = 'running'"),
    )
    op.create_index("ix_jobs_created_at_id", "jobs", ["created_at", "id"])
    op.create_index("ix_jobs_kind_created_at_id", "jobs", ["kind", "created_at", "id"])
    op.create_index("ix_jobs_status_created_at_id", "jobs", ["status", "created_at", "id"])

    op.create_table(
        "job_schedules",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("every", sa.Interval(), nullable=False),
        sa.Column("next_run_at", TS, nullable=False),
        sa.Column("last_enqueued_at", TS, nullable=True),
        sa.Column("last_job_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_job_schedules"),
        sa.CheckConstraint("every > interval '0'", name="ck_job_schedules_every_positive"),
    )


def downgrade() -> None:
    op.drop_table("job_schedules")
    op.drop_table("jobs")
