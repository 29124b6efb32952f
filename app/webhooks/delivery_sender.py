"""One HTTP attempt: POST the signed body, time it, classify the outcome.

The response body is never read: a receiver may echo what we sent, personal data included,
and a hostile one could stream without end. Redirects are not followed (the subscription's
URL is the only place events go). The timeout bounds the whole attempt, not each read.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import httpx

from app.webhooks.backoff import parse_retry_after
from app.webhooks.deliveries_repository import AttemptResult


@dataclass(frozen=True, slots=True)
class SendOutcome:
    result: AttemptResult
    retry_after: timedelta | None = None


class Sender:
    def __init__(self, timeout_s: float, client: httpx.AsyncClient | None = None) -> None:
        self.timeout_s = timeout_s
        self._own_client = client is None
        self.client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            # trust_env stays on: HTTPS_PROXY / NO_PROXY / SSL_CERT_FILE are how operators
            # route and trust egress traffic.
        )

    async def aclose(self) -> None:
        if self._own_client:
            await self.client.aclose()

    async def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendOutcome:
        started = time.perf_counter()
        try:
            async with (
                asyncio.timeout(self.timeout_s),
                self.client.stream("POST", url, content=body, headers=dict(headers)) as response,
            ):
                status = response.status_code
                retry_after = parse_retry_after(response.headers.get("retry-after"))
        except (TimeoutError, httpx.TimeoutException):
            return SendOutcome(AttemptResult(None, _ms(started), "timeout"))
        except httpx.ConnectError:
            return SendOutcome(AttemptResult(None, _ms(started), "connect_error"))
        except httpx.RemoteProtocolError:
            return SendOutcome(AttemptResult(None, _ms(started), "protocol_error"))
        except (httpx.HTTPError, httpx.InvalidURL, OSError):
            return SendOutcome(AttemptResult(None, _ms(started), "request_error"))
        latency = _ms(started)
        if 200 <= status < 300:
            return SendOutcome(AttemptResult(status, latency, None))
        return SendOutcome(AttemptResult(status, latency, f"http_{status // 100}xx"), retry_after)


def _ms(started: float) -> int:
    return max(0, round((time.perf_counter() - started) * 1000))
