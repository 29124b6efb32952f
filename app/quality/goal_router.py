"""Quality goals: a target per entity and metric, judged by the report and the trend."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.pagination import Page
from app.quality import goal_service
from app.quality.goal_errors import GoalNotFound, QualityInputInvalid
from app.quality.goal_models import QualityGoal
from app.quality.goal_schemas import GoalRead, GoalWrite

router = APIRouter(prefix="/v1/quality/goals", tags=["quality"], responses=auth_problem_responses())
CanRead = Annotated[Principal, requires(Scope.QUALITY_READ)]
CanManage = Annotated[Principal, requires(Scope.QUALITY_MANAGE)]
EntityName = Literal["contact", "company"]
MetricName = Annotated[str, Path(max_length=64, examples=["civility_missing"])]


@router.get("", response_model=Page[GoalRead], operation_id="list_quality_goals")
async def list_quality_goals(
    principal: CanRead, session: DbSession, entity: EntityName | None = None
) -> Page[GoalRead]:
    """Every goal, by entity and metric. One page always: there is at most one goal per
    metric of the catalogue."""
    goals = await goal_service.list_goals(session, entity)
    return Page[GoalRead](items=[_read(g) for g in goals], next_cursor=None)


@router.put(
    "/{entity}/{metric}",
    response_model=GoalRead,
    operation_id="set_quality_goal",
    responses=problem_responses(QualityInputInvalid),
)
async def set_quality_goal(
    entity: EntityName,
    metric: MetricName,
    body: GoalWrite,
    principal: CanManage,
    session: DbSession,
) -> GoalRead:
    """Set (or replace) the goal of a metric: `at_least` or `at_most` `target` (shares from
    0 to 1, the score average from 0 to 100), optionally by a `due` date."""
    goal = await goal_service.set_goal(
        session,
        principal,
        entity,
        metric,
        target=body.target,
        direction=body.direction,
        due=body.due,
    )
    return _read(goal)


@router.delete(
    "/{entity}/{metric}",
    status_code=204,
    operation_id="delete_quality_goal",
    responses=problem_responses(QualityInputInvalid, GoalNotFound),
)
async def delete_quality_goal(
    entity: EntityName, metric: MetricName, principal: CanManage, session: DbSession
) -> Response:
    """Remove a metric's goal."""
    await goal_service.delete_goal(session, principal, entity, metric)
    return Response(status_code=204)


def _read(goal: QualityGoal) -> GoalRead:
    return GoalRead.model_validate(goal, from_attributes=True)
