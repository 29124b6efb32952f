"""Announce changes that revoke tokens, so processes can cache who may call.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("users", "service_accounts")


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION crmdq_notify_principal_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('crmdq_principal_changed', OLD.id::text);
                RETURN OLD;
            END IF;
            IF NEW.token_version IS DISTINCT FROM OLD.token_version
               OR NEW.is_active IS DISTINCT FROM OLD.is_active THEN
                PERFORM pg_notify('crmdq_principal_changed', NEW.id::text);
            END IF;
            RETURN NEW;
        END
        $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_principal_changed AFTER UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION crmdq_notify_principal_change()"
        )


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_principal_changed ON {table}")
    op.execute("DROP FUNCTION IF EXISTS crmdq_notify_principal_change()")
