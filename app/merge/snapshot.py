"""A record's stored columns as JSON and back, for undo (pure).

Undo must give back exactly what was there, so every column is kept, typed back from the
table's own column types when restored.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Table, Uuid
from sqlalchemy.dialects.postgresql import ARRAY

# Bookkeeping the database or the ORM owns: restoring it would fight them.
NOT_RESTORED = frozenset({"id", "version", "created_at", "updated_at"})


def to_json(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def dump(table: Table, record: Any) -> dict[str, object]:
    return {c.key: to_json(getattr(record, c.key)) for c in table.columns}


def restorable(table: Table, data: Mapping[str, object]) -> dict[str, object]:
    """The columns to set back on a record, typed as the table stores them."""
    return {k: v for k, v in typed_row(table, data).items() if k not in NOT_RESTORED}


def typed_row(table: Table, data: Mapping[str, object]) -> dict[str, object]:
    """A whole dumped row typed back, to insert it again."""
    return {c.key: _typed(c.type, data[c.key]) for c in table.columns if c.key in data}


def _typed(kind: object, value: object) -> object:
    if value is None:
        return None
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(str(value))
    if isinstance(kind, Uuid):
        return uuid.UUID(str(value))
    if isinstance(kind, ARRAY) and isinstance(value, list):
        return [_typed(kind.item_type, v) for v in value]
    return value
