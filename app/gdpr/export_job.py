"""The job that builds a subject export (`gdpr.export`): one transaction, then ready.

The subject is resolved when the job runs, not when it was asked for: a contact merged
away in between is exported from its new survivor. A subject erased in between has no
export left to build (erasure expired it), and a subject deleted since gives an expired,
empty export.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from app import jobs
from app.core.timeutil import utcnow
from app.gdpr import erasure, export_bundle
from app.gdpr.export_models import GdprExport
from app.gdpr.export_service import KIND, mark_ready
from app.jobs import JobContext
from app.records.errors import ContactNotFound


@jobs.register(KIND)
async def build_export(ctx: JobContext) -> dict[str, Any]:
    export_id = uuid.UUID(ctx.params["export_id"])
    async with ctx.unit() as session:
        export = await session.scalar(
            select(GdprExport).where(GdprExport.id == export_id).with_for_update()
        )
        if export is None or export.status != "pending":
            return {"export_id": str(export_id), "outcome": "skipped"}
        try:
            group = await erasure.subject_records(session, export.contact_id)
        except ContactNotFound:
            export.status = "expired"
            return {"export_id": str(export_id), "outcome": "subject_gone"}
        now = utcnow()
        bundle = await export_bundle.build(session, export.contact_id, group, now)
        await mark_ready(session, export, bundle, now)
    return {"export_id": str(export_id), "outcome": "ready", **export_bundle.counts(bundle)}
