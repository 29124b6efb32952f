"""What a subject export holds: everything about the person, nothing about anyone else.

The records are the subject's survivor and every record merged into it; around them, their
external references, consent history, the merges they took part in (ids, field sources and
times; never the undo snapshot, which holds the other records' values), the requests they
filed, and the audit events about them (who acted is an actor id; request ids and client IP
addresses are left out, the latter being the actor's personal data).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.gdpr.dsr_models import DsrRequest
from app.gdpr.models import ConsentEvent
from app.merge.models import Merge
from app.records.models import Company, Contact, ExternalRef

FORMAT = "crm-dq.subject-export"
FORMAT_VERSION = 1

AUDIT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_type",
    "actor_id",
    "action",
    "entity_type",
    "entity_id",
    "fields",
    "details",
)
MERGE_COLUMNS = (
    "id",
    "survivor_id",
    "merged_ids",
    "status",
    "survivor_rule",
    "fields",
    "created_by_type",
    "created_by_id",
    "created_at",
    "undone_at",
)
CONSENT_COLUMNS = (
    "id",
    "contact_id",
    "field",
    "old_value",
    "new_value",
    "source_system",
    "actor_type",
    "actor_id",
    "occurred_at",
)
# The register's notes and handler are the team's working data, not the person's.
REQUEST_COLUMNS = (
    "id",
    "kind",
    "status",
    "channel",
    "received_at",
    "due_at",
    "extended_months",
    "completed_at",
)


async def build(
    session: AsyncSession, requested: uuid.UUID, group: Sequence[Contact], now: datetime
) -> dict[str, Any]:
    """The bundle for the subject whose records are `group` (survivor first)."""
    ids = [c.id for c in group]
    texts = [str(i) for i in ids]
    refs = await session.scalars(
        select(ExternalRef)
        .where(ExternalRef.entity == "contact", ExternalRef.record_id.in_(ids))
        .order_by(ExternalRef.created_at, ExternalRef.id)
    )
    consent = await session.scalars(
        select(ConsentEvent)
        .where(ConsentEvent.contact_id.in_(ids))
        .order_by(ConsentEvent.occurred_at, ConsentEvent.id)
    )
    merges = await session.scalars(
        select(Merge)
        .where(Merge.entity == "contact")
        .where(or_(Merge.survivor_id.in_(ids), Merge.merged_ids.overlap(ids)))
        .order_by(Merge.created_at, Merge.id)
    )
    requests = await session.scalars(
        select(DsrRequest).where(DsrRequest.contact_id.in_(ids)).order_by(DsrRequest.received_at)
    )
    events = await session.scalars(
        select(AuditEvent).where(AuditEvent.entity_id.in_(texts)).order_by(AuditEvent.seq)
    )
    company_ids = {c.company_id for c in group if c.company_id}
    companies = await session.execute(
        select(Company.id, Company.name).where(Company.id.in_(company_ids)).order_by(Company.id)
    )
    bundle = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": now,
        "requested_contact_id": requested,
        "subject_id": ids[0],
        "records": [row(c, [col.key for col in Contact.__table__.columns]) for c in group],
        "companies": [{"id": i, "name": n} for i, n in companies.all()],
        "external_refs": [
            {
                "record_id": r.record_id,
                "system": r.system,
                "id": r.external_id,
                "created_at": r.created_at,
            }
            for r in refs
        ],
        "consent_events": [row(e, CONSENT_COLUMNS) for e in consent],
        "merges": [row(m, MERGE_COLUMNS) for m in merges],
        "requests": [row(r, REQUEST_COLUMNS) for r in requests],
        "audit_events": [row(e, AUDIT_COLUMNS) for e in events],
    }
    return jsonable(bundle)


def counts(bundle: dict[str, Any]) -> dict[str, int]:
    """How many of each part: what a job result or a log line may say about a bundle."""
    return {k: len(v) for k, v in bundle.items() if isinstance(v, list)}


def row(obj: Any, columns: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in columns}


def jsonable(value: Any) -> Any:
    """Ids and times as strings, recursively, so the bundle goes into JSONB as it will read."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
