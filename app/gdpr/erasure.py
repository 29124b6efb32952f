"""Erasure: anonymise a contact (a shell stays, nothing personal) or delete it.

The subject is the person, not one row: a contact merged away is erased through its
survivor, and every record merged into it goes too. Besides the records, what can hold the
person's values is scrubbed in the same transaction: matching keys, merge snapshots,
stored idempotent answers, inbox payloads still waiting. Their addresses join the
suppression list so a later import cannot bring them back. The audit trail never held
their values, so it stays whole.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from sqlalchemy import delete, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.timeutil import utcnow
from app.dedup import service as dedup
from app.dedup.pairs_repository import PairRepository
from app.gdpr import export_service, suppression
from app.gdpr.models import ConsentEvent
from app.merge.models import Merge
from app.quality import record_service as record_quality
from app.records.errors import ContactNotFound
from app.records.models import Contact, ExternalRef
from app.webhooks import outbox

Mode = Literal["anonymize", "delete"]
# What identifies a person; the rest (country, stage, consent flags, dates) stays as counts.
PERSONAL = {
    "civility": None,
    "first_name": None,
    "last_name": None,
    "email": None,
    "email_domain": None,
    "additional_emails": [],
    "phone": None,
    "additional_phones": [],
    "job_title": None,
    "owner_id": None,
}


async def subject_records(session: AsyncSession, contact_id: uuid.UUID) -> list[Contact]:
    """The contact's survivor first, then every record merged into it (at any depth)."""
    contact = await session.get(Contact, contact_id)
    if contact is None:
        raise ContactNotFound()
    seen = {contact.id}
    while contact.status == "merged" and contact.merged_into_id not in seen:
        survivor = await session.get(Contact, contact.merged_into_id)
        if survivor is None:
            break
        contact = survivor
        seen.add(contact.id)
    group, seen = [contact], {contact.id}
    frontier = [contact.id]
    while frontier:
        stmt = select(Contact).where(Contact.merged_into_id.in_(frontier)).order_by(Contact.id)
        found = [c for c in (await session.scalars(stmt)).all() if c.id not in seen]
        seen.update(c.id for c in found)
        group += found
        frontier = [c.id for c in found]
    return group


async def erase(
    session: AsyncSession,
    actor: Principal,
    contact_id: uuid.UUID,
    mode: Mode,
    *,
    reason: str,
) -> list[uuid.UUID]:
    """Erase the subject; returns the ids of the records erased (survivor first)."""
    group = await subject_records(session, contact_id)
    ids = [c.id for c in group]
    locked = select(Contact).where(Contact.id.in_(ids)).order_by(Contact.id).with_for_update()
    group = sorted((await session.scalars(locked)).all(), key=lambda c: ids.index(c.id))
    emails = {e for c in group for e in [c.email, *(c.additional_emails or [])] if e}
    phones = {p for c in group for p in [c.phone, *(c.additional_phones or [])] if p}
    refs = await _refs(session, ids)

    await suppression.add(session, actor, emails, "erasure")
    await _scrub_copies(session, ids, emails | phones)
    for record in group:
        await dedup.forget_record(session, record.id)
    partners = await PairRepository(session).close_for("contact", ids, "erased")
    if mode == "delete":
        await session.execute(delete(ExternalRef).where(ExternalRef.record_id.in_(ids)))
        await session.execute(delete(ConsentEvent).where(ConsentEvent.contact_id.in_(ids)))
        for record in group:
            await session.delete(record)
    else:
        now = utcnow()
        for record in group:
            for name, empty in PERSONAL.items():
                setattr(record, name, list(empty) if isinstance(empty, list) else empty)
            record.status, record.anonymised_at, record.provenance = "anonymised", now, {}
    await session.flush()
    # the erased records (anonymised ones stay) and the partners of the pairs just closed
    await record_quality.rescore(session, "contact", set(ids) | partners)
    action = "contact.deleted" if mode == "delete" else "contact.anonymized"
    for record_id in ids:
        await audit.record(
            session, actor, action, entity_type="contact", entity_id=record_id,
            fields=tuple(PERSONAL), details={"reason": reason, "mode": mode},
        )  # fmt: skip
    await outbox.enqueue(
        session,
        "record.anonymized",
        {"entity": "contact", "id": str(ids[0]), "mode": mode,
         "records": [str(i) for i in ids], "external_refs": refs},
        entity="contact",
        record_id=ids[0],
    )  # fmt: skip
    return ids


async def _refs(session: AsyncSession, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    stmt = select(ExternalRef.system, ExternalRef.external_id).where(ExternalRef.record_id.in_(ids))
    return [{"system": s, "id": i} for s, i in (await session.execute(stmt)).all()]


async def _scrub_copies(session: AsyncSession, ids: list[uuid.UUID], values: set[str]) -> None:
    """Copies of the person's values outside the records themselves."""
    # Merges: their snapshots hold the records as they were; undo becomes impossible.
    await session.execute(
        update(Merge)
        .where(or_(Merge.survivor_id.in_(ids), Merge.merged_ids.overlap(ids)))
        .values(snapshot={"purged": "erasure"})
    )
    await export_service.purge_for_subject(session, ids)
    # Stored answers of idempotent creates and updates name the record by id.
    patterns = [f"%{record_id}%" for record_id in ids]
    await session.execute(
        text("DELETE FROM idempotency_keys WHERE response_body LIKE ANY(:patterns)"),
        {"patterns": patterns},
    )
    # Inbound deliveries not yet applied (applied ones were cleared already).
    if values:
        await session.execute(
            text(
                "UPDATE inbox SET payload = '{}'::jsonb, status = 'rejected', "
                'result = \'{"reason": "erased"}\'::jsonb '
                "WHERE status IN ('pending', 'rejected', 'failed') "
                "AND payload::text ILIKE ANY(:patterns)"
            ),
            {"patterns": [f"%{_like(v)}%" for v in values]},
        )


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
