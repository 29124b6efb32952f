"""The retention sweep job (`gdpr.retention_sweep`).

A dry run counts what is due now and lists the first ids, changing nothing. A real sweep
(allowed only after a dry run, see `retention_service`) walks the contacts due at the dry
run's time in id order, in batches: each batch is one transaction that locks its rows
(`FOR UPDATE SKIP LOCKED`: a record being edited is left for the next sweep), erases each
subject in a savepoint (one that cannot be erased is counted, not fatal), and saves the
checkpoint, so a killed worker resumes after the last committed batch. It also clears
export bundles past their expiry.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from app import jobs
from app.audit import service as audit
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.errors import DomainError
from app.core.timeutil import utcnow
from app.gdpr import erasure, export_service, retention_service
from app.gdpr.retention_errors import SweepAlreadyRunning
from app.gdpr.retention_policy import RetentionPolicy
from app.gdpr.retention_repository import RetentionRepository
from app.gdpr.retention_service import KIND
from app.jobs import JobContext

BATCH = 500
LISTED = 100  # ids a dry run lists; its counts cover everything
PROGRESS = "gdpr.retention.sweeping"


@jobs.register(KIND)
async def retention_sweep(ctx: JobContext) -> dict[str, Any]:
    policy = RetentionPolicy.from_params(ctx.params["policy"])
    if ctx.params["dry_run"]:
        return await _dry_run(ctx, policy)
    return await _sweep(ctx, policy, datetime.fromisoformat(ctx.params["as_of"]))


async def _dry_run(ctx: JobContext, policy: RetentionPolicy) -> dict[str, Any]:
    as_of = utcnow()
    async with ctx.unit() as session:
        repo = RetentionRepository(session)
        due = await repo.count_due(policy, as_of)
        listed = await repo.due_ids(policy, as_of, after=None, limit=LISTED)
        expired_exports = await export_service.count_expired(session, as_of)
    result: dict[str, Any] = {
        "dry_run": True,
        "as_of": as_of.isoformat(),
        "action": policy.action,
        "due": due,
        "contact_ids": [str(i) for i in listed],
        "expired_exports": expired_exports,
    }
    if ctx.params.get("then_sweep") is True and (due or expired_exports):
        async with ctx.unit() as session:
            try:
                sweep = await retention_service.enqueue_real_sweep(
                    session, _actor(ctx.params), ctx.params["policy"], ctx.job_id, result
                )
                result["sweep_job_id"] = str(sweep.id)
            except SweepAlreadyRunning:
                result["sweep_job_id"] = None
    return result


async def _sweep(ctx: JobContext, policy: RetentionPolicy, as_of: datetime) -> dict[str, Any]:
    actor = _actor(ctx.params)
    state = {"after": None, "done": 0, "erased": 0, "failed": 0, "expired_exports": 0}
    state |= ctx.checkpoint or {}
    async with ctx.unit() as session:
        total = state["done"] + await RetentionRepository(session).count_due(policy, as_of)
        if ctx.checkpoint is None:
            state["expired_exports"] = await export_service.purge_expired(session, utcnow())
            await ctx.save_checkpoint(state, session=session)
    await ctx.report(state["done"], total, message=PROGRESS)
    while True:
        async with ctx.unit() as session:
            after = uuid.UUID(state["after"]) if state["after"] else None
            ids = await RetentionRepository(session).due_ids(
                policy, as_of, after=after, limit=BATCH, lock=True
            )
            if not ids:
                break
            async with audit.appended_at_end(session):  # the chain's lock only at the end
                for contact_id in ids:
                    try:
                        async with session.begin_nested():
                            await erasure.erase(
                                session, actor, contact_id, policy.action, reason="retention"
                            )
                        state["erased"] += 1
                    except DomainError:
                        state["failed"] += 1
            state["after"], state["done"] = str(ids[-1]), state["done"] + len(ids)
            await ctx.save_checkpoint(state, session=session)
        await ctx.report(state["done"], max(total, state["done"]), message=PROGRESS)
        ctx.stop_point()
    return {
        "dry_run": False,
        "as_of": as_of.isoformat(),
        "action": policy.action,
        "dry_run_job_id": ctx.params["dry_run_job_id"],
        "processed": state["done"],
        "erased": state["erased"],
        "failed": state["failed"],
        "expired_exports": state["expired_exports"],
    }


def _actor(params: dict[str, Any]) -> Principal:
    """Who started the sweep: its erasures are audited under their id."""
    actor_id = params.get("actor_id")
    return Principal(
        type=params["actor_type"],
        id=uuid.UUID(actor_id) if actor_id else None,
        scopes=frozenset({Scope.GDPR_ERASE}),
    )
