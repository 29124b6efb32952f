"""Inbound webhooks: store a verified delivery once, then apply it in the worker.

A delivery is acknowledged only once its inbox row is committed; the same `webhook-id`
from the same source is stored once (a redelivery is answered `duplicate`). The worker
applies entries oldest first: created/updated upsert the record by the source's external
id (validated, and checked for duplicates under the `crm` channel's rule), deleted removes
it. A rejected record (invalid fields, a blocked duplicate) is final and says why; any other
failure is retried with back-off and, after the last attempt, left `failed` for replay —
never dropped.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.audit import service as audit
from app.auth.principal import SYSTEM
from app.core.crypto import Sealed, seal, unseal
from app.core.errors import DomainError
from app.core.keyring import Keyring
from app.core.settings import Settings, get_settings
from app.core.timeutil import utcnow
from app.dedup.prevention import DuplicateBlocked, EntryRules
from app.jobs import JobContext
from app.records import service as records
from app.records.kinds import COMPANIES, CONTACTS
from app.records.prepare import RecordInvalid
from app.records.repository import ExternalRefRepository
from app.records.schemas import CompanyUpdate, ContactUpdate
from app.validation.policy import ValidationPolicy
from app.webhooks import outbox
from app.webhooks.inbound_models import InboundSecret, InboxEntry
from app.webhooks.inbound_repository import InboundRepository
from app.webhooks.inbound_schemas import InboundEvent
from app.webhooks.whsec import new_secret

KIND = "webhooks.inbox"
MAX_ATTEMPTS = 8
BATCH = 20
_RETRY_BASE_S = 5.0
_log = structlog.get_logger("crm_dq.webhooks")
_FIELDS = {"contact": ContactUpdate, "company": CompanyUpdate}


class Rejected(Exception):
    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.result = {"reason": reason, **details}


def check_fields(event: InboundEvent) -> dict[str, Any]:
    """The record fields the event carries, as a write of that record would accept them."""
    entity = event.type.split(".")[0]
    return _FIELDS[entity].model_validate(event.data.fields).model_dump(exclude_unset=True)


# --- secrets -----------------------------------------------------------------------------


def _context(secret_id: uuid.UUID) -> bytes:
    return f"inbound_secret:{secret_id}".encode()


async def source_secrets(
    session: AsyncSession, settings: Settings, keyring: Keyring, source: str
) -> list[str]:
    configured = [s.get_secret_value() for s in settings.webhook_secrets.get(source, [])]
    stored = await InboundRepository(session).secrets(source)
    return configured + [
        unseal(keyring, Sealed(s.key_id, s.secret), context=_context(s.id)).decode() for s in stored
    ]


async def add_secret(
    session: AsyncSession, keyring: Keyring, source: str, actor: Any
) -> tuple[InboundSecret, str]:
    secret_id, secret = uuid.uuid4(), new_secret()
    sealed = seal(keyring, secret.encode(), context=_context(secret_id))
    row = await InboundRepository(session).add_secret(
        InboundSecret(
            id=secret_id,
            source=source,
            secret=sealed.blob,
            key_id=sealed.kid,
            created_by_type=actor.type,
            created_by_id=actor.id,
        )
    )
    await audit.record(
        session, actor, "webhook_secret.created", entity_type="inbound_secret",
        entity_id=secret_id, details={"source": source},
    )  # fmt: skip
    return row, secret


# --- receiving ---------------------------------------------------------------------------


async def receive(
    session: AsyncSession, source: str, webhook_id: str, event: InboundEvent
) -> tuple[uuid.UUID, bool]:
    """(inbox id, stored now?) — False when this delivery was stored before."""
    repo = InboundRepository(session)
    stored = await repo.store(
        {
            "id": uuid.uuid4(),
            "source": source,
            "webhook_id": webhook_id,
            "event_type": event.type,
            "payload": event.model_dump(mode="json"),
            "status": "pending",
            "attempts": 0,
        }
    )
    if stored is None:
        existing = await repo.find(source, webhook_id)
        assert existing is not None  # the conflicting row is committed, or we would wait
        return existing.id, False
    await ensure_drain(session)
    return stored, True


async def ensure_drain(session: AsyncSession, run_after: Any = None) -> None:
    """One drain job waiting is enough: it takes every entry pending when it runs."""
    if not await InboundRepository(session).drain_queued(KIND):
        await jobs.enqueue(session, KIND, {}, actor=SYSTEM, run_after=run_after, max_attempts=20)


# --- applying ----------------------------------------------------------------------------


async def apply(
    session: AsyncSession, entry: InboxEntry, policy: ValidationPolicy, rules: EntryRules
) -> dict[str, Any]:
    event = InboundEvent.model_validate(entry.payload)
    entity, action = event.type.split(".")
    kind = CONTACTS if entity == "contact" else COMPANIES
    external_id = event.data.external_id
    if action == "deleted":
        ref = await ExternalRefRepository(session).find(entity, entry.source, external_id)
        if ref is None:
            return {"action": "ignored", "reason": "unknown_record"}
        record = await records.get(session, kind, ref.record_id)
        await records.delete(session, kind, SYSTEM, record.id, expected_version=record.version)
        return {"action": "deleted", "record_id": str(record.id)}
    try:
        fields = check_fields(event)
        written = await records.upsert_by_ref(
            session, kind, SYSTEM, entry.source, external_id, fields, policy,
            expected_version=None, source_system=entry.source,
            entry=records.Entry(rules, "crm"),
        )  # fmt: skip
    except ValidationError as invalid:
        raise Rejected("invalid_fields", fields=_error_fields(invalid)) from None
    except RecordInvalid as invalid:
        raise Rejected(
            "record.invalid", errors=[{"field": f.field, "code": f.code} for f in invalid.findings]
        ) from None
    except DuplicateBlocked as blocked:
        matches = [m["id"] for m in blocked.context.get("matches", [])]
        raise Rejected(blocked.code, matches=matches) from None
    except DomainError as refused:  # anonymised record, suppressed address, taken ref…
        if refused.status >= 500:
            raise
        raise Rejected(refused.code) from None
    action = (
        "created" if written.created else ("updated" if written.changed_fields else "unchanged")
    )
    return {
        "action": action,
        "record_id": str(written.record.id),
        "duplicates": [str(rid) for rid, _ in written.duplicates],
    }


def _error_fields(invalid: ValidationError) -> list[str]:
    return sorted({".".join(str(p) for p in e["loc"]) for e in invalid.errors()})


@jobs.register(KIND)
async def drain(ctx: JobContext) -> dict[str, int]:
    from app.main import validation_policy

    settings = get_settings()
    policy, rules = validation_policy(settings), EntryRules(settings.duplicate_rules)
    counts: Counter[str] = Counter()
    while True:
        # A batch per transaction, each entry in its own savepoint: a failure undoes only
        # its entry, and a killed worker leaves the whole batch pending for the next one.
        async with ctx.unit() as session:
            entries = await InboundRepository(session).next_pending(BATCH)
            async with audit.appended_at_end(session):  # the chain's lock only at the end
                for entry in entries:
                    counts[await _one(session, entry, policy, rules)] += 1
        if not entries:
            break
        await ctx.report(sum(counts.values()), message="webhooks.inbox.applying")
        ctx.stop_point()
    async with ctx.unit() as session:
        waiting = await InboundRepository(session).next_retry()
        if waiting is not None:
            await ensure_drain(session, run_after=waiting)
    return dict(counts)


async def _one(
    session: AsyncSession, entry: InboxEntry, policy: ValidationPolicy, rules: EntryRules
) -> str:
    entry.attempts += 1
    try:
        async with session.begin_nested():
            entry.result = await apply(session, entry, policy, rules)
        entry.status, entry.payload = "processed", {}
    except Rejected as rejected:
        entry.status, entry.result = "rejected", rejected.result
    except Exception as failure:  # retried later, whatever it was
        _log.warning("inbox_entry_failed", error=type(failure).__name__, attempt=entry.attempts)
        entry.result = {"reason": "failed", "error": type(failure).__name__}
        if entry.attempts >= MAX_ATTEMPTS:
            entry.status = "failed"
        else:
            delay = _RETRY_BASE_S * 2 ** (entry.attempts - 1) * random.uniform(0.5, 1.0)  # noqa: S311
            entry.retry_after = utcnow() + timedelta(seconds=delay)
            return "retrying"
    entry.processed_at = utcnow()
    await outbox.enqueue(
        session,
        "record.validated",
        {
            "source": entry.source,
            "inbox_id": str(entry.id),
            "event_type": entry.event_type,
            "status": entry.status,
            **{k: v for k, v in (entry.result or {}).items() if k != "fields"},
        },
    )
    return entry.status
