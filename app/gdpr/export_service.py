"""Subject export use cases: ask for one, follow it, download it, and forget it in time.

A bundle holds the person's data, so it is kept only `EXPORT_TTL` after it is ready: the
first read after that (status or download) clears it, as does the retention sweep
(`purge_expired`), and erasing the subject clears its exports at once (`purge_for_subject`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.audit import service as audit
from app.auth.principal import Principal
from app.gdpr.export_errors import (
    ExportContactNotFound,
    ExportExpired,
    ExportNotFound,
    ExportNotReady,
)
from app.gdpr.export_models import GdprExport
from app.records.models import Contact

KIND = "gdpr.export"
EXPORT_TTL = timedelta(days=7)


async def start(session: AsyncSession, actor: Principal, contact_id: uuid.UUID) -> GdprExport:
    """Record the export and queue the job that builds it, in the caller's transaction."""
    if not await session.scalar(select(exists().where(Contact.id == contact_id))):
        raise ExportContactNotFound()
    export = GdprExport(
        id=uuid.uuid4(),
        contact_id=contact_id,
        status="pending",
        created_by_type=actor.type,
        created_by_id=actor.id,
    )
    session.add(export)
    await session.flush()
    job = await jobs.enqueue(session, KIND, {"export_id": str(export.id)}, actor=actor)
    export.job_id = job.id
    await session.flush()
    # Filed under the contact, so the subject's next export shows who exported their data.
    await audit.record(
        session,
        actor,
        "gdpr.export.created",
        entity_type="contact",
        entity_id=contact_id,
        details={"export_id": str(export.id)},
    )
    return export


async def get(session: AsyncSession, export_id: uuid.UUID, now: datetime) -> GdprExport:
    """The export, its bundle cleared first if it has expired."""
    export = await session.scalar(
        select(GdprExport).where(GdprExport.id == export_id).with_for_update()
    )
    if export is None:
        raise ExportNotFound()
    if export.status == "ready" and export.expires_at is not None and export.expires_at <= now:
        export.status, export.bundle = "expired", None
        await session.flush()
    return export


async def download(
    session: AsyncSession, actor: Principal, export: GdprExport, now: datetime
) -> dict[str, Any]:
    """The bundle of a ready export (read with `get`), recorded as downloaded."""
    if export.status == "pending":
        raise ExportNotReady()
    if export.bundle is None:  # expired: the router answers 410 without raising
        raise ExportExpired()
    export.downloaded_at = now
    await session.flush()
    await audit.record(
        session,
        actor,
        "gdpr.export.downloaded",
        entity_type="contact",
        entity_id=export.contact_id,
        details={"export_id": str(export.id)},
    )
    return export.bundle


async def mark_ready(
    session: AsyncSession, export: GdprExport, bundle: dict[str, Any], now: datetime
) -> None:
    export.bundle = bundle
    export.status = "ready"
    export.ready_at = now
    export.expires_at = now + EXPORT_TTL
    await session.flush()


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    """Clear every bundle past its expiry; how many were cleared."""
    result = await session.execute(
        update(GdprExport)
        .where(GdprExport.status == "ready", GdprExport.expires_at <= now)
        .values(status="expired", bundle=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def count_expired(session: AsyncSession, now: datetime) -> int:
    stmt = select(func.count()).where(GdprExport.status == "ready", GdprExport.expires_at <= now)
    return int(await session.scalar(stmt) or 0)


async def purge_for_subject(session: AsyncSession, contact_ids: Collection[uuid.UUID]) -> int:
    """For erasure: clear the exports of these records, ready or still being built."""
    result = await session.execute(
        update(GdprExport)
        .where(GdprExport.contact_id.in_(list(contact_ids)), GdprExport.status != "expired")
        .values(status="expired", bundle=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
