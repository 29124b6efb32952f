"""Goal use cases: set, list, delete (audited), and judging goals against metric values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.timeutil import utcnow
from app.quality import goal_rules, report_metrics
from app.quality.goal_errors import GoalNotFound, QualityInputInvalid
from app.quality.goal_models import QualityGoal
from app.quality.goal_repository import GoalRepository
from app.quality.report_schemas import GoalStatus


def known_metric(entity: str, name: str) -> report_metrics.Metric:
    found = report_metrics.metric(entity, name)
    if found is None:
        raise QualityInputInvalid("metric", "quality.metric.unknown")
    return found


async def set_goal(
    session: AsyncSession,
    actor: Principal,
    entity: str,
    metric: str,
    *,
    target: float,
    direction: str,
    due: date | None,
) -> QualityGoal:
    problem = goal_rules.target_problem(known_metric(entity, metric), target)
    if problem:
        raise QualityInputInvalid("target", problem)
    values = {
        "entity": entity,
        "metric": metric,
        "target": float(target),
        "direction": direction,
        "due": due,
        "set_by_type": actor.type,
        "set_by_id": actor.id,
    }
    stmt = insert(QualityGoal).values(values)
    # One statement, so two stewards setting the same goal at once cannot both insert.
    stmt = stmt.on_conflict_do_update(
        index_elements=[QualityGoal.entity, QualityGoal.metric],
        set_={k: stmt.excluded[k] for k in values if k not in ("entity", "metric")}
        | {"updated_at": utcnow()},
    )
    await session.execute(stmt)
    goal = await GoalRepository(session).get(entity, metric)
    assert goal is not None
    await session.refresh(goal)
    await audit.record(
        session,
        actor,
        "quality.goal.set",
        entity_type="quality_goal",
        entity_id=f"{entity}:{metric}",
        fields=("target", "direction", "due"),
        details={"entity": entity, "metric": metric, "direction": direction},
    )
    return goal


async def delete_goal(session: AsyncSession, actor: Principal, entity: str, metric: str) -> None:
    known_metric(entity, metric)
    if not await GoalRepository(session).delete(entity, metric):
        raise GoalNotFound(entity=entity, metric=metric)
    await audit.record(
        session,
        actor,
        "quality.goal.deleted",
        entity_type="quality_goal",
        entity_id=f"{entity}:{metric}",
        details={"entity": entity, "metric": metric},
    )


async def list_goals(session: AsyncSession, entity: str | None = None) -> Sequence[QualityGoal]:
    return await GoalRepository(session).list(entity)


def judge(goal: QualityGoal, metrics: Mapping[str, Mapping[str, Any]]) -> GoalStatus:
    value = (metrics.get(goal.metric) or {}).get("value")
    current = float(value) if value is not None else None
    return GoalStatus(
        metric=goal.metric,
        target=goal.target,
        direction=goal.direction,  # type: ignore[arg-type]
        due=goal.due,
        current=current,
        met=goal_rules.is_met(current, goal.target, goal.direction),
    )
