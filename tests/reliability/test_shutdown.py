"""`crm-dq serve` stopped with SIGTERM drains: every request in flight gets its answer, new
connections are refused, the process exits 0. And a client that hangs up mid-request leaves
no connection, transaction or lock behind in the server's pool."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess

import httpx
import pytest

from bench.load_process import free_port, start_server, stop
from tests.reliability.faults_support import (
    create_contact,
    headers_for,
    leftovers,
    row_locked,
    waiting_on_lock,
)

pytestmark = pytest.mark.committed
SLOW_REQUESTS = 4


def refuses_connections(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


async def exit_code(process: subprocess.Popen[bytes], seconds: float) -> int | None:
    try:
        return await asyncio.to_thread(process.wait, seconds)
    except subprocess.TimeoutExpired:
        return None


async def test_sigterm_drains_in_flight_requests_then_exits_0(committed_url: str) -> None:
    headers = await headers_for(committed_url)
    port = free_port()
    process = await asyncio.to_thread(start_server, committed_url, port)
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            contacts = [await create_contact(client, headers, n) for n in range(SLOW_REQUESTS)]
        # Each update waits on a row lock we hold: the requests are in flight on purpose.
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            async with row_locked(committed_url, "contacts", contacts[0]) as locker:
                for other in contacts[1:]:
                    await locker.execute(
                        "SELECT 1 FROM contacts WHERE id = $1::uuid FOR UPDATE", other
                    )
                updates = [
                    asyncio.create_task(
                        client.patch(
                            f"/v1/contacts/{c}",
                            json={"job_title": "Acheteuse"},
                            headers=headers | {"If-Match": '"1"'},
                        )
                    )
                    for c in contacts
                ]
                await waiting_on_lock(committed_url, expected=SLOW_REQUESTS)
                process.send_signal(signal.SIGTERM)
                await asyncio.sleep(1.0)
                assert process.poll() is None, "exited with requests still in flight"
                assert refuses_connections(port), "still accepting new connections"
            # The locks are released: the drained requests complete and answer.
            answers = await asyncio.gather(*updates)
        assert [a.status_code for a in answers] == [200] * len(contacts)
        assert all(a.json()["job_title"] == "Acheteuse" for a in answers)
        assert await exit_code(process, 30) == 0
    finally:
        stop(process)
    assert await leftovers(committed_url) == []


async def test_a_stop_past_the_grace_period_cancels_cleanly(committed_url: str) -> None:
    headers = await headers_for(committed_url)
    port = free_port()
    process = await asyncio.to_thread(
        start_server, committed_url, port, args=("--graceful-timeout", "1")
    )
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            contact = await create_contact(client, headers)
            async with row_locked(committed_url, "contacts", contact):
                stuck = asyncio.create_task(
                    client.patch(
                        f"/v1/contacts/{contact}",
                        json={"job_title": "Acheteuse"},
                        headers=headers | {"If-Match": '"1"'},
                    )
                )
                await waiting_on_lock(committed_url)
                process.send_signal(signal.SIGTERM)
                assert await exit_code(process, 20) == 0  # gave up on it after one second
                answer = await stuck  # cancelled, rolled back, and told so
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "service_unavailable"
        async with row_locked(committed_url, "contacts", contact) as conn:
            job_title = await conn.fetchval(
                "SELECT job_title FROM contacts WHERE id = $1::uuid", contact
            )
        assert job_title is None
    finally:
        stop(process)
    assert await leftovers(committed_url) == []


async def test_clients_hanging_up_mid_request_leak_no_connection(committed_url: str) -> None:
    pool = {"CRMDQ_DB_POOL_SIZE": "2", "CRMDQ_DB_MAX_OVERFLOW": "0", "CRMDQ_DB_POOL_TIMEOUT_S": "2"}
    headers = await headers_for(committed_url)
    port = free_port()
    process = await asyncio.to_thread(start_server, committed_url, port, env=pool)
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            contact = await create_contact(client, headers)
        request = (
            f"PATCH /v1/contacts/{contact} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f'Authorization: {headers["Authorization"]}\r\nIf-Match: "1"\r\n'
            "Content-Type: application/json\r\nContent-Length: 26\r\n\r\n"
            '{"job_title": "Acheteuse"}'
        ).encode()
        async with row_locked(committed_url, "contacts", contact):
            for _ in range(3):  # more hang-ups than the pool has connections
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                await writer.drain()
                await waiting_on_lock(committed_url)
                writer.close()  # the client gives up and goes away
                await writer.wait_closed()
                await asyncio.sleep(0.2)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            for _ in range(20):  # pool_size * 10 requests: a leaked connection would starve
                read = await client.get(f"/v1/contacts/{contact}", headers=headers)
                assert read.status_code == 200, read.text
        # The first hung-up write was completed for nobody; the next two met its new version.
        assert read.json()["version"] > 1
        assert read.json()["job_title"] == "Acheteuse"
        assert await leftovers(committed_url) == []
    finally:
        assert stop(process) == 0
