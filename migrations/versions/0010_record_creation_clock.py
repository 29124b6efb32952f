"""Records take the clock time at insert, not the transaction's start.

Rows inserted by one transaction (a batch) then keep their order of creation, which the
duplicate origin report relies on to tell which record of a pair came second.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("companies", "contacts")


def upgrade() -> None:
    for table in TABLES:
        op.alter_column(table, "created_at", server_default=sa.text("clock_timestamp()"))


def downgrade() -> None:
    for table in TABLES:
        op.alter_column(table, "created_at", server_default=sa.func.now())
