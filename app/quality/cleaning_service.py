"""Cleaning use cases: start a dry run, read its report and changes, then apply it.

The dry run stores which records change, at which version and which fields — never the
values. The changes listing re-plans the listed records on read to show before and after,
so erasing a person leaves no copy of their data behind in a cleaning run.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.audit import service as audit
from app.auth.principal import Principal
from app.jobs.models import Job
from app.jobs.repository import JobRepository
from app.quality.cleaning_errors import (
    AlreadyApplied,
    CleaningNotFound,
    DryRunNotFinished,
    DryRunStale,
)
from app.quality.cleaning_models import CleaningChange, CleaningRun
from app.quality.cleaning_plan import CLEANABLE, FieldChange, held_values, plan_record
from app.quality.cleaning_repository import CleaningRepository
from app.quality.cleaning_schemas import CleaningCreate
from app.records.kinds import COMPANIES, CONTACTS, Kind
from app.validation.policy import ValidationPolicy

KIND = "quality.clean"
KINDS: dict[str, Kind] = {"contact": CONTACTS, "company": COMPANIES}
_GAVE_UP = frozenset({"failed", "cancelled"})


@dataclass(frozen=True, slots=True)
class RunState:
    run: CleaningRun
    job: Job | None  # the step's job: the dry run's, or the apply's once asked

    @property
    def status(self) -> str:
        if self.run.status in ("planning", "applying") and self.job and self.job.status in _GAVE_UP:
            return "failed"
        return self.run.status


@dataclass(frozen=True, slots=True)
class ListedChange:
    row: CleaningChange
    current_version: int | None
    stale: bool
    changes: tuple[FieldChange, ...]


def _actor_params(actor: Principal) -> dict[str, Any]:
    return {"actor_type": actor.type, "actor_id": actor.actor_id}


async def start_dry_run(session: AsyncSession, actor: Principal, body: CleaningCreate) -> Job:
    run = await CleaningRepository(session).add_run(
        CleaningRun(
            id=uuid.uuid4(),
            entity=body.entity,
            fields=list(body.fields or CLEANABLE[body.entity]),
            source_system=body.source,
            status="planning",
            created_by_type=actor.type,
            created_by_id=actor.id,
        )
    )
    params = {"run_id": str(run.id), "step": "plan", **_actor_params(actor)}
    job = await jobs.enqueue(session, KIND, params, actor=actor, max_attempts=3)
    run.plan_job_id = job.id
    await session.flush()
    await audit.record(
        session,
        actor,
        "quality.cleaning.requested",
        entity_type="cleaning_run",
        entity_id=run.id,
        fields=run.fields,
        details={"entity": run.entity, "step": "plan"},
    )
    return job


async def get_run(session: AsyncSession, run_id: uuid.UUID, *, lock: bool = False) -> RunState:
    run = await CleaningRepository(session).get_run(run_id, for_update=lock)
    if run is None:
        raise CleaningNotFound()
    job_id = run.apply_job_id or run.plan_job_id
    job = await JobRepository(session).get(job_id) if job_id else None
    return RunState(run, job)


async def start_apply(
    session: AsyncSession,
    actor: Principal,
    run_id: uuid.UUID,
    *,
    now: datetime,
    validity: timedelta,
) -> Job:
    """Queue the apply step of a dry run that finished less than `validity` ago."""
    state = await get_run(session, run_id, lock=True)
    run = state.run
    if run.status in ("applying", "applied"):
        raise AlreadyApplied()
    if run.status != "planned" or run.planned_at is None:
        raise DryRunNotFinished(reason="failed" if state.status == "failed" else "planning")
    if run.planned_at < now - validity:
        raise DryRunStale(planned_at=run.planned_at.isoformat())
    params = {"run_id": str(run.id), "step": "apply", **_actor_params(actor)}
    job = await jobs.enqueue(session, KIND, params, actor=actor, max_attempts=5)
    run.status, run.apply_job_id, run.apply_requested_by_id = "applying", job.id, actor.id
    await session.flush()
    await audit.record(
        session,
        actor,
        "quality.cleaning.apply_requested",
        entity_type="cleaning_run",
        entity_id=run.id,
        details={"entity": run.entity, "records": run.to_change},
    )
    return job


async def list_changes(
    session: AsyncSession,
    run: CleaningRun,
    policy: ValidationPolicy,
    *,
    after: uuid.UUID | None,
    limit: int,
) -> list[ListedChange]:
    """A page of planned changes, with values re-planned from the records as they are now."""
    repo = CleaningRepository(session)
    rows = await repo.changes_page(run.id, after, limit)
    kind = KINDS[run.entity]
    records = await repo.records_by_id(kind.model, [r.record_id for r in rows])
    return [_listed(row, records.get(row.record_id), kind, run, policy) for row in rows]


def _listed(
    row: CleaningChange, record: Any, kind: Kind, run: CleaningRun, policy: ValidationPolicy
) -> ListedChange:
    if record is None or record.status != "active":  # deleted, merged away or erased since
        version = None if record is None else record.version
        return ListedChange(
            row, version, True, tuple(FieldChange(f, None, None) for f in row.fields)
        )
    stale = record.version != row.version and row.outcome != "applied"
    if row.outcome == "applied":
        # The former values are gone by design; show what the record holds now.
        shown = tuple(FieldChange(f, None, _text(getattr(record, f))) for f in row.fields)
        return ListedChange(row, record.version, stale, shown)
    plan = plan_record(kind.entity, held_values(kind.entity, record), policy, run.fields)
    shown = tuple(
        FieldChange(c.field, _text(c.before), _text(c.after))
        for c in plan.changes
        if stale or c.field in row.fields
    )
    return ListedChange(row, record.version, stale, shown)


def _text(value: object) -> str | list[str] | None:
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return None if value is None else str(value)
