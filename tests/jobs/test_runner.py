"""`crm-dq worker`: its options, and a real SIGTERM stopping it gracefully."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from datetime import timedelta

import pytest

from app.jobs import runner
from tests.conftest import make_test_settings
from tests.jobs.conftest import eventually


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="crm-dq")
    runner.add_worker_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param(["worker"], (None, 5.0, 60.0, 30.0), id="defaults"),
        pytest.param(
            [
                "worker",
                "--id",
                "w-1",
                "--poll-interval",
                "0.5",
                "--lease",
                "20",
                "--stop-grace",
                "5",
            ],
            ("w-1", 0.5, 20.0, 5.0),
            id="all-options",
        ),
    ],
)
def test_worker_options(argv: list[str], expected: tuple[object, ...]) -> None:
    args = parse(argv)
    assert (args.worker_id, args.poll_interval, args.lease, args.stop_grace) == expected


def test_worker_options_refuse_non_numbers() -> None:
    with pytest.raises(SystemExit):
        parse(["worker", "--lease", "soon"])


@pytest.mark.committed
async def test_sigterm_stops_the_worker_gracefully(committed_url: str) -> None:
    before = signal.getsignal(signal.SIGTERM)
    task = asyncio.create_task(
        runner.run_worker(
            make_test_settings(committed_url),
            committed_url,
            worker_id="signal-test",
            poll_interval=30,
            lease=timedelta(seconds=5),
        )
    )

    async def handler_installed() -> bool:
        return signal.getsignal(signal.SIGTERM) is not before

    await eventually(handler_installed)
    os.kill(os.getpid(), signal.SIGTERM)
    async with asyncio.timeout(10):
        await task  # returns instead of waiting out its 30 s poll
    assert signal.getsignal(signal.SIGTERM) is before  # handlers removed on the way out
