"""Retention use cases: what falls due, and starting a sweep (dry run first, always)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.auth.errors import MissingScope
from app.auth.principal import SYSTEM, Principal
from app.auth.scopes import Scope
from app.core.settings import Settings
from app.gdpr.retention_errors import DryRunRequired, SweepAlreadyRunning
from app.gdpr.retention_policy import RetentionPolicy
from app.gdpr.retention_repository import RetentionRepository
from app.jobs.models import Job
from app.jobs.repository import JobRepository

KIND = "gdpr.retention_sweep"
DRY_RUN_VALIDITY = timedelta(hours=24)


async def due_page(
    session: AsyncSession,
    policy: RetentionPolicy,
    at: datetime,
    *,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Any]:
    return await RetentionRepository(session).due_page(policy, at, after=after, limit=limit)


async def start_sweep(
    session: AsyncSession,
    actor: Principal,
    policy: RetentionPolicy,
    *,
    dry_run: bool,
    dry_run_job_id: uuid.UUID | None,
    now: datetime,
) -> Job:
    if dry_run:
        params = dry_run_params(policy, actor)
        return await jobs.enqueue(session, KIND, params, actor=actor, max_attempts=3)
    if not actor.has(Scope.GDPR_ERASE):
        raise MissingScope(missing=[Scope.GDPR_ERASE.value])
    dry = await _usable_dry_run(session, dry_run_job_id, policy, now)
    return await enqueue_real_sweep(session, actor, dry.params["policy"], dry.id, dry.result)


def dry_run_params(
    policy: RetentionPolicy, actor: Principal, *, then_sweep: bool = False
) -> dict[str, Any]:
    """A dry run's params. `then_sweep` (for a schedule, never from the API) queues the real
    sweep as soon as the dry run has reported, so even unattended sweeps report first."""
    return {
        "dry_run": True,
        "policy": policy.as_params(),
        "then_sweep": then_sweep,
        "actor_type": actor.type,
        "actor_id": actor.actor_id,
    }


async def enqueue_real_sweep(
    session: AsyncSession,
    actor: Principal,
    policy_params: dict[str, Any],
    dry_run_job_id: uuid.UUID,
    dry_run_result: dict[str, Any] | None,
) -> Job:
    if await real_sweep_active(session):
        raise SweepAlreadyRunning()
    params = {
        "dry_run": False,
        "policy": policy_params,
        "dry_run_job_id": str(dry_run_job_id),
        # The real sweep erases only what was due when the dry run looked, never more.
        "as_of": (dry_run_result or {})["as_of"],
        "actor_type": actor.type,
        "actor_id": actor.actor_id,
    }
    return await jobs.enqueue(session, KIND, params, actor=actor, max_attempts=3)


async def _usable_dry_run(
    session: AsyncSession, job_id: uuid.UUID | None, policy: RetentionPolicy, now: datetime
) -> Job:
    if job_id is None:
        raise DryRunRequired(reason="missing")
    job = await JobRepository(session).get(job_id)
    if job is None:
        raise DryRunRequired(reason="not_found")
    if job.kind != KIND or job.params.get("dry_run") is not True:
        raise DryRunRequired(reason="not_a_dry_run")
    if job.status != "succeeded" or not job.result or job.finished_at is None:
        raise DryRunRequired(reason="not_succeeded")
    if job.finished_at < now - DRY_RUN_VALIDITY:
        raise DryRunRequired(reason="too_old")
    if job.params.get("policy") != policy.as_params():
        raise DryRunRequired(reason="policy_changed")
    return job


async def real_sweep_active(session: AsyncSession) -> bool:
    stmt = select(Job.id).where(
        Job.kind == KIND,
        Job.status.in_(("queued", "running")),
        Job.params["dry_run"].as_boolean().is_(False),
    )
    return (await session.scalars(stmt.limit(1))).first() is not None


def policy_from(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        prospect_years=settings.gdpr_retention_prospect_years,
        customer_years=settings.gdpr_retention_customer_years,
        customer_stages=tuple(settings.gdpr_retention_customer_stages),
        action=settings.gdpr_retention_action,
    )


def declare_schedule(settings: Settings) -> None:
    """The periodic dry run (and, with `gdpr_retention_auto_sweep`, the sweep it reports on)."""
    if settings.gdpr_retention_sweep_every_h is None:
        return
    jobs.schedule(
        KIND,
        every=timedelta(hours=settings.gdpr_retention_sweep_every_h),
        params=dry_run_params(
            policy_from(settings), SYSTEM, then_sweep=settings.gdpr_retention_auto_sweep
        ),
    )
