"""Snapshot use cases: take one per entity (audited), list them, and the trend they draw."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.gdpr.retention_policy import RetentionPolicy
from app.quality import goal_service, report_metrics, report_service
from app.quality.snapshot_models import QualitySnapshot
from app.quality.snapshot_repository import SnapshotRepository
from app.quality.snapshot_schemas import Trend, TrendPoint, TrendSeries

# Points per series: a daily snapshot for almost three years.
TREND_LIMIT = 1000


async def take(
    session: AsyncSession,
    actor: Principal,
    entities: Iterable[str],
    *,
    trigger: str,
    policy: RetentionPolicy,
    now: datetime,
    job_id: uuid.UUID | None = None,
) -> list[QualitySnapshot]:
    """Whole-dataset metrics of each entity, stored; one audit event per snapshot."""
    repo = SnapshotRepository(session)
    taken = []
    for entity in entities:
        metrics = await report_service.whole_dataset(session, entity, policy, now)
        snapshot = await repo.add(
            QualitySnapshot(
                entity=entity,
                # As of when the metrics were computed (stale bands, retention) — not the
                # transaction's start, so snapshots of one transaction keep their order.
                taken_at=now,
                trigger=trigger,
                records=metrics["records"]["count"],
                metrics=metrics,
                taken_by_type=actor.type,
                taken_by_id=actor.id,
                job_id=job_id,
            )
        )
        await audit.record(
            session,
            actor,
            "quality.snapshot.taken",
            entity_type="quality_snapshot",
            entity_id=snapshot.id,
            details={"entity": entity, "trigger": trigger, "records": snapshot.records},
        )
        taken.append(snapshot)
    return taken


async def newest_first(
    session: AsyncSession,
    entity: str | None,
    *,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[QualitySnapshot]:
    return await SnapshotRepository(session).newest_first(entity, before=before, limit=limit)


async def trend(
    session: AsyncSession,
    entity: str,
    metrics: Sequence[str],
    since: datetime | None,
    until: datetime | None,
) -> Trend:
    names = list(dict.fromkeys(metrics)) or list(report_metrics.CATALOGUE[entity])
    defs = [goal_service.known_metric(entity, name) for name in names]
    snapshots, total = await SnapshotRepository(session).in_range(entity, since, until, TREND_LIMIT)
    goals = {g.metric: g for g in await goal_service.list_goals(session, entity)}
    latest = snapshots[-1].metrics if snapshots else {}
    series = []
    for metric in defs:
        points = [
            TrendPoint(
                taken_at=s.taken_at,
                value=(s.metrics.get(metric.name) or {}).get("value"),
                count=(s.metrics.get(metric.name) or {}).get("count"),
            )
            for s in snapshots
        ]
        goal = goals.get(metric.name)
        series.append(
            TrendSeries(
                metric=metric.name,
                kind=metric.kind,
                better=metric.better,
                points=points,
                goal=goal_service.judge(goal, latest) if goal else None,
            )
        )
    return Trend(
        entity=entity,  # type: ignore[arg-type]
        snapshots=len(snapshots),
        truncated=total > len(snapshots),
        series=series,
    )
