"""Outbound webhooks: subscriptions, deliveries, attempts, and the fan-out queue.

A trigger on `outbox` queues every new event for fan-out and wakes the dispatchers, in the
event's own transaction: nothing is queued for a rollback, nothing is missed after a commit.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("clock_timestamp()")


def upgrade() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("events", postgresql.ARRAY(sa.String(64)), nullable=False),
        sa.Column("description", sa.String(500)),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("previous_secret", sa.Text()),
        sa.Column("previous_key_id", sa.String(64)),
        sa.Column("previous_expires_at", sa.DateTime(timezone=True)),
        sa.Column("created_by_type", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Uuid()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
    )
    op.create_index(
        "ix_webhook_subscriptions_created_at_id", "webhook_subscriptions", ["created_at", "id"]
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("locked_by", sa.String(128)),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("last_status_code", sa.Integer()),
        sa.Column("last_latency_ms", sa.Integer()),
        sa.Column("last_error", sa.String(64)),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outbox.id"],
            name="fk_webhook_deliveries_event_id_outbox",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name="fk_webhook_deliveries_subscription_id_webhook_subscriptions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("event_id", "subscription_id", name="uq_webhook_deliveries_event_sub"),
        sa.CheckConstraint(
            "status IN ('pending', 'delivering', 'delivered', 'dead')",
            name="ck_webhook_deliveries_status",
        ),
    )
    op.create_index(
        "ix_webhook_deliveries_due",
        "webhook_deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_webhook_deliveries_in_flight",
        "webhook_deliveries",
        ["locked_until"],
        postgresql_where=sa.text("status = 'delivering'"),
    )
    op.create_index(
        "ix_webhook_deliveries_created_at_id", "webhook_deliveries", ["created_at", "id"]
    )
    op.create_index(
        "ix_webhook_deliveries_sub_created",
        "webhook_deliveries",
        ["subscription_id", "created_at", "id"],
    )
    op.create_table(
        "webhook_delivery_attempts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("latency_ms", sa.Integer()),
        sa.Column("error", sa.String(64)),
        sa.Column("worker_id", sa.String(128), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_delivery_attempts"),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_deliveries.id"],
            name="fk_webhook_delivery_attempts_delivery_id_webhook_deliveries",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_webhook_delivery_attempts_delivery",
        "webhook_delivery_attempts",
        ["delivery_id", "attempt"],
    )
    op.create_table(
        "webhook_fanout_queue",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_webhook_fanout_queue"),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outbox.id"],
            name="fk_webhook_fanout_queue_event_id_outbox",
            ondelete="CASCADE",
        ),
    )
    op.execute(
        """
        CREATE FUNCTION webhook_queue_fanout() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO webhook_fanout_queue (event_id) VALUES (NEW.id);
            PERFORM pg_notify('crmdq_webhooks', 'event');
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_webhook_fanout AFTER INSERT ON outbox "
        "FOR EACH ROW EXECUTE FUNCTION webhook_queue_fanout()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS outbox_webhook_fanout ON outbox")
    op.execute("DROP FUNCTION IF EXISTS webhook_queue_fanout()")
    op.drop_table("webhook_fanout_queue")
    op.drop_table("webhook_delivery_attempts")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_subscriptions")
