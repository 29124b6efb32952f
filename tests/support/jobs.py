"""Run the queued jobs to completion with a real worker, as `crm-dq worker` would."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.jobs.registry import registry
from app.jobs.worker import Worker


async def run_jobs(url: str) -> None:
    engine = create_async_engine(url)
    worker = Worker(async_sessionmaker(engine), "test-worker", registry, poll_interval=0.05)
    while await worker.run_once() is not None:
        pass
    await engine.dispose()
