"""`crm-dq worker`: one worker process, stopped gracefully by SIGTERM or SIGINT.

Light at import time (the CLI imports it to build its parser); the database machinery is
imported when the command runs.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import signal
from datetime import timedelta

from app.core.settings import Settings

# Modules whose import registers handlers and schedules (`@register`, `schedule(...)`);
# each domain adds its own here, e.g. "app.dedup.jobs".
HANDLER_MODULES: tuple[str, ...] = (
    "app.dedup.scan",
    "app.dedup.reindex",
    "app.merge.auto",
    "app.webhooks.inbound",
    "app.webhooks.outbox_retention",
    "app.gdpr.export_job",
    "app.gdpr.retention_job",
    "app.quality.cleaning_job",
    "app.quality.record_job",
    "app.quality.snapshot_job",
)


def declare_schedules(settings: Settings) -> None:
    """Schedules whose period comes from settings (the others are declared at import)."""
    from app.gdpr.retention_service import declare_schedule
    from app.quality import record_job, snapshot_job
    from app.webhooks import outbox_retention

    declare_schedule(settings)
    record_job.declare_schedule(settings)
    snapshot_job.declare_schedule(settings)
    outbox_retention.declare_schedule(settings)


def add_worker_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    worker = commands.add_parser("worker", help="run background jobs until SIGTERM/SIGINT")
    worker.add_argument("--id", dest="worker_id", help="worker id (default host:pid:random)")
    worker.add_argument(
        "--poll-interval", type=float, default=5.0, help="seconds between polls when idle"
    )
    worker.add_argument(
        "--lease", type=float, default=60.0, help="seconds a job stays ours without a heartbeat"
    )
    worker.add_argument(
        "--stop-grace",
        type=float,
        default=30.0,
        help="seconds a running job gets to reach a stop point on shutdown",
    )


def worker_command(settings: Settings, args: argparse.Namespace) -> int:
    from app.core import migrations
    from app.core.database_session import database_url_for

    with database_url_for(settings) as url:
        migrations.upgrade(url)
        asyncio.run(
            run_worker(
                settings,
                url,
                worker_id=args.worker_id,
                poll_interval=args.poll_interval,
                lease=timedelta(seconds=args.lease),
                stop_grace=args.stop_grace,
            )
        )
    return 0


async def run_worker(
    settings: Settings,
    url: str,
    *,
    worker_id: str | None = None,
    poll_interval: float = 5.0,
    lease: timedelta = timedelta(seconds=60),
    stop_grace: float = 30.0,
    stop: asyncio.Event | None = None,
) -> None:
    from app.core.db import make_engine, make_listener_engine, make_sessionmaker
    from app.jobs.registry import registry
    from app.jobs.worker import Worker
    from app.webhooks.dispatcher import Dispatcher

    for module in HANDLER_MODULES:
        importlib.import_module(module)
    declare_schedules(settings)
    engine = make_engine(settings, url)
    listen_engine = make_listener_engine(url)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGTERM, signal.SIGINT)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        worker = Worker(
            make_sessionmaker(engine),
            worker_id,
            registry,
            poll_interval,
            lease,
            stop_grace=stop_grace,
            listen_engine=listen_engine,
        )
        # Outbound webhooks are sent by a dispatcher beside the job worker (see its module).
        dispatcher = Dispatcher.from_settings(
            worker.sessionmaker, settings, worker_id=worker_id, listen_engine=listen_engine
        )
        await asyncio.gather(worker.run(stop), dispatcher.run(stop))
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        await listen_engine.dispose()
        await engine.dispose()
