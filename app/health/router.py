"""Liveness, readiness and metrics: what an orchestrator and Prometheus poll."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from app.core.errors import ServiceUnavailable, problem_responses
from app.core.migrations import current_revision, head_revision

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    database: Literal["ok"] = "ok"
    migration: str | None


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"
    title = {"en": "The database is unreachable", "fr": "La base de données est injoignable"}


class MigrationsPending(ServiceUnavailable):
    code = "migrations_pending"
    title = {
        "en": "The database schema is not at the expected version",
        "fr": "Le schéma de la base n'est pas à la version attendue",
    }


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is alive (no dependency is checked)."""
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    responses=problem_responses(DatabaseUnavailable, MigrationsPending),
)
async def readyz(request: Request) -> Readiness:
    """Ready for traffic: the database answers and its migrations are at head."""
    try:
        async with request.app.state.engine.connect() as conn:
            revision = await current_revision(conn)
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseUnavailable() from exc
    expected = head_revision()
    if revision != expected:
        raise MigrationsPending(current=revision, expected=expected)
    return Readiness(migration=revision)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(request: Request) -> Response:
    """Prometheus metrics: request counts and latency histograms by route template."""
    return Response(
        request.app.state.metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8"
    )
