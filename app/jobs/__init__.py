"""PostgreSQL-backed background jobs: enqueue in a transaction, run by SKIP LOCKED workers.

    from app import jobs

    job = await jobs.enqueue(session, "dedup.scan", {"entity": "contact"}, actor=principal)

Handlers and schedules are declared with `jobs.register` / `jobs.schedule` (see
`registry`); a handler receives a `JobContext` (see `context`).
"""

from app.jobs.context import JobContext
from app.jobs.errors import JobCancelled, JobFailed, LeaseLost, WorkerStopping
from app.jobs.registry import Registry, register, schedule
from app.jobs.service import enqueue

__all__ = [
    "JobCancelled",
    "JobContext",
    "JobFailed",
    "LeaseLost",
    "Registry",
    "WorkerStopping",
    "enqueue",
    "register",
    "schedule",
]
