"""SQL of retention: the same rule as `retention_policy`, evaluated by PostgreSQL.

The clock start is `GREATEST(COALESCE(collected_at, created_at), last_interaction_at)`
(GREATEST skips NULLs), the expression `ix_contacts_retention_anchor` indexes over active
records without a legal hold. Adding years is done on UTC wall time, as the pure rule does,
so both agree on 29 February; a coarse bound on the indexed expression comes first so the
index narrows the scan, then the exact comparison.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, not_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.gdpr.retention_policy import RetentionPolicy, add_years
from app.records.models import Contact

CLOCK_START = func.greatest(
    func.coalesce(Contact.collected_at, Contact.created_at), Contact.last_interaction_at
)
# Clamping 29 February loses at most a day; two keep the coarse bound a safe superset.
_SLACK = timedelta(days=2)


def _plus_years(years: int) -> ColumnElement[datetime]:
    utc_wall = func.timezone("UTC", CLOCK_START)
    return func.timezone("UTC", utc_wall + func.make_interval(years))


def _is_customer(policy: RetentionPolicy) -> ColumnElement[bool]:
    stage = func.lower(func.trim(func.coalesce(Contact.lifecycle_stage, "")))
    return stage.in_(policy.customer_stages)


def due_at_column(policy: RetentionPolicy) -> ColumnElement[Any]:
    prospects = _plus_years(policy.prospect_years)
    if policy.customer_years is None:
        return prospects
    return case((_is_customer(policy), _plus_years(policy.customer_years)), else_=prospects)


def due_by(policy: RetentionPolicy, at: datetime) -> ColumnElement[bool]:
    """Active contacts without a legal hold whose retention ends at or before `at`."""
    shortest = min(y for y in (policy.prospect_years, policy.customer_years) if y is not None)
    coarse = add_years(at, -shortest) + _SLACK >= CLOCK_START
    prospects = and_(~_is_customer(policy), _plus_years(policy.prospect_years) <= at)
    if policy.customer_years is None:
        customers: ColumnElement[bool] = false()
    else:
        customers = and_(_is_customer(policy), _plus_years(policy.customer_years) <= at)
    return and_(
        Contact.status == "active",
        not_(Contact.legal_hold),  # as the partial index says it, so the planner matches
        coarse,
        or_(prospects, customers),
    )


class RetentionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def due_page(
        self,
        policy: RetentionPolicy,
        at: datetime,
        *,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Any]:
        """(id, clock_start, due_at) rows, the longest-inactive first."""
        stmt = select(
            Contact.id,
            CLOCK_START.label("clock_start"),
            due_at_column(policy).label("due_at"),
        ).where(due_by(policy, at))
        if after is not None:
            stmt = stmt.where(tuple_(CLOCK_START, Contact.id) > after)
        stmt = stmt.order_by(CLOCK_START, Contact.id).limit(limit)
        return list((await self.session.execute(stmt)).all())

    async def count_due(self, policy: RetentionPolicy, at: datetime) -> int:
        stmt = select(func.count()).select_from(Contact).where(due_by(policy, at))
        return int(await self.session.scalar(stmt) or 0)

    async def due_ids(
        self,
        policy: RetentionPolicy,
        at: datetime,
        *,
        after: uuid.UUID | None,
        limit: int,
        lock: bool = False,
    ) -> list[uuid.UUID]:
        """Ids in id order; with `lock`, rows another transaction holds are skipped (left
        for the next sweep) and the rule is re-checked on the row as it is now."""
        stmt = select(Contact.id).where(due_by(policy, at))
        if after is not None:
            stmt = stmt.where(Contact.id > after)
        stmt = stmt.order_by(Contact.id).limit(limit)
        if lock:
            stmt = stmt.with_for_update(skip_locked=True)
        return list(await self.session.scalars(stmt))
