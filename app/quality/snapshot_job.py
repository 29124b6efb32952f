"""The scheduled snapshot job (`quality.snapshot`): both entities' whole-dataset metrics.

Each entity's snapshot is one transaction (its aggregate pass, the row, the audit event),
so a worker stopped between the two keeps the first; a retry takes a fresh one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app import jobs
from app.auth.principal import SYSTEM
from app.core.settings import Settings
from app.core.timeutil import utcnow
from app.gdpr.retention_policy import RetentionPolicy
from app.gdpr.retention_service import policy_from
from app.jobs import JobContext
from app.quality import snapshot_service
from app.quality.report_metrics import ENTITIES

KIND = "quality.snapshot"


@jobs.register(KIND)
async def take_snapshots(ctx: JobContext) -> dict[str, Any]:
    # The retention policy the schedule was declared with (the settings of the worker).
    policy = RetentionPolicy.from_params(ctx.params["policy"])
    taken: dict[str, str] = {}
    for entity in ctx.params.get("entities") or ENTITIES:
        async with ctx.unit() as session:
            (snapshot,) = await snapshot_service.take(
                session,
                SYSTEM,
                [entity],
                trigger="schedule",
                policy=policy,
                now=utcnow(),
                job_id=ctx.job_id,
            )
            taken[entity] = str(snapshot.id)
        ctx.stop_point()
    return {"snapshots": taken}


def schedule_params(settings: Settings) -> dict[str, Any]:
    return {"policy": policy_from(settings).as_params(), "entities": list(ENTITIES)}


def declare_schedule(settings: Settings) -> None:
    """A snapshot of both entities every `quality_snapshot_every_h` hours (default daily;
    0 turns the schedule off, as an environment variable cannot say null)."""
    if not settings.quality_snapshot_every_h:
        return
    jobs.schedule(
        KIND,
        every=timedelta(hours=settings.quality_snapshot_every_h),
        params=schedule_params(settings),
    )
