"""`crm-dq serve` as `make run` starts it: embedded PostgreSQL, migrations, Uvicorn, clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.committed
def test_serve_with_embedded_postgres_then_stop(tmp_path: Path) -> None:
    port = free_port()
    data_dir = tmp_path / "pg"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CRMDQ_DATABASE_URL"}}
    env |= {"CRMDQ_PORT": str(port), "CRMDQ_EMBEDDED_DB_DIR": str(data_dir)}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "not serving /healthz within 30 seconds"
            time.sleep(0.2)
        assert httpx.get(f"{base}/readyz").json()["status"] == "ready"
        assert "swagger-ui" in httpx.get(f"{base}/docs").text
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert not (data_dir / "postmaster.pid").exists(), "embedded PostgreSQL left running"
    assert '"event": "request"' in output
