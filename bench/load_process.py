"""`crm-dq serve` and `crm-dq worker` as real processes on a given database, for load runs
and fault tests that signal them (SIGTERM to drain, SIGKILL to crash)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(url: str, extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRMDQ_")}
    env.pop("DATABASE_URL", None)
    return env | {"CRMDQ_DATABASE_URL": url, "CRMDQ_EMBEDDED_WORKER": "false"} | (extra or {})


def start_server(
    url: str, port: int, *, args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`crm-dq serve` on 127.0.0.1:`port`, returned once /readyz answers 200."""
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", *args],
        cwd=ROOT,
        env=_env(url, {"CRMDQ_PORT": str(port), "CRMDQ_LOG_LEVEL": "WARNING"} | (env or {})),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the server did not become ready")
        time.sleep(0.1)


def start_worker(
    url: str, *, lease_s: float = 2.0, poll_s: float = 0.2, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "worker",
            "--lease",
            str(lease_s),
            "--poll-interval",
            str(poll_s),
            "--stop-grace",
            "5",
        ],
        cwd=ROOT,
        env=_env(url, {"CRMDQ_LOG_LEVEL": "WARNING"} | (env or {})),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes], timeout: float = 30.0) -> int:
    """SIGTERM, then SIGKILL if it does not exit in time; the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@contextmanager
def running(process: subprocess.Popen[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    try:
        yield process
    finally:
        stop(process)
