"""match_keys' primary key carries `blocking`, so candidate reads never visit the table.

A lookup or a scan asks for the blocking rows of a key. With `blocking` only in the table,
each row found in the index cost a visit to a random table page: on a cold cache at a
million contacts, most of a lookup's read. Carried in the index (INCLUDE), the rows are
read by an index-only scan. Rebuilding the key locks match_keys for about a minute at
fifteen million rows.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _primary_key(include: str) -> None:
    op.execute(
        "ALTER TABLE match_keys DROP CONSTRAINT pk_match_keys, "
        f"ADD CONSTRAINT pk_match_keys PRIMARY KEY (entity, key, record_id){include}"
    )


def upgrade() -> None:
    _primary_key(" INCLUDE (blocking)")


def downgrade() -> None:
    _primary_key("")
