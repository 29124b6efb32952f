"""The dataset report use case: metrics, goals met, and breakdowns by source and creator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.gdpr.retention_policy import RetentionPolicy
from app.quality import goal_service, report_metrics
from app.quality.goal_errors import QualityInputInvalid
from app.quality.report_repository import ReportFilters, ReportRepository
from app.quality.report_schemas import Breakdowns, CreatorGroup, QualityReport, SourceGroup

# Groups kept per breakdown, the largest first: a CRM has a handful of source systems and
# of importing accounts; a long tail of people is summed up by the totals anyway.
BREAKDOWN_LIMIT = 100
_ONLY_FOR = {
    "lifecycle_stage": "contact",
    "job_function": "contact",
    "size": "company",
}


def check_filters(entity: str, filters: ReportFilters) -> None:
    for name, entity_only in _ONLY_FOR.items():
        if getattr(filters, name) is not None and entity != entity_only:
            raise QualityInputInvalid(name, "quality.report.filter_not_applicable")


async def whole_dataset(
    session: AsyncSession, entity: str, policy: RetentionPolicy, now: datetime
) -> dict[str, dict[str, Any]]:
    """Every metric of the whole active dataset (what a snapshot stores)."""
    rows = await ReportRepository(session).aggregate(
        entity, ReportFilters(), now, policy, by_group=False
    )
    return report_metrics.values(entity, rows[0])


async def build_report(
    session: AsyncSession,
    entity: str,
    filters: ReportFilters,
    policy: RetentionPolicy,
    now: datetime,
    *,
    breakdowns: bool = True,
) -> QualityReport:
    check_filters(entity, filters)
    repo = ReportRepository(session)
    rows = await repo.aggregate(entity, filters, now, policy, by_group=breakdowns)
    metrics = report_metrics.values(entity, report_metrics.add_up(rows, entity))
    goals = [goal_service.judge(g, metrics) for g in await goal_service.list_goals(session, entity)]
    return QualityReport(
        entity=entity,  # type: ignore[arg-type]
        generated_at=now,
        filters={k: str(v) for k, v in asdict(filters).items() if v is not None},
        records=metrics["records"]["count"],
        unscored=metrics["unscored"]["count"],
        metrics=metrics,  # type: ignore[arg-type]
        goals=goals,
        goals_met=sum(1 for g in goals if g.met),
        breakdowns=await _breakdowns(repo, entity, rows) if breakdowns else None,
    )


def _groups(
    rows: list[dict[str, Any]], entity: str, key: Callable[[dict[str, Any]], Hashable]
) -> list[tuple[Any, dict[str, int]]]:
    """Rows summed per `key`, the largest groups first."""
    grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    sums = [(k, report_metrics.add_up(members, entity)) for k, members in grouped.items()]
    sums.sort(key=lambda item: (-item[1]["records"], str(item[0])))
    return sums


async def _breakdowns(
    repo: ReportRepository, entity: str, rows: list[dict[str, Any]]
) -> Breakdowns:
    sources = _groups(rows, entity, lambda r: r["source_system"])
    creators = _groups(rows, entity, lambda r: (r["created_by_type"], r["created_by_id"]))
    truncated = len(sources) > BREAKDOWN_LIMIT or len(creators) > BREAKDOWN_LIMIT
    sources, creators = sources[:BREAKDOWN_LIMIT], creators[:BREAKDOWN_LIMIT]
    names = await repo.display_names({cid for (_, cid), _ in creators if cid})
    return Breakdowns(
        by_source=[
            SourceGroup(
                source_system=source,
                records=sums["records"],
                metrics=report_metrics.values(entity, sums),  # type: ignore[arg-type]
            )
            for source, sums in sources
        ],
        by_creator=[
            CreatorGroup(
                created_by_type=kind,
                created_by_id=cid,
                display_name=names.get(cid) if cid else None,
                records=sums["records"],
                metrics=report_metrics.values(entity, sums),  # type: ignore[arg-type]
            )
            for (kind, cid), sums in creators
        ],
        truncated=truncated,
    )
