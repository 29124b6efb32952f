"""SQL of quality goals."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.quality.goal_models import QualityGoal


class GoalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self, entity: str | None = None) -> Sequence[QualityGoal]:
        stmt = select(QualityGoal).order_by(QualityGoal.entity, QualityGoal.metric)
        if entity is not None:
            stmt = stmt.where(QualityGoal.entity == entity)
        return (await self.session.scalars(stmt)).all()

    async def get(self, entity: str, metric: str, *, lock: bool = False) -> QualityGoal | None:
        stmt = select(QualityGoal).where(QualityGoal.entity == entity, QualityGoal.metric == metric)
        if lock:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def delete(self, entity: str, metric: str) -> bool:
        stmt = delete(QualityGoal).where(QualityGoal.entity == entity, QualityGoal.metric == metric)
        result = await self.session.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]
