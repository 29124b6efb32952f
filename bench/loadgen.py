"""A small closed-loop HTTP/1.1 load generator on keep-alive connections (127.0.0.1 only).

Each of `connections` clients sends one request, waits for the answer, and sends the next,
for `seconds`. Latency is measured per request; the result prints as one Markdown row.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    label: str
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, round(p / 100 * (len(data) - 1)))] if data else 0.0

    def row(self) -> str:
        errors = sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)
        return (
            f"| {self.label} | {self.requests / self.seconds:,.0f} | "
            f"{statistics.median(self.latencies_ms):.2f} | {self.percentile(95):.2f} | "
            f"{self.percentile(99):.2f} | {errors} |"
        )


HEADER = "| endpoint | req/s | p50 ms | p95 ms | p99 ms | 5xx/errors |\n|---|---|---|---|---|---|"


def _request_bytes(method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def run_load(
    label: str,
    port: int,
    path: str,
    *,
    method: str = "GET",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    connections: int = 16,
    seconds: float = 10.0,
    warmup: float = 1.0,
) -> LoadResult:
    payload = _request_bytes(method, path, body, headers or {})
    result = LoadResult(label, seconds)

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        start = time.perf_counter()
        measure_from = start + warmup
        stop_at = measure_from + seconds
        try:
            while (now := time.perf_counter()) < stop_at:
                writer.write(payload)
                status = await _read_response(reader)
                done = time.perf_counter()
                if now >= measure_from:
                    result.latencies_ms.append((done - now) * 1000)
                    result.statuses[status] = result.statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return result


def request_bytes(method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One HTTP/1.1 keep-alive request, ready to write."""
    return _request_bytes(method, path, body, headers)


async def replay(port: int, requests: list[bytes], connections: int) -> list[float]:
    """Send each prepared request once, from `connections` keep-alive clients sharing the
    list; the latencies in ms. Any answer other than 2xx raises."""
    pending = list(reversed(requests))
    latencies: list[float] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while pending:
                payload = pending.pop()
                start = time.perf_counter()
                writer.write(payload)
                status = await _read_response(reader)
                latencies.append((time.perf_counter() - start) * 1000)
                if not 200 <= status < 300:
                    raise RuntimeError(f"HTTP {status}")
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return latencies
