"""How the models and the migrated database differ, as Alembic's autogenerate sees it."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.models_registry import metadata


async def drift(url: str, tables: Collection[str] = ()) -> list[Any]:
    """Every difference, or those naming one of `tables` ('t' for columns and tables, <t>
    for indexes) when given."""

    def diff(sync_conn: Any) -> list[Any]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    if not tables:
        return differences
    return [
        d for d in differences if any(m in repr(d) for t in tables for m in (f"'{t}'", f"<{t}>"))
    ]
