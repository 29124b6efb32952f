"""What the review decisions say: precision per verdict band, and where duplicates come from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.dedup.models import DuplicatePair
from app.dedup.service import MODELS

# Probability bands the thresholds are tuned on.
BANDS: tuple[tuple[str, float, float], ...] = (
    ("0.00-0.50", 0.0, 0.5),
    ("0.50-0.90", 0.5, 0.9),
    ("0.90-0.99", 0.9, 0.99),
    ("0.99-1.00", 0.99, 1.0000001),
)


async def precision(session: AsyncSession, entity: str) -> list[dict[str, Any]]:
    """Per verdict and probability band: how many decided pairs were confirmed."""
    p = DuplicatePair
    band = case(*((p.probability < high, label) for label, _, high in BANDS), else_="0.99-1.00")
    stmt = (
        select(
            p.verdict,
            band.label("band"),
            func.count().filter(p.status == "confirmed").label("confirmed"),
            func.count().filter(p.status == "dismissed").label("dismissed"),
            func.count().filter(p.status == "open").label("open"),
        )
        .where(p.entity == entity)
        .group_by(p.verdict, "band")
        .order_by(p.verdict, "band")
    )
    rows = []
    for verdict, label, confirmed, dismissed, still_open in (await session.execute(stmt)).all():
        decided = confirmed + dismissed
        rows.append(
            {
                "verdict": verdict,
                "band": label,
                "confirmed": confirmed,
                "dismissed": dismissed,
                "open": still_open,
                "precision": round(confirmed / decided, 4) if decided else None,
            }
        )
    return rows


async def origins(session: AsyncSession, entity: str) -> list[dict[str, Any]]:
    """Who created the later record of each pair that is a duplicate: confirmed by a
    steward, or open with a `duplicate` or `possible` verdict. `related` pairs (another
    establishment, a subsidiary) are no duplicates, and would swamp the report."""
    model = MODELS[entity]
    left, right = aliased(model), aliased(model)
    p = DuplicatePair
    newer_is_right = right.created_at >= left.created_at
    source = case((newer_is_right, right.source_system), else_=left.source_system)
    actor_type = case((newer_is_right, right.created_by_type), else_=left.created_by_type)
    actor_id = case((newer_is_right, right.created_by_id), else_=left.created_by_id)
    stmt = (
        select(
            source.label("source"),
            actor_type.label("actor_type"),
            actor_id.label("actor_id"),
            func.count().label("pairs"),
        )
        .select_from(p)
        .join(left, left.id == p.left_id)
        .join(right, right.id == p.right_id)
        .where(
            p.entity == entity,
            or_(
                p.status == "confirmed",
                and_(p.status == "open", p.verdict.in_(("duplicate", "possible"))),
            ),
        )
        .group_by("source", "actor_type", "actor_id")
        .order_by(func.count().desc())
        .limit(100)
    )
    return [
        {"source_system": s, "created_by_type": t, "created_by_id": i, "pairs": n}
        for s, t, i, n in (await session.execute(stmt)).all()
    ]
